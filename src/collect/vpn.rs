//! Site-to-Site VPN: connections (state, routing options, per-tunnel telemetry) and the
//! customer gateways they end on. Both calls are regional EC2 calls that the API does not
//! paginate.

use crate::registry::Kind;
use super::fail::Op;
use super::{tags, Collected, Listing, Scope};
use crate::snapshot::{CustomerGateway, Vpn, VpnConnection, VpnTunnel};
use aws_sdk_ec2::primitives::DateTimeFormat;
use aws_sdk_ec2::Client;

const DESCRIBE_VPN_CONNECTIONS: Op =
    Op::new("DescribeVpnConnections", "ec2:DescribeVpnConnections");
const DESCRIBE_CUSTOMER_GATEWAYS: Op =
    Op::new("DescribeCustomerGateways", "ec2:DescribeCustomerGateways");

pub const ACTIONS: &[&str] = &[
    DESCRIBE_VPN_CONNECTIONS.action,
    DESCRIBE_CUSTOMER_GATEWAYS.action,
];

pub(super) async fn collect(scope: Scope) -> Collected<Vpn> {
    let client: Client = super::sdk_client!(aws_sdk_ec2, scope);
    let (connections, gateways) = tokio::join!(
        connections(&client, &scope),
        customer_gateways(&client, &scope)
    );
    let mut errors = Vec::new();
    let vpn = Vpn {
        vpn_connections: super::keep(&mut errors, connections),
        customer_gateways: super::keep(&mut errors, gateways),
    };
    (vpn, errors)
}

async fn connections(client: &Client, scope: &Scope) -> Listing<VpnConnection> {
    // Not paginated: one call returns every connection of the region. The answer also holds
    // each connection's CustomerGatewayConfiguration (with the tunnels' pre-shared keys),
    // which is deliberately not kept.
    match scope.call(client.describe_vpn_connections().send()).await {
        Ok(out) => {
            let items = out
                .vpn_connections()
                .iter()
                .map(|c| VpnConnection {
                    region: scope.region.clone(),
                    vpn_connection_id: c.vpn_connection_id().unwrap_or_default().to_string(),
                    state: c
                        .state()
                        .map(|s| s.as_str())
                        .unwrap_or_default()
                        .to_string(),
                    vpn_type: c.r#type().map(|t| t.as_str().to_string()),
                    customer_gateway_id: c.customer_gateway_id().map(str::to_string),
                    vpn_gateway_id: c.vpn_gateway_id().map(str::to_string),
                    transit_gateway_id: c.transit_gateway_id().map(str::to_string),
                    static_routes_only: c.options().and_then(|o| o.static_routes_only()),
                    vgw_telemetry: c
                        .vgw_telemetry()
                        .iter()
                        .map(|t| VpnTunnel {
                            outside_ip_address: t
                                .outside_ip_address()
                                .unwrap_or_default()
                                .to_string(),
                            status: t
                                .status()
                                .map(|s| s.as_str())
                                .unwrap_or_default()
                                .to_string(),
                            status_message: t.status_message().map(str::to_string),
                            last_status_change: t
                                .last_status_change()
                                .and_then(|d| d.fmt(DateTimeFormat::DateTime).ok()),
                        })
                        .collect(),
                    tags: tags(c.tags().iter().map(|t| (t.key(), t.value()))),
                })
                .collect();
            (items, None)
        }
        Err(e) => (
            Vec::new(),
            Some(DESCRIBE_VPN_CONNECTIONS.listing_failed(&[Kind::VpnConnection], &e)),
        ),
    }
}

async fn customer_gateways(client: &Client, scope: &Scope) -> Listing<CustomerGateway> {
    match scope.call(client.describe_customer_gateways().send()).await {
        Ok(out) => {
            let items = out
                .customer_gateways()
                .iter()
                .map(|g| CustomerGateway {
                    region: scope.region.clone(),
                    customer_gateway_id: g.customer_gateway_id().unwrap_or_default().to_string(),
                    ip_address: g.ip_address().map(str::to_string),
                    state: g.state().map(str::to_string),
                    bgp_asn: g.bgp_asn().map(str::to_string),
                    tags: tags(g.tags().iter().map(|t| (t.key(), t.value()))),
                })
                .collect();
            (items, None)
        }
        Err(e) => (
            Vec::new(),
            Some(DESCRIBE_CUSTOMER_GATEWAYS.listing_failed(&[Kind::CustomerGateway], &e)),
        ),
    }
}
