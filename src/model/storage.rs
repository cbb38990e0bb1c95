//! RDS instances and clusters, and S3 buckets with their replication destinations.

use super::{depends_on, distinct, fields_of, propagate, Ctx, Resource};
use crate::snapshot::{Bucket, DbCluster, DbClusterMember, DbInstance};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

pub(super) fn build(ctx: &Ctx, out: &mut Vec<Resource>) {
    let s = ctx.snapshot;
    let instances: HashMap<(&str, &str), &DbInstance> = s
        .rds
        .db_instances
        .iter()
        .map(|i| ((i.region.as_str(), i.db_instance_identifier.as_str()), i))
        .collect();
    for db in &s.rds.db_instances {
        let mut r = db_instance(ctx, db, &instances);
        if db.monitoring_interval.is_none() {
            r.unknown
                .entry("monitoring_interval".into())
                .or_insert_with(|| {
                    "the Enhanced Monitoring interval is not in the snapshot".into()
                });
        }
        out.push(r);
    }
    for c in &s.rds.db_clusters {
        out.push(db_cluster(ctx, c, &instances));
    }
    let buckets: HashMap<&str, &Bucket> =
        s.s3.buckets.iter().map(|b| (b.name.as_str(), b)).collect();
    for b in &s.s3.buckets {
        out.push(bucket(ctx, b, &buckets));
    }
}

/// Where a read replica's source lives: `(region, identifier)`. The API names a source in
/// the same region by identifier and one in another region by ARN
/// (`arn:aws:rds:<region>:<account>:db:<id>`).
fn replica_source<'a>(own_region: &'a str, source: &'a str) -> (&'a str, &'a str) {
    let parts: Vec<&str> = source.split(':').collect();
    match parts.as_slice() {
        ["arn", _, "rds", region, _, _, id] => (region, id),
        _ => (own_region, source),
    }
}

fn db_instance(
    ctx: &Ctx,
    db: &DbInstance,
    instances: &HashMap<(&str, &str), &DbInstance>,
) -> Resource {
    let mut fields = fields_of(db);
    let mut unknown = db.unreadable.clone();
    fields.insert(
        "is_cluster_member".into(),
        Value::Bool(db.db_cluster_identifier.is_some()),
    );
    fields.insert(
        "is_read_replica".into(),
        Value::Bool(db.read_replica_source.is_some()),
    );
    fields.insert(
        "subnet_group_azs".into(),
        distinct(db.subnet_group_azs.iter().map(String::as_str)),
    );
    // The source instance's region and AZ, for replicas of a DB instance. A source that is
    // not a listed DB instance (a cluster, or one deleted since) has no AZ to compare with.
    let source = db
        .read_replica_source
        .as_deref()
        .map(|src| replica_source(&db.region, src));
    let source_az = source
        .and_then(|key| instances.get(&key))
        .and_then(|i| i.availability_zone.as_deref());
    fields.insert("source_region".into(), json!(source.map(|(r, _)| r)));
    fields.insert("source_availability_zone".into(), json!(source_az));
    if let Some((region, _)) = source {
        if source_az.is_none() {
            depends_on(
                ctx,
                &mut unknown,
                "rds.db_instance",
                region,
                &["source_availability_zone"],
            );
        }
    }
    Resource {
        kind: "rds.db_instance",
        id: db.db_instance_identifier.clone(),
        name: Some(db.db_instance_identifier.clone()),
        arn: db.arn.clone(),
        region: db.region.clone(),
        fields,
        unknown,
    }
}

