use super::{Tags, Unreadable};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Efs {
    #[serde(default)]
    pub file_systems: Vec<FileSystem>,
}

impl Efs {
    fn sort_lists(&mut self) {
        self.file_systems
            .sort_by(|a, b| (&a.region, &a.file_system_id).cmp(&(&b.region, &b.file_system_id)));
        for fs in &mut self.file_systems {
            fs.mount_targets
                .sort_by(|a, b| a.mount_target_id.cmp(&b.mount_target_id));
            fs.replication_destinations.sort_by(|a, b| {
                (&a.region, &a.file_system_id).cmp(&(&b.region, &b.file_system_id))
            });
        }
    }
}

super::section!(Efs { file_systems => FileSystem });
super::listed!(FileSystem, FileSystem, file_system_id);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileSystem {
    pub region: String,
    pub file_system_id: String,
    pub arn: String,
    #[serde(default)]
    pub life_cycle_state: Option<String>,
    /// Set for One Zone file systems (`AvailabilityZoneName`): all their data lives in that AZ.
    #[serde(default)]
    pub availability_zone_name: Option<String>,
    #[serde(default)]
    pub number_of_mount_targets: i64,
    #[serde(default)]
    pub mount_targets: Vec<MountTarget>,
    /// Automatic backups (`DescribeBackupPolicy`): `ENABLED`, `ENABLING`, `DISABLED` or
    /// `DISABLING`; a file system without a backup policy is `DISABLED`.
    #[serde(default)]
    pub backup_policy_status: Option<String>,
    /// Where the file system replicates to (`DescribeReplicationConfigurations`).
    #[serde(default)]
    pub replication_destinations: Vec<EfsReplicationDestination>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MountTarget {
    pub mount_target_id: String,
    pub subnet_id: String,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub availability_zone_name: Option<String>,
    #[serde(default)]
    pub life_cycle_state: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EfsReplicationDestination {
    pub region: String,
    pub file_system_id: String,
    #[serde(default)]
    pub status: Option<String>,
}
