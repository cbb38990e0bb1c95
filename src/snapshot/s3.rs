use super::{Tags, Unreadable};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct S3 {
    #[serde(default)]
    pub buckets: Vec<Bucket>,
}

impl S3 {
    fn sort_lists(&mut self) {
        self.buckets.sort_by(|a, b| a.name.cmp(&b.name));
    }
}

super::section!(S3 { buckets => Bucket });
super::listed!(Bucket, Bucket, name);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bucket {
    pub name: String,
    pub arn: String,
    /// The bucket's home region (GetBucketLocation; empty constraint means us-east-1).
    pub region: String,
    #[serde(default)]
    pub creation_date: Option<String>,
    /// `Enabled`, `Suspended`, or absent when versioning was never enabled.
    #[serde(default)]
    pub versioning: Option<String>,
    #[serde(default)]
    pub mfa_delete: Option<String>,
    /// Object Lock (GetObjectLockConfiguration): `false` when the bucket has no Object Lock
    /// configuration. Absent when it could not be read (see `unreadable`) or when the
    /// snapshot was written by a version that did not collect it.
    #[serde(default)]
    pub object_lock_enabled: Option<bool>,
    /// Absent when the bucket has no replication configuration.
    #[serde(default)]
    pub replication: Option<Replication>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Replication {
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub rules: Vec<ReplicationRule>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplicationRule {
    #[serde(default)]
    pub id: Option<String>,
    /// `Enabled` or `Disabled`.
    pub status: String,
    #[serde(default)]
    pub priority: Option<i64>,
    /// Destination bucket ARN (`arn:aws:s3:::name`).
    pub destination_bucket: String,
    /// Destination account when given (cross-account replication).
    #[serde(default)]
    pub destination_account: Option<String>,
    #[serde(default)]
    pub storage_class: Option<String>,
}
