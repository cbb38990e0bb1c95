use super::Unreadable;
use serde::{Deserialize, Serialize};

/// Route 53 Resolver endpoints (inbound and outbound) with their IP addresses.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route53Resolver {
    #[serde(default)]
    pub endpoints: Vec<ResolverEndpoint>,
}

impl Route53Resolver {
    fn sort_lists(&mut self) {
        self.endpoints
            .sort_by(|a, b| (&a.region, &a.id).cmp(&(&b.region, &b.id)));
        for e in &mut self.endpoints {
            e.ip_addresses.sort_by(|a, b| {
                (&a.subnet_id, &a.ip, &a.ip_id).cmp(&(&b.subnet_id, &b.ip, &b.ip_id))
            });
        }
    }
}

super::section!(Route53Resolver { endpoints => ResolverEndpoint });
super::listed!(ResolverEndpoint, ResolverEndpoint, id);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolverEndpoint {
    pub region: String,
    /// `rslvr-in-*` or `rslvr-out-*`.
    pub id: String,
    #[serde(default)]
    pub arn: String,
    #[serde(default)]
    pub name: Option<String>,
    /// `INBOUND` or `OUTBOUND`.
    #[serde(default)]
    pub direction: Option<String>,
    /// `CREATING`, `OPERATIONAL`, `UPDATING`, `AUTO_RECOVERING`, `ACTION_NEEDED` or
    /// `DELETING`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub status_message: Option<String>,
    #[serde(default)]
    pub host_vpc_id: Option<String>,
    /// `IpAddressCount`.
    #[serde(default)]
    pub ip_address_count: Option<i64>,
    /// `ListResolverEndpointIpAddresses`.
    #[serde(default)]
    pub ip_addresses: Vec<ResolverIpAddress>,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolverIpAddress {
    #[serde(default)]
    pub ip_id: Option<String>,
    pub subnet_id: String,
    #[serde(default)]
    pub ip: Option<String>,
    /// `ATTACHED`, `CREATING`, `FAILED_CREATION`, `DETACHING`, `DELETING`, ...
    #[serde(default)]
    pub status: Option<String>,
}
