//! End to end against moto for Lambda, CloudFront and CloudWatch: seed
//! `fixtures/moto/seed_serverless.py`, scan it with the real binary through the recording
//! proxy and compare every finding of the rules the scenario pins with
//! `fixtures/moto/serverless.expected.json`.
//!
//! The Rust SDK speaks Smithy RPC v2 CBOR to CloudWatch, which moto serves only as JSON or
//! query: the proxy re-encodes those calls (see `support/cbor.rs`). Straight to moto, without
//! the proxy, DescribeAlarms fails, and the facts that need alarms must then be unknown.
//!
//! Needs `scripts/setup-moto`; fails (does not skip) when moto cannot start.

use crate::support::emulator_gaps::{
    assert_read_beyond_emulator_gaps, complete_beyond_emulator_gaps,
};
use crate::support::expected::{self, assert_no_problems, key, unnamed_is_a_problem};
use crate::support::live::{
    assert_called, assert_calls_are_in_the_iam_policy, assert_offline_scan_matches, Live,
};
use crate::support::report::{by_name, findings, text};
use serde_json::Value;

#[test]
fn live_scan_of_the_serverless_account_gives_exactly_the_expected_findings() {
    let live = Live::through_proxy("seed_serverless.py");
    let report = &live.report;
    let requests = &live.requests;
    assert_calls_are_in_the_iam_policy(requests);
    assert_called(
        requests,
        &[
            "ListFunctions",
            "GetFunctionConcurrency",
            "ListFunctionEventInvokeConfigs",
            "ListDistributions",
            "DescribeAlarms",
        ],
    );
    // GetFunction's code location would point outside the emulator: never called.
    assert!(!requests
        .iter()
        .any(|r| r.operation.as_deref() == Some("GetFunction")));

    let cmp = expected::compare(report, "serverless.expected.json", unnamed_is_a_problem);
    assert_no_problems(&cmp.problems);
    assert_read_beyond_emulator_gaps(report);
    for c in report["coverage"].as_array().unwrap() {
        assert!(complete_beyond_emulator_gaps(c), "{c}");
    }

    // The messages carry the cross-resource facts they were derived from.
    let m = |rule: &str, name: &str| text(by_name(report, rule, name), "message");
    let one_az = m("HA-LAM-001", "fn-one-az");
    assert!(one_az.contains("of us-east-1a only"), "{one_az}");
    let bypass = m("HA-CF-003", "failover.serverless-ha.com");
    assert!(bypass.contains("default, /static/*"), "{bypass}");
    let same = m("HA-CF-004", "same-region.serverless-ha.com");
    assert!(same.contains("group(s) failover fail over"), "{same}");
    let gone = m("HA-CF-005", "gone-bucket.serverless-ha.com");
    assert!(gone.contains("not in the account: sl-cf-gone;"), "{gone}");
    let silent = m("HA-CW-003", "sl-alb-silent");
    assert!(
        silent.contains("without a working action: alb-silent-unhealthy"),
        "{silent}"
    );
    let disabled = m("HA-CW-004", "sl-db-disabled");
    assert!(disabled.contains("db-disabled-lag"), "{disabled}");
    let elsewhere = m("HA-CW-004", "sl-db-west-bare");
    assert!(elsewhere.contains("working action: none"), "{elsewhere}");

    assert_offline_scan_matches(&live.snapshot, report);
}

#[test]
fn without_alarms_the_alarm_facts_are_unknown_never_missing() {
    // Straight to moto: DescribeAlarms cannot be read in either region. No resource may then
    // fail for "no alarm"; the other rules are judged as usual.
    let live = Live::straight("seed_serverless.py");
    let report = &live.report;
    let findings = findings(report);
    for (rule, n) in [
        ("HA-CW-003", 3),
        ("HA-CW-004", 6),
        ("HA-CW-005", 2),
        ("HA-CW-006", 2),
    ] {
        let of_rule: Vec<&Value> = findings.iter().filter(|f| f["rule_id"] == rule).collect();
        assert_eq!(of_rule.len(), n, "{rule}");
        for f in of_rule {
            assert_eq!(f["outcome"], "not_evaluated", "{f}");
            let reason = f["reason"].as_str().unwrap();
            assert!(
                reason.contains("cloudwatch could not be listed")
                    && reason.contains("DescribeAlarms"),
                "{reason}"
            );
        }
    }
    // The alarm rules themselves are not evaluated per scope.
    for region in ["us-east-1", "us-west-2"] {
        for rule in ["HA-CW-001", "HA-CW-002"] {
            assert!(
                findings.iter().any(|f| f["rule_id"] == rule
                    && f["region"] == region
                    && f["outcome"] == "not_evaluated"),
                "{rule} in {region}"
            );
        }
    }
    // moto writes an event invoke config's LastModified as a string, which the SDK rejects
    // (the proxy fixes it): the function with one is not judged, never passed or failed.
    let invoke = by_name(report, "HA-LAM-002", "fn-no-vpc");
    assert_eq!(invoke["outcome"], "not_evaluated", "{invoke}");
    assert!(invoke["reason"]
        .as_str()
        .unwrap()
        .contains("ListFunctionEventInvokeConfigs failed"));
    let want = expected::load("serverless.expected.json");
    for f in findings
        .iter()
        .filter(|f| !(f["rule_id"] == "HA-LAM-002" && f["resource_name"] == "fn-no-vpc"))
        .filter(|f| {
            ["HA-LAM-", "HA-CF-"]
                .iter()
                .any(|p| f["rule_id"].as_str().unwrap().starts_with(p))
        })
    {
        assert_eq!(
            want.get(&key(f)).map(String::as_str),
            f["outcome"].as_str(),
            "{f}"
        );
    }
}
