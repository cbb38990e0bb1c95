//! EBS: volumes, and per volume the account's completed snapshots (how many, and the newest).
//!
//! Two paginated EC2 calls per region: the volumes and the account's own snapshots.

use crate::registry::Kind;
use super::fail::{mark_unreadable, Op};
use super::{drain, tags, Collected, Scope};
use crate::snapshot::{Ebs, Volume};
use aws_sdk_ec2::primitives::{DateTime, DateTimeFormat};
use aws_sdk_ec2::types::SnapshotState;
use aws_sdk_ec2::Client;
use std::collections::HashMap;

const DESCRIBE_VOLUMES: Op = Op::new("DescribeVolumes", "ec2:DescribeVolumes");
const DESCRIBE_SNAPSHOTS: Op = Op::new("DescribeSnapshots", "ec2:DescribeSnapshots");

pub const ACTIONS: &[&str] = &[DESCRIBE_VOLUMES.action, DESCRIBE_SNAPSHOTS.action];

pub(super) async fn collect(scope: Scope) -> Collected<Ebs> {
    let client: Client = super::sdk_client!(aws_sdk_ec2, scope);
    let mut errors = Vec::new();
    let mut volume_pages = client.describe_volumes().into_paginator().items().send();
    // Only the account's own snapshots: public and shared ones are not its backups.
    let mut snapshot_pages = client
        .describe_snapshots()
        .owner_ids("self")
        .into_paginator()
        .items()
        .send();
    let ((listed, err), (snapshots, snapshot_err)) = tokio::join!(
        scope.call(drain(|cx| volume_pages.poll_next(cx))),
        scope.call(drain(|cx| snapshot_pages.poll_next(cx))),
    );
    errors.extend(err.map(|e| DESCRIBE_VOLUMES.listing_failed(&[Kind::Volume], &e)));

    // Per volume: completed snapshots and the newest start time.
    let mut by_volume: HashMap<&str, (i64, Option<DateTime>)> = HashMap::new();
    for s in &snapshots {
        let (Some(volume), Some(SnapshotState::Completed)) = (s.volume_id(), s.state()) else {
            continue;
        };
        let entry = by_volume.entry(volume).or_default();
        entry.0 += 1;
        if let Some(t) = s.start_time() {
            if entry.1.is_none_or(|newest| *t > newest) {
                entry.1 = Some(*t);
            }
        }
    }
    // A snapshot listing that stopped early proves nothing about any volume's snapshots.
    let snapshot_err = snapshot_err.map(|e| DESCRIBE_SNAPSHOTS.listing_failed(&[], &e));

    let volumes = listed
        .iter()
        .map(|v| {
            let id = v.volume_id().unwrap_or_default().to_string();
            let (count, newest) = by_volume.get(id.as_str()).copied().unwrap_or_default();
            let mut volume = Volume {
                region: scope.region.clone(),
                availability_zone: v.availability_zone().unwrap_or_default().to_string(),
                state: v.state().map(|s| s.as_str().to_string()),
                volume_type: v.volume_type().map(|t| t.as_str().to_string()),
                size: v.size().map(i64::from),
                attached_instance_ids: v
                    .attachments()
                    .iter()
                    .filter_map(|a| a.instance_id())
                    .map(str::to_string)
                    .collect(),
                snapshot_count: count,
                newest_snapshot_time: newest.and_then(|t| t.fmt(DateTimeFormat::DateTime).ok()),
                tags: tags(v.tags().iter().map(|t| (t.key(), t.value()))),
                volume_id: id,
                unreadable: Default::default(),
            };
            if let Some(err) = &snapshot_err {
                mark_unreadable(
                    &mut volume.unreadable,
                    &["snapshot_count", "newest_snapshot_time"],
                    err,
                );
            }
            volume
        })
        .collect();
    errors.extend(snapshot_err);
    (Ebs { volumes }, errors)
}
