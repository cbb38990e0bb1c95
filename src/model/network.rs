//! VPCs, subnets, route tables and NAT gateways, with the subnet-to-AZ joins rules need.

use super::{depends_on, distinct, fields_of, name_tag, Ctx, Resource};
use serde_json::Value;
use std::collections::BTreeMap;

pub(super) fn build(ctx: &Ctx, out: &mut Vec<Resource>) {
    let s = ctx.snapshot;
    let arn = |region: &str, what: &str, id: &str| {
        format!(
            "arn:{}:ec2:{region}:{}:{what}/{id}",
            s.partition, s.account_id
        )
    };

    for vpc in &s.ec2.vpcs {
        let subnets: Vec<_> = s
            .ec2
            .subnets
            .iter()
            .filter(|sn| sn.region == vpc.region && sn.vpc_id == vpc.vpc_id)
            .collect();
        let mut fields = fields_of(vpc);
        fields.insert(
            "subnet_azs".into(),
            distinct(subnets.iter().map(|sn| sn.availability_zone.as_str())),
        );
        fields.insert("subnet_count".into(), Value::from(subnets.len()));
        let mut unknown = BTreeMap::new();
        depends_on(
            ctx,
            &mut unknown,
            "ec2.subnet",
            &vpc.region,
            &["subnet_azs", "subnet_count"],
        );
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

    for sn in &s.ec2.subnets {
        out.push(Resource {
            kind: "ec2.subnet",
            id: sn.subnet_id.clone(),
            name: name_tag(&sn.tags),
            arn: arn(&sn.region, "subnet", &sn.subnet_id),
            region: sn.region.clone(),
            fields: fields_of(sn),
            unknown: BTreeMap::new(),
        });
    }

    for rt in &s.ec2.route_tables {
        out.push(Resource {
            kind: "ec2.route_table",
            id: rt.route_table_id.clone(),
            name: name_tag(&rt.tags),
            arn: arn(&rt.region, "route-table", &rt.route_table_id),
            region: rt.region.clone(),
            fields: fields_of(rt),
            unknown: BTreeMap::new(),
        });
    }

    for nat in &s.ec2.nat_gateways {
        let mut fields = fields_of(nat);
        let az = nat
            .subnet_id
            .as_deref()
            .and_then(|id| ctx.subnet_az(&nat.region, id));
        fields.insert(
            "availability_zone".into(),
            az.map(|a| Value::String(a.into())).unwrap_or(Value::Null),
        );
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
}
