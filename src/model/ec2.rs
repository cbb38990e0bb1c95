//! EC2: VPCs, subnets, route tables, NAT gateways and VPC endpoints, with the subnet-to-AZ
//! and subnet-to-route joins rules need; instances; and each region's EC2 fleet.

use super::alarms::HealthMetric;
use super::routing::{default_route, describe, has_internet_route, target, Regional};
use super::{distinct, name_tag, Always, Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::{Listed, Subnet, Tags};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

crate::facts! {
    /// Derived facts of a VPC.
    pub struct VpcFacts<'a> {
        /// The AZs of its subnets, distinct and sorted.
        pub subnet_azs: Known<Vec<&'a str>>,
        /// How many subnets it has.
        pub subnet_count: Known<usize>,
        /// The AZs of its private subnets (whose default route goes through a NAT gateway).
        pub private_subnet_azs: Known<Vec<&'a str>>,
        /// The NAT gateways its private subnets' default routes use.
        pub default_route_nat_gateways: Known<Vec<&'a str>>,
        /// Those of them that are zonal (not regional) NAT gateways.
        pub default_route_zonal_nat_gateways: Known<Vec<&'a str>>,
    }
}

crate::facts! {
    /// Derived facts of a subnet: where its traffic goes.
    pub struct SubnetFacts<'a> {
        /// The route table it uses (explicitly associated, else its VPC's main table).
        pub route_table_id: Known<Option<&'a str>>,
        /// Whether that table is its VPC's main table.
        pub route_table_is_main: Known<bool>,
        /// The target of its default route (0.0.0.0/0): a gateway, NAT gateway, instance ...
        pub default_route_target: Known<Option<&'a str>>,
        /// The NAT gateway its default route uses, if any.
        pub default_route_nat_gateway: Known<Option<&'a str>>,
        /// The AZ of that NAT gateway, when it is a live zonal one.
        pub default_route_nat_az: Known<Option<&'a str>>,
        /// Whether that NAT gateway is regional (null when there is none, or it is not live).
        pub default_route_nat_regional: Known<Option<bool>>,
        /// Whether its route table has a route to an internet gateway.
        pub internet_route: Known<bool>,
    }
}

crate::facts! {
    /// Derived facts of a route table.
    pub struct RouteTableFacts<'a> {
        /// Routes whose target is gone or failed, each with why.
        pub blackhole_routes: Known<Vec<String>>,
        /// Whether it is its VPC's main table.
        pub main: Always<bool>,
        /// The subnets explicitly associated with it.
        pub subnet_ids: Always<Vec<&'a str>>,
    }
}

crate::facts! {
    /// Derived facts of a NAT gateway.
    pub struct NatGatewayFacts<'a> {
        /// The AZ of its subnet.
        pub availability_zone: Known<Option<&'a str>>,
        /// Whether it is a regional NAT gateway (spanning AZs).
        pub regional: Always<bool>,
        /// Alarms on its health metrics (ErrorPortAllocation, PacketsDropCount) that notify
        /// someone.
        pub health_alarms: Known<Vec<&'a str>>,
        /// Alarms on its health metrics that notify no one.
        pub health_alarms_silent: Known<Vec<&'a str>>,
    }
}

crate::facts! {
    /// Derived facts of a VPC endpoint.
    pub struct VpcEndpointFacts<'a> {
        /// The AZs of its subnets: two subnets in one AZ are one failure domain.
        pub subnet_azs: Known<Vec<&'a str>>,
        /// For a Gateway Load Balancer endpoint: the routes that send traffic of another AZ
        /// through it, each with the subnets whose traffic it is (empty for other types).
        pub cross_az_routes: Known<Vec<String>>,
    }
}

