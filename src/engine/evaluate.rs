//! Judging resources: one outcome per (rule, resource), and one `not_evaluated` per
//! (rule, scope) whose listing failed.
//!
//! Each kind's rules are compiled against one binding: the fields they read, each with where
//! it comes from (a built-in field, a derived fact, a field of the snapshot object). A
//! resource binds those fields once and every rule of its kind judges it through the
//! compiled form of its CEL ([`super::compiled`]); what that form does not decide, the
//! interpreter does, on the same fields. Work is shared by every core across accounts and
//! resources alike, in chunks that keep the report order.

use super::compiled::{self, Bound, Env, Halt, Node};
use super::finding::{Finding, Outcome};
use super::judgements::{Judged, Judgements, Notes, ScopeFinding, NO_NOTE};
use super::loader::{CompiledRule, RuleSet};
use crate::error::{Error, Result};
use crate::model::{kind_schema, Model, Resource, Slot, Val, BUILTIN_FIELDS};
use crate::registry::Kind;
use cel::{Context, ExecutionError, Program, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

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

/// A scope with `resource` bound, to judge one resource with every rule of its kind.
///
/// Binding a variable converts the whole value into the interpreter's own representation,
/// so it is done once per resource, not once per (rule, resource).
pub fn resource_scope<'a>(root: &'a Context<'_, 'static>, resource: Value) -> Context<'a, 'static> {
    let mut scope = root.new_inner_scope();
    scope.add_variable_from_value("resource", resource);
    scope
}

