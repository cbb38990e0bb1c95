//! ElastiCache: replication groups (Redis OSS / Valkey, with their shards and nodes), cache
//! clusters (every node cluster the API lists, standalone or member of a group) and cache
//! subnet groups.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ElastiCache {
    #[serde(default)]
    pub replication_groups: Vec<ReplicationGroup>,
    #[serde(default)]
    pub cache_clusters: Vec<CacheCluster>,
    #[serde(default)]
    pub subnet_groups: Vec<CacheSubnetGroup>,
}

impl ElastiCache {
    fn sort_lists(&mut self) {
        self.replication_groups.sort_by(|a, b| {
            (&a.region, &a.replication_group_id).cmp(&(&b.region, &b.replication_group_id))
        });
        for g in &mut self.replication_groups {
            g.member_clusters.sort();
            g.member_clusters.dedup();
            g.node_groups
                .sort_by(|a, b| a.node_group_id.cmp(&b.node_group_id));
            for ng in &mut g.node_groups {
                ng.members
                    .sort_by(|a, b| a.cache_cluster_id.cmp(&b.cache_cluster_id));
            }
        }
        self.cache_clusters.sort_by(|a, b| {
            (&a.region, &a.cache_cluster_id).cmp(&(&b.region, &b.cache_cluster_id))
        });
        for c in &mut self.cache_clusters {
            c.cache_nodes
                .sort_by(|a, b| a.cache_node_id.cmp(&b.cache_node_id));
        }
        self.subnet_groups
            .sort_by(|a, b| (&a.region, &a.name).cmp(&(&b.region, &b.name)));
        for g in &mut self.subnet_groups {
            g.subnets.sort_by(|a, b| a.subnet_id.cmp(&b.subnet_id));
        }
    }
}

super::section!(ElastiCache { replication_groups => ReplicationGroup, cache_clusters => CacheCluster, subnet_groups });
super::listed!(ReplicationGroup, ReplicationGroup, replication_group_id);
super::listed!(CacheCluster, CacheCluster, cache_cluster_id);

/// `DescribeReplicationGroups`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplicationGroup {
    pub region: String,
    pub replication_group_id: String,
    pub arn: String,
    #[serde(default)]
    pub status: Option<String>,
    /// `redis` or `valkey`; absent from older API answers.
    #[serde(default)]
    pub engine: Option<String>,
    /// `enabled`, `disabled`, `enabling` or `disabling`.
    #[serde(default)]
    pub automatic_failover: Option<String>,
    /// `enabled` or `disabled`.
    #[serde(default)]
    pub multi_az: Option<String>,
    /// Days automatic snapshots are kept; 0 means automatic backups are off.
    #[serde(default)]
    pub snapshot_retention_limit: Option<i64>,
    /// Cluster mode (sharding) on.
    #[serde(default)]
    pub cluster_enabled: Option<bool>,
    #[serde(default)]
    pub cache_node_type: Option<String>,
    /// Set when the group belongs to a Global Datastore.
    #[serde(default)]
    pub global_replication_group_id: Option<String>,
    /// Cache cluster ids of every node of the group.
    #[serde(default)]
    pub member_clusters: Vec<String>,
    /// Shards (one for cluster mode disabled).
    #[serde(default)]
    pub node_groups: Vec<NodeGroup>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeGroup {
    pub node_group_id: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub members: Vec<NodeGroupMember>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeGroupMember {
    pub cache_cluster_id: String,
    #[serde(default)]
    pub cache_node_id: Option<String>,
    #[serde(default)]
    pub preferred_availability_zone: Option<String>,
    /// `primary` or `replica`; AWS gives it only for cluster mode disabled.
    #[serde(default)]
    pub current_role: Option<String>,
}

/// `DescribeCacheClusters` with `ShowCacheNodeInfo`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CacheCluster {
    pub region: String,
    pub cache_cluster_id: String,
    pub arn: String,
    /// `redis`, `valkey` or `memcached`.
    pub engine: String,
    #[serde(default)]
    pub engine_version: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub cache_node_type: Option<String>,
    #[serde(default)]
    pub num_cache_nodes: Option<i64>,
    /// The replication group this cluster is a node of.
    #[serde(default)]
    pub replication_group_id: Option<String>,
    /// An AZ name, or `Multiple` for a Memcached cluster spread over several AZs.
    #[serde(default)]
    pub preferred_availability_zone: Option<String>,
    #[serde(default)]
    pub cache_nodes: Vec<CacheNode>,
    #[serde(default)]
    pub cache_subnet_group_name: Option<String>,
    #[serde(default)]
    pub snapshot_retention_limit: Option<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CacheNode {
    pub cache_node_id: String,
    #[serde(default)]
    pub status: Option<String>,
    /// `CustomerAvailabilityZone`: where the node runs.
    #[serde(default)]
    pub availability_zone: Option<String>,
}

/// `DescribeCacheSubnetGroups`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CacheSubnetGroup {
    pub region: String,
    pub name: String,
    #[serde(default)]
    pub arn: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub subnets: Vec<CacheSubnet>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CacheSubnet {
    pub subnet_id: String,
    /// `SubnetAvailabilityZone.Name`, when the API gives it.
    #[serde(default)]
    pub availability_zone: Option<String>,
}