crate::facts! {
    /// Derived facts of an EC2 instance.
    pub struct InstanceFacts<'a> {
        /// Detailed (`enabled`) or basic (`disabled`) monitoring; unknown when the snapshot
        /// does not say.
        pub monitoring: Known<Option<&'a str>>,
        /// The Auto Scaling group that launched or holds it, if any.
        pub auto_scaling_group: Known<Option<&'a str>>,
        /// The target groups it is registered in.
        pub target_group_arns: Known<Vec<&'a str>>,
        /// Alarms on its status checks that notify someone.
        pub health_alarms: Known<Vec<&'a str>>,
        /// Alarms on its status checks that notify no one.
        pub health_alarms_silent: Known<Vec<&'a str>>,
        /// The resource type AWS Backup gives it.
        pub backup_resource_type: Always<&'static str>,
        /// The AWS Backup plans whose selections assign it.
        pub backup_plans: Known<Vec<&'a str>>,
        /// Its newest recovery point (null: none).
        pub last_backup_time: Known<Option<&'a str>>,
        /// That recovery point's age when the snapshot was taken, in hours.
        pub backup_age_hours: Known<Option<i64>>,
    }
}

crate::facts! {
    /// How a region's running instances spread over its AZs.
    pub struct RegionFacts<'a> {
        /// Running instances in the region.
        pub running_instance_count: Known<usize>,
        /// The AZs with running instances.
        pub running_instance_azs: Known<Vec<&'a str>>,
        /// Running instances per AZ.
        pub instance_count_by_az: Known<BTreeMap<&'a str, usize>>,
        /// The AZ with the most running instances (the first by name on a tie).
        pub busiest_az: Known<Option<&'a str>>,
        /// How many run there.
        pub busiest_az_instance_count: Known<usize>,
        /// The AZ in use with the fewest running instances (the first by name on a tie).
        pub quietest_az: Known<Option<&'a str>>,
        /// How many run there.
        pub quietest_az_instance_count: Known<usize>,
        /// Its VPCs other than the default one.
        pub vpc_count: Known<usize>,
        /// The other regions scanned that have VPCs other than the default one.
        pub other_regions_with_vpcs: Known<Vec<&'a str>>,
    }
}

/// Where one subnet's default route goes.
#[derive(Default)]
struct Egress<'a> {
    route_table_id: Option<&'a str>,
    route_table_is_main: bool,
    default_route_target: Option<&'a str>,
    nat_gateway: Option<&'a str>,
    /// Set when the NAT gateway is listed and alive.
    nat_regional: Option<bool>,
    /// The AZ of a live zonal NAT gateway.
    nat_az: Option<&'a str>,
    internet_route: bool,
}

fn egress<'a>(ctx: &Ctx<'a>, sn: &'a Subnet) -> Egress<'a> {
    let Some(t) = ctx.routing.table_of(&sn.region, &sn.vpc_id, &sn.subnet_id) else {
        return Egress::default();
    };
    let route = default_route(t.table);
    let nat_gateway = route.and_then(|r| r.nat_gateway_id.as_deref());
    let nat = nat_gateway.and_then(|id| ctx.routing.live_nat(&sn.region, id));
    // Regional NAT gateways span AZs; an absent mode means the older, zonal kind.
    let nat_regional = nat.map(|n| n.availability_mode.as_deref() == Some("regional"));
    let nat_az = nat
        .filter(|_| nat_regional == Some(false))
        .and_then(|n| n.subnet_id.as_deref())
        .and_then(|id| ctx.subnet_az(&sn.region, id));
    Egress {
        route_table_id: Some(t.table.route_table_id.as_str()),
        route_table_is_main: t.main,
        default_route_target: route.and_then(target),
        nat_gateway,
        nat_regional,
        nat_az,
        internet_route: has_internet_route(t.table),
    }
}

/// Why a subnet's routing is unknown although route tables were listed: every VPC has a
/// main table, so a snapshot without one for the subnet is incomplete.
fn no_table(sn: &Subnet) -> String {
    format!(
        "no route table of subnet {} is in the snapshot (neither an explicit association \
         nor the main table of {})",
        sn.subnet_id, sn.vpc_id
    )
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    network(ctx, out);
    instances(ctx, out);
    super::elastic_ip::build(ctx, out);
    regions(ctx, out);
}

