//! EC2 / VPC: availability zones, VPCs, subnets, route tables, NAT gateways, instances, VPC
//! endpoints and Elastic IP addresses.

use crate::registry::Kind;
use super::fail::{chain, Op};
use super::{drain, keep, tags, Collected, Listing, Scope};
use crate::error::{Error, Result};
use crate::snapshot::{
    AvailabilityZone, Ec2, ElasticIp, Instance, NatGateway, Route, RouteTable, RouteTableAssociation, Subnet,
    Vpc, VpcEndpoint,
};
use aws_config::{Region, SdkConfig};
use aws_sdk_ec2::types::Tag;
use aws_sdk_ec2::Client;

const DESCRIBE_REGIONS: Op = Op::new("DescribeRegions", "ec2:DescribeRegions");
const DESCRIBE_AZS: Op = Op::new("DescribeAvailabilityZones", "ec2:DescribeAvailabilityZones");
const DESCRIBE_VPCS: Op = Op::new("DescribeVpcs", "ec2:DescribeVpcs");
const DESCRIBE_SUBNETS: Op = Op::new("DescribeSubnets", "ec2:DescribeSubnets");
const DESCRIBE_ROUTE_TABLES: Op = Op::new("DescribeRouteTables", "ec2:DescribeRouteTables");
const DESCRIBE_NAT_GATEWAYS: Op = Op::new("DescribeNatGateways", "ec2:DescribeNatGateways");
const DESCRIBE_INSTANCES: Op = Op::new("DescribeInstances", "ec2:DescribeInstances");
const DESCRIBE_VPC_ENDPOINTS: Op = Op::new("DescribeVpcEndpoints", "ec2:DescribeVpcEndpoints");
const DESCRIBE_ADDRESSES: Op = Op::new("DescribeAddresses", "ec2:DescribeAddresses");

pub const ACTIONS: &[&str] = &[
    DESCRIBE_REGIONS.action,
    DESCRIBE_AZS.action,
    DESCRIBE_VPCS.action,
    DESCRIBE_SUBNETS.action,
    DESCRIBE_ROUTE_TABLES.action,
    DESCRIBE_NAT_GATEWAYS.action,
    DESCRIBE_INSTANCES.action,
    DESCRIBE_VPC_ENDPOINTS.action,
    DESCRIBE_ADDRESSES.action,
];

/// Every region of the partition (`AllRegions`), with whether the account can use it.
pub(super) struct KnownRegion {
    pub name: String,
    pub enabled: bool,
}

/// The partition's regions as the account sees them: used for `--all-regions` and to refuse a
/// `--region` that does not exist or is not enabled (which would otherwise fail every call).
pub(super) async fn known_regions(
    config: &SdkConfig,
    home: &str,
) -> std::result::Result<Vec<KnownRegion>, String> {
    let config = config
        .to_builder()
        .region(Region::new(home.to_string()))
        .build();
    let out = Client::new(&config)
        .describe_regions()
        .all_regions(true)
        .send()
        .await
        .map_err(|e| format!("{} failed: {}", DESCRIBE_REGIONS.action, chain(&e)))?;
    let mut regions: Vec<KnownRegion> = out
        .regions()
        .iter()
        .filter_map(|r| {
            Some(KnownRegion {
                name: r.region_name()?.to_string(),
                enabled: r.opt_in_status() != Some("not-opted-in"),
            })
        })
        .collect();
    regions.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(regions)
}

/// Regions enabled for the account (opted in, or not needing opt-in), for `--all-regions`.
pub(super) async fn enabled_regions(config: &SdkConfig, home: &str) -> Result<Vec<String>> {
    let known = known_regions(config, home).await.map_err(|e| {
        Error::Usage(format!(
            "--all-regions: cannot list the account's regions ({e}); pass --region instead"
        ))
    })?;
    Ok(known
        .into_iter()
        .filter(|r| r.enabled)
        .map(|r| r.name)
        .collect())
}

/// Refuses a `--region` the partition does not have or the account has not enabled. When the
/// list itself cannot be read the regions are used as given: their calls then fail one by one
/// and show up as coverage errors.
pub(super) async fn check_regions(config: &SdkConfig, home: &str, asked: &[String]) -> Result<()> {
    let known = match known_regions(config, home).await {
        Ok(known) => known,
        Err(e) => {
            eprintln!("ha-audit: warning: cannot check the --region names: {e}");
            return Ok(());
        }
    };
    for name in asked {
        match known.iter().find(|r| &r.name == name) {
            Some(r) if r.enabled => {}
            Some(_) => {
                return Err(Error::Usage(format!(
                    "--region {name}: the region is not enabled for this account (opt in to it, \
                     or leave it out)"
                )))
            }
            None => {
                let names: Vec<&str> = known.iter().map(|r| r.name.as_str()).collect();
                return Err(Error::Usage(format!(
                    "--region {name}: no such region in this partition (known: {})",
                    names.join(", ")
                )));
            }
        }
    }
    Ok(())
}

