//! The terminal report: failing findings grouped by severity, what could not be evaluated and
//! why, coverage problems, and the counts of all four outcomes.

use super::{RenderOptions, Report};
use crate::engine::{Finding, Outcome, Severity};
use comfy_table::{
    presets, Attribute, Cell, Color, ColumnConstraint, ContentArrangement, Table, Width,
};
use std::fmt::Write;

pub fn render(r: &Report, opts: &RenderOptions) -> String {
    let mut out = String::new();
    let regions = if r.regions.is_empty() {
        "none".to_string()
    } else {
        r.regions.join(", ")
    };
    let _ = writeln!(
        out,
        "ha-audit {} · account {} · regions {} · snapshot {}\n",
        env!("CARGO_PKG_VERSION"),
        r.accounts_label(),
        regions,
        r.taken_at
    );

    // Several accounts: every row says which one it is about.
    let several = r.single_account().is_none();
    let failing: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.outcome == Outcome::Fail)
        .collect();
    if failing.is_empty() {
        out.push_str("No failing findings.\n\n");
    } else {
        let mut t = new_table(opts);
        let columns: &[&str] = if several {
            &[
                "SEVERITY", "RULE", "RESOURCE", "ACCOUNT", "REGION", "FINDING",
            ]
        } else {
            &["SEVERITY", "RULE", "RESOURCE", "REGION", "FINDING"]
        };
        t.set_header(header(columns, opts));
        for sev in Severity::ALL {
            let of_sev: Vec<&Finding> = failing
                .iter()
                .filter(|f| f.severity == sev)
                .copied()
                .collect();
            for group in fold(&of_sev, opts.expand) {
                let f = group[0];
                let rule = if f.in_baseline {
                    format!("{} (baseline)", f.rule_id)
                } else {
                    f.rule_id.to_string()
                };
                let (resource, region, message) = if group.len() == 1 {
                    // A plan's failure says what it assumed or how the change made it worse.
                    let message = match f.reason.as_deref().filter(|w| !w.is_empty()) {
                        Some(why) => format!("{} ({why})", f.message),
                        None => f.message.to_string(),
                    };
                    (resource_label(f), f.region.to_string(), message)
                } else {
                    folded_row(&group)
                };
                let mut row = vec![
                    severity_cell(sev, opts),
                    Cell::new(rule),
                    Cell::new(resource),
                    Cell::new(region),
                    Cell::new(message),
                ];
                if several {
                    row.insert(3, Cell::new(&f.account_id));
                }
                t.add_row(row);
            }
        }
        // The finding is what is read; names and regions are looked up. Left to share the
        // width equally, long resource names squeeze the finding to a third of a narrow
        // terminal and every row wraps to six lines.
        let n = t.column_count();
        for (i, pct) in [(n - 3, 22), (n - 2, 11)] {
            if let Some(c) = t.column_mut(i) {
                c.set_constraint(ColumnConstraint::UpperBoundary(Width::Percentage(pct)));
            }
        }
        let _ = writeln!(out, "{t}\n");
    }

    if opts.show_not_evaluated {
        reason_section(
            &mut out,
            r,
            Outcome::NotEvaluated,
            "Not evaluated ({}): these were not judged, so they are neither passes nor fails.",
            opts,
        );
    } else {
        not_evaluated_by_reason(&mut out, r, opts);
    }
    reason_section(
        &mut out,
        r,
        Outcome::Suppressed,
        "Suppressed ({}): failing, but accepted in the configuration.",
        opts,
    );

    let incomplete: Vec<_> = r
        .coverage
        .iter()
        .filter(|c| !c.coverage.is_complete())
        .collect();
    let _ = writeln!(
        out,
        "Coverage: {} of {} service scopes read completely.",
        r.coverage.len() - incomplete.len(),
        r.coverage.len()
    );
    for ac in incomplete {
        let c = &ac.coverage;
        let account = if several {
            format!("{} ", ac.account_id)
        } else {
            String::new()
        };
        for e in &c.errors {
            let target = e
                .resource
                .as_deref()
                .map(|x| format!(" ({x})"))
                .unwrap_or_default();
            let line = if e.is_cut_short() || e.is_plan_gap() {
                format!("{}{target}: {}", e.operation, e.message)
            } else {
                format!(
                    "{}{target} failed: {}: {} [needs {}]",
                    e.operation, e.code, e.message, e.iam_action
                )
            };
            let _ = writeln!(out, "  {account}{} {}: {line}", c.service, c.region);
        }
    }
    let cut: Vec<&crate::snapshot::CollectError> = r
        .coverage
        .iter()
        .flat_map(|c| &c.coverage.errors)
        .filter(|e| e.is_cut_short())
        .collect();
    if !cut.is_empty() {
        let count = |code: &str| cut.iter().filter(|e| e.code == code).count();
        let (breaker, deadline) = (
            count(crate::snapshot::CIRCUIT_OPEN),
            count(crate::snapshot::DEADLINE),
        );
        let mut parts = Vec::new();
        if breaker > 0 {
            parts.push(format!(
                "{breaker} not sent because their endpoint or operation kept failing"
            ));
        }
        if deadline > 0 {
            parts.push(format!("{deadline} stopped by the scan deadline"));
        }
        let _ = writeln!(out, "Cut short: {} (calls or listings).", parts.join(", "));
    }

    let s = &r.summary;
    let by_sev: Vec<String> = Severity::ALL
        .iter()
        .map(|sev| {
            format!(
                "{} {}",
                s.fail_by_severity.get(sev.as_str()).copied().unwrap_or(0),
                sev.as_str()
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "\n{} fail ({}) · {} pass · {} suppressed · {} not evaluated",
        s.fail,
        by_sev.join(", "),
        s.pass,
        s.suppressed,
        s.not_evaluated
    );
    if s.fail_in_baseline > 0 {
        let _ = writeln!(
            out,
            "{} of the failures are already in the baseline; {} are new.",
            s.fail_in_baseline,
            s.fail - s.fail_in_baseline
        );
    }
    score_lines(&mut out, r);
    out
}

/// A rule's failures are folded into one row when it fails on more resources than this
/// (unless `--expand`): the table stays about a screenful per severity.
const FOLD_OVER: usize = 3;

/// The rows of one severity: each finding alone, or one rule's findings together when there
/// are many, in the order the rules first appear.
fn fold<'a, 'f>(findings: &[&'f Finding<'a>], expand: bool) -> Vec<Vec<&'f Finding<'a>>> {
    let mut groups: Vec<Vec<&Finding>> = Vec::new();
    for f in findings {
        match groups
            .iter_mut()
            .find(|g| g[0].rule_id == f.rule_id && g[0].in_baseline == f.in_baseline)
        {
            Some(g) => g.push(f),
            None => groups.push(vec![f]),
        }
    }
    let mut rows = Vec::new();
    for g in groups {
        if expand || g.len() <= FOLD_OVER {
            rows.extend(g.into_iter().map(|f| vec![f]));
        } else {
            rows.push(g);
        }
    }
    rows
}

/// RESOURCE, REGION and FINDING of a folded row.
fn folded_row(group: &[&Finding]) -> (String, String, String) {
    let names: Vec<String> = group.iter().take(3).map(|f| resource_label(f)).collect();
    let mut regions: Vec<&str> = group.iter().map(|f| f.region.as_ref()).collect();
    regions.sort_unstable();
    regions.dedup();
    (
        format!("{} resources: {}, ...", group.len(), names.join(", ")),
        regions.join(", "),
        format!(
            "{} (and {} more like it; --expand lists each)",
            group[0].message,
            group.len() - 1
        ),
    )
}

/// What could not be judged, one line per reason with how many findings and which rules it
/// affects; `--show-not-evaluated` lists them one by one.
fn not_evaluated_by_reason(out: &mut String, r: &Report, opts: &RenderOptions) {
    let mut reasons: Vec<(&str, usize, Vec<&str>)> = Vec::new();
    let mut total = 0;
    for f in r
        .findings
        .iter()
        .filter(|f| f.outcome == Outcome::NotEvaluated)
    {
        total += 1;
        let reason = f.reason.as_deref().unwrap_or("");
        let i = match reasons.iter().position(|x| x.0 == reason) {
            Some(i) => i,
            None => {
                reasons.push((reason, 0, Vec::new()));
                reasons.len() - 1
            }
        };
        reasons[i].1 += 1;
        if !reasons[i].2.contains(&f.rule_id.as_ref()) {
            reasons[i].2.push(&f.rule_id);
        }
    }
    if total == 0 {
        return;
    }
    // Most findings first; then as they came.
    reasons.sort_by_key(|r| std::cmp::Reverse(r.1));
    let _ = writeln!(
        out,
        "Not evaluated ({total}, {} reason(s)): these were not judged, so they are neither passes nor fails. --show-not-evaluated lists each.",
        reasons.len()
    );
    let mut t = new_table(opts);
    t.set_header(header(&["COUNT", "RULES", "REASON"], opts));
    for (reason, count, rules) in reasons {
        let shown: Vec<&str> = rules.iter().take(6).copied().collect();
        let more = rules.len().saturating_sub(shown.len());
        let rules = if more > 0 {
            format!("{} +{more}", shown.join(" "))
        } else {
            shown.join(" ")
        };
        t.add_row(vec![Cell::new(count), Cell::new(rules), Cell::new(reason)]);
    }
    let _ = writeln!(out, "{t}\n");
}

/// The resilience score, overall and per scope.
fn score_lines(out: &mut String, r: &Report) {
    let score = super::score::Score::of_report(r);
    let o = &score.overall;
    let _ = writeln!(
        out,
        "Resilience score {} of 100 (failing weight {} of {}) · coverage {}{}",
        o.score.text(),
        o.failing_weight,
        o.judged_weight,
        o.coverage.text(),
        if o.coverage.0.is_some() { "%" } else { "" }
    );
    for (title, rows) in [
        ("account", &score.by_account),
        ("region", &score.by_region),
        ("service", &score.by_service),
    ] {
        if !rows.is_empty() {
            let _ = writeln!(out, "  by {title}: {}", short_breakdown(rows));
        }
    }
}

/// Scopes listed in full up to this many; beyond it, those at 100 are only counted.
const SCOPES_LISTED: usize = 8;

/// A breakdown line a terminal can hold: an account of forty services would otherwise print
/// a line of several hundred characters, mostly "100.0". The JSON and Markdown reports keep
/// every scope.
fn short_breakdown(rows: &[super::score::Scoped]) -> String {
    if rows.len() <= SCOPES_LISTED {
        return super::score::breakdown(rows);
    }
    let (perfect, rest): (Vec<_>, Vec<_>) = rows
        .iter()
        .cloned()
        .partition(|x| x.tally.score.text() == "100.0");
    let mut line = super::score::breakdown(&rest);
    if !perfect.is_empty() {
        if !line.is_empty() {
            line.push_str(" · ");
        }
        line.push_str(&format!("{} more at 100.0", perfect.len()));
    }
    line
}

/// A titled table of the findings with `outcome`, each with its reason; nothing when none.
/// `title` holds one `{}` for the count.
fn reason_section(
    out: &mut String,
    r: &Report,
    outcome: Outcome,
    title: &str,
    opts: &RenderOptions,
) {
    let findings: Vec<&Finding> = r.findings.iter().filter(|f| f.outcome == outcome).collect();
    if findings.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "{}",
        title.replacen("{}", &findings.len().to_string(), 1)
    );
    let several = r.single_account().is_none();
    let mut t = new_table(opts);
    let columns: &[&str] = if several {
        &["RULE", "RESOURCE", "ACCOUNT", "REGION", "REASON"]
    } else {
        &["RULE", "RESOURCE", "REGION", "REASON"]
    };
    t.set_header(header(columns, opts));
    for f in findings {
        let mut row = vec![
            Cell::new(&f.rule_id),
            Cell::new(resource_label(f)),
            Cell::new(&f.region),
            Cell::new(f.reason.as_deref().unwrap_or("")),
        ];
        if several {
            row.insert(2, Cell::new(&f.account_id));
        }
        t.add_row(row);
    }
    let _ = writeln!(out, "{t}\n");
}

