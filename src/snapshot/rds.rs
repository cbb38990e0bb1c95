use super::{Tags, Unreadable};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rds {
    #[serde(default)]
    pub db_instances: Vec<DbInstance>,
    #[serde(default)]
    pub db_clusters: Vec<DbCluster>,
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
    }
}

super::section!(Rds { db_instances => DbInstance, db_clusters => DbCluster });
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
