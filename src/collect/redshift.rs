//! Amazon Redshift: provisioned clusters, in one paginated `DescribeClusters` call per region.

use super::fail::Op;
use super::{drain, tags, Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{Redshift, RedshiftCluster};
use aws_sdk_redshift::types::Cluster;
use aws_sdk_redshift::Client;

const DESCRIBE_CLUSTERS: Op = Op::new("DescribeClusters", "redshift:DescribeClusters");

pub const ACTIONS: &[&str] = &[DESCRIBE_CLUSTERS.action];

pub(super) async fn collect(scope: Scope) -> Collected<Redshift> {
    let client: Client = super::sdk_client!(aws_sdk_redshift, scope);
    let mut pages = client.describe_clusters().into_paginator().items().send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let errors = err
        .map(|e| DESCRIBE_CLUSTERS.listing_failed(&[Kind::RedshiftCluster], &e))
        .into_iter()
        .collect();
    let clusters = items.iter().map(|c| cluster(&scope, c)).collect();
    (Redshift { clusters }, errors)
}

fn owned(s: Option<&str>) -> Option<String> {
    s.map(str::to_string)
}

fn cluster(scope: &Scope, c: &Cluster) -> RedshiftCluster {
    let id = c.cluster_identifier().unwrap_or_default().to_string();
    let copy = c.cluster_snapshot_copy_status();
    RedshiftCluster {
        region: scope.region.clone(),
        // Redshift cluster ARNs separate the resource type with a colon.
        arn: format!(
            "arn:{}:redshift:{}:{}:cluster:{id}",
            scope.partition, scope.region, scope.account
        ),
        cluster_identifier: id,
        cluster_status: owned(c.cluster_status()),
        node_type: owned(c.node_type()),
        number_of_nodes: c.number_of_nodes().map(i64::from),
        availability_zone: owned(c.availability_zone()),
        multi_az: owned(c.multi_az()),
        secondary_availability_zone: owned(
            c.multi_az_secondary().and_then(|s| s.availability_zone()),
        ),
        automated_snapshot_retention_period: c.automated_snapshot_retention_period().map(i64::from),
        snapshot_copy_destination_region: owned(copy.and_then(|s| s.destination_region())),
        snapshot_copy_retention_period: copy.and_then(|s| s.retention_period()),
        availability_zone_relocation_status: owned(c.availability_zone_relocation_status()),
        cluster_subnet_group_name: owned(c.cluster_subnet_group_name()),
        vpc_id: owned(c.vpc_id()),
        tags: tags(c.tags().iter().map(|t| (t.key(), t.value()))),
    }
}