/// A resource of an EC2 kind, whose snapshot object carries no ARN (`what` names the
/// resource type in the ARN).
fn ec2_resource<'a, T: Listed + super::Source>(
    ctx: &Ctx<'a>,
    what: &str,
    item: &'a T,
    tags: &'a Tags,
    facts: Box<dyn super::Facts + 'a>,
) -> Resource<'a> {
    let (id, region) = (item.id(), item.region());
    Resource {
        kind: T::KIND,
        arn: Cow::Owned(ctx.arn("ec2", region, what, &id)),
        id,
        name: name_tag(tags),
        region: Cow::Borrowed(region),
        source: Some(item),
        unreadable: None,
        facts,
    }
}

fn network<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    let s = ctx.snapshot;
    let egress: Vec<Egress> = s.ec2.subnets.iter().map(|sn| egress(ctx, sn)).collect();
    let mut subnets_of_vpc: HashMap<(&str, &str), Vec<(&Subnet, &Egress)>> = HashMap::new();
    for (sn, e) in s.ec2.subnets.iter().zip(&egress) {
        subnets_of_vpc
            .entry((sn.region.as_str(), sn.vpc_id.as_str()))
            .or_default()
            .push((sn, e));
    }

    for vpc in &s.ec2.vpcs {
        let subnets = subnets_of_vpc
            .get(&(vpc.region.as_str(), vpc.vpc_id.as_str()))
            .map_or(&[][..], Vec::as_slice);
        // Private subnets: those whose default route goes through a NAT gateway.
        let private: Vec<&(&Subnet, &Egress)> = subnets
            .iter()
            .filter(|(_, e)| e.nat_gateway.is_some())
            .collect();
        let mut f = VpcFacts {
            subnet_azs: Known::Is(distinct(
                subnets.iter().map(|(sn, _)| sn.availability_zone.as_str()),
            )),
            subnet_count: Known::Is(subnets.len()),
            private_subnet_azs: Known::Is(distinct(
                private.iter().map(|(sn, _)| sn.availability_zone.as_str()),
            )),
            default_route_nat_gateways: Known::Is(distinct(
                private.iter().filter_map(|(_, e)| e.nat_gateway),
            )),
            default_route_zonal_nat_gateways: Known::Is(distinct(
                private
                    .iter()
                    .filter(|(_, e)| e.nat_regional == Some(false))
                    .filter_map(|(_, e)| e.nat_gateway),
            )),
        };
        crate::unknown_if!(ctx.incomplete(Kind::Subnet, &vpc.region) =>
            f.subnet_azs,
            f.subnet_count,
            f.private_subnet_azs,
            f.default_route_nat_gateways,
            f.default_route_zonal_nat_gateways);
        crate::unknown_if!(ctx.incomplete(Kind::RouteTable, &vpc.region) =>
            f.private_subnet_azs,
            f.default_route_nat_gateways,
            f.default_route_zonal_nat_gateways);
        crate::unknown_if!(ctx.incomplete(Kind::NatGateway, &vpc.region) =>
            f.default_route_zonal_nat_gateways);
        if let Some((sn, _)) = subnets.iter().find(|(_, e)| e.route_table_id.is_none()) {
            crate::unknown_if!(Some(no_table(sn)) =>
                f.private_subnet_azs,
                f.default_route_nat_gateways,
                f.default_route_zonal_nat_gateways);
        }
        out.push(ec2_resource(ctx, "vpc", vpc, &vpc.tags, Box::new(f)));
    }

    for (sn, e) in s.ec2.subnets.iter().zip(&egress) {
        let mut f = SubnetFacts {
            route_table_id: Known::Is(e.route_table_id),
            route_table_is_main: Known::Is(e.route_table_is_main),
            default_route_target: Known::Is(e.default_route_target),
            default_route_nat_gateway: Known::Is(e.nat_gateway),
            default_route_nat_az: Known::Is(e.nat_az),
            default_route_nat_regional: Known::Is(e.nat_regional),
            internet_route: Known::Is(e.internet_route),
        };
        let route_reasons = [
            ctx.incomplete(Kind::RouteTable, &sn.region),
            e.route_table_id.is_none().then(|| no_table(sn)),
        ];
        for reason in route_reasons {
            crate::unknown_if!(reason =>
                f.route_table_id,
                f.route_table_is_main,
                f.default_route_target,
                f.default_route_nat_gateway,
                f.default_route_nat_az,
                f.default_route_nat_regional,
                f.internet_route);
        }
        if e.nat_gateway.is_some() {
            crate::unknown_if!(ctx.incomplete(Kind::NatGateway, &sn.region) =>
                f.default_route_nat_az, f.default_route_nat_regional);
        }
        out.push(ec2_resource(ctx, "subnet", sn, &sn.tags, Box::new(f)));
    }

    for rt in &s.ec2.route_tables {
        let dead: Vec<String> = rt
            .routes
            .iter()
            .filter_map(|r| {
                let why = ctx.routing.dead_route(&rt.region, r)?;
                Some(format!("{} ({why})", describe(r)))
            })
            .collect();
        let empty = dead.is_empty();
        let mut f = RouteTableFacts {
            blackhole_routes: Known::Is(dead),
            main: Always(rt.associations.iter().any(|a| a.main)),
            subnet_ids: Always(distinct(
                rt.associations
                    .iter()
                    .filter_map(|a| a.subnet_id.as_deref()),
            )),
        };
        // A route to a NAT gateway or instance that could not be listed might be dead too;
        // a dead route already found is a failure whatever else is unknown.
        if empty {
            if rt.routes.iter().any(|r| r.nat_gateway_id.is_some()) {
                crate::unknown_if!(ctx.incomplete(Kind::NatGateway, &rt.region) => f.blackhole_routes);
            }
            if rt.routes.iter().any(|r| r.instance_id.is_some()) {
                crate::unknown_if!(ctx.incomplete(Kind::Instance, &rt.region) => f.blackhole_routes);
            }
        }
        out.push(ec2_resource(ctx, "route-table", rt, &rt.tags, Box::new(f)));
    }

    for nat in &s.ec2.nat_gateways {
        let az = nat
            .subnet_id
            .as_deref()
            .and_then(|id| ctx.subnet_az(&nat.region, id));
        let health = ctx.health_alarms(
            &nat.region,
            &HealthMetric::nat_gateway(&nat.nat_gateway_id),
            None,
        );
        let mut f = NatGatewayFacts {
            availability_zone: Known::Is(az),
            // Regional NAT gateways span AZs; an absent mode means the older, zonal kind.
            regional: Always(nat.availability_mode.as_deref() == Some("regional")),
            health_alarms: health.heard,
            health_alarms_silent: health.silent,
        };
        crate::unknown_if!(ctx.incomplete(Kind::Subnet, &nat.region) => f.availability_zone);
        out.push(ec2_resource(ctx, "natgateway", nat, &nat.tags, Box::new(f)));
    }

    for ep in &s.ec2.vpc_endpoints {
        let azs: BTreeSet<&str> = ep
            .subnet_ids
            .iter()
            .filter_map(|id| ctx.subnet_az(&ep.region, id))
            .collect();
        let mut f = VpcEndpointFacts {
            cross_az_routes: Known::Is(Vec::new()),
            subnet_azs: Known::Is(azs.iter().copied().collect()),
        };
        if ep.vpc_endpoint_type.as_deref() == Some("GatewayLoadBalancer") {
            f.cross_az_routes = gwlb_cross_az_routes(ctx, ep, &azs);
        }
        crate::unknown_if!(ctx.incomplete(Kind::Subnet, &ep.region) =>
            f.subnet_azs, f.cross_az_routes);
        crate::unknown_if!(ctx.incomplete(Kind::RouteTable, &ep.region) => f.cross_az_routes);
        out.push(ec2_resource(ctx, "vpc-endpoint", ep, &ep.tags, Box::new(f)));
    }
}

