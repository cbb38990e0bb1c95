//! End to end against moto for storage and backup: seed `fixtures/moto/seed_storage.py` (EFS
//! Regional and One Zone with mount targets next to EC2 instances, EBS volumes with and
//! without snapshots, RDS instances, buckets, AWS Backup vaults and plans in two regions),
//! scan it with the real binary through the recording proxy and compare every finding of the
//! rules the scenario pins with `fixtures/moto/storage.expected.json`.
//!
//! moto implements neither ListBackupSelections (HTTP 500), ListProtectedResources (404) nor
//! EFS DescribeReplicationConfigurations (500). What depends on them must be
//! `not_evaluated`, with a reason naming the call; the test asserts exactly that. The same
//! rules are judged on readable data in `tests/scenario_storage.rs`.
//!
//! Needs `scripts/setup-moto`; fails (does not skip) when moto cannot start.

mod support;

use serde_json::Value;
use support::cli::{assert_calls_are_in_the_iam_policy, ha_audit, run, stderr, stdout};
use support::moto::Moto;
use support::proxy::Proxy;

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
    assert_calls_are_in_the_iam_policy(&proxy.requests());
    for op in [
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
    ] {
        assert!(
            proxy
                .requests()
                .iter()
                .any(|r| r.operation.as_deref() == Some(op)),
            "{op} is called"
        );
    }

    let findings = report["findings"].as_array().unwrap();
    let cmp = support::expected::compare(&report, "storage.expected.json", |f| {
        Some(format!("unnamed resource: {f}"))
    });
    assert!(cmp.problems.is_empty(), "{}", cmp.problems.join("\n"));
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
    for f in findings.iter().filter(|f| f["outcome"] == "not_evaluated") {
        let reason = f["reason"].as_str().unwrap();
        assert!(
            gaps.iter()
                .any(|(op, code)| support::cli::names_emulator_gap(reason, op, code)),
            "{} {}: {reason}",
            f["rule_id"],
            f["resource_name"]
        );
    }
    let reason = |rule: &str, name: &str| -> String {
        findings
            .iter()
            .find(|f| f["rule_id"] == rule && f["resource_name"] == name)
            .and_then(|f| f["reason"].as_str())
            .unwrap_or_else(|| panic!("no reason for {rule} {name}"))
            .to_string()
    };
    assert!(reason("HA-EFS-003", "efs-west").contains("DescribeReplicationConfigurations"));
    assert!(reason("HA-BAK-004", "db-east").contains("ListBackupSelections"));
    let stale = reason("HA-BAK-009", "db-east");
    assert!(
        stale.contains("ListBackupSelections") && stale.contains("ListProtectedResources"),
        "{stale}"
    );
    assert!(support::cli::not_evaluated_beyond_emulator_gaps(&report).is_empty());

    // The messages carry the cross-resource facts they were derived from.
    let message = |rule: &str, name: &str| -> String {
        findings
            .iter()
            .find(|f| f["rule_id"] == rule && f["resource_name"] == name)
            .and_then(|f| f["message"].as_str())
            .unwrap_or_else(|| panic!("no message for {rule} {name}"))
            .to_string()
    };
    let m = message("HA-EFS-004", "efs-two-az");
    assert!(m.contains("in us-east-1c"), "{m}");
    let m = message("HA-BAK-002", "plan-local-short");
    assert!(m.contains("after 7 days"), "{m}");
}
