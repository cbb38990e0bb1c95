use super::Unreadable;
use serde::{Deserialize, Serialize};

/// AWS Global Accelerator (global; its API is served from us-west-2 only): the accelerators,
/// their listeners and each listener's endpoint groups.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GlobalAccelerator {
    #[serde(default)]
    pub accelerators: Vec<Accelerator>,
}

impl GlobalAccelerator {
    fn sort_lists(&mut self) {
        self.accelerators.sort_by(|a, b| a.id.cmp(&b.id));
        for a in &mut self.accelerators {
            a.listeners.sort_by(|x, y| x.id.cmp(&y.id));
            for l in &mut a.listeners {
                l.endpoint_groups.sort_by(|x, y| x.region.cmp(&y.region));
                for g in &mut l.endpoint_groups {
                    g.endpoints.sort_by(|x, y| x.endpoint_id.cmp(&y.endpoint_id));
                }
            }
        }
    }
}

super::section!(GlobalAccelerator { accelerators => Accelerator });
super::listed!(global Accelerator, Accelerator, id);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Accelerator {
    /// The last part of its ARN (`accelerator/<id>`).
    pub id: String,
    pub arn: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub enabled: Option<bool>,
    /// `DEPLOYED` or `IN_PROGRESS`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub dns_name: Option<String>,
    /// ListListeners, with each listener's endpoint groups (ListEndpointGroups).
    #[serde(default)]
    pub listeners: Vec<GaListener>,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GaListener {
    /// The last part of its ARN (`listener/<id>`).
    pub id: String,
    pub arn: String,
    /// `TCP` or `UDP`.
    #[serde(default)]
    pub protocol: Option<String>,
    /// `from-to` port ranges (`443-443`).
    #[serde(default)]
    pub port_ranges: Vec<String>,
    #[serde(default)]
    pub endpoint_groups: Vec<GaEndpointGroup>,
    /// Why its endpoint groups could not be listed, when they could not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_groups_unreadable: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GaEndpointGroup {
    pub arn: String,
    /// The AWS region whose endpoints it serves.
    pub region: String,
    /// Share of the listener's traffic for that region sent to the group (0 to 100).
    #[serde(default)]
    pub traffic_dial_percentage: Option<f64>,
    /// `TCP`, `HTTP` or `HTTPS`.
    #[serde(default)]
    pub health_check_protocol: Option<String>,
    #[serde(default)]
    pub health_check_interval_seconds: Option<i64>,
    /// Consecutive health checks that change an endpoint's state.
    #[serde(default)]
    pub threshold_count: Option<i64>,
    #[serde(default)]
    pub endpoints: Vec<GaEndpoint>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GaEndpoint {
    /// A load balancer ARN, an Elastic IP allocation id or an EC2 instance id.
    pub endpoint_id: String,
    /// Its share of the group's traffic (0 to 255; 0 sends it none; AWS's default is 128).
    #[serde(default)]
    pub weight: Option<i64>,
    /// `INITIAL`, `HEALTHY` or `UNHEALTHY`.
    #[serde(default)]
    pub health_state: Option<String>,
}
