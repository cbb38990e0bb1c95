//! Running a rule's `[[examples]]`: each gives a resource (fields the rule reads) and the
//! outcome it must produce. The test suite runs every example of every rule.

use super::evaluate::{judge, known_value, resource_scope, Judgement};
use super::loader::{params_value, CompiledRule};
use super::message::render;
use super::rule::Example;
use crate::model::field_names;
use std::collections::BTreeMap;

/// What an example produced: the outcome name and, for a failure, the rendered message.
#[derive(Debug, Clone, PartialEq)]
pub struct ExampleRun {
    pub outcome: &'static str,
    pub message: Option<String>,
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
    let json = serde_json::Value::Object(fields);
    let root = cel::Context::default();
    let scope = resource_scope(&root, cel_value);
    let judgement = judge(rule, &scope, &unknown, &params).map_err(|e| e.to_string())?;
    Ok(match judgement {
        Judgement::NotApplicable => ExampleRun {
            outcome: "not_applicable",
            message: None,
        },
        Judgement::Pass => ExampleRun {
            outcome: "pass",
            message: None,
        },
        Judgement::NotEvaluated(_) => ExampleRun {
            outcome: "not_evaluated",
            message: None,
        },
        Judgement::Fail => ExampleRun {
            outcome: "fail",
            message: Some(render(&rule.rule.message, &json, &params_json)),
        },
    })
}
