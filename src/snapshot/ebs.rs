use super::{Tags, Unreadable};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ebs {
    #[serde(default)]
    pub volumes: Vec<Volume>,
}

impl Ebs {
    fn sort_lists(&mut self) {
        self.volumes
            .sort_by(|a, b| (&a.region, &a.volume_id).cmp(&(&b.region, &b.volume_id)));
        for v in &mut self.volumes {
            v.attached_instance_ids.sort();
        }
    }
}

super::section!(Ebs { volumes => Volume });
super::listed!(Volume, Volume, volume_id);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Volume {
    pub region: String,
    pub volume_id: String,
    #[serde(default)]
    pub availability_zone: String,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub volume_type: Option<String>,
    /// Size in GiB.
    #[serde(default)]
    pub size: Option<i64>,
    #[serde(default)]
    pub attached_instance_ids: Vec<String>,
    /// Completed snapshots of this volume owned by the account.
    #[serde(default)]
    pub snapshot_count: i64,
    /// RFC 3339 start time of the newest completed snapshot; absent when there is none.
    #[serde(default)]
    pub newest_snapshot_time: Option<String>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}
