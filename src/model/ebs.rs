//! EBS volumes, with the age of their newest snapshot and their backup coverage.

use super::{name_tag, Always, Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::Volume;
use std::borrow::Cow;

crate::facts! {
    /// Derived facts of an EBS volume.
    pub struct VolumeFacts<'a> {
        /// Whole days from its newest snapshot to the scan (null: no snapshot).
        pub snapshot_age_days: Known<Option<i64>>,
        /// The resource type AWS Backup gives it.
        pub backup_resource_type: Always<&'static str>,
        /// The AWS Backup plans whose selections assign it.
        pub backup_plans: Known<Vec<&'a str>>,
        /// Its newest recovery point (null: none).
        pub last_backup_time: Known<Option<&'a str>>,
        /// That recovery point's age when the snapshot was taken, in hours.
        pub backup_age_hours: Known<Option<i64>>,
        /// The AWS Backup plans of the instances it is attached to (an EC2 backup snapshots
        /// every volume of the instance).
        pub attached_instance_backup_plans: Known<Vec<&'a str>>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for v in &ctx.snapshot.ebs.volumes {
        out.push(volume(ctx, v));
    }
}

fn volume<'a>(ctx: &Ctx<'a>, v: &'a Volume) -> Resource<'a> {
    let age = match v.newest_snapshot_time.as_deref() {
        None => Known::Is(None),
        Some(t) => match ctx.hours_before_taken(t) {
            Ok(h) => Known::Is(Some(h.div_euclid(24))),
            Err(why) => Known::unknown(why),
        },
    };
    let arn = ctx.arn("ec2", &v.region, "volume", &v.volume_id);
    let tags = (!v.unreadable.contains_key("tags")).then_some(&v.tags);
    let backup = ctx.backup_coverage(Kind::Volume, &v.region, &arn, tags);
    let mut f = VolumeFacts {
        snapshot_age_days: age,
        backup_resource_type: Always(backup.resource_type),
        backup_plans: backup.plans,
        last_backup_time: backup.last_backup_time,
        backup_age_hours: backup.age_hours,
        attached_instance_backup_plans: ctx
            .attached_instance_backup_plans(&v.region, &v.attached_instance_ids),
    };
    crate::unknown_if!(v.unreadable.get("newest_snapshot_time") => f.snapshot_age_days);
    Resource {
        kind: Kind::Volume,
        id: Cow::Borrowed(&v.volume_id),
        name: name_tag(&v.tags),
        arn: Cow::Owned(arn),
        region: Cow::Borrowed(&v.region),
        source: Some(v),
        unreadable: Some(&v.unreadable),
        facts: Box::new(f),
    }
}