/// The routes that send another AZ's traffic through a Gateway Load Balancer endpoint,
/// which sits in the AZ of its one subnet.
fn gwlb_cross_az_routes(
    ctx: &Ctx<'_>,
    ep: &crate::snapshot::VpcEndpoint,
    azs: &BTreeSet<&str>,
) -> Known<Vec<String>> {
    match (azs.iter().next(), azs.len()) {
        (Some(az), 1) => Known::Is(ctx.routing.cross_az_routes(
            &ep.region,
            &ep.vpc_endpoint_id,
            az,
        )),
        (None, _) if ep.subnet_ids.is_empty() => Known::unknown(format!(
            "Gateway Load Balancer endpoint {} has no subnet, so its AZ is unknown",
            ep.vpc_endpoint_id
        )),
        (None, _) => Known::unknown(format!(
            "subnet {} of endpoint {} is not in the subnet listing, so its AZ is unknown",
            ep.subnet_ids.join(", "),
            ep.vpc_endpoint_id
        )),
        // AWS gives a Gateway Load Balancer endpoint one subnet; several AZs would make
        // "another AZ" meaningless.
        (Some(_), _) => Known::unknown(format!(
            "Gateway Load Balancer endpoint {} has subnets in several AZs ({})",
            ep.vpc_endpoint_id,
            azs.iter().copied().collect::<Vec<_>>().join(", ")
        )),
    }
}