/// Judges one resource with the interpreter, bound in `resource` (see [`resource_scope`]).
/// `unknown` lists the fields that could not be read; the bound value must not contain
/// them, so that an expression that needs one fails with `NoSuchKey` and is reported as not
/// evaluated, while one that does not need it (`a || b` with `a` true) is still judged.
pub fn judge(
    rule: &CompiledRule,
    resource: &Context<'_, 'static>,
    unknown: &dyn Fn(&str) -> Option<String>,
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

/// Why a rule could not judge: the unknown fields it reads, with their reasons, by name.
fn reason(rule: &CompiledRule, unknown: &dyn Fn(&str) -> Option<String>) -> String {
    let mut fields: Vec<&String> = rule.fields.iter().collect();
    fields.sort();
    let reasons: Vec<String> = fields
        .into_iter()
        .filter_map(|f| Some(format!("`{f}` could not be read: {}", unknown(f)?)))
        .collect();
    if reasons.is_empty() {
        "a field the rule reads could not be read".to_string()
    } else {
        reasons.join("; ")
    }
}

/// For a resource read from a Terraform plan: the provider defaults the judgement relied on,
/// for fields the configuration does not set (`None` when there are none).
fn assumed_note(rule: &CompiledRule, model: &Model, index: usize) -> Option<String> {
    let assumed = model.assumed.get(&index)?;
    let mut fields: Vec<&String> = rule
        .fields
        .iter()
        .filter(|f| assumed.contains_key(*f))
        .collect();
    if fields.is_empty() {
        return None;
    }
    fields.sort();
    let parts: Vec<String> = fields
        .into_iter()
        .map(|f| format!("`{f}` {}", assumed[f]))
        .collect();
    Some(format!("assumed default: {}", parts.join("; ")))
}

/// Runs one condition: `Some(bool)`, or `None` when it needed a field that is unknown.
fn run(
    rule: &CompiledRule,
    which: &str,
    program: &Program,
    ctx: &Context,
    unknown: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<bool>> {
    match program.execute(ctx) {
        Ok(Value::Bool(b)) => Ok(Some(b)),
        Ok(other) => Err(Error::Rule {
            path: rule.rule.source.clone(),
            rule_id: rule.rule.id.clone(),
            detail: format!("field `{which}`: expected a bool, the expression gave {other:?}"),
        }),
        Err(ExecutionError::NoSuchKey(key)) if unknown(key.as_str()).is_some() => Ok(None),
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

/// A rule's compiled conditions, when the compiled form covers them.
pub struct Compiled {
    applies: Option<Node>,
    compliant: Node,
}

impl Compiled {
    /// Compiles a rule with `params` against a binding (`slot` gives a field's slot).
    pub fn of(
        rule: &CompiledRule,
        params: &serde_json::Value,
        slot: &mut dyn FnMut(&str) -> Option<u16>,
    ) -> Option<Compiled> {
        let applies = match &rule.applies {
            Some(p) => Some(compiled::compile(p.expression(), slot, params)?),
            None => None,
        };
        let compliant = compiled::compile(rule.compliant.expression(), slot, params)?;
        Some(Compiled { applies, compliant })
    }

    /// The judgement, or `None` when the interpreter must decide.
    pub fn judge<'v>(&'v self, slots: &'v [Bound<'v>]) -> Option<Verdict> {
        let mut env = Env::new(slots);
        if let Some(a) = &self.applies {
            match a.test(&mut env) {
                Ok(false) => return Some(Verdict::NotApplicable),
                Ok(true) => {}
                Err(Halt::Unknown(_)) => return Some(Verdict::NotEvaluated),
                Err(Halt::Fallback) => return None,
            }
        }
        match self.compliant.test(&mut env) {
            Ok(true) => Some(Verdict::Pass),
            Ok(false) => Some(Verdict::Fail),
            Err(Halt::Unknown(_)) => Some(Verdict::NotEvaluated),
            Err(Halt::Fallback) => None,
        }
    }
}

/// A compiled judgement, before the reason of a `not_evaluated` one is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    NotApplicable,
    Pass,
    Fail,
    NotEvaluated,
}

/// Where each bound field of a kind comes from.
#[derive(Debug, Clone)]
struct Source {
    name: String,
    slot: Slot,
    /// For a snapshot field, its index among the snapshot fields to pick.
    picked: usize,
}

/// One kind's rules and the fields they read.
struct KindPlan<'r> {
    kind: Kind,
    sources: Vec<Source>,
    /// The snapshot fields to pick, in `picked` order.
    picked: Vec<String>,
    rules: Vec<(usize, &'r CompiledRule, Option<Compiled>)>,
}

impl<'r> KindPlan<'r> {
    fn new(kind: Kind, rules: Vec<(usize, &'r CompiledRule)>) -> KindPlan<'r> {
        let schema = kind_schema(kind);
        let fact_index = |name: &str| {
            let facts = schema?
                .fields
                .iter()
                .filter(|f| f.origin == crate::model::schema::Origin::Fact);
            facts.into_iter().position(|f| f.info.name == name)
        };
        let mut plan = KindPlan {
            kind,
            sources: Vec::new(),
            picked: Vec::new(),
            rules: Vec::new(),
        };
        for (i, rule) in rules {
            let mut slot_of = |name: &str| -> Option<u16> {
                if let Some(s) = plan.sources.iter().position(|s| s.name == name) {
                    return u16::try_from(s).ok();
                }
                let slot = if let Some(b) = BUILTIN_FIELDS.iter().position(|b| *b == name) {
                    Slot::Builtin(b)
                } else if let Some(f) = fact_index(name) {
                    Slot::Fact(f)
                } else {
                    Slot::Snapshot
                };
                let picked = if slot == Slot::Snapshot {
                    plan.picked.push(name.to_string());
                    plan.picked.len() - 1
                } else {
                    0
                };
                plan.sources.push(Source {
                    name: name.to_string(),
                    slot,
                    picked,
                });
                u16::try_from(plan.sources.len() - 1).ok()
            };
            let compiled = Compiled::of(rule, &rule.params_json, &mut slot_of);
            plan.rules.push((i, rule, compiled));
        }
        plan
    }

    /// The bound fields of one resource; `json` holds the picked snapshot fields.
    fn bind<'v>(
        &self,
        res: &'v Resource<'v>,
        account_id: &'v str,
        json: &'v [Option<serde_json::Value>],
    ) -> Vec<Bound<'v>> {
        self.sources
            .iter()
            .map(|s| {
                if res.unreadable_reason(&s.name).is_some() {
                    return Bound::Unknown;
                }
                match s.slot {
                    Slot::Builtin(i) => Bound::Known(res.builtin(i, account_id)),
                    Slot::Fact(i) => match res.facts.field(i) {
                        crate::model::Field::Known(v) => Bound::Known(v),
                        crate::model::Field::Unknown(_) => Bound::Unknown,
                    },
                    Slot::Snapshot => match &json[s.picked] {
                        Some(v) => Bound::Known(Val::from_json(v)),
                        None => Bound::Absent,
                    },
                }
            })
            .collect()
    }
}

/// Resources judged per unit of work handed to a thread: big enough that taking a unit is
/// free, small enough that the threads finish together.
const CHUNK: usize = 2048;

/// One unit of work: a run of one model's resources of one kind.
struct Item {
    plan: usize,
    model: usize,
    start: usize,
    end: usize,
}

/// What one unit of work judged: per rule of its kind, the outcomes, and the reasons they
/// point to.
struct Done {
    per_rule: Vec<Vec<Judged>>,
    notes: Vec<String>,
    evaluations: usize,
}

/// Evaluates every rule against every model (one per account), in parallel across cores.
/// The outcomes come out in report order, whatever the number of threads.
pub fn evaluate<'m>(models: &'m [Model<'m>], rules: &'m RuleSet) -> Result<Judgements<'m>> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    evaluate_in(models, rules, cores, CHUNK, false)
}

