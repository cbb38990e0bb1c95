//! Derived facts on small hand-built snapshots.

use super::{Model, Resource};
use crate::snapshot::*;
use serde_json::json;

pub(super) fn coverage_error(service: &str, region: &str, op: &str, kinds: &[&str]) -> Coverage {
    Coverage {
        service: service.into(),
        region: region.into(),
        errors: vec![CollectError {
            operation: op.into(),
            iam_action: format!("{service}:{op}"),
            kinds: kinds.iter().map(|k| k.to_string()).collect(),
            resource: None,
            code: "AccessDenied".into(),
            message: "denied".into(),
        }],
    }
}

/// The resource of kind `kind` (a registry key) and id `id`; panics naming both if there is none.
pub(super) fn find<'a>(m: &'a Model, kind: &str, id: &str) -> &'a Resource<'a> {
    m.of_kind(crate::registry::Kind::from_key(kind).expect("a registry kind"))
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no {kind} {id}"))
}

/// The value of each of `facts` of the resource, or `unknown: <why>` for those not known.
pub(super) fn facts_or_why(
    m: &Model,
    kind: &str,
    id: &str,
    facts: &[&str],
) -> Vec<serde_json::Value> {
    let r = find(m, kind, id);
    let (fields, unknown) = (r.fields(), r.unknown());
    facts
        .iter()
        .map(|f| match unknown.get(*f) {
            Some(why) => json!(format!("unknown: {why}")),
            None => fields[*f].clone(),
        })
        .collect()
}

fn field(m: &Model, kind: &str, id: &str, f: &str) -> serde_json::Value {
    find(m, kind, id).fields()[f].clone()
}

#[test]
fn cluster_member_azs_come_from_the_member_instances() {
    let mut s = Snapshot::new("111122223333", vec!["eu-west-1".into()], "t".into());
    for (id, az) in [
        ("c-1", "eu-west-1a"),
        ("c-2", "eu-west-1a"),
        ("c-3", "eu-west-1b"),
    ] {
        s.rds.db_instances.push(DbInstance {
            region: "eu-west-1".into(),
            db_instance_identifier: id.into(),
            availability_zone: Some(az.into()),
            db_cluster_identifier: Some("c".into()),
            ..Default::default()
        });
    }
    s.rds.db_clusters.push(DbCluster {
        region: "eu-west-1".into(),
        db_cluster_identifier: "c".into(),
        members: vec![
            DbClusterMember {
                db_instance_identifier: "c-1".into(),
                is_writer: true,
                promotion_tier: None,
            },
            DbClusterMember {
                db_instance_identifier: "c-2".into(),
                is_writer: false,
                promotion_tier: None,
            },
        ],
        ..Default::default()
    });
    let m = Model::build(&s);
    // c-3 is in the region but not a member: it must not count.
    assert_eq!(
        field(&m, "rds.db_cluster", "c", "member_azs"),
        json!(["eu-west-1a"])
    );
    assert_eq!(
        field(&m, "rds.db_cluster", "c", "reader_azs"),
        json!(["eu-west-1a"])
    );
    assert_eq!(field(&m, "rds.db_cluster", "c", "reader_count"), json!(1));
    assert_eq!(
        field(&m, "rds.db_instance", "c-1", "is_cluster_member"),
        json!(true)
    );
}

#[test]
fn failed_instance_listing_makes_member_azs_unknown() {
    let mut s = Snapshot::new("111122223333", vec!["eu-west-1".into()], "t".into());
    s.coverage.push(coverage_error(
        "rds",
        "eu-west-1",
        "DescribeDBInstances",
        &["rds.db_instance"],
    ));
    s.rds.db_clusters.push(DbCluster {
        region: "eu-west-1".into(),
        db_cluster_identifier: "c".into(),
        ..Default::default()
    });
    let m = Model::build(&s);
    let c = m
        .resources
        .iter()
        .find(|r| r.kind.key() == "rds.db_cluster")
        .unwrap();
    assert!(c.unknown()["member_azs"].contains("AccessDenied"));
    assert_eq!(m.incomplete.len(), 1);
    assert_eq!(m.incomplete[0].kind.key(), "rds.db_instance");
}

