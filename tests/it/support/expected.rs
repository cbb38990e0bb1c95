//! Expected-outcome files of the moto scenarios (`fixtures/moto/*.expected.json`) and the
//! exact comparison of a JSON report against them.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;

/// (rule, region, resource name).
pub type Key = (String, String, String);

/// Reads `fixtures/moto/<file>`; a duplicated row is an error in the file.
pub fn load(file: &str) -> BTreeMap<Key, String> {
    let path = super::cli::repo().join("fixtures/moto").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rows: Vec<Value> = serde_json::from_str(&text).unwrap();
    let map: BTreeMap<Key, String> = rows
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_string();
            ((s("rule"), s("region"), s("resource_name")), s("outcome"))
        })
        .collect();
    assert_eq!(map.len(), rows.len(), "duplicate rows in {file}");
    map
}

/// The key of a finding in an expected-outcome file.
pub fn key(f: &Value) -> Key {
    let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
    (s("rule_id"), s("region"), s("resource_name"))
}

pub struct Comparison {
    /// The rules the file pins (every finding of these must be in it).
    pub covered: BTreeSet<String>,
    pub problems: Vec<String>,
}

/// Compares every finding of the rules named in `file` with its expected outcome, both ways.
/// Findings on unnamed resources (moto's default VPC) go to `unnamed`, which returns a problem
/// or nothing.
pub fn compare(
    report: &Value,
    file: &str,
    unnamed: impl Fn(&Value) -> Option<String>,
) -> Comparison {
    let mut want = load(file);
    let covered: BTreeSet<String> = want.keys().map(|k| k.0.clone()).collect();
    let mut problems = Vec::new();
    let findings = report["findings"].as_array().expect("findings");
    for f in findings
        .iter()
        .filter(|f| covered.contains(f["rule_id"].as_str().unwrap()))
    {
        let outcome = f["outcome"].as_str().unwrap();
        let Some(name) = f["resource_name"].as_str() else {
            problems.extend(unnamed(f));
            continue;
        };
        let key = (
            f["rule_id"].as_str().unwrap().to_string(),
            f["region"].as_str().unwrap().to_string(),
            name.to_string(),
        );
        match want.remove(&key) {
            Some(o) if o == outcome => {}
            Some(o) => problems.push(format!("{key:?}: expected {o}, got {outcome}")),
            None => problems.push(format!("{key:?}: unexpected finding ({outcome})")),
        }
    }
    for (key, o) in &want {
        problems.push(format!("{key:?}: missing (expected {o})"));
    }
    Comparison { covered, problems }
}

/// A report's findings by (rule id, resource id), for those `keep` accepts.
pub fn by_rule_and_resource(
    report: &Value,
    keep: impl Fn(&Value) -> bool,
) -> BTreeMap<(String, String), Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| keep(f))
        .map(|f| {
            let key = (
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource_id"].as_str().unwrap().to_string(),
            );
            (key, f.clone())
        })
        .collect()
}

/// Compares the outcomes a report gives the rules that `pinned` names with `pinned`'s rows of
/// (rule, resource id, outcome): every pinned row must be there with its outcome, and those
/// rules may judge nothing else. Returns one line per difference.
pub fn pinned_outcome_problems(report: &Value, pinned: &[(&str, &str, &str)]) -> Vec<String> {
    let rules: Vec<&str> = pinned.iter().map(|e| e.0).collect();
    rule_outcome_problems(report, &rules, pinned)
}

/// As [`pinned_outcome_problems`], for every finding of `rules`, which may name rules that
/// `pinned` has no row of: those must then judge nothing.
pub fn rule_outcome_problems(
    report: &Value,
    rules: &[&str],
    pinned: &[(&str, &str, &str)],
) -> Vec<String> {
    let got: BTreeMap<(String, String), String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| rules.contains(&f["rule_id"].as_str().unwrap_or_default()))
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            ((s("rule_id"), s("resource_id")), s("outcome"))
        })
        .collect();
    let want: BTreeMap<(String, String), String> = pinned
        .iter()
        .map(|(r, id, o)| ((r.to_string(), id.to_string()), o.to_string()))
        .collect();
    assert_eq!(want.len(), pinned.len(), "duplicate pinned rows");
    outcome_problems(&got, &want)
}

