use super::emit;
use crate::engine::{diff, Finding};
use crate::error::Result;
use crate::report::load_report;
use crate::report::score::{change_text, Tally};
use clap::{Args, ValueEnum};
use std::fmt::Write;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier JSON report (scan --format json)
    pub old: PathBuf,
    /// The later JSON report
    pub new: PathBuf,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
}

pub fn run(a: DiffArgs) -> Result<u8> {
    let (old, new) = (load_report(&a.old)?, load_report(&a.new)?);
    let d = diff(&old.findings, &new.findings);
    // Recomputed from the findings, so reports written before the score existed compare too.
    let (old_score, new_score) = (Tally::of(&old.findings), Tally::of(&new.findings));
    let change = new_score.score.change_from(old_score.score);
    let text = match a.format {
        DiffFormat::Json => {
            let doc = serde_json::json!({
                "schema_version": crate::report::REPORT_SCHEMA_VERSION,
                "old_taken_at": old.taken_at,
                "new_taken_at": new.taken_at,
                "summary": { "new": d.new.len(), "resolved": d.resolved.len(), "unchanged": d.unchanged.len() },
                "score": {
                    "old": old_score,
                    "new": new_score,
                    "change": change.map(|c| c as f64 / 10.0),
                },
                "new": d.new,
                "resolved": d.resolved,
                "unchanged": d.unchanged,
            });
            let mut s = serde_json::to_string_pretty(&doc).expect("diff serialises");
            s.push('\n');
            s
        }
        DiffFormat::Table | DiffFormat::Markdown => {
            let md = a.format == DiffFormat::Markdown;
            let mut s = String::new();
            let _ = writeln!(
                s,
                "{}{} new · {} resolved · {} unchanged failing findings ({} → {})\n",
                if md { "## " } else { "" },
                d.new.len(),
                d.resolved.len(),
                d.unchanged.len(),
                old.taken_at,
                new.taken_at
            );
            let _ = writeln!(
                s,
                "Resilience score {} → {} ({}); coverage {} → {}\n",
                old_score.score.text(),
                new_score.score.text(),
                change_text(change),
                old_score.coverage.text(),
                new_score.coverage.text(),
            );
            for (title, list) in [
                ("New", &d.new),
                ("Resolved", &d.resolved),
                ("Unchanged", &d.unchanged),
            ] {
                if list.is_empty() {
                    continue;
                }
                let _ = writeln!(
                    s,
                    "{}{title} ({})",
                    if md { "### " } else { "" },
                    list.len()
                );
                if md {
                    s.push('\n');
                }
                for f in list {
                    let _ = writeln!(s, "- {}", line(f));
                }
                s.push('\n');
            }
            s
        }
    };
    emit(&text, None)?;
    Ok(0)
}

fn line(f: &Finding) -> String {
    format!(
        "{} {} {} {}: {}",
        f.severity.as_str(),
        f.rule_id,
        f.region,
        f.resource_name.as_deref().unwrap_or(&f.resource_id),
        f.message
    )
}
