use super::Tags;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ec2 {
    #[serde(default)]
    pub availability_zones: Vec<AvailabilityZone>,
    #[serde(default)]
    pub vpcs: Vec<Vpc>,
    #[serde(default)]
    pub subnets: Vec<Subnet>,
    #[serde(default)]
    pub route_tables: Vec<RouteTable>,
    #[serde(default)]
    pub nat_gateways: Vec<NatGateway>,
    #[serde(default)]
    pub instances: Vec<Instance>,
    #[serde(default)]
    pub vpc_endpoints: Vec<VpcEndpoint>,
    /// Elastic IP addresses (DescribeAddresses), read since Shield Advanced protects them:
    /// left out when there are none, so that earlier snapshots are written as before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub elastic_ips: Vec<ElasticIp>,
}

impl Ec2 {
    fn sort_lists(&mut self) {
        self.availability_zones
            .sort_by(|a, b| (&a.region, &a.zone_name).cmp(&(&b.region, &b.zone_name)));
        self.vpcs
            .sort_by(|a, b| (&a.region, &a.vpc_id).cmp(&(&b.region, &b.vpc_id)));
        self.subnets
            .sort_by(|a, b| (&a.region, &a.subnet_id).cmp(&(&b.region, &b.subnet_id)));
        self.route_tables
            .sort_by(|a, b| (&a.region, &a.route_table_id).cmp(&(&b.region, &b.route_table_id)));
        self.nat_gateways
            .sort_by(|a, b| (&a.region, &a.nat_gateway_id).cmp(&(&b.region, &b.nat_gateway_id)));
        self.instances
            .sort_by(|a, b| (&a.region, &a.instance_id).cmp(&(&b.region, &b.instance_id)));
        self.vpc_endpoints
            .sort_by(|a, b| (&a.region, &a.vpc_endpoint_id).cmp(&(&b.region, &b.vpc_endpoint_id)));
        for e in &mut self.vpc_endpoints {
            e.subnet_ids.sort();
        }
        self.elastic_ips
            .sort_by(|a, b| (&a.region, &a.allocation_id).cmp(&(&b.region, &b.allocation_id)));
    }
}

