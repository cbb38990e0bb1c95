//! MemoryDB: clusters with their shards and nodes (`DescribeClusters` with
//! `ShowShardDetails`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemoryDb {
    #[serde(default)]
    pub clusters: Vec<MemoryDbCluster>,
}

impl MemoryDb {
    fn sort_lists(&mut self) {
        self.clusters
            .sort_by(|a, b| (&a.region, &a.name).cmp(&(&b.region, &b.name)));
        for c in &mut self.clusters {
            c.shards.sort_by(|a, b| a.name.cmp(&b.name));
            for s in &mut c.shards {
                s.nodes.sort_by(|a, b| a.name.cmp(&b.name));
            }
        }
    }
}

super::section!(MemoryDb { clusters => MemoryDbCluster });
super::listed!(MemoryDbCluster, MemoryDbCluster, name);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemoryDbCluster {
    pub region: String,
    pub name: String,
    #[serde(default)]
    pub arn: String,
    /// `available`, `creating`, `updating`, `deleting` ...
    #[serde(default)]
    pub status: Option<String>,
    /// `AvailabilityMode`: `multiaz` when every shard has a replica in another AZ,
    /// `singleaz` otherwise.
    #[serde(default)]
    pub availability_mode: Option<String>,
    #[serde(default)]
    pub number_of_shards: Option<i64>,
    #[serde(default)]
    pub node_type: Option<String>,
    /// `redis` or `valkey`.
    #[serde(default)]
    pub engine: Option<String>,
    #[serde(default)]
    pub engine_version: Option<String>,
    /// Days automatic snapshots are kept; 0 means automatic snapshots are off.
    #[serde(default)]
    pub snapshot_retention_limit: Option<i64>,
    #[serde(default)]
    pub subnet_group_name: Option<String>,
    /// Set when the cluster is part of a multi-Region cluster.
    #[serde(default)]
    pub multi_region_cluster_name: Option<String>,
    #[serde(default)]
    pub shards: Vec<MemoryDbShard>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemoryDbShard {
    pub name: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub number_of_nodes: Option<i64>,
    /// Its primary and replicas.
    #[serde(default)]
    pub nodes: Vec<MemoryDbNode>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemoryDbNode {
    pub name: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub availability_zone: Option<String>,
}
