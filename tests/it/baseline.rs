//! `scan --baseline` gates only on new failures; `diff` lists new, resolved and unchanged ones.

use crate::support::cli::{ha_audit, run, stderr, stdout, DEMO, LATER_CONFIG as LATER};
use serde_json::Value;
use std::fs;
use std::path::Path;

/// A JSON report of the demo under `config`, saved in `dir` as `name`.
fn report(dir: &Path, name: &str, config: &str) -> std::path::PathBuf {
    let cfg = dir.join(format!("{name}.toml"));
    fs::write(&cfg, config).unwrap();
    let out_path = dir.join(format!("{name}.json"));
    let out = run(ha_audit(None)
        .args(["scan", "--format", "json", "--snapshot", DEMO, "--config"])
        .arg(&cfg)
        .arg("--output")
        .arg(&out_path));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    out_path
}

#[test]
fn diff_lists_new_resolved_and_unchanged_failures() {
    let dir = tempfile::tempdir().unwrap();
    let old = report(dir.path(), "old", "");
    let new = report(dir.path(), "new", LATER);
    let out = run(ha_audit(None)
        .args(["diff", "--format", "json"])
        .arg(&old)
        .arg(&new));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let d: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let ids = |k: &str| -> Vec<(String, String)> {
        d[k].as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule_id"].as_str().unwrap().into(),
                    f["resource_name"].as_str().unwrap_or("").into(),
                )
            })
            .collect()
    };
    let new_ids = ids("new");
    assert_eq!(new_ids.len(), 2, "{new_ids:?}");
    assert!(new_ids
        .iter()
        .all(|(r, n)| r == "HA-VPC-001" && n == "shop"));
    let resolved = ids("resolved");
    assert_eq!(resolved.len(), 7, "{resolved:?}");
    assert!(resolved.iter().all(|(r, _)| r == "HA-SHD-006"));
    let old_report: Value = serde_json::from_str(&fs::read_to_string(&old).unwrap()).unwrap();
    let old_fail = old_report["summary"]["fail"].as_u64().unwrap();
    assert_eq!(d["summary"]["unchanged"].as_u64().unwrap(), old_fail - 7);

    let md = stdout(&run(ha_audit(None)
        .args(["diff", "--format", "markdown"])
        .arg(&old)
        .arg(&new)));
    assert!(md.starts_with("## 2 new · 7 resolved · "), "{md}");
    assert!(
        md.contains("### New (2)") && md.contains("### Resolved (7)"),
        "{md}"
    );
    let table = stdout(&run(ha_audit(None).arg("diff").arg(&old).arg(&new)));
    assert!(
        table.contains("New (2)") && table.contains("HA-VPC-001"),
        "{table}"
    );
}

#[test]
fn a_baseline_gates_only_on_new_failures() {
    let dir = tempfile::tempdir().unwrap();
    let old = report(dir.path(), "old", "");
    let cfg = dir.path().join("later.toml");
    fs::write(&cfg, LATER).unwrap();
    let scan = |baseline: &Path| {
        run(ha_audit(None)
            .args(["scan", "--format", "json", "--snapshot", DEMO, "--config"])
            .arg(&cfg)
            .arg("--baseline")
            .arg(baseline))
    };
    // Two failures are new: the gate fails, and only they are unmarked.
    let out = scan(&old);
    assert_eq!(out.status.code(), Some(1));
    let r: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let fails: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["outcome"] == "fail")
        .collect();
    let fresh: Vec<&&Value> = fails.iter().filter(|f| f["in_baseline"] != true).collect();
    assert_eq!(fresh.len(), 2);
    assert_eq!(
        r["summary"]["fail_in_baseline"].as_u64().unwrap(),
        fails.len() as u64 - 2
    );
    // Against a baseline that already has them, nothing is new: the gate passes.
    let later = report(dir.path(), "later-report", LATER);
    let out = scan(&later);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = run(ha_audit(None)
        .args(["scan", "--snapshot", DEMO, "--config"])
        .arg(&cfg)
        .arg("--baseline")
        .arg(&later));
    let text = stdout(&table);
    assert!(
        text.contains("(baseline)") && text.contains("are already in the baseline; 0 are new"),
        "{text}"
    );
}

#[test]
fn a_bad_baseline_is_exit_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("old.json");
    fs::write(&bad, "{\"schema_version\": 1, \"findings\": 3}").unwrap();
    let out = run(ha_audit(None)
        .args(["scan", "--snapshot", DEMO, "--baseline"])
        .arg(&bad));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("old.json") && stderr(&out).contains("line 1"),
        "{}",
        stderr(&out)
    );
    let out = run(ha_audit(None).arg("diff").arg(&bad).arg(DEMO));
    assert_eq!(out.status.code(), Some(2));
}