#[test]
fn replication_counts_only_enabled_rules_to_known_buckets_in_other_regions() {
    let mut s = Snapshot::new("111122223333", vec!["us-east-1".into()], "t".into());
    let bucket = |name: &str, region: &str, dest: Option<(&str, &str)>| Bucket {
        name: name.into(),
        arn: format!("arn:aws:s3:::{name}"),
        region: region.into(),
        replication: dest.map(|(d, status)| Replication {
            role: None,
            rules: vec![ReplicationRule {
                status: status.into(),
                destination_bucket: format!("arn:aws:s3:::{d}"),
                ..Default::default()
            }],
        }),
        ..Default::default()
    };
    s.s3.buckets = vec![
        bucket("crr", "us-east-1", Some(("dr", "Enabled"))),
        bucket("srr", "us-east-1", Some(("same", "Enabled"))),
        bucket("off", "us-east-1", Some(("dr", "Disabled"))),
        bucket(
            "elsewhere",
            "us-east-1",
            Some(("other-account-bucket", "Enabled")),
        ),
        bucket("dr", "us-west-2", None),
        bucket("same", "us-east-1", None),
    ];
    let m = Model::build(&s);
    let crr = |id: &str| field(&m, "s3.bucket", id, "cross_region_replication").clone();
    assert_eq!(crr("crr"), json!(true));
    assert_eq!(crr("srr"), json!(false));
    assert_eq!(crr("off"), json!(false));
    // A destination outside the account has no known region: not counted as a regional copy.
    assert_eq!(crr("elsewhere"), json!(false));
    assert_eq!(
        field(&m, "s3.bucket", "elsewhere", "replication_rules")[0]["destination_exists"],
        json!(false)
    );
    // The destination of an enabled cross-region rule is the copy; a same-region or
    // disabled rule's is not.
    let copy = |id: &str| field(&m, "s3.bucket", id, "cross_region_copy");
    assert_eq!(field(&m, "s3.bucket", "dr", "replica_of"), json!(["crr"]));
    assert_eq!(
        copy("dr"),
        json!("it is the cross-region replica of crr (us-east-1)")
    );
    assert_eq!(copy("crr"), json!("replicated to dr (us-west-2)"));
    assert_eq!(field(&m, "s3.bucket", "same", "replica_of"), json!([]));
    assert_eq!(copy("same"), json!(null));
}

#[test]
fn an_efs_replica_in_another_region_knows_its_source() {
    let mut s = Snapshot::new("111122223333", vec!["us-east-1".into()], "t".into());
    let fs = |id: &str, region: &str, dest: Option<(&str, &str)>| FileSystem {
        region: region.into(),
        file_system_id: id.into(),
        replication_destinations: dest
            .map(|(region, id)| EfsReplicationDestination {
                region: region.into(),
                file_system_id: id.into(),
                status: Some("ENABLED".into()),
            })
            .into_iter()
            .collect(),
        ..Default::default()
    };
    s.efs.file_systems = vec![
        fs("fs-src", "us-east-1", Some(("us-west-2", "fs-dr"))),
        fs("fs-dr", "us-west-2", None),
        fs("fs-alone", "us-west-2", None),
    ];
    let m = Model::build(&s);
    assert_eq!(
        field(&m, "efs.file_system", "fs-dr", "replica_of"),
        json!(["fs-src"])
    );
    assert_eq!(
        field(&m, "efs.file_system", "fs-alone", "replica_of"),
        json!([])
    );
    assert_eq!(
        field(&m, "efs.file_system", "fs-src", "replica_of"),
        json!([])
    );
}

#[test]
fn failover_peers_match_name_and_type_within_a_zone() {
    let mut s = Snapshot::new("111122223333", vec![], "t".into());
    let rec = |zone: &str, name: &str, t: &str, role: &str| RecordSet {
        hosted_zone_id: zone.into(),
        name: name.into(),
        record_type: t.into(),
        set_identifier: Some(role.to_lowercase()),
        failover: Some(role.into()),
        ..Default::default()
    };
    s.route53.record_sets = vec![
        rec("Z1", "a.example.com.", "A", "PRIMARY"),
        rec("Z1", "a.example.com.", "A", "SECONDARY"),
        rec("Z1", "b.example.com.", "A", "PRIMARY"),
        rec("Z1", "b.example.com.", "AAAA", "SECONDARY"),
        rec("Z2", "c.example.com.", "A", "PRIMARY"),
        rec("Z3", "c.example.com.", "A", "SECONDARY"),
    ];
    let m = Model::build(&s);
    let peers = |id: &str| field(&m, "route53.record", id, "failover_peers").clone();
    assert_eq!(peers("Z1/a.example.com./A/primary"), json!(1));
    assert_eq!(peers("Z1/a.example.com./A/secondary"), json!(1));
    assert_eq!(
        peers("Z1/b.example.com./A/primary"),
        json!(0),
        "type must match"
    );
    assert_eq!(
        peers("Z2/c.example.com./A/primary"),
        json!(0),
        "zone must match"
    );
}

