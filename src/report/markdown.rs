//! A Markdown summary for pull requests and CI job pages: counts first, then the failing
//! findings by severity, what could not be evaluated, and coverage gaps.

use super::Report;
use crate::engine::{Finding, Outcome, Severity};
use std::fmt::Write;

/// Rows per table before the rest is summarised: job summaries have size limits.
const MAX_ROWS: usize = 200;

pub fn render(r: &Report) -> String {
    let s = &r.summary;
    let mut out = String::new();
    let verdict = if s.fail == 0 { "✅" } else { "❌" };
    let _ = writeln!(
        out,
        "## {verdict} ha-audit: {} failing, {} passing, {} suppressed, {} not evaluated\n",
        s.fail, s.pass, s.suppressed, s.not_evaluated
    );
    let _ = writeln!(
        out,
        "Account {} · regions {} · snapshot {}\n",
        match r.single_account() {
            Some(one) => format!("`{one}`"),
            None => format!(
                "{} accounts: {}",
                r.accounts.len(),
                r.accounts
                    .iter()
                    .map(|a| format!("`{}`", a.account_id))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
        if r.regions.is_empty() {
            "none".to_string()
        } else {
            r.regions
                .iter()
                .map(|x| format!("`{x}`"))
                .collect::<Vec<_>>()
                .join(", ")
        },
        r.taken_at
    );
    let sev: Vec<String> = Severity::ALL
        .iter()
        .map(|v| {
            format!(
                "{} {}",
                s.fail_by_severity.get(v.as_str()).copied().unwrap_or(0),
                v.as_str()
            )
        })
        .collect();
    let _ = writeln!(out, "Failing by severity: {}.\n", sev.join(", "));
    let score = super::score::Score::of_report(r);
    let o = &score.overall;
    let _ = writeln!(
        out,
        "**Resilience score: {}** of 100 · coverage {}{} (failing weight {} of {}; by region: {}; \
         by service: {})\n",
        o.score.text(),
        o.coverage.text(),
        if o.coverage.0.is_some() { "%" } else { "" },
        o.failing_weight,
        o.judged_weight,
        cell(&super::score::breakdown(&score.by_region)),
        cell(&super::score::breakdown(&score.by_service)),
    );
    if score.by_account.len() > 1 {
        let _ = writeln!(
            out,
            "By account: {}\n",
            cell(&super::score::breakdown(&score.by_account))
        );
    }

    let failing: Vec<&Finding> = Severity::ALL
        .iter()
        .flat_map(|v| {
            r.findings
                .iter()
                .filter(move |f| f.outcome == Outcome::Fail && f.severity == *v)
        })
        .collect();
    if !failing.is_empty() {
        out.push_str("### Failing\n\n| Severity | Rule | Resource | Region | Finding |\n|---|---|---|---|---|\n");
        for f in failing.iter().take(MAX_ROWS) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                f.severity.as_str(),
                f.rule_id,
                cell(&label(r, f)),
                f.region,
                cell(&f.message)
            );
        }
        more(&mut out, failing.len());
    }
    reason_section(
        &mut out,
        r,
        Outcome::NotEvaluated,
        "\n### Not evaluated\n\nThese were not judged: neither passes nor fails.\n\n",
    );
    reason_section(&mut out, r, Outcome::Suppressed, "\n### Suppressed\n\n");
    let gaps: Vec<_> = r
        .coverage
        .iter()
        .filter(|c| !c.coverage.is_complete())
        .collect();
    if !gaps.is_empty() {
        out.push_str("\n### Coverage gaps\n\n");
        for ac in gaps {
            let c = &ac.coverage;
            let account = if r.single_account().is_some() {
                String::new()
            } else {
                format!("{} ", ac.account_id)
            };
            for e in &c.errors {
                if e.is_plan_gap() {
                    let _ = writeln!(
                        out,
                        "- {account}`{}` {}: {}",
                        c.service,
                        c.region,
                        cell(&e.reason())
                    );
                    continue;
                }
                let _ = writeln!(
                    out,
                    "- {account}`{}` {}: {} failed: {} (needs `{}`)",
                    c.service,
                    c.region,
                    e.operation,
                    cell(&format!("{}: {}", e.code, e.message)),
                    e.iam_action
                );
            }
        }
    }
    out
}

/// A heading and a table of the findings with `outcome` and their reasons; nothing when none.
fn reason_section(out: &mut String, r: &Report, outcome: Outcome, heading: &str) {
    let findings: Vec<&Finding> = r.findings.iter().filter(|f| f.outcome == outcome).collect();
    if findings.is_empty() {
        return;
    }
    out.push_str(heading);
    out.push_str("| Rule | Resource | Region | Reason |\n|---|---|---|---|\n");
    for f in findings.iter().take(MAX_ROWS) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            f.rule_id,
            cell(&label(r, f)),
            f.region,
            cell(f.reason.as_deref().unwrap_or(""))
        );
    }
    more(out, findings.len());
}

/// The resource, prefixed with its account when the report covers several.
fn label(r: &Report, f: &Finding) -> String {
    let name = f
        .resource_name
        .as_deref()
        .unwrap_or(&f.resource_id)
        .to_string();
    if r.single_account().is_some() {
        name
    } else {
        format!("{} / {name}", f.account_id)
    }
}

/// Keeps a value inside one table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn more(out: &mut String, total: usize) {
    if total > MAX_ROWS {
        let _ = writeln!(
            out,
            "\n…and {} more (see the JSON or SARIF report).",
            total - MAX_ROWS
        );
    }
}
