//! RDS instances and clusters, and S3 buckets with their replication destinations.

use super::{depends_on, distinct, fields_of, propagate, Ctx, Resource};
use serde_json::{json, Value};
use std::collections::HashMap;

pub(super) fn build(ctx: &Ctx, out: &mut Vec<Resource>) {
    let s = ctx.snapshot;
    for db in &s.rds.db_instances {
        let mut fields = fields_of(db);
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
        out.push(Resource {
            kind: "rds.db_instance",
            id: db.db_instance_identifier.clone(),
            name: Some(db.db_instance_identifier.clone()),
            arn: db.arn.clone(),
            region: db.region.clone(),
            fields,
            unknown: db.unreadable.clone(),
        });
    }

    let instance_az: HashMap<(&str, &str), Option<&str>> = s
        .rds
        .db_instances
        .iter()
        .map(|i| {
            (
                (i.region.as_str(), i.db_instance_identifier.as_str()),
                i.availability_zone.as_deref(),
            )
        })
        .collect();
    for c in &s.rds.db_clusters {
        let mut fields = fields_of(c);
        let az_of = |id: &str| instance_az.get(&(c.region.as_str(), id)).copied().flatten();
        let member_azs = c
            .members
            .iter()
            .filter_map(|m| az_of(&m.db_instance_identifier));
        let reader_azs = c
            .members
            .iter()
            .filter(|m| !m.is_writer)
            .filter_map(|m| az_of(&m.db_instance_identifier));
        fields.insert("member_azs".into(), distinct(member_azs));
        fields.insert("reader_azs".into(), distinct(reader_azs));
        fields.insert("member_count".into(), Value::from(c.members.len()));
        fields.insert(
            "reader_count".into(),
            Value::from(c.members.iter().filter(|m| !m.is_writer).count()),
        );
        let mut unknown = Default::default();
        depends_on(
            ctx,
            &mut unknown,
            "rds.db_instance",
            &c.region,
            &["member_azs", "reader_azs"],
        );
        out.push(Resource {
            kind: "rds.db_cluster",
            id: c.db_cluster_identifier.clone(),
            name: Some(c.db_cluster_identifier.clone()),
            arn: c.arn.clone(),
            region: c.region.clone(),
            fields,
            unknown,
        });
    }

    let bucket_region: HashMap<&str, &str> =
        s.s3.buckets
            .iter()
            .map(|b| (b.name.as_str(), b.region.as_str()))
            .collect();
    for b in &s.s3.buckets {
        let mut fields = fields_of(b);
        let rules: Vec<Value> = b
            .replication
            .iter()
            .flat_map(|r| &r.rules)
            .map(|r| {
                let dest = r
                    .destination_bucket
                    .rsplit(':')
                    .next()
                    .unwrap_or(&r.destination_bucket);
                // The destination's region is known only for buckets of this account.
                let region = bucket_region.get(dest).copied();
                json!({
                    "id": r.id,
                    "status": r.status,
                    "destination_bucket": dest,
                    "destination_region": region,
                    "destination_exists": region.is_some(),
                })
            })
            .collect();
        let cross_region = rules.iter().any(|r| {
            r["status"] == "Enabled"
                && r["destination_region"]
                    .as_str()
                    .is_some_and(|d| d != b.region)
        });
        fields.insert("replication_rules".into(), Value::Array(rules));
        fields.insert("cross_region_replication".into(), Value::Bool(cross_region));
        let mut unknown = b.unreadable.clone();
        propagate(
            &mut unknown,
            "replication",
            &["replication_rules", "cross_region_replication"],
        );
        out.push(Resource {
            kind: "s3.bucket",
            id: b.name.clone(),
            name: Some(b.name.clone()),
            arn: b.arn.clone(),
            region: b.region.clone(),
            fields,
            unknown,
        });
    }
}