fn new_table(opts: &RenderOptions) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if !opts.terminal {
        t.force_no_tty().set_width(opts.width);
    }
    t
}

fn header(names: &[&str], opts: &RenderOptions) -> Vec<Cell> {
    names
        .iter()
        .map(|n| {
            let c = Cell::new(n);
            if opts.color {
                c.add_attribute(Attribute::Bold)
            } else {
                c
            }
        })
        .collect()
}

fn severity_cell(sev: Severity, opts: &RenderOptions) -> Cell {
    let c = Cell::new(sev.as_str().to_uppercase());
    if !opts.color {
        return c;
    }
    match sev {
        Severity::Critical => c.fg(Color::Magenta).add_attribute(Attribute::Bold),
        Severity::High => c.fg(Color::Red),
        Severity::Medium => c.fg(Color::Yellow),
        Severity::Low => c.fg(Color::Cyan),
    }
}

fn resource_label(f: &Finding) -> String {
    match &f.resource_name {
        // Route 53 record names already carry their identity; other ids add the AWS id.
        Some(n)
            if *n != f.resource_id
                && f.resource_id != "*"
                && !f.resource_kind.starts_with("route53.") =>
        {
            format!("{n} ({})", f.resource_id)
        }
        Some(n) => n.to_string(),
        None => f.resource_id.to_string(),
    }
}
