//! Every (rule, resource) outcome of a scan, kept compact: a few bytes per outcome that point
//! into the rules and the models, in report order. A finding's text (its message, its
//! identifiers) is produced when a report asks for it, and borrowed wherever it can be.

use super::finding::{Finding, Outcome, Summary};
use super::loader::{CompiledRule, RuleSet};
use super::message::render_with;
use super::suppress::{decide, Decision, Suppression, Target};
use super::Severity;
use crate::model::{Model, Resource};
use std::borrow::Cow;
use std::collections::BTreeSet;

/// One rule's outcome for one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Judged {
    /// The model (account) the resource belongs to.
    pub model: u32,
    /// The resource's index in its model.
    pub resource: u32,
    pub outcome: Outcome,
    /// Failing in the `--baseline` report too.
    pub in_baseline: bool,
    /// Index of the reason in [`Judgements::notes`], or [`NO_NOTE`].
    pub note: u32,
}

pub const NO_NOTE: u32 = u32::MAX;

/// A finding about a whole scope that could not be listed (`resource_id` `*`, or the part
/// of the region that was not read).
pub type ScopeFinding = Finding<'static>;

/// The outcomes of a scan, rule by rule.
pub struct Judgements<'m> {
    pub models: &'m [Model<'m>],
    pub rules: &'m RuleSet,
    /// Per rule (in `rules` order): its outcomes, by account, region and resource id.
    pub per_rule: Vec<Vec<Judged>>,
    /// Per rule: its findings about scopes that could not be listed, in the same order.
    pub scopes: Vec<Vec<ScopeFinding>>,
    /// Reasons: why a resource was not evaluated, or suppressed; each kept once.
    pub notes: Vec<String>,
    /// Where each reason of `notes` is.
    pub(super) note_index: Notes,
    /// (rule, resource) pairs judged, `applies` exclusions included.
    pub evaluations: usize,
    /// Worker threads that shared the judging.
    pub threads: usize,
}

/// Where a finding is: a judged resource, or a scope finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    Judged(usize),
    Scope(usize),
}

impl<'m> Judgements<'m> {
    /// The findings of rule `r` in report order: its judged resources and its scope
    /// findings, merged by account, region and resource id.
    pub fn rows(&self, r: usize) -> Vec<Row> {
        let (judged, scopes) = (&self.per_rule[r], &self.scopes[r]);
        if scopes.is_empty() {
            return (0..judged.len()).map(Row::Judged).collect();
        }
        let key = |row: Row| -> (&str, &str, &str) {
            match row {
                Row::Judged(i) => {
                    let j = judged[i];
                    let m = &self.models[j.model as usize];
                    let res = &m.resources[j.resource as usize];
                    (&m.account_id, &res.region, &res.id)
                }
                Row::Scope(i) => {
                    let s = &scopes[i];
                    (&s.account_id, &s.region, &s.resource_id)
                }
            }
        };
        let mut out: Vec<Row> = (0..judged.len())
            .map(Row::Judged)
            .chain((0..scopes.len()).map(Row::Scope))
            .collect();
        out.sort_by(|a, b| key(*a).cmp(&key(*b)));
        out
    }

    /// Every finding, in report order (rule, account, region, kind, resource id).
    pub fn iter(&self) -> impl Iterator<Item = Finding<'_>> + '_ {
        (0..self.rules.rules.len()).flat_map(move |r| {
            self.rows(r)
                .into_iter()
                .map(move |row| self.finding(r, row))
        })
    }

    /// How many findings there are.
    pub fn len(&self) -> usize {
        self.per_rule.iter().map(Vec::len).sum::<usize>()
            + self.scopes.iter().map(Vec::len).sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The counts of each outcome, without building any finding.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::empty();
        for (r, rule) in self.rules.rules.iter().enumerate() {
            for j in &self.per_rule[r] {
                s.add(j.outcome, rule.rule.severity, j.in_baseline);
            }
            for f in &self.scopes[r] {
                s.add(f.outcome, f.severity, f.in_baseline);
            }
        }
        s
    }

