//! DynamoDB tables, with the autoscaling of their capacity, their replicas in other
//! regions, and their backup coverage.

use super::{distinct, Always, Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::Table;
use std::borrow::Cow;

crate::facts! {
    /// Derived facts of a DynamoDB table.
    pub struct TableFacts<'a> {
        /// `ACTIVE`, `CREATING` ... (unknown when the snapshot lacks it).
        pub table_status: Known<Option<&'a str>>,
        /// `PROVISIONED` or `PAY_PER_REQUEST` (unknown when the snapshot lacks it).
        pub billing_mode: Known<Option<&'a str>>,
        /// Whether deletion protection is on (unknown when the snapshot lacks it).
        pub deletion_protection_enabled: Known<Option<bool>>,
        /// `ENABLED` or `DISABLED` (unknown when the snapshot lacks it).
        pub point_in_time_recovery: Known<Option<&'a str>>,
        /// Whether Application Auto Scaling scales the table's read capacity.
        pub read_autoscaling: Known<bool>,
        /// Whether Application Auto Scaling scales the table's write capacity.
        pub write_autoscaling: Known<bool>,
        /// Its global secondary indexes whose read or write capacity is not autoscaled.
        pub gsis_without_autoscaling: Known<Vec<&'a str>>,
        /// How many global secondary indexes it has.
        pub gsi_count: Known<usize>,
        /// The regions of its replicas other than its own.
        pub replica_regions: Known<Vec<&'a str>>,
        /// The regions of its replicas that do not serve or receive writes.
        pub broken_replicas: Known<Vec<&'a str>>,
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

/// Replica states in which a global table replica does not serve or does not receive writes.
const BROKEN_REPLICA: &[&str] = &[
    "CREATION_FAILED",
    "REGION_DISABLED",
    "INACCESSIBLE_ENCRYPTION_CREDENTIALS",
    "ARCHIVING",
    "ARCHIVED",
    "REPLICATION_NOT_AUTHORIZED",
];

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for t in &ctx.snapshot.dynamodb.tables {
        out.push(table(ctx, t));
    }
}

/// Whether a scalable target scales `dimension` (`ReadCapacityUnits` or `WriteCapacityUnits`)
/// of the table (`index` None) or of one index, and can still add capacity.
fn scales(t: &Table, index: Option<&str>, dimension: &str) -> bool {
    let kind = if index.is_some() { "index" } else { "table" };
    let wanted = format!("dynamodb:{kind}:{dimension}");
    t.scalable_targets.iter().any(|s| {
        s.index_name.as_deref() == index && s.scalable_dimension == wanted && !s.scale_out_suspended
    })
}

/// A field the snapshot leaves absent only when it could not be read: unknown.
fn present<T: Copy>(v: Option<T>) -> Known<Option<T>> {
    match v {
        Some(v) => Known::Is(Some(v)),
        None => Known::unknown("not in the snapshot"),
    }
}

fn table<'a>(ctx: &Ctx<'a>, t: &'a Table) -> Resource<'a> {
    let unscaled: Vec<&str> = t
        .global_secondary_indexes
        .iter()
        .filter(|i| {
            let name = Some(i.index_name.as_str());
            !(scales(t, name, "ReadCapacityUnits") && scales(t, name, "WriteCapacityUnits"))
        })
        .map(|i| i.index_name.as_str())
        .collect();
    // A table DescribeTable could not read has no ARN in the answer: build it.
    let arn = ctx.arn_or(&t.arn, "dynamodb", &t.region, "table", &t.table_name);
    let backup = ctx.backup_coverage(Kind::Table, &t.region, &arn, None);
    let mut f = TableFacts {
        table_status: present(t.table_status.as_deref()),
        billing_mode: present(t.billing_mode.as_deref()),
        deletion_protection_enabled: present(t.deletion_protection_enabled),
        point_in_time_recovery: present(t.point_in_time_recovery.as_deref()),
        read_autoscaling: Known::Is(scales(t, None, "ReadCapacityUnits")),
        write_autoscaling: Known::Is(scales(t, None, "WriteCapacityUnits")),
        gsis_without_autoscaling: Known::Is(distinct(unscaled)),
        gsi_count: Known::Is(t.global_secondary_indexes.len()),
        replica_regions: Known::Is(distinct(
            t.replicas
                .iter()
                .map(|r| r.region_name.as_str())
                .filter(|r| *r != t.region),
        )),
        broken_replicas: Known::Is(distinct(
            t.replicas
                .iter()
                .filter(|r| {
                    r.replica_status
                        .as_deref()
                        .is_some_and(|s| BROKEN_REPLICA.contains(&s))
                })
                .map(|r| r.region_name.as_str()),
        )),
        backup_resource_type: Always(backup.resource_type),
        backup_plans: backup.plans,
        last_backup_time: backup.last_backup_time,
        backup_age_hours: backup.age_hours,
    };
    crate::unknown_if!(t.unreadable.get("scalable_targets") =>
        f.read_autoscaling, f.write_autoscaling, f.gsis_without_autoscaling);
    crate::unknown_if!(t.unreadable.get("global_secondary_indexes") =>
        f.gsis_without_autoscaling, f.gsi_count);
    crate::unknown_if!(t.unreadable.get("replicas") => f.replica_regions, f.broken_replicas);
    Resource {
        kind: Kind::Table,
        id: Cow::Borrowed(&t.table_name),
        name: Some(Cow::Borrowed(&t.table_name)),
        arn,
        region: Cow::Borrowed(&t.region),
        source: Some(t),
        unreadable: Some(&t.unreadable),
        facts: Box::new(f),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Model, Resource};
    use crate::snapshot::*;
    use serde_json::json;

    fn find<'a>(m: &'a Model, id: &str) -> &'a Resource<'a> {
        crate::model::tests::find(m, "dynamodb.table", id)
    }

    fn target(index: Option<&str>, dim: &str, suspended: bool) -> ScalableTarget {
        let kind = if index.is_some() { "index" } else { "table" };
        ScalableTarget {
            index_name: index.map(str::to_string),
            scalable_dimension: format!("dynamodb:{kind}:{dim}CapacityUnits"),
            min_capacity: 1,
            max_capacity: 10,
            scale_out_suspended: suspended,
        }
    }

    fn table(name: &str, targets: Vec<ScalableTarget>) -> Table {
        Table {
            region: "eu-west-1".into(),
            table_name: name.into(),
            arn: format!("arn:aws:dynamodb:eu-west-1:111122223333:table/{name}"),
            table_status: Some("ACTIVE".into()),
            billing_mode: Some("PROVISIONED".into()),
            deletion_protection_enabled: Some(true),
            point_in_time_recovery: Some("ENABLED".into()),
            global_secondary_indexes: vec![SecondaryIndex {
                index_name: "by-day".into(),
                ..Default::default()
            }],
            scalable_targets: targets,
            ..Default::default()
        }
    }

    #[test]
    fn autoscaling_per_dimension_and_index() {
        let mut s = Snapshot::new("111122223333", vec!["eu-west-1".into()], "t".into());
        s.dynamodb.tables = vec![
            table(
                "full",
                vec![
                    target(None, "Read", false),
                    target(None, "Write", false),
                    target(Some("by-day"), "Read", false),
                    target(Some("by-day"), "Write", false),
                ],
            ),
            // An index target does not scale the table, and a suspended one scales nothing.
            table(
                "partial",
                vec![
                    target(None, "Read", true),
                    target(Some("by-day"), "Write", false),
                    target(Some("by-day"), "Read", false),
                ],
            ),
        ];
        let mut lost = table("lost", Vec::new());
        lost.unreadable.insert(
            "scalable_targets".into(),
            "DescribeScalableTargets failed: AccessDenied".into(),
        );
        s.dynamodb.tables.push(lost);
        let m = Model::build(&s);
        let full = find(&m, "full");
        assert_eq!(full.fields()["read_autoscaling"], json!(true));
        assert_eq!(full.fields()["write_autoscaling"], json!(true));
        assert_eq!(full.fields()["gsis_without_autoscaling"], json!([]));
        let partial = find(&m, "partial");
        assert_eq!(partial.fields()["read_autoscaling"], json!(false));
        assert_eq!(partial.fields()["write_autoscaling"], json!(false));
        assert_eq!(partial.fields()["gsis_without_autoscaling"], json!([]));
        let lost = find(&m, "lost");
        for f in [
            "read_autoscaling",
            "write_autoscaling",
            "gsis_without_autoscaling",
        ] {
            assert!(lost.unknown()[f].contains("DescribeScalableTargets"), "{f}");
        }
    }

    #[test]
    fn replicas_elsewhere_and_a_described_nothing() {
        let mut s = Snapshot::new("111122223333", vec!["eu-west-1".into()], "t".into());
        let mut global = table("global", Vec::new());
        global.replicas = vec![
            TableReplica {
                region_name: "eu-west-1".into(),
                replica_status: Some("ACTIVE".into()),
            },
            TableReplica {
                region_name: "us-east-1".into(),
                replica_status: Some("REGION_DISABLED".into()),
            },
        ];
        let unread = Table {
            region: "eu-west-1".into(),
            table_name: "unread".into(),
            unreadable: [("replicas".to_string(), "DescribeTable failed".to_string())].into(),
            ..Default::default()
        };
        s.dynamodb.tables = vec![global, unread];
        let m = Model::build(&s);
        let global = find(&m, "global");
        assert_eq!(global.fields()["replica_regions"], json!(["us-east-1"]));
        assert_eq!(global.fields()["broken_replicas"], json!(["us-east-1"]));
        let unread = find(&m, "unread");
        assert_eq!(
            unread.arn,
            "arn:aws:dynamodb:eu-west-1:111122223333:table/unread"
        );
        assert!(unread.unknown()["replica_regions"].contains("DescribeTable"));
        // Absent from the snapshot: unknown, not false.
        assert!(unread.unknown().contains_key("point_in_time_recovery"));
        assert!(unread.unknown().contains_key("deletion_protection_enabled"));
    }
}
