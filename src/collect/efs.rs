//! EFS: file systems with their mount targets, automatic backup policy and replication.
//!
//! The listing and the replication configurations are one paginated call each per region;
//! mount targets and the backup policy are one call each per file system.

use crate::registry::Kind;
use super::fail::{mark_unreadable, Op};
use super::{drain, tags, Collected, Scope};
use crate::snapshot::{CollectError, Efs, EfsReplicationDestination, FileSystem, MountTarget};
use aws_sdk_efs::error::ProvideErrorMetadata;
use aws_sdk_efs::types::FileSystemDescription;
use aws_sdk_efs::Client;
use futures::StreamExt;
use std::collections::HashMap;

const DESCRIBE_FILE_SYSTEMS: Op = Op::new(
    "DescribeFileSystems",
    "elasticfilesystem:DescribeFileSystems",
);
const DESCRIBE_MOUNT_TARGETS: Op = Op::new(
    "DescribeMountTargets",
    "elasticfilesystem:DescribeMountTargets",
);
const DESCRIBE_BACKUP_POLICY: Op = Op::new(
    "DescribeBackupPolicy",
    "elasticfilesystem:DescribeBackupPolicy",
);
const DESCRIBE_REPLICATIONS: Op = Op::new(
    "DescribeReplicationConfigurations",
    "elasticfilesystem:DescribeReplicationConfigurations",
);

pub const ACTIONS: &[&str] = &[
    DESCRIBE_FILE_SYSTEMS.action,
    DESCRIBE_MOUNT_TARGETS.action,
    DESCRIBE_BACKUP_POLICY.action,
    DESCRIBE_REPLICATIONS.action,
];

/// The error code EFS uses for "automatic backups were never turned on for this file system".
const NO_BACKUP_POLICY: &str = "PolicyNotFound";
/// The error code EFS uses for "no replication configuration".
const NO_REPLICATION: &str = "ReplicationNotFound";

pub(super) async fn collect(scope: Scope) -> Collected<Efs> {
    let client: Client = super::sdk_client!(aws_sdk_efs, scope);
    let mut errors = Vec::new();
    let mut pages = client
        .describe_file_systems()
        .into_paginator()
        .items()
        .send();
    let (listed, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    errors.extend(err.map(|e| DESCRIBE_FILE_SYSTEMS.listing_failed(&[Kind::FileSystem], &e)));
    let mut file_systems: Vec<FileSystem> = listed
        .iter()
        .map(|f| file_system(&scope.region, f))
        .collect();

    // One region-wide read of the replication configurations, only when there is something
    // to replicate.
    if !file_systems.is_empty() {
        match replications(&client, &scope).await {
            Ok(by_source) => {
                for fs in &mut file_systems {
                    if let Some(d) = by_source.get(&fs.file_system_id) {
                        fs.replication_destinations = d.clone();
                    }
                }
            }
            Err(err) => {
                for fs in &mut file_systems {
                    mark_unreadable(&mut fs.unreadable, &["replication_destinations"], &err);
                }
                errors.push(err);
            }
        }
    }

    let (client, s) = (&client, &scope);
    let details = futures::stream::iter(file_systems.into_iter().map(|fs| detail(s, client, fs)))
        .buffer_unordered(scope.concurrency)
        .collect::<Vec<_>>()
        .await;
    let mut efs = Efs::default();
    for (fs, errs) in details {
        efs.file_systems.push(fs);
        errors.extend(errs);
    }
    (efs, errors)
}

fn file_system(region: &str, f: &FileSystemDescription) -> FileSystem {
    FileSystem {
        region: region.to_string(),
        file_system_id: f.file_system_id().to_string(),
        arn: f.file_system_arn().unwrap_or_default().to_string(),
        life_cycle_state: Some(f.life_cycle_state().as_str().to_string()),
        availability_zone_name: f.availability_zone_name().map(str::to_string),
        number_of_mount_targets: i64::from(f.number_of_mount_targets()),
        tags: tags(f.tags().iter().map(|t| (Some(t.key()), Some(t.value())))),
        ..Default::default()
    }
}

/// Replication destinations by source file system id.
async fn replications(
    client: &Client,
    scope: &Scope,
) -> Result<HashMap<String, Vec<EfsReplicationDestination>>, CollectError> {
    let mut pages = client
        .describe_replication_configurations()
        .into_paginator()
        .items()
        .send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    match err {
        // No configuration at all: a fact, not a failure.
        Some(e) if e.code() == Some(NO_REPLICATION) => return Ok(HashMap::new()),
        Some(e) => return Err(DESCRIBE_REPLICATIONS.listing_failed(&[], &e)),
        None => {}
    }
    let mut out: HashMap<String, Vec<EfsReplicationDestination>> = HashMap::new();
    for r in &items {
        out.entry(r.source_file_system_id().to_string())
            .or_default()
            .extend(r.destinations().iter().map(|d| EfsReplicationDestination {
                region: d.region().to_string(),
                file_system_id: d.file_system_id().to_string(),
                status: Some(d.status().as_str().to_string()),
            }));
    }
    Ok(out)
}

async fn detail(
    scope: &Scope,
    client: &Client,
    mut fs: FileSystem,
) -> (FileSystem, Vec<CollectError>) {
    let mut errors = Vec::new();
    let id = fs.file_system_id.clone();
    let mut pages = client
        .describe_mount_targets()
        .file_system_id(&id)
        .into_paginator()
        .items()
        .send();
    let (targets, policy) = tokio::join!(
        scope.call(drain(|cx| pages.poll_next(cx))),
        scope.call(client.describe_backup_policy().file_system_id(&id).send()),
    );
    let (targets, err) = targets;
    fs.mount_targets = targets
        .iter()
        .map(|m| MountTarget {
            mount_target_id: m.mount_target_id().to_string(),
            subnet_id: m.subnet_id().to_string(),
            vpc_id: m.vpc_id().map(str::to_string),
            availability_zone_name: m.availability_zone_name().map(str::to_string),
            life_cycle_state: Some(m.life_cycle_state().as_str().to_string()),
        })
        .collect();
    if let Some(e) = err {
        let err = DESCRIBE_MOUNT_TARGETS.detail_failed(&id, &e);
        mark_unreadable(&mut fs.unreadable, &["mount_targets"], &err);
        errors.push(err);
    }
    match policy {
        Ok(out) => {
            fs.backup_policy_status = Some(
                out.backup_policy()
                    .map_or("DISABLED", |p| p.status().as_str())
                    .to_string(),
            );
        }
        Err(e) if e.code() == Some(NO_BACKUP_POLICY) => {
            fs.backup_policy_status = Some("DISABLED".to_string());
        }
        Err(e) => {
            let err = DESCRIBE_BACKUP_POLICY.detail_failed(&id, &e);
            mark_unreadable(&mut fs.unreadable, &["backup_policy_status"], &err);
            errors.push(err);
        }
    }
    (fs, errors)
}
