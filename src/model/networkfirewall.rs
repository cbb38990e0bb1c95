//! Network Firewall firewalls: the AZs of their endpoints, endpoints that failed, and route
//! tables that send one AZ's traffic through another AZ's endpoint.

use super::{name_tag, Ctx, Known, Resource};
use crate::registry::{Kind, Service};
use crate::snapshot::Firewall;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

crate::facts! {
    /// Derived facts of a Network Firewall firewall.
    pub struct FirewallFacts<'a> {
        /// The AZs it has an endpoint in: the AZs of `FirewallStatus.SyncStates`, or, when
        /// the answer has none (a firewall being provisioned), the AZs of its subnet mappings
        /// (Network Firewall creates one endpoint in each) and of its transit gateway AZ
        /// mappings.
        pub endpoint_azs: Known<Vec<&'a str>>,
        /// Its endpoint (`vpce-*`) in each AZ.
        pub endpoint_ids: Known<BTreeMap<&'a str, &'a str>>,
        /// Its endpoints whose attachment `FAILED` or is in `ERROR`, as `AZ: endpoint (status)`.
        pub endpoints_failed: Known<Vec<String>>,
        /// The routes that send one AZ's traffic to its endpoint in another AZ, each with the
        /// subnets whose traffic it is.
        pub cross_az_routes: Known<Vec<String>>,
    }
}

/// Attachment states of an endpoint that forwards no traffic and will not recover alone.
const FAILED: &[&str] = &["FAILED", "ERROR"];

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for f in &ctx.snapshot.networkfirewall.firewalls {
        out.push(firewall(ctx, f));
    }
}

fn firewall<'a>(ctx: &Ctx<'a>, fw: &'a Firewall) -> Resource<'a> {
    let region = fw.region.as_str();
    let mut f = FirewallFacts {
        endpoint_azs: endpoint_azs(ctx, fw),
        ..Default::default()
    };
    match (fw.unreadable.get("endpoints"), fw.endpoints.as_deref()) {
        // DescribeFirewall failed: nothing of the firewall's placement is known.
        (Some(why), _) => {
            crate::unknown_if!(Some(why) =>
                f.endpoint_azs, f.endpoint_ids, f.endpoints_failed, f.cross_az_routes);
        }
        (None, Some(endpoints)) => {
            let ids: BTreeMap<&str, &str> = endpoints
                .iter()
                .filter_map(|e| Some((e.availability_zone.as_str(), e.endpoint_id.as_deref()?)))
                .collect();
            f.endpoints_failed = Known::Is(
                endpoints
                    .iter()
                    .filter(|e| e.status.as_deref().is_some_and(|s| FAILED.contains(&s)))
                    .map(|e| {
                        format!(
                            "{}: {} ({})",
                            e.availability_zone,
                            e.endpoint_id.as_deref().unwrap_or("no endpoint"),
                            e.status.as_deref().unwrap_or_default()
                        )
                    })
                    .collect(),
            );
            let routes: BTreeSet<String> = ids
                .iter()
                .flat_map(|(az, id)| ctx.routing.cross_az_routes(region, id, az))
                .collect();
            f.cross_az_routes = Known::Is(routes.into_iter().collect());
            f.endpoint_ids = Known::Is(ids);
        }
        (None, None) => {
            let why = format!(
                "DescribeFirewall did not return FirewallStatus.SyncStates for {}, so its \
                 endpoints are unknown",
                fw.firewall_name
            );
            crate::unknown_if!(Some(why) => f.endpoint_ids, f.endpoints_failed, f.cross_az_routes);
        }
    }
    for kind in [Kind::RouteTable, Kind::Subnet] {
        crate::unknown_if!(ctx.incomplete(kind, region) => f.cross_az_routes);
    }
    crate::unknown_if!(ec2_not_read(ctx, region) => f.cross_az_routes);
    Resource {
        kind: Kind::Firewall,
        id: Cow::Borrowed(&fw.firewall_name),
        name: name_tag(&fw.tags).or(Some(Cow::Borrowed(&fw.firewall_name))),
        arn: ctx.arn_or(&fw.firewall_arn, "network-firewall", region, "firewall", &fw.firewall_name),
        region: Cow::Borrowed(region),
        source: Some(fw),
        unreadable: Some(&fw.unreadable),
        facts: Box::new(f),
    }
}

