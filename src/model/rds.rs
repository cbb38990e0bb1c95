//! RDS DB instances and clusters: cluster membership, read replicas and their sources, the
//! members' AZs, durability parameters, copies in other regions (read replicas, replicated
//! automated backups, Aurora global databases), health alarms and backup coverage.

use super::alarms::HealthMetric;
use super::{distinct, Always, Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::{DbCluster, DbClusterMember, DbInstance, DbParameterGroup, GlobalCluster};
use std::borrow::Cow;
use std::collections::HashMap;

crate::facts! {
    /// Derived facts of an RDS DB instance.
    pub struct DbInstanceFacts<'a> {
        /// The instance belongs to an Aurora or Multi-AZ DB cluster.
        pub is_cluster_member: Always<bool>,
        /// The instance is a read replica of another instance.
        pub is_read_replica: Always<bool>,
        /// The AZs of the subnets of its DB subnet group, distinct and sorted.
        pub subnet_group_azs: Always<Vec<&'a str>>,
        /// The region of a read replica's source (null for a primary).
        pub source_region: Always<Option<&'a str>>,
        /// The AZ of a read replica's source instance (null when it has no listed source).
        pub source_availability_zone: Known<Option<&'a str>>,
        /// The Enhanced Monitoring interval in seconds (0 = off); unknown in snapshots
        /// written before it was read.
        pub monitoring_interval: Known<Option<i64>>,
        /// Durability parameters: the value set in its DB parameter group, else in its DB
        /// cluster's parameter group; null when left at the engine's default.
        pub innodb_flush_log_at_trx_commit: Known<Option<&'a str>>,
        /// MySQL and MariaDB: how often the binary log is synced to disk.
        pub sync_binlog: Known<Option<&'a str>>,
        /// PostgreSQL: whether a commit waits for its WAL to reach disk.
        pub synchronous_commit: Known<Option<&'a str>>,
        /// MySQL and MariaDB: whether the server refuses writes.
        pub read_only: Known<Option<&'a str>>,
        /// MySQL and MariaDB: where the general and slow query logs go.
        pub log_output: Known<Option<&'a str>>,
        /// MySQL: the row format of new InnoDB tables.
        pub innodb_default_row_format: Known<Option<&'a str>>,
        /// The regions of its read replicas outside its own region.
        pub cross_region_replica_regions: Always<Vec<&'a str>>,
        /// The regions its automated backups are replicated to.
        pub automated_backup_replication_regions: Known<Vec<&'a str>>,
        /// Alarms on its health metrics (ReplicaLag, FreeStorageSpace ...) that notify someone.
        pub health_alarms: Known<Vec<&'a str>>,
        /// Alarms on its health metrics that notify no one.
        pub health_alarms_silent: Known<Vec<&'a str>>,
        /// The resource type AWS Backup gives it.
        pub backup_resource_type: Always<&'static str>,
        /// The AWS Backup plans whose selections assign it.
        pub backup_plans: Known<Vec<&'a str>>,
        /// Those of them with a rule that takes continuous backups (point-in-time recovery).
        pub continuous_backup_plans: Known<Vec<&'a str>>,
        /// Its newest recovery point (null: none).
        pub last_backup_time: Known<Option<&'a str>>,
        /// That recovery point's age when the snapshot was taken, in hours.
        pub backup_age_hours: Known<Option<i64>>,
    }
}

