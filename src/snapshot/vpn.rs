use super::Tags;
use serde::{Deserialize, Serialize};

/// Site-to-Site VPN connections and the customer gateways they end on.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vpn {
    #[serde(default)]
    pub vpn_connections: Vec<VpnConnection>,
    #[serde(default)]
    pub customer_gateways: Vec<CustomerGateway>,
}

impl Vpn {
    fn sort_lists(&mut self) {
        self.vpn_connections.sort_by(|a, b| {
            (&a.region, &a.vpn_connection_id).cmp(&(&b.region, &b.vpn_connection_id))
        });
        self.customer_gateways.sort_by(|a, b| {
            (&a.region, &a.customer_gateway_id).cmp(&(&b.region, &b.customer_gateway_id))
        });
        for c in &mut self.vpn_connections {
            c.vgw_telemetry
                .sort_by(|a, b| a.outside_ip_address.cmp(&b.outside_ip_address));
        }
    }
}

super::section!(Vpn { vpn_connections => VpnConnection, customer_gateways });
super::listed!(VpnConnection, VpnConnection, vpn_connection_id);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VpnConnection {
    pub region: String,
    pub vpn_connection_id: String,
    /// `pending`, `available`, `deleting` or `deleted`.
    pub state: String,
    /// `ipsec.1`.
    #[serde(default, rename = "type")]
    pub vpn_type: Option<String>,
    #[serde(default)]
    pub customer_gateway_id: Option<String>,
    /// The virtual private gateway, for a connection to one VPC.
    #[serde(default)]
    pub vpn_gateway_id: Option<String>,
    /// The transit gateway, for a connection attached to one.
    #[serde(default)]
    pub transit_gateway_id: Option<String>,
    /// `Options.StaticRoutesOnly`; absent when the API did not return the options.
    #[serde(default)]
    pub static_routes_only: Option<bool>,
    /// One entry per tunnel (AWS gives every connection two).
    #[serde(default)]
    pub vgw_telemetry: Vec<VpnTunnel>,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VpnTunnel {
    /// The AWS end of the tunnel.
    pub outside_ip_address: String,
    /// `UP` or `DOWN`.
    pub status: String,
    #[serde(default)]
    pub status_message: Option<String>,
    /// RFC 3339.
    #[serde(default)]
    pub last_status_change: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerGateway {
    pub region: String,
    pub customer_gateway_id: String,
    /// The public address of the customer's device.
    #[serde(default)]
    pub ip_address: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub bgp_asn: Option<String>,
    #[serde(default)]
    pub tags: Tags,
}
