use super::{Tags, Unreadable};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rds {
    #[serde(default)]
    pub db_instances: Vec<DbInstance>,
    #[serde(default)]
    pub db_clusters: Vec<DbCluster>,
    /// The DB and DB cluster parameter groups in use by MySQL, MariaDB and PostgreSQL engines
    /// (Aurora's too), with the durability parameters read from them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameter_groups: Vec<DbParameterGroup>,
    /// Aurora global databases (`DescribeGlobalClusters` answers the same list in every region).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub global_clusters: Vec<GlobalCluster>,
}

impl Rds {
    fn sort_lists(&mut self) {
        self.db_instances.sort_by(|a, b| {
            (&a.region, &a.db_instance_identifier).cmp(&(&b.region, &b.db_instance_identifier))
        });
        self.db_clusters.sort_by(|a, b| {
            (&a.region, &a.db_cluster_identifier).cmp(&(&b.region, &b.db_cluster_identifier))
        });
        for c in &mut self.db_clusters {
            c.members
                .sort_by(|a, b| a.db_instance_identifier.cmp(&b.db_instance_identifier));
        }
        self.parameter_groups.sort_by(|a, b| {
            (&a.region, a.cluster, &a.name).cmp(&(&b.region, b.cluster, &b.name))
        });
        // Read once per region, the same list each time.
        self.global_clusters
            .sort_by(|a, b| a.global_cluster_identifier.cmp(&b.global_cluster_identifier));
        self.global_clusters
            .dedup_by(|a, b| a.global_cluster_identifier == b.global_cluster_identifier);
        for g in &mut self.global_clusters {
            g.members.sort_by(|a, b| a.db_cluster_arn.cmp(&b.db_cluster_arn));
        }
    }
}

super::section!(Rds {
    db_instances => DbInstance,
    db_clusters => DbCluster,
    parameter_groups,
    global_clusters,
});
super::listed!(DbInstance, DbInstance, db_instance_identifier);
super::listed!(DbCluster, DbCluster, db_cluster_identifier);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DbInstance {
    pub region: String,
    pub db_instance_identifier: String,
    pub arn: String,
    pub engine: String,
    #[serde(default)]
    pub engine_version: Option<String>,
    #[serde(default)]
    pub db_instance_class: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub multi_az: bool,
    #[serde(default)]
    pub availability_zone: Option<String>,
    #[serde(default)]
    pub secondary_availability_zone: Option<String>,
    /// The Aurora or Multi-AZ DB cluster this instance belongs to.
    #[serde(default)]
    pub db_cluster_identifier: Option<String>,
    /// Identifier or ARN of the source when this instance is a read replica.
    #[serde(default)]
    pub read_replica_source: Option<String>,
    #[serde(default)]
    pub read_replica_identifiers: Vec<String>,
    #[serde(default)]
    pub backup_retention_period: i64,
    #[serde(default)]
    pub deletion_protection: bool,
    #[serde(default)]
    pub publicly_accessible: bool,
    #[serde(default)]
    pub allocated_storage: Option<i64>,
    /// Storage autoscaling ceiling; absent when storage autoscaling is off.
    #[serde(default)]
    pub max_allocated_storage: Option<i64>,
    /// Enhanced Monitoring interval in seconds (0 = off); absent from older snapshots.
    #[serde(default)]
    pub monitoring_interval: Option<i64>,
    #[serde(default)]
    pub db_subnet_group: Option<String>,
    /// Its DB parameter group (absent from snapshots written before it was read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_group: Option<String>,
    /// The regions its automated backups are replicated to
    /// (`DBInstanceAutomatedBackupsReplications`; absent from older snapshots).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automated_backup_replication_regions: Option<Vec<String>>,
    /// AZ names of the subnets in the instance's DB subnet group.
    #[serde(default)]
    pub subnet_group_azs: Vec<String>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DbCluster {
    pub region: String,
    pub db_cluster_identifier: String,
    pub arn: String,
    pub engine: String,
    #[serde(default)]
    pub engine_mode: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    /// As reported by RDS (for Aurora: true once members sit in two or more AZs).
    #[serde(default)]
    pub multi_az: bool,
    #[serde(default)]
    pub availability_zones: Vec<String>,
    #[serde(default)]
    pub members: Vec<DbClusterMember>,
    #[serde(default)]
    pub backup_retention_period: i64,
    #[serde(default)]
    pub deletion_protection: bool,
    /// Aurora MySQL backtrack window in seconds; absent or 0 when off.
    #[serde(default)]
    pub backtrack_window: Option<i64>,
    #[serde(default)]
    pub db_subnet_group: Option<String>,
    /// Its DB cluster parameter group (absent from snapshots written before it was read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_group: Option<String>,
    /// The cluster it replicates from when it is a cross-region read replica cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replication_source: Option<String>,
    /// Its cross-region read replica clusters (ARNs or identifiers).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub read_replica_identifiers: Vec<String>,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DbClusterMember {
    pub db_instance_identifier: String,
    #[serde(default)]
    pub is_writer: bool,
    #[serde(default)]
    pub promotion_tier: Option<i64>,
}

/// A DB parameter group (`cluster: false`) or DB cluster parameter group (`cluster: true`),
/// with the values set for the parameters ha-audit judges. A parameter left at the engine's
/// default has no value here, as in the API's answer.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DbParameterGroup {
    pub region: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cluster: bool,
    #[serde(default)]
    pub parameters: std::collections::BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

/// An Aurora global database and the clusters in it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GlobalCluster {
    pub global_cluster_identifier: String,
    #[serde(default)]
    pub arn: String,
    #[serde(default)]
    pub engine: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub members: Vec<GlobalClusterMember>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GlobalClusterMember {
    pub db_cluster_arn: String,
    #[serde(default)]
    pub is_writer: bool,
}
