//! The compiled form of the rules against the CEL interpreter: on every rule example and on
//! every (rule, resource) pair of the demo account and of every scenario fixture, both must
//! give the same outcome, reason and message.

use ha_audit::engine::{evaluate, evaluate_interpreted, load_builtin, run_example};
use ha_audit::model::Model;
use ha_audit::snapshot;
use std::path::Path;

#[test]
fn the_compiled_form_decides_every_example_as_the_interpreter_does() {
    let set = load_builtin().expect("built-in rules load");
    let (mut examples, mut compiled) = (0, 0);
    let mut disagreements = Vec::new();
    for r in &set.rules {
        for (i, ex) in r.rule.examples.iter().enumerate() {
            examples += 1;
            let run = run_example(r, ex).expect("example runs");
            match run.compiled {
                Some(c) if c == run.outcome => compiled += 1,
                Some(c) => disagreements.push(format!(
                    "{} example {i}: compiled {c}, interpreter {}",
                    r.rule.id, run.outcome
                )),
                // Left to the interpreter: the same outcome by construction.
                None => {}
            }
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    eprintln!("{compiled} of {examples} examples decided by the compiled form alone");
    // Every example of the catalogue is decided without the interpreter.
    assert_eq!(compiled, examples);
}

#[test]
fn the_compiled_form_judges_every_fixture_as_the_interpreter_does() {
    let rules = load_builtin().expect("built-in rules load");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files = vec![root.join("demo-account.json")];
    let mut scenarios: Vec<_> = std::fs::read_dir(root.join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    scenarios.sort();
    files.extend(scenarios);
    let mut pairs = 0;
    for file in &files {
        let snapshots = snapshot::load_all(file).unwrap();
        let models: Vec<Model> = snapshots.iter().map(Model::build).collect();
        let fast = evaluate(&models, &rules).unwrap();
        let slow = evaluate_interpreted(&models, &rules).unwrap();
        let fast: Vec<_> = fast.iter().collect();
        let slow: Vec<_> = slow.iter().collect();
        assert_eq!(fast.len(), slow.len(), "{}", file.display());
        for (f, s) in fast.iter().zip(&slow) {
            assert_eq!(f, s, "{}", file.display());
        }
        pairs += fast.len();
    }
    assert_eq!(files.len(), 18);
    eprintln!("{pairs} findings agree");
}
