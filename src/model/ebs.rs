//! EBS volumes, with the age of their newest snapshot.

use super::{fields_of, name_tag, propagate, Ctx, Resource};
use crate::snapshot::Volume;
use serde_json::Value;

pub(super) fn build(ctx: &Ctx, out: &mut Vec<Resource>) {
    let s = ctx.snapshot;
    for v in &s.ebs.volumes {
        out.push(volume(ctx, v));
    }
}

/// Whole hours from `then` to the snapshot's `taken_at`, or why that is unknown.
pub(super) fn hours_before_taken(ctx: &Ctx, then: &str) -> Result<i64, String> {
    let taken = chrono::DateTime::parse_from_rfc3339(&ctx.snapshot.taken_at).map_err(|e| {
        format!(
            "the snapshot time {:?} is not RFC 3339: {e}",
            ctx.snapshot.taken_at
        )
    })?;
    let then = chrono::DateTime::parse_from_rfc3339(then)
        .map_err(|e| format!("the time {then:?} is not RFC 3339: {e}"))?;
    Ok((taken - then).num_hours())
}

fn volume(ctx: &Ctx, v: &Volume) -> Resource {
    let s = ctx.snapshot;
    let mut fields = fields_of(v);
    let mut unknown = v.unreadable.clone();
    let age = match v.newest_snapshot_time.as_deref() {
        None => Value::Null,
        Some(t) => match hours_before_taken(ctx, t) {
            Ok(h) => Value::from(h.div_euclid(24)),
            Err(why) => {
                unknown.insert("snapshot_age_days".into(), why);
                Value::Null
            }
        },
    };
    fields.insert("snapshot_age_days".into(), age);
    propagate(&mut unknown, "newest_snapshot_time", &["snapshot_age_days"]);
    Resource {
        kind: "ebs.volume",
        id: v.volume_id.clone(),
        name: name_tag(&v.tags),
        arn: format!(
            "arn:{}:ec2:{}:{}:volume/{}",
            s.partition, v.region, s.account_id, v.volume_id
        ),
        region: v.region.clone(),
        fields,
        unknown,
    }
}
