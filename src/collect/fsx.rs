//! Amazon FSx: file systems of every type with their deployment type, automatic backups,
//! lifecycle and subnets.
//!
//! One paginated DescribeFileSystems per region: it returns each file system's whole
//! configuration, so there is no per-file-system call.

use super::fail::Op;
use super::{drain, tags, Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{Fsx, FsxFileSystem};
use aws_sdk_fsx::types::FileSystem;
use aws_sdk_fsx::Client;

const DESCRIBE_FILE_SYSTEMS: Op = Op::new("DescribeFileSystems", "fsx:DescribeFileSystems");

pub const ACTIONS: &[&str] = &[DESCRIBE_FILE_SYSTEMS.action];

pub(super) async fn collect(scope: Scope) -> Collected<Fsx> {
    let client: Client = super::sdk_client!(aws_sdk_fsx, scope);
    let mut pages = client.describe_file_systems().into_paginator().send();
    let (pages, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let errors = err
        .map(|e| DESCRIBE_FILE_SYSTEMS.listing_failed(&[Kind::FsxFileSystem], &e))
        .into_iter()
        .collect();
    let file_systems = pages
        .iter()
        .flat_map(|p| p.file_systems())
        .filter_map(|f| file_system(&scope.region, f))
        .collect();
    (Fsx { file_systems }, errors)
}

/// The settings of the file system's type: (deployment type, backup retention days,
/// preferred subnet, linked S3 path).
type TypeSettings = (Option<String>, Option<i32>, Option<String>, Option<String>);

fn type_settings(f: &FileSystem) -> TypeSettings {
    let own = |s: Option<&str>| s.map(str::to_string);
    if let Some(w) = f.windows_configuration() {
        return (
            w.deployment_type().map(|d| d.as_str().to_string()),
            w.automatic_backup_retention_days(),
            own(w.preferred_subnet_id()),
            None,
        );
    }
    if let Some(o) = f.ontap_configuration() {
        return (
            o.deployment_type().map(|d| d.as_str().to_string()),
            o.automatic_backup_retention_days(),
            own(o.preferred_subnet_id()),
            None,
        );
    }
    if let Some(z) = f.open_zfs_configuration() {
        return (
            z.deployment_type().map(|d| d.as_str().to_string()),
            z.automatic_backup_retention_days(),
            own(z.preferred_subnet_id()),
            None,
        );
    }
    if let Some(l) = f.lustre_configuration() {
        return (
            l.deployment_type().map(|d| d.as_str().to_string()),
            l.automatic_backup_retention_days(),
            None,
            own(l.data_repository_configuration().and_then(|d| d.import_path())),
        );
    }
    (None, None, None, None)
}

/// The type's CopyTagsToBackups, false when the answer leaves it out (its default); none for
/// ONTAP, which has no such setting.
fn copy_tags_to_backups(f: &FileSystem) -> Option<bool> {
    let copy = if let Some(w) = f.windows_configuration() {
        w.copy_tags_to_backups()
    } else if let Some(z) = f.open_zfs_configuration() {
        z.copy_tags_to_backups()
    } else if let Some(l) = f.lustre_configuration() {
        l.copy_tags_to_backups()
    } else {
        return None;
    };
    Some(copy.unwrap_or(false))
}

fn file_system(region: &str, f: &FileSystem) -> Option<FsxFileSystem> {
    let (deployment_type, retention, preferred_subnet_id, data_repository_path) =
        type_settings(f);
    Some(FsxFileSystem {
        region: region.to_string(),
        file_system_id: f.file_system_id()?.to_string(),
        arn: f.resource_arn().unwrap_or_default().to_string(),
        file_system_type: f.file_system_type().map(|t| t.as_str().to_string()),
        lifecycle: f.lifecycle().map(|l| l.as_str().to_string()),
        deployment_type,
        automatic_backup_retention_days: retention.map(i64::from),
        copy_tags_to_backups: copy_tags_to_backups(f),
        data_repository_path,
        vpc_id: f.vpc_id().map(str::to_string),
        subnet_ids: f.subnet_ids().to_vec(),
        preferred_subnet_id,
        tags: tags(f.tags().iter().map(|t| (t.key(), t.value()))),
        unreadable: Default::default(),
    })
}
