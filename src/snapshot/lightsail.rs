use super::Unreadable;
use serde::{Deserialize, Serialize};

/// Amazon Lightsail instances and managed databases.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lightsail {
    #[serde(default)]
    pub instances: Vec<LightsailInstance>,
    #[serde(default)]
    pub databases: Vec<LightsailDatabase>,
}

impl Lightsail {
    fn sort_lists(&mut self) {
        self.instances
            .sort_by(|a, b| (&a.region, &a.name).cmp(&(&b.region, &b.name)));
        self.databases
            .sort_by(|a, b| (&a.region, &a.name).cmp(&(&b.region, &b.name)));
    }
}

super::section!(Lightsail { instances => LightsailInstance, databases => LightsailDatabase });
super::listed!(LightsailInstance, LightsailInstance, name);
super::listed!(LightsailDatabase, LightsailDatabase, name);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LightsailInstance {
    pub region: String,
    pub name: String,
    #[serde(default)]
    pub arn: String,
    #[serde(default)]
    pub availability_zone: Option<String>,
    #[serde(default)]
    pub bundle_id: Option<String>,
    /// `pending`, `running`, `stopping`, `stopped` ...
    #[serde(default)]
    pub state: Option<String>,
    /// The status of its `AutoSnapshot` add-on (`Enabled`, `Disabled` ...); `None` when the
    /// instance has no such add-on.
    #[serde(default)]
    pub auto_snapshot_status: Option<String>,
    #[serde(default)]
    pub tags: super::Tags,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LightsailDatabase {
    pub region: String,
    pub name: String,
    #[serde(default)]
    pub arn: String,
    /// The AZ of the primary.
    #[serde(default)]
    pub availability_zone: Option<String>,
    /// The standby's AZ: Lightsail returns it only for a high-availability database.
    #[serde(default)]
    pub secondary_availability_zone: Option<String>,
    /// `micro_2_0`, `micro_ha_2_0` ...: the high-availability plans carry `_ha_`.
    #[serde(default)]
    pub bundle_id: Option<String>,
    #[serde(default)]
    pub engine: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    /// Whether Lightsail keeps automatic daily backups (point-in-time restore).
    #[serde(default)]
    pub backup_retention_enabled: Option<bool>,
    #[serde(default)]
    pub tags: super::Tags,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}
