//! Comparing findings with an earlier JSON report: `scan --baseline` (gate only on what is
//! new) and `ha-audit diff` (new, resolved and unchanged failures).

use super::finding::{Finding, Outcome};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

/// The part of a JSON report that a comparison needs.
#[derive(Debug, Deserialize)]
pub struct ReportFindings {
    pub schema_version: u32,
    #[serde(default)]
    pub taken_at: String,
    pub findings: Vec<Finding>,
}

/// Reads a JSON report written by `scan --format json`.
pub fn load_report(path: &Path) -> Result<ReportFindings> {
    let err = |detail: String| Error::Input {
        path: path.to_path_buf(),
        detail,
    };
    let text = crate::error::read_text(path, "report")?;
    let report: ReportFindings = serde_json::from_str(&text).map_err(|e| {
        err(format!(
            "line {}, column {}: not an ha-audit JSON report (scan --format json): {e}",
            e.line(),
            e.column()
        ))
    })?;
    if report.schema_version != crate::report::REPORT_SCHEMA_VERSION {
        return Err(err(format!(
            "field `schema_version`: report schema version {}, this ha-audit reads {}",
            report.schema_version,
            crate::report::REPORT_SCHEMA_VERSION
        )));
    }
    Ok(report)
}

/// Marks the failing findings that already failed in `baseline`.
pub fn mark(findings: &mut [Finding], baseline: &[Finding]) {
    let known: BTreeSet<_> = baseline
        .iter()
        .filter(|f| f.outcome == Outcome::Fail)
        .map(|f| f.identity())
        .collect();
    for f in findings.iter_mut().filter(|f| f.outcome == Outcome::Fail) {
        f.in_baseline = known.contains(&f.identity());
    }
}

#[derive(Debug, Serialize)]
pub struct Diff {
    /// Failing now, not failing before.
    pub new: Vec<Finding>,
    /// Failing before, not failing now (fixed, suppressed, or gone).
    pub resolved: Vec<Finding>,
    /// Failing in both.
    pub unchanged: Vec<Finding>,
}

pub fn diff(old: &[Finding], new: &[Finding]) -> Diff {
    let failing = |v: &[Finding]| -> Vec<Finding> {
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
