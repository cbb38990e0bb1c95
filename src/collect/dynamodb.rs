//! DynamoDB: every table of the region (ListTables), each described (DescribeTable) and with
//! its point-in-time recovery status (DescribeContinuousBackups), plus the Application Auto
//! Scaling targets that scale it (see `application_autoscaling`).

use crate::registry::Kind;
use super::application_autoscaling::{self, TableTarget};
use super::fail::{mark_unreadable, Op};
use super::{drain, Collected, Scope};
use crate::snapshot::{CollectError, DynamoDb, SecondaryIndex, Table, TableReplica};
use aws_sdk_dynamodb::types::TableDescription;
use aws_sdk_dynamodb::Client;
use futures::StreamExt;

const LIST_TABLES: Op = Op::new("ListTables", "dynamodb:ListTables");
const DESCRIBE_TABLE: Op = Op::new("DescribeTable", "dynamodb:DescribeTable");
const DESCRIBE_CONTINUOUS_BACKUPS: Op = Op::new(
    "DescribeContinuousBackups",
    "dynamodb:DescribeContinuousBackups",
);

pub const ACTIONS: &[&str] = &[
    LIST_TABLES.action,
    DESCRIBE_TABLE.action,
    DESCRIBE_CONTINUOUS_BACKUPS.action,
];

/// The fields DescribeTable fills.
const DESCRIBED: &[&str] = &[
    "table_status",
    "billing_mode",
    "deletion_protection_enabled",
    "read_capacity_units",
    "write_capacity_units",
    "global_table_version",
    "replicas",
    "global_secondary_indexes",
];

pub(super) async fn collect(scope: Scope) -> Collected<DynamoDb> {
    let client: Client = super::sdk_client!(aws_sdk_dynamodb, scope);
    let mut errors = Vec::new();
    let listing = async {
        let mut pages = client.list_tables().into_paginator().items().send();
        scope.call(drain(|cx| pages.poll_next(cx))).await
    };
    let ((names, err), (targets, targets_err)) =
        tokio::join!(listing, application_autoscaling::dynamodb_targets(&scope));
    errors.extend(err.map(|e| LIST_TABLES.listing_failed(&[Kind::Table], &e)));

    let (client, s) = (&client, &scope);
    let described = futures::stream::iter(names.into_iter().map(|name| detail(s, client, name)))
        .buffer_unordered(scope.concurrency)
        .collect::<Vec<_>>()
        .await;
    let mut tables = Vec::with_capacity(described.len());
    for (mut table, errs) in described {
        errors.extend(errs);
        attach_targets(&mut table, &targets, targets_err.as_ref());
        tables.push(table);
    }
    errors.extend(targets_err);
    (DynamoDb { tables }, errors)
}

/// Puts the table's own and its indexes' scalable targets on it, or marks them unknown.
fn attach_targets(table: &mut Table, targets: &[TableTarget], err: Option<&CollectError>) {
    match err {
        Some(err) => mark_unreadable(&mut table.unreadable, &["scalable_targets"], err),
        None => {
            table.scalable_targets = targets
                .iter()
                .filter(|t| t.table_name == table.table_name)
                .map(|t| t.target.clone())
                .collect();
        }
    }
}

async fn detail(scope: &Scope, client: &Client, name: String) -> (Table, Vec<CollectError>) {
    let mut table = Table {
        region: scope.region.clone(),
        table_name: name,
        ..Default::default()
    };
    let mut errors = Vec::new();
    let name = &table.table_name;
    let (described, backups) = tokio::join!(
        scope.call(client.describe_table().table_name(name).send()),
        scope.call(client.describe_continuous_backups().table_name(name).send()),
    );
    match described {
        Ok(out) => match out.table() {
            Some(t) => fill(&mut table, t),
            None => table.unreadable.extend(DESCRIBED.iter().map(|f| {
                (
                    f.to_string(),
                    "DescribeTable returned no table description".to_string(),
                )
            })),
        },
        Err(e) => {
            let err = DESCRIBE_TABLE.detail_failed(&table.table_name, &e);
            mark_unreadable(&mut table.unreadable, DESCRIBED, &err);
            errors.push(err);
        }
    }
    match backups {
        Ok(out) => {
            table.point_in_time_recovery = Some(
                out.continuous_backups_description()
                    .and_then(|d| d.point_in_time_recovery_description())
                    .and_then(|p| p.point_in_time_recovery_status())
                    .map(|s| s.as_str().to_string())
                    // No description means PITR was never enabled.
                    .unwrap_or_else(|| "DISABLED".to_string()),
            );
        }
        Err(e) => {
            let err = DESCRIBE_CONTINUOUS_BACKUPS.detail_failed(&table.table_name, &e);
            mark_unreadable(&mut table.unreadable, &["point_in_time_recovery"], &err);
            errors.push(err);
        }
    }
    (table, errors)
}

fn fill(table: &mut Table, t: &TableDescription) {
    table.arn = t.table_arn().unwrap_or_default().to_string();
    table.table_status = t.table_status().map(|s| s.as_str().to_string());
    // DynamoDB leaves out the summary for tables that were provisioned from the start.
    table.billing_mode = Some(
        t.billing_mode_summary()
            .and_then(|b| b.billing_mode())
            .map(|m| m.as_str().to_string())
            .unwrap_or_else(|| "PROVISIONED".to_string()),
    );
    table.deletion_protection_enabled = Some(t.deletion_protection_enabled().unwrap_or(false));
    table.read_capacity_units = t
        .provisioned_throughput()
        .and_then(|p| p.read_capacity_units());
    table.write_capacity_units = t
        .provisioned_throughput()
        .and_then(|p| p.write_capacity_units());
    table.global_table_version = t.global_table_version().map(str::to_string);
    table.replicas = t
        .replicas()
        .iter()
        .filter_map(|r| {
            Some(TableReplica {
                region_name: r.region_name()?.to_string(),
                replica_status: r.replica_status().map(|s| s.as_str().to_string()),
            })
        })
        .collect();
    table.global_secondary_indexes = t
        .global_secondary_indexes()
        .iter()
        .map(|i| SecondaryIndex {
            index_name: i.index_name().unwrap_or_default().to_string(),
            index_status: i.index_status().map(|s| s.as_str().to_string()),
            read_capacity_units: i
                .provisioned_throughput()
                .and_then(|p| p.read_capacity_units()),
            write_capacity_units: i
                .provisioned_throughput()
                .and_then(|p| p.write_capacity_units()),
        })
        .collect();
}
