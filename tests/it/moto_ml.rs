//! End to end against moto for SageMaker endpoints, Comprehend endpoints (with the KMS keys of
//! their models) and Directory Service: seed `fixtures/moto/seed_ml.py`, scan it with the real
//! binary through the recording proxy and compare every finding of the HA-SGM, HA-CMP and HA-DS
//! rules with `fixtures/moto/ml.expected.json`. Then the same account with DescribeKey and
//! DescribeEndpointConfig denied: what they would have read is not evaluated, and a variant
//! already seen running on one instance still fails.
//!
//! moto 5.2.5 has no Directory Service GetSnapshotLimits: HA-DS-001 is pinned `not_evaluated`,
//! with the reason checked here, and judged on `fixtures/scenarios/ml.json`
//! (`tests/it/scenario_ml.rs`).
//!
//! Needs `scripts/setup-moto`; fails (does not skip) when moto cannot start.

use crate::support::emulator_gaps::directory_emulator_gap;
use crate::support::expected::{self, assert_no_problems, unnamed_is_a_problem};
use crate::support::faults::{Fault, Faults};
use crate::support::live::{
    assert_called, assert_calls_are_in_the_iam_policy, assert_offline_scan_matches, scan_saving,
    Live,
};
use crate::support::moto::Moto;
use crate::support::proxy::Proxy;
use crate::support::report::{by_name, text};
use serde_json::Value;
use std::collections::BTreeMap;

const PREFIXES: &[&str] = &["HA-SGM-", "HA-CMP-", "HA-DS-"];

fn ours(rule: &str) -> bool {
    PREFIXES.iter().any(|p| rule.starts_with(p))
}

/// (rule, region, resource name) -> (outcome, reason), for the rules of this account.
fn outcomes(report: &Value) -> BTreeMap<(String, String, String), (String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| ours(f["rule_id"].as_str().unwrap_or_default()))
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (
                (s("rule_id"), s("region"), s("resource_name")),
                (s("outcome"), s("reason")),
            )
        })
        .collect()
}

