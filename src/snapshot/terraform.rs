//! Where a snapshot came from when it was read from a Terraform plan rather than an account:
//! the plan's resource addresses, the values the plan leaves unknown until apply, the
//! provider defaults the reader assumed, and the resources it did not judge. Absent from
//! snapshots of live accounts, so those are written byte for byte as before.

use super::Unreadable;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TerraformPlan {
    /// The plan file as given on the command line.
    pub file: String,
    /// The plan's `format_version`.
    pub format_version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terraform_version: Option<String>,
    /// One entry per resource instance mapped to a snapshot kind.
    #[serde(default)]
    pub resources: Vec<PlanResource>,
    /// Resource instances no rule judges: other providers' resources, AWS resource types
    /// ha-audit has no kind for, and data sources other than those it reads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_judged: Vec<NotJudged>,
}

/// A plan resource instance mapped to a snapshot resource.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanResource {
    /// Its absolute Terraform address (`module.db.aws_db_instance.this[0]`).
    pub address: String,
    /// The snapshot kind it was mapped to (`rds.db_instance`).
    pub kind: String,
    pub region: String,
    /// Its id in the snapshot (the address, for a resource the plan manages).
    pub id: String,
    /// `create`, `update`, `replace`, `no-op`, `read` (a data source) or `existing`
    /// (only in the prior state).
    pub action: String,
    /// Fields whose value is not known from the plan, with the reason; rules that read them
    /// are not evaluated.
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unknown: Unreadable,
    /// Fields the configuration does not set, given the provider's documented default:
    /// field -> what was assumed. Findings that read them say so.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub assumed: BTreeMap<String, String>,
    /// The `.tf` file and line of its block, when the configuration gives them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A plan resource instance no rule judges, and why.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotJudged {
    pub address: String,
    /// The provider that manages it (`registry.terraform.io/hashicorp/random`).
    pub provider: String,
    pub why: String,
}
