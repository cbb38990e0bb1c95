//! Property-based fuzzing of the three input parsers: snapshots (JSON), `ha-audit.toml` and
//! rule files (TOML with CEL). Whatever they are given, they never panic: they accept the
//! input, or return an error that names the file and, for a syntax error, the line. What they
//! accept goes on through the rest of the pipeline (model, rules, examples, SARIF line
//! lookup), which must not panic either.
//!
//! Inputs are arbitrary text and bytes, and structure-aware mutations of real inputs (the demo
//! snapshot, a config using every section, the shipped rule files): cut, deleted, duplicated
//! or replaced text and tokens, values changed to another type, keys dropped or renamed.
//!
//! `PROPTEST_CASES` sets the cases per target (default 128, a few seconds in all);
//! `FUZZ_TARGET_SECONDS` stops each target after that long. `scripts/fuzz` runs many more.

use crate::support::cli::{repo, BUILTIN_RULES, DEMO};
use ha_audit::config::Config;
use ha_audit::engine::{compile, evaluate, load_builtin, load_dir, run_example, RuleSet};
use ha_audit::model::Model;
use ha_audit::snapshot;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::test_runner::{Config as RunnerConfig, TestCaseResult, TestRunner};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const DEFAULT_CASES: u32 = 128;

// ---------------------------------------------------------------------------------------
// The runner: proptest's, in chunks so that a time budget can stop a long run between them.

fn fuzz<S>(target: &str, strategy: S, test: impl Fn(S::Value) -> TestCaseResult)
where
    S: Strategy,
    S::Value: std::fmt::Debug,
{
    let mut config = RunnerConfig {
        failure_persistence: None,
        ..RunnerConfig::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = DEFAULT_CASES;
    }
    let total = config.cases;
    let budget = std::env::var("FUZZ_TARGET_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map(Duration::from_secs);
    let started = Instant::now();
    let mut done = 0;
    while done < total && budget.is_none_or(|b| started.elapsed() < b) {
        let chunk = (total - done).min(64);
        let mut runner = TestRunner::new(RunnerConfig {
            cases: chunk,
            ..config.clone()
        });
        if let Err(e) = runner.run(&strategy, &test) {
            panic!("fuzz target {target}: {e}");
        }
        done += chunk;
    }
    eprintln!(
        "fuzz target {target}: {done} cases in {:.1} s, no panic",
        started.elapsed().as_secs_f64()
    );
}

// ---------------------------------------------------------------------------------------
// Text mutations, on character boundaries.

#[derive(Debug, Clone)]
enum Edit {
    Truncate(Index),
    Delete(Index, usize),
    Insert(Index, String),
    Replace(Index, usize, String),
    Duplicate(Index, usize),
}

fn boundary(text: &str, at: &Index) -> usize {
    let mut i = if text.is_empty() {
        0
    } else {
        at.index(text.len() + 1)
    };
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn span(text: &str, at: &Index, len: usize) -> (usize, usize) {
    let start = boundary(text, at);
    let mut end = (start + len).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    (start, end)
}

fn apply_edit(text: &str, edit: &Edit) -> String {
    match edit {
        Edit::Truncate(at) => text[..boundary(text, at)].to_string(),
        Edit::Delete(at, len) => {
            let (s, e) = span(text, at, *len);
            format!("{}{}", &text[..s], &text[e..])
        }
        Edit::Insert(at, what) => {
            let s = boundary(text, at);
            format!("{}{what}{}", &text[..s], &text[s..])
        }
        Edit::Replace(at, len, what) => {
            let (s, e) = span(text, at, *len);
            format!("{}{what}{}", &text[..s], &text[e..])
        }
        Edit::Duplicate(at, len) => {
            let (s, e) = span(text, at, *len);
            format!("{}{}", &text[..e], &text[s..])
        }
    }
}

/// A token of the input's language, or any short text.
fn fragment(tokens: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(tokens).prop_map(String::from),
        1 => "\\PC{0,4}",
        1 => any::<char>().prop_map(String::from),
    ]
}

fn edit(tokens: &'static [&'static str]) -> impl Strategy<Value = Edit> {
    prop_oneof![
        1 => any::<Index>().prop_map(Edit::Truncate),
        2 => (any::<Index>(), 1..12usize).prop_map(|(a, n)| Edit::Delete(a, n)),
        2 => (any::<Index>(), fragment(tokens)).prop_map(|(a, s)| Edit::Insert(a, s)),
        2 => (any::<Index>(), 1..8usize, fragment(tokens))
            .prop_map(|(a, n, s)| Edit::Replace(a, n, s)),
        1 => (any::<Index>(), 1..40usize).prop_map(|(a, n)| Edit::Duplicate(a, n)),
    ]
}

