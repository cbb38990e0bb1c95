use super::Unreadable;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Backup {
    #[serde(default)]
    pub plans: Vec<BackupPlan>,
    #[serde(default)]
    pub vaults: Vec<BackupVault>,
    /// One entry per region where AWS Backup was read: what it has backed up there.
    #[serde(default)]
    pub regions: Vec<BackupRegion>,
}

impl Backup {
    fn sort_lists(&mut self) {
        self.plans.sort_by(|a, b| {
            (&a.region, &a.name, &a.backup_plan_id).cmp(&(&b.region, &b.name, &b.backup_plan_id))
        });
        for p in &mut self.plans {
            p.rules.sort_by(|a, b| a.rule_name.cmp(&b.rule_name));
            p.selections.sort_by(|a, b| {
                (&a.selection_name, &a.selection_id).cmp(&(&b.selection_name, &b.selection_id))
            });
        }
        self.vaults
            .sort_by(|a, b| (&a.region, &a.name).cmp(&(&b.region, &b.name)));
        self.regions.sort_by(|a, b| a.region.cmp(&b.region));
        for r in &mut self.regions {
            r.protected_resources
                .sort_by(|a, b| a.resource_arn.cmp(&b.resource_arn));
        }
    }
}

super::section!(Backup { plans => BackupPlan, vaults, regions });
super::listed!(BackupPlan, BackupPlan, backup_plan_id);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupPlan {
    pub region: String,
    pub backup_plan_id: String,
    pub arn: String,
    pub name: String,
    #[serde(default)]
    pub rules: Vec<BackupRule>,
    /// The plan's resource assignments (`ListBackupSelections` + `GetBackupSelection`).
    #[serde(default)]
    pub selections: Vec<BackupSelection>,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupRule {
    pub rule_name: String,
    #[serde(default)]
    pub schedule_expression: Option<String>,
    #[serde(default)]
    pub target_backup_vault_name: String,
    /// Days after which recovery points expire; absent means they are kept forever.
    #[serde(default)]
    pub delete_after_days: Option<i64>,
    #[serde(default)]
    pub enable_continuous_backup: Option<bool>,
    #[serde(default)]
    pub copy_actions: Vec<CopyAction>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CopyAction {
    pub destination_backup_vault_arn: String,
    /// The region of the destination vault, from its ARN.
    #[serde(default)]
    pub destination_region: Option<String>,
    #[serde(default)]
    pub delete_after_days: Option<i64>,
}

/// One resource assignment of a plan, as AWS Backup stores it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupSelection {
    pub selection_id: String,
    pub selection_name: String,
    /// ARNs or ARN patterns with `*` wildcards.
    #[serde(default)]
    pub resources: Vec<String>,
    #[serde(default)]
    pub not_resources: Vec<String>,
    #[serde(default)]
    pub list_of_tags: Vec<TagCondition>,
    #[serde(default)]
    pub conditions: SelectionConditions,
}

/// A `ListOfTags` entry: `condition_type` is `STRINGEQUALS`, the only type AWS accepts.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TagCondition {
    pub condition_type: String,
    pub condition_key: String,
    pub condition_value: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SelectionConditions {
    #[serde(default)]
    pub string_equals: Vec<ConditionParameter>,
    #[serde(default)]
    pub string_not_equals: Vec<ConditionParameter>,
    #[serde(default)]
    pub string_like: Vec<ConditionParameter>,
    #[serde(default)]
    pub string_not_like: Vec<ConditionParameter>,
}

/// A `Conditions` entry; the key is `aws:ResourceTag/<tag key>`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConditionParameter {
    pub condition_key: String,
    pub condition_value: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupVault {
    pub region: String,
    pub name: String,
    pub arn: String,
    #[serde(default)]
    pub number_of_recovery_points: i64,
    #[serde(default)]
    pub locked: Option<bool>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupRegion {
    pub region: String,
    /// Resources with at least one recovery point (`ListProtectedResources`).
    #[serde(default)]
    pub protected_resources: Vec<ProtectedResource>,
    /// `protected_resources` when `ListProtectedResources` failed.
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProtectedResource {
    pub resource_arn: String,
    #[serde(default)]
    pub resource_type: Option<String>,
    /// RFC 3339 time of the newest recovery point.
    #[serde(default)]
    pub last_backup_time: Option<String>,
}