/// Why the region's subnets and route tables are not in the snapshot at all, if they are
/// not: EC2 was not read there. (A failed listing of either is [`Ctx::incomplete`].)
pub(super) fn ec2_not_read(ctx: &Ctx<'_>, region: &str) -> Option<String> {
    let read = ctx
        .snapshot
        .coverage
        .iter()
        .any(|c| c.service == Service::ec2.key() && c.region == region);
    (!read).then(|| {
        format!("ec2 was not collected in {region}, so its subnets and routes are unknown")
    })
}

/// The AZs of a firewall's endpoints (see [`FirewallFacts::endpoint_azs`]).
fn endpoint_azs<'a>(ctx: &Ctx<'a>, fw: &'a Firewall) -> Known<Vec<&'a str>> {
    if let Some(endpoints) = &fw.endpoints {
        let azs: BTreeSet<&str> = endpoints
            .iter()
            .map(|e| e.availability_zone.as_str())
            .collect();
        return Known::Is(azs.into_iter().collect());
    }
    let mut azs: BTreeSet<&str> = fw.availability_zones.iter().map(String::as_str).collect();
    for id in &fw.subnet_ids {
        match ctx.subnet_az(&fw.region, id) {
            Some(az) => {
                azs.insert(az);
            }
            None => {
                let why = ctx
                    .incomplete(Kind::Subnet, &fw.region)
                    .or_else(|| ec2_not_read(ctx, &fw.region))
                    .unwrap_or_else(|| {
                        format!(
                            "subnet {id} of firewall {} is not in the subnet listing, so the AZ \
                             of its endpoint there is unknown",
                            fw.firewall_name
                        )
                    });
                return Known::unknown(why);
            }
        }
    }
    Known::Is(azs.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use crate::model::tests::find;
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    const R: &str = "eu-west-1";

    fn subnet(id: &str, az: &str, cidr: &str) -> Subnet {
        Subnet {
            region: R.into(),
            subnet_id: id.into(),
            vpc_id: "vpc-1".into(),
            availability_zone: az.into(),
            cidr_block: Some(cidr.into()),
            ..Default::default()
        }
    }

    fn table(id: &str, subnets: &[&str], main: bool, vpce: &str) -> RouteTable {
        let mut associations: Vec<RouteTableAssociation> = subnets
            .iter()
            .map(|s| RouteTableAssociation {
                subnet_id: Some(s.to_string()),
                main: false,
            })
            .collect();
        if main {
            associations.push(RouteTableAssociation {
                subnet_id: None,
                main: true,
            });
        }
        RouteTable {
            region: R.into(),
            route_table_id: id.into(),
            vpc_id: "vpc-1".into(),
            associations,
            routes: vec![Route {
                destination_cidr_block: Some("0.0.0.0/0".into()),
                gateway_id: Some(vpce.into()),
                state: Some("active".into()),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn endpoint(az: &str, id: &str, status: &str) -> FirewallEndpoint {
        FirewallEndpoint {
            availability_zone: az.into(),
            subnet_id: None,
            endpoint_id: Some(id.into()),
            status: Some(status.into()),
        }
    }

    fn snapshot() -> Snapshot {
        let mut s = Snapshot::new("111122223333", vec![R.into()], "t".into());
        for service in ["ec2", "networkfirewall"] {
            s.coverage.push(Coverage {
                service: service.into(),
                region: R.into(),
                errors: vec![],
            });
        }
        s.ec2.subnets = vec![
            subnet("subnet-fw-a", "eu-west-1a", "10.0.0.0/28"),
            subnet("subnet-fw-b", "eu-west-1b", "10.0.0.16/28"),
            subnet("subnet-app-a", "eu-west-1a", "10.0.1.0/24"),
            subnet("subnet-app-b", "eu-west-1b", "10.0.2.0/24"),
            subnet("subnet-app-c", "eu-west-1c", "10.0.3.0/24"),
        ];
        s.ec2.route_tables = vec![
            table("rtb-main", &[], true, "vpce-fw-a"),
            table("rtb-a", &["subnet-app-a"], false, "vpce-fw-a"),
            // b's subnets go through a's endpoint.
            table("rtb-b", &["subnet-app-b"], false, "vpce-fw-a"),
            table(
                "rtb-fw",
                &["subnet-fw-a", "subnet-fw-b", "subnet-app-c"],
                false,
                "igw-1",
            ),
        ];
        s.networkfirewall.firewalls = vec![
            Firewall {
                region: R.into(),
                firewall_name: "edge".into(),
                firewall_arn: format!("arn:aws:network-firewall:{R}:111122223333:firewall/edge"),
                subnet_ids: vec!["subnet-fw-a".into(), "subnet-fw-b".into()],
                delete_protection: Some(true),
                status: Some("PROVISIONING".into()),
                endpoints: Some(vec![
                    endpoint("eu-west-1a", "vpce-fw-a", "READY"),
                    endpoint("eu-west-1b", "vpce-fw-b", "FAILED"),
                ]),
                ..Default::default()
            },
            // moto's answer: subnet mappings, but no sync states.
            Firewall {
                region: R.into(),
                firewall_name: "no-sync".into(),
                subnet_ids: vec!["subnet-fw-a".into(), "subnet-app-a".into()],
                delete_protection: Some(false),
                ..Default::default()
            },
        ];
        s
    }

    #[test]
    fn endpoints_by_az_failed_ones_and_routes_from_other_azs() {
        let s = snapshot();
        let m = Model::build(&s);
        let edge = find(&m, "networkfirewall.firewall", "edge").fields();
        assert_eq!(edge["endpoint_azs"], json!(["eu-west-1a", "eu-west-1b"]));
        assert_eq!(
            edge["endpoint_ids"],
            json!({"eu-west-1a": "vpce-fw-a", "eu-west-1b": "vpce-fw-b"})
        );
        assert_eq!(
            edge["endpoints_failed"],
            json!(["eu-west-1b: vpce-fw-b (FAILED)"])
        );
        // The main table is used by no subnet (every one has its own): no traffic.
        assert_eq!(
            edge["cross_az_routes"],
            json!(["rtb-b: 0.0.0.0/0 -> vpce-fw-a, used by subnet-app-b (eu-west-1b)"])
        );
        assert_eq!(
            edge["arn"],
            json!("arn:aws:network-firewall:eu-west-1:111122223333:firewall/edge")
        );
        assert!(find(&m, "networkfirewall.firewall", "edge")
            .unknown()
            .is_empty());
    }

    #[test]
    fn without_sync_states_the_endpoint_azs_come_from_the_subnet_mappings() {
        let s = snapshot();
        let m = Model::build(&s);
        let r = find(&m, "networkfirewall.firewall", "no-sync");
        assert_eq!(r.fields()["endpoint_azs"], json!(["eu-west-1a"]));
        let unknown = r.unknown();
        for fact in ["endpoint_ids", "endpoints_failed", "cross_az_routes"] {
            assert!(
                unknown[fact].contains("did not return FirewallStatus.SyncStates"),
                "{fact}: {unknown:?}"
            );
        }
        assert_eq!(
            r.fields()["arn"],
            json!("arn:aws:network-firewall:eu-west-1:111122223333:firewall/no-sync")
        );
    }

    #[test]
    fn unlisted_subnets_or_route_tables_leave_the_joins_unknown() {
        let mut s = snapshot();
        s.ec2.subnets.retain(|sn| sn.subnet_id != "subnet-app-a");
        s.coverage[0] = crate::model::tests::coverage_error(
            "ec2",
            R,
            "DescribeRouteTables",
            &["ec2.route_table"],
        );
        let m = Model::build(&s);
        let edge = find(&m, "networkfirewall.firewall", "edge").unknown();
        assert!(
            edge["cross_az_routes"].contains("ec2.route_table could not be listed"),
            "{edge:?}"
        );
        assert!(!edge.contains_key("endpoint_azs"));
        let no_sync = find(&m, "networkfirewall.firewall", "no-sync").unknown();
        assert!(
            no_sync["endpoint_azs"].contains("subnet subnet-app-a of firewall no-sync"),
            "{no_sync:?}"
        );
    }
}