/// (rule, region, resource id) -> outcome of the findings `ours` selects.
pub fn outcomes_by_id(
    report: &Value,
    ours: impl Fn(&Value) -> bool,
) -> BTreeMap<(String, String, String), String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| ours(f))
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap().to_string();
            ((s("rule_id"), s("region"), s("resource_id")), s("outcome"))
        })
        .collect()
}

/// Expected rows (rule, region, resource id, outcome) as [`outcomes_by_id`] keys them.
pub fn outcome_rows<'a>(
    rows: impl IntoIterator<Item = (&'a str, &'a str, &'a str, &'a str)>,
) -> BTreeMap<(String, String, String), String> {
    rows.into_iter()
        .map(|(r, region, id, o)| {
            (
                (r.to_string(), region.to_string(), id.to_string()),
                o.to_string(),
            )
        })
        .collect()
}

/// Every finding `ours` selects has exactly the outcome of its row in `expected`, both ways.
pub fn assert_outcomes(
    report: &Value,
    ours: impl Fn(&Value) -> bool,
    expected: &[(&str, &str, &str, &str)],
) {
    let want = outcome_rows(expected.iter().copied());
    assert_eq!(want.len(), expected.len(), "duplicate rows in EXPECTED");
    assert_no_problems(&outcome_problems(&outcomes_by_id(report, ours), &want));
}

/// The differences between the outcomes found and those wanted, both ways, one line each.
pub fn outcome_problems<K: Ord + Debug>(
    got: &BTreeMap<K, String>,
    want: &BTreeMap<K, String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (k, o) in want {
        match got.get(k) {
            Some(g) if g == o => {}
            Some(g) => problems.push(format!("{k:?}: expected {o}, got {g}")),
            None => problems.push(format!("{k:?}: missing (expected {o})")),
        }
    }
    for (k, g) in got {
        if !want.contains_key(k) {
            problems.push(format!("{k:?}: unexpected finding ({g})"));
        }
    }
    problems
}

/// Fails listing every problem, if there is any.
pub fn assert_no_problems(problems: &[String]) {
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// For [`compare`] where every finding of the pinned rules must be about a named resource.
pub fn unnamed_is_a_problem(f: &Value) -> Option<String> {
    Some(format!("unnamed resource: {f}"))
}

/// Checks that a hand-made scenario's pinned rows (rule, resource id, outcome) name exactly
/// the built-in rules whose ids start with one of `prefixes`, `rules` of them, and that each is
/// seen passing and failing: so that pinning the rows covers everything those rules judge.
pub fn assert_pins_every_rule(pinned: &[(&str, &str, &str)], prefixes: &[&str], rules: usize) {
    for rule in assert_pins_every_rule_of(pinned, prefixes, rules) {
        for outcome in ["pass", "fail"] {
            assert!(
                pinned.iter().any(|e| e.0 == rule && e.2 == outcome),
                "{rule} never gives {outcome}"
            );
        }
    }
}

/// The rules `pinned` names are exactly the built-in rules whose ids start with one of
/// `prefixes`, `count` of them: a rule added to those services must be pinned too. Returns
/// them.
pub fn assert_pins_every_rule_of<'a>(
    pinned: &[(&'a str, &str, &str)],
    prefixes: &[&str],
    count: usize,
) -> BTreeSet<&'a str> {
    let named: BTreeSet<&str> = pinned.iter().map(|e| e.0).collect();
    assert_eq!(named.len(), count, "{named:?}");
    let all: BTreeSet<String> = super::cli::rule_ids()
        .into_iter()
        .filter(|r| prefixes.iter().any(|p| r.starts_with(p)))
        .collect();
    assert_eq!(
        all.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        named
    );
    named
}
