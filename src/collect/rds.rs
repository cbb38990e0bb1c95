//! RDS: DB instances (with their subnet group's AZs) and DB clusters (with members).

use crate::registry::Kind;
use super::fail::Op;
use super::{drain, keep, tags, Collected, Listing, Scope};
use crate::snapshot::{DbCluster, DbClusterMember, DbInstance, Rds};
use aws_sdk_rds::types::Tag;
use aws_sdk_rds::Client;

const DESCRIBE_DB_INSTANCES: Op = Op::new("DescribeDBInstances", "rds:DescribeDBInstances");
const DESCRIBE_DB_CLUSTERS: Op = Op::new("DescribeDBClusters", "rds:DescribeDBClusters");

pub const ACTIONS: &[&str] = &[DESCRIBE_DB_INSTANCES.action, DESCRIBE_DB_CLUSTERS.action];

pub(super) async fn collect(scope: Scope) -> Collected<Rds> {
    let client: Client = super::sdk_client!(aws_sdk_rds, scope);
    let (instances, clusters) =
        tokio::join!(db_instances(&client, &scope), db_clusters(&client, &scope));
    let mut errors = Vec::new();
    let rds = Rds {
        db_instances: keep(&mut errors, instances),
        db_clusters: keep(&mut errors, clusters),
    };
    (rds, errors)
}

fn rds_tags(t: &[Tag]) -> crate::snapshot::Tags {
    tags(t.iter().map(|t| (t.key(), t.value())))
}

fn owned(s: Option<&str>) -> Option<String> {
    s.map(str::to_string)
}

async fn db_instances(client: &Client, scope: &Scope) -> Listing<DbInstance> {
    let mut pages = client
        .describe_db_instances()
        .into_paginator()
        .items()
        .send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let instances = items
        .iter()
        .map(|d| {
            let group = d.db_subnet_group();
            let mut subnet_group_azs: Vec<String> = group
                .map(|g| g.subnets())
                .unwrap_or_default()
                .iter()
                .filter_map(|s| s.subnet_availability_zone()?.name())
                .map(str::to_string)
                .collect();
            subnet_group_azs.sort();
            subnet_group_azs.dedup();
            DbInstance {
                region: scope.region.clone(),
                db_instance_identifier: d.db_instance_identifier().unwrap_or_default().to_string(),
                arn: d.db_instance_arn().unwrap_or_default().to_string(),
                engine: d.engine().unwrap_or_default().to_string(),
                engine_version: owned(d.engine_version()),
                db_instance_class: owned(d.db_instance_class()),
                status: owned(d.db_instance_status()),
                multi_az: d.multi_az().unwrap_or(false),
                availability_zone: owned(d.availability_zone()),
                secondary_availability_zone: owned(d.secondary_availability_zone()),
                db_cluster_identifier: owned(d.db_cluster_identifier()),
                read_replica_source: owned(d.read_replica_source_db_instance_identifier())
                    .or_else(|| owned(d.read_replica_source_db_cluster_identifier())),
                read_replica_identifiers: d
                    .read_replica_db_instance_identifiers()
                    .iter()
                    .chain(d.read_replica_db_cluster_identifiers())
                    .cloned()
                    .collect(),
                backup_retention_period: d.backup_retention_period().map(i64::from).unwrap_or(0),
                deletion_protection: d.deletion_protection().unwrap_or(false),
                publicly_accessible: d.publicly_accessible().unwrap_or(false),
                allocated_storage: d.allocated_storage().map(i64::from),
                max_allocated_storage: d.max_allocated_storage().map(i64::from),
                // RDS always returns the interval; a missing one means Enhanced Monitoring is off.
                monitoring_interval: Some(d.monitoring_interval().map(i64::from).unwrap_or(0)),
                db_subnet_group: group.and_then(|g| owned(g.db_subnet_group_name())),
                subnet_group_azs,
                tags: rds_tags(d.tag_list()),
                unreadable: Default::default(),
            }
        })
        .collect();
    let err = err.map(|e| DESCRIBE_DB_INSTANCES.listing_failed(&[Kind::DbInstance], &e));
    (instances, err)
}

async fn db_clusters(client: &Client, scope: &Scope) -> Listing<DbCluster> {
    let mut pages = client
        .describe_db_clusters()
        .into_paginator()
        .items()
        .send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let clusters = items
        .iter()
        .map(|c| DbCluster {
            region: scope.region.clone(),
            db_cluster_identifier: c.db_cluster_identifier().unwrap_or_default().to_string(),
            arn: c.db_cluster_arn().unwrap_or_default().to_string(),
            engine: c.engine().unwrap_or_default().to_string(),
            engine_mode: owned(c.engine_mode()),
            status: owned(c.status()),
            multi_az: c.multi_az().unwrap_or(false),
            availability_zones: c.availability_zones().to_vec(),
            members: c
                .db_cluster_members()
                .iter()
                .map(|m| DbClusterMember {
                    db_instance_identifier: m
                        .db_instance_identifier()
                        .unwrap_or_default()
                        .to_string(),
                    is_writer: m.is_cluster_writer().unwrap_or(false),
                    promotion_tier: m.promotion_tier().map(i64::from),
                })
                .collect(),
            backup_retention_period: c.backup_retention_period().map(i64::from).unwrap_or(0),
            deletion_protection: c.deletion_protection().unwrap_or(false),
            backtrack_window: c.backtrack_window(),
            db_subnet_group: owned(c.db_subnet_group()),
            tags: rds_tags(c.tag_list()),
        })
        .collect();
    let err = err.map(|e| DESCRIBE_DB_CLUSTERS.listing_failed(&[Kind::DbCluster], &e));
    (clusters, err)
}
