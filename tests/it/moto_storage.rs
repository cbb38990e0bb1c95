//! End to end against moto for storage and backup: seed `fixtures/moto/seed_storage.py` (EFS
//! Regional and One Zone with mount targets next to EC2 instances, EBS volumes with and
//! without snapshots, RDS instances, buckets, AWS Backup vaults and plans in two regions),
//! scan it with the real binary through the recording proxy and compare every finding of the
//! rules the scenario pins with `fixtures/moto/storage.expected.json`.
//!
//! moto implements neither ListBackupSelections (HTTP 500), ListProtectedResources (404) nor
//! EFS DescribeReplicationConfigurations (500). What depends on them must be
//! `not_evaluated`, with a reason naming the call; the test asserts exactly that. The same
//! rules are judged on readable data in `tests/it/scenario_storage.rs`.
//!
//! Needs `scripts/setup-moto`; fails (does not skip) when moto cannot start.

use crate::support::cli::{ha_audit, run, stderr, stdout};
use crate::support::emulator_gaps::{
    assert_read_beyond_emulator_gaps, names_emulator_gap, scan_wide_emulator_gap,
};
use crate::support::expected::{self, assert_no_problems, unnamed_is_a_problem};
use crate::support::live::{assert_called, assert_calls_are_in_the_iam_policy};
use crate::support::moto::Moto;
use crate::support::proxy::Proxy;
use crate::support::report::{by_name, findings, text, with_outcome};
use serde_json::Value;

/// moto's answers to what it does not implement are 500s, which the SDK would retry: no
/// retry keeps the run short and changes no outcome.
const ARGS: [&str; 8] = [
    "--region",
    "us-east-1",
    "--region",
    "us-west-2",
    "--max-retries",
    "0",
    "--format",
    "json",
];

#[test]
fn live_scan_of_the_storage_account_gives_exactly_the_expected_findings() {
    let moto = Moto::start();
    moto.seed("seed_storage.py");
    // Through the proxy: it records every call, and fixes moto's GetBucketVersioning answer.
    let proxy = Proxy::start(&moto.addr());
    let out = run(ha_audit(Some(&proxy.endpoint)).arg("scan").args(ARGS));
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).expect("JSON report");
    let requests = proxy.requests();
    assert_calls_are_in_the_iam_policy(&requests);
    assert_called(
        &requests,
        &[
            "DescribeFileSystems",
            "DescribeMountTargets",
            "DescribeBackupPolicy",
            "DescribeReplicationConfigurations",
            "DescribeVolumes",
            "DescribeSnapshots",
            "ListBackupPlans",
            "GetBackupPlan",
            "ListBackupSelections",
            "ListBackupVaults",
            "ListProtectedResources",
        ],
    );

    let findings = findings(&report);
    let cmp = expected::compare(&report, "storage.expected.json", unnamed_is_a_problem);
    assert_no_problems(&cmp.problems);
    // Each rule the scenario was written for is seen passing, failing or not evaluated,
    // as moto allows: the rules that need selections can only be not evaluated in
    // us-east-1, and fail in us-west-2, which has no plan.
    for rule in &cmp.covered {
        assert!(
            findings
                .iter()
                .any(|f| &f["rule_id"] == rule && f["outcome"] != "not_evaluated")
                || rule == "HA-EFS-003"
                || rule.starts_with("HA-BAK-01")
                || rule == "HA-BAK-009",
            "{rule} is only ever not evaluated"
        );
    }

    // Every not-evaluated finding is one of moto's three gaps, named in the reason.
    let gaps = [
        ("ListBackupSelections", "http-500"),
        ("ListProtectedResources", "http-404"),
        ("DescribeReplicationConfigurations", "http-500"),
    ];
    for f in with_outcome(&report, "not_evaluated")
        .into_iter()
        .filter(|f| !scan_wide_emulator_gap(f))
    {
        let reason = f["reason"].as_str().unwrap();
        assert!(
            gaps.iter()
                .any(|(op, code)| names_emulator_gap(reason, op, code)),
            "{} {}: {reason}",
            f["rule_id"],
            f["resource_name"]
        );
    }
    let reason = |rule: &str, name: &str| text(by_name(&report, rule, name), "reason");
    assert!(reason("HA-EFS-003", "efs-west").contains("DescribeReplicationConfigurations"));
    assert!(reason("HA-BAK-004", "db-east").contains("ListBackupSelections"));
    let stale = reason("HA-BAK-009", "db-east");
    assert!(
        stale.contains("ListBackupSelections") && stale.contains("ListProtectedResources"),
        "{stale}"
    );
    assert_read_beyond_emulator_gaps(&report);

    // The messages carry the cross-resource facts they were derived from.
    let message = |rule: &str, name: &str| text(by_name(&report, rule, name), "message");
    let m = message("HA-EFS-004", "efs-two-az");
    assert!(m.contains("in us-east-1c"), "{m}");
    let m = message("HA-BAK-002", "plan-local-short");
    assert!(m.contains("after 7 days"), "{m}");
}
