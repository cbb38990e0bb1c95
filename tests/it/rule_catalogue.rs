//! The built-in rule catalogue: every rule is well-formed, documented, mapped, and every
//! example it carries gives its stated outcome.

use crate::support::cli::BUILTIN_RULES;
use ha_audit::engine::{load_builtin, run_example};
use std::collections::BTreeSet;

#[test]
fn every_example_gives_its_stated_outcome() {
    let set = load_builtin().expect("built-in rules load");
    let mut failures = Vec::new();
    let mut count = 0;
    for r in &set.rules {
        for (i, ex) in r.rule.examples.iter().enumerate() {
            count += 1;
            match run_example(r, ex) {
                Ok(run) if run.outcome == ex.outcome => {
                    if let Some(msg) = run.message {
                        if msg.contains('{') || msg.contains('}') {
                            failures.push(format!(
                                "{} example {i}: unrendered placeholder in message: {msg}",
                                r.rule.id
                            ));
                        }
                    }
                }
                Ok(run) => failures.push(format!(
                    "{} example {} ({}): expected {}, got {}",
                    r.rule.id,
                    i,
                    ex.description.as_deref().unwrap_or("-"),
                    ex.outcome,
                    run.outcome
                )),
                Err(e) => failures.push(format!("{} example {i}: {e}", r.rule.id)),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(count, 878, "examples");
}

#[test]
fn every_rule_has_a_pass_and_a_fail_example_docs_and_mappings() {
    let set = load_builtin().expect("built-in rules load");
    assert_eq!(set.rules.len(), BUILTIN_RULES);
    let cross = set.rules.iter().filter(|r| r.rule.cross_resource).count();
    assert_eq!(cross, 92, "cross-resource rules");
    for r in &set.rules {
        let rule = &r.rule;
        let outcomes: BTreeSet<&str> = rule.examples.iter().map(|e| e.outcome.as_str()).collect();
        assert!(outcomes.contains("pass"), "{}: no pass example", rule.id);
        assert!(outcomes.contains("fail"), "{}: no fail example", rule.id);
        assert!(
            rule.docs.why.trim().len() > 80,
            "{}: docs.why too short",
            rule.id
        );
        assert!(
            rule.docs.remediation.trim().len() > 40,
            "{}: remediation too short",
            rule.id
        );
        assert!(
            !rule.docs.references.is_empty(),
            "{}: no reference",
            rule.id
        );
        for link in &rule.docs.references {
            assert!(
                link.starts_with("https://docs.aws.amazon.com/"),
                "{}: {link}",
                rule.id
            );
        }
        // The file is named after the rule id, in the folder of its service.
        let file = format!("rules/{}/{}.toml", folder(&rule.resource), rule.id);
        assert_eq!(rule.source, file, "{}: file location", rule.id);
        let m = &rule.mappings;
        assert!(
            !m.well_architected.is_empty(),
            "{}: no Well-Architected mapping",
            rule.id
        );
        for id in &m.well_architected {
            assert!(is_wa(id), "{}: malformed Well-Architected id {id}", rule.id);
        }
        for id in &m.security_hub {
            assert!(
                is_sh(id),
                "{}: malformed Security Hub control {id}",
                rule.id
            );
        }
        for id in &m.trusted_advisor {
            assert!(
                id.len() >= 8 && id.chars().all(|c| c.is_ascii_alphanumeric()),
                "{}: malformed Trusted Advisor check id {id}",
                rule.id
            );
        }
        for id in m.config_rule.iter().chain(&m.prowler).chain(&m.steampipe) {
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_'),
                "{}: malformed mapping {id}",
                rule.id
            );
        }
    }
}

#[test]
fn rule_ids_and_names_are_unique() {
    let set = load_builtin().expect("built-in rules load");
    let ids: BTreeSet<_> = set.rules.iter().map(|r| r.rule.id.clone()).collect();
    let names: BTreeSet<_> = set.rules.iter().map(|r| r.rule.name.clone()).collect();
    assert_eq!(ids.len(), set.rules.len());
    assert_eq!(names.len(), set.rules.len());
}

fn folder(kind: &str) -> &str {
    kind.split('.').next().unwrap()
}

fn is_wa(id: &str) -> bool {
    // REL10-BP01
    let b = id.as_bytes();
    id.len() == 10
        && id.starts_with("REL")
        && b[3].is_ascii_digit()
        && b[4].is_ascii_digit()
        && &id[5..8] == "-BP"
        && b[8].is_ascii_digit()
        && b[9].is_ascii_digit()
}

fn is_sh(id: &str) -> bool {
    // RDS.5, AutoScaling.2
    match id.split_once('.') {
        Some((svc, n)) => {
            !svc.is_empty()
                && svc.chars().all(|c| c.is_ascii_alphanumeric())
                && !n.is_empty()
                && n.chars().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}
