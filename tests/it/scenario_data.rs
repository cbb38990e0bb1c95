//! The data-tier rules on `fixtures/scenarios/data-partial.json`: an account snapshot with
//! what moto cannot produce. Some inputs were unreadable (a throttled DB instance listing,
//! denied health checks, load balancers, a destination's versioning and a bucket's Object
//! Lock), one load balancer is in a region that was not scanned, and some states exist only
//! on AWS (Aurora Serverless v1, the legacy `aurora` engine, a Multi-AZ read replica,
//! cross-account replication, NLB alias names).

use crate::support::cli::json_scan_exiting;
use crate::support::expected::{assert_no_problems, pinned_outcome_problems};
use crate::support::report::{
    assert_says, assert_table_counts_not_evaluated, assert_valid_sarif_of, by_id,
};
use serde_json::Value;

const SCENARIO: &str = "fixtures/scenarios/data-partial.json";

/// Every finding of the rules this scenario pins: (rule, resource id, outcome).
const EXPECTED: &[(&str, &str, &str)] = &[
    // Judged from the records alone, although the health checks could not be listed.
    (
        "HA-R53-004",
        "Z0DATAPARTIAL/www.shop-ha.net./A/primary",
        "fail",
    ),
    // ListHealthChecks was denied: whether the check exists, and how it is set, is unknown.
    (
        "HA-R53-005",
        "Z0DATAPARTIAL/www.shop-ha.net./A/primary",
        "not_evaluated",
    ),
    (
        "HA-R53-005",
        "Z0DATAPARTIAL/www.shop-ha.net./A/secondary",
        "not_evaluated",
    ),
    (
        "HA-R53-009",
        "Z0DATAPARTIAL/www.shop-ha.net./A/primary",
        "not_evaluated",
    ),
    (
        "HA-R53-009",
        "Z0DATAPARTIAL/www.shop-ha.net./A/secondary",
        "not_evaluated",
    ),
    (
        "HA-R53-006",
        "Z0DATAPARTIAL/www.shop-ha.net./A/primary",
        "pass",
    ),
    (
        "HA-R53-006",
        "Z0DATAPARTIAL/www.shop-ha.net./A/secondary",
        "pass",
    ),
    (
        "HA-R53-007",
        "Z0DATAPARTIAL/www.shop-ha.net./A/primary",
        "pass",
    ),
    // An NLB name (`<name>-<id>.elb.<region>.amazonaws.com`) behind `dualstack.`, one AZ.
    ("HA-R53-008", "Z0DATAPARTIAL/api.shop-ha.net./A/", "fail"),
    // eu-central-1's load balancers could not be listed; ap-southeast-2 was not scanned.
    // The S3 website alias is not a load balancer: not judged.
    (
        "HA-R53-008",
        "Z0DATAPARTIAL/eu.shop-ha.net./A/",
        "not_evaluated",
    ),
    (
        "HA-R53-008",
        "Z0DATAPARTIAL/apac.shop-ha.net./A/",
        "not_evaluated",
    ),
    // eu-central-1's DB instance listing was throttled part-way: one finding per rule for
    // the region, and the replica listed before the failure is judged where it can be.
    ("HA-RDS-004", "*", "not_evaluated"),
    ("HA-RDS-008", "*", "not_evaluated"),
    ("HA-RDS-010", "*", "not_evaluated"),
    ("HA-RDS-012", "*", "not_evaluated"),
    ("HA-RDS-014", "*", "not_evaluated"),
    ("HA-RDS-015", "*", "not_evaluated"),
    ("HA-RDS-004", "reports-ro", "fail"),
    ("HA-RDS-010", "reports-ro", "pass"),
    ("HA-RDS-012", "reports-ro", "pass"),
    ("HA-RDS-014", "reports-ro", "not_evaluated"),
    ("HA-RDS-004", "billing-db", "pass"),
    ("HA-RDS-004", "ledger-db", "fail"),
    ("HA-RDS-004", "ledger-db-ro", "fail"),
    ("HA-RDS-008", "billing-db", "pass"),
    ("HA-RDS-010", "billing-db", "pass"),
    ("HA-RDS-010", "ledger-db", "fail"),
    ("HA-RDS-010", "ledger-db-ro", "pass"),
    // A subnet group whose subnets have no known AZ fails: never a vacuous pass.
    ("HA-RDS-012", "billing-db", "pass"),
    ("HA-RDS-012", "ledger-db", "fail"),
    ("HA-RDS-012", "ledger-db-ro", "fail"),
    // A Multi-AZ replica in its source's AZ keeps a standby elsewhere.
    ("HA-RDS-014", "ledger-db-ro", "pass"),
    // Single-AZ and no backups, but a read replica to promote.
    ("HA-RDS-015", "billing-db", "pass"),
    ("HA-RDS-015", "ledger-db", "pass"),
    // `events` is Aurora Serverless v1: no DB instances, so neither RDS-006 nor RDS-011.
    ("HA-RDS-005", "events", "pass"),
    ("HA-RDS-005", "legacy", "pass"),
    ("HA-RDS-005", "orders", "pass"),
    ("HA-RDS-006", "legacy", "pass"),
    ("HA-RDS-006", "orders", "pass"),
    ("HA-RDS-009", "events", "pass"),
    ("HA-RDS-009", "legacy", "pass"),
    ("HA-RDS-009", "orders", "pass"),
    // `aurora` is Aurora MySQL 5.6; a window of 0 is off.
    ("HA-RDS-011", "legacy", "fail"),
    // Member orders-3 is not in the instance listing: its AZ and accessibility are unknown.
    ("HA-RDS-007", "orders", "not_evaluated"),
    ("HA-RDS-013", "orders", "not_evaluated"),
    ("HA-RDS-013", "legacy", "pass"),
    // Object Lock: denied for `ledger`, not in the snapshot for `archive`.
    ("HA-S3-003", "archive", "not_evaluated"),
    ("HA-S3-003", "ledger", "not_evaluated"),
    ("HA-S3-003", "ledger-dr", "fail"),
    ("HA-S3-003", "partner-feed", "pass"),
    // A rule naming another destination account is not a missing destination.
    ("HA-S3-004", "ledger", "pass"),
    ("HA-S3-004", "partner-feed", "pass"),
    // The destination's versioning could not be read.
    ("HA-S3-005", "ledger", "not_evaluated"),
];