/// Text made of the language's tokens and a little else.
fn token_soup(tokens: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(fragment(tokens), 0..48).prop_map(|v| v.concat()),
        1 => "\\PC{0,200}",
    ]
}

// ---------------------------------------------------------------------------------------
// Structure mutations: parse the valid input into a tree, change one node, write it out.

#[derive(Debug, Clone)]
enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    EmptyList,
    EmptyMap,
    ListOfStr(String),
}

fn scalar() -> impl Strategy<Value = Scalar> {
    prop_oneof![
        Just(Scalar::Null),
        any::<bool>().prop_map(Scalar::Bool),
        prop_oneof![
            Just(0i64),
            Just(-1),
            Just(1),
            Just(i64::MAX),
            Just(i64::MIN),
            any::<i64>()
        ]
        .prop_map(Scalar::Int),
        prop_oneof![Just(0.5f64), Just(-1e300), Just(1e300), any::<f64>()].prop_map(Scalar::Float),
        prop_oneof![
            Just(String::new()),
            Just("us-east-1".to_string()),
            Just("2027-03-31".to_string()),
            "\\PC{0,12}"
        ]
        .prop_map(Scalar::Str),
        Just(Scalar::EmptyList),
        Just(Scalar::EmptyMap),
        "[a-z-]{0,8}".prop_map(Scalar::ListOfStr),
    ]
}

#[derive(Debug, Clone)]
enum TreeEdit {
    Set(Index, Scalar),
    Drop(Index),
    Rename(Index, String),
    DuplicateItem(Index),
}

fn tree_edit() -> impl Strategy<Value = TreeEdit> {
    prop_oneof![
        3 => (any::<Index>(), scalar()).prop_map(|(i, s)| TreeEdit::Set(i, s)),
        2 => any::<Index>().prop_map(TreeEdit::Drop),
        1 => (any::<Index>(), "[a-z_]{0,12}").prop_map(|(i, k)| TreeEdit::Rename(i, k)),
        1 => any::<Index>().prop_map(TreeEdit::DuplicateItem),
    ]
}

#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    At(usize),
}

/// A JSON or TOML document tree.
trait Tree: Clone {
    fn from_scalar(s: &Scalar) -> Self;
    fn children(&self) -> Vec<Seg>;
    fn child_mut(&mut self, seg: &Seg) -> Option<&mut Self>;
    fn remove(&mut self, seg: &Seg);
    fn insert(&mut self, seg: &Seg, value: Self);
    fn get(&self, seg: &Seg) -> Option<&Self>;
}

/// The tree methods but `from_scalar`, alike for both formats but for the map variant's name.
macro_rules! tree_nodes {
    ($map:ident, $remove:ident) => {
        fn children(&self) -> Vec<Seg> {
            match self {
                Self::$map(m) => m.keys().cloned().map(Seg::Key).collect(),
                Self::Array(a) => (0..a.len()).map(Seg::At).collect(),
                _ => Vec::new(),
            }
        }
        fn child_mut(&mut self, seg: &Seg) -> Option<&mut Self> {
            match (self, seg) {
                (Self::$map(m), Seg::Key(k)) => m.get_mut(k),
                (Self::Array(a), Seg::At(i)) => a.get_mut(*i),
                _ => None,
            }
        }
        fn get(&self, seg: &Seg) -> Option<&Self> {
            match (self, seg) {
                (Self::$map(m), Seg::Key(k)) => m.get(k),
                (Self::Array(a), Seg::At(i)) => a.get(*i),
                _ => None,
            }
        }
        fn remove(&mut self, seg: &Seg) {
            match (self, seg) {
                (Self::$map(m), Seg::Key(k)) => {
                    m.$remove(k);
                }
                (Self::Array(a), Seg::At(i)) if *i < a.len() => {
                    a.remove(*i);
                }
                _ => {}
            }
        }
        fn insert(&mut self, seg: &Seg, value: Self) {
            match (self, seg) {
                (Self::$map(m), Seg::Key(k)) => {
                    m.insert(k.clone(), value);
                }
                (Self::Array(a), Seg::At(i)) => a.insert((*i).min(a.len()), value),
                _ => {}
            }
        }
    };
}

