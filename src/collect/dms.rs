//! AWS DMS: replication instances, with their Multi-AZ setting and the subnets of their
//! replication subnet group, in one paginated `DescribeReplicationInstances` call per region.

use super::fail::Op;
use super::{drain, Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{Dms, DmsReplicationInstance, DmsSubnet};
use aws_sdk_databasemigration::types::ReplicationInstance;
use aws_sdk_databasemigration::Client;

const DESCRIBE_REPLICATION_INSTANCES: Op = Op::new(
    "DescribeReplicationInstances",
    "dms:DescribeReplicationInstances",
);

pub const ACTIONS: &[&str] = &[DESCRIBE_REPLICATION_INSTANCES.action];

pub(super) async fn collect(scope: Scope) -> Collected<Dms> {
    let client: Client = super::sdk_client!(aws_sdk_databasemigration, scope);
    let mut pages = client
        .describe_replication_instances()
        .into_paginator()
        .send();
    let (pages, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let errors = err
        .map(|e| {
            DESCRIBE_REPLICATION_INSTANCES.listing_failed(&[Kind::DmsReplicationInstance], &e)
        })
        .into_iter()
        .collect();
    let replication_instances = pages
        .iter()
        .flat_map(|p| p.replication_instances())
        .map(|i| instance(&scope.region, i))
        .collect();
    (
        Dms {
            replication_instances,
        },
        errors,
    )
}

fn instance(region: &str, i: &ReplicationInstance) -> DmsReplicationInstance {
    let group = i.replication_subnet_group();
    DmsReplicationInstance {
        region: region.to_string(),
        replication_instance_identifier: i
            .replication_instance_identifier()
            .unwrap_or_default()
            .to_string(),
        arn: i.replication_instance_arn().unwrap_or_default().to_string(),
        replication_instance_status: i.replication_instance_status().map(str::to_string),
        replication_instance_class: i.replication_instance_class().map(str::to_string),
        engine_version: i.engine_version().map(str::to_string),
        multi_az: i.multi_az(),
        availability_zone: i.availability_zone().map(str::to_string),
        secondary_availability_zone: i.secondary_availability_zone().map(str::to_string),
        replication_subnet_group_identifier: group
            .and_then(|g| g.replication_subnet_group_identifier())
            .map(str::to_string),
        vpc_id: group.and_then(|g| g.vpc_id()).map(str::to_string),
        subnets: group
            .map(|g| g.subnets())
            .unwrap_or_default()
            .iter()
            .map(|s| DmsSubnet {
                subnet_id: s.subnet_identifier().unwrap_or_default().to_string(),
                availability_zone: s
                    .subnet_availability_zone()
                    .and_then(|z| z.name())
                    .map(str::to_string),
            })
            .collect(),
    }
}