fn report() -> Value {
    json_scan_exiting(SCENARIO, 1)
}

#[test]
fn data_rules_judge_what_was_read_and_say_what_was_not() {
    let report = report();
    assert_no_problems(&pinned_outcome_problems(&report, EXPECTED));
}

#[test]
fn not_evaluated_findings_name_the_fact_and_the_call_behind_it() {
    let report = report();
    let www = "Z0DATAPARTIAL/www.shop-ha.net./A/primary";
    for (rule, id, needles) in [
        (
            "HA-R53-009",
            www,
            &["`health_check`", "ListHealthChecks", "AccessDenied"][..],
        ),
        (
            "HA-R53-008",
            "Z0DATAPARTIAL/eu.shop-ha.net./A/",
            &["eu-central-1", "DescribeLoadBalancers"],
        ),
        (
            "HA-R53-008",
            "Z0DATAPARTIAL/apac.shop-ha.net./A/",
            &["ap-southeast-2, a region that was not scanned"],
        ),
        (
            "HA-RDS-007",
            "orders",
            &["member orders-3 is not in the DB instance listing"],
        ),
        (
            "HA-RDS-014",
            "reports-ro",
            &["`source_availability_zone`", "Throttling"],
        ),
        (
            "HA-S3-003",
            "ledger",
            &["GetObjectLockConfiguration failed: AccessDenied"],
        ),
        ("HA-S3-003", "archive", &["not in the snapshot"]),
        (
            "HA-S3-005",
            "ledger",
            &[
                "versioning of destination bucket ledger-dr",
                "GetBucketVersioning",
            ],
        ),
    ] {
        assert_says(by_id(&report, rule, id), "reason", needles);
    }

    // The same scenario as a table and as SARIF: the counts agree, the SARIF is valid.
    assert_table_counts_not_evaluated(SCENARIO, &report);
    assert_valid_sarif_of(SCENARIO);
}
