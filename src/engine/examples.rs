//! Running a rule's `[[examples]]`: each gives a resource (fields the rule reads) and the
//! outcome it must produce. The test suite runs every example of every rule.

use super::compiled::Bound;
use super::evaluate::{judge, known_value, resource_scope, Compiled, Judgement, Verdict};
use super::loader::{params_value, CompiledRule};
use super::message::render;
use super::rule::Example;
use crate::model::field_names;
use crate::model::Val;
use std::collections::BTreeMap;

/// What an example produced: the outcome name and, for a failure, the rendered message.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleRun {
    pub outcome: &'static str,
    pub message: Option<String>,
    /// What the compiled form of the rule decided alone: the same outcome, or `None` when
    /// it left the example to the interpreter.
    pub compiled: Option<&'static str>,
}

/// Evaluates one example. Fields the example leaves out are null, as an absent optional
/// field is in a real snapshot; fields the resource kind does not have are an error.
pub fn run_example(rule: &CompiledRule, ex: &Example) -> Result<ExampleRun, String> {
    let known = field_names(&rule.rule.resource);
    let mut fields = serde_json::Map::new();
    for f in &known {
        fields.insert(f.clone(), serde_json::Value::Null);
    }
    for (k, v) in &ex.resource {
        if !known.contains(k) {
            return Err(format!(
                "example sets `{k}`, which {} resources do not have",
                rule.rule.resource
            ));
        }
        fields.insert(
            k.clone(),
            serde_json::to_value(v).map_err(|e| e.to_string())?,
        );
    }
    let unknown: BTreeMap<String, String> = ex
        .unknown
        .iter()
        .map(|f| (f.clone(), "unreadable in this example".to_string()))
        .collect();
    let overrides: BTreeMap<String, toml::Value> = ex
        .params
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let (params, params_json) = params_value(&rule.rule.params, &overrides);
    let cel_value = known_value(&fields, &unknown);
    let root = cel::Context::default();
    let scope = resource_scope(&root, cel_value);
    let unknown_of = |f: &str| unknown.get(f).cloned();
    let judgement = judge(rule, &scope, &unknown_of, &params).map_err(|e| e.to_string())?;

    // The compiled form, bound to the same fields with the example's params.
    let mut names: Vec<String> = Vec::new();
    let compiled = Compiled::of(rule, &params_json, &mut |name: &str| {
        let at = names.iter().position(|n| n == name).unwrap_or_else(|| {
            names.push(name.to_string());
            names.len() - 1
        });
        u16::try_from(at).ok()
    });
    let slots: Vec<Bound> = names
        .iter()
        .map(|n| match (fields.get(n), unknown.contains_key(n)) {
            (_, true) => Bound::Unknown,
            (Some(v), false) => Bound::Known(Val::from_json(v)),
            (None, false) => Bound::Absent,
        })
        .collect();
    let compiled = compiled.and_then(|c| c.judge(&slots)).map(|v| match v {
        Verdict::NotApplicable => "not_applicable",
        Verdict::Pass => "pass",
        Verdict::Fail => "fail",
        Verdict::NotEvaluated => "not_evaluated",
    });
    let json = serde_json::Value::Object(fields.clone());
    let (outcome, message) = match judgement {
        Judgement::NotApplicable => ("not_applicable", None),
        Judgement::Pass => ("pass", None),
        Judgement::NotEvaluated(_) => ("not_evaluated", None),
        Judgement::Fail => (
            "fail",
            Some(render(&rule.rule.message, &json, &params_json)),
        ),
    };
    Ok(ExampleRun {
        outcome,
        message,
        compiled,
    })
}
