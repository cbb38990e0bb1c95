use super::Unreadable;
use serde::{Deserialize, Serialize};

/// SageMaker real-time inference endpoints.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SageMaker {
    #[serde(default)]
    pub endpoints: Vec<SageMakerEndpoint>,
}

impl SageMaker {
    fn sort_lists(&mut self) {
        self.endpoints
            .sort_by(|a, b| (&a.region, &a.endpoint_name).cmp(&(&b.region, &b.endpoint_name)));
    }
}

super::section!(SageMaker { endpoints => SageMakerEndpoint });
super::listed!(SageMakerEndpoint, SageMakerEndpoint, endpoint_name);

/// An endpoint (DescribeEndpoint) and the production variants of the endpoint configuration
/// it runs (DescribeEndpointConfig).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SageMakerEndpoint {
    pub region: String,
    pub endpoint_name: String,
    #[serde(default)]
    pub arn: String,
    /// `InService`, `Creating`, `Updating`, `Failed`, `OutOfService` ...
    #[serde(default)]
    pub endpoint_status: Option<String>,
    /// The endpoint configuration the endpoint runs.
    #[serde(default)]
    pub endpoint_config_name: Option<String>,
    /// The endpoint's production variants as they run (DescribeEndpoint).
    #[serde(default)]
    pub variants: Vec<SageMakerVariant>,
    /// The production variants of its endpoint configuration (DescribeEndpointConfig).
    #[serde(default)]
    pub config_variants: Vec<SageMakerConfigVariant>,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

/// A production variant as it runs.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SageMakerVariant {
    pub variant_name: String,
    /// Instances running now (absent for a serverless variant, or while none runs yet).
    #[serde(default)]
    pub current_instance_count: Option<i64>,
    /// Whether it runs on serverless capacity (`CurrentServerlessConfig`).
    #[serde(default)]
    pub serverless: bool,
}

/// A production variant of an endpoint configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SageMakerConfigVariant {
    pub variant_name: String,
    #[serde(default)]
    pub instance_type: Option<String>,
    /// Instances the variant starts with (absent for a serverless variant).
    #[serde(default)]
    pub initial_instance_count: Option<i64>,
    /// Whether it has a `ServerlessConfig`.
    #[serde(default)]
    pub serverless: bool,
}
