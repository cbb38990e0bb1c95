use super::{load_rules, AwsArgs};
use crate::engine::FailOn;
use crate::error::Result;
use crate::pipeline::{Options, Timings};
use crate::report::{Format, RenderOptions};
use clap::Args;
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Evaluate a saved snapshot instead of reading the account (no credentials needed)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["regions", "all_regions", "profile", "role_arn", "org_role_name"])]
    pub snapshot: Option<PathBuf>,
    /// Evaluate the bundled demo account: a snapshot built into ha-audit, so a first run needs
    /// neither credentials nor files
    #[arg(long, conflicts_with_all = ["snapshot", "regions", "all_regions", "profile", "role_arn", "org_role_name"])]
    pub demo: bool,
    /// Evaluate a Terraform plan before it is applied: the output of `terraform show -json
    /// PLANFILE` (no credentials needed)
    #[arg(long, value_name = "PLAN.json", conflicts_with_all = ["snapshot", "demo", "regions", "all_regions", "profile", "role_arn", "org_role_name"])]
    pub terraform_plan: Option<PathBuf>,
    /// With --terraform-plan: report only the failures the plan introduces (those that do not
    /// fail on the resources as they are before the change) or worsens (failing before and
    /// after, with the value the rule measures moved the wrong way: an AZ fewer, a shorter
    /// retention)
    #[arg(long, requires = "terraform_plan")]
    pub changes_only: bool,
    /// Also save what was read to a snapshot file
    #[arg(long, value_name = "FILE", conflicts_with_all = ["snapshot", "demo"])]
    pub save_snapshot: Option<PathBuf>,
    /// Report format
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report to FILE (atomically) instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a failing finding has this severity or higher [default: low, or `fail_on`
    /// in ha-audit.toml]
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Also exit 1 when anything could not be read or evaluated (incomplete coverage)
    #[arg(long)]
    pub fail_on_incomplete: bool,
    /// An earlier JSON report: failures already in it are marked and do not fail the gate
    #[arg(long, value_name = "REPORT.json")]
    pub baseline: Option<PathBuf>,
    /// An earlier JSON report: the HTML report adds the trend since then (score change; new,
    /// resolved and persisting failures). Only with --format html
    #[arg(long, value_name = "REPORT.json")]
    pub previous: Option<PathBuf>,
    /// Extra directory of rule files (*.toml); repeatable
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
    /// Configuration file (default: ha-audit.toml in the working directory, if present)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Table: one row per failing finding (by default a rule failing on more than three
    /// resources is one row with the count)
    #[arg(long)]
    pub expand: bool,
    /// Table: list each not-evaluated finding (by default one row per reason, with the count
    /// and the rules it affects)
    #[arg(long)]
    pub show_not_evaluated: bool,
    /// Print how long each phase took, and how many rule evaluations ran, to stderr (one
    /// JSON line after `ha-audit: timings `)
    #[arg(long)]
    pub timings: bool,
}

pub fn run(a: ScanArgs) -> Result<u8> {
    // Rules first: a broken rule file should fail before minutes of API calls.
    let mut rules = load_rules(&a.rules)?;
    let baseline = match &a.baseline {
        Some(path) => Some(crate::report::load_report(path)?),
        None => None,
    };
    if a.previous.is_some() && a.format != Format::Html {
        return Err(crate::error::Error::Usage(
            "--previous adds a trend section to the HTML report: use it with --format html \
             (or compare two JSON reports with `ha-audit diff OLD.json NEW.json`)"
                .into(),
        ));
    }
    let previous = match &a.previous {
        Some(path) => Some(crate::report::load_report(path)?),
        None => None,
    };
    let mut suppressions = Vec::new();
    let config = crate::config::Config::discover(a.config.as_deref())?;
    if let Some(config) = &config {
        config.apply(&mut rules)?;
        suppressions = config.suppressions(&rules)?;
    }
    let mut clock = Timings::start();
    let (snapshots, api) = match &a.terraform_plan {
        Some(plan) => {
            let snapshot = super::read_plan(plan, a.save_snapshot.as_deref())?;
            (vec![snapshot], None)
        }
        None => super::read_snapshots(
            &a.aws,
            a.snapshot.as_deref(),
            a.demo,
            a.save_snapshot.as_deref(),
        )?,
    };
    let before = match (&a.terraform_plan, a.changes_only) {
        (Some(plan), true) => Some(crate::plan::load_view(plan, crate::plan::View::Before)?),
        _ => None,
    };
    clock.lap("read");
    let to_terminal = a.output.is_none() && std::io::stdout().is_terminal();
    let options = Options {
        rules: &rules,
        config: config.as_ref(),
        suppressions: &suppressions,
        baseline: baseline.as_ref(),
        previous: previous.as_ref(),
        format: a.format,
        output: a.output.as_deref(),
        render: RenderOptions {
            color: to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
            terminal: to_terminal,
            expand: a.expand,
            show_not_evaluated: a.show_not_evaluated,
            width: super::pipe_width(),
        },
        // A plan's findings point into the plan, even when a snapshot of it is saved too.
        snapshot_file: a
            .terraform_plan
            .clone()
            .or_else(|| a.snapshot.clone())
            .or_else(|| a.save_snapshot.clone()),
        before: before.as_ref(),
        // The flag wins over the configuration, which wins over the default.
        fail_on: a
            .fail_on
            .or(config.as_ref().and_then(|c| c.fail_on))
            .unwrap_or(FailOn::Low),
        fail_on_incomplete: a.fail_on_incomplete,
        today: chrono::Utc::now().date_naive(),
    };
    let outcome = crate::pipeline::run(&snapshots, &options, &mut clock)?;
    for warning in &outcome.warnings {
        if warning.starts_with("coverage is incomplete") {
            eprintln!("ha-audit: {warning}");
        } else {
            eprintln!("ha-audit: warning: {warning}");
        }
    }
    if a.timings {
        eprintln!(
            "ha-audit: timings {}",
            serde_json::json!({
                "phases_s": clock.phases,
                "rss_mb": clock.rss_mb,
                "resources": outcome.resources,
                "rule_evaluations": outcome.evaluations,
                "findings": outcome.findings,
                "threads": outcome.threads,
                "api": api,
            })
        );
    }
    // The snapshots are not freed one allocation at a time: the process ends now.
    std::mem::forget(snapshots);
    Ok(outcome.exit)
}
