//! Site-to-Site VPN connections: how many of their tunnels are up, and how many distinct
//! customer devices the gateway they attach to can reach.

use super::{depends_on, distinct, fields_of, name_tag, Ctx, Resource};
use crate::snapshot::VpnConnection;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The state of a connection that no longer exists (DescribeVpnConnections keeps listing it
/// for a while after deletion).
const DELETED: &str = "deleted";

pub(super) fn build(ctx: &Ctx, out: &mut Vec<Resource>) {
    let s = ctx.snapshot;
    let live: Vec<&VpnConnection> = s
        .vpn
        .vpn_connections
        .iter()
        .filter(|c| c.state != DELETED)
        .collect();
    for c in &live {
        out.push(connection(ctx, c, &live));
    }
}

/// The gateway a connection attaches to: its virtual private gateway or transit gateway.
fn gateway(c: &VpnConnection) -> Option<&str> {
    c.vpn_gateway_id
        .as_deref()
        .or(c.transit_gateway_id.as_deref())
}

fn connection(ctx: &Ctx, c: &VpnConnection, live: &[&VpnConnection]) -> Resource {
    let s = ctx.snapshot;
    let mut fields = fields_of(c);
    let mut unknown = BTreeMap::new();

    let up = c.vgw_telemetry.iter().filter(|t| t.status == "UP").count();
    fields.insert("tunnel_count".into(), Value::from(c.vgw_telemetry.len()));
    fields.insert("tunnels_up".into(), Value::from(up));
    fields.insert(
        "tunnels_down".into(),
        distinct(
            c.vgw_telemetry
                .iter()
                .filter(|t| t.status != "UP")
                .map(|t| t.outside_ip_address.as_str()),
        ),
    );
    // AWS reports both tunnels of every connection; without that telemetry nothing says
    // whether they are up.
    if c.vgw_telemetry.is_empty() {
        let why = "DescribeVpnConnections returned no tunnel telemetry (VgwTelemetry) for it";
        for f in ["tunnel_count", "tunnels_up", "tunnels_down"] {
            unknown.insert(f.to_string(), why.to_string());
        }
    }
    if c.static_routes_only.is_none() {
        unknown.insert(
            "static_routes_only".into(),
            "DescribeVpnConnections returned no routing options (Options.StaticRoutesOnly)".into(),
        );
    }

    // The customer devices reachable through the same gateway: one device (or one
    // connection) is a single point of failure outside AWS.
    let gw = gateway(c);
    fields.insert("gateway_id".into(), json!(gw));
    let peers: Vec<&&VpnConnection> = live
        .iter()
        .filter(|o| o.region == c.region && gw.is_some() && gateway(o) == gw)
        .collect();
    // A failed customer gateway listing is the first reason an address can be missing.
    depends_on(
        ctx,
        &mut unknown,
        crate::snapshot::CUSTOMER_GATEWAY_KIND,
        &c.region,
        &["gateway_customer_endpoints"],
    );
    let mut endpoints = BTreeSet::new();
    for p in &peers {
        let Some(cgw_id) = p.customer_gateway_id.as_deref() else {
            continue;
        };
        let cgw = s
            .vpn
            .customer_gateways
            .iter()
            .find(|g| g.region == c.region && g.customer_gateway_id == cgw_id);
        match cgw.and_then(|g| g.ip_address.as_deref()) {
            Some(ip) => {
                endpoints.insert(ip);
            }
            None => {
                unknown
                    .entry("gateway_customer_endpoints".into())
                    .or_insert_with(|| {
                        format!(
                            "the address of customer gateway {cgw_id} is not in the customer gateway listing of {}",
                            c.region
                        )
                    });
            }
        }
    }
    fields.insert("gateway_connection_count".into(), Value::from(peers.len()));
    fields.insert(
        "gateway_customer_endpoints".into(),
        distinct(endpoints.iter().copied()),
    );

    Resource {
        kind: "vpn.connection",
        id: c.vpn_connection_id.clone(),
        name: name_tag(&c.tags).or_else(|| Some(c.vpn_connection_id.clone())),
        arn: format!(
            "arn:{}:ec2:{}:{}:vpn-connection/{}",
            s.partition, c.region, s.account_id, c.vpn_connection_id
        ),
        region: c.region.clone(),
        fields,
        unknown,
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
        let m = Model::build(&snapshot());
        let ids: Vec<&str> = m.of_kind("vpn.connection").map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        let a = m.of_kind("vpn.connection").find(|r| r.id == "a").unwrap();
        assert_eq!(a.fields["tunnels_up"], json!(1));
        assert_eq!(a.fields["tunnels_down"], json!(["52.0.0.1"]));
        // Two customer gateway objects at one address are one device; the deleted
        // connection to another device does not count.
        assert_eq!(
            a.fields["gateway_customer_endpoints"],
            json!(["203.0.113.1"])
        );
        assert_eq!(a.fields["gateway_connection_count"], json!(2));
        let c = m.of_kind("vpn.connection").find(|r| r.id == "c").unwrap();
        assert!(c.unknown["tunnels_up"].contains("VgwTelemetry"));
    }

    #[test]
    fn a_failed_customer_gateway_listing_makes_the_devices_unknown() {
        let mut s = snapshot();
        s.coverage = vec![crate::model::tests::coverage_error(
            "vpn",
            "r",
            "DescribeCustomerGateways",
            &[CUSTOMER_GATEWAY_KIND],
        )];
        s.vpn.customer_gateways.clear();
        let m = Model::build(&s);
        let a = m.of_kind("vpn.connection").find(|r| r.id == "a").unwrap();
        assert!(
            a.unknown["gateway_customer_endpoints"].contains("DescribeCustomerGateways"),
            "{:?}",
            a.unknown
        );
    }
}
