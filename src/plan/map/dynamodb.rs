//! DynamoDB tables, with their global table replicas (`replica` blocks).

use super::reader::*;
use super::*;

/// The global tables version the `replica` blocks create.
const REPLICA_VERSION: &str = "2019.11.21";

impl<'a, 'p> Builder<'a, 'p> {
    pub(super) fn dynamodb_table(&mut self, i: &Inst<'p>) {
        let region = self.region(i);
        let mut r = Reader::new(self.plan, i, self.view);
        let billing_mode = r.string("billing_mode", "billing_mode");
        let deletion_protection_enabled = r
            .scalar("deletion_protection_enabled", "deletion_protection_enabled")
            .and_then(|v| v.as_bool());
        let pitr = r
            .nested_bool(
                "point_in_time_recovery",
                "enabled",
                "point_in_time_recovery",
            )
            .map(|on| if on { "ENABLED" } else { "DISABLED" }.to_string());
        let mut replicas = Vec::new();
        // A replica's other attributes (its ARN) are unknown until apply; its region is not.
        let unknown = r.unknown_tree.get("replica");
        if r.unknown_tree == &Value::Bool(true) || unknown == Some(&Value::Bool(true)) {
            r.mark("replica_regions", r.after_apply("replica"));
        }
        for (n, rep) in r
            .values
            .get("replica")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let region_unknown = unknown
                .and_then(|u| u.get(n))
                .and_then(|u| u.get("region_name"))
                .is_some_and(any_true);
            match rep.get("region_name").and_then(Value::as_str) {
                Some(name) if !name.is_empty() && !region_unknown => replicas.push(TableReplica {
                    region_name: name.to_string(),
                    replica_status: None,
                }),
                _ => r.mark("replica_regions", r.after_apply("replica.region_name")),
            }
        }
        if !replicas.is_empty() {
            r.mark("broken_replicas", RUNTIME.into());
        }
        let mut global_secondary_indexes = Vec::new();
        match r.get("global_secondary_index") {
            Got::Known(Value::Array(a)) => {
                for g in a {
                    let cap = |k: &str| g.get(k).and_then(Value::as_i64);
                    global_secondary_indexes.push(SecondaryIndex {
                        index_name: g
                            .get("name")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_string(),
                        index_status: None,
                        read_capacity_units: cap("read_capacity"),
                        write_capacity_units: cap("write_capacity"),
                    });
                }
            }
            Got::Unknown => {
                let why = r.after_apply("global_secondary_index");
                r.mark("gsi_count", why.clone());
                r.mark("gsis_without_autoscaling", why);
            }
            _ => {}
        }
        for f in [
            "read_autoscaling",
            "write_autoscaling",
            "gsis_without_autoscaling",
        ] {
            r.mark(
                f,
                "Application Auto Scaling targets are not read from a plan".into(),
            );
        }
        r.mark("table_status", RUNTIME.into());
        self.snap.dynamodb.tables.push(Table {
            region: region.clone(),
            table_name: i.address.clone(),
            arn: i.address.clone(),
            table_status: None,
            billing_mode,
            deletion_protection_enabled,
            read_capacity_units: r.int("read_capacity", "read_capacity_units"),
            write_capacity_units: r.int("write_capacity", "write_capacity_units"),
            global_table_version: (!replicas.is_empty()).then(|| REPLICA_VERSION.to_string()),
            replicas,
            global_secondary_indexes,
            point_in_time_recovery: pitr,
            scalable_targets: Vec::new(),
            unreadable: Unreadable::new(),
        });
        let out = r.finish();
        self.entry(i, "dynamodb.table", &region, out);
    }
}
