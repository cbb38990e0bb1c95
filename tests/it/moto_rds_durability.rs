//! End to end against moto for the RDS durability reads: seed
//! `fixtures/moto/seed_rds_durability.py` (custom DB and DB cluster parameter groups with safe
//! and unsafe durability settings, a writable read replica, a cross-region read replica, an
//! Aurora global database and a Neptune cluster), scan it with the real binary through the
//! recording proxy and compare every finding of the parameter, cross-region copy and
//! DocumentDB/Neptune cluster rules with `fixtures/moto/rds_durability.expected.json`.
//!
//! moto 5.2.5 marks every cluster of a global database as a non-writer, so which one is the
//! primary is unknown: HA-RDS-024 and HA-CW-007 are pinned as `not_evaluated` there, with the
//! reason checked here, and judged by the model's unit tests and the rule examples instead.
//!
//! Needs `scripts/setup-moto`; fails (does not skip) when moto cannot start.

use crate::support::expected::{self, assert_no_problems, unnamed_is_a_problem};
use crate::support::live::{assert_called, assert_calls_are_in_the_iam_policy, Live};
use crate::support::report::with_outcome;

#[test]
fn rds_durability_account_gives_exactly_the_expected_findings() {
    let live = Live::through_proxy("seed_rds_durability.py");
    let report = &live.report;
    assert_calls_are_in_the_iam_policy(&live.requests);
    assert_called(
        &live.requests,
        &[
            "DescribeDBParameters",
            "DescribeDBClusterParameters",
            "DescribeGlobalClusters",
        ],
    );
    let cmp = expected::compare(report, "rds_durability.expected.json", unnamed_is_a_problem);
    assert_eq!(
        cmp.covered.len(),
        12,
        "HA-RDS-002/005/009, HA-RDS-017..024 and HA-CW-007"
    );
    assert_no_problems(&cmp.problems);

    // Every not-evaluated finding of these rules is the global database without a writer.
    let mut gaps: Vec<String> = with_outcome(report, "not_evaluated")
        .into_iter()
        .filter(|f| cmp.covered.contains(f["rule_id"].as_str().unwrap()))
        .map(|f| {
            let reason = f["reason"].as_str().unwrap();
            assert!(
                reason.contains("global database carts-global names no writer cluster"),
                "{f}"
            );
            format!("{} {}", f["rule_id"], f["resource_name"])
        })
        .collect();
    gaps.sort();
    assert_eq!(
        gaps,
        [
            "\"HA-CW-007\" \"carts\"",
            "\"HA-CW-007\" \"carts-dr\"",
            "\"HA-RDS-024\" \"carts\"",
            "\"HA-RDS-024\" \"carts-dr\"",
        ]
    );
}
