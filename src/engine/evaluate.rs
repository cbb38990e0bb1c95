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
    /// (rule, resource) pairs judged, `applies` exclusions included.
    pub evaluations: usize,
    /// Worker threads that shared the judging.
    pub threads: usize,
}

/// A scope with `resource` bound, to judge one resource with every rule of its kind.
///
/// Binding a variable converts the whole value into the interpreter's own representation,
/// so it is done once per resource, not once per (rule, resource): that conversion used to
/// be most of the evaluation time.
pub fn resource_scope<'a>(root: &'a Context<'_, 'static>, resource: Value) -> Context<'a, 'static> {
    let mut scope = root.new_inner_scope();
    scope.add_variable_from_value("resource", resource);
    scope
}

/// Judges one resource, bound in `resource` (see [`resource_scope`]). `unknown` lists the
/// fields that could not be read; the bound value must not contain them, so that an
/// expression that needs one fails with `NoSuchKey` and is reported as not evaluated, while
/// one that does not need it (`a || b` with `a` true) is still judged.
pub fn judge(
    rule: &CompiledRule,
    resource: &Context<'_, 'static>,
    unknown: &BTreeMap<String, String>,
    params: &Value,
) -> Result<Judgement> {
    let mut scope = resource.new_inner_scope();
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
    super::celvalue::object_to_cel(fields.iter().filter(|(k, _)| !unknown.contains_key(*k)))
}

/// Resources judged per unit of work handed to a thread: big enough that taking a unit is
/// free, small enough that the threads finish together.
const CHUNK: usize = 2048;

/// Evaluates every rule against the model, in parallel across cores.
///
/// Each resource becomes a CEL value once, is judged by every rule of its kind, and is
/// dropped, so memory holds one value per thread rather than one per resource. The findings
/// are sorted at the end, so the result does not depend on the number of threads.
pub fn evaluate(model: &Model, rules: &RuleSet) -> Result<Evaluation> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    evaluate_in(model, rules, cores, CHUNK)
}

/// [`evaluate`] with at most `threads` threads taking `chunk` resources at a time.
fn evaluate_in(model: &Model, rules: &RuleSet, threads: usize, chunk: usize) -> Result<Evaluation> {
    let mut rules_of: BTreeMap<&str, Vec<&CompiledRule>> = BTreeMap::new();
    for rule in &rules.rules {
        rules_of
            .entry(rule.rule.resource.as_str())
            .or_default()
            .push(rule);
    }
    let judged: Vec<usize> = (0..model.resources.len())
        .filter(|&i| rules_of.contains_key(model.resources[i].kind))
        .collect();
    let chunks: Vec<&[usize]> = judged.chunks(chunk.max(1)).collect();
    let threads = threads.clamp(1, chunks.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let work = || -> Result<(Vec<Finding>, usize)> {
        // A CEL context is cheap and not shared across threads.
        let root = Context::default();
        let mut findings = Vec::new();
        let mut evaluations = 0;
        loop {
            let c = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(chunk) = chunks.get(c) else { break };
            for &i in *chunk {
                let res = &model.resources[i];
                let scope = resource_scope(&root, known_value(&res.fields, &res.unknown));
                for rule in &rules_of[res.kind] {
                    evaluations += 1;
                    if let Some(f) = finding(model, rule, &scope, res)? {
                        findings.push(f);
                    }
                }
            }
        }
        Ok((findings, evaluations))
    };
    let parts: Vec<Result<(Vec<Finding>, usize)>> = if threads == 1 {
        vec![work()]
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads).map(|_| s.spawn(work)).collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        })
    };
    let mut findings = Vec::new();
    let mut evaluations = 0;
    for part in parts {
        let (f, n) = part?;
        findings.extend(f);
        evaluations += n;
    }
    for rule in &rules.rules {
        let r = &rule.rule;
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
    Ok(Evaluation {
        findings,
        evaluations,
        threads,
    })
}

/// One rule's finding about one resource; `None` when the rule does not apply to it.
fn finding(
    model: &Model,
    rule: &CompiledRule,
    scope: &Context<'_, 'static>,
    res: &crate::model::Resource,
) -> Result<Option<Finding>> {
    let r = &rule.rule;
    let (outcome, message, reason) = match judge(rule, scope, &res.unknown, &rule.params)? {
        Judgement::NotApplicable => return Ok(None),
        Judgement::Pass => (Outcome::Pass, format!("{}: compliant", r.title), None),
        Judgement::Fail => {
            // A field that could not be read says so in the message, rather than showing the
            // empty placeholder it holds.
            let mut fields = res.fields.clone();
            for key in res.unknown.keys() {
                if let Some(v) = fields.get_mut(key) {
                    *v = serde_json::Value::String("unknown".into());
                }
            }
            let json = serde_json::Value::Object(fields);
            (
                Outcome::Fail,
                render(&r.message, &json, &rule.params_json),
                None,
            )
        }
        Judgement::NotEvaluated(why) => (
            Outcome::NotEvaluated,
            format!("{}: not evaluated", r.title),
            Some(why),
        ),
    };
    Ok(Some(Finding {
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
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_findings_do_not_depend_on_how_the_work_is_split() {
        let text = include_str!("../../fixtures/demo-account.json");
        let snapshot = crate::snapshot::parse(text).unwrap();
        let model = Model::build(&snapshot);
        let rules = crate::engine::load_builtin().unwrap();
        let one = evaluate_in(&model, &rules, 1, CHUNK).unwrap();
        let many = evaluate_in(&model, &rules, 3, 7).unwrap();
        assert_eq!(one.threads, 1);
        assert_eq!(many.threads, 3);
        assert_eq!(one.evaluations, many.evaluations);
        assert!(one.findings.len() > 100);
        let json = |e: &Evaluation| serde_json::to_string(&e.findings).unwrap();
        assert_eq!(json(&one), json(&many));
    }

    #[test]
    fn a_message_says_unknown_for_a_field_that_could_not_be_read() {
        let text = include_str!("../../fixtures/demo-account.json");
        let mut snapshot = crate::snapshot::parse(text).unwrap();
        let bucket = &mut snapshot.s3.buckets[0];
        bucket.region = String::new();
        bucket.unreadable.insert(
            "region".into(),
            "GetBucketLocation failed: AccessDenied: denied".into(),
        );
        let name = bucket.name.clone();
        let model = Model::build(&snapshot);
        let rules = crate::engine::load_builtin().unwrap();
        let findings = evaluate_in(&model, &rules, 1, CHUNK).unwrap().findings;
        // Object Lock does not depend on the region: still judged, and the message says
        // which part is unknown rather than printing an empty value.
        let lock = findings
            .iter()
            .find(|f| f.rule_id == "HA-S3-003" && f.resource_id == name)
            .expect("HA-S3-003 judges the bucket");
        assert_eq!(lock.outcome, Outcome::Fail, "{lock:?}");
        assert!(lock.message.contains("(unknown)"), "{}", lock.message);
    }
}
