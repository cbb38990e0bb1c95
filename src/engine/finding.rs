use super::Severity;
use serde::{Deserialize, Serialize};

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: String,
    pub rule_name: String,
    pub severity: Severity,
    pub outcome: Outcome,
    pub resource_kind: String,
    /// Short id of the resource; `*` when the finding covers a scope that could not be listed.
    pub resource_id: String,
    #[serde(default)]
    pub resource_name: Option<String>,
    /// ARN of the resource (or an ARN-shaped identifier for resources without one).
    #[serde(default)]
    pub arn: Option<String>,
    pub region: String,
    pub account_id: String,
    pub message: String,
    /// Why the resource could not be judged (not_evaluated) or was suppressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// A failing finding already present in the `--baseline` report: shown, but not gated on.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub in_baseline: bool,
}

impl Finding {
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
    pub fn of(findings: &[Finding]) -> Summary {
        let mut s = Summary::default();
        for sev in Severity::ALL {
            s.fail_by_severity.insert(sev.as_str().to_string(), 0);
        }
        for f in findings {
            match f.outcome {
                Outcome::Pass => s.pass += 1,
                Outcome::Fail => {
                    s.fail += 1;
                    s.fail_in_baseline += usize::from(f.in_baseline);
                    *s.fail_by_severity
                        .entry(f.severity.as_str().to_string())
                        .or_default() += 1;
                }
                Outcome::Suppressed => s.suppressed += 1,
                Outcome::NotEvaluated => s.not_evaluated += 1,
            }
        }
        s
    }
}
