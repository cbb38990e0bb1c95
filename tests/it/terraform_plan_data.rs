//! `scan --terraform-plan` on the data-store plans of `fixtures/terraform/`
//! (`make_data_plans.py`): RDS and Aurora clusters with their member instances, global
//! databases and replica clusters, DynamoDB tables and ElastiCache replication groups. Every
//! failure of the failing plan is pinned, the fixed plan passes each of them, and values
//! unknown until apply or taken from the provider's defaults say so.

use crate::support::plan::{pairs, reason, scan_plan, with};

const AURORA: &str = "module.aurora.aws_rds_cluster.this";
const REPORTS: &str = "aws_rds_cluster.reports";
const LEDGER: &str = "aws_rds_cluster.ledger";
const CACHE: &str = "aws_elasticache_replication_group.sessions";
const TABLE: &str = "aws_dynamodb_table.tables[\"orders\"]";

/// Every failure of `data.fail.json`, each defect once.
const FAILS: &[(&str, &str)] = &[
    // A table (for_each) without point-in-time recovery or deletion protection (both left
    // at the provider's defaults) and without a replica in another region.
    ("HA-DDB-001", TABLE),
    ("HA-DDB-002", TABLE),
    ("HA-DDB-005", TABLE),
    // A Redis group of two nodes both in eu-west-1a, on a subnet group of one AZ, with
    // failover, Multi-AZ and backups left at the provider's defaults (off).
    ("HA-ELC-001", CACHE),
    ("HA-ELC-002", CACHE),
    ("HA-ELC-004", CACHE),
    ("HA-ELC-006", CACHE),
    ("HA-ELC-010", CACHE),
    // Aurora MySQL: three instances in one AZ (no failover AZ, readers in one AZ), no
    // backtracking, no copy in another region.
    ("HA-RDS-002", REPORTS),
    // Aurora PostgreSQL in a module: one instance, deletion protection and backup retention
    // left at the provider's defaults, no copy in another region.
    ("HA-RDS-002", AURORA),
    ("HA-RDS-005", AURORA),
    ("HA-RDS-006", AURORA),
    ("HA-RDS-007", REPORTS),
    ("HA-RDS-009", AURORA),
    ("HA-RDS-011", REPORTS),
    (
        "HA-RDS-016",
        "module.aurora.aws_rds_cluster_instance.this[0]",
    ),
    ("HA-RDS-024", REPORTS),
    ("HA-RDS-024", AURORA),
];

fn default_said(attr: &str, value: &str, address: &str) -> String {
    format!(
        "assumed default: `{attr}` = {value}: `{attr}` is not set in the configuration of \
         {address}, so the provider's default applies"
    )
}

#[test]
fn the_data_plan_fails_exactly_its_defects() {
    let r = scan_plan("data.fail.json", 1);
    assert_eq!(with("fail", &r), pairs(FAILS));
    assert_eq!(
        reason(&r, "HA-RDS-005", AURORA),
        default_said("deletion_protection", "false", AURORA)
    );
    assert_eq!(
        reason(&r, "HA-RDS-009", AURORA),
        default_said("backup_retention_period", "1", AURORA)
    );
    assert_eq!(
        reason(&r, "HA-RDS-011", REPORTS),
        default_said("backtrack_window", "0", REPORTS)
    );
    assert_eq!(
        reason(&r, "HA-DDB-001", TABLE),
        "assumed default: `point_in_time_recovery` = false: `point_in_time_recovery.enabled` is \
         not set in the configuration of aws_dynamodb_table.tables[\"orders\"], so the \
         provider's default applies"
    );
    assert_eq!(
        reason(&r, "HA-DDB-002", TABLE),
        default_said("deletion_protection_enabled", "false", TABLE)
    );
    assert_eq!(
        reason(&r, "HA-DDB-006", TABLE),
        "`table_status` could not be read: a runtime state, not known before apply"
    );
    // Known from the plan: nothing assumed.
    assert_eq!(reason(&r, "HA-RDS-007", REPORTS), "");
    // A Multi-AZ DB cluster's instances are made by RDS, not declared.
    let made = "RDS creates the instances of a Multi-AZ DB cluster itself; they are not in a plan";
    assert_eq!(
        reason(&r, "HA-RDS-006", LEDGER),
        format!("`member_count` could not be read: {made}")
    );
    assert_eq!(
        reason(&r, "HA-ELC-001", CACHE),
        "assumed default: `automatic_failover` = false: `automatic_failover_enabled` is not set \
         in the configuration of aws_elasticache_replication_group.sessions, so the provider's \
         default applies"
    );
    assert_eq!(reason(&r, "HA-ELC-010", CACHE), "");
    assert_eq!(r["summary"]["pass"], 12);
    assert_eq!(r["summary"]["not_evaluated"], 27);
}

#[test]
fn the_fixed_data_plan_passes_them() {
    let r = scan_plan("data.pass.json", 0);
    assert_eq!(with("fail", &r), Vec::<(String, String)>::new());
    let passed = with("pass", &r);
    for (rule, id) in FAILS {
        assert!(
            passed.contains(&(rule.to_string(), id.to_string())),
            "{rule} {id}"
        );
    }
    // The global database's secondary is no primary to judge for a copy; its replication
    // lag alarms are another service's.
    assert_eq!(
        reason(&r, "HA-CW-007", "aws_rds_cluster.orders_dr"),
        "`global_lag_alarms` could not be read: cloudwatch was not collected in us-west-2, so \
         what it would show is unknown"
    );
    // The replica's region is known though its ARN is not; its health is the account's.
    assert_eq!(
        reason(&r, "HA-DDB-007", TABLE),
        "`broken_replicas` could not be read: a runtime state, not known before apply"
    );
    assert_eq!(r["summary"]["pass"], 50);
    assert_eq!(r["summary"]["not_evaluated"], 44);
}

#[test]
fn unknown_data_values_are_not_evaluated_naming_the_attribute() {
    let r = scan_plan("data.unknown.json", 1);
    // Aurora places instances whose AZ is not set: where is known only after apply.
    let why = "known only after apply (module.aurora.aws_rds_cluster_instance.this[0]: \
               availability_zone)";
    assert_eq!(
        reason(&r, "HA-RDS-002", AURORA),
        format!("`member_azs` could not be read: {why}; `multi_az` could not be read: {why}")
    );
    assert_eq!(
        reason(&r, "HA-DDB-001", TABLE),
        "`point_in_time_recovery` could not be read: known only after apply \
         (aws_dynamodb_table.tables[\"orders\"]: point_in_time_recovery.enabled)"
    );
    assert_eq!(
        reason(&r, "HA-ELC-004", CACHE),
        "`node_az_count` could not be read: known only after apply \
         (aws_elasticache_replication_group.sessions: preferred_cache_cluster_azs)"
    );
    let fails = with("fail", &r);
    assert!(!fails.contains(&("HA-ELC-004".into(), CACHE.into())));
    assert!(!fails.contains(&("HA-RDS-002".into(), AURORA.into())));
    assert!(!fails.contains(&("HA-DDB-001".into(), TABLE.into())));
}
