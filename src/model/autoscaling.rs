//! Auto Scaling groups: their AZs, instances, load balancers and room to scale out.

use super::{distinct, Always, Ctx, Known, Resource};
use crate::registry::{Kind, Service};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};

crate::facts! {
    /// Derived facts of an Auto Scaling group.
    pub struct GroupFacts<'a> {
        /// The AZs it launches in: its AvailabilityZones, else the AZs of its subnets.
        pub azs: Known<Vec<&'a str>>,
        /// The AZs its instances run in.
        pub instance_azs: Always<Vec<&'a str>>,
        /// How many instances it has.
        pub instance_count: Always<usize>,
        /// Whether a load balancer or target group is attached.
        pub has_load_balancer: Always<bool>,
        /// Free IP addresses left in its subnets: what scaling out draws on.
        pub subnet_free_ips: Known<i64>,
        /// Its target groups that no longer exist.
        pub missing_target_group_arns: Known<Vec<&'a str>>,
        /// Its Classic Load Balancers (`LoadBalancerNames`) that no longer exist.
        pub missing_load_balancer_names: Known<Vec<&'a str>>,
        /// The load balancers in front of its target groups.
        pub load_balancers: Known<Vec<&'a str>>,
        /// AZs it launches in that a load balancer of its target groups is not enabled in.
        pub azs_not_served_by_load_balancer: Known<Vec<&'a str>>,
        /// The instance types its mixed instances policy names (empty: the one type of its
        /// launch template or configuration).
        pub launch_instance_types: Known<Vec<&'a str>>,
        /// Whether it selects instance types by attributes (any type that matches).
        pub launch_by_attributes: Always<bool>,
        /// What it launches from: `launch_template`, `launch_configuration` or `none`.
        pub launch_source: Known<&'a str>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    let classic: HashSet<(&str, &str)> = ctx
        .snapshot
        .elb
        .load_balancers
        .iter()
        .map(|lb| (lb.region.as_str(), lb.name.as_str()))
        .collect();
    for g in &ctx.snapshot.autoscaling.groups {
        // AvailabilityZones is authoritative; VPC subnets are the fallback when a
        // snapshot only carries VPCZoneIdentifier.
        let mut azs: Vec<&str> = g.availability_zones.iter().map(String::as_str).collect();
        let from_subnets = azs.is_empty();
        if from_subnets {
            azs = g
                .subnet_ids
                .iter()
                .filter_map(|id| ctx.subnet_az(&g.region, id))
                .collect();
        }
        let azs: BTreeSet<&str> = azs.into_iter().collect();

        // Free addresses left in its subnets: what scaling out to MaxSize draws on.
        let mut free_ips = 0;
        let mut free_unknown = None;
        for id in &g.subnet_ids {
            // A subnet that is gone has no address to give.
            let Some(sn) = ctx.routing.subnet(&g.region, id) else {
                continue;
            };
            match sn.available_ip_address_count {
                Some(n) => free_ips += n,
                None => {
                    free_unknown.get_or_insert_with(|| {
                        format!("subnet {id} has no available address count in the snapshot")
                    });
                }
            }
        }

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
        let missing_classic: Vec<&str> = g
            .load_balancer_names
            .iter()
            .map(String::as_str)
            .filter(|name| !classic.contains(&(g.region.as_str(), *name)))
            .collect();
        let attached = !g.load_balancer_names.is_empty() || !g.target_group_arns.is_empty();
        let mut f = GroupFacts {
            azs: Known::Is(azs.iter().copied().collect()),
            instance_azs: Always(distinct(
                g.instances.iter().map(|i| i.availability_zone.as_str()),
            )),
            instance_count: Always(g.instances.len()),
            has_load_balancer: Always(attached),
            subnet_free_ips: Known::Is(free_ips),
            missing_target_group_arns: Known::Is(missing),
            missing_load_balancer_names: Known::Is(missing_classic),
            load_balancers: Known::Is(lbs.into_iter().collect()),
            azs_not_served_by_load_balancer: Known::Is(unserved.into_iter().collect()),
            launch_instance_types: match &g.override_instance_types {
                Some(types) => Known::Is(types.iter().map(String::as_str).collect()),
                None => Known::unknown("its instance types are not in the snapshot"),
            },
            launch_by_attributes: Always(g.attribute_based_instance_types),
            launch_source: match &g.launch_source {
                Some(source) => Known::Is(source.as_str()),
                None => Known::unknown("what it launches from is not in the snapshot"),
            },
        };
        if from_subnets {
            crate::unknown_if!(ctx.incomplete(Kind::Subnet, &g.region) =>
                f.azs, f.azs_not_served_by_load_balancer);
        }
        crate::unknown_if!(free_unknown => f.subnet_free_ips);
        crate::unknown_if!(ctx.incomplete(Kind::Subnet, &g.region) => f.subnet_free_ips);
        crate::unknown_if!(ctx.incomplete(Kind::TargetGroup, &g.region) =>
            f.missing_target_group_arns, f.load_balancers, f.azs_not_served_by_load_balancer);
        crate::unknown_if!(ctx.incomplete(Kind::LoadBalancer, &g.region) =>
            f.load_balancers, f.azs_not_served_by_load_balancer);
        // A group without Classic Load Balancers needs no listing of them to say so.
        if !g.load_balancer_names.is_empty() {
            crate::unknown_if!(ctx.not_collected(Service::elb, &g.region) =>
                f.missing_load_balancer_names);
        }
        out.push(Resource {
            kind: Kind::AutoScalingGroup,
            id: Cow::Borrowed(&g.name),
            name: Some(Cow::Borrowed(&g.name)),
            arn: Cow::Borrowed(&g.arn),
            region: Cow::Borrowed(&g.region),
            source: Some(g),
            unreadable: None,
            facts: Box::new(f),
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    const R: &str = "eu-west-1";

    fn snapshot() -> Snapshot {
        let mut s = Snapshot::new("111122223333", vec![R.into()], "t".into());
        s.coverage.push(Coverage {
            service: "elb".into(),
            region: R.into(),
            errors: vec![],
        });
        s.elb.load_balancers.push(ClassicLoadBalancer {
            region: R.into(),
            name: "web".into(),
            ..Default::default()
        });
        for (name, lbs) in [("with-clb", &["web", "gone"][..]), ("without", &[][..])] {
            s.autoscaling.groups.push(AutoScalingGroup {
                region: R.into(),
                name: name.into(),
                load_balancer_names: lbs.iter().map(|n| n.to_string()).collect(),
                ..Default::default()
            });
        }
        s
    }

    fn fact(m: &Model, group: &str) -> Result<serde_json::Value, String> {
        let r = m.find(crate::registry::Kind::AutoScalingGroup, group).unwrap();
        match r.unknown().get("missing_load_balancer_names") {
            Some(why) => Err(why.clone()),
            None => Ok(r.fields()["missing_load_balancer_names"].clone()),
        }
    }

    #[test]
    fn instance_types_come_from_the_overrides_and_are_unknown_in_older_snapshots() {
        let mut s = snapshot();
        s.autoscaling.groups[0].override_instance_types =
            Some(vec!["m5.large".into(), "m6i.large".into()]);
        s.autoscaling.groups[0].attribute_based_instance_types = true;
        let m = Model::build(&s);
        let with = m.find(crate::registry::Kind::AutoScalingGroup, "with-clb").unwrap();
        assert_eq!(
            with.fields()["launch_instance_types"],
            json!(["m5.large", "m6i.large"])
        );
        assert_eq!(with.fields()["launch_by_attributes"], json!(true));
        let without = m.find(crate::registry::Kind::AutoScalingGroup, "without").unwrap();
        assert_eq!(
            without.unknown()["launch_instance_types"],
            "its instance types are not in the snapshot"
        );
    }

    #[test]
    fn the_launch_source_is_read_and_unknown_in_older_snapshots() {
        let mut s = snapshot();
        s.autoscaling.groups[0].launch_source = Some("launch_configuration".into());
        let m = Model::build(&s);
        let with = m.find(crate::registry::Kind::AutoScalingGroup, "with-clb").unwrap();
        assert_eq!(with.fields()["launch_source"], json!("launch_configuration"));
        let without = m.find(crate::registry::Kind::AutoScalingGroup, "without").unwrap();
        assert_eq!(
            without.unknown()["launch_source"],
            "what it launches from is not in the snapshot"
        );
    }

    #[test]
    fn classic_load_balancers_that_are_gone_are_named() {
        let s = snapshot();
        let m = Model::build(&s);
        assert_eq!(fact(&m, "with-clb"), Ok(json!(["gone"])));
        assert_eq!(fact(&m, "without"), Ok(json!([])));
    }

    #[test]
    fn without_the_classic_listing_only_groups_that_name_one_are_unknown() {
        let mut s = snapshot();
        s.coverage.clear();
        let m = Model::build(&s);
        assert_eq!(
            fact(&m, "with-clb"),
            Err("elb was not collected in eu-west-1, so what it would show is unknown".into())
        );
        assert_eq!(fact(&m, "without"), Ok(json!([])));
    }
}
