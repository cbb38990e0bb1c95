use super::Tags;
use serde::{Deserialize, Serialize};

/// AWS Direct Connect connections and virtual interfaces.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DirectConnect {
    #[serde(default)]
    pub connections: Vec<DxConnection>,
    #[serde(default)]
    pub virtual_interfaces: Vec<DxVirtualInterface>,
}

impl DirectConnect {
    fn sort_lists(&mut self) {
        self.connections
            .sort_by(|a, b| (&a.region, &a.connection_id).cmp(&(&b.region, &b.connection_id)));
        self.virtual_interfaces.sort_by(|a, b| {
            (&a.region, &a.virtual_interface_id).cmp(&(&b.region, &b.virtual_interface_id))
        });
        for v in &mut self.virtual_interfaces {
            v.bgp_peers.sort_by(|a, b| {
                (&a.bgp_peer_id, &a.customer_address).cmp(&(&b.bgp_peer_id, &b.customer_address))
            });
        }
    }
}

super::section!(DirectConnect {
    connections => DxConnection,
    virtual_interfaces => DxVirtualInterface
});
super::listed!(DxConnection, DxConnection, connection_id);
super::listed!(DxVirtualInterface, DxVirtualInterface, virtual_interface_id);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DxConnection {
    pub region: String,
    /// `dxcon-*`.
    pub connection_id: String,
    #[serde(default)]
    pub connection_name: Option<String>,
    /// `ordering`, `requested`, `pending`, `available`, `down`, `deleting`, `deleted`,
    /// `rejected` or `unknown`.
    #[serde(default)]
    pub connection_state: Option<String>,
    /// The Direct Connect location (a colocation site) of its port.
    #[serde(default)]
    pub location: Option<String>,
    #[serde(default)]
    pub bandwidth: Option<String>,
    /// The AWS device the port is on.
    #[serde(default)]
    pub aws_device_v2: Option<String>,
    #[serde(default)]
    pub aws_logical_device_id: Option<String>,
    /// The link aggregation group it belongs to.
    #[serde(default)]
    pub lag_id: Option<String>,
    /// `yes`, `no` or `unknown`: whether it shares no device with another of the account's
    /// connections at the location.
    #[serde(default)]
    pub has_logical_redundancy: Option<String>,
    #[serde(default)]
    pub owner_account: Option<String>,
    /// The partner of a hosted connection.
    #[serde(default)]
    pub partner_name: Option<String>,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DxVirtualInterface {
    pub region: String,
    /// `dxvif-*`.
    pub virtual_interface_id: String,
    #[serde(default)]
    pub virtual_interface_name: Option<String>,
    /// `private`, `public` or `transit`.
    #[serde(default)]
    pub virtual_interface_type: Option<String>,
    /// `confirming`, `verifying`, `pending`, `available`, `down`, `testing`, `deleting`,
    /// `deleted`, `rejected` or `unknown`.
    #[serde(default)]
    pub virtual_interface_state: Option<String>,
    /// The connection or link aggregation group it runs on.
    #[serde(default)]
    pub connection_id: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
    /// The virtual private gateway of a private virtual interface to one VPC.
    #[serde(default)]
    pub virtual_gateway_id: Option<String>,
    /// The Direct Connect gateway of a private or transit virtual interface.
    #[serde(default)]
    pub direct_connect_gateway_id: Option<String>,
    #[serde(default)]
    pub aws_device_v2: Option<String>,
    #[serde(default)]
    pub owner_account: Option<String>,
    #[serde(default)]
    pub bgp_peers: Vec<DxBgpPeer>,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DxBgpPeer {
    #[serde(default)]
    pub bgp_peer_id: Option<String>,
    /// `ipv4` or `ipv6`.
    #[serde(default)]
    pub address_family: Option<String>,
    #[serde(default)]
    pub customer_address: Option<String>,
    /// `verifying`, `pending`, `available`, `deleting` or `deleted`.
    #[serde(default)]
    pub bgp_peer_state: Option<String>,
    /// `up`, `down` or `unknown`.
    #[serde(default)]
    pub bgp_status: Option<String>,
}
