//! S3 buckets with their replication destinations, and their backup coverage.

use super::{distinct, Always, Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::Bucket;
use std::borrow::Cow;
use std::collections::HashMap;

crate::object! {
    /// One replication rule of a bucket, with what is known of its destination.
    pub struct ReplicationRuleFact<'a> {
        pub id: Option<&'a str>,
        pub status: &'a str,
        pub destination_bucket: &'a str,
        pub destination_account: Option<&'a str>,
        pub destination_region: Option<&'a str>,
        pub destination_exists: bool,
    }
}

crate::facts! {
    /// Derived facts of an S3 bucket.
    pub struct BucketFacts<'a> {
        /// Whether Object Lock is enabled (unknown in snapshots written before it was read).
        pub object_lock_enabled: Known<Option<bool>>,
        /// Its replication rules, each with the destination's region when the destination
        /// is a bucket of this account.
        pub replication_rules: Known<Vec<ReplicationRuleFact<'a>>>,
        /// Whether an enabled rule replicates to a bucket of this account in another region.
        pub cross_region_replication: Known<bool>,
        /// Buckets of this account in other regions whose enabled replication rules write
        /// into this one: it is their cross-region copy, not a primary.
        pub replica_of: Always<Vec<&'a str>>,
        /// Where its copy in another region is, in words (null: none known).
        pub cross_region_copy: Known<Option<String>>,
        /// Destinations of enabled rules that are not buckets of the account (deleted).
        pub replication_missing_destinations: Known<Vec<&'a str>>,
        /// Destinations of enabled rules that are buckets of the account without versioning.
        pub replication_unversioned_destinations: Known<Vec<&'a str>>,
        /// The resource type AWS Backup gives it.
        pub backup_resource_type: Always<&'static str>,
        /// The AWS Backup plans whose selections assign it.
        pub backup_plans: Known<Vec<&'a str>>,
        /// Its newest recovery point (null: none).
        pub last_backup_time: Known<Option<&'a str>>,
        /// That recovery point's age when the snapshot was taken, in hours.
        pub backup_age_hours: Known<Option<i64>>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    let s = ctx.snapshot;
    let buckets: HashMap<&str, &Bucket> =
        s.s3.buckets.iter().map(|b| (b.name.as_str(), b)).collect();
    // Destination -> the buckets in other regions that replicate into it.
    let mut sources: HashMap<&str, Vec<&Bucket>> = HashMap::new();
    // Destination -> why it may be the cross-region copy of another bucket.
    let mut maybe_sources: HashMap<&str, String> = HashMap::new();
    for b in &s.s3.buckets {
        for r in b.replication.iter().flat_map(|r| &r.rules) {
            let dest = bucket_name(&r.destination_bucket);
            let cross = buckets.get(dest).is_some_and(|d| {
                d.region != b.region
                    && !d.unreadable.contains_key("region")
                    && !b.unreadable.contains_key("region")
            });
            if r.status == "Enabled" && cross {
                let list = sources.entry(dest).or_default();
                if !list.iter().any(|x| x.name == b.name) {
                    list.push(b);
                }
            }
            // Either region unknown: the destination may be this bucket's cross-region copy.
            if let (true, Some(d)) = (r.status == "Enabled", buckets.get(dest)) {
                let why = b
                    .unreadable
                    .get("region")
                    .map(|why| (b.name.as_str(), why))
                    .or_else(|| d.unreadable.get("region").map(|why| (d.name.as_str(), why)));
                if let Some((which, why)) = why {
                    maybe_sources.entry(dest).or_insert_with(|| {
                        format!(
                            "bucket {} replicates into it, but the region of {which} could not be read: {why}",
                            b.name
                        )
                    });
                }
            }
        }
    }
    // A bucket whose replication could not be read may replicate into any other: a bucket
    // with no known copy cannot be judged a primary without a copy then.
    let unread_source = s.s3.buckets.iter().find_map(|b| {
        let why = b.unreadable.get("replication")?;
        Some((b.name.as_str(), why.as_str()))
    });
    for b in &s.s3.buckets {
        let replica_of = sources.get(b.name.as_str()).cloned().unwrap_or_default();
        let maybe_replica = maybe_sources.get(b.name.as_str()).cloned().or_else(|| {
            unread_source
                .filter(|(name, _)| *name != b.name)
                .map(|(source, why)| {
                    format!(
                        "bucket {source}'s replication could not be read, and it may replicate into this one: {why}"
                    )
                })
        });
        out.push(bucket(ctx, b, &buckets, replica_of, maybe_replica));
    }
}

/// The bucket name of a replication destination (`arn:aws:s3:::name`, or a bare name).
pub(crate) fn bucket_name(destination: &str) -> &str {
    destination.rsplit(':').next().unwrap_or(destination)
}

