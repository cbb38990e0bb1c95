use super::Severity;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Fail,
    NotEvaluated,
    Suppressed,
    Pass,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Suppressed => "suppressed",
            Outcome::NotEvaluated => "not_evaluated",
        }
    }
}

/// The outcome of one rule for one resource (or for a whole scope that could not be read).
/// Its text borrows from the rules and the model where it can: an evaluation of a million
/// resources hands out findings without copying their identifiers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding<'a> {
    pub rule_id: Cow<'a, str>,
    pub rule_name: Cow<'a, str>,
    pub severity: Severity,
    pub outcome: Outcome,
    pub resource_kind: Cow<'a, str>,
    /// Short id of the resource; `*` when the finding covers a scope that could not be listed.
    pub resource_id: Cow<'a, str>,
    #[serde(default)]
    pub resource_name: Option<Cow<'a, str>>,
    /// ARN of the resource (or an ARN-shaped identifier for resources without one).
    #[serde(default)]
    pub arn: Option<Cow<'a, str>>,
    pub region: Cow<'a, str>,
    pub account_id: Cow<'a, str>,
    pub message: Cow<'a, str>,
    /// Why the resource could not be judged (not_evaluated) or was suppressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Cow<'a, str>>,
    /// A failing finding already present in the `--baseline` report: shown, but not gated on.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_baseline: bool,
}

/// A finding that owns its text (read from a report file, or kept past the model).
pub type OwnedFinding = Finding<'static>;

impl Finding<'_> {
    /// The same finding, owning its text.
    pub fn into_owned(self) -> OwnedFinding {
        let own = |c: Cow<'_, str>| Cow::Owned(c.into_owned());
        Finding {
            rule_id: own(self.rule_id),
            rule_name: own(self.rule_name),
            severity: self.severity,
            outcome: self.outcome,
            resource_kind: own(self.resource_kind),
            resource_id: own(self.resource_id),
            resource_name: self.resource_name.map(own),
            arn: self.arn.map(own),
            region: own(self.region),
            account_id: own(self.account_id),
            message: own(self.message),
            reason: self.reason.map(own),
            in_baseline: self.in_baseline,
        }
    }

    /// What identifies a finding across runs: the rule and the resource, not the wording.
    pub fn identity(&self) -> (&str, &str, &str, &str, &str) {
        (
            &self.rule_id,
            &self.account_id,
            &self.region,
            &self.resource_kind,
            &self.resource_id,
        )
    }

    /// Total order used by every report, so outputs are deterministic.
    pub fn sort_key(&self) -> (&str, &str, &str, &str, &str) {
        (
            &self.rule_id,
            &self.account_id,
            &self.region,
            &self.resource_kind,
            &self.resource_id,
        )
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub pass: usize,
    pub fail: usize,
    pub suppressed: usize,
    pub not_evaluated: usize,
    /// Failing findings already present in the baseline (counted in `fail` too).
    #[serde(default)]
    pub fail_in_baseline: usize,
    /// Failing findings per severity.
    pub fail_by_severity: std::collections::BTreeMap<String, usize>,
}

impl Summary {
    pub fn of<'f, 'a: 'f>(findings: impl IntoIterator<Item = &'f Finding<'a>>) -> Summary {
        let mut s = Summary::empty();
        for f in findings {
            s.add(f.outcome, f.severity, f.in_baseline);
        }
        s
    }

    /// No finding yet, every severity at zero.
    pub fn empty() -> Summary {
        let mut s = Summary::default();
        for sev in Severity::ALL {
            s.fail_by_severity.insert(sev.as_str().to_string(), 0);
        }
        s
    }

    /// Counts one finding.
    pub fn add(&mut self, outcome: Outcome, severity: Severity, in_baseline: bool) {
        match outcome {
            Outcome::Pass => self.pass += 1,
            Outcome::Fail => {
                self.fail += 1;
                self.fail_in_baseline += usize::from(in_baseline);
                *self
                    .fail_by_severity
                    .entry(severity.as_str().to_string())
                    .or_default() += 1;
            }
            Outcome::Suppressed => self.suppressed += 1,
            Outcome::NotEvaluated => self.not_evaluated += 1,
        }
    }
}
