use super::{Tags, Unreadable};
use serde::{Deserialize, Serialize};

/// Amazon Cognito user pools.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cognito {
    #[serde(default)]
    pub user_pools: Vec<CognitoUserPool>,
}

impl Cognito {
    fn sort_lists(&mut self) {
        self.user_pools
            .sort_by(|a, b| (&a.region, &a.id).cmp(&(&b.region, &b.id)));
    }
}

super::section!(Cognito { user_pools => CognitoUserPool });
super::listed!(CognitoUserPool, CognitoUserPool, id);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CognitoUserPool {
    pub region: String,
    /// `<region>_<suffix>`.
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub arn: String,
    /// DescribeUserPool: `ACTIVE` or `INACTIVE`; absent when the pool never set it (the
    /// default, `INACTIVE`).
    #[serde(default)]
    pub deletion_protection: Option<String>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}
