//! Reading the JSON and SARIF reports of `ha-audit scan`.

use super::cli::{repo, scan, stdout};
use serde_json::Value;

/// The findings of a JSON report.
pub fn findings(report: &Value) -> &[Value] {
    report["findings"].as_array().expect("findings")
}

/// The first finding for which every `(field, value)` pair holds; panics naming them when
/// there is none.
pub fn finding<'a>(report: &'a Value, fields: &[(&str, &str)]) -> &'a Value {
    findings(report)
        .iter()
        .find(|f| fields.iter().all(|(k, v)| f[*k] == *v))
        .unwrap_or_else(|| panic!("no finding with {fields:?}"))
}

/// The finding of `rule` about the resource with id `id`.
pub fn by_id<'a>(report: &'a Value, rule: &str, id: &str) -> &'a Value {
    finding(report, &[("rule_id", rule), ("resource_id", id)])
}

/// The finding of `rule` about the resource named `name`.
pub fn by_name<'a>(report: &'a Value, rule: &str, name: &str) -> &'a Value {
    finding(report, &[("rule_id", rule), ("resource_name", name)])
}

/// A text field of a finding (`message`, `reason`); panics when it has none.
pub fn text<'a>(finding: &'a Value, field: &str) -> &'a str {
    finding[field]
        .as_str()
        .unwrap_or_else(|| panic!("no {field} in {finding}"))
}

/// The findings whose outcome is `outcome`.
pub fn with_outcome<'a>(report: &'a Value, outcome: &str) -> Vec<&'a Value> {
    findings(report)
        .iter()
        .filter(|f| f["outcome"] == outcome)
        .collect()
}

/// The JSON report without its timestamp, for comparing two runs.
pub fn without_time(report: &str) -> Value {
    let mut v: Value = serde_json::from_str(report).expect("JSON report");
    v.as_object_mut().unwrap().remove("taken_at");
    v
}

/// Validates a SARIF document against the official OASIS 2.1.0 schema (vendored).
pub fn assert_valid_sarif(doc: &Value) {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/data/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid:\n{}", errors.join("\n"));
}

/// The SARIF report of `snapshot` is valid.
pub fn assert_valid_sarif_of(snapshot: &str) {
    let out = scan(&["--format", "sarif", "--snapshot", snapshot]);
    let sarif: Value = serde_json::from_str(&stdout(&out)).expect("SARIF report");
    assert_valid_sarif(&sarif);
}

/// The table of `snapshot` counts the not-evaluated findings of its JSON `report`: grouped by
/// reason by default (one row per distinct reason), one by one with `--show-not-evaluated`.
pub fn assert_table_counts_not_evaluated(snapshot: &str, report: &Value) {
    let n = report["summary"]["not_evaluated"].as_u64().unwrap();
    let reasons: std::collections::BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["outcome"] == "not_evaluated")
        .map(|f| f["reason"].as_str().unwrap_or(""))
        .collect();
    let table = stdout(&scan(&["--snapshot", snapshot]));
    let head = format!("Not evaluated ({n}, {} reason(s))", reasons.len());
    assert!(table.contains(&head), "{head}\n{table}");
    let each = stdout(&scan(&["--snapshot", snapshot, "--show-not-evaluated"]));
    assert!(each.contains(&format!("Not evaluated ({n}):")), "{each}");
}

/// The text `field` of finding `f` contains each of `needles`.
pub fn assert_says(f: &Value, field: &str, needles: &[&str]) {
    let said = text(f, field);
    for n in needles {
        assert!(
            said.contains(n),
            "{} {}: {n:?} not in {field} {said:?}",
            f["rule_id"],
            f["resource_id"]
        );
    }
}
