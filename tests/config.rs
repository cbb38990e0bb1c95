//! `ha-audit.toml`: parameter overrides and switches take effect, and every mistake is exit 2
//! naming the file and line.

mod support;

use serde_json::Value;
use std::fs;
use support::cli::{ha_audit, repo, run, stderr, stdout};

fn scan_with(config: &str) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ha-audit.toml");
    fs::write(&path, config).unwrap();
    let out = run(ha_audit(None)
        .args([
            "scan",
            "--format",
            "json",
            "--snapshot",
            "fixtures/demo-account.json",
            "--config",
        ])
        .arg(&path));
    (out.status.code(), stdout(&out), stderr(&out))
}

fn outcomes(report: &str, rule: &str) -> Vec<(String, String)> {
    let v: Value = serde_json::from_str(report).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .map(|f| {
            (
                f["resource_name"].as_str().unwrap_or("").to_string(),
                f["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_parameter_override_changes_the_verdict() {
    let (code, base, _) = scan_with("");
    assert_eq!(code, Some(1));
    let multi = ("vpc-multi-az".to_string(), "pass".to_string());
    assert!(outcomes(&base, "HA-VPC-001").contains(&multi));

    let (code, out, err) = scan_with("[rules.HA-VPC-001]\nparams = { min_azs = 3 }\n");
    assert_eq!(code, Some(1), "{err}");
    let vpc = outcomes(&out, "HA-VPC-001");
    assert!(
        vpc.contains(&("vpc-multi-az".to_string(), "fail".to_string())),
        "{vpc:?}"
    );
    // The message shows the threshold in force.
    assert!(out.contains("in us-east-1a, us-east-1b only, fewer than 3 AZs"));
}

#[test]
fn a_disabled_rule_gives_no_findings() {
    let (code, out, err) = scan_with("[rules.HA-ELB-002]\nenabled = false\n");
    assert_eq!(code, Some(1), "{err}");
    assert!(outcomes(&out, "HA-ELB-002").is_empty());
    assert!(!outcomes(&out, "HA-ELB-001").is_empty());
}

#[test]
fn config_mistakes_name_the_line() {
    let cases = [
        ("[rules.HA-VPC-001]\nparams = { min_azs = 3 }\n\n[rules.HA-NOPE-001]\nenabled = false\n", "line 4", "unknown rule `HA-NOPE-001`"),
        ("[rules.HA-VPC-001]\nparams = { min_az = 3 }\n", "line 2", "unknown parameter `min_az`"),
        ("[rules.HA-VPC-001]\nparams = { min_azs = \"three\" }\n", "line 2", "must be integer"),
        ("[rules.HA-ELB-002]\nenabled = false\nseverity = 3\n", "line 3", "unknown field `severity`"),
        ("[rule.HA-ELB-002]\nenabled = false\n", "line 1", "unknown field `rule`"),
        ("[rules.HA-ELB-002\n", "line 1", ""),
    ];
    for (text, line, what) in cases {
        let (code, out, err) = scan_with(text);
        assert_eq!(code, Some(2), "{text}: {err}");
        assert!(out.is_empty());
        assert!(err.contains("ha-audit.toml"), "{err}");
        assert!(err.contains(line), "{text}\nexpected {line}: {err}");
        assert!(err.contains(what), "{text}\nexpected {what}: {err}");
    }
}

#[test]
fn ha_audit_toml_in_the_working_directory_is_found() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("ha-audit.toml"),
        "[rules.HA-ELB-002]\nenabled = false\n",
    )
    .unwrap();
    let demo = repo().join("fixtures/demo-account.json");
    let out = run(ha_audit(None)
        .current_dir(dir.path())
        .args(["scan", "--format", "json", "--snapshot"])
        .arg(&demo));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(outcomes(&stdout(&out), "HA-ELB-002").is_empty());
}
