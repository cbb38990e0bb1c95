use super::Tags;
use serde::{Deserialize, Serialize};

/// AWS CloudFormation stacks.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CloudFormation {
    #[serde(default)]
    pub stacks: Vec<CfnStack>,
}

impl CloudFormation {
    fn sort_lists(&mut self) {
        self.stacks
            .sort_by(|a, b| (&a.region, &a.stack_name).cmp(&(&b.region, &b.stack_name)));
    }
}

super::section!(CloudFormation { stacks => CfnStack });
super::listed!(CfnStack, CfnStack, stack_name);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CfnStack {
    pub region: String,
    pub stack_name: String,
    /// The stack's ARN.
    #[serde(default)]
    pub stack_id: String,
    /// `CREATE_COMPLETE`, `UPDATE_ROLLBACK_FAILED`, ...
    #[serde(default)]
    pub stack_status: Option<String>,
    #[serde(default)]
    pub stack_status_reason: Option<String>,
    /// The stack that directly contains this one, when it is nested.
    #[serde(default)]
    pub parent_id: Option<String>,
    /// The top-level stack of the tree a nested stack belongs to.
    #[serde(default)]
    pub root_id: Option<String>,
    /// Whether the stack refuses DeleteStack. Set on the root stack; nested stacks inherit
    /// the root's.
    #[serde(default)]
    pub enable_termination_protection: Option<bool>,
    #[serde(default)]
    pub tags: Tags,
}