#[test]
fn ml_account_gives_exactly_the_expected_findings() {
    let live = Live::through_proxy("seed_ml.py");
    let report = &live.report;
    assert_calls_are_in_the_iam_policy(&live.requests);
    assert_called(
        &live.requests,
        &[
            "ListEndpoints",
            "DescribeEndpoint",
            "DescribeEndpointConfig",
            "DescribeDocumentClassifier",
            "DescribeEntityRecognizer",
            "ListDocumentClassifiers",
            "ListEntityRecognizers",
            "DescribeKey",
            "DescribeDirectories",
            "GetSnapshotLimits",
        ],
    );
    let count = |op: &str| {
        live.requests
            .iter()
            .filter(|r| r.operation.as_deref() == Some(op) && r.attempt.unwrap_or(1) == 1)
            .count()
    };
    // Each model and each key once, though two endpoints serve one model; each endpoint
    // configuration an endpoint runs once, the unused one never; GetSnapshotLimits only for
    // the Simple AD directory (an AD Connector takes no snapshots).
    assert_eq!(count("DescribeDocumentClassifier"), 4);
    assert_eq!(count("DescribeEntityRecognizer"), 1);
    assert_eq!(count("DescribeKey"), 4);
    assert_eq!(count("DescribeEndpointConfig"), 5);
    assert_eq!(count("GetSnapshotLimits"), 1);

    let cmp = expected::compare(report, "ml.expected.json", unnamed_is_a_problem);
    assert_no_problems(&cmp.problems);
    let pinned: Vec<String> = crate::support::cli::rule_ids()
        .into_iter()
        .filter(|r| ours(r) && !cmp.covered.contains(r))
        .collect();
    assert!(
        pinned.is_empty(),
        "rules the expected file does not pin: {pinned:?}"
    );

    // Not evaluated only where moto lacks the call.
    for f in report["findings"].as_array().unwrap() {
        let rule = f["rule_id"].as_str().unwrap();
        if f["outcome"] == "not_evaluated" && ours(rule) {
            assert!(directory_emulator_gap(f), "unexpected not_evaluated: {f}");
        }
    }
    for c in report["coverage"].as_array().unwrap() {
        let service = c["service"].as_str().unwrap();
        if ["sagemaker", "comprehend", "kms"].contains(&service)
            || (service == "directoryservice" && c["region"] == "us-west-2")
        {
            assert_eq!(c["complete"], true, "{c}");
        }
    }

    // The snapshot holds the keys the models name, as they name them, with their states.
    let snapshot: Value =
        serde_json::from_str(&std::fs::read_to_string(&live.snapshot).unwrap()).unwrap();
    let keys: BTreeMap<String, String> = snapshot["kms"]["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["key_ref"].as_str().unwrap().to_string(),
                k["key_state"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let id = |name: &str| live.id(&format!("us-east-1/{name}"));
    let enabled_arn = format!(
        "arn:aws:kms:us-east-1:123456789012:key/{}",
        id("key-enabled")
    );
    let want: BTreeMap<String, String> = [
        (id("key-enabled"), "Enabled"),
        (enabled_arn, "Enabled"),
        (id("key-disabled"), "Disabled"),
        (id("key-deleting"), "PendingDeletion"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect();
    assert_eq!(keys, want);

    // The messages carry the facts they were derived from.
    let message = |rule: &str, name: &str| text(by_name(report, rule, name), "message").to_string();
    let m = message("HA-SGM-001", "sgm-mixed");
    assert!(
        m.contains("configured with 1 instance(s) and running on 1 (minimum 2)"),
        "{m}"
    );
    let m = message("HA-CMP-001", "cmp-deleting");
    assert!(
        m.contains(&id("key-deleting")) && m.contains("state is PendingDeletion"),
        "{m}"
    );
    let m = message("HA-CMP-001", "cmp-disabled");
    assert!(m.contains("state is Disabled"), "{m}");

    assert_offline_scan_matches(&live.snapshot, report);
}

#[test]
fn denied_key_and_endpoint_config_reads_leave_exactly_their_facts_not_evaluated() {
    let moto = Moto::start();
    moto.seed("seed_ml.py");
    let proxy = Proxy::start(&moto.addr());
    proxy.set_faults(
        Faults::new(0)
            .on("kms", Some("DescribeKey"), 1.0, Fault::AccessDenied)
            .on(
                "sagemaker",
                Some("DescribeEndpointConfig"),
                1.0,
                Fault::AccessDenied,
            ),
    );
    let dir = tempfile::tempdir().unwrap();
    let (_, report) = scan_saving(&proxy.endpoint, &dir.path().join("snapshot.json"));
    let got = outcomes(&report);
    let (e, w) = ("us-east-1", "us-west-2");
    let denied_key = "DescribeKey failed: AccessDeniedException";
    let denied_config = "DescribeEndpointConfig failed: AccessDeniedException";
    let want: BTreeMap<(String, String, String), (&str, &str)> = [
        ("HA-CMP-001", e, "cmp-owned", "pass", ""),
        ("HA-CMP-001", e, "cmp-enabled", "not_evaluated", denied_key),
        ("HA-CMP-001", e, "cmp-disabled", "not_evaluated", denied_key),
        (
            "HA-CMP-001",
            e,
            "cmp-disabled-2",
            "not_evaluated",
            denied_key,
        ),
        ("HA-CMP-001", e, "cmp-deleting", "not_evaluated", denied_key),
        ("HA-CMP-001", e, "cmp-ner", "not_evaluated", denied_key),
        // Running on one instance fails whatever the configuration says.
        ("HA-SGM-001", e, "sgm-single", "fail", ""),
        ("HA-SGM-001", e, "sgm-mixed", "fail", ""),
        ("HA-SGM-001", e, "sgm-pair", "not_evaluated", denied_config),
        ("HA-SGM-001", w, "sgm-west", "not_evaluated", denied_config),
        (
            "HA-DS-001",
            e,
            "corp.example.com",
            "not_evaluated",
            "GetSnapshotLimits",
        ),
    ]
    .into_iter()
    .map(|(r, g, n, o, why)| ((r.to_string(), g.to_string(), n.to_string()), (o, why)))
    .collect();
    let mut problems = Vec::new();
    for (key, (o, why)) in &want {
        match got.get(key) {
            Some((g, reason)) if g == o && reason.contains(why) => {}
            other => problems.push(format!("{key:?}: expected {o} ({why}), got {other:?}")),
        }
    }
    assert_eq!(got.len(), want.len(), "{got:?}");
    assert_no_problems(&problems);
}
