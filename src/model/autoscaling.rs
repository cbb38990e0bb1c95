//! Auto Scaling groups: their AZs, instances, load balancers and room to scale out.

use super::{distinct, Always, Ctx, Known, Resource};
use crate::registry::Kind;
use std::borrow::Cow;
use std::collections::BTreeSet;

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
        /// The load balancers in front of its target groups.
        pub load_balancers: Known<Vec<&'a str>>,
        /// AZs it launches in that a load balancer of its target groups is not enabled in.
        pub azs_not_served_by_load_balancer: Known<Vec<&'a str>>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
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
            load_balancers: Known::Is(lbs.into_iter().collect()),
            azs_not_served_by_load_balancer: Known::Is(unserved.into_iter().collect()),
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
