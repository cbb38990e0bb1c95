//! EC2 instances, each region's EC2 fleet, and Auto Scaling groups.

use super::routing::Regional;
use super::{depends_on, distinct, fields_of, name_tag, Ctx, Resource};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

pub(super) fn build(ctx: &Ctx, out: &mut Vec<Resource>) {
    instances(ctx, out);
    regions(ctx, out);
    groups(ctx, out);
}

fn instances(ctx: &Ctx, out: &mut Vec<Resource>) {
    let s = ctx.snapshot;
    // Group membership from the groups' own instance lists, for instances whose tags do
    // not say (the tag is set at launch; an attached instance may lack it).
    let mut group_of: Regional<&str> = Regional::default();
    for g in &s.autoscaling.groups {
        for i in &g.instances {
            group_of.insert(&g.region, &i.instance_id, &g.name);
        }
    }
    // Target groups whose targets could not be read, per region: an instance found in no
    // group might be in one of them.
    let mut unread_targets: BTreeMap<&str, String> = BTreeMap::new();
    for tg in &s.elbv2.target_groups {
        if let Some(why) = tg.unreadable.get("targets") {
            unread_targets
                .entry(&tg.region)
                .or_insert_with(|| format!("target group {}: {why}", tg.name));
        }
    }

    for i in &s.ec2.instances {
        let mut fields = fields_of(i);
        let mut unknown = BTreeMap::new();
        if i.monitoring.is_none() {
            unknown.insert(
                "monitoring".to_string(),
                "the monitoring state is not in the snapshot".to_string(),
            );
        }
        // EC2 tags every instance it launches for a group; that tag is how we know an
        // instance is replaced automatically when it fails.
        let asg = i
            .tags
            .get("aws:autoscaling:groupName")
            .map(String::as_str)
            .or_else(|| group_of.get(&i.region, &i.instance_id).copied());
        fields.insert(
            "auto_scaling_group".into(),
            asg.map_or(Value::Null, Value::from),
        );
        if asg.is_none() {
            depends_on(
                ctx,
                &mut unknown,
                "autoscaling.group",
                &i.region,
                &["auto_scaling_group"],
            );
        }
        let tgs = ctx.elb.target_groups_with(&i.region, &i.instance_id);
        fields.insert("target_group_arns".into(), json!(tgs));
        if tgs.is_empty() {
            depends_on(
                ctx,
                &mut unknown,
                "elbv2.target_group",
                &i.region,
                &["target_group_arns"],
            );
            if let Some(why) = unread_targets.get(i.region.as_str()) {
                unknown
                    .entry("target_group_arns".into())
                    .or_insert_with(|| why.clone());
            }
        }
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
            unknown,
        });
    }
}

/// One `ec2.region` per scanned region: how its running instances spread over AZs.
fn regions(ctx: &Ctx, out: &mut Vec<Resource>) {
    let s = ctx.snapshot;
    let mut by_region: BTreeMap<&str, BTreeMap<&str, usize>> = s
        .regions
        .iter()
        .map(|r| (r.as_str(), BTreeMap::new()))
        .collect();
    for i in &s.ec2.instances {
        let azs = by_region.entry(&i.region).or_default();
        if i.state == "running" {
            *azs.entry(&i.availability_zone).or_default() += 1;
        }
    }
    for (region, counts) in by_region {
        let total: usize = counts.values().sum();
        // Busiest and quietest of the AZs in use (the first by name on a tie).
        let busiest = counts.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)));
        let quietest = counts.iter().min_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(b.0)));
        let az = |v: Option<(&&str, &usize)>| v.map_or(Value::Null, |(az, _)| Value::from(*az));
        let n = |v: Option<(&&str, &usize)>| Value::from(v.map_or(0, |(_, n)| *n));
        let mut fields = serde_json::Map::new();
        fields.insert("running_instance_count".into(), Value::from(total));
        fields.insert(
            "running_instance_azs".into(),
            distinct(counts.keys().copied()),
        );
        fields.insert("instance_count_by_az".into(), json!(counts));
        fields.insert("busiest_az".into(), az(busiest));
        fields.insert("busiest_az_instance_count".into(), n(busiest));
        fields.insert("quietest_az".into(), az(quietest));
        fields.insert("quietest_az_instance_count".into(), n(quietest));
        let mut unknown = BTreeMap::new();
        let derived: Vec<&str> = fields.keys().map(String::as_str).collect();
        depends_on(ctx, &mut unknown, "ec2.instance", region, &derived);
        out.push(Resource {
            kind: "ec2.region",
            id: region.to_string(),
            name: Some(region.to_string()),
            arn: format!(
                "arn:{}:ec2:{region}:{}:region/{region}",
                s.partition, s.account_id
            ),
            region: region.to_string(),
            fields,
            unknown,
        });
    }
}