fn instances<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
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
        // EC2 tags every instance it launches for a group; that tag is how we know an
        // instance is replaced automatically when it fails.
        let asg = i
            .tags
            .get("aws:autoscaling:groupName")
            .map(String::as_str)
            .or_else(|| group_of.get(&i.region, &i.instance_id).copied());
        let tgs = ctx.elb.target_groups_with(&i.region, &i.instance_id);
        let arn = ctx.arn("ec2", &i.region, "instance", &i.instance_id);
        let backup = ctx.backup_coverage(Kind::Instance, &i.region, &arn, Some(&i.tags));
        let mut f = InstanceFacts {
            monitoring: match i.monitoring.as_deref() {
                Some(m) => Known::Is(Some(m)),
                None => Known::unknown("the monitoring state is not in the snapshot"),
            },
            auto_scaling_group: Known::Is(asg),
            target_group_arns: Known::Is(tgs.to_vec()),
            health_alarms: Known::Is(Vec::new()),
            health_alarms_silent: Known::Is(Vec::new()),
            backup_resource_type: Always(backup.resource_type),
            backup_plans: backup.plans,
            last_backup_time: backup.last_backup_time,
            backup_age_hours: backup.age_hours,
        };
        if asg.is_none() {
            crate::unknown_if!(ctx.incomplete(Kind::AutoScalingGroup, &i.region) => f.auto_scaling_group);
        }
        if tgs.is_empty() {
            crate::unknown_if!(ctx.incomplete(Kind::TargetGroup, &i.region) => f.target_group_arns);
            crate::unknown_if!(unread_targets.get(i.region.as_str()) => f.target_group_arns);
        }
        // While its target groups are unknown, so are its alarms (as for a load balancer).
        let health = ctx.health_alarms(
            &i.region,
            &HealthMetric::instance(&i.instance_id),
            f.target_group_arns.reason(),
        );
        f.health_alarms = health.heard;
        f.health_alarms_silent = health.silent;
        out.push(Resource {
            kind: Kind::Instance,
            id: Cow::Borrowed(&i.instance_id),
            name: name_tag(&i.tags),
            arn: Cow::Owned(arn),
            region: Cow::Borrowed(&i.region),
            source: Some(i),
            unreadable: None,
            facts: Box::new(f),
        });
    }
}

