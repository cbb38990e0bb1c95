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

mod support;

use serde_json::Value;
use support::cli::{
    assert_calls_are_in_the_iam_policy, ha_audit, run, stderr, stdout, without_time,
};
use support::moto::Moto;
use support::proxy::Proxy;

const REGIONS: [&str; 4] = ["--region", "us-east-1", "--region", "us-west-2"];

fn scan(endpoint: &str, snapshot: &std::path::Path) -> Value {
    let out = run(ha_audit(Some(endpoint))
        .args(["scan", "--format", "json", "--save-snapshot"])
        .arg(snapshot)
        .args(REGIONS));
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("JSON report")
}

fn finding<'a>(report: &'a Value, rule: &str, name: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == rule && f["resource_name"] == name)
        .unwrap_or_else(|| panic!("no {rule} finding for {name}"))
}

#[test]
fn live_scan_of_the_serverless_account_gives_exactly_the_expected_findings() {
    let moto = Moto::start();
    moto.seed("seed_serverless.py");
    let proxy = Proxy::start(&moto.addr());
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snapshot.json");
    let report = scan(&proxy.endpoint, &snap);
    let requests = proxy.requests();
    assert_calls_are_in_the_iam_policy(&requests);
    for op in [
        "ListFunctions",
        "GetFunctionConcurrency",
        "ListFunctionEventInvokeConfigs",
        "ListDistributions",
        "DescribeAlarms",
    ] {
        assert!(
            requests.iter().any(|r| r.operation.as_deref() == Some(op)),
            "{op} was not called"
        );
    }
    // GetFunction's code location would point outside the emulator: never called.
    assert!(!requests
        .iter()
        .any(|r| r.operation.as_deref() == Some("GetFunction")));

    let cmp = support::expected::compare(&report, "serverless.expected.json", |f| {
        Some(format!("unnamed resource: {f}"))
    });
    assert!(cmp.problems.is_empty(), "{}", cmp.problems.join("\n"));
    let unread = support::cli::not_evaluated_beyond_emulator_gaps(&report);
    assert!(unread.is_empty(), "everything was readable: {unread:?}");
    for c in report["coverage"].as_array().unwrap() {
        assert!(
            c["complete"] == true || support::cli::incomplete_only_by_emulator_gaps(c),
            "{c}"
        );
    }

    // The messages carry the cross-resource facts they were derived from.
    let m = |rule: &str, name: &str| {
        finding(&report, rule, name)["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
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

    // Offline re-evaluation of the saved snapshot gives the same report.
    let offline = run(ha_audit(None)
        .args(["scan", "--format", "json", "--snapshot"])
        .arg(&snap));
    assert_eq!(offline.status.code(), Some(1), "{}", stderr(&offline));
    let live = serde_json::to_string(&report).unwrap();
    assert_eq!(without_time(&stdout(&offline)), without_time(&live));
}

#[test]
fn without_alarms_the_alarm_facts_are_unknown_never_missing() {
    // Straight to moto: DescribeAlarms cannot be read in either region. No resource may then
    // fail for "no alarm"; the other rules are judged as usual.
    let moto = Moto::start();
    moto.seed("seed_serverless.py");
    let dir = tempfile::tempdir().unwrap();
    let report = scan(&moto.endpoint, &dir.path().join("snapshot.json"));
    let findings = report["findings"].as_array().unwrap();
    for rule in ["HA-CW-003", "HA-CW-004", "HA-CW-005", "HA-CW-006"] {
        let of_rule: Vec<&Value> = findings.iter().filter(|f| f["rule_id"] == rule).collect();
        assert!(!of_rule.is_empty(), "{rule} judged nothing");
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
    let invoke = findings
        .iter()
        .find(|f| f["rule_id"] == "HA-LAM-002" && f["resource_name"] == "fn-no-vpc")
        .unwrap();
    assert_eq!(invoke["outcome"], "not_evaluated", "{invoke}");
    assert!(invoke["reason"]
        .as_str()
        .unwrap()
        .contains("ListFunctionEventInvokeConfigs failed"));
    let want = support::expected::load("serverless.expected.json");
    for f in findings
        .iter()
        .filter(|f| !(f["rule_id"] == "HA-LAM-002" && f["resource_name"] == "fn-no-vpc"))
        .filter(|f| {
            ["HA-LAM-", "HA-CF-"]
                .iter()
                .any(|p| f["rule_id"].as_str().unwrap().starts_with(p))
        })
    {
        let key = (
            f["rule_id"].as_str().unwrap().to_string(),
            f["region"].as_str().unwrap().to_string(),
            f["resource_name"].as_str().unwrap().to_string(),
        );
        assert_eq!(
            want.get(&key).map(String::as_str),
            f["outcome"].as_str(),
            "{f}"
        );
    }
}
