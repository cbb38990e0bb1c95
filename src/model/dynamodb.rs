//! DynamoDB tables, with the autoscaling of their capacity and their replicas in other
//! regions.

use super::{distinct, fields_of, propagate, Ctx, Resource};
use crate::snapshot::Table;
use serde_json::Value;

/// Replica states in which a global table replica does not serve or does not receive writes.
const BROKEN_REPLICA: &[&str] = &[
    "CREATION_FAILED",
    "REGION_DISABLED",
    "INACCESSIBLE_ENCRYPTION_CREDENTIALS",
    "ARCHIVING",
    "ARCHIVED",
    "REPLICATION_NOT_AUTHORIZED",
];

pub(super) fn build(ctx: &Ctx, out: &mut Vec<Resource>) {
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

fn table(ctx: &Ctx, t: &Table) -> Resource {
    let mut fields = fields_of(t);
    let mut unknown = t.unreadable.clone();
    for f in [
        "table_status",
        "billing_mode",
        "deletion_protection_enabled",
        "point_in_time_recovery",
    ] {
        if fields.get(f).is_none_or(Value::is_null) {
            unknown
                .entry(f.to_string())
                .or_insert_with(|| "not in the snapshot".to_string());
        }
    }
    fields.insert(
        "read_autoscaling".into(),
        Value::Bool(scales(t, None, "ReadCapacityUnits")),
    );
    fields.insert(
        "write_autoscaling".into(),
        Value::Bool(scales(t, None, "WriteCapacityUnits")),
    );
    let unscaled: Vec<&str> = t
        .global_secondary_indexes
        .iter()
        .filter(|i| {
            let name = Some(i.index_name.as_str());
            !(scales(t, name, "ReadCapacityUnits") && scales(t, name, "WriteCapacityUnits"))
        })
        .map(|i| i.index_name.as_str())
        .collect();
    fields.insert("gsis_without_autoscaling".into(), distinct(unscaled));
    fields.insert(
        "gsi_count".into(),
        Value::from(t.global_secondary_indexes.len()),
    );
    fields.insert(
        "replica_regions".into(),
        distinct(
            t.replicas
                .iter()
                .map(|r| r.region_name.as_str())
                .filter(|r| *r != t.region),
        ),
    );
    fields.insert(
        "broken_replicas".into(),
        distinct(
            t.replicas
                .iter()
                .filter(|r| {
                    r.replica_status
                        .as_deref()
                        .is_some_and(|s| BROKEN_REPLICA.contains(&s))
                })
                .map(|r| r.region_name.as_str()),
        ),
    );
    propagate(
        &mut unknown,
        "scalable_targets",
        &[
            "read_autoscaling",
            "write_autoscaling",
            "gsis_without_autoscaling",
        ],
    );
    propagate(
        &mut unknown,
        "global_secondary_indexes",
        &["gsis_without_autoscaling", "gsi_count"],
    );
    propagate(
        &mut unknown,
        "replicas",
        &["replica_regions", "broken_replicas"],
    );
    // A table DescribeTable could not read has no ARN in the answer: build it.
    let arn = if t.arn.is_empty() {
        format!(
            "arn:{}:dynamodb:{}:{}:table/{}",
            ctx.snapshot.partition, t.region, ctx.snapshot.account_id, t.table_name
        )
    } else {
        t.arn.clone()
    };
    Resource {
        kind: "dynamodb.table",
        id: t.table_name.clone(),
        name: Some(t.table_name.clone()),
        arn,
        region: t.region.clone(),
        fields,
        unknown,
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Model, Resource};
    use crate::snapshot::*;
    use serde_json::json;

    fn find<'a>(m: &'a Model, id: &str) -> &'a Resource {
        m.of_kind("dynamodb.table")
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("no table {id}"))
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
        assert_eq!(full.fields["read_autoscaling"], json!(true));
        assert_eq!(full.fields["write_autoscaling"], json!(true));
        assert_eq!(full.fields["gsis_without_autoscaling"], json!([]));
        let partial = find(&m, "partial");
        assert_eq!(partial.fields["read_autoscaling"], json!(false));
        assert_eq!(partial.fields["write_autoscaling"], json!(false));
        assert_eq!(partial.fields["gsis_without_autoscaling"], json!([]));
        let lost = find(&m, "lost");
        for f in [
            "read_autoscaling",
            "write_autoscaling",
            "gsis_without_autoscaling",
        ] {
            assert!(lost.unknown[f].contains("DescribeScalableTargets"), "{f}");
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
        assert_eq!(global.fields["replica_regions"], json!(["us-east-1"]));
        assert_eq!(global.fields["broken_replicas"], json!(["us-east-1"]));
        let unread = find(&m, "unread");
        assert_eq!(
            unread.arn,
            "arn:aws:dynamodb:eu-west-1:111122223333:table/unread"
        );
        assert!(unread.unknown["replica_regions"].contains("DescribeTable"));
        // Absent from the snapshot: unknown, not false.
        assert!(unread.unknown.contains_key("point_in_time_recovery"));
        assert!(unread.unknown.contains_key("deletion_protection_enabled"));
    }
}