fn db_cluster(
    ctx: &Ctx,
    c: &DbCluster,
    instances: &HashMap<(&str, &str), &DbInstance>,
) -> Resource {
    let mut fields = fields_of(c);
    let mut unknown = BTreeMap::new();
    // Facts about the members come from their DB instances; a member the instance listing
    // does not hold makes them unknown rather than quietly smaller.
    let members: Vec<(&DbClusterMember, Option<&DbInstance>)> = c
        .members
        .iter()
        .map(|m| {
            let key = (c.region.as_str(), m.db_instance_identifier.as_str());
            (m, instances.get(&key).copied())
        })
        .collect();
    let azs = |readers_only: bool| {
        distinct(
            members
                .iter()
                .filter(|(m, _)| !(readers_only && m.is_writer))
                .filter_map(|(_, i)| (*i)?.availability_zone.as_deref()),
        )
    };
    fields.insert("member_azs".into(), azs(false));
    fields.insert("reader_azs".into(), azs(true));
    fields.insert("member_count".into(), Value::from(members.len()));
    fields.insert(
        "reader_count".into(),
        Value::from(members.iter().filter(|(m, _)| !m.is_writer).count()),
    );
    fields.insert(
        "public_member_count".into(),
        Value::from(
            members
                .iter()
                .filter(|(_, i)| i.is_some_and(|i| i.publicly_accessible))
                .count(),
        ),
    );
    let derived = ["member_azs", "reader_azs", "public_member_count"];
    depends_on(ctx, &mut unknown, "rds.db_instance", &c.region, &derived);
    if let Some((missing, _)) = members.iter().find(|(_, i)| i.is_none()) {
        let reason = format!(
            "member {} is not in the DB instance listing of {}",
            missing.db_instance_identifier, c.region
        );
        for d in derived {
            unknown
                .entry(d.to_string())
                .or_insert_with(|| reason.clone());
        }
    }
    Resource {
        kind: "rds.db_cluster",
        id: c.db_cluster_identifier.clone(),
        name: Some(c.db_cluster_identifier.clone()),
        arn: c.arn.clone(),
        region: c.region.clone(),
        fields,
        unknown,
    }
}

/// The bucket name of a replication destination (`arn:aws:s3:::name`, or a bare name).
fn bucket_name(destination: &str) -> &str {
    destination.rsplit(':').next().unwrap_or(destination)
}

