//! Reporters: one module per output format. Each renders the whole report to a string, so the
//! caller can write it atomically to a file or to stdout.

mod html;
mod json;
mod junit;
mod markdown;
mod sarif;
pub mod score;
mod table;

use crate::engine::{Finding, Rule, Summary};
use crate::snapshot::Coverage;

pub use json::REPORT_SCHEMA_VERSION;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A human-readable table, grouped by severity.
    Table,
    /// The documented, versioned JSON report.
    Json,
    /// SARIF 2.1.0 for code-scanning dashboards (GitHub, GitLab, Azure DevOps).
    Sarif,
    /// JUnit XML: a test case per rule and resource, for CI test-report views.
    Junit,
    /// A Markdown summary for pull requests and CI job pages.
    Markdown,
    /// One self-contained HTML page for people: scores, findings with remediation, AZ view.
    Html,
}

/// Everything a reporter needs, independent of how the snapshot was obtained.
pub struct Report<'a> {
    pub account_id: &'a str,
    pub partition: &'a str,
    pub regions: &'a [String],
    pub taken_at: &'a str,
    pub coverage: &'a [Coverage],
    pub findings: &'a [Finding],
    pub rules: Vec<&'a Rule>,
    pub summary: Summary,
    /// The snapshot file (path as the user gave it) and where each resource starts in it,
    /// when the report can point into a saved snapshot.
    pub snapshot_lines: Option<(String, crate::snapshot::ResourceLines)>,
    /// The resources the findings are about: the HTML report shows where each one runs.
    pub resources: &'a [crate::model::Resource],
    /// An earlier JSON report to compare with (the HTML report's trend section).
    pub previous: Option<&'a crate::engine::ReportFindings>,
}

pub struct RenderOptions {
    /// Use colours (only when writing to a terminal and NO_COLOR is unset).
    pub color: bool,
    /// True when the report goes to a terminal: the table then fits the terminal's width.
    pub terminal: bool,
}

pub fn render(report: &Report, format: Format, opts: &RenderOptions) -> String {
    match format {
        Format::Table => table::render(report, opts),
        Format::Json => json::render(report),
        Format::Sarif => sarif::render(report),
        Format::Junit => junit::render(report),
        Format::Markdown => markdown::render(report),
        Format::Html => html::render(report),
    }
}
