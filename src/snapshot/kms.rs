use super::Unreadable;
use serde::{Deserialize, Serialize};

/// The KMS keys that encrypt the region's Amazon Comprehend models (no other key is read).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Kms {
    #[serde(default)]
    pub keys: Vec<KmsKey>,
}

impl Kms {
    fn sort_lists(&mut self) {
        self.keys
            .sort_by(|a, b| (&a.region, &a.key_ref).cmp(&(&b.region, &b.key_ref)));
    }
}

super::section!(Kms { keys => KmsKey });
super::listed!(KmsKey, KmsKey, key_ref);

/// One key (DescribeKey), read once for every model that names it the same way.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KmsKey {
    pub region: String,
    /// The key as the models name it (key id, key ARN, alias name or alias ARN).
    pub key_ref: String,
    #[serde(default)]
    pub key_id: Option<String>,
    #[serde(default)]
    pub arn: Option<String>,
    /// `Enabled`, `Disabled`, `PendingDeletion`, `PendingImport`, `Unavailable` ...
    #[serde(default)]
    pub key_state: Option<String>,
    #[serde(default)]
    pub enabled: Option<bool>,
    /// `CUSTOMER` or `AWS`.
    #[serde(default)]
    pub key_manager: Option<String>,
    /// DescribeKey found no such key: it was deleted (or never existed).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub missing: bool,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}
