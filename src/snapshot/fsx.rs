use super::{Tags, Unreadable};
use serde::{Deserialize, Serialize};

/// Amazon FSx file systems (Windows File Server, Lustre, NetApp ONTAP, OpenZFS).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fsx {
    #[serde(default)]
    pub file_systems: Vec<FsxFileSystem>,
}

impl Fsx {
    fn sort_lists(&mut self) {
        self.file_systems
            .sort_by(|a, b| (&a.region, &a.file_system_id).cmp(&(&b.region, &b.file_system_id)));
        for fs in &mut self.file_systems {
            fs.subnet_ids.sort();
        }
    }
}

super::section!(Fsx { file_systems => FsxFileSystem });
super::listed!(FsxFileSystem, FsxFileSystem, file_system_id);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FsxFileSystem {
    pub region: String,
    pub file_system_id: String,
    #[serde(default)]
    pub arn: String,
    /// `WINDOWS`, `LUSTRE`, `ONTAP` or `OPENZFS`.
    #[serde(default)]
    pub file_system_type: Option<String>,
    /// `AVAILABLE`, `CREATING`, `FAILED`, `DELETING`, `MISCONFIGURED`,
    /// `MISCONFIGURED_UNAVAILABLE` or `UPDATING`.
    #[serde(default)]
    pub lifecycle: Option<String>,
    /// The type's `DeploymentType`: `SINGLE_AZ_1`, `SINGLE_AZ_2`, `MULTI_AZ_1`, `MULTI_AZ_2`,
    /// `SINGLE_AZ_HA_1` ... (Windows, ONTAP, OpenZFS), `SCRATCH_1`, `SCRATCH_2`,
    /// `PERSISTENT_1`, `PERSISTENT_2` (Lustre).
    #[serde(default)]
    pub deployment_type: Option<String>,
    /// The type's `AutomaticBackupRetentionDays`: 0 turns automatic backups off.
    #[serde(default)]
    pub automatic_backup_retention_days: Option<i64>,
    /// The type's `CopyTagsToBackups` (Windows, Lustre, OpenZFS; ONTAP has no such setting).
    /// Absent in snapshots written before it was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copy_tags_to_backups: Option<bool>,
    /// Lustre: the S3 path the file system is linked to
    /// (`DataRepositoryConfiguration.ImportPath`).
    #[serde(default)]
    pub data_repository_path: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// One subnet, or two for Multi-AZ deployments (preferred and standby).
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    /// The subnet of the active file server of a Multi-AZ deployment.
    #[serde(default)]
    pub preferred_subnet_id: Option<String>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}