#[test]
fn asg_azs_fall_back_to_subnets_and_deduplicate() {
    let mut s = Snapshot::new("111122223333", vec!["eu-west-1".into()], "t".into());
    for (id, az) in [("s-a1", "eu-west-1a"), ("s-a2", "eu-west-1a")] {
        s.ec2.subnets.push(Subnet {
            region: "eu-west-1".into(),
            subnet_id: id.into(),
            availability_zone: az.into(),
            ..Default::default()
        });
    }
    s.autoscaling.groups.push(AutoScalingGroup {
        region: "eu-west-1".into(),
        name: "g".into(),
        subnet_ids: vec!["s-a1".into(), "s-a2".into()],
        target_group_arns: vec!["tg".into()],
        ..Default::default()
    });
    let m = Model::build(&s);
    assert_eq!(
        field(&m, "autoscaling.group", "g", "azs"),
        json!(["eu-west-1a"])
    );
    assert_eq!(
        field(&m, "autoscaling.group", "g", "has_load_balancer"),
        json!(true)
    );
}

#[test]
fn every_kind_has_its_fields_listed() {
    for k in super::judged_kinds() {
        let names = super::field_names(k.key());
        for common in ["id", "arn", "region", "name", "account_id"] {
            assert!(names.contains(common), "{k}: {common}");
        }
        assert!(!names.contains("unreadable"), "{k}");
    }
}

#[test]
fn a_zone_read_in_part_makes_only_its_failover_peers_unknown() {
    let mut s = Snapshot::new("111122223333", vec![], "t".into());
    let mut cov = coverage_error(
        "route53",
        "global",
        "ListResourceRecordSets",
        &["route53.record"],
    );
    cov.errors[0].resource = Some("Z1".into());
    s.coverage.push(cov);
    for zone in ["Z1", "Z2"] {
        s.route53.record_sets.push(RecordSet {
            hosted_zone_id: zone.into(),
            name: "a.example.com.".into(),
            record_type: "A".into(),
            set_identifier: Some("p".into()),
            failover: Some("PRIMARY".into()),
            ..Default::default()
        });
    }
    let m = Model::build(&s);
    let rec = |zone: &str| {
        m.resources
            .iter()
            .find(|r| r.kind.key() == "route53.record" && r.id.starts_with(zone))
            .unwrap()
    };
    assert!(rec("Z1").unknown().contains_key("failover_peers"));
    assert!(!rec("Z2").unknown().contains_key("failover_peers"));
}

#[test]
fn a_service_not_collected_or_not_listed_in_a_region_leaves_cross_service_facts_unknown() {
    let mut s = Snapshot::new("111122223333", vec!["eu-west-1".into()], "t".into());
    s.coverage.push(Coverage {
        service: "ec2".into(),
        region: "eu-west-1".into(),
        errors: Vec::new(),
    });
    s.coverage.push(coverage_error(
        "rds",
        "eu-west-1",
        "DescribeDBInstances",
        &["rds.db_instance"],
    ));
    use crate::registry::Service;
    let ctx = super::Ctx::new(&s, super::incomplete_scopes(&s.coverage));
    assert_eq!(ctx.not_collected(Service::ec2, "eu-west-1"), None);
    let missing = ctx
        .not_collected(Service::cloudwatch, "eu-west-1")
        .expect("not collected");
    assert!(
        missing.contains("cloudwatch was not collected in eu-west-1"),
        "{missing}"
    );
    let other_region = ctx
        .not_collected(Service::ec2, "us-east-1")
        .expect("other region");
    assert!(
        other_region.contains("not collected in us-east-1"),
        "{other_region}"
    );
    let failed = ctx
        .not_collected(Service::rds, "eu-west-1")
        .expect("listing failed");
    assert!(failed.contains("DescribeDBInstances failed"), "{failed}");
    let backup = ctx
        .not_collected(Service::backup, "eu-west-1")
        .expect("backup not collected");
    assert!(backup.contains("backup was not collected"), "{backup}");
    // A failed per-resource detail call (no kinds) does not make the whole service unknown.
    s.coverage.push(Coverage {
        service: "s3".into(),
        region: "global".into(),
        errors: vec![CollectError {
            operation: "GetBucketVersioning".into(),
            resource: Some("b".into()),
            code: "AccessDenied".into(),
            ..Default::default()
        }],
    });
    let ctx = super::Ctx::new(&s, super::incomplete_scopes(&s.coverage));
    assert_eq!(ctx.not_collected(Service::s3, "eu-west-1"), None);
}

#[test]
fn sort_in_place_is_a_stable_sort() {
    // Pairs sorted by their first element only: ties must keep their order, as with
    // `sort_by`, whatever the permutation's cycles.
    let mut seed = 7u64;
    for len in [0usize, 1, 2, 3, 10, 257, 5000] {
        let items: Vec<(u8, usize)> = (0..len)
            .map(|i| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((seed >> 60) as u8, i)
            })
            .collect();
        let mut expected = items.clone();
        expected.sort_by_key(|a| a.0);
        let mut got = items;
        super::sort_in_place(&mut got, |a, b| a.0.cmp(&b.0));
        assert_eq!(got, expected, "{len} items");
    }
}
