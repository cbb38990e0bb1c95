use super::Unreadable;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Lambda {
    #[serde(default)]
    pub functions: Vec<LambdaFunction>,
}

impl Lambda {
    fn sort_lists(&mut self) {
        self.functions
            .sort_by(|a, b| (&a.region, &a.function_name).cmp(&(&b.region, &b.function_name)));
        for f in &mut self.functions {
            f.subnet_ids.sort();
            f.event_invoke_configs
                .sort_by(|a, b| a.function_arn.cmp(&b.function_arn));
        }
    }
}

super::section!(Lambda { functions => LambdaFunction });
super::listed!(LambdaFunction, Function, function_name);

/// One function as ListFunctions gives it (the unpublished `$LATEST` configuration), plus its
/// reserved concurrency and asynchronous invocation settings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LambdaFunction {
    pub region: String,
    pub function_name: String,
    pub function_arn: String,
    /// Absent for container-image functions.
    #[serde(default)]
    pub runtime: Option<String>,
    /// `Zip` or `Image`.
    #[serde(default)]
    pub package_type: Option<String>,
    /// `Pending`, `Active`, `Inactive` or `Failed`.
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub state_reason: Option<String>,
    /// `Successful`, `Failed` or `InProgress`: the outcome of the last configuration update.
    #[serde(default)]
    pub last_update_status: Option<String>,
    /// `VpcConfig.VpcId`; absent (or empty) when the function is not attached to a VPC.
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// `VpcConfig.SubnetIds`: empty when the function is not attached to a VPC.
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    /// `DeadLetterConfig.TargetArn`: the SQS queue or SNS topic for failed async events.
    #[serde(default)]
    pub dead_letter_target_arn: Option<String>,
    /// GetFunctionConcurrency `ReservedConcurrentExecutions`: absent when none is reserved.
    #[serde(default)]
    pub reserved_concurrency: Option<i64>,
    /// ListFunctionEventInvokeConfigs: one entry per qualifier (function, version or alias)
    /// that has asynchronous invocation settings.
    #[serde(default)]
    pub event_invoke_configs: Vec<EventInvokeConfig>,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventInvokeConfig {
    /// The function, version or alias ARN the settings apply to.
    pub function_arn: String,
    /// `DestinationConfig.OnFailure.Destination`.
    #[serde(default)]
    pub on_failure_destination: Option<String>,
    /// `DestinationConfig.OnSuccess.Destination`.
    #[serde(default)]
    pub on_success_destination: Option<String>,
    #[serde(default)]
    pub maximum_retry_attempts: Option<i64>,
    #[serde(default)]
    pub maximum_event_age_in_seconds: Option<i64>,
}