    /// What a score reads of each finding (no message is rendered): outcome, severity,
    /// account, region and kind.
    pub fn scored(
        &self,
    ) -> impl Iterator<Item = (Outcome, crate::engine::Severity, &str, &str, &str)> + '_ {
        self.rules
            .rules
            .iter()
            .enumerate()
            .flat_map(move |(r, rule)| {
                let judged = self.per_rule[r].iter().map(move |j| {
                    let m = &self.models[j.model as usize];
                    let res = &m.resources[j.resource as usize];
                    (
                        j.outcome,
                        rule.rule.severity,
                        m.account_id.as_str(),
                        res.region.as_ref(),
                        res.kind.key(),
                    )
                });
                let scopes = self.scopes[r].iter().map(|f| {
                    (
                        f.outcome,
                        f.severity,
                        f.account_id.as_ref(),
                        f.region.as_ref(),
                        f.resource_kind.as_ref(),
                    )
                });
                judged.chain(scopes)
            })
    }

    /// The finding at `row` of rule `r`.
    pub fn finding(&self, r: usize, row: Row) -> Finding<'_> {
        match row {
            Row::Scope(i) => {
                let f = &self.scopes[r][i];
                Finding {
                    rule_id: Cow::Borrowed(&f.rule_id),
                    rule_name: Cow::Borrowed(&f.rule_name),
                    severity: f.severity,
                    outcome: f.outcome,
                    resource_kind: Cow::Borrowed(&f.resource_kind),
                    resource_id: Cow::Borrowed(&f.resource_id),
                    resource_name: f.resource_name.as_deref().map(Cow::Borrowed),
                    arn: f.arn.as_deref().map(Cow::Borrowed),
                    region: Cow::Borrowed(&f.region),
                    account_id: Cow::Borrowed(&f.account_id),
                    message: Cow::Borrowed(&f.message),
                    reason: f.reason.as_deref().map(Cow::Borrowed),
                    in_baseline: f.in_baseline,
                }
            }
            Row::Judged(i) => {
                let j = self.per_rule[r][i];
                let rule = &self.rules.rules[r];
                let model = &self.models[j.model as usize];
                let res = &model.resources[j.resource as usize];
                let message = match j.outcome {
                    Outcome::Pass => match &rule.rule.pass_message {
                        Some(template) => {
                            Cow::Owned(render_with(template, &rule.params_json, |f| {
                                res.field_json(f, &model.account_id)
                            }))
                        }
                        None => Cow::Borrowed(rule.pass_message.as_str()),
                    },
                    Outcome::NotEvaluated => Cow::Borrowed(rule.not_evaluated_message.as_str()),
                    // A suppressed finding keeps the message it failed with.
                    Outcome::Fail | Outcome::Suppressed => {
                        Cow::Owned(failure_message(rule, res, &model.account_id))
                    }
                };
                Finding {
                    rule_id: Cow::Borrowed(&rule.rule.id),
                    rule_name: Cow::Borrowed(&rule.rule.name),
                    severity: rule.rule.severity,
                    outcome: j.outcome,
                    resource_kind: Cow::Borrowed(res.kind.key()),
                    resource_id: Cow::Borrowed(&res.id),
                    resource_name: res.name.as_deref().map(Cow::Borrowed),
                    arn: Some(Cow::Borrowed(&res.arn)),
                    region: Cow::Borrowed(&res.region),
                    account_id: Cow::Borrowed(&model.account_id),
                    message,
                    reason: (j.note != NO_NOTE)
                        .then(|| Cow::Borrowed(self.notes[j.note as usize].as_str())),
                    in_baseline: j.in_baseline,
                }
            }
        }
    }

    /// Suppresses the failing findings an active suppression matches, as of `today`. Returns
    /// one warning per expired suppression that would otherwise have matched.
    pub fn apply_suppressions(
        &mut self,
        suppressions: &[Suppression],
        today: chrono::NaiveDate,
    ) -> Vec<String> {
        let mut warnings = Vec::new();
        if suppressions.is_empty() {
            return warnings;
        }
        for r in 0..self.per_rule.len() {
            let rule = &self.rules.rules[r].rule;
            for i in 0..self.per_rule[r].len() {
                let j = self.per_rule[r][i];
                if j.outcome != Outcome::Fail {
                    continue;
                }
                let res = &self.models[j.model as usize].resources[j.resource as usize];
                let target = Target {
                    rule_id: &rule.id,
                    resource_id: &res.id,
                    arn: Some(&res.arn),
                    resource_name: res.name.as_deref(),
                };
                let (outcome, note) = match decide(&target, suppressions, today) {
                    Some(Decision::Suppressed(reason)) => (Outcome::Suppressed, reason),
                    Some(Decision::Expired { reason, warning }) => {
                        warnings.push(warning);
                        (Outcome::Fail, reason)
                    }
                    None => continue,
                };
                let note = self.note(note);
                let j = &mut self.per_rule[r][i];
                j.outcome = outcome;
                j.note = note;
            }
        }
        warnings
    }

    /// Marks the failing findings whose identity (rule, account, region, kind, resource id)
    /// is in `baseline`.
    pub fn mark_baseline(&mut self, baseline: &BTreeSet<(&str, &str, &str, &str, &str)>) {
        for (r, rule) in self.rules.rules.iter().enumerate() {
            for j in self.per_rule[r]
                .iter_mut()
                .filter(|j| j.outcome == Outcome::Fail)
            {
                let m = &self.models[j.model as usize];
                let res = &m.resources[j.resource as usize];
                let id = (
                    rule.rule.id.as_str(),
                    m.account_id.as_str(),
                    res.region.as_ref(),
                    res.kind.key(),
                    res.id.as_ref(),
                );
                j.in_baseline = baseline.contains(&id);
            }
            for f in self.scopes[r]
                .iter_mut()
                .filter(|f| f.outcome == Outcome::Fail)
            {
                f.in_baseline = baseline.contains(&f.identity());
            }
        }
    }

    /// Keeps only the failing findings whose identity (rule, account, region, kind, resource
    /// id) is not in `earlier`, and those in it that `worsened` says got worse (rule index,
    /// resource, account -> how, which the finding's reason then says): what a change
    /// introduces or worsens (`scan --changes-only`).
    pub fn keep_new_failures(
        &mut self,
        earlier: &BTreeSet<(&str, &str, &str, &str, &str)>,
        worsened: impl Fn(usize, &Resource, &str) -> Option<String>,
    ) {
        for (r, rule) in self.rules.rules.iter().enumerate() {
            let models = self.models;
            let mut kept = Vec::with_capacity(self.per_rule[r].len());
            for mut j in std::mem::take(&mut self.per_rule[r]) {
                let m = &models[j.model as usize];
                let res = &m.resources[j.resource as usize];
                if j.outcome != Outcome::Fail {
                    continue;
                }
                let was_failing = earlier.contains(&(
                    rule.rule.id.as_str(),
                    m.account_id.as_str(),
                    res.region.as_ref(),
                    res.kind.key(),
                    res.id.as_ref(),
                ));
                if was_failing {
                    let Some(how) = worsened(r, res, &m.account_id) else {
                        continue;
                    };
                    let reason = if j.note == NO_NOTE {
                        how
                    } else {
                        format!("{how}; {}", self.notes[j.note as usize])
                    };
                    j.note = self.note(reason);
                }
                kept.push(j);
            }
            self.per_rule[r] = kept;
            self.scopes[r].clear();
        }
    }

    /// Whether a failing finding, not in the baseline, has `threshold`'s severity or higher.
    pub fn fails_at_or_above(&self, threshold: Severity) -> bool {
        self.rules.rules.iter().enumerate().any(|(r, rule)| {
            (rule.rule.severity >= threshold
                && self.per_rule[r]
                    .iter()
                    .any(|j| j.outcome == Outcome::Fail && !j.in_baseline))
                || self.scopes[r].iter().any(|f| {
                    f.outcome == Outcome::Fail && !f.in_baseline && f.severity >= threshold
                })
        })
    }

    /// Keeps a reason (once) and returns its index.
    pub fn note(&mut self, text: String) -> u32 {
        self.note_index.keep(&mut self.notes, text)
    }
}

/// A failing finding's message: the rule's template with the resource's fields, and "unknown"
/// for a field that could not be read.
pub fn failure_message(rule: &CompiledRule, res: &Resource, account_id: &str) -> String {
    render_with(&rule.rule.message, &rule.params_json, |field| {
        res.field_json(field, account_id)
    })
}

/// Reasons kept once each: a whole region's resources often share one ("backup was not
/// collected in us-east-1"), and a million copies of it would be most of the outcomes' memory.
#[derive(Default)]
pub(super) struct Notes {
    /// Hash of a reason -> its index in the list; a collision just keeps a second copy.
    by_hash: std::collections::HashMap<u64, u32>,
}

impl Notes {
    /// The index of `text` in `list`, added if it is not there yet.
    pub(super) fn keep(&mut self, list: &mut Vec<String>, text: String) -> u32 {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one(&text);
        if let Some(&i) = self.by_hash.get(&hash) {
            if list[i as usize] == text {
                return i;
            }
        }
        list.push(text);
        let i = u32::try_from(list.len() - 1).expect("fewer than 4 billion reasons");
        self.by_hash.insert(hash, i);
        i
    }
}