/// [`evaluate`] with the interpreter alone, never the compiled form: what the compiled form
/// must agree with.
pub fn evaluate_interpreted<'m>(
    models: &'m [Model<'m>],
    rules: &'m RuleSet,
) -> Result<Judgements<'m>> {
    evaluate_in(models, rules, 1, CHUNK, true)
}

/// [`evaluate`] with at most `threads` threads taking `chunk` resources at a time.
fn evaluate_in<'m>(
    models: &'m [Model<'m>],
    rules: &'m RuleSet,
    threads: usize,
    chunk: usize,
    interpreted: bool,
) -> Result<Judgements<'m>> {
    let mut by_kind: BTreeMap<Kind, Vec<(usize, &CompiledRule)>> = BTreeMap::new();
    for (i, rule) in rules.rules.iter().enumerate() {
        if let Some(kind) = Kind::from_key(&rule.rule.resource) {
            by_kind.entry(kind).or_default().push((i, rule));
        }
    }
    let plans: Vec<KindPlan> = by_kind
        .into_iter()
        .map(|(kind, rules)| {
            let mut plan = KindPlan::new(kind, rules);
            if interpreted {
                for (_, _, compiled) in &mut plan.rules {
                    *compiled = None;
                }
            }
            plan
        })
        .collect();
    let mut items = Vec::new();
    for (p, plan) in plans.iter().enumerate() {
        for (m, model) in models.iter().enumerate() {
            let key = plan.kind.key();
            let start = model.resources.partition_point(|r| r.kind.key() < key);
            let end = model.resources.partition_point(|r| r.kind.key() <= key);
            let mut at = start;
            while at < end {
                let stop = (at + chunk.max(1)).min(end);
                items.push(Item {
                    plan: p,
                    model: m,
                    start: at,
                    end: stop,
                });
                at = stop;
            }
        }
    }
    let threads = threads.clamp(1, items.len().max(1));
    let mut out = Judgements {
        models,
        rules,
        per_rule: vec![Vec::new(); rules.rules.len()],
        scopes: vec![Vec::new(); rules.rules.len()],
        notes: Vec::new(),
        note_index: Notes::default(),
        evaluations: 0,
        threads,
    };
    // In item order: plans by kind, then models by account, then resources: each rule's
    // outcomes end up by account, region and id.
    let mut merge = |item: &Item, done: Done| {
        let ids: Vec<u32> = done.notes.into_iter().map(|text| out.note(text)).collect();
        out.evaluations += done.evaluations;
        for ((rule, _, _), judged) in plans[item.plan].rules.iter().zip(done.per_rule) {
            out.per_rule[*rule].extend(judged.into_iter().map(|mut j| {
                if j.note != NO_NOTE {
                    j.note = ids[j.note as usize];
                }
                j
            }));
        }
    };
    if threads == 1 {
        for item in &items {
            merge(
                item,
                judge_item(&plans[item.plan], &models[item.model], item)?,
            );
        }
    } else {
        // Workers judge items in any order; this thread merges them in item order as soon
        // as each is ready, so the outcomes are held once, not once per item and again
        // merged.
        // A worker that panics hands its panic over, so that this thread does not wait for it.
        let results: Vec<Mutex<Option<std::thread::Result<Result<Done>>>>> =
            items.iter().map(|_| Mutex::new(None)).collect();
        let ready = std::sync::Condvar::new();
        let next = AtomicUsize::new(0);
        let work = || loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                judge_item(&plans[item.plan], &models[item.model], item)
            }));
            *results[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(done);
            ready.notify_all();
        };
        std::thread::scope(|s| -> Result<()> {
            for _ in 0..threads {
                s.spawn(work);
            }
            for (i, item) in items.iter().enumerate() {
                let mut slot = results[i].lock().unwrap_or_else(|e| e.into_inner());
                let done = loop {
                    if let Some(done) = slot.take() {
                        break done;
                    }
                    slot = ready.wait(slot).unwrap_or_else(|e| e.into_inner());
                };
                drop(slot);
                let done = done.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                match done {
                    Ok(done) => merge(item, done),
                    Err(e) => {
                        // Let the workers stop early: nothing more is needed.
                        next.store(items.len(), Ordering::Relaxed);
                        return Err(e);
                    }
                }
            }
            Ok(())
        })?;
    }
    for (r, rule) in rules.rules.iter().enumerate() {
        for model in models {
            out.scopes[r].extend(scope_findings(model, rule));
        }
        out.scopes[r].sort_by(|a, b| {
            (&a.account_id, &a.region, &a.resource_id).cmp(&(
                &b.account_id,
                &b.region,
                &b.resource_id,
            ))
        });
    }
    Ok(out)
}

