//! AWS Directory Service directories and their manual snapshot limits.
//!
//! Per region: DescribeDirectories (paginated), then GetSnapshotLimits per directory of a type
//! that takes snapshots (Simple AD and AWS Managed Microsoft AD; AD Connector has none, and a
//! shared directory's snapshots belong to its owner), concurrently, within the scan's cap.

use super::fail::{mark_unreadable, Op};
use super::{drain, Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{CollectError, Directory, DirectoryService};
use aws_sdk_directory::error::ProvideErrorMetadata;
use aws_sdk_directory::Client;
use futures::StreamExt;

const DESCRIBE_DIRECTORIES: Op = Op::new("DescribeDirectories", "ds:DescribeDirectories");
const GET_SNAPSHOT_LIMITS: Op = Op::new("GetSnapshotLimits", "ds:GetSnapshotLimits");

pub const ACTIONS: &[&str] = &[DESCRIBE_DIRECTORIES.action, GET_SNAPSHOT_LIMITS.action];

const LIMIT_FIELDS: &[&str] = &[
    "manual_snapshots_limit",
    "manual_snapshots_current_count",
    "manual_snapshots_limit_reached",
];

/// The directory types that take manual snapshots.
const SNAPSHOT_TYPES: &[&str] = &["SimpleAD", "MicrosoftAD"];

/// GetSnapshotLimits' code for a directory deleted since the listing: gone, not unread.
const GONE: &str = "EntityDoesNotExistException";

pub(super) async fn collect(scope: Scope) -> Collected<DirectoryService> {
    let client: Client = super::sdk_client!(aws_sdk_directory, scope);
    let mut errors = Vec::new();
    let mut pages = client.describe_directories().into_paginator().send();
    let (pages, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    errors.extend(err.map(|e| DESCRIBE_DIRECTORIES.listing_failed(&[Kind::Directory], &e)));
    let listed: Vec<Directory> = pages
        .iter()
        .flat_map(|p| p.directory_descriptions())
        .filter_map(|d| {
            Some(Directory {
                region: scope.region.clone(),
                directory_id: d.directory_id()?.to_string(),
                name: d.name().map(str::to_string),
                directory_type: d.r#type().map(|t| t.as_str().to_string()),
                stage: d.stage().map(|s| s.as_str().to_string()),
                ..Default::default()
            })
        })
        .collect();
    let (c, s) = (&client, &scope);
    let read = futures::stream::iter(listed.into_iter().map(|d| limits(c, s, d)))
        .buffer_unordered(scope.concurrency)
        .collect::<Vec<_>>()
        .await;
    let mut out = DirectoryService::default();
    for (d, err) in read {
        out.directories.extend(d);
        errors.extend(err);
    }
    (out, errors)
}

async fn limits(
    client: &Client,
    scope: &Scope,
    mut d: Directory,
) -> (Option<Directory>, Option<CollectError>) {
    if !d
        .directory_type
        .as_deref()
        .is_some_and(|t| SNAPSHOT_TYPES.contains(&t))
    {
        return (Some(d), None);
    }
    let out = scope
        .call(
            client
                .get_snapshot_limits()
                .directory_id(&d.directory_id)
                .send(),
        )
        .await;
    match out {
        Ok(out) => {
            if let Some(l) = out.snapshot_limits() {
                d.manual_snapshots_limit = l.manual_snapshots_limit().map(i64::from);
                d.manual_snapshots_current_count =
                    l.manual_snapshots_current_count().map(i64::from);
                d.manual_snapshots_limit_reached = Some(l.manual_snapshots_limit_reached());
            }
            (Some(d), None)
        }
        Err(e) if e.code() == Some(GONE) => (None, None),
        Err(e) => {
            let err = GET_SNAPSHOT_LIMITS.detail_failed(&d.directory_id, &e);
            mark_unreadable(&mut d.unreadable, LIMIT_FIELDS, &err);
            (Some(d), Some(err))
        }
    }
}