impl Tree for serde_json::Value {
    fn from_scalar(s: &Scalar) -> Self {
        use serde_json::{json, Value};
        match s {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => json!(b),
            Scalar::Int(i) => json!(i),
            Scalar::Float(f) => json!(f),
            Scalar::Str(s) => json!(s),
            Scalar::EmptyList => json!([]),
            Scalar::EmptyMap => json!({}),
            Scalar::ListOfStr(s) => json!([s]),
        }
    }
    tree_nodes!(Object, shift_remove);
}

impl Tree for toml::Value {
    fn from_scalar(s: &Scalar) -> Self {
        use toml::Value;
        match s {
            // TOML has no null: a date stands in for "some other type".
            Scalar::Null => Value::Datetime("1979-05-27".parse().unwrap()),
            Scalar::Bool(b) => Value::Boolean(*b),
            Scalar::Int(i) => Value::Integer(*i),
            Scalar::Float(f) => Value::Float(*f),
            Scalar::Str(s) => Value::String(s.clone()),
            Scalar::EmptyList => Value::Array(Vec::new()),
            Scalar::EmptyMap => Value::Table(toml::Table::new()),
            Scalar::ListOfStr(s) => Value::Array(vec![Value::String(s.clone())]),
        }
    }
    tree_nodes!(Table, remove);
}

/// Every node below the root, as the path to it.
fn paths<T: Tree>(root: &T) -> Vec<Vec<Seg>> {
    fn walk<T: Tree>(node: &T, prefix: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
        for seg in node.children() {
            prefix.push(seg.clone());
            out.push(prefix.clone());
            if let Some(child) = node.get(&seg) {
                walk(child, prefix, out);
            }
            prefix.pop();
        }
    }
    let mut out = Vec::new();
    walk(root, &mut Vec::new(), &mut out);
    out
}

fn node_mut<'a, T: Tree>(root: &'a mut T, path: &[Seg]) -> Option<&'a mut T> {
    path.iter().try_fold(root, |node, seg| node.child_mut(seg))
}

/// Applies one edit; paths are looked up again each time, as an edit moves what follows it.
fn apply_tree_edit<T: Tree>(root: &mut T, edit: &TreeEdit) {
    let all = paths(root);
    if all.is_empty() {
        return;
    }
    let (TreeEdit::Set(at, _)
    | TreeEdit::Drop(at)
    | TreeEdit::Rename(at, _)
    | TreeEdit::DuplicateItem(at)) = edit;
    let path = at.get(&all);
    let (last, parent) = path.split_last().expect("paths are below the root");
    let Some(parent) = node_mut(root, parent) else {
        return;
    };
    match edit {
        TreeEdit::Set(_, s) => {
            if let Some(node) = parent.child_mut(last) {
                *node = T::from_scalar(s);
            }
        }
        TreeEdit::Drop(_) => parent.remove(last),
        TreeEdit::Rename(_, to) => {
            if let Some(value) = parent.get(last).cloned() {
                parent.remove(last);
                parent.insert(&Seg::Key(to.clone()), value);
            }
        }
        TreeEdit::DuplicateItem(_) => {
            if let (Some(value), Seg::At(_)) = (parent.get(last).cloned(), last) {
                parent.insert(last, value);
            }
        }
    }
}

#[derive(Debug, Clone)]
enum Mutation {
    Text(Vec<Edit>),
    Tree(Vec<TreeEdit>),
}

fn mutation(tokens: &'static [&'static str]) -> impl Strategy<Value = Mutation> {
    prop_oneof![
        prop::collection::vec(edit(tokens), 1..4).prop_map(Mutation::Text),
        prop::collection::vec(tree_edit(), 1..4).prop_map(Mutation::Tree),
    ]
}

fn mutate_json(text: &str, m: &Mutation) -> String {
    match m {
        Mutation::Text(edits) => edits
            .iter()
            .fold(text.to_string(), |t, e| apply_edit(&t, e)),
        Mutation::Tree(edits) => {
            let mut v: serde_json::Value = serde_json::from_str(text).expect("valid input");
            edits.iter().for_each(|e| apply_tree_edit(&mut v, e));
            serde_json::to_string_pretty(&v).expect("JSON serialises")
        }
    }
}

