use super::Unreadable;
use serde::{Deserialize, Serialize};

/// Amazon Comprehend custom model endpoints.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Comprehend {
    #[serde(default)]
    pub endpoints: Vec<ComprehendEndpoint>,
}

impl Comprehend {
    fn sort_lists(&mut self) {
        self.endpoints
            .sort_by(|a, b| (&a.region, &a.endpoint_name).cmp(&(&b.region, &b.endpoint_name)));
    }
}

super::section!(Comprehend { endpoints => ComprehendEndpoint });
super::listed!(ComprehendEndpoint, ComprehendEndpoint, endpoint_name);

/// An endpoint (ListEndpoints) and the encryption key of the model it serves
/// (DescribeDocumentClassifier or DescribeEntityRecognizer).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComprehendEndpoint {
    pub region: String,
    pub endpoint_name: String,
    #[serde(default)]
    pub arn: String,
    /// `CREATING`, `DELETING`, `FAILED`, `IN_SERVICE` or `UPDATING`.
    #[serde(default)]
    pub status: Option<String>,
    /// The model the endpoint serves.
    #[serde(default)]
    pub model_arn: Option<String>,
    /// The KMS key that encrypts the model, as the model names it (key id, key ARN or alias);
    /// absent: the model is encrypted with an AWS owned key.
    #[serde(default)]
    pub model_kms_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}
