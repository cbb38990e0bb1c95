//! Judging resources: one outcome per (rule, resource), and one `not_evaluated` per
//! (rule, scope) whose listing failed.

use super::finding::{Finding, Outcome};
use super::loader::{CompiledRule, RuleSet};
use super::message::render;
use crate::error::{Error, Result};
use crate::model::{kind_info, Model};
use cel::{Context, ExecutionError, Program, Value};
use std::collections::BTreeMap;

/// The result of judging one resource with one rule.
#[derive(Debug, Clone, PartialEq)]
pub enum Judgement {
    /// The rule's `applies` condition excludes the resource.
    NotApplicable,
    Pass,
    Fail,
    /// A field the rule reads could not be collected.
    NotEvaluated(String),
}

pub struct Evaluation {
    pub findings: Vec<Finding>,
}

/// Judges one resource. `unknown` lists the fields that could not be read; `resource` must
/// not contain them, so that an expression that needs one fails with `NoSuchKey` and is
/// reported as not evaluated, while one that does not need it (`a || b` with `a` true) is
/// still judged.
pub fn judge(
    rule: &CompiledRule,
    root: &Context,
    resource: &Value,
    unknown: &BTreeMap<String, String>,
    params: &Value,
) -> Result<Judgement> {
    let mut scope = root.new_inner_scope();
    scope.add_variable_from_value("resource", resource.clone());
    scope.add_variable_from_value("params", params.clone());
    if let Some(applies) = &rule.applies {
        match run(rule, "applies", applies, &scope, unknown)? {
            Some(false) => return Ok(Judgement::NotApplicable),
            Some(true) => {}
            None => return Ok(Judgement::NotEvaluated(reason(rule, unknown))),
        }
    }
    Ok(
        match run(rule, "compliant", &rule.compliant, &scope, unknown)? {
            Some(true) => Judgement::Pass,
            Some(false) => Judgement::Fail,
            None => Judgement::NotEvaluated(reason(rule, unknown)),
        },
    )
}

/// Why a rule could not judge: the unknown fields it reads, with their reasons.
fn reason(rule: &CompiledRule, unknown: &BTreeMap<String, String>) -> String {
    let reasons: Vec<String> = unknown
        .iter()
        .filter(|(f, _)| rule.fields.contains(f))
        .map(|(f, why)| format!("`{f}` could not be read: {why}"))
        .collect();
    if reasons.is_empty() {
        "a field the rule reads could not be read".to_string()
    } else {
        reasons.join("; ")
    }
}

/// Runs one condition: `Some(bool)`, or `None` when it needed a field that is unknown.
fn run(
    rule: &CompiledRule,
    which: &str,
    program: &Program,
    ctx: &Context,
    unknown: &BTreeMap<String, String>,
) -> Result<Option<bool>> {
    match program.execute(ctx) {
        Ok(Value::Bool(b)) => Ok(Some(b)),
        Ok(other) => Err(Error::Rule {
            path: rule.rule.source.clone(),
            rule_id: rule.rule.id.clone(),
            detail: format!("field `{which}`: expected a bool, the expression gave {other:?}"),
        }),
        Err(ExecutionError::NoSuchKey(key)) if unknown.contains_key(key.as_str()) => Ok(None),
        Err(e) => Err(Error::Rule {
            path: rule.rule.source.clone(),
            rule_id: rule.rule.id.clone(),
            detail: format!("field `{which}`: CEL evaluation failed: {e}"),
        }),
    }
}

/// A resource's fields as a CEL value, without the fields that could not be read.
pub fn known_value(
    fields: &serde_json::Map<String, serde_json::Value>,
    unknown: &BTreeMap<String, String>,
) -> Value {
    let mut known = fields.clone();
    known.retain(|k, _| !unknown.contains_key(k));
    super::json_to_cel(&serde_json::Value::Object(known))
}

/// Evaluates every rule against the model.
pub fn evaluate(model: &Model, rules: &RuleSet) -> Result<Evaluation> {
    let root = Context::default();
    // Each resource becomes a CEL value once and is shared by every rule of its kind.
    let mut by_kind: BTreeMap<&str, Vec<(usize, Value, serde_json::Value)>> = BTreeMap::new();
    for (i, r) in model.resources.iter().enumerate() {
        let json = serde_json::Value::Object(r.fields.clone());
        by_kind
            .entry(r.kind)
            .or_default()
            .push((i, known_value(&r.fields, &r.unknown), json));
    }

    let mut findings = Vec::new();
    for rule in &rules.rules {
        let r = &rule.rule;
        let params_json = &rule.params_json;
        for (i, cel_value, json) in by_kind.get(r.resource.as_str()).into_iter().flatten() {
            let res = &model.resources[*i];
            let judgement = judge(rule, &root, cel_value, &res.unknown, &rule.params)?;
            let (outcome, message, reason) = match judgement {
                Judgement::NotApplicable => continue,
                Judgement::Pass => (Outcome::Pass, format!("{}: compliant", r.title), None),
                Judgement::Fail => (Outcome::Fail, render(&r.message, json, params_json), None),
                Judgement::NotEvaluated(why) => (
                    Outcome::NotEvaluated,
                    format!("{}: not evaluated", r.title),
                    Some(why),
                ),
            };
            findings.push(Finding {
                rule_id: r.id.clone(),
                rule_name: r.name.clone(),
                severity: r.severity,
                outcome,
                resource_kind: res.kind.to_string(),
                resource_id: res.id.clone(),
                resource_name: res.name.clone(),
                arn: Some(res.arn.clone()),
                region: res.region.clone(),
                account_id: model.account_id.clone(),
                message,
                reason,
                in_baseline: false,
            });
        }
        // A listing that failed hides resources we cannot judge: say so once per scope.
        for scope in model.incomplete.iter().filter(|s| s.kind == r.resource) {
            let label = kind_info(&scope.kind).map_or(scope.kind.as_str(), |k| k.label);
            let (id, where_) = match &scope.within {
                Some(w) => (w.clone(), format!("{} {w}", scope.region)),
                None => ("*".to_string(), scope.region.clone()),
            };
            findings.push(Finding {
                rule_id: r.id.clone(),
                rule_name: r.name.clone(),
                severity: r.severity,
                outcome: Outcome::NotEvaluated,
                resource_kind: scope.kind.clone(),
                resource_id: id,
                resource_name: Some(format!("every {label} in {where_}")),
                arn: None,
                region: scope.region.clone(),
                account_id: model.account_id.clone(),
                message: format!("{}: not evaluated for {where_}", r.title),
                reason: Some(scope.reason.clone()),
                in_baseline: false,
            });
        }
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(Evaluation { findings })
}