/// `None` when the mutated tree has no TOML form (the serialiser refuses some shapes).
fn mutate_toml(text: &str, m: &Mutation) -> Option<String> {
    match m {
        Mutation::Text(edits) => Some(
            edits
                .iter()
                .fold(text.to_string(), |t, e| apply_edit(&t, e)),
        ),
        Mutation::Tree(edits) => {
            let mut v = toml::Value::Table(toml::from_str(text).expect("valid input"));
            edits.iter().for_each(|e| apply_tree_edit(&mut v, e));
            toml::to_string(&v).ok()
        }
    }
}

// ---------------------------------------------------------------------------------------
// Inputs and the checks every parser must pass.

fn demo_snapshot() -> &'static str {
    static TEXT: OnceLock<String> = OnceLock::new();
    TEXT.get_or_init(|| std::fs::read_to_string(repo().join(DEMO)).unwrap())
}

fn rule_files() -> &'static [(String, String)] {
    static FILES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let mut out = Vec::new();
        for service in std::fs::read_dir(repo().join("rules")).unwrap() {
            let dir = service.unwrap().path();
            if !dir.is_dir() {
                continue;
            }
            for f in std::fs::read_dir(&dir).unwrap() {
                let p = f.unwrap().path();
                if p.extension().is_some_and(|e| e == "toml") {
                    let name = p.strip_prefix(repo()).unwrap().display().to_string();
                    out.push((name, std::fs::read_to_string(&p).unwrap()));
                }
            }
        }
        out.sort();
        assert_eq!(out.len(), BUILTIN_RULES, "the shipped rules are found");
        out
    })
}

/// A valid configuration using every section.
const CONFIG: &str = r#"fail_on = "high"

[rules.HA-VPC-001]
params = { min_azs = 3 }

[rules.HA-ELB-002]
enabled = false

[rules.HA-S3-003]
severity = "medium"

[scope]
regions = ["us-east-1", "global"]
accounts = ["123456789012"]
include_tags = { env = "prod" }
exclude_tags = { "ha-audit:ignore" = "true" }

[services]
route53 = true
s3 = false

[[suppressions]]
rule = "HA-RDS-001"
resource = "arn:aws:rds:*:db:reporting-*"
reason = "reporting replicas are rebuilt from the warehouse"
expires = 2027-03-31

[[suppressions]]
rule = "*"
resource = "vpc-*"
reason = "lab account"
"#;

const JSON_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\n",
    " ",
    "0",
    "1",
    "-1",
    "1.5",
    "1e999",
    "-0",
    "18446744073709551616",
    "true",
    "false",
    "null",
    "\"\"",
    "\"schema_version\"",
    "\"x\"",
    "\"account_id\"",
    "\"regions\"",
    "\"coverage\"",
    "\"ec2\"",
    "\"subnets\"",
    "\\",
    "\\u0000",
    "\\ud800",
    "\"\\u00e9\"",
    "é",
    "\u{feff}",
];

const TOML_TOKENS: &[&str] = &[
    "[",
    "]",
    "[[",
    "]]",
    "=",
    "\"",
    "'",
    "\"\"\"",
    "'''",
    "\n",
    " ",
    "#",
    ".",
    ",",
    "{",
    "}",
    "0",
    "3",
    "-1",
    "1e999",
    "inf",
    "nan",
    "true",
    "false",
    "2027-03-31",
    "2027-02-30",
    "1979-05-27T07:32:00Z",
    "\"x\"",
    "\\",
    "\\u0000",
    "é",
    "rules",
    "HA-VPC-001",
    "HA-RDS-001",
    "params",
    "min_azs",
    "enabled",
    "severity",
    "\"critical\"",
    "suppressions",
    "rule",
    "resource",
    "reason",
    "expires",
    "scope",
    "regions",
    "services",
    "route53",
    "fail_on",
    "id",
    "name",
    "title",
    "compliant",
    "applies",
    "message",
    "examples",
    "outcome",
    "docs",
    "{id}",
    "{",
    "}}",
];

