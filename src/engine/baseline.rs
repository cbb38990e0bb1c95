//! Comparing findings with an earlier report's: `scan --baseline` (gate only on what is new)
//! and `ha-audit diff` (new, resolved and unchanged failures).

use super::finding::{Finding, Outcome, OwnedFinding};
use serde::Serialize;
use std::collections::BTreeSet;

/// The identities (rule, account, region, kind, resource id) that failed in `baseline`.
pub fn failing_identities(baseline: &[OwnedFinding]) -> BTreeSet<(&str, &str, &str, &str, &str)> {
    baseline
        .iter()
        .filter(|f| f.outcome == Outcome::Fail)
        .map(|f| f.identity())
        .collect()
}

/// Marks the failing findings that already failed in `baseline`.
pub fn mark(findings: &mut [Finding], baseline: &[OwnedFinding]) {
    let known = failing_identities(baseline);
    for f in findings.iter_mut().filter(|f| f.outcome == Outcome::Fail) {
        f.in_baseline = known.contains(&f.identity());
    }
}

#[derive(Debug, Serialize)]
pub struct Diff<'a> {
    /// Failing now, not failing before.
    pub new: Vec<Finding<'a>>,
    /// Failing before, not failing now (fixed, suppressed, or gone).
    pub resolved: Vec<Finding<'a>>,
    /// Failing in both.
    pub unchanged: Vec<Finding<'a>>,
}

pub fn diff<'a>(old: &[Finding<'a>], new: &[Finding<'a>]) -> Diff<'a> {
    let failing = |v: &[Finding<'a>]| -> Vec<Finding<'a>> {
        v.iter()
            .filter(|f| f.outcome == Outcome::Fail)
            .cloned()
            .collect()
    };
    let (old, new) = (failing(old), failing(new));
    let old_ids: BTreeSet<_> = old.iter().map(|f| f.identity()).collect();
    let new_ids: BTreeSet<_> = new.iter().map(|f| f.identity()).collect();
    let mut d = Diff {
        new: new
            .iter()
            .filter(|f| !old_ids.contains(&f.identity()))
            .cloned()
            .collect(),
        resolved: old
            .iter()
            .filter(|f| !new_ids.contains(&f.identity()))
            .cloned()
            .collect(),
        unchanged: new
            .iter()
            .filter(|f| old_ids.contains(&f.identity()))
            .cloned()
            .collect(),
    };
    for list in [&mut d.new, &mut d.resolved, &mut d.unchanged] {
        list.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    }
    d
}