crate::facts! {
    /// Derived facts of an RDS DB cluster.
    pub struct DbClusterFacts<'a> {
        /// The AZs of its member instances, distinct and sorted.
        pub member_azs: Known<Vec<&'a str>>,
        /// The AZs of its reader instances, distinct and sorted.
        pub reader_azs: Known<Vec<&'a str>>,
        /// How many member instances it has.
        pub member_count: Always<usize>,
        /// How many of its members are readers.
        pub reader_count: Always<usize>,
        /// How many of its members are publicly accessible.
        pub public_member_count: Known<usize>,
        /// The Aurora global database it belongs to (null: none).
        pub global_cluster: Known<Option<&'a str>>,
        /// The regions of every cluster of that global database (empty: none).
        pub global_regions: Known<Vec<&'a str>>,
        /// It is a secondary (read-only) cluster of a global database.
        pub is_global_secondary: Known<bool>,
        /// It is a cross-region read replica of another cluster.
        pub is_cross_region_replica: Always<bool>,
        /// The regions of its read replica clusters outside its own region.
        pub cross_region_replica_regions: Always<Vec<&'a str>>,
        /// Alarms on its global replication lag (AuroraGlobalDBReplicationLag, ...RPOLag)
        /// that notify someone.
        pub global_lag_alarms: Known<Vec<&'a str>>,
        /// Alarms on its global replication lag that notify no one.
        pub global_lag_alarms_silent: Known<Vec<&'a str>>,
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

type Instances<'a> = HashMap<(&'a str, &'a str), &'a DbInstance>;

/// What the instances and clusters are joined with, built once.
struct Index<'a> {
    instances: Instances<'a>,
    clusters: HashMap<(&'a str, &'a str), &'a DbCluster>,
    /// (region, name, cluster group?) -> the parameter group.
    parameter_groups: HashMap<(&'a str, &'a str, bool), &'a DbParameterGroup>,
    /// DB cluster ARN -> its global database.
    global_of: HashMap<&'a str, &'a GlobalCluster>,
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    let s = ctx.snapshot;
    let index = Index {
        instances: s
            .rds
            .db_instances
            .iter()
            .map(|i| ((i.region.as_str(), i.db_instance_identifier.as_str()), i))
            .collect(),
        clusters: s
            .rds
            .db_clusters
            .iter()
            .map(|c| ((c.region.as_str(), c.db_cluster_identifier.as_str()), c))
            .collect(),
        parameter_groups: s
            .rds
            .parameter_groups
            .iter()
            .map(|g| ((g.region.as_str(), g.name.as_str(), g.cluster), g))
            .collect(),
        global_of: s
            .rds
            .global_clusters
            .iter()
            .flat_map(|g| g.members.iter().map(move |m| (m.db_cluster_arn.as_str(), g)))
            .collect(),
    };
    for db in &s.rds.db_instances {
        out.push(db_instance(ctx, db, &index));
    }
    for c in &s.rds.db_clusters {
        out.push(db_cluster(ctx, c, &index));
    }
}

/// The region field of an RDS ARN, or `own` for a bare identifier (same region).
fn region_of<'a>(own: &'a str, id_or_arn: &'a str) -> &'a str {
    replica_source(own, id_or_arn).0
}

/// The engines whose parameter groups the collector reads.
fn has_tracked_parameters(engine: &str) -> bool {
    matches!(
        engine,
        "mysql" | "mariadb" | "postgres" | "aurora" | "aurora-mysql" | "aurora-postgresql"
    )
}

/// The durability parameters of an instance: its DB parameter group's values over its
/// cluster's DB cluster parameter group's (Aurora keeps some, such as
/// `innodb_flush_log_at_trx_commit`, at cluster level). Unknown when a group in use was not
/// read; `None` for engines whose groups are not read.
fn parameters<'a>(
    ctx: &Ctx<'a>,
    db: &'a DbInstance,
    index: &Index<'a>,
) -> Option<Result<Vec<(&'a str, &'a str)>, String>> {
    if !has_tracked_parameters(&db.engine) {
        return None;
    }
    let Some(own) = db.parameter_group.as_deref() else {
        return Some(Err(
            "its DB parameter group is not in the snapshot".to_string()
        ));
    };
    let mut groups = vec![(own, false)];
    if let Some(cluster) = db.db_cluster_identifier.as_deref() {
        match index
            .clusters
            .get(&(db.region.as_str(), cluster))
            .map(|c| c.parameter_group.as_deref())
        {
            Some(Some(g)) => groups.insert(0, (g, true)),
            Some(None) => {
                return Some(Err(format!(
                    "the parameter group of its DB cluster {cluster} is not in the snapshot"
                )))
            }
            None => {
                return Some(Err(ctx
                    .incomplete(Kind::DbCluster, &db.region)
                    .unwrap_or_else(|| format!("its DB cluster {cluster} is not listed"))))
            }
        }
    }
    let mut values: Vec<(&str, &str)> = Vec::new();
    for (name, cluster) in groups {
        let kind = if cluster { "DB cluster parameter group" } else { "DB parameter group" };
        let Some(g) = index.parameter_groups.get(&(db.region.as_str(), name, cluster)) else {
            return Some(Err(format!("its {kind} {name} was not read")));
        };
        if let Some(why) = g.unreadable.get("parameters") {
            return Some(Err(format!("its {kind} {name} could not be read: {why}")));
        }
        for (k, v) in &g.parameters {
            values.retain(|(name, _)| name != k);
            values.push((k.as_str(), v.as_str()));
        }
    }
    Some(Ok(values))
}

