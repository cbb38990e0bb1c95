//! End to end against moto for the data tier: seed `fixtures/moto/seed_data.py` (RDS and
//! Aurora, S3 replication and Object Lock, Route 53 failover and aliases), scan it with the
//! real binary through the recording proxy and compare every finding of the rules the
//! scenario pins with `fixtures/moto/data.expected.json`.
//!
//! Needs `scripts/setup-moto`; fails (does not skip) when moto cannot start.

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use support::cli::{
    assert_calls_are_in_the_iam_policy, ha_audit, repo, run, stderr, stdout, without_time,
};
use support::moto::Moto;
use support::proxy::Proxy;

const REGIONS: [&str; 4] = ["--region", "us-east-1", "--region", "us-west-2"];

type Key = (String, String, String);

fn expected() -> BTreeMap<Key, String> {
    let text = std::fs::read_to_string(repo().join("fixtures/moto/data.expected.json")).unwrap();
    let rows: Vec<Value> = serde_json::from_str(&text).unwrap();
    let want: BTreeMap<Key, String> = rows
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_string();
            ((s("rule"), s("region"), s("resource_name")), s("outcome"))
        })
        .collect();
    assert_eq!(
        want.len(),
        rows.len(),
        "duplicate rows in data.expected.json"
    );
    want
}

fn key(f: &Value) -> Key {
    let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
    (s("rule_id"), s("region"), s("resource_name"))
}

fn scan(endpoint: &str, snapshot: &std::path::Path) -> Value {
    let out = run(ha_audit(Some(endpoint))
        .args(["scan", "--format", "json", "--save-snapshot"])
        .arg(snapshot)
        .args(REGIONS));
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("JSON report")
}

#[test]
fn live_scan_of_the_data_account_gives_exactly_the_expected_findings() {
    let moto = Moto::start();
    moto.seed("seed_data.py");
    // The expected file agrees with what moto holds, judged independently through boto3.
    let check = std::process::Command::new(repo().join(".venv/bin/python"))
        .arg(repo().join("fixtures/moto/check_data_expected.py"))
        .args(["--endpoint", &moto.endpoint])
        .output()
        .expect("run check_data_expected.py");
    assert!(
        check.status.success(),
        "fixtures/moto/data.expected.json disagrees with moto:\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // Through the proxy: moto's GetBucketVersioning answer is fixed there (see moto_e2e.rs).
    let proxy = Proxy::start(&moto.addr());
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snapshot.json");
    let report = scan(&proxy.endpoint, &snap);
    assert_calls_are_in_the_iam_policy(&proxy.requests());
    assert!(
        proxy
            .requests()
            .iter()
            .any(|r| r.operation.as_deref() == Some("GetObjectLockConfiguration")),
        "Object Lock is read per bucket"
    );

    let findings = report["findings"].as_array().unwrap();
    let cmp = support::expected::compare(&report, "data.expected.json", |f| {
        Some(format!("unnamed resource: {f}"))
    });
    let (covered, problems) = (cmp.covered, cmp.problems);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let unread = support::cli::not_evaluated_beyond_emulator_gaps(&report);
    assert!(unread.is_empty(), "everything was readable: {unread:?}");
    // Each rule the scenario was written for is seen both passing and failing.
    for rule in &covered {
        for outcome in ["pass", "fail"] {
            assert!(
                findings
                    .iter()
                    .any(|f| &f["rule_id"] == rule && f["outcome"] == outcome),
                "{rule} never gives {outcome}"
            );
        }
    }

    // The messages carry the cross-resource facts they were derived from.
    let message = |rule: &str, name: &str| {
        findings
            .iter()
            .find(|f| f["rule_id"] == rule && f["resource_name"] == name)
            .and_then(|f| f["message"].as_str())
            .unwrap_or_else(|| panic!("no {rule} finding for {name}"))
            .to_string()
    };
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

    // Offline re-evaluation of the saved snapshot gives the same report.
    let offline = run(ha_audit(None)
        .args(["scan", "--format", "json", "--snapshot"])
        .arg(&snap));
    assert_eq!(offline.status.code(), Some(1), "{}", stderr(&offline));
    let live = serde_json::to_string(&report).unwrap();
    assert_eq!(without_time(&stdout(&offline)), without_time(&live));
}

#[test]
fn an_unreadable_destination_leaves_replication_checks_not_evaluated() {
    // Straight to moto, without the proxy: no bucket's versioning can be parsed, so whether a
    // replication destination is versioned is unknown. HA-S3-005 must say so instead of
    // judging; the rules that do not need versioning are judged as usual.
    let moto = Moto::start();
    moto.seed("seed_data.py");
    let dir = tempfile::tempdir().unwrap();
    let report = scan(&moto.endpoint, &dir.path().join("snapshot.json"));
    let findings = report["findings"].as_array().unwrap();
    let of =
        |rule: &str| -> Vec<&Value> { findings.iter().filter(|f| f["rule_id"] == rule).collect() };

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
    let want = expected();
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
