//! Amazon Redshift: provisioned clusters (`DescribeClusters`).

use super::Tags;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Redshift {
    #[serde(default)]
    pub clusters: Vec<RedshiftCluster>,
}

impl Redshift {
    fn sort_lists(&mut self) {
        self.clusters.sort_by(|a, b| {
            (&a.region, &a.cluster_identifier).cmp(&(&b.region, &b.cluster_identifier))
        });
    }
}

super::section!(Redshift { clusters => RedshiftCluster });
super::listed!(RedshiftCluster, RedshiftCluster, cluster_identifier);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RedshiftCluster {
    pub region: String,
    pub cluster_identifier: String,
    /// `arn:<partition>:redshift:<region>:<account>:cluster:<identifier>` (the API returns no
    /// cluster ARN; the collector builds it).
    #[serde(default)]
    pub arn: String,
    /// `available`, `paused`, `creating`, `modifying` ...
    #[serde(default)]
    pub cluster_status: Option<String>,
    /// `ra3.xlplus`, `ra3.4xlarge`, `dc2.large` ...
    #[serde(default)]
    pub node_type: Option<String>,
    #[serde(default)]
    pub number_of_nodes: Option<i64>,
    /// Where the cluster (its primary compute, with Multi-AZ) runs.
    #[serde(default)]
    pub availability_zone: Option<String>,
    /// `MultiAZ`: `Enabled` or `Disabled`.
    #[serde(default)]
    pub multi_az: Option<String>,
    /// `MultiAZSecondary.AvailabilityZone`: the second AZ of a Multi-AZ cluster.
    #[serde(default)]
    pub secondary_availability_zone: Option<String>,
    /// Days automated snapshots are kept; 0 means automated snapshots are off.
    #[serde(default)]
    pub automated_snapshot_retention_period: Option<i64>,
    /// `ClusterSnapshotCopyStatus.DestinationRegion`: the region snapshots are copied to;
    /// absent when cross-region snapshot copy is off.
    #[serde(default)]
    pub snapshot_copy_destination_region: Option<String>,
    /// `ClusterSnapshotCopyStatus.RetentionPeriod`: days copied automated snapshots are kept.
    #[serde(default)]
    pub snapshot_copy_retention_period: Option<i64>,
    /// `AvailabilityZoneRelocationStatus`: `enabled`, `disabled`, `pending_enabling` or
    /// `pending_disabling`.
    #[serde(default)]
    pub availability_zone_relocation_status: Option<String>,
    #[serde(default)]
    pub cluster_subnet_group_name: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub tags: Tags,
}
