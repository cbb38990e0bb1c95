use super::{Tags, Unreadable};
use serde::{Deserialize, Serialize};

/// AWS Network Firewall firewalls, with the endpoint each has in its AZs.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NetworkFirewall {
    #[serde(default)]
    pub firewalls: Vec<Firewall>,
}

impl NetworkFirewall {
    fn sort_lists(&mut self) {
        self.firewalls
            .sort_by(|a, b| (&a.region, &a.firewall_name).cmp(&(&b.region, &b.firewall_name)));
        for f in &mut self.firewalls {
            f.subnet_ids.sort();
            f.availability_zones.sort();
            if let Some(e) = &mut f.endpoints {
                e.sort_by(|a, b| a.availability_zone.cmp(&b.availability_zone));
            }
        }
    }
}

super::section!(NetworkFirewall { firewalls => Firewall });
super::listed!(Firewall, Firewall, firewall_name);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Firewall {
    pub region: String,
    pub firewall_name: String,
    pub firewall_arn: String,
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// The subnets of `SubnetMappings`: Network Firewall creates one endpoint in each.
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    /// The AZs of `AvailabilityZoneMappings`, for a firewall attached to a transit gateway.
    #[serde(default)]
    pub availability_zones: Vec<String>,
    #[serde(default)]
    pub transit_gateway_id: Option<String>,
    /// `DeleteProtection`: whether the firewall can be deleted.
    #[serde(default)]
    pub delete_protection: Option<bool>,
    /// `FirewallStatus.Status`: `PROVISIONING`, `DELETING` or `READY`.
    #[serde(default)]
    pub status: Option<String>,
    /// One endpoint per AZ (`FirewallStatus.SyncStates`); absent when the answer had none.
    #[serde(default)]
    pub endpoints: Option<Vec<FirewallEndpoint>>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FirewallEndpoint {
    /// The key of `SyncStates`.
    pub availability_zone: String,
    #[serde(default)]
    pub subnet_id: Option<String>,
    /// The VPC endpoint (`vpce-*`) route tables send traffic to.
    #[serde(default)]
    pub endpoint_id: Option<String>,
    /// `CREATING`, `READY`, `SCALING`, `DELETING`, `FAILED` or `ERROR`.
    #[serde(default)]
    pub status: Option<String>,
}
