//! Multi-account snapshots, reports and `merge` without an emulator: the demo account under
//! two account ids, merged as snapshots and as reports, must give what one scan of both gives.

use crate::support::cli::{ha_audit, repo, run, stderr, stdout, ungated_json_scan, DEMO};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

/// The demo snapshot, moved to `account` (its ARNs too), written into `dir`.
fn demo_as(dir: &Path, account: &str) -> PathBuf {
    let text = fs::read_to_string(repo().join(DEMO)).unwrap();
    let original: Value = serde_json::from_str(&text).unwrap();
    let from = original["account_id"].as_str().unwrap();
    let path = dir.join(format!("{account}.snapshot.json"));
    fs::write(&path, text.replace(from, account)).unwrap();
    path
}

fn scan_json(snapshot: &Path) -> Value {
    let (out, report) = ungated_json_scan(snapshot, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    report
}

fn merge(out: &Path, inputs: &[&Path]) -> std::process::Output {
    run(ha_audit(None)
        .args(["merge", "--out"])
        .arg(out)
        .args(inputs))
}

#[test]
fn merged_snapshots_and_reports_give_the_findings_of_each_account() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = ("111111111111", "222222222222");
    let (sa, sb) = (demo_as(dir.path(), a), demo_as(dir.path(), b));
    let (ra, rb) = (scan_json(&sa), scan_json(&sb));
    assert_eq!(ra["account_id"], a);

    let merged = dir.path().join("merged.json");
    let out = merge(&merged, &[&sb, &sa]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_str(&fs::read_to_string(&merged).unwrap()).unwrap();
    assert_eq!(doc["schema_version"], 1);
    let ids: Vec<&str> = doc["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["account_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [a, b]);

    let both = scan_json(&merged);
    assert!(both.get("account_id").is_none());
    let accounts: Vec<&str> = both["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["account_id"].as_str().unwrap())
        .collect();
    assert_eq!(accounts, [a, b]);
    // Each account's findings are exactly its own scan's.
    for (id, alone) in [(a, &ra), (b, &rb)] {
        let mine: Vec<&Value> = both["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["account_id"] == id)
            .collect();
        let expected: Vec<&Value> = alone["findings"].as_array().unwrap().iter().collect();
        assert_eq!(mine, expected, "{id}");
        let coverage: Vec<&Value> = both["coverage"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["account_id"] == id)
            .collect();
        assert_eq!(
            coverage,
            alone["coverage"]
                .as_array()
                .unwrap()
                .iter()
                .collect::<Vec<_>>()
        );
    }
    let total = |r: &Value, k: &str| r["summary"][k].as_u64().unwrap();
    for k in ["pass", "fail", "not_evaluated"] {
        assert_eq!(total(&both, k), total(&ra, k) + total(&rb, k), "{k}");
    }

    // The same through JSON reports.
    let (rpa, rpb) = (
        dir.path().join("a.report.json"),
        dir.path().join("b.report.json"),
    );
    fs::write(&rpa, ra.to_string()).unwrap();
    fs::write(&rpb, rb.to_string()).unwrap();
    let merged_report = dir.path().join("merged.report.json");
    let out = merge(&merged_report, &[&rpa, &rpb]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mr: Value = serde_json::from_str(&fs::read_to_string(&merged_report).unwrap()).unwrap();
    for k in ["findings", "summary", "coverage", "accounts", "regions"] {
        assert_eq!(mr[k], both[k], "{k}");
    }

    // Table and Markdown of several accounts name the account of each finding.
    let out = run(ha_audit(None)
        .args(["scan", "--fail-on", "never", "--snapshot"])
        .arg(&merged));
    let table = stdout(&out);
    assert!(
        table.contains("account 2 accounts (111111111111, 222222222222)"),
        "{table}"
    );
    assert!(table.contains("ACCOUNT"), "{table}");
}

#[test]
fn merge_refuses_overlaps_mixed_kinds_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let sa = demo_as(dir.path(), "111111111111");
    let out_path = dir.path().join("out.json");

    let again = dir.path().join("again.json");
    fs::copy(&sa, &again).unwrap();
    let out = merge(&out_path, &[&sa, &again]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{}: account 111111111111 has", again.display()))
            && err.contains(&format!("already in {}", sa.display())),
        "{err}"
    );

    let report = dir.path().join("r.json");
    fs::write(&report, scan_json(&sa).to_string()).unwrap();
    let out = merge(&out_path, &[&sa, &report]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!(
            "{}: this is a JSON report but {} is a snapshot",
            report.display(),
            sa.display()
        )),
        "{}",
        stderr(&out)
    );
    assert!(!out_path.exists());
}

#[test]
fn a_bad_accounts_file_is_exit_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("accounts.txt");
    fs::write(&file, "# org\n111111111111\n1111-2222\n").unwrap();
    let out = run(ha_audit(None)
        .args([
            "scan",
            "--region",
            "us-east-1",
            "--org-role-name",
            "R",
            "--accounts",
        ])
        .arg(&file));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!(
            "{}: line 3: \"1111-2222\" is not an AWS account id (12 digits)",
            file.display()
        )),
        "{}",
        stderr(&out)
    );
    // --accounts means nothing without the role to assume in them.
    let out = run(ha_audit(None).args(["scan", "--accounts"]).arg(&file));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--org-role-name"), "{}", stderr(&out));
}

#[test]
fn readme_shows_the_organisation_scan_policy() {
    let out = run(ha_audit(None).args(["iam-policy", "--caller"]));
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        doc["Statement"][0]["Action"],
        serde_json::json!(["organizations:ListAccounts", "sts:AssumeRole"])
    );
    let readme = fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(
        readme.contains(stdout(&out).trim()),
        "README policy is stale"
    );
}