fn groups(ctx: &Ctx, out: &mut Vec<Resource>) {
    let s = ctx.snapshot;
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
            depends_on(
                ctx,
                &mut unknown,
                "ec2.subnet",
                &g.region,
                &["azs", "azs_not_served_by_load_balancer"],
            );
        }
        let azs: BTreeSet<&str> = azs.into_iter().collect();
        fields.insert("azs".into(), distinct(azs.iter().copied()));
        fields.insert(
            "instance_azs".into(),
            distinct(g.instances.iter().map(|i| i.availability_zone.as_str())),
        );
        fields.insert("instance_count".into(), Value::from(g.instances.len()));
        let attached = !g.load_balancer_names.is_empty() || !g.target_group_arns.is_empty();
        fields.insert("has_load_balancer".into(), Value::Bool(attached));

        // Free addresses left in its subnets: what scaling out to MaxSize draws on.
        let mut free_ips = 0;
        for id in &g.subnet_ids {
            // A subnet that is gone has no address to give.
            let Some(sn) = ctx.routing.subnet(&g.region, id) else {
                continue;
            };
            match sn.available_ip_address_count {
                Some(n) => free_ips += n,
                None => {
                    unknown.entry("subnet_free_ips".into()).or_insert_with(|| {
                        format!("subnet {id} has no available address count in the snapshot")
                    });
                }
            }
        }
        fields.insert("subnet_free_ips".into(), Value::from(free_ips));
        depends_on(
            ctx,
            &mut unknown,
            "ec2.subnet",
            &g.region,
            &["subnet_free_ips"],
        );

        // Target groups that no longer exist, and the AZs the group launches in that a
        // load balancer behind its target groups is not enabled in.
        let mut missing = Vec::new();
        let mut lbs = BTreeSet::new();
        let mut unserved = BTreeSet::new();
        for arn in &g.target_group_arns {
            let Some(tg) = ctx.elb.target_group(arn) else {
                missing.push(arn.as_str());
                continue;
            };
            for lb in tg
                .load_balancer_arns
                .iter()
                .filter_map(|a| ctx.elb.load_balancer(a))
            {
                lbs.insert(lb.name.as_str());
                unserved.extend(
                    azs.iter()
                        .copied()
                        .filter(|az| !lb.availability_zones.iter().any(|z| z.zone_name == *az)),
                );
            }
        }
        fields.insert("missing_target_group_arns".into(), json!(missing));
        fields.insert("load_balancers".into(), distinct(lbs));
        fields.insert("azs_not_served_by_load_balancer".into(), distinct(unserved));
        depends_on(
            ctx,
            &mut unknown,
            "elbv2.target_group",
            &g.region,
            &[
                "missing_target_group_arns",
                "load_balancers",
                "azs_not_served_by_load_balancer",
            ],
        );
        depends_on(
            ctx,
            &mut unknown,
            "elbv2.load_balancer",
            &g.region,
            &["load_balancers", "azs_not_served_by_load_balancer"],
        );
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

