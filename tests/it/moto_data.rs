//! End to end against moto for the data tier: seed `fixtures/moto/seed_data.py` (RDS and
//! Aurora, S3 replication and Object Lock, Route 53 failover and aliases), scan it with the
//! real binary through the recording proxy and compare every finding of the rules the
//! scenario pins with `fixtures/moto/data.expected.json`.
//!
//! Needs `scripts/setup-moto`; fails (does not skip) when moto cannot start.

use crate::support::cli::repo;
use crate::support::emulator_gaps::assert_read_beyond_emulator_gaps;
use crate::support::expected::{self, assert_no_problems, key, unnamed_is_a_problem};
use crate::support::live::{
    assert_called, assert_calls_are_in_the_iam_policy, assert_offline_scan_matches, Live,
};
use crate::support::report::{by_name, findings, text};
use serde_json::Value;

#[test]
fn live_scan_of_the_data_account_gives_exactly_the_expected_findings() {
    // Through the proxy: moto's GetBucketVersioning answer is fixed there (see moto_e2e.rs).
    let live = Live::through_proxy("seed_data.py");
    let report = &live.report;
    // The expected file agrees with what moto holds, judged independently through boto3.
    let check = std::process::Command::new(repo().join(".venv/bin/python"))
        .arg(repo().join("fixtures/moto/check_data_expected.py"))
        .args(["--endpoint", &live.moto.endpoint])
        .output()
        .expect("run check_data_expected.py");
    assert!(
        check.status.success(),
        "fixtures/moto/data.expected.json disagrees with moto:\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert_calls_are_in_the_iam_policy(&live.requests);
    // Object Lock is read per bucket.
    assert_called(&live.requests, &["GetObjectLockConfiguration"]);

    let cmp = expected::compare(report, "data.expected.json", unnamed_is_a_problem);
    assert_no_problems(&cmp.problems);
    assert_read_beyond_emulator_gaps(report);
    // Each rule the scenario was written for is seen both passing and failing.
    for rule in &cmp.covered {
        for outcome in ["pass", "fail"] {
            assert!(
                findings(report)
                    .iter()
                    .any(|f| &f["rule_id"] == rule && f["outcome"] == outcome),
                "{rule} never gives {outcome}"
            );
        }
    }

    // The messages carry the cross-resource facts they were derived from.
    let message = |rule: &str, name: &str| text(by_name(report, rule, name), "message");
    let m = message("HA-R53-008", "plain-alias.data-ha.com. A");
    assert!(
        m.contains("data-alb-one-az (us-east-1)") && m.contains("only in us-east-1a"),
        "{m}"
    );
    let m = message("HA-S3-005", "data-src-unversioned-dest");
    assert!(
        m.contains("data-dest-suspended, data-dest-unversioned"),
        "{m}"
    );
    let m = message("HA-S3-004", "data-src-missing");
    assert!(m.contains("to data-gone,"), "{m}");
    let m = message("HA-RDS-014", "db-replica-same-az");
    assert!(
        m.contains("us-east-1a, the AZ of its source db-source"),
        "{m}"
    );

    assert_offline_scan_matches(&live.snapshot, report);
}

#[test]
fn an_unreadable_destination_leaves_replication_checks_not_evaluated() {
    // Straight to moto, without the proxy: no bucket's versioning can be parsed, so whether a
    // replication destination is versioned is unknown. HA-S3-005 must say so instead of
    // judging; the rules that do not need versioning are judged as usual.
    let live = Live::straight("seed_data.py");
    let report = &live.report;
    let of = |rule: &str| -> Vec<&Value> {
        findings(report)
            .iter()
            .filter(|f| f["rule_id"] == rule)
            .collect()
    };

    let unversioned = of("HA-S3-005");
    assert_eq!(
        unversioned.len(),
        3,
        "the three buckets with an enabled rule to a bucket of the account"
    );
    for f in unversioned {
        assert_eq!(f["outcome"], "not_evaluated", "{f}");
        let reason = f["reason"].as_str().unwrap();
        assert!(
            reason.contains("versioning of destination bucket data-dest-")
                && reason.contains("GetBucketVersioning"),
            "{reason}"
        );
    }
    let want = expected::load("data.expected.json");
    for rule in ["HA-S3-003", "HA-S3-004"] {
        for f in of(rule) {
            assert_eq!(
                want.get(&key(f)).map(String::as_str),
                f["outcome"].as_str(),
                "{f}"
            );
        }
    }
}
