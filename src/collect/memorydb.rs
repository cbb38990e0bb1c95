//! MemoryDB: clusters with their shards and the AZs of their nodes, in one paginated
//! `DescribeClusters` call per region (`ShowShardDetails` adds the shards and nodes).

use super::fail::Op;
use super::{drain, Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{MemoryDb, MemoryDbCluster, MemoryDbNode, MemoryDbShard};
use aws_sdk_memorydb::types::{Cluster, Shard};
use aws_sdk_memorydb::Client;

const DESCRIBE_CLUSTERS: Op = Op::new("DescribeClusters", "memorydb:DescribeClusters");

pub const ACTIONS: &[&str] = &[DESCRIBE_CLUSTERS.action];

pub(super) async fn collect(scope: Scope) -> Collected<MemoryDb> {
    let client: Client = super::sdk_client!(aws_sdk_memorydb, scope);
    let mut pages = client
        .describe_clusters()
        .show_shard_details(true)
        .into_paginator()
        .items()
        .send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let errors = err
        .map(|e| DESCRIBE_CLUSTERS.listing_failed(&[Kind::MemoryDbCluster], &e))
        .into_iter()
        .collect();
    let clusters = items.iter().map(|c| cluster(&scope.region, c)).collect();
    (MemoryDb { clusters }, errors)
}

fn owned(s: Option<&str>) -> Option<String> {
    s.map(str::to_string)
}

fn cluster(region: &str, c: &Cluster) -> MemoryDbCluster {
    MemoryDbCluster {
        region: region.to_string(),
        name: c.name().unwrap_or_default().to_string(),
        arn: c.arn().unwrap_or_default().to_string(),
        status: owned(c.status()),
        availability_mode: c.availability_mode().map(|m| m.as_str().to_string()),
        number_of_shards: c.number_of_shards().map(i64::from),
        node_type: owned(c.node_type()),
        engine: owned(c.engine()),
        engine_version: owned(c.engine_version()),
        snapshot_retention_limit: c.snapshot_retention_limit().map(i64::from),
        subnet_group_name: owned(c.subnet_group_name()),
        multi_region_cluster_name: owned(c.multi_region_cluster_name()),
        shards: c.shards().iter().map(shard).collect(),
    }
}

fn shard(s: &Shard) -> MemoryDbShard {
    MemoryDbShard {
        name: s.name().unwrap_or_default().to_string(),
        status: owned(s.status()),
        number_of_nodes: s.number_of_nodes().map(i64::from),
        nodes: s
            .nodes()
            .iter()
            .map(|n| MemoryDbNode {
                name: n.name().unwrap_or_default().to_string(),
                status: owned(n.status()),
                availability_zone: owned(n.availability_zone()),
            })
            .collect(),
    }
}
