//! EC2 instances and Auto Scaling groups.

use super::{depends_on, distinct, fields_of, name_tag, Ctx, Resource};
use serde_json::Value;
use std::collections::BTreeMap;

pub(super) fn build(ctx: &Ctx, out: &mut Vec<Resource>) {
    let s = ctx.snapshot;
    for i in &s.ec2.instances {
        let mut fields = fields_of(i);
        // EC2 tags every instance it launches for a group; that tag is how we know an
        // instance is replaced automatically when it fails.
        let asg = i.tags.get("aws:autoscaling:groupName").cloned();
        fields.insert(
            "auto_scaling_group".into(),
            asg.map(Value::String).unwrap_or(Value::Null),
        );
        out.push(Resource {
            kind: "ec2.instance",
            id: i.instance_id.clone(),
            name: name_tag(&i.tags),
            arn: format!(
                "arn:{}:ec2:{}:{}:instance/{}",
                s.partition, i.region, s.account_id, i.instance_id
            ),
            region: i.region.clone(),
            fields,
            unknown: BTreeMap::new(),
        });
    }

    for g in &s.autoscaling.groups {
        let mut fields = fields_of(g);
        // AvailabilityZones is authoritative; VPC subnets are the fallback when a
        // snapshot only carries VPCZoneIdentifier.
        let mut azs: Vec<&str> = g.availability_zones.iter().map(String::as_str).collect();
        let mut unknown = BTreeMap::new();
        if azs.is_empty() {
            azs = g
                .subnet_ids
                .iter()
                .filter_map(|id| ctx.subnet_az(&g.region, id))
                .collect();
            depends_on(ctx, &mut unknown, "ec2.subnet", &g.region, &["azs"]);
        }
        fields.insert("azs".into(), distinct(azs));
        fields.insert(
            "instance_azs".into(),
            distinct(g.instances.iter().map(|i| i.availability_zone.as_str())),
        );
        let attached = !g.load_balancer_names.is_empty() || !g.target_group_arns.is_empty();
        fields.insert("has_load_balancer".into(), Value::Bool(attached));
        out.push(Resource {
            kind: "autoscaling.group",
            id: g.name.clone(),
            name: Some(g.name.clone()),
            arn: g.arn.clone(),
            region: g.region.clone(),
            fields,
            unknown,
        });
    }
}