/// Where a read replica's source lives: `(region, identifier)`. The API names a source in
/// the same region by identifier and one in another region by ARN
/// (`arn:aws:rds:<region>:<account>:db:<id>`).
pub(crate) fn replica_source<'a>(own_region: &'a str, source: &'a str) -> (&'a str, &'a str) {
    let parts: Vec<&str> = source.split(':').collect();
    match parts.as_slice() {
        ["arn", _, "rds", region, _, _, id] => (region, id),
        _ => (own_region, source),
    }
}

fn db_instance<'a>(ctx: &Ctx<'a>, db: &'a DbInstance, index: &Index<'a>) -> Resource<'a> {
    let instances = &index.instances;
    // The source instance's region and AZ, for replicas of a DB instance. A source that is
    // not a listed DB instance (a cluster, or one deleted since) has no AZ to compare with.
    let source = db
        .read_replica_source
        .as_deref()
        .map(|src| replica_source(&db.region, src));
    let source_az = source
        .and_then(|key| instances.get(&key))
        .and_then(|i| i.availability_zone.as_deref());
    let mut source_availability_zone = Known::Is(source_az);
    if let Some((region, _)) = source {
        if source_az.is_none() {
            crate::unknown_if!(ctx.incomplete(Kind::DbInstance, region) => source_availability_zone);
        }
    }
    let health = ctx.health_alarms(
        &db.region,
        &HealthMetric::db_instance(&db.db_instance_identifier),
        None,
    );
    let tags = (!db.unreadable.contains_key("tags")).then_some(&db.tags);
    let backup = ctx.backup_coverage(Kind::DbInstance, &db.region, &db.arn, tags);
    let params = parameters(ctx, db, index);
    let param = |name: &str| -> Known<Option<&'a str>> {
        match &params {
            None => Known::Is(None),
            Some(Ok(values)) => Known::Is(values.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)),
            Some(Err(why)) => Known::unknown(why.clone()),
        }
    };
    let facts = DbInstanceFacts {
        innodb_flush_log_at_trx_commit: param("innodb_flush_log_at_trx_commit"),
        sync_binlog: param("sync_binlog"),
        synchronous_commit: param("synchronous_commit"),
        read_only: param("read_only"),
        log_output: param("log_output"),
        innodb_default_row_format: param("innodb_default_row_format"),
        cross_region_replica_regions: Always(distinct(
            db.read_replica_identifiers
                .iter()
                .map(|r| region_of(&db.region, r))
                .filter(|r| *r != db.region),
        )),
        automated_backup_replication_regions: match &db.automated_backup_replication_regions {
            Some(regions) => Known::Is(distinct(regions.iter().map(String::as_str))),
            None => Known::unknown(
                "its automated backup replications are not in the snapshot".to_string(),
            ),
        },
        is_cluster_member: Always(db.db_cluster_identifier.is_some()),
        is_read_replica: Always(db.read_replica_source.is_some()),
        subnet_group_azs: Always(distinct(db.subnet_group_azs.iter().map(String::as_str))),
        source_region: Always(source.map(|(r, _)| r)),
        source_availability_zone,
        monitoring_interval: match db.monitoring_interval {
            Some(i) => Known::Is(Some(i)),
            None => Known::unknown(
                "the Enhanced Monitoring interval is not in the snapshot".to_string(),
            ),
        },
        health_alarms: health.heard,
        health_alarms_silent: health.silent,
        backup_resource_type: Always(backup.resource_type),
        continuous_backup_plans: match backup.plans.get() {
            Some(plans) => continuous(ctx, &db.region, plans),
            None => backup.plans.clone(),
        },
        backup_plans: backup.plans,
        last_backup_time: backup.last_backup_time,
        backup_age_hours: backup.age_hours,
    };
    Resource {
        kind: Kind::DbInstance,
        id: Cow::Borrowed(&db.db_instance_identifier),
        name: Some(Cow::Borrowed(&db.db_instance_identifier)),
        arn: Cow::Borrowed(&db.arn),
        region: Cow::Borrowed(&db.region),
        source: Some(db),
        unreadable: Some(&db.unreadable),
        facts: Box::new(facts),
    }
}