pub(super) async fn collect(scope: Scope) -> Collected<Ec2> {
    let client: Client = super::sdk_client!(aws_sdk_ec2, scope);
    let s = &scope;
    // The listings are independent: run them together.
    let (azs, vpcs, subnets, route_tables, nat_gateways, instances, vpc_endpoints, elastic_ips) = tokio::join!(
        availability_zones(&client, s),
        vpcs(&client, s),
        subnets(&client, s),
        route_tables(&client, s),
        nat_gateways(&client, s),
        instances(&client, s),
        vpc_endpoints(&client, s),
        elastic_ips(&client, s),
    );
    let mut errors = Vec::new();
    let ec2 = Ec2 {
        availability_zones: keep(&mut errors, azs),
        vpcs: keep(&mut errors, vpcs),
        subnets: keep(&mut errors, subnets),
        route_tables: keep(&mut errors, route_tables),
        nat_gateways: keep(&mut errors, nat_gateways),
        instances: keep(&mut errors, instances),
        vpc_endpoints: keep(&mut errors, vpc_endpoints),
        elastic_ips: keep(&mut errors, elastic_ips),
    };
    (ec2, errors)
}

fn ec2_tags(t: &[Tag]) -> crate::snapshot::Tags {
    tags(t.iter().map(|t| (t.key(), t.value())))
}

fn owned(s: Option<&str>) -> Option<String> {
    s.map(str::to_string)
}

async fn availability_zones(client: &Client, scope: &Scope) -> Listing<AvailabilityZone> {
    // Not paginated by the API.
    match scope
        .call(client.describe_availability_zones().send())
        .await
    {
        Ok(out) => {
            let zones = out
                .availability_zones()
                .iter()
                .map(|z| AvailabilityZone {
                    region: scope.region.clone(),
                    zone_name: z.zone_name().unwrap_or_default().to_string(),
                    zone_id: z.zone_id().unwrap_or_default().to_string(),
                    state: z
                        .state()
                        .map(|s| s.as_str())
                        .unwrap_or_default()
                        .to_string(),
                    zone_type: owned(z.zone_type()),
                })
                .collect();
            (zones, None)
        }
        Err(e) => (
            Vec::new(),
            Some(DESCRIBE_AZS.listing_failed(&[Kind::AvailabilityZone], &e)),
        ),
    }
}

async fn vpcs(client: &Client, scope: &Scope) -> Listing<Vpc> {
    let mut pages = client.describe_vpcs().into_paginator().items().send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let vpcs = items
        .iter()
        .map(|v| Vpc {
            region: scope.region.clone(),
            vpc_id: v.vpc_id().unwrap_or_default().to_string(),
            cidr_block: owned(v.cidr_block()),
            is_default: v.is_default().unwrap_or(false),
            state: v.state().map(|s| s.as_str().to_string()),
            tags: ec2_tags(v.tags()),
        })
        .collect();
    let err = err.map(|e| DESCRIBE_VPCS.listing_failed(&[Kind::Vpc], &e));
    (vpcs, err)
}

async fn subnets(client: &Client, scope: &Scope) -> Listing<Subnet> {
    let mut pages = client.describe_subnets().into_paginator().items().send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let subnets = items
        .iter()
        .map(|s| Subnet {
            region: scope.region.clone(),
            subnet_id: s.subnet_id().unwrap_or_default().to_string(),
            vpc_id: s.vpc_id().unwrap_or_default().to_string(),
            availability_zone: s.availability_zone().unwrap_or_default().to_string(),
            availability_zone_id: owned(s.availability_zone_id()),
            cidr_block: owned(s.cidr_block()),
            available_ip_address_count: s.available_ip_address_count().map(i64::from),
            map_public_ip_on_launch: s.map_public_ip_on_launch().unwrap_or(false),
            default_for_az: s.default_for_az().unwrap_or(false),
            tags: ec2_tags(s.tags()),
        })
        .collect();
    let err = err.map(|e| DESCRIBE_SUBNETS.listing_failed(&[Kind::Subnet], &e));
    (subnets, err)
}

async fn route_tables(client: &Client, scope: &Scope) -> Listing<RouteTable> {
    let mut pages = client
        .describe_route_tables()
        .into_paginator()
        .items()
        .send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let tables = items
        .iter()
        .map(|t| RouteTable {
            region: scope.region.clone(),
            route_table_id: t.route_table_id().unwrap_or_default().to_string(),
            vpc_id: t.vpc_id().unwrap_or_default().to_string(),
            associations: t
                .associations()
                .iter()
                .map(|a| RouteTableAssociation {
                    subnet_id: owned(a.subnet_id()),
                    main: a.main().unwrap_or(false),
                })
                .collect(),
            routes: t
                .routes()
                .iter()
                .map(|r| Route {
                    destination_cidr_block: owned(r.destination_cidr_block()),
                    destination_ipv6_cidr_block: owned(r.destination_ipv6_cidr_block()),
                    gateway_id: owned(r.gateway_id()),
                    nat_gateway_id: owned(r.nat_gateway_id()),
                    transit_gateway_id: owned(r.transit_gateway_id()),
                    instance_id: owned(r.instance_id()),
                    state: r.state().map(|s| s.as_str().to_string()),
                })
                .collect(),
            tags: ec2_tags(t.tags()),
        })
        .collect();
    let err = err.map(|e| DESCRIBE_ROUTE_TABLES.listing_failed(&[Kind::RouteTable], &e));
    (tables, err)
}

