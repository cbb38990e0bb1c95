//! Reporters: one module per output format. Each renders the whole report to a string, so the
//! caller can write it atomically to a file or to stdout.

mod html;
mod json;
mod junit;
mod markdown;
mod read;
mod sarif;
pub mod score;
pub mod simulation;
mod table;
mod zones;

use crate::engine::{Finding, Judgements, Rule, Summary};
use crate::snapshot::Coverage;

pub use json::{write_json, REPORT_SCHEMA_VERSION};
pub use read::{load_report, parse as parse_report, ReportFindings, Versioned};
pub use zones::{Placement, ResourceView};

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

/// One account of a report: what was read of it, and when.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AccountHeader {
    pub account_id: String,
    #[serde(default)]
    pub partition: String,
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub taken_at: String,
}

/// One (service, region) coverage entry and the account it belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountCoverage {
    pub account_id: String,
    pub coverage: Coverage,
}

/// Everything a reporter needs, independent of how the snapshot was obtained.
pub struct Report<'a> {
    /// Every account of the report, sorted by id (one for a single-account scan).
    pub accounts: Vec<AccountHeader>,
    /// The partition of the accounts (of the first, should they differ).
    pub partition: String,
    /// Every region read, in any account.
    pub regions: Vec<String>,
    /// When the earliest account was read.
    pub taken_at: String,
    pub coverage: Vec<AccountCoverage>,
    /// Every finding, in report order. Empty when the report is written from `judged`.
    pub findings: &'a [Finding<'a>],
    /// The findings of a scan, not yet turned into [`Finding`]s: the JSON report writes
    /// them one by one from here, so a scan of a million resources never holds them all.
    pub judged: Option<&'a Judgements<'a>>,
    pub rules: Vec<&'a Rule>,
    pub summary: Summary,
    /// The snapshot file (path as the user gave it) and where each resource starts in it,
    /// when the report can point into a saved snapshot.
    pub snapshot_lines: Option<(String, crate::snapshot::ResourceLines)>,
    /// A Terraform plan's resources: their addresses, and their entries in the plan file
    /// (empty for an account's snapshot).
    pub plan_places: crate::plan::locate::Places,
    /// The plan file's relative URI, when the report points into the plan.
    pub plan_uri: Option<String>,
    /// The resources the findings are about: the HTML report shows where each one runs.
    pub resources: &'a [ResourceView],
    /// An earlier JSON report to compare with (the HTML report's trend section).
    pub previous: Option<&'a ReportFindings>,
}

impl<'a> Report<'a> {
    /// A report over the accounts `snapshots` describe (their resources are not needed).
    pub fn of_snapshots(
        snapshots: &[crate::snapshot::Snapshot],
        findings: &'a [Finding<'a>],
        rules: Vec<&'a Rule>,
    ) -> Report<'a> {
        let accounts = snapshots
            .iter()
            .map(|s| AccountHeader {
                account_id: s.account_id.clone(),
                partition: s.partition.clone(),
                regions: s.regions.clone(),
                taken_at: s.taken_at.clone(),
            })
            .collect();
        let coverage = snapshots
            .iter()
            .flat_map(|s| {
                s.coverage.iter().map(|c| AccountCoverage {
                    account_id: s.account_id.clone(),
                    coverage: c.clone(),
                })
            })
            .collect();
        Report::of_accounts(accounts, coverage, findings, rules)
    }

    /// A report over the given accounts and coverage; the summary is computed from
    /// `findings`.
    pub fn of_accounts(
        mut accounts: Vec<AccountHeader>,
        mut coverage: Vec<AccountCoverage>,
        findings: &'a [Finding<'a>],
        rules: Vec<&'a Rule>,
    ) -> Report<'a> {
        accounts.sort_by(|a, b| a.account_id.cmp(&b.account_id));
        coverage.sort_by(|a, b| {
            (&a.account_id, &a.coverage.service, &a.coverage.region).cmp(&(
                &b.account_id,
                &b.coverage.service,
                &b.coverage.region,
            ))
        });
        let mut regions: Vec<String> = accounts
            .iter()
            .flat_map(|a| a.regions.iter().cloned())
            .collect();
        regions.sort();
        regions.dedup();
        let taken_at = accounts
            .iter()
            .map(|a| a.taken_at.as_str())
            .filter(|t| !t.is_empty())
            .min()
            .unwrap_or_default()
            .to_string();
        Report {
            partition: accounts
                .first()
                .map_or_else(|| "aws".to_string(), |a| a.partition.clone()),
            accounts,
            regions,
            taken_at,
            coverage,
            findings,
            judged: None,
            rules,
            summary: Summary::of(findings),
            snapshot_lines: None,
            plan_places: Default::default(),
            plan_uri: None,
            resources: &[],
            previous: None,
        }
    }

    /// The report over the findings of a scan, written from `judged` itself.
    pub fn judged(mut self, judged: &'a Judgements<'a>) -> Report<'a> {
        self.summary = judged.summary();
        self.judged = Some(judged);
        self
    }

    /// Every finding, from whichever the report holds.
    pub fn all_findings(&self) -> Box<dyn Iterator<Item = Finding<'a>> + 'a> {
        match self.judged {
            Some(j) => Box::new(j.iter()),
            None => Box::new(self.findings.iter().cloned()),
        }
    }

    /// The account id when the report covers exactly one account.
    pub fn single_account(&self) -> Option<&str> {
        match self.accounts.as_slice() {
            [one] => Some(&one.account_id),
            _ => None,
        }
    }

    /// `123456789012`, or `3 accounts (111..., 222..., 333...)`, for headers.
    pub fn accounts_label(&self) -> String {
        match self.single_account() {
            Some(one) => one.to_string(),
            None => format!(
                "{} accounts ({})",
                self.accounts.len(),
                self.accounts
                    .iter()
                    .map(|a| a.account_id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}

pub struct RenderOptions {
    /// Use colours (only when writing to a terminal and NO_COLOR is unset).
    pub color: bool,
    /// True when the report goes to a terminal: the table then fits the terminal's width.
    pub terminal: bool,
    /// Table: one row per failing finding, even when a rule fails on many resources.
    pub expand: bool,
    /// Table: each not-evaluated finding on its own row, not one row per reason.
    pub show_not_evaluated: bool,
    /// The table's width when it does not go to a terminal (a file or a pipe).
    pub width: u16,
}

/// The table's width in a file or a pipe when `COLUMNS` does not give one: fixed, so that
/// the output does not depend on who ran it.
pub const PIPE_WIDTH: u16 = 140;

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