fn db_cluster<'a>(ctx: &Ctx<'a>, c: &'a DbCluster, index: &Index<'a>) -> Resource<'a> {
    let instances = &index.instances;
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
    let backup = ctx.backup_coverage(Kind::DbCluster, &c.region, &c.arn, Some(&c.tags));
    let global = index.global_of.get(c.arn.as_str()).copied();
    let global_regions = global.map_or_else(Vec::new, |g| {
        distinct(
            g.members
                .iter()
                .map(|m| region_of(&c.region, &m.db_cluster_arn)),
        )
    });
    let is_global_secondary = global.is_some_and(|g| {
        g.members
            .iter()
            .any(|m| m.db_cluster_arn == c.arn && !m.is_writer)
    });
    // Only a secondary has a global replication lag to watch.
    let lag = if is_global_secondary {
        ctx.health_alarms(
            &c.region,
            &HealthMetric::global_db_lag(&c.db_cluster_identifier),
            None,
        )
    } else {
        super::alarms::Health {
            heard: Known::Is(Vec::new()),
            silent: Known::Is(Vec::new()),
        }
    };
    let mut f = DbClusterFacts {
        global_cluster: Known::Is(global.map(|g| g.global_cluster_identifier.as_str())),
        global_regions: Known::Is(global_regions),
        is_global_secondary: Known::Is(is_global_secondary),
        is_cross_region_replica: Always(
            c.replication_source
                .as_deref()
                .is_some_and(|s| region_of(&c.region, s) != c.region),
        ),
        cross_region_replica_regions: Always(distinct(
            c.read_replica_identifiers
                .iter()
                .map(|r| region_of(&c.region, r))
                .filter(|r| *r != c.region),
        )),
        global_lag_alarms: lag.heard,
        global_lag_alarms_silent: lag.silent,
        member_azs: Known::Is(azs(false)),
        reader_azs: Known::Is(azs(true)),
        member_count: Always(members.len()),
        reader_count: Always(members.iter().filter(|(m, _)| !m.is_writer).count()),
        public_member_count: Known::Is(
            members
                .iter()
                .filter(|(_, i)| i.is_some_and(|i| i.publicly_accessible))
                .count(),
        ),
        backup_resource_type: Always(backup.resource_type),
        backup_plans: backup.plans,
        last_backup_time: backup.last_backup_time,
        backup_age_hours: backup.age_hours,
    };
    crate::unknown_if!(ctx.incomplete(Kind::DbInstance, &c.region) =>
        f.member_azs, f.reader_azs, f.public_member_count);
    // Snapshots written before global databases were read have no parameter group on their
    // clusters (every DB cluster has one): what they would show is unknown, not "none".
    let global_unread = if c.parameter_group.is_none() {
        Some("global databases are not in the snapshot".to_string())
    } else {
        global_clusters_failed(ctx, &c.region)
    };
    crate::unknown_if!(global_unread =>
        f.global_cluster, f.global_regions, f.is_global_secondary);
    // A global database always has one writer cluster; an answer naming none (a switchover
    // under way) cannot tell the primary from its secondaries.
    crate::unknown_if!(global
        .filter(|g| !g.members.iter().any(|m| m.is_writer))
        .map(|g| format!(
            "global database {} names no writer cluster, so which cluster is primary is unknown",
            g.global_cluster_identifier
        )) => f.is_global_secondary);
    if let Some((missing, _)) = members.iter().find(|(_, i)| i.is_none()) {
        let reason = format!(
            "member {} is not in the DB instance listing of {}",
            missing.db_instance_identifier, c.region
        );
        crate::unknown_if!(Some(reason) => f.member_azs, f.reader_azs, f.public_member_count);
    }
    Resource {
        kind: Kind::DbCluster,
        id: Cow::Borrowed(&c.db_cluster_identifier),
        name: Some(Cow::Borrowed(&c.db_cluster_identifier)),
        arn: Cow::Borrowed(&c.arn),
        region: Cow::Borrowed(&c.region),
        source: Some(c),
        unreadable: None,
        facts: Box::new(f),
    }
}