fn bucket<'a>(
    ctx: &Ctx<'a>,
    b: &'a Bucket,
    buckets: &HashMap<&str, &'a Bucket>,
    replica_of: Vec<&'a Bucket>,
    maybe_replica: Option<String>,
) -> Resource<'a> {
    // Destinations of the enabled rules: not in the account, or in it without versioning.
    let mut missing = Vec::new();
    let mut unversioned = Vec::new();
    let mut versioning_unknown = None;
    let enabled: Vec<_> = b
        .replication
        .iter()
        .flat_map(|r| &r.rules)
        .filter(|r| r.status == "Enabled")
        .collect();
    for r in &enabled {
        let name = bucket_name(&r.destination_bucket);
        let other_account = r
            .destination_account
            .as_deref()
            .is_some_and(|a| a != ctx.snapshot.account_id);
        match buckets.get(name) {
            // A rule that names another account replicates to a bucket we cannot see.
            None if other_account => {}
            None => missing.push(name),
            Some(dest) => match dest.unreadable.get("versioning") {
                Some(why) if versioning_unknown.is_none() => {
                    versioning_unknown = Some(format!(
                        "the versioning of destination bucket {name} could not be read: {why}"
                    ));
                }
                Some(_) => {}
                None if dest.versioning.as_deref() == Some("Enabled") => {}
                None => unversioned.push(name),
            },
        }
    }
    let rules: Vec<ReplicationRuleFact> = b
        .replication
        .iter()
        .flat_map(|r| &r.rules)
        .map(|r| {
            let dest = bucket_name(&r.destination_bucket);
            // The destination's region is known only for buckets of this account.
            let region = buckets.get(dest).map(|d| d.region.as_str());
            ReplicationRuleFact {
                id: r.id.as_deref(),
                status: &r.status,
                destination_bucket: dest,
                destination_account: r.destination_account.as_deref(),
                destination_region: region,
                destination_exists: region.is_some(),
            }
        })
        .collect();
    // A region that could not be read (GetBucketLocation failed) proves nothing either way.
    let own_region_known = !b.unreadable.contains_key("region");
    // The enabled rules' destinations that are buckets of this account.
    let destinations: Vec<&Bucket> = enabled
        .iter()
        .filter_map(|r| buckets.get(bucket_name(&r.destination_bucket)).copied())
        .collect();
    let cross_region = own_region_known
        && destinations
            .iter()
            .any(|d| !d.unreadable.contains_key("region") && d.region != b.region);
    let copy = destinations
        .iter()
        .find(|d| cross_region && !d.unreadable.contains_key("region") && d.region != b.region)
        .map(|d| format!("replicated to {} ({})", d.name, d.region))
        .or_else(|| {
            replica_of.first().map(|src| {
                format!("it is the cross-region replica of {} ({})", src.name, src.region)
            })
        });
    let backup = ctx.backup_coverage(Kind::Bucket, &b.region, &b.arn, None);
    let mut f = BucketFacts {
        object_lock_enabled: match b.object_lock_enabled {
            Some(on) => Known::Is(Some(on)),
            None => Known::unknown("not in the snapshot (written by an older ha-audit)"),
        },
        replication_rules: Known::Is(rules),
        cross_region_replication: Known::Is(cross_region),
        replica_of: Always(replica_of.iter().map(|x| x.name.as_str()).collect()),
        cross_region_copy: Known::Is(copy),
        replication_missing_destinations: Known::Is(distinct(missing)),
        replication_unversioned_destinations: Known::Is(distinct(unversioned.iter().copied())),
        backup_resource_type: Always(backup.resource_type),
        backup_plans: backup.plans,
        last_backup_time: backup.last_backup_time,
        backup_age_hours: backup.age_hours,
    };
    if !cross_region {
        let dest_unknown = destinations.iter().find_map(|d| {
            let why = d.unreadable.get("region")?;
            Some(format!(
                "the region of destination bucket {} could not be read: {why}",
                d.name
            ))
        });
        let own_unknown = b
            .unreadable
            .get("region")
            .filter(|_| b.replication.is_some())
            .map(|why| format!("the bucket's region could not be read: {why}"));
        if let Some(why) = own_unknown.or(dest_unknown) {
            if f.replica_of.0.is_empty() {
                f.cross_region_copy = Known::unknown(why.as_str());
            }
            f.cross_region_replication = Known::unknown(why);
        }
    }
    // One destination known to be unversioned is enough to judge; otherwise an unreadable
    // destination leaves the question open.
    if let (true, Some(why)) = (unversioned.is_empty(), versioning_unknown) {
        f.replication_unversioned_destinations = Known::unknown(why);
    }
    // A bucket missing from a listing that stopped early is not a missing destination.
    crate::unknown_if!(ctx.incomplete(Kind::Bucket, &b.region) => f.replication_missing_destinations);
    if f.replica_of.0.is_empty() {
        crate::unknown_if!(b.unreadable.get("replication") => f.cross_region_copy);
        if matches!(f.cross_region_copy, Known::Is(None)) {
            crate::unknown_if!(maybe_replica => f.cross_region_copy);
        }
    }
    crate::unknown_if!(b.unreadable.get("replication") =>
        f.replication_rules,
        f.cross_region_replication,
        f.replication_missing_destinations,
        f.replication_unversioned_destinations);
    Resource {
        kind: Kind::Bucket,
        id: Cow::Borrowed(&b.name),
        name: Some(Cow::Borrowed(&b.name)),
        arn: Cow::Borrowed(&b.arn),
        region: Cow::Borrowed(&b.region),
        source: Some(b),
        unreadable: Some(&b.unreadable),
        facts: Box::new(f),
    }
}