async fn nat_gateways(client: &Client, scope: &Scope) -> Listing<NatGateway> {
    let mut pages = client
        .describe_nat_gateways()
        .into_paginator()
        .items()
        .send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let nats = items
        .iter()
        .map(|n| NatGateway {
            region: scope.region.clone(),
            nat_gateway_id: n.nat_gateway_id().unwrap_or_default().to_string(),
            vpc_id: owned(n.vpc_id()),
            subnet_id: owned(n.subnet_id()),
            state: n
                .state()
                .map(|s| s.as_str())
                .unwrap_or_default()
                .to_string(),
            connectivity_type: n.connectivity_type().map(|c| c.as_str().to_string()),
            availability_mode: n.availability_mode().map(|m| m.as_str().to_string()),
            tags: ec2_tags(n.tags()),
        })
        .collect();
    let err = err.map(|e| DESCRIBE_NAT_GATEWAYS.listing_failed(&[Kind::NatGateway], &e));
    (nats, err)
}

async fn instances(client: &Client, scope: &Scope) -> Listing<Instance> {
    let mut pages = client.describe_instances().into_paginator().items().send();
    let (reservations, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let instances = reservations
        .iter()
        .flat_map(|r| r.instances())
        .map(|i| Instance {
            region: scope.region.clone(),
            instance_id: i.instance_id().unwrap_or_default().to_string(),
            instance_type: i.instance_type().map(|t| t.as_str().to_string()),
            availability_zone: i
                .placement()
                .and_then(|p| p.availability_zone())
                .unwrap_or_default()
                .to_string(),
            state: i
                .state()
                .and_then(|s| s.name())
                .map(|n| n.as_str())
                .unwrap_or_default()
                .to_string(),
            vpc_id: owned(i.vpc_id()),
            subnet_id: owned(i.subnet_id()),
            private_ip_address: owned(i.private_ip_address()),
            monitoring: i
                .monitoring()
                .and_then(|m| m.state())
                .map(|st| st.as_str().to_string()),
            public_ip_address: owned(i.public_ip_address()),
            tags: ec2_tags(i.tags()),
        })
        .collect();
    let err = err.map(|e| DESCRIBE_INSTANCES.listing_failed(&[Kind::Instance], &e));
    (instances, err)
}

async fn vpc_endpoints(client: &Client, scope: &Scope) -> Listing<VpcEndpoint> {
    let mut pages = client
        .describe_vpc_endpoints()
        .into_paginator()
        .items()
        .send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let endpoints = items
        .iter()
        .map(|e| VpcEndpoint {
            region: scope.region.clone(),
            vpc_endpoint_id: e.vpc_endpoint_id().unwrap_or_default().to_string(),
            vpc_endpoint_type: e.vpc_endpoint_type().map(|t| t.as_str().to_string()),
            vpc_id: owned(e.vpc_id()),
            service_name: owned(e.service_name()),
            state: e.state().map(|s| s.as_str().to_string()),
            subnet_ids: e.subnet_ids().to_vec(),
            tags: ec2_tags(e.tags()),
        })
        .collect();
    let err = err.map(|e| DESCRIBE_VPC_ENDPOINTS.listing_failed(&[Kind::VpcEndpoint], &e));
    (endpoints, err)
}

/// An id field as AWS leaves it out when there is none (an emulator may send it empty).
fn present(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_string)
}

async fn elastic_ips(client: &Client, scope: &Scope) -> Listing<ElasticIp> {
    // Not paginated by the API: one answer holds every address of the region.
    match scope.call(client.describe_addresses().send()).await {
        Ok(out) => {
            let addresses = out
                .addresses()
                .iter()
                .map(|a| ElasticIp {
                    region: scope.region.clone(),
                    allocation_id: a.allocation_id().unwrap_or_default().to_string(),
                    public_ip: present(a.public_ip()),
                    association_id: present(a.association_id()),
                    instance_id: present(a.instance_id()),
                    network_interface_id: present(a.network_interface_id()),
                    private_ip_address: present(a.private_ip_address()),
                    domain: a.domain().map(|d| d.as_str().to_string()),
                    tags: ec2_tags(a.tags()),
                })
                .collect();
            (addresses, None)
        }
        Err(e) => (
            Vec::new(),
            Some(DESCRIBE_ADDRESSES.listing_failed(&[Kind::ElasticIp], &e)),
        ),
    }
}