super::section!(Ec2 { availability_zones, vpcs => Vpc, subnets => Subnet, route_tables => RouteTable, nat_gateways => NatGateway, instances => Instance, vpc_endpoints => VpcEndpoint, elastic_ips => ElasticIp });
super::listed!(Vpc, Vpc, vpc_id);
super::listed!(Subnet, Subnet, subnet_id);
super::listed!(RouteTable, RouteTable, route_table_id);
super::listed!(NatGateway, NatGateway, nat_gateway_id);
super::listed!(Instance, Instance, instance_id);
super::listed!(VpcEndpoint, VpcEndpoint, vpc_endpoint_id);
super::listed!(ElasticIp, ElasticIp, allocation_id);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityZone {
    pub region: String,
    pub zone_name: String,
    pub zone_id: String,
    /// `available`, `impaired`, ...
    pub state: String,
    /// `availability-zone`, `local-zone`, `wavelength-zone`.
    #[serde(default)]
    pub zone_type: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vpc {
    pub region: String,
    pub vpc_id: String,
    #[serde(default)]
    pub cidr_block: Option<String>,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subnet {
    pub region: String,
    pub subnet_id: String,
    pub vpc_id: String,
    pub availability_zone: String,
    #[serde(default)]
    pub availability_zone_id: Option<String>,
    #[serde(default)]
    pub cidr_block: Option<String>,
    #[serde(default)]
    pub available_ip_address_count: Option<i64>,
    #[serde(default)]
    pub map_public_ip_on_launch: bool,
    #[serde(default)]
    pub default_for_az: bool,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteTable {
    pub region: String,
    pub route_table_id: String,
    pub vpc_id: String,
    #[serde(default)]
    pub associations: Vec<RouteTableAssociation>,
    #[serde(default)]
    pub routes: Vec<Route>,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RouteTableAssociation {
    /// The explicitly associated subnet, if any.
    #[serde(default)]
    pub subnet_id: Option<String>,
    /// True for the VPC's main route table association (implicit for unassociated subnets).
    #[serde(default)]
    pub main: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route {
    #[serde(default)]
    pub destination_cidr_block: Option<String>,
    #[serde(default)]
    pub destination_ipv6_cidr_block: Option<String>,
    /// `igw-*`, `vgw-*`, `local`, or a gateway-load-balancer endpoint `vpce-*`.
    #[serde(default)]
    pub gateway_id: Option<String>,
    #[serde(default)]
    pub nat_gateway_id: Option<String>,
    #[serde(default)]
    pub transit_gateway_id: Option<String>,
    #[serde(default)]
    pub instance_id: Option<String>,
    /// `active` or `blackhole`.
    #[serde(default)]
    pub state: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NatGateway {
    pub region: String,
    pub nat_gateway_id: String,
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// The subnet of a zonal NAT gateway (absent for regional ones).
    #[serde(default)]
    pub subnet_id: Option<String>,
    /// `pending`, `available`, `deleting`, `deleted`, `failed`.
    pub state: String,
    /// `public` or `private`.
    #[serde(default)]
    pub connectivity_type: Option<String>,
    /// `zonal` or `regional`; absent from older APIs, which means zonal.
    #[serde(default)]
    pub availability_mode: Option<String>,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    pub region: String,
    pub instance_id: String,
    #[serde(default)]
    pub instance_type: Option<String>,
    pub availability_zone: String,
    /// `pending`, `running`, `stopping`, `stopped`, `shutting-down`, `terminated`.
    pub state: String,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub subnet_id: Option<String>,
    #[serde(default)]
    pub private_ip_address: Option<String>,
    #[serde(default)]
    pub public_ip_address: Option<String>,
    /// CloudWatch monitoring: `enabled` (detailed, 1 minute) or `disabled` (basic, 5 minutes).
    #[serde(default)]
    pub monitoring: Option<String>,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VpcEndpoint {
    pub region: String,
    pub vpc_endpoint_id: String,
    /// `Interface`, `Gateway`, `GatewayLoadBalancer`, ...
    #[serde(default)]
    pub vpc_endpoint_type: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub service_name: Option<String>,
    /// `available`, `pending`, `pendingAcceptance`, `deleting`, `deleted`, `rejected`,
    /// `failed`, `expired`, `partial`.
    #[serde(default)]
    pub state: Option<String>,
    /// The subnets of an Interface endpoint: one network interface in each.
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ElasticIp {
    pub region: String,
    /// `eipalloc-...`: what a Shield Advanced protection names (`eip-allocation/<id>`).
    pub allocation_id: String,
    #[serde(default)]
    pub public_ip: Option<String>,
    /// Set while the address is associated with an instance or a network interface (of an
    /// instance, a NAT gateway, a Network Load Balancer ...).
    #[serde(default)]
    pub association_id: Option<String>,
    #[serde(default)]
    pub instance_id: Option<String>,
    #[serde(default)]
    pub network_interface_id: Option<String>,
    #[serde(default)]
    pub private_ip_address: Option<String>,
    /// `vpc` or `standard`.
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default)]
    pub tags: Tags,
}

#[cfg(test)]
mod tests {
    use crate::snapshot::{parse, to_json, ElasticIp};

    /// A snapshot written before Elastic IPs were read (the demo without its addresses) has
    /// no `elastic_ips` key, loads, and is written back byte for byte; one with addresses keeps
    /// them.
    #[test]
    fn elastic_ips_leave_earlier_snapshots_as_they_were() {
        let demo = include_str!("../../fixtures/demo-account.json");
        assert_eq!(to_json(&parse(demo).unwrap()), demo, "the demo as ha-audit writes it");
        let mut snapshot = parse(demo).unwrap();
        assert!(!snapshot.ec2.elastic_ips.is_empty());
        snapshot.ec2.elastic_ips.clear();
        let before = to_json(&snapshot);
        assert!(!before.contains("\"elastic_ips\""));
        let mut snapshot = parse(&before).unwrap();
        assert!(snapshot.ec2.elastic_ips.is_empty());
        assert_eq!(to_json(&snapshot), before);
        snapshot.ec2.elastic_ips.push(ElasticIp {
            region: "us-east-1".into(),
            allocation_id: "eipalloc-1".into(),
            association_id: Some("eipassoc-1".into()),
            ..Default::default()
        });
        let again = parse(&to_json(&snapshot)).unwrap();
        assert_eq!(again.ec2.elastic_ips, snapshot.ec2.elastic_ips);
    }
}