/// Which of `plans` (in `region`) have a rule that takes continuous backups. A rule that does
/// not say is off, as AWS Backup's answer leaves the flag out then.
fn continuous<'a>(ctx: &Ctx<'a>, region: &str, plans: &[&'a str]) -> Known<Vec<&'a str>> {
    let assigned: Vec<_> = ctx
        .snapshot
        .backup
        .plans
        .iter()
        .filter(|p| p.region == region && plans.contains(&p.name.as_str()))
        .collect();
    let on = distinct(
        assigned
            .iter()
            .filter(|p| p.rules.iter().any(|r| r.enable_continuous_backup == Some(true)))
            .map(|p| p.name.as_str()),
    );
    // A plan whose rules could not be read may be the continuous one.
    match assigned.iter().find_map(|p| Some((&p.name, p.unreadable.get("rules")?))) {
        Some((name, why)) if on.is_empty() => {
            Known::unknown(format!("the rules of backup plan {name} could not be read: {why}"))
        }
        _ => Known::Is(on),
    }
}

/// Why the global databases could not be listed in `region`, if they could not.
fn global_clusters_failed(ctx: &Ctx<'_>, region: &str) -> Option<String> {
    ctx.snapshot
        .coverage
        .iter()
        .filter(|c| c.service == "rds" && c.region == region)
        .flat_map(|c| &c.errors)
        .find(|e| e.operation == "DescribeGlobalClusters")
        .map(|e| format!("global databases could not be listed in {region}: {}", e.reason()))
}

#[cfg(test)]
mod tests {
    use crate::model::tests::find;
    use super::replica_source;
    use crate::model::backup::unknown_besides_backup;
    use crate::model::tests::coverage_error as denied;
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    const ACCOUNT: &str = "111122223333";


    fn db(region: &str, id: &str, az: &str) -> DbInstance {
        DbInstance {
            region: region.into(),
            db_instance_identifier: id.into(),
            availability_zone: Some(az.into()),
            monitoring_interval: Some(0),
            automated_backup_replication_regions: Some(vec![]),
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
        let f = |id: &str, field: &str| find(&m, "rds.db_instance", id).fields()[field].clone();
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
            unknown_besides_backup(&find(&m, "rds.db_instance", "of-a-cluster").unknown())
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
        assert!(r.unknown()["source_availability_zone"].contains("AccessDenied"));
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
            parameter_group: Some("default.aurora-mysql8.0".into()),
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
        assert_eq!(whole.fields()["reader_azs"], json!(["eu-west-1b"]));
        assert_eq!(whole.fields()["reader_count"], json!(2));
        assert_eq!(whole.fields()["public_member_count"], json!(1));
        assert!(unknown_besides_backup(&whole.unknown()).is_empty());
        let partial = find(&m, "rds.db_cluster", "partial");
        for f in ["member_azs", "reader_azs", "public_member_count"] {
            assert!(
                partial.unknown()[f].contains("member gone is not in the DB instance listing"),
                "{f}: {:?}",
                partial.unknown()
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
    fn a_bucket_may_be_the_replica_of_one_whose_replication_was_not_read() {
        let mut s = Snapshot::new(ACCOUNT, vec!["us-east-1".into()], "t".into());
        let mut src = bucket("src", Some("Enabled"), &[]);
        src.unreadable.insert(
            "replication".into(),
            "GetBucketReplication failed: truncated".into(),
        );
        s.s3.buckets = vec![src, bucket("other", Some("Enabled"), &[])];
        {
            let m = Model::build(&s);
            let other = find(&m, "s3.bucket", "other");
            assert_eq!(
                other.unknown()["cross_region_copy"],
                "bucket src's replication could not be read, and it may replicate into this \
                 one: GetBucketReplication failed: truncated"
            );
        }
        // Read everywhere: no copy is a fact.
        s.s3.buckets[0].unreadable.clear();
        {
            let m = Model::build(&s);
            let other = find(&m, "s3.bucket", "other");
            assert_eq!(other.fields()["cross_region_copy"], json!(null));
            assert!(!other.unknown().contains_key("cross_region_copy"));
        }
        // A bucket replicated into, whose region could not be read, may be the copy.
        let mut dest = bucket("dest", Some("Enabled"), &[]);
        dest.unreadable.insert(
            "region".into(),
            "GetBucketLocation failed: truncated".into(),
        );
        s.s3.buckets = vec![bucket("src", Some("Enabled"), &[("dest", None)]), dest];
        let m = Model::build(&s);
        assert_eq!(
            find(&m, "s3.bucket", "dest").unknown()["cross_region_copy"],
            "bucket src replicates into it, but the region of dest could not be read: \
             GetBucketLocation failed: truncated"
        );
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
            src.fields()["replication_missing_destinations"],
            json!(["gone", "gone-too"])
        );
        assert_eq!(
            src.fields()["replication_unversioned_destinations"],
            json!(["dest-never", "dest-suspended"])
        );
        assert!(
            unknown_besides_backup(&src.unknown()).is_empty(),
            "{:?}",
            src.unknown()
        );
        let open = find(&m, "s3.bucket", "src-unreadable");
        assert!(open.unknown()["replication_unversioned_destinations"]
            .contains("versioning of destination bucket dest-unreadable could not be read"));
        // One destination known to be unversioned decides, whatever the other one is.
        let both = find(&m, "s3.bucket", "src-both");
        assert_eq!(
            both.fields()["replication_unversioned_destinations"],
            json!(["dest-never"])
        );
        assert!(!both
            .unknown()
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
        assert!(src.unknown()["replication_missing_destinations"].contains("ListBuckets"));
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
        assert!(to_lost.unknown()["cross_region_replication"].contains("dest-lost"));
        assert_eq!(
            find(&m, "s3.bucket", "to-west").fields()["cross_region_replication"],
            true
        );
        // One destination known to be elsewhere is enough.
        let to_both = find(&m, "s3.bucket", "to-both");
        assert_eq!(to_both.fields()["cross_region_replication"], true);
        assert!(!to_both.unknown().contains_key("cross_region_replication"));
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
        assert!(find(&m, "s3.bucket", "old").unknown()["object_lock_enabled"].contains("older"));
        assert!(
            find(&m, "s3.bucket", "denied").unknown()["object_lock_enabled"]
                .contains("GetObjectLockConfiguration")
        );
        let read = find(&m, "s3.bucket", "read");
        assert_eq!(read.fields()["object_lock_enabled"], json!(false));
        assert!(unknown_besides_backup(&read.unknown()).is_empty());
    }

    fn group(name: &str, cluster: bool, params: &[(&str, &str)]) -> DbParameterGroup {
        DbParameterGroup {
            region: "us-east-1".into(),
            name: name.into(),
            cluster,
            parameters: params
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn durability_parameters_merge_the_instance_group_over_the_cluster_group() {
        let mut s = Snapshot::new(ACCOUNT, vec!["us-east-1".into()], "t".into());
        let instance = |id: &str, engine: &str, group: Option<&str>, cluster: Option<&str>| {
            DbInstance {
                engine: engine.into(),
                parameter_group: group.map(str::to_string),
                db_cluster_identifier: cluster.map(str::to_string),
                ..db("us-east-1", id, "us-east-1a")
            }
        };
        s.rds.db_instances = vec![
            instance("plain", "mysql", Some("default.mysql8.0"), None),
            instance("tuned", "mysql", Some("fast"), None),
            instance("member", "aurora-mysql", Some("aurora-inst"), Some("orders")),
            instance("unread", "postgres", Some("broken"), None),
            instance("old", "mysql", None, None),
            instance("oracle", "oracle-ee", Some("default.oracle-ee-19"), None),
        ];
        s.rds.db_clusters = vec![DbCluster {
            region: "us-east-1".into(),
            db_cluster_identifier: "orders".into(),
            engine: "aurora-mysql".into(),
            parameter_group: Some("aurora-cluster".into()),
            ..Default::default()
        }];
        let mut broken = group("broken", false, &[]);
        broken.unreadable.insert(
            "parameters".into(),
            "DescribeDBParameters failed: AccessDenied: denied".into(),
        );
        s.rds.parameter_groups = vec![
            group("default.mysql8.0", false, &[]),
            group("fast", false, &[("innodb_flush_log_at_trx_commit", "2"), ("sync_binlog", "0")]),
            group(
                "aurora-cluster",
                true,
                &[("innodb_flush_log_at_trx_commit", "0"), ("log_output", "TABLE")],
            ),
            group("aurora-inst", false, &[("log_output", "FILE")]),
            broken,
        ];
        let m = Model::build(&s);
        let f = |id: &str, field: &str| find(&m, "rds.db_instance", id).fields()[field].clone();
        assert_eq!(f("plain", "innodb_flush_log_at_trx_commit"), json!(null));
        assert_eq!(f("tuned", "innodb_flush_log_at_trx_commit"), json!("2"));
        assert_eq!(f("tuned", "sync_binlog"), json!("0"));
        // The cluster's group holds the InnoDB setting; the instance's own group wins for
        // what both set.
        assert_eq!(f("member", "innodb_flush_log_at_trx_commit"), json!("0"));
        assert_eq!(f("member", "log_output"), json!("FILE"));
        assert_eq!(f("oracle", "sync_binlog"), json!(null));
        let unknown = |id: &str| find(&m, "rds.db_instance", id).unknown();
        assert_eq!(
            unknown("unread")["synchronous_commit"],
            "its DB parameter group broken could not be read: DescribeDBParameters failed: AccessDenied: denied"
        );
        assert_eq!(
            unknown("old")["sync_binlog"],
            "its DB parameter group is not in the snapshot"
        );
        assert!(!unknown("oracle").contains_key("sync_binlog"));
    }

    #[test]
    fn global_databases_and_cross_region_copies() {
        let mut s = Snapshot::new(
            ACCOUNT,
            vec!["us-east-1".into(), "us-west-2".into()],
            "t".into(),
        );
        let arn = |region: &str, id: &str| format!("arn:aws:rds:{region}:{ACCOUNT}:cluster:{id}");
        let cluster = |region: &str, id: &str| DbCluster {
            region: region.into(),
            db_cluster_identifier: id.into(),
            arn: arn(region, id),
            engine: "aurora-mysql".into(),
            parameter_group: Some("default.aurora-mysql8.0".into()),
            ..Default::default()
        };
        s.rds.db_clusters = vec![
            cluster("us-east-1", "orders"),
            cluster("us-west-2", "orders-dr"),
            DbCluster {
                read_replica_identifiers: vec![arn("us-west-2", "ledger-ro")],
                ..cluster("us-east-1", "ledger")
            },
            DbCluster {
                replication_source: Some(arn("us-east-1", "ledger")),
                ..cluster("us-west-2", "ledger-ro")
            },
            DbCluster {
                parameter_group: None,
                ..cluster("us-east-1", "old")
            },
        ];
        s.rds.global_clusters = vec![GlobalCluster {
            global_cluster_identifier: "orders-global".into(),
            members: vec![
                GlobalClusterMember {
                    db_cluster_arn: arn("us-east-1", "orders"),
                    is_writer: true,
                },
                GlobalClusterMember {
                    db_cluster_arn: arn("us-west-2", "orders-dr"),
                    is_writer: false,
                },
            ],
            ..Default::default()
        }];
        s.coverage.push(denied("rds", "us-west-2", "DescribeGlobalClusters", &[]));
        let m = Model::build(&s);
        let f = |id: &str, field: &str| find(&m, "rds.db_cluster", id).fields()[field].clone();
        assert_eq!(f("orders", "global_cluster"), json!("orders-global"));
        assert_eq!(f("orders", "global_regions"), json!(["us-east-1", "us-west-2"]));
        assert_eq!(f("orders", "is_global_secondary"), json!(false));
        assert_eq!(f("ledger", "cross_region_replica_regions"), json!(["us-west-2"]));
        assert_eq!(f("ledger", "global_regions"), json!([]));
        assert_eq!(f("ledger-ro", "is_cross_region_replica"), json!(true));
        assert_eq!(f("orders", "is_cross_region_replica"), json!(false));
        // The listing failed in us-west-2: the secondary's global facts are unknown there.
        let unknown = |id: &str| find(&m, "rds.db_cluster", id).unknown();
        assert!(unknown("orders-dr")["is_global_secondary"].contains("AccessDenied"));
        assert_eq!(
            unknown("old")["global_regions"],
            "global databases are not in the snapshot"
        );
    }
}
