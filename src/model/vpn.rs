//! Site-to-Site VPN connections: how many of their tunnels are up, and how many distinct
//! customer devices the gateway they attach to can reach.

use super::{distinct, name_tag, Ctx, Known, MarkUnknown, Resource};
use crate::registry::Kind;
use crate::snapshot::{CustomerGateway, VpnConnection};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

crate::facts! {
    /// Derived facts of a Site-to-Site VPN connection.
    pub struct ConnectionFacts<'a> {
        /// How many tunnels it has (from its tunnel telemetry).
        pub tunnel_count: Known<usize>,
        /// How many of its tunnels are up.
        pub tunnels_up: Known<usize>,
        /// The outside addresses of its tunnels that are not up.
        pub tunnels_down: Known<Vec<&'a str>>,
        /// Whether it uses static routing only (no BGP); unknown when the API did not say.
        pub static_routes_only: Known<Option<bool>>,
        /// The virtual private gateway or transit gateway it attaches to.
        pub gateway_id: Known<Option<&'a str>>,
        /// How many live connections attach to that gateway.
        pub gateway_connection_count: Known<usize>,
        /// The distinct customer gateway addresses those connections reach.
        pub gateway_customer_endpoints: Known<Vec<&'a str>>,
    }
}

/// The state of a connection that no longer exists (DescribeVpnConnections keeps listing it
/// for a while after deletion).
const DELETED: &str = "deleted";

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    let s = ctx.snapshot;
    let live: Vec<&VpnConnection> = s
        .vpn
        .vpn_connections
        .iter()
        .filter(|c| c.state != DELETED)
        .collect();
    // Looked up, not searched for: an account of many connections is not judged pair by pair.
    let mut by_gateway: HashMap<(&str, &str), Vec<&VpnConnection>> = HashMap::new();
    for c in &live {
        if let Some(g) = gateway(c) {
            by_gateway.entry((&c.region, g)).or_default().push(c);
        }
    }
    let mut customer_gateways: HashMap<(&str, &str), &CustomerGateway> = HashMap::new();
    for g in &s.vpn.customer_gateways {
        customer_gateways
            .entry((&g.region, &g.customer_gateway_id))
            .or_insert(g);
    }
    let index = Peers {
        by_gateway,
        customer_gateways,
    };
    for c in &live {
        out.push(connection(ctx, c, &index));
    }
}

/// The live connections of each (region, gateway), and each customer gateway by (region, id)
/// (the first listed when one is listed twice).
struct Peers<'a> {
    by_gateway: HashMap<(&'a str, &'a str), Vec<&'a VpnConnection>>,
    customer_gateways: HashMap<(&'a str, &'a str), &'a CustomerGateway>,
}

/// The gateway a connection attaches to: its virtual private gateway or transit gateway.
fn gateway(c: &VpnConnection) -> Option<&str> {
    c.vpn_gateway_id
        .as_deref()
        .or(c.transit_gateway_id.as_deref())
}