#[cfg(test)]
mod tests {
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    fn fields(m: &Model, kind: &str, id: &str) -> serde_json::Map<String, serde_json::Value> {
        m.resources
            .iter()
            .find(|r| r.kind == kind && r.id == id)
            .unwrap_or_else(|| panic!("no {kind} {id}"))
            .fields
            .clone()
    }

    #[test]
    fn every_scanned_region_gets_its_fleet_even_without_instances() {
        let mut s = Snapshot::new("111122223333", vec!["r1".into(), "r2".into()], "t".into());
        for (id, az, state) in [
            ("i-1", "r1b", "running"),
            ("i-2", "r1a", "running"),
            ("i-3", "r1a", "running"),
            ("i-4", "r1c", "stopped"),
        ] {
            s.ec2.instances.push(Instance {
                region: "r1".into(),
                instance_id: id.into(),
                availability_zone: az.into(),
                state: state.into(),
                ..Default::default()
            });
        }
        let m = Model::build(&s);
        let r1 = fields(&m, "ec2.region", "r1");
        assert_eq!(r1["running_instance_count"], json!(3));
        assert_eq!(r1["running_instance_azs"], json!(["r1a", "r1b"]));
        assert_eq!(r1["instance_count_by_az"], json!({"r1a": 2, "r1b": 1}));
        assert_eq!(
            (&r1["busiest_az"], &r1["quietest_az"]),
            (&json!("r1a"), &json!("r1b"))
        );
        let r2 = fields(&m, "ec2.region", "r2");
        assert_eq!(r2["running_instance_count"], json!(0));
        assert_eq!(r2["busiest_az"], json!(null));
    }

    #[test]
    fn group_joins_target_groups_load_balancers_and_subnets() {
        let mut s = Snapshot::default();
        for (id, az, free) in [
            ("s-a", "a", Some(5)),
            ("s-b", "b", Some(6)),
            ("s-c", "c", None),
        ] {
            s.ec2.subnets.push(Subnet {
                region: "r".into(),
                subnet_id: id.into(),
                availability_zone: az.into(),
                available_ip_address_count: free,
                ..Default::default()
            });
        }
        s.elbv2.load_balancers.push(LoadBalancer {
            region: "r".into(),
            arn: "lb/web".into(),
            name: "web".into(),
            availability_zones: vec![LbZone {
                zone_name: "a".into(),
                subnet_id: None,
            }],
            ..Default::default()
        });
        s.elbv2.target_groups.push(TargetGroup {
            region: "r".into(),
            arn: "tg/web".into(),
            name: "web".into(),
            load_balancer_arns: vec!["lb/web".into()],
            ..Default::default()
        });
        let group = |name: &str, subnets: &[&str]| AutoScalingGroup {
            region: "r".into(),
            name: name.into(),
            availability_zones: vec!["a".into(), "b".into()],
            subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
            target_group_arns: vec!["tg/web".into(), "tg/gone".into()],
            ..Default::default()
        };
        s.autoscaling.groups = vec![
            group("g", &["s-a", "s-b", "s-gone"]),
            group("h", &["s-a", "s-c"]),
        ];
        let m = Model::build(&s);
        let g = fields(&m, "autoscaling.group", "g");
        assert_eq!(
            g["subnet_free_ips"],
            json!(11),
            "a deleted subnet has no room"
        );
        assert_eq!(g["missing_target_group_arns"], json!(["tg/gone"]));
        assert_eq!(g["load_balancers"], json!(["web"]));
        assert_eq!(g["azs_not_served_by_load_balancer"], json!(["b"]));
        let h = m
            .resources
            .iter()
            .find(|r| r.kind == "autoscaling.group" && r.id == "h")
            .unwrap();
        assert!(
            h.unknown["subnet_free_ips"].contains("s-c"),
            "{:?}",
            h.unknown
        );
    }
}
