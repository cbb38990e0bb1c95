//! The ElastiCache and DynamoDB rules on `fixtures/scenarios/cache-and-tables.json`: an
//! account snapshot with what moto cannot produce. Sharded groups whose shards spread over
//! AZs or not, member clusters that the cache cluster listing shows (as AWS does), a subnet
//! group whose AZs are given, joined from EC2 or unknown, a Memcached cluster spread over AZs,
//! global tables with healthy and disabled replicas, autoscaling targets present, absent and
//! suspended, an inaccessible table, and failed calls: a throttled cache cluster listing in
//! eu-central-1, a denied DescribeContinuousBackups and a failed DescribeTable.

use crate::support::cli::json_scan_exiting;
use crate::support::expected::assert_outcomes;
use crate::support::report::{assert_says, assert_valid_sarif_of, finding};
use serde_json::Value;

const SCENARIO: &str = "fixtures/scenarios/cache-and-tables.json";
const W: &str = "eu-west-1";
const C: &str = "eu-central-1";

/// Every finding of the HA-ELC and HA-DDB rules: (rule, region, resource id, outcome).
const EXPECTED: &[(&str, &str, &str, &str)] = &[
    // Three shards, each with a replica in another AZ; members listed with their subnet group.
    ("HA-ELC-001", W, "catalog", "pass"),
    ("HA-ELC-002", W, "catalog", "pass"),
    ("HA-ELC-003", W, "catalog", "pass"),
    ("HA-ELC-004", W, "catalog", "pass"),
    ("HA-ELC-005", W, "catalog", "pass"),
    ("HA-ELC-006", W, "catalog", "pass"),
    ("HA-ELC-010", W, "catalog", "pass"),
    // The group spans two AZs, but shard 0002 (AZs from its member clusters) is in one.
    ("HA-ELC-001", W, "search", "pass"),
    ("HA-ELC-002", W, "search", "pass"),
    ("HA-ELC-003", W, "search", "pass"),
    ("HA-ELC-004", W, "search", "pass"),
    ("HA-ELC-005", W, "search", "fail"),
    ("HA-ELC-006", W, "search", "fail"),
    ("HA-ELC-010", W, "search", "fail"),
    // One subnet of its subnet group is in no listing: one known AZ proves nothing.
    ("HA-ELC-001", W, "sessions", "pass"),
    ("HA-ELC-002", W, "sessions", "pass"),
    ("HA-ELC-003", W, "sessions", "pass"),
    ("HA-ELC-004", W, "sessions", "pass"),
    ("HA-ELC-006", W, "sessions", "pass"),
    ("HA-ELC-010", W, "sessions", "not_evaluated"),
    // eu-central-1's cache cluster listing was throttled: the group's subnet group is
    // unknown, and the standalone cluster rules give one finding for the region.
    ("HA-ELC-001", C, "ledger-cache", "pass"),
    ("HA-ELC-002", C, "ledger-cache", "fail"),
    ("HA-ELC-003", C, "ledger-cache", "pass"),
    ("HA-ELC-004", C, "ledger-cache", "fail"),
    ("HA-ELC-006", C, "ledger-cache", "pass"),
    ("HA-ELC-010", C, "ledger-cache", "not_evaluated"),
    ("HA-ELC-007", C, "*", "not_evaluated"),
    ("HA-ELC-008", C, "*", "not_evaluated"),
    ("HA-ELC-009", C, "*", "not_evaluated"),
    ("HA-ELC-011", C, "*", "not_evaluated"),
    // Standalone clusters (member clusters are judged through their group).
    ("HA-ELC-008", W, "memo-spread", "pass"),
    ("HA-ELC-009", W, "memo-spread", "pass"),
    ("HA-ELC-011", W, "memo-spread", "pass"),
    ("HA-ELC-008", W, "memo-packed", "pass"),
    ("HA-ELC-009", W, "memo-packed", "fail"),
    ("HA-ELC-011", W, "memo-packed", "fail"),
    ("HA-ELC-007", W, "valkey-solo", "fail"),
    ("HA-ELC-008", W, "valkey-solo", "fail"),
    ("HA-ELC-011", W, "valkey-solo", "not_evaluated"),
    // A global table, fully autoscaled.
    ("HA-DDB-001", W, "orders", "pass"),
    ("HA-DDB-002", W, "orders", "pass"),
    ("HA-DDB-003", W, "orders", "pass"),
    ("HA-DDB-004", W, "orders", "pass"),
    ("HA-DDB-005", W, "orders", "pass"),
    ("HA-DDB-006", W, "orders", "pass"),
    ("HA-DDB-007", W, "orders", "pass"),
    ("HA-DDB-008", W, "orders", "pass"),
    // A global table with a replica in a disabled region.
    ("HA-DDB-001", W, "payments", "pass"),
    ("HA-DDB-002", W, "payments", "pass"),
    ("HA-DDB-005", W, "payments", "pass"),
    ("HA-DDB-006", W, "payments", "pass"),
    ("HA-DDB-007", W, "payments", "fail"),
    ("HA-DDB-008", W, "payments", "pass"),
    // Read scale-out suspended: reads do not autoscale.
    ("HA-DDB-001", W, "inventory", "fail"),
    ("HA-DDB-002", W, "inventory", "fail"),
    ("HA-DDB-003", W, "inventory", "fail"),
    ("HA-DDB-005", W, "inventory", "fail"),
    ("HA-DDB-006", W, "inventory", "pass"),
    // DescribeContinuousBackups was denied.
    ("HA-DDB-001", W, "ledger", "not_evaluated"),
    ("HA-DDB-002", W, "ledger", "pass"),
    ("HA-DDB-005", W, "ledger", "fail"),
    ("HA-DDB-006", W, "ledger", "pass"),
    // DescribeTable failed: only PITR is known.
    ("HA-DDB-001", W, "audit-log", "pass"),
    ("HA-DDB-002", W, "audit-log", "not_evaluated"),
    ("HA-DDB-003", W, "audit-log", "not_evaluated"),
    ("HA-DDB-004", W, "audit-log", "not_evaluated"),
    ("HA-DDB-005", W, "audit-log", "not_evaluated"),
    ("HA-DDB-006", W, "audit-log", "not_evaluated"),
    ("HA-DDB-007", W, "audit-log", "not_evaluated"),
    ("HA-DDB-008", W, "audit-log", "not_evaluated"),
    // Its KMS key is unusable.
    ("HA-DDB-001", W, "vault", "pass"),
    ("HA-DDB-002", W, "vault", "pass"),
    ("HA-DDB-005", W, "vault", "fail"),
    ("HA-DDB-006", W, "vault", "fail"),
    // Same name in another region: its own targets.
    ("HA-DDB-001", C, "ledger", "pass"),
    ("HA-DDB-002", C, "ledger", "pass"),
    ("HA-DDB-003", C, "ledger", "pass"),
    ("HA-DDB-005", C, "ledger", "fail"),
    ("HA-DDB-006", C, "ledger", "pass"),
];

