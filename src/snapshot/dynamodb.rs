//! DynamoDB tables, with their continuous backups and the Application Auto Scaling targets
//! that scale their capacity.

use super::Unreadable;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DynamoDb {
    #[serde(default)]
    pub tables: Vec<Table>,
}

impl DynamoDb {
    fn sort_lists(&mut self) {
        self.tables
            .sort_by(|a, b| (&a.region, &a.table_name).cmp(&(&b.region, &b.table_name)));
        for t in &mut self.tables {
            t.replicas.sort_by(|a, b| a.region_name.cmp(&b.region_name));
            t.global_secondary_indexes
                .sort_by(|a, b| a.index_name.cmp(&b.index_name));
            t.scalable_targets.sort_by(|a, b| {
                (&a.index_name, &a.scalable_dimension).cmp(&(&b.index_name, &b.scalable_dimension))
            });
        }
    }
}

super::section!(DynamoDb { tables => Table });
super::listed!(Table, Table, table_name);

/// `ListTables`, then `DescribeTable` and `DescribeContinuousBackups` per table.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Table {
    pub region: String,
    pub table_name: String,
    /// Empty when DescribeTable failed (see `unreadable`).
    #[serde(default)]
    pub arn: String,
    /// `ACTIVE`, `CREATING`, `UPDATING`, `DELETING`, `INACCESSIBLE_ENCRYPTION_CREDENTIALS`,
    /// `ARCHIVING` or `ARCHIVED`.
    #[serde(default)]
    pub table_status: Option<String>,
    /// `PROVISIONED` or `PAY_PER_REQUEST`. DynamoDB omits `BillingModeSummary` for tables that
    /// have always been provisioned, so the collector records `PROVISIONED` for those.
    #[serde(default)]
    pub billing_mode: Option<String>,
    #[serde(default)]
    pub deletion_protection_enabled: Option<bool>,
    #[serde(default)]
    pub read_capacity_units: Option<i64>,
    #[serde(default)]
    pub write_capacity_units: Option<i64>,
    /// `2019.11.21` (current global tables) or `2017.11.29` (legacy); absent for a table that
    /// is not global.
    #[serde(default)]
    pub global_table_version: Option<String>,
    /// Replicas of a global table (`Replicas[]`).
    #[serde(default)]
    pub replicas: Vec<TableReplica>,
    #[serde(default)]
    pub global_secondary_indexes: Vec<SecondaryIndex>,
    /// `ENABLED` or `DISABLED` (DescribeContinuousBackups).
    #[serde(default)]
    pub point_in_time_recovery: Option<String>,
    /// Application Auto Scaling targets of the table (`table/<name>`) and of its indexes
    /// (`table/<name>/index/<index>`).
    #[serde(default)]
    pub scalable_targets: Vec<ScalableTarget>,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableReplica {
    pub region_name: String,
    /// `ACTIVE`, `CREATING`, `CREATION_FAILED`, `REGION_DISABLED`, ...
    #[serde(default)]
    pub replica_status: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecondaryIndex {
    pub index_name: String,
    #[serde(default)]
    pub index_status: Option<String>,
    #[serde(default)]
    pub read_capacity_units: Option<i64>,
    #[serde(default)]
    pub write_capacity_units: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScalableTarget {
    /// The global secondary index the target scales; absent for the table itself.
    #[serde(default)]
    pub index_name: Option<String>,
    /// `dynamodb:table:ReadCapacityUnits`, `dynamodb:index:WriteCapacityUnits`, ...
    pub scalable_dimension: String,
    pub min_capacity: i64,
    pub max_capacity: i64,
    /// Scale-out suspended (`SuspendedState.DynamicScalingOutSuspended`): the target no longer
    /// adds capacity under load.
    #[serde(default)]
    pub scale_out_suspended: bool,
}
