//! Load balancers, target groups and Route 53: where traffic enters and how it fails over.

use super::{depends_on, distinct, fields_of, propagate, Ctx, Resource};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

pub(super) fn build(ctx: &Ctx, out: &mut Vec<Resource>) {
    load_balancing(ctx, out);
    dns(ctx, out);
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

fn dns(ctx: &Ctx, out: &mut Vec<Resource>) {
    let s = ctx.snapshot;
    let p = &s.partition;
    let zones: HashMap<&str, _> = s
        .route53
        .hosted_zones
        .iter()
        .map(|z| (z.id.as_str(), z))
        .collect();
    for z in &s.route53.hosted_zones {
        out.push(Resource {
            kind: "route53.hosted_zone",
            id: z.id.clone(),
            name: Some(z.name.clone()),
            arn: format!("arn:{p}:route53:::hostedzone/{}", z.id),
            region: crate::snapshot::GLOBAL_REGION.into(),
            fields: fields_of(z),
            unknown: BTreeMap::new(),
        });
    }

    // Failover roles per (zone, name, type): a record's peers are those with the other role.
    let mut roles: HashMap<(&str, &str, &str), Vec<&str>> = HashMap::new();
    for r in &s.route53.record_sets {
        if let Some(f) = r.failover.as_deref() {
            roles
                .entry((&r.hosted_zone_id, &r.name, &r.record_type))
                .or_default()
                .push(f);
        }
    }
    let health_checks: std::collections::HashSet<&str> = s
        .route53
        .health_checks
        .iter()
        .map(|h| h.id.as_str())
        .collect();
    let mut hc_users: HashMap<&str, usize> = HashMap::new();

    for r in &s.route53.record_sets {
        let mut fields = fields_of(r);
        let peers = r.failover.as_deref().map_or(0, |role| {
            roles
                .get(&(
                    r.hosted_zone_id.as_str(),
                    r.name.as_str(),
                    r.record_type.as_str(),
                ))
                .map_or(0, |all| all.iter().filter(|other| **other != role).count())
        });
        fields.insert("failover_peers".into(), Value::from(peers));
        let zone = zones.get(r.hosted_zone_id.as_str());
        fields.insert("zone_name".into(), json!(zone.map(|z| &z.name)));
        fields.insert("zone_private".into(), json!(zone.map(|z| z.private_zone)));
        fields.insert(
            "health_check_exists".into(),
            match &r.health_check_id {
                Some(id) => Value::Bool(health_checks.contains(id.as_str())),
                None => Value::Null,
            },
        );
        if let Some(id) = &r.health_check_id {
            *hc_users.entry(id.as_str()).or_default() += 1;
        }
        let mut unknown = BTreeMap::new();
        depends_on(
            ctx,
            &mut unknown,
            "route53.health_check",
            "global",
            &["health_check_exists"],
        );
        let set = r.set_identifier.as_deref().unwrap_or("");
        let display = if set.is_empty() {
            format!("{} {}", r.name, r.record_type)
        } else {
            format!("{} {} {}", r.name, r.record_type, set)
        };
        out.push(Resource {
            kind: "route53.record",
            id: format!("{}/{}/{}/{}", r.hosted_zone_id, r.name, r.record_type, set),
            name: Some(display),
            arn: format!(
                "arn:{p}:route53:::hostedzone/{}/recordset/{}/{}/{}",
                r.hosted_zone_id,
                r.name.trim_end_matches('.'),
                r.record_type,
                set
            ),
            region: crate::snapshot::GLOBAL_REGION.into(),
            fields,
            unknown,
        });
    }

    for h in &s.route53.health_checks {
        let mut fields = fields_of(h);
        fields.insert(
            "used_by_records".into(),
            Value::from(hc_users.get(h.id.as_str()).copied().unwrap_or(0)),
        );
        out.push(Resource {
            kind: "route53.health_check",
            id: h.id.clone(),
            name: h.fqdn.clone(),
            arn: format!("arn:{p}:route53:::healthcheck/{}", h.id),
            region: crate::snapshot::GLOBAL_REGION.into(),
            fields,
            unknown: BTreeMap::new(),
        });
    }
}
