//! VPCs, subnets, route tables, NAT gateways and VPC endpoints, with the subnet-to-AZ and
//! subnet-to-route joins rules need.

use super::routing::{default_route, describe, has_internet_route, target};
use super::{depends_on, distinct, fields_of, name_tag, Ctx, Resource};
use crate::snapshot::Subnet;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Subnet facts that depend on route tables.
const ROUTE_FACTS: &[&str] = &[
    "route_table_id",
    "route_table_is_main",
    "default_route_target",
    "default_route_nat_gateway",
    "default_route_nat_az",
    "default_route_nat_regional",
    "internet_route",
];

/// Facts about the NAT gateway a subnet's default route uses.
const NAT_FACTS: &[&str] = &["default_route_nat_az", "default_route_nat_regional"];

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

fn opt(v: Option<&str>) -> Value {
    v.map_or(Value::Null, Value::from)
}

pub(super) fn build(ctx: &Ctx, out: &mut Vec<Resource>) {
    let s = ctx.snapshot;
    let arn = |region: &str, what: &str, id: &str| {
        format!(
            "arn:{}:ec2:{region}:{}:{what}/{id}",
            s.partition, s.account_id
        )
    };

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
        let mut fields = fields_of(vpc);
        fields.insert(
            "subnet_azs".into(),
            distinct(subnets.iter().map(|(sn, _)| sn.availability_zone.as_str())),
        );
        fields.insert("subnet_count".into(), Value::from(subnets.len()));
        // Private subnets: those whose default route goes through a NAT gateway.
        let private: Vec<&(&Subnet, &Egress)> = subnets
            .iter()
            .filter(|(_, e)| e.nat_gateway.is_some())
            .collect();
        fields.insert(
            "private_subnet_azs".into(),
            distinct(private.iter().map(|(sn, _)| sn.availability_zone.as_str())),
        );
        fields.insert(
            "default_route_nat_gateways".into(),
            distinct(private.iter().filter_map(|(_, e)| e.nat_gateway)),
        );
        fields.insert(
            "default_route_zonal_nat_gateways".into(),
            distinct(
                private
                    .iter()
                    .filter(|(_, e)| e.nat_regional == Some(false))
                    .filter_map(|(_, e)| e.nat_gateway),
            ),
        );
        let mut unknown = BTreeMap::new();
        depends_on(
            ctx,
            &mut unknown,
            "ec2.subnet",
            &vpc.region,
            &[
                "subnet_azs",
                "subnet_count",
                "private_subnet_azs",
                "default_route_nat_gateways",
                "default_route_zonal_nat_gateways",
            ],
        );
        depends_on(
            ctx,
            &mut unknown,
            "ec2.route_table",
            &vpc.region,
            &[
                "private_subnet_azs",
                "default_route_nat_gateways",
                "default_route_zonal_nat_gateways",
            ],
        );
        depends_on(
            ctx,
            &mut unknown,
            "ec2.nat_gateway",
            &vpc.region,
            &["default_route_zonal_nat_gateways"],
        );
        if let Some((sn, _)) = subnets.iter().find(|(_, e)| e.route_table_id.is_none()) {
            for f in [
                "private_subnet_azs",
                "default_route_nat_gateways",
                "default_route_zonal_nat_gateways",
            ] {
                unknown.entry(f.to_string()).or_insert_with(|| no_table(sn));
            }
        }
        out.push(Resource {
            kind: "ec2.vpc",
            id: vpc.vpc_id.clone(),
            name: name_tag(&vpc.tags),
            arn: arn(&vpc.region, "vpc", &vpc.vpc_id),
            region: vpc.region.clone(),
            fields,
            unknown,
        });
    }

    for (sn, e) in s.ec2.subnets.iter().zip(&egress) {
        let mut fields = fields_of(sn);
        fields.insert("route_table_id".into(), opt(e.route_table_id));
        fields.insert(
            "route_table_is_main".into(),
            Value::Bool(e.route_table_is_main),
        );
        fields.insert("default_route_target".into(), opt(e.default_route_target));
        fields.insert("default_route_nat_gateway".into(), opt(e.nat_gateway));
        fields.insert("default_route_nat_az".into(), opt(e.nat_az));
        fields.insert(
            "default_route_nat_regional".into(),
            e.nat_regional.map_or(Value::Null, Value::Bool),
        );
        fields.insert("internet_route".into(), Value::Bool(e.internet_route));
        let mut unknown = BTreeMap::new();
        depends_on(
            ctx,
            &mut unknown,
            "ec2.route_table",
            &sn.region,
            ROUTE_FACTS,
        );
        if e.route_table_id.is_none() {
            for f in ROUTE_FACTS {
                unknown.entry(f.to_string()).or_insert_with(|| no_table(sn));
            }
        }
        if e.nat_gateway.is_some() {
            depends_on(ctx, &mut unknown, "ec2.nat_gateway", &sn.region, NAT_FACTS);
        }
        out.push(Resource {
            kind: "ec2.subnet",
            id: sn.subnet_id.clone(),
            name: name_tag(&sn.tags),
            arn: arn(&sn.region, "subnet", &sn.subnet_id),
            region: sn.region.clone(),
            fields,
            unknown,
        });
    }

    for rt in &s.ec2.route_tables {
        let mut fields = fields_of(rt);
        let dead: Vec<String> = rt
            .routes
            .iter()
            .filter_map(|r| {
                let why = ctx.routing.dead_route(&rt.region, r)?;
                Some(format!("{} ({why})", describe(r)))
            })
            .collect();
        let mut unknown = BTreeMap::new();
        // A route to a NAT gateway or instance that could not be listed might be dead too;
        // a dead route already found is a failure whatever else is unknown.
        if dead.is_empty() {
            if rt.routes.iter().any(|r| r.nat_gateway_id.is_some()) {
                depends_on(
                    ctx,
                    &mut unknown,
                    "ec2.nat_gateway",
                    &rt.region,
                    &["blackhole_routes"],
                );
            }
            if rt.routes.iter().any(|r| r.instance_id.is_some()) {
                depends_on(
                    ctx,
                    &mut unknown,
                    "ec2.instance",
                    &rt.region,
                    &["blackhole_routes"],
                );
            }
        }
        fields.insert("blackhole_routes".into(), json!(dead));
        fields.insert(
            "main".into(),
            Value::Bool(rt.associations.iter().any(|a| a.main)),
        );
        fields.insert(
            "subnet_ids".into(),
            distinct(
                rt.associations
                    .iter()
                    .filter_map(|a| a.subnet_id.as_deref()),
            ),
        );
        out.push(Resource {
            kind: "ec2.route_table",
            id: rt.route_table_id.clone(),
            name: name_tag(&rt.tags),
            arn: arn(&rt.region, "route-table", &rt.route_table_id),
            region: rt.region.clone(),
            fields,
            unknown,
        });
    }

    for nat in &s.ec2.nat_gateways {
        let mut fields = fields_of(nat);
        let az = nat
            .subnet_id
            .as_deref()
            .and_then(|id| ctx.subnet_az(&nat.region, id));
        fields.insert("availability_zone".into(), opt(az));
        // Regional NAT gateways span AZs; an absent mode means the older, zonal kind.
        let regional = nat.availability_mode.as_deref() == Some("regional");
        fields.insert("regional".into(), Value::Bool(regional));
        let mut unknown = BTreeMap::new();
        depends_on(
            ctx,
            &mut unknown,
            "ec2.subnet",
            &nat.region,
            &["availability_zone"],
        );
        out.push(Resource {
            kind: "ec2.nat_gateway",
            id: nat.nat_gateway_id.clone(),
            name: name_tag(&nat.tags),
            arn: arn(&nat.region, "natgateway", &nat.nat_gateway_id),
            region: nat.region.clone(),
            fields,
            unknown,
        });
    }

    for ep in &s.ec2.vpc_endpoints {
        let mut fields = fields_of(ep);
        // AZs, not subnets: two subnets in one AZ are one failure domain.
        let azs: BTreeSet<&str> = ep
            .subnet_ids
            .iter()
            .filter_map(|id| ctx.subnet_az(&ep.region, id))
            .collect();
        fields.insert("subnet_azs".into(), distinct(azs));
        let mut unknown = BTreeMap::new();
        depends_on(ctx, &mut unknown, "ec2.subnet", &ep.region, &["subnet_azs"]);
        out.push(Resource {
            kind: "ec2.vpc_endpoint",
            id: ep.vpc_endpoint_id.clone(),
            name: name_tag(&ep.tags),
            arn: arn(&ep.region, "vpc-endpoint", &ep.vpc_endpoint_id),
            region: ep.region.clone(),
            fields,
            unknown,
        });
    }
}
