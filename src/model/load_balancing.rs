//! Load balancers and target groups: where traffic enters, and which AZs really serve it.

use super::{depends_on, distinct, fields_of, propagate, Ctx, Resource};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

pub(super) fn build(ctx: &Ctx, out: &mut Vec<Resource>) {
    load_balancing(ctx, out);
}

fn bool_attr(attrs: &BTreeMap<String, String>, key: &str) -> Value {
    match attrs.get(key).map(String::as_str) {
        Some("true") => Value::Bool(true),
        Some("false") => Value::Bool(false),
        Some(other) => Value::String(other.to_string()),
        None => Value::Null,
    }
}

fn load_balancing(ctx: &Ctx, out: &mut Vec<Resource>) {
    let s = ctx.snapshot;
    let instance_az: HashMap<(&str, &str), &str> = s
        .ec2
        .instances
        .iter()
        .map(|i| {
            (
                (i.region.as_str(), i.instance_id.as_str()),
                i.availability_zone.as_str(),
            )
        })
        .collect();

    for lb in &s.elbv2.load_balancers {
        let mut fields = fields_of(lb);
        fields.insert(
            "azs".into(),
            distinct(lb.availability_zones.iter().map(|z| z.zone_name.as_str())),
        );
        fields.insert(
            "cross_zone".into(),
            bool_attr(&lb.attributes, "load_balancing.cross_zone.enabled"),
        );
        fields.insert(
            "deletion_protection".into(),
            bool_attr(&lb.attributes, "deletion_protection.enabled"),
        );
        let tgs: Vec<&str> = s
            .elbv2
            .target_groups
            .iter()
            .filter(|tg| tg.region == lb.region && tg.load_balancer_arns.contains(&lb.arn))
            .map(|tg| tg.arn.as_str())
            .collect();
        fields.insert("target_group_arns".into(), json!(tgs));
        let mut unknown = lb.unreadable.clone();
        propagate(
            &mut unknown,
            "attributes",
            &["cross_zone", "deletion_protection"],
        );
        depends_on(
            ctx,
            &mut unknown,
            "elbv2.target_group",
            &lb.region,
            &["target_group_arns"],
        );
        out.push(Resource {
            kind: "elbv2.load_balancer",
            id: lb.name.clone(),
            name: Some(lb.name.clone()),
            arn: lb.arn.clone(),
            region: lb.region.clone(),
            fields,
            unknown,
        });
    }

    for tg in &s.elbv2.target_groups {
        let mut fields = fields_of(tg);
        // Instance targets carry no AZ in DescribeTargetHealth: take the instance's placement.
        let targets: Vec<Value> = tg
            .targets
            .iter()
            .map(|t| {
                let az = t.availability_zone.as_deref().or_else(|| {
                    instance_az
                        .get(&(tg.region.as_str(), t.id.as_str()))
                        .copied()
                });
                json!({
                    "id": t.id, "port": t.port, "state": t.state, "reason": t.reason,
                    "availability_zone": az,
                })
            })
            .collect();
        let healthy: Vec<&Value> = targets.iter().filter(|t| t["state"] == "healthy").collect();
        fields.insert(
            "healthy_target_azs".into(),
            distinct(
                healthy
                    .iter()
                    .filter_map(|t| t["availability_zone"].as_str()),
            ),
        );
        fields.insert("healthy_target_count".into(), Value::from(healthy.len()));
        fields.insert("targets".into(), Value::Array(targets));
        let mut unknown = tg.unreadable.clone();
        propagate(
            &mut unknown,
            "targets",
            &["healthy_target_azs", "healthy_target_count"],
        );
        depends_on(
            ctx,
            &mut unknown,
            "ec2.instance",
            &tg.region,
            &["healthy_target_azs"],
        );
        out.push(Resource {
            kind: "elbv2.target_group",
            id: tg.name.clone(),
            name: Some(tg.name.clone()),
            arn: tg.arn.clone(),
            region: tg.region.clone(),
            fields,
            unknown,
        });
    }
}
