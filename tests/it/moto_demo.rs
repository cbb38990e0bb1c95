//! The demo account (`fixtures/demo-account.json`, built into the binary for `scan --demo`) is
//! recorded from moto: `fixtures/moto/seed_demo.py` seeds a web shop in two regions,
//! `ha-audit collect` reads it through the test proxy (which fixes the answers moto writes in a
//! shape the Rust SDK rejects: S3 versioning, CloudWatch's CBOR, MSK, CloudHSM, DMS and Direct
//! Connect timestamps), and `fixtures/moto/overlay_demo.py` adds the hand-written parts of
//! `fixtures/demo-overlay.json` (what moto does not serve); `ha-audit merge` writes the result
//! again, laid out as ha-audit writes snapshots. `scripts/record-demo` runs
//! [`re_recording_the_demo_judges_the_same`] with `HA_AUDIT_RECORD_DEMO` set to write the file.

use crate::support::cli::{ha_audit, repo, run, stderr, ungated_json_scan, DEMO};
use crate::support::live::{FAST_BACKOFF, REGIONS};
use crate::support::moto::Moto;
use crate::support::proxy::Proxy;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Seeds a fresh moto with the demo account, collects it and completes it with the overlay:
/// the demo snapshot, written to `out`.
fn record_demo(out: &Path) {
    let moto = Moto::start();
    moto.seed("seed_demo.py");
    let proxy = Proxy::start(&moto.addr());
    let dir = tempfile::tempdir().unwrap();
    let collected = dir.path().join("collected.json");
    let c = run(ha_audit(Some(&proxy.endpoint))
        .args(["collect", "--quiet", "--out"])
        .arg(&collected)
        .args(REGIONS)
        .args(FAST_BACKOFF));
    assert_eq!(c.status.code(), Some(0), "{}", stderr(&c));
    let overlaid = dir.path().join("overlaid.json");
    let o = Command::new(repo().join(".venv/bin/python"))
        .arg(repo().join("fixtures/moto/overlay_demo.py"))
        .arg(&collected)
        .arg(repo().join("fixtures/demo-overlay.json"))
        .arg(&overlaid)
        .output()
        .expect("python runs");
    assert!(
        o.status.success(),
        "overlay: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Written again by ha-audit (merge of one snapshot): laid out exactly as ha-audit writes a
    // snapshot, so SARIF results on the demo point at each resource's line.
    let m = run(ha_audit(None)
        .args(["merge", "--out"])
        .arg(out)
        .arg(&overlaid));
    assert_eq!(m.status.code(), Some(0), "{}", stderr(&m));
}

/// How many findings of each (rule, outcome) judging `snapshot` gives: what stays when only
/// the ids moto generated change.
fn outcome_counts(snapshot: &Path) -> BTreeMap<(String, String), usize> {
    let (out, report) = ungated_json_scan(snapshot, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut counts = BTreeMap::new();
    for f in report["findings"].as_array().expect("findings") {
        let key = (
            f["rule_id"].as_str().unwrap().to_string(),
            f["outcome"].as_str().unwrap().to_string(),
        );
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}

#[test]
fn re_recording_the_demo_judges_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("demo-account.json");
    record_demo(&fresh);
    // Every call was answered: by moto, or by the overlay for what moto does not serve.
    let snapshot: Value = serde_json::from_str(&std::fs::read_to_string(&fresh).unwrap()).unwrap();
    for c in snapshot["coverage"].as_array().unwrap() {
        assert_eq!(c["errors"], serde_json::json!([]), "{c}");
    }
    if let Some(path) = std::env::var_os("HA_AUDIT_RECORD_DEMO") {
        std::fs::copy(&fresh, &path).expect("write the demo snapshot");
        eprintln!(
            "recorded the demo account to {}",
            Path::new(&path).display()
        );
        return;
    }
    // The committed demo judges as a fresh recording does: what moto generates or places at
    // random (ids, AZs of nodes) moves no outcome, and a change to the seed, the overlay or the
    // collectors that would has to come with the re-recorded demo (scripts/record-demo).
    assert_eq!(
        outcome_counts(&fresh),
        outcome_counts(&repo().join(DEMO)),
        "fixtures/demo-account.json is stale: run scripts/record-demo"
    );
}