fn report() -> Value {
    json_scan_exiting(SCENARIO, 1)
}

fn ours(f: &Value) -> bool {
    let rule = f["rule_id"].as_str().unwrap_or_default();
    rule.starts_with("HA-ELC-") || rule.starts_with("HA-DDB-")
}

#[test]
fn cache_and_table_rules_judge_what_was_read_and_say_what_was_not() {
    let report = report();
    assert_outcomes(&report, ours, EXPECTED);
}

#[test]
fn findings_name_the_facts_and_the_calls_behind_them() {
    let report = report();
    let find = |rule: &str, region: &str, id: &str| {
        finding(
            &report,
            &[("rule_id", rule), ("region", region), ("resource_id", id)],
        )
    };
    for (rule, region, id, needles) in [
        (
            "HA-ELC-010",
            W,
            "sessions",
            &[
                "`subnet_group_azs`",
                "subnet subnet-0zz of cache subnet group cache-unknown",
            ][..],
        ),
        (
            "HA-ELC-010",
            C,
            "ledger-cache",
            &[
                "elasticache.cache_cluster could not be listed",
                "Throttling",
            ],
        ),
        (
            "HA-ELC-011",
            W,
            "valkey-solo",
            &["cache subnet group cache-gone is not in the subnet group listing"],
        ),
        (
            "HA-DDB-001",
            W,
            "ledger",
            &["DescribeContinuousBackups failed: AccessDeniedException"],
        ),
        (
            "HA-DDB-002",
            W,
            "audit-log",
            &["DescribeTable failed: InternalServerError"],
        ),
    ] {
        assert_says(find(rule, region, id), "reason", needles);
    }
    for (rule, region, id, needles) in [
        (
            "HA-ELC-005",
            W,
            "search",
            &["shard(s) 0002", "eu-west-1a, eu-west-1b"][..],
        ),
        (
            "HA-ELC-010",
            W,
            "search",
            &["cache-one-az", "all in eu-west-1a"],
        ),
        (
            "HA-ELC-009",
            W,
            "memo-packed",
            &["All 2 nodes", "eu-west-1b"],
        ),
        ("HA-DDB-007", W, "payments", &["ap-southeast-2"]),
        (
            "HA-DDB-003",
            W,
            "inventory",
            &["read autoscaling false", "write autoscaling true"],
        ),
        (
            "HA-DDB-006",
            W,
            "vault",
            &["INACCESSIBLE_ENCRYPTION_CREDENTIALS"],
        ),
    ] {
        assert_says(find(rule, region, id), "message", needles);
    }
    // A table DescribeTable could not read still has its ARN.
    assert_eq!(
        find("HA-DDB-002", W, "audit-log")["arn"],
        "arn:aws:dynamodb:eu-west-1:210987654321:table/audit-log"
    );

    // The same scenario as SARIF is valid.
    assert_valid_sarif_of(SCENARIO);
}