const CEL_TOKENS: &[&str] = &[
    "resource.",
    "params.",
    "resource",
    "params",
    "&&",
    "||",
    "!",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ".",
    ",",
    "?",
    ":",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    "in",
    "+",
    "-",
    "*",
    "/",
    "%",
    "size(",
    "has(",
    "int(",
    "uint(",
    "double(",
    "string(",
    "timestamp(",
    "duration(",
    "matches(",
    ".exists(x, ",
    ".all(x, ",
    ".map(x, ",
    ".filter(x, ",
    ".exists_one(x, ",
    "x",
    "0",
    "1",
    "-1",
    "1.5",
    "0u",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551615u",
    "1/0",
    "1%0",
    "\"x\"",
    "'y'",
    "b\"z\"",
    "r\"a\"",
    "true",
    "false",
    "null",
    "\\",
    "é",
    "multi_az",
    "tags",
    "subnets",
    "min_azs",
];

/// The rules shipped with ha-audit, compiled once.
fn builtin() -> &'static RuleSet {
    static SET: OnceLock<RuleSet> = OnceLock::new();
    SET.get_or_init(|| load_builtin().expect("builtin rules"))
}

/// The demo snapshot's model, to evaluate mutated rules against.
fn demo_model() -> &'static Model<'static> {
    static SNAPSHOT: OnceLock<snapshot::Snapshot> = OnceLock::new();
    static MODEL: OnceLock<Model<'static>> = OnceLock::new();
    let s = SNAPSHOT.get_or_init(|| snapshot::parse(demo_snapshot()).unwrap());
    MODEL.get_or_init(|| Model::build(s))
}

const SNAPSHOT_FILE: &str = "fuzz/snapshot.json";
const CONFIG_FILE: &str = "fuzz/ha-audit.toml";

fn check_snapshot(text: &str) -> TestCaseResult {
    let path = Path::new(SNAPSHOT_FILE);
    match snapshot::parse_named(path, text) {
        Ok(snap) => {
            // Round trip: what is saved reads back as the same snapshot.
            let saved = snapshot::to_json(&snap);
            let again = snapshot::parse_named(path, &saved);
            prop_assert!(
                again.as_ref().is_ok_and(|a| *a == snap),
                "saving and reading back changed the snapshot: {:?}",
                again.err()
            );
            let model = Model::build(&snap);
            if let Err(e) = evaluate(std::slice::from_ref(&model), builtin()) {
                prop_assert!(e.to_string().contains("rules/"), "{e}");
            }
            let _ = snapshot::resource_lines(&snap, text);
        }
        Err(e) => {
            let msg = e.to_string();
            prop_assert!(msg.starts_with(&format!("{SNAPSHOT_FILE}: ")), "{msg}");
            let syntax = serde_json::from_str::<serde_json::Value>(text).is_err();
            prop_assert!(
                msg.contains("line ") || (!syntax && msg.contains("field `schema_version`")),
                "no line or field: {msg}"
            );
        }
    }
    Ok(())
}

fn check_config(text: &str) -> TestCaseResult {
    let result = Config::parse(Path::new(CONFIG_FILE), text).and_then(|config| {
        let mut rules = load_builtin()?;
        config.apply(&mut rules)?;
        config.suppressions(&rules).map(drop)
    });
    if let Err(e) = result {
        let msg = e.to_string();
        prop_assert!(msg.starts_with(&format!("{CONFIG_FILE}: ")), "{msg}");
        prop_assert!(msg.contains("line "), "no line: {msg}");
    }
    Ok(())
}