/// One `ec2.region` per scanned region: how its running instances spread over AZs.
fn regions<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
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
    let mut vpcs: BTreeMap<&str, usize> = BTreeMap::new();
    for v in s.ec2.vpcs.iter().filter(|v| !v.is_default) {
        *vpcs.entry(&v.region).or_default() += 1;
    }
    // A VPC in a region that was not scanned, or not fully listed, could be the other copy.
    let vpcs_elsewhere_unknown = if s.regions.len() < 2 {
        Some(format!(
            "only {} was scanned, so VPCs in other regions are unknown",
            s.regions.join(", ")
        ))
    } else {
        s.regions
            .iter()
            .find_map(|r| ctx.incomplete(Kind::Vpc, r))
    };
    for (region, counts) in by_region {
        let total: usize = counts.values().sum();
        // Busiest and quietest of the AZs in use (the first by name on a tie).
        let busiest = counts
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(az, n)| (*az, *n));
        let quietest = counts
            .iter()
            .min_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(b.0)))
            .map(|(az, n)| (*az, *n));
        let mut f = RegionFacts {
            running_instance_count: Known::Is(total),
            running_instance_azs: Known::Is(counts.keys().copied().collect()),
            busiest_az: Known::Is(busiest.map(|(az, _)| az)),
            busiest_az_instance_count: Known::Is(busiest.map_or(0, |(_, n)| n)),
            quietest_az: Known::Is(quietest.map(|(az, _)| az)),
            quietest_az_instance_count: Known::Is(quietest.map_or(0, |(_, n)| n)),
            instance_count_by_az: Known::Is(counts),
            vpc_count: Known::Is(vpcs.get(region).copied().unwrap_or(0)),
            other_regions_with_vpcs: Known::Is(
                vpcs.keys().copied().filter(|r| *r != region).collect(),
            ),
        };
        crate::unknown_if!(ctx.incomplete(Kind::Vpc, region) => f.vpc_count);
        if matches!(&f.other_regions_with_vpcs, Known::Is(others) if others.is_empty()) {
            crate::unknown_if!(vpcs_elsewhere_unknown.clone() => f.other_regions_with_vpcs);
        }
        crate::unknown_if!(ctx.incomplete(Kind::Instance, region) =>
            f.running_instance_count,
            f.running_instance_azs,
            f.instance_count_by_az,
            f.busiest_az,
            f.busiest_az_instance_count,
            f.quietest_az,
            f.quietest_az_instance_count);
        out.push(Resource {
            kind: Kind::Ec2Region,
            id: Cow::Borrowed(region),
            name: Some(Cow::Borrowed(region)),
            arn: Cow::Owned(ctx.arn("ec2", region, "region", region)),
            region: Cow::Borrowed(region),
            source: None,
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

    fn fields(m: &Model, kind: &str, id: &str) -> serde_json::Map<String, serde_json::Value> {
        m.resources
            .iter()
            .find(|r| r.kind.key() == kind && r.id == id)
            .unwrap_or_else(|| panic!("no {kind} {id}"))
            .fields()
            .clone()
    }

    #[test]
    fn vpcs_of_other_regions_need_two_regions_scanned() {
        let vpc = |region: &str, id: &str, default: bool| Vpc {
            region: region.into(),
            vpc_id: id.into(),
            is_default: default,
            ..Default::default()
        };
        let mut s = Snapshot::new(
            "111122223333",
            vec!["us-east-1".into(), "us-west-2".into()],
            "t".into(),
        );
        s.ec2.vpcs = vec![
            vpc("us-east-1", "vpc-app", false),
            vpc("us-east-1", "vpc-data", false),
            vpc("us-west-2", "vpc-default", true),
        ];
        {
            let m = Model::build(&s);
            let east = fields(&m, "ec2.region", "us-east-1");
            assert_eq!(east["vpc_count"], json!(2));
            assert_eq!(east["other_regions_with_vpcs"], json!([]));
            let west = fields(&m, "ec2.region", "us-west-2");
            assert_eq!(west["vpc_count"], json!(0));
            assert_eq!(west["other_regions_with_vpcs"], json!(["us-east-1"]));
        }
        s.regions = vec!["us-east-1".into()];
        s.ec2.vpcs.pop();
        let m = Model::build(&s);
        let east = m
            .resources
            .iter()
            .find(|r| r.kind.key() == "ec2.region")
            .unwrap();
        assert_eq!(
            east.unknown()["other_regions_with_vpcs"],
            "only us-east-1 was scanned, so VPCs in other regions are unknown"
        );
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
            .find(|r| r.kind.key() == "autoscaling.group" && r.id == "h")
            .unwrap();
        assert!(
            h.unknown()["subnet_free_ips"].contains("s-c"),
            "{:?}",
            h.unknown()
        );
    }
}
