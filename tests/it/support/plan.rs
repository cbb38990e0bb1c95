//! Reading the JSON reports of scans of the hand-made Terraform plans in
//! `fixtures/terraform/`.

use super::cli::{repo, scan, stderr, stdout};
use serde_json::Value;
use std::path::PathBuf;

/// A plan fixture's path.
pub fn plan(name: &str) -> PathBuf {
    repo().join("fixtures/terraform").join(name)
}

/// The JSON report of `scan ARGS`, which must exit with `code`.
pub fn report(args: &[&str], code: i32) -> Value {
    let out = scan(args);
    assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("JSON report")
}

/// (rule, resource) of each finding with `outcome`, in report order.
pub fn with(outcome: &str, r: &Value) -> Vec<(String, String)> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["outcome"] == outcome)
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource_id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

pub fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// The reason of the finding of `rule` on `id`, or "".
pub fn reason(r: &Value, rule: &str, id: &str) -> String {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == rule && f["resource_id"] == id)
        .and_then(|f| f["reason"].as_str())
        .unwrap_or_default()
        .to_string()
}

/// The JSON report of `scan --terraform-plan` on a plan fixture, which must exit with `code`.
pub fn scan_plan(name: &str, code: i32) -> Value {
    let p = plan(name);
    report(
        &["--format", "json", "--terraform-plan", p.to_str().unwrap()],
        code,
    )
}

/// Asserts that the report fails nothing and passes each of `fixed` (rule, resource).
pub fn passes_all(r: &Value, fixed: &[(&str, &str)]) {
    assert_eq!(with("fail", r), Vec::<(String, String)>::new());
    let passed = with("pass", r);
    for (rule, id) in fixed {
        assert!(
            passed.contains(&(rule.to_string(), id.to_string())),
            "{rule} {id}"
        );
    }
}
