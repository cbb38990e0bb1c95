use super::Unreadable;
use serde::{Deserialize, Serialize};

/// AWS Directory Service directories.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DirectoryService {
    #[serde(default)]
    pub directories: Vec<Directory>,
}

impl DirectoryService {
    fn sort_lists(&mut self) {
        self.directories
            .sort_by(|a, b| (&a.region, &a.directory_id).cmp(&(&b.region, &b.directory_id)));
    }
}

super::section!(DirectoryService { directories => Directory });
super::listed!(Directory, Directory, directory_id);

/// A directory (DescribeDirectories) and its manual snapshot limits (GetSnapshotLimits, read
/// for the types that take snapshots: `SimpleAD` and `MicrosoftAD`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Directory {
    pub region: String,
    pub directory_id: String,
    /// The fully qualified domain name.
    #[serde(default)]
    pub name: Option<String>,
    /// `SimpleAD`, `MicrosoftAD`, `ADConnector` or `SharedMicrosoftAD`.
    #[serde(default)]
    pub directory_type: Option<String>,
    /// `Active`, `Creating`, `Impaired`, `Failed` ...
    #[serde(default)]
    pub stage: Option<String>,
    #[serde(default)]
    pub manual_snapshots_limit: Option<i64>,
    #[serde(default)]
    pub manual_snapshots_current_count: Option<i64>,
    #[serde(default)]
    pub manual_snapshots_limit_reached: Option<bool>,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}