fn connection<'a>(ctx: &Ctx<'a>, c: &'a VpnConnection, index: &Peers<'a>) -> Resource<'a> {
    let up = c.vgw_telemetry.iter().filter(|t| t.status == "UP").count();
    // The customer devices reachable through the same gateway: one device (or one
    // connection) is a single point of failure outside AWS.
    let gw = gateway(c);
    let peers: &[&VpnConnection] = gw
        .and_then(|g| index.by_gateway.get(&(c.region.as_str(), g)))
        .map_or(&[], Vec::as_slice);
    let mut f = ConnectionFacts {
        tunnel_count: Known::Is(c.vgw_telemetry.len()),
        tunnels_up: Known::Is(up),
        tunnels_down: Known::Is(distinct(
            c.vgw_telemetry
                .iter()
                .filter(|t| t.status != "UP")
                .map(|t| t.outside_ip_address.as_str()),
        )),
        static_routes_only: match c.static_routes_only {
            Some(on) => Known::Is(Some(on)),
            None => Known::unknown(
                "DescribeVpnConnections returned no routing options (Options.StaticRoutesOnly)",
            ),
        },
        gateway_id: Known::Is(gw),
        gateway_connection_count: Known::Is(peers.len()),
        gateway_customer_endpoints: Known::Is(Vec::new()),
    };
    // AWS reports both tunnels of every connection; without that telemetry nothing says
    // whether they are up.
    if c.vgw_telemetry.is_empty() {
        let why = "DescribeVpnConnections returned no tunnel telemetry (VgwTelemetry) for it";
        crate::unknown_if!(Some(why) => f.tunnel_count, f.tunnels_up, f.tunnels_down);
    }
    // A failed customer gateway listing is the first reason an address can be missing.
    let mut endpoints_unknown = ctx.incomplete(Kind::CustomerGateway, &c.region);
    let mut endpoints = BTreeSet::new();
    for p in peers {
        let Some(cgw_id) = p.customer_gateway_id.as_deref() else {
            continue;
        };
        let cgw = index.customer_gateways.get(&(c.region.as_str(), cgw_id));
        match cgw.and_then(|g| g.ip_address.as_deref()) {
            Some(ip) => {
                endpoints.insert(ip);
            }
            None => {
                endpoints_unknown.get_or_insert_with(|| {
                    format!(
                        "the address of customer gateway {cgw_id} is not in the customer \
                         gateway listing of {}",
                        c.region
                    )
                });
            }
        }
    }
    f.gateway_customer_endpoints = Known::Is(endpoints.into_iter().collect());
    if let Some(why) = endpoints_unknown {
        f.gateway_customer_endpoints.mark_unknown(&why);
    }
    Resource {
        kind: Kind::VpnConnection,
        id: Cow::Borrowed(&c.vpn_connection_id),
        name: name_tag(&c.tags).or(Some(Cow::Borrowed(&c.vpn_connection_id))),
        arn: Cow::Owned(ctx.arn("ec2", &c.region, "vpn-connection", &c.vpn_connection_id)),
        region: Cow::Borrowed(&c.region),
        source: Some(c),
        unreadable: None,
        facts: Box::new(f),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    fn connection(id: &str, state: &str, cgw: &str, vgw: &str, up: &[&str]) -> VpnConnection {
        VpnConnection {
            region: "r".into(),
            vpn_connection_id: id.into(),
            state: state.into(),
            customer_gateway_id: Some(cgw.into()),
            vpn_gateway_id: Some(vgw.into()),
            static_routes_only: Some(false),
            vgw_telemetry: up
                .iter()
                .enumerate()
                .map(|(i, s)| VpnTunnel {
                    outside_ip_address: format!("52.0.0.{i}"),
                    status: s.to_string(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    fn snapshot() -> Snapshot {
        let mut s = Snapshot::new("111122223333", vec!["r".into()], "t".into());
        s.coverage.push(Coverage {
            service: "vpn".into(),
            region: "r".into(),
            errors: vec![],
        });
        for (id, ip) in [
            ("cgw-1", "203.0.113.1"),
            ("cgw-1b", "203.0.113.1"),
            ("cgw-2", "203.0.113.2"),
        ] {
            s.vpn.customer_gateways.push(CustomerGateway {
                region: "r".into(),
                customer_gateway_id: id.into(),
                ip_address: Some(ip.into()),
                ..Default::default()
            });
        }
        s.vpn.vpn_connections = vec![
            connection("a", "available", "cgw-1", "vgw-x", &["UP", "DOWN"]),
            connection("b", "available", "cgw-1b", "vgw-x", &["UP", "UP"]),
            connection("gone", "deleted", "cgw-2", "vgw-x", &[]),
            connection("c", "available", "cgw-2", "vgw-y", &[]),
        ];
        s
    }

    #[test]
    fn customer_devices_are_counted_by_address_and_deleted_connections_are_left_out() {
        let s = snapshot();
        let m = Model::build(&s);
        let ids: Vec<&str> = m.of_kind(crate::registry::Kind::from_key("vpn.connection").unwrap()).map(|r| r.id.as_ref()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        let a = m.of_kind(crate::registry::Kind::from_key("vpn.connection").unwrap()).find(|r| r.id == "a").unwrap();
        assert_eq!(a.fields()["tunnels_up"], json!(1));
        assert_eq!(a.fields()["tunnels_down"], json!(["52.0.0.1"]));
        // Two customer gateway objects at one address are one device; the deleted
        // connection to another device does not count.
        assert_eq!(
            a.fields()["gateway_customer_endpoints"],
            json!(["203.0.113.1"])
        );
        assert_eq!(a.fields()["gateway_connection_count"], json!(2));
        let c = m.of_kind(crate::registry::Kind::from_key("vpn.connection").unwrap()).find(|r| r.id == "c").unwrap();
        assert!(c.unknown()["tunnels_up"].contains("VgwTelemetry"));
    }

    #[test]
    fn a_failed_customer_gateway_listing_makes_the_devices_unknown() {
        let mut s = snapshot();
        s.coverage = vec![crate::model::tests::coverage_error(
            "vpn",
            "r",
            "DescribeCustomerGateways",
            &["vpn.customer_gateway"],
        )];
        s.vpn.customer_gateways.clear();
        let m = Model::build(&s);
        let a = m.of_kind(crate::registry::Kind::from_key("vpn.connection").unwrap()).find(|r| r.id == "a").unwrap();
        assert!(
            a.unknown()["gateway_customer_endpoints"].contains("DescribeCustomerGateways"),
            "{:?}",
            a.unknown()
        );
    }
}
