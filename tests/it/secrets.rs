//! Credentials never reach an output: with a distinctive access key id, secret key and session
//! token in the environment, no report (any format, stdout or file), saved snapshot, collected
//! snapshot or error message contains any of them, nor a recognisable piece of one.
//!
//! Needs `scripts/setup-moto`; fails (does not skip) when moto cannot start.

use crate::support::cli::{ha_audit, run, stderr, stdout};
use crate::support::moto::Moto;
use crate::support::proxy::Proxy;
use std::path::Path;
use std::process::{Command, Output};

const KEY_ID: &str = "AKIAHAAUDITSECRET999";
const SECRET: &str = "q7Vx2LmN9pR4sT8wYz1bC5dF3gH6jK0aE/uIoPlQ";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEHaAuditSessionTokenZk81mWq4TnRv7Xy2Lp9Sd3Fg6Hj0Kc==";

/// The real binary with the distinctive credentials, against `endpoint`.
fn with_credentials(endpoint: &str) -> Command {
    let mut c = ha_audit(Some(endpoint));
    c.env("AWS_ACCESS_KEY_ID", KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_SESSION_TOKEN", TOKEN);
    c
}

/// Fails if `text` holds a credential or a 12-character piece of one.
fn assert_no_credentials(what: &str, text: &str) {
    for secret in [KEY_ID, SECRET, TOKEN] {
        let pieces = secret.len() - 12 + 1;
        for start in 0..pieces {
            let piece = &secret[start..start + 12];
            assert!(
                !text.contains(piece),
                "{what} contains `{piece}`, part of a credential"
            );
        }
    }
}

fn assert_clean_run(what: &str, out: &Output) {
    assert_no_credentials(&format!("{what}: stdout"), &stdout(out));
    assert_no_credentials(&format!("{what}: stderr"), &stderr(out));
}

fn assert_clean_file(what: &str, path: &Path) {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{what}: {} not written: {e}", path.display()));
    assert!(!text.is_empty(), "{what}: {} is empty", path.display());
    assert_no_credentials(&format!("{what}: {}", path.display()), &text);
}

#[test]
fn credentials_never_appear_in_reports_snapshots_or_errors() {
    let moto = Moto::start();
    moto.seed("seed_mixed.py");
    let proxy = Proxy::start(&moto.addr());
    let dir = tempfile::tempdir().unwrap();

    // Every report format on stdout, each run saving its snapshot.
    for format in ["table", "json", "sarif", "junit", "markdown"] {
        let snap = dir.path().join(format!("snapshot-{format}.json"));
        let out = run(with_credentials(&proxy.endpoint)
            .args(["scan", "--region", "us-east-1", "--format", format])
            .arg("--save-snapshot")
            .arg(&snap));
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        assert!(!stdout(&out).is_empty(), "{format}: a report on stdout");
        assert_clean_run(format, &out);
        assert_clean_file(format, &snap);
    }

    // A report written to a file, from a scan in which a call fails: without the proxy,
    // moto's GetBucketVersioning answer cannot be parsed, and the error is recorded in the
    // report and the snapshot.
    let report = dir.path().join("report.json");
    let snap = dir.path().join("snapshot-with-errors.json");
    let out = run(with_credentials(&moto.endpoint)
        .args(["scan", "--region", "us-east-1", "--format", "json"])
        .arg("--output")
        .arg(&report)
        .arg("--save-snapshot")
        .arg(&snap));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    assert_clean_run("scan with a failing call", &out);
    assert_clean_file("scan with a failing call", &report);
    assert_clean_file("scan with a failing call", &snap);
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&snap).unwrap()).unwrap();
    let errors: Vec<&serde_json::Value> = saved["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["errors"].as_array().unwrap())
        .collect();
    assert!(
        errors
            .iter()
            .any(|e| e["operation"] == "GetBucketVersioning"),
        "the failing call is recorded: {errors:?}"
    );

    // `collect --out`.
    let collected = dir.path().join("collected.json");
    let out = run(with_credentials(&proxy.endpoint)
        .args(["collect", "--region", "us-east-1", "--out"])
        .arg(&collected));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_clean_run("collect", &out);
    assert_clean_file("collect", &collected);

    // Nothing listens on port 9: the identity call fails and the error is printed.
    let unused = dir.path().join("unused.json");
    for command in ["scan", "collect"] {
        let mut cmd = with_credentials("http://127.0.0.1:9");
        cmd.args([command, "--region", "us-east-1"]);
        if command == "collect" {
            cmd.arg("--out").arg(&unused);
        }
        let out = run(&mut cmd);
        assert_eq!(out.status.code(), Some(2), "{command}: {}", stderr(&out));
        assert!(!stderr(&out).is_empty(), "{command}: the error is printed");
        assert_clean_run(&format!("{command} against a closed port"), &out);
    }
    assert!(!unused.exists());
}
