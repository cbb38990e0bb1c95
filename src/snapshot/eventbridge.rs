use serde::{Deserialize, Serialize};

/// Amazon EventBridge global endpoints.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBridge {
    #[serde(default)]
    pub endpoints: Vec<EventBridgeEndpoint>,
}

impl EventBridge {
    fn sort_lists(&mut self) {
        self.endpoints
            .sort_by(|a, b| (&a.region, &a.name).cmp(&(&b.region, &b.name)));
        for e in &mut self.endpoints {
            e.event_bus_arns.sort();
        }
    }
}

super::section!(EventBridge { endpoints => EventBridgeEndpoint });
super::listed!(EventBridgeEndpoint, GlobalEndpoint, name);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventBridgeEndpoint {
    /// The region the endpoint was created in (its primary region's API lists it).
    pub region: String,
    pub name: String,
    #[serde(default)]
    pub arn: String,
    #[serde(default)]
    pub endpoint_id: Option<String>,
    /// `ACTIVE`, `CREATING`, `UPDATING`, `DELETING`, `CREATE_FAILED`, `UPDATE_FAILED`,
    /// `DELETE_FAILED`.
    #[serde(default)]
    pub state: Option<String>,
    /// ReplicationConfig.State: `ENABLED` or `DISABLED`.
    #[serde(default)]
    pub replication_state: Option<String>,
    /// The event buses it routes to: one in the primary region, one in the secondary.
    #[serde(default)]
    pub event_bus_arns: Vec<String>,
    /// The Route 53 health check that triggers failover to the secondary region.
    #[serde(default)]
    pub health_check: Option<String>,
}