fn bucket(ctx: &Ctx, b: &Bucket, buckets: &HashMap<&str, &Bucket>) -> Resource {
    let mut fields = fields_of(b);
    let mut unknown = b.unreadable.clone();
    if b.object_lock_enabled.is_none() {
        unknown
            .entry("object_lock_enabled".into())
            .or_insert_with(|| "not in the snapshot (written by an older ha-audit)".into());
    }

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
    let rules: Vec<Value> = b
        .replication
        .iter()
        .flat_map(|r| &r.rules)
        .map(|r| {
            let dest = bucket_name(&r.destination_bucket);
            // The destination's region is known only for buckets of this account.
            let region = buckets.get(dest).map(|d| d.region.as_str());
            json!({
                "id": r.id,
                "status": r.status,
                "destination_bucket": dest,
                "destination_account": r.destination_account,
                "destination_region": region,
                "destination_exists": region.is_some(),
            })
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
            unknown.insert("cross_region_replication".into(), why);
        }
    }
    fields.insert("replication_rules".into(), Value::Array(rules));
    fields.insert("cross_region_replication".into(), Value::Bool(cross_region));
    fields.insert("replication_missing_destinations".into(), distinct(missing));
    fields.insert(
        "replication_unversioned_destinations".into(),
        distinct(unversioned.iter().copied()),
    );
    // One destination known to be unversioned is enough to judge; otherwise an unreadable
    // destination leaves the question open.
    if let (true, Some(why)) = (unversioned.is_empty(), versioning_unknown) {
        unknown.insert("replication_unversioned_destinations".into(), why);
    }
    // A bucket missing from a listing that stopped early is not a missing destination.
    depends_on(
        ctx,
        &mut unknown,
        "s3.bucket",
        &b.region,
        &["replication_missing_destinations"],
    );
    propagate(
        &mut unknown,
        "replication",
        &[
            "replication_rules",
            "cross_region_replication",
            "replication_missing_destinations",
            "replication_unversioned_destinations",
        ],
    );
    Resource {
        kind: "s3.bucket",
        id: b.name.clone(),
        name: Some(b.name.clone()),
        arn: b.arn.clone(),
        region: b.region.clone(),
        fields,
        unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::replica_source;
    use crate::model::backup::unknown_besides_backup;
    use crate::model::tests::coverage_error as denied;
    use crate::model::{Model, Resource};
    use crate::snapshot::*;
    use serde_json::json;

    const ACCOUNT: &str = "111122223333";

    fn find<'a>(m: &'a Model, kind: &'a str, id: &str) -> &'a Resource {
        m.of_kind(kind)
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("no {kind} {id}"))
    }

    fn db(region: &str, id: &str, az: &str) -> DbInstance {
        DbInstance {
            region: region.into(),
            db_instance_identifier: id.into(),
            availability_zone: Some(az.into()),
            monitoring_interval: Some(0),
            ..Default::default()
        }
    }

    #[test]
    fn replica_sources_by_identifier_or_arn() {
        assert_eq!(
            replica_source("us-west-2", "orders"),
            ("us-west-2", "orders")
        );
        assert_eq!(
            replica_source("us-west-2", "arn:aws:rds:us-east-1:123456789012:db:orders"),
            ("us-east-1", "orders")
        );
    }

    #[test]
    fn a_replica_knows_its_source_az_in_its_own_or_another_region() {
        let mut s = Snapshot::new(
            ACCOUNT,
            vec!["us-east-1".into(), "us-west-2".into()],
            "t".into(),
        );
        let replica = |region: &str, id: &str, az: &str, source: &str| DbInstance {
            read_replica_source: Some(source.into()),
            ..db(region, id, az)
        };
        s.rds.db_instances = vec![
            db("us-east-1", "orders", "us-east-1a"),
            replica("us-east-1", "orders-ro", "us-east-1a", "orders"),
            replica(
                "us-west-2",
                "orders-dr",
                "us-west-2a",
                "arn:aws:rds:us-east-1:111122223333:db:orders",
            ),
            replica("us-east-1", "of-a-cluster", "us-east-1b", "some-cluster"),
        ];
        let m = Model::build(&s);
        let f = |id: &str, field: &str| find(&m, "rds.db_instance", id).fields[field].clone();
        assert_eq!(f("orders-ro", "source_region"), json!("us-east-1"));
        assert_eq!(
            f("orders-ro", "source_availability_zone"),
            json!("us-east-1a")
        );
        assert_eq!(f("orders-dr", "source_region"), json!("us-east-1"));
        assert_eq!(
            f("orders-dr", "source_availability_zone"),
            json!("us-east-1a")
        );
        // Not a listed DB instance: no AZ to compare with, and nothing unknown about it (but
        // its alarms: CloudWatch is not in this snapshot).
        assert_eq!(f("of-a-cluster", "source_availability_zone"), json!(null));
        assert!(
            unknown_besides_backup(&find(&m, "rds.db_instance", "of-a-cluster").unknown)
                .keys()
                .all(|k| crate::model::alarms::HEALTH_FIELDS.contains(k))
        );
        assert_eq!(f("orders", "source_region"), json!(null));
    }

    #[test]
    fn a_replica_whose_source_region_was_not_listed_has_an_unknown_source_az() {
        let mut s = Snapshot::new(
            ACCOUNT,
            vec!["us-east-1".into(), "us-west-2".into()],
            "t".into(),
        );
        s.coverage.push(denied(
            "rds",
            "us-east-1",
            "DescribeDBInstances",
            &["rds.db_instance"],
        ));
        s.rds.db_instances = vec![DbInstance {
            read_replica_source: Some("arn:aws:rds:us-east-1:111122223333:db:orders".into()),
            ..db("us-west-2", "orders-dr", "us-west-2a")
        }];
        let m = Model::build(&s);
        let r = find(&m, "rds.db_instance", "orders-dr");
        assert!(r.unknown["source_availability_zone"].contains("AccessDenied"));
    }

    #[test]
    fn member_facts_come_from_the_members_and_a_missing_member_makes_them_unknown() {
        let mut s = Snapshot::new(ACCOUNT, vec!["eu-west-1".into()], "t".into());
        let member = |id: &str, writer: bool| DbClusterMember {
            db_instance_identifier: id.into(),
            is_writer: writer,
            promotion_tier: None,
        };
        s.rds.db_instances = vec![
            DbInstance {
                publicly_accessible: true,
                ..db("eu-west-1", "c-1", "eu-west-1a")
            },
            db("eu-west-1", "c-2", "eu-west-1b"),
            db("eu-west-1", "c-3", "eu-west-1b"),
        ];
        let cluster = |id: &str, members: Vec<DbClusterMember>| DbCluster {
            region: "eu-west-1".into(),
            db_cluster_identifier: id.into(),
            members,
            ..Default::default()
        };
        s.rds.db_clusters = vec![
            cluster(
                "whole",
                vec![
                    member("c-1", true),
                    member("c-2", false),
                    member("c-3", false),
                ],
            ),
            cluster("partial", vec![member("c-2", true), member("gone", false)]),
        ];
        let m = Model::build(&s);
        let whole = find(&m, "rds.db_cluster", "whole");
        assert_eq!(whole.fields["reader_azs"], json!(["eu-west-1b"]));
        assert_eq!(whole.fields["reader_count"], json!(2));
        assert_eq!(whole.fields["public_member_count"], json!(1));
        assert!(unknown_besides_backup(&whole.unknown).is_empty());
        let partial = find(&m, "rds.db_cluster", "partial");
        for f in ["member_azs", "reader_azs", "public_member_count"] {
            assert!(
                partial.unknown[f].contains("member gone is not in the DB instance listing"),
                "{f}: {:?}",
                partial.unknown
            );
        }
    }

    fn bucket(name: &str, versioning: Option<&str>, dests: &[(&str, Option<&str>)]) -> Bucket {
        Bucket {
            name: name.into(),
            arn: format!("arn:aws:s3:::{name}"),
            region: "us-east-1".into(),
            versioning: versioning.map(str::to_string),
            object_lock_enabled: Some(false),
            replication: (!dests.is_empty()).then(|| Replication {
                role: None,
                rules: dests
                    .iter()
                    .map(|(d, account)| ReplicationRule {
                        status: "Enabled".into(),
                        destination_bucket: format!("arn:aws:s3:::{d}"),
                        destination_account: account.map(str::to_string),
                        ..Default::default()
                    })
                    .collect(),
            }),
            ..Default::default()
        }
    }

    #[test]
    fn replication_destinations_missing_or_unversioned() {
        let mut s = Snapshot::new(ACCOUNT, vec!["us-east-1".into()], "t".into());
        let mut unreadable = bucket("dest-unreadable", None, &[]);
        unreadable.unreadable.insert(
            "versioning".into(),
            "GetBucketVersioning failed: AccessDenied".into(),
        );
        s.s3.buckets = vec![
            bucket("dest-on", Some("Enabled"), &[]),
            bucket("dest-suspended", Some("Suspended"), &[]),
            bucket("dest-never", None, &[]),
            unreadable,
            bucket(
                "src",
                Some("Enabled"),
                &[
                    ("dest-on", None),
                    ("dest-suspended", None),
                    ("dest-never", None),
                    ("gone", None),
                    ("gone-too", Some(ACCOUNT)),
                    ("theirs", Some("999988887777")),
                ],
            ),
            bucket(
                "src-unreadable",
                Some("Enabled"),
                &[("dest-unreadable", None)],
            ),
            bucket(
                "src-both",
                Some("Enabled"),
                &[("dest-unreadable", None), ("dest-never", None)],
            ),
        ];
        let m = Model::build(&s);
        let src = find(&m, "s3.bucket", "src");
        // Another account's bucket cannot be seen: it is not reported missing.
        assert_eq!(
            src.fields["replication_missing_destinations"],
            json!(["gone", "gone-too"])
        );
        assert_eq!(
            src.fields["replication_unversioned_destinations"],
            json!(["dest-never", "dest-suspended"])
        );
        assert!(
            unknown_besides_backup(&src.unknown).is_empty(),
            "{:?}",
            src.unknown
        );
        let open = find(&m, "s3.bucket", "src-unreadable");
        assert!(open.unknown["replication_unversioned_destinations"]
            .contains("versioning of destination bucket dest-unreadable could not be read"));
        // One destination known to be unversioned decides, whatever the other one is.
        let both = find(&m, "s3.bucket", "src-both");
        assert_eq!(
            both.fields["replication_unversioned_destinations"],
            json!(["dest-never"])
        );
        assert!(!both
            .unknown
            .contains_key("replication_unversioned_destinations"));
    }

    #[test]
    fn an_incomplete_bucket_listing_hides_no_missing_destination() {
        let mut s = Snapshot::new(ACCOUNT, vec!["us-east-1".into()], "t".into());
        s.coverage
            .push(denied("s3", "global", "ListBuckets", &["s3.bucket"]));
        s.s3.buckets = vec![bucket("src", Some("Enabled"), &[("not-listed", None)])];
        let m = Model::build(&s);
        let src = find(&m, "s3.bucket", "src");
        assert!(src.unknown["replication_missing_destinations"].contains("ListBuckets"));
    }

    #[test]
    fn a_destination_whose_region_is_unreadable_proves_no_cross_region_copy() {
        let mut s = Snapshot::new(ACCOUNT, vec!["us-east-1".into()], "t".into());
        let mut lost = bucket("dest-lost", Some("Enabled"), &[]);
        lost.region = String::new();
        lost.unreadable.insert(
            "region".into(),
            "GetBucketLocation failed: dispatch: connection closed".into(),
        );
        let mut west = bucket("dest-west", Some("Enabled"), &[]);
        west.region = "us-west-2".into();
        s.s3.buckets = vec![
            bucket("to-lost", Some("Enabled"), &[("dest-lost", None)]),
            bucket("to-west", Some("Enabled"), &[("dest-west", None)]),
            bucket(
                "to-both",
                Some("Enabled"),
                &[("dest-lost", None), ("dest-west", None)],
            ),
            lost,
            west,
        ];
        let m = Model::build(&s);
        // An empty region is not "another region": the question stays open.
        let to_lost = find(&m, "s3.bucket", "to-lost");
        assert!(to_lost.unknown["cross_region_replication"].contains("dest-lost"));
        assert_eq!(
            find(&m, "s3.bucket", "to-west").fields["cross_region_replication"],
            true
        );
        // One destination known to be elsewhere is enough.
        let to_both = find(&m, "s3.bucket", "to-both");
        assert_eq!(to_both.fields["cross_region_replication"], true);
        assert!(!to_both.unknown.contains_key("cross_region_replication"));
    }

    #[test]
    fn object_lock_is_unknown_when_not_collected() {
        let mut s = Snapshot::new(ACCOUNT, vec!["us-east-1".into()], "t".into());
        let mut old = bucket("old", None, &[]);
        old.object_lock_enabled = None;
        let mut denied = bucket("denied", None, &[]);
        denied.object_lock_enabled = None;
        denied.unreadable.insert(
            "object_lock_enabled".into(),
            "GetObjectLockConfiguration failed: AccessDenied: denied".into(),
        );
        s.s3.buckets = vec![old, denied, bucket("read", None, &[])];
        let m = Model::build(&s);
        assert!(find(&m, "s3.bucket", "old").unknown["object_lock_enabled"].contains("older"));
        assert!(
            find(&m, "s3.bucket", "denied").unknown["object_lock_enabled"]
                .contains("GetObjectLockConfiguration")
        );
        let read = find(&m, "s3.bucket", "read");
        assert_eq!(read.fields["object_lock_enabled"], json!(false));
        assert!(unknown_besides_backup(&read.unknown).is_empty());
    }
}
