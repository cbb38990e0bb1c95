//! AWS Direct Connect: the region's connections and virtual interfaces (with their BGP
//! peers).
//!
//! Per region: DescribeConnections and DescribeVirtualInterfaces, concurrently. The SDK has
//! no paginator for them (they only recently took `nextToken`), so pages are followed by
//! hand. Virtual interfaces are listed whether or not the account owns connections: a hosted
//! virtual interface runs on a partner's connection.

use super::fail::Op;
use super::{Collected, Listing, Scope};
use crate::registry::Kind;
use crate::snapshot::{DirectConnect, DxBgpPeer, DxConnection, DxVirtualInterface, Tags};
use aws_sdk_directconnect::types::Tag;
use aws_sdk_directconnect::Client;

const DESCRIBE_CONNECTIONS: Op =
    Op::new("DescribeConnections", "directconnect:DescribeConnections");
const DESCRIBE_VIRTUAL_INTERFACES: Op = Op::new(
    "DescribeVirtualInterfaces",
    "directconnect:DescribeVirtualInterfaces",
);

pub const ACTIONS: &[&str] = &[
    DESCRIBE_CONNECTIONS.action,
    DESCRIBE_VIRTUAL_INTERFACES.action,
];

pub(super) async fn collect(scope: Scope) -> Collected<DirectConnect> {
    let client: Client = super::sdk_client!(aws_sdk_directconnect, scope);
    let (connections, interfaces) = tokio::join!(
        connections(&client, &scope),
        virtual_interfaces(&client, &scope)
    );
    let mut errors = Vec::new();
    let out = DirectConnect {
        connections: super::keep(&mut errors, connections),
        virtual_interfaces: super::keep(&mut errors, interfaces),
    };
    (out, errors)
}

fn owned_tags(t: &[Tag]) -> Tags {
    super::tags(t.iter().map(|t| (Some(t.key()), t.value())))
}

/// Whether a page's token repeats the one it was asked with: an answer that would loop.
fn same(sent: &Option<String>, got: Option<&str>) -> bool {
    sent.as_deref() == got
}

async fn connections(client: &Client, scope: &Scope) -> Listing<DxConnection> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let req = client.describe_connections().set_next_token(token.clone());
        let page = match scope.call(req.send()).await {
            Ok(page) => page,
            Err(e) => {
                let err = DESCRIBE_CONNECTIONS.listing_failed(&[Kind::DxConnection], &e);
                return (out, Some(err));
            }
        };
        out.extend(page.connections().iter().map(|c| DxConnection {
            region: scope.region.clone(),
            connection_id: c.connection_id().unwrap_or_default().to_string(),
            connection_name: c.connection_name().map(str::to_string),
            connection_state: c.connection_state().map(|s| s.as_str().to_string()),
            location: c.location().map(str::to_string),
            bandwidth: c.bandwidth().map(str::to_string),
            aws_device_v2: c.aws_device_v2().map(str::to_string),
            aws_logical_device_id: c.aws_logical_device_id().map(str::to_string),
            lag_id: c.lag_id().map(str::to_string),
            has_logical_redundancy: c.has_logical_redundancy().map(|h| h.as_str().to_string()),
            owner_account: c.owner_account().map(str::to_string),
            partner_name: c.partner_name().map(str::to_string),
            tags: owned_tags(c.tags()),
        }));
        match page.next_token().filter(|t| !t.is_empty()) {
            Some(next) if !same(&token, Some(next)) => token = Some(next.to_string()),
            _ => return (out, None),
        }
    }
}

async fn virtual_interfaces(client: &Client, scope: &Scope) -> Listing<DxVirtualInterface> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let req = client
            .describe_virtual_interfaces()
            .set_next_token(token.clone());
        let page = match scope.call(req.send()).await {
            Ok(page) => page,
            Err(e) => {
                let err =
                    DESCRIBE_VIRTUAL_INTERFACES.listing_failed(&[Kind::DxVirtualInterface], &e);
                return (out, Some(err));
            }
        };
        out.extend(page.virtual_interfaces().iter().map(|v| {
            DxVirtualInterface {
                region: scope.region.clone(),
                virtual_interface_id: v.virtual_interface_id().unwrap_or_default().to_string(),
                virtual_interface_name: v.virtual_interface_name().map(str::to_string),
                virtual_interface_type: v.virtual_interface_type().map(str::to_string),
                virtual_interface_state: v
                    .virtual_interface_state()
                    .map(|s| s.as_str().to_string()),
                connection_id: v.connection_id().map(str::to_string),
                location: v.location().map(str::to_string),
                virtual_gateway_id: v
                    .virtual_gateway_id()
                    .map(str::to_string)
                    .filter(|g| !g.is_empty()),
                direct_connect_gateway_id: v
                    .direct_connect_gateway_id()
                    .map(str::to_string)
                    .filter(|g| !g.is_empty()),
                aws_device_v2: v.aws_device_v2().map(str::to_string),
                owner_account: v.owner_account().map(str::to_string),
                bgp_peers: v
                    .bgp_peers()
                    .iter()
                    .map(|p| DxBgpPeer {
                        bgp_peer_id: p.bgp_peer_id().map(str::to_string),
                        address_family: p.address_family().map(|a| a.as_str().to_string()),
                        customer_address: p.customer_address().map(str::to_string),
                        bgp_peer_state: p.bgp_peer_state().map(|s| s.as_str().to_string()),
                        bgp_status: p.bgp_status().map(|s| s.as_str().to_string()),
                    })
                    .collect(),
                tags: owned_tags(v.tags()),
            }
        }));
        match page.next_token().filter(|t| !t.is_empty()) {
            Some(next) if !same(&token, Some(next)) => token = Some(next.to_string()),
            _ => return (out, None),
        }
    }
}