/// A listing that failed hides resources nobody can judge: one `not_evaluated` finding per
/// rule and scope says so.
fn scope_findings(model: &Model, rule: &CompiledRule) -> Vec<ScopeFinding> {
    let r = &rule.rule;
    model
        .incomplete
        .iter()
        .filter(|s| s.kind.key() == r.resource)
        .map(|scope| {
            let label = scope.kind.label();
            let (id, where_) = match &scope.within {
                Some(w) => (w.clone(), format!("{} {w}", scope.region)),
                None => ("*".to_string(), scope.region.clone()),
            };
            Finding {
                rule_id: Cow::Owned(r.id.clone()),
                rule_name: Cow::Owned(r.name.clone()),
                severity: r.severity,
                outcome: Outcome::NotEvaluated,
                resource_kind: Cow::Borrowed(scope.kind.key()),
                resource_id: Cow::Owned(id),
                resource_name: Some(Cow::Owned(format!("every {label} in {where_}"))),
                arn: None,
                region: Cow::Owned(scope.region.clone()),
                account_id: Cow::Owned(model.account_id.clone()),
                message: Cow::Owned(format!("{}: not evaluated for {where_}", r.title)),
                reason: Some(Cow::Owned(scope.reason.clone())),
                in_baseline: false,
            }
        })
        .collect()
}