fn check_rule(path: &str, text: &str) -> TestCaseResult {
    match compile(path, text) {
        Ok(rule) => {
            for ex in &rule.rule.examples {
                let _ = run_example(&rule, ex);
            }
            let set = RuleSet { rules: vec![rule] };
            if let Err(e) = evaluate(std::slice::from_ref(demo_model()), &set) {
                prop_assert!(e.to_string().starts_with(&format!("{path}: ")), "{e}");
            }
        }
        Err(e) => {
            let msg = e.to_string();
            prop_assert!(msg.starts_with(&format!("{path}: ")), "{msg}");
            if toml::from_str::<toml::Table>(text).is_err() {
                prop_assert!(msg.contains("line "), "syntax error without a line: {msg}");
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The targets.

#[test]
fn valid_inputs_pass_the_checks() {
    let snap = snapshot::parse(demo_snapshot()).unwrap();
    assert_eq!(snapshot::parse(&snapshot::to_json(&snap)).unwrap(), snap);
    check_snapshot(demo_snapshot()).unwrap();
    Config::parse(Path::new(CONFIG_FILE), CONFIG)
        .and_then(|c| {
            let mut rules = load_builtin()?;
            c.apply(&mut rules)?;
            c.suppressions(&rules)
        })
        .expect("the sample config is valid");
    for (path, text) in rule_files() {
        compile(path, text).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn snapshot_parser_survives_arbitrary_text() {
    fuzz("snapshot-text", token_soup(JSON_TOKENS), |t| {
        check_snapshot(&t)
    });
}

#[test]
fn snapshot_parser_survives_mutations_of_the_demo_snapshot() {
    fuzz("snapshot-mutations", mutation(JSON_TOKENS), |m| {
        check_snapshot(&mutate_json(demo_snapshot(), &m))
    });
}

#[test]
fn config_parser_survives_arbitrary_text() {
    fuzz("config-text", token_soup(TOML_TOKENS), |t| check_config(&t));
}

#[test]
fn config_parser_survives_mutations_of_a_valid_config() {
    fuzz(
        "config-mutations",
        mutation(TOML_TOKENS),
        |m| match mutate_toml(CONFIG, &m) {
            Some(text) => check_config(&text),
            None => Ok(()),
        },
    );
}

#[test]
fn rule_parser_survives_arbitrary_text() {
    fuzz("rule-text", token_soup(TOML_TOKENS), |t| {
        check_rule("fuzz/rules/X.toml", &t)
    });
}

#[test]
fn rule_parser_survives_mutations_of_the_shipped_rules() {
    fuzz(
        "rule-mutations",
        (any::<Index>(), mutation(TOML_TOKENS)),
        |(file, m)| {
            let (path, text) = file.get(rule_files());
            match mutate_toml(text, &m) {
                Some(text) => check_rule(path, &text),
                None => Ok(()),
            }
        },
    );
}

#[test]
fn rule_compiler_survives_mutated_cel() {
    let strategy = (
        any::<Index>(),
        any::<bool>(),
        prop::collection::vec(edit(CEL_TOKENS), 1..5),
    );
    fuzz("rule-cel", strategy, |(file, applies, edits)| {
        let (path, text) = file.get(rule_files());
        let mut rule: toml::Table = toml::from_str(text).unwrap();
        let field = if applies && rule.contains_key("applies") {
            "applies"
        } else {
            "compliant"
        };
        let cel = rule[field].as_str().unwrap().to_string();
        let cel = edits.iter().fold(cel, |t, e| apply_edit(&t, e));
        rule.insert(field.into(), toml::Value::String(cel));
        check_rule(path, &toml::to_string(&rule).unwrap())
    });
}

#[test]
fn files_of_arbitrary_bytes_are_errors_naming_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let rules_dir = dir.path().join("rules");
    std::fs::create_dir(&rules_dir).unwrap();
    let snap: PathBuf = dir.path().join("snap.json");
    let config = dir.path().join("ha-audit.toml");
    let rule = rules_dir.join("X.toml");
    let bytes = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        // Valid text with an invalid byte somewhere.
        (token_soup(TOML_TOKENS), any::<Index>(), 0x80u8..=0xff).prop_map(|(t, at, b)| {
            let mut v = t.into_bytes();
            let i = at.index(v.len() + 1);
            v.insert(i, b);
            v
        }),
    ];
    fuzz("arbitrary-bytes", bytes, |bytes| {
        for p in [&snap, &config, &rule] {
            std::fs::write(p, &bytes).unwrap();
        }
        let errors = [
            snapshot::load(&snap).err().map(|e| (e.to_string(), &snap)),
            Config::discover(Some(&config))
                .err()
                .map(|e| (e.to_string(), &config)),
            load_dir(&rules_dir).err().map(|e| (e.to_string(), &rule)),
        ];
        let utf8 = std::str::from_utf8(&bytes).is_ok();
        for (msg, path) in errors.into_iter().flatten() {
            prop_assert!(msg.contains(&path.display().to_string()), "{msg}");
            prop_assert!(
                utf8 || (msg.contains("not valid UTF-8") && msg.contains("line ")),
                "bad UTF-8 without a line: {msg}"
            );
        }
        Ok(())
    });
}