/// Judges one unit of work.
fn judge_item(plan: &KindPlan, model: &Model, item: &Item) -> Result<Done> {
    let mut done = Done {
        per_rule: vec![Vec::new(); plan.rules.len()],
        notes: Vec::new(),
        evaluations: 0,
    };
    let picked: Vec<&str> = plan.picked.iter().map(String::as_str).collect();
    let root = Context::default();
    let mut notes = Notes::default();
    for index in item.start..item.end {
        let res = &model.resources[index];
        let mut json = vec![None; picked.len()];
        if let (Some(source), false) = (res.source, picked.is_empty()) {
            source.pick(&picked, &mut json);
        }
        let slots = plan.bind(res, &model.account_id, &json);
        // The interpreter's view of the resource, built only if a rule needs it.
        let mut interpreted: Option<Context> = None;
        let unknown = |f: &str| res.unknown_reason(f).map(str::to_string);
        for (k, (_, rule, compiled)) in plan.rules.iter().enumerate() {
            done.evaluations += 1;
            let verdict = compiled.as_ref().and_then(|c| c.judge(&slots));
            let judgement = match verdict {
                Some(Verdict::NotApplicable) => Judgement::NotApplicable,
                Some(Verdict::Pass) => Judgement::Pass,
                Some(Verdict::Fail) => Judgement::Fail,
                Some(Verdict::NotEvaluated) => Judgement::NotEvaluated(reason(rule, &unknown)),
                None => {
                    let scope = interpreted.get_or_insert_with(|| {
                        let (fields, unknown) = res.json_fields(&model.account_id);
                        resource_scope(&root, known_value(&fields, &unknown))
                    });
                    judge(rule, scope, &unknown, &rule.params)?
                }
            };
            let (outcome, note) = match judgement {
                Judgement::NotApplicable => continue,
                Judgement::Pass => (Outcome::Pass, assumed_note(rule, model, index)),
                Judgement::Fail => (Outcome::Fail, assumed_note(rule, model, index)),
                Judgement::NotEvaluated(why) => (Outcome::NotEvaluated, Some(why)),
            };
            let note = match note {
                Some(text) => notes.keep(&mut done.notes, text),
                None => NO_NOTE,
            };
            done.per_rule[k].push(Judged {
                model: u32::try_from(item.model).expect("fewer than 4 billion accounts"),
                resource: u32::try_from(index).expect("fewer than 4 billion resources"),
                outcome,
                in_baseline: false,
                note,
            });
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> crate::snapshot::Snapshot {
        crate::snapshot::parse(include_str!("../../fixtures/demo-account.json")).unwrap()
    }

    #[test]
    fn the_findings_do_not_depend_on_how_the_work_is_split() {
        let snapshot = demo();
        let models = [Model::build(&snapshot)];
        let rules = crate::engine::load_builtin().unwrap();
        let one = evaluate_in(&models, &rules, 1, CHUNK, false).unwrap();
        let many = evaluate_in(&models, &rules, 3, 7, false).unwrap();
        assert_eq!(one.threads, 1);
        assert_eq!(many.threads, 3);
        assert_eq!(one.evaluations, many.evaluations);
        let json = |e: &Judgements| serde_json::to_string(&e.iter().collect::<Vec<_>>()).unwrap();
        assert_eq!(json(&one), json(&many));
    }

    #[test]
    fn every_builtin_rule_compiles() {
        let rules = crate::engine::load_builtin().unwrap();
        let mut names: Vec<String> = Vec::new();
        let missing: Vec<&str> = rules
            .rules
            .iter()
            .filter(|r| {
                Compiled::of(r, &r.params_json, &mut |n: &str| {
                    names.push(n.to_string());
                    u16::try_from(names.len() - 1).ok()
                })
                .is_none()
            })
            .map(|r| r.rule.id.as_str())
            .collect();
        assert_eq!(missing, Vec::<&str>::new(), "left to the interpreter");
    }

    #[test]
    fn a_message_says_unknown_for_a_field_that_could_not_be_read() {
        let mut snapshot = demo();
        let bucket = &mut snapshot.s3.buckets[0];
        bucket.region = String::new();
        bucket.unreadable.insert(
            "region".into(),
            "GetBucketLocation failed: AccessDenied: denied".into(),
        );
        let name = bucket.name.clone();
        let models = [Model::build(&snapshot)];
        let rules = crate::engine::load_builtin().unwrap();
        let judged = evaluate_in(&models, &rules, 1, CHUNK, false).unwrap();
        // Object Lock does not depend on the region: still judged, and the message says
        // which part is unknown rather than printing an empty value.
        let lock = judged
            .iter()
            .find(|f| f.rule_id == "HA-S3-003" && f.resource_id == name)
            .expect("HA-S3-003 judges the bucket");
        assert_eq!(lock.outcome, Outcome::Fail, "{lock:?}");
        assert!(lock.message.contains("(unknown)"), "{}", lock.message);
    }
}
