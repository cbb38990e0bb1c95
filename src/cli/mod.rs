//! The command line: one module per subcommand. Each returns the process exit code or an
//! [`Error`] (which `main` turns into exit code 2).

mod aws_args;
mod collect;
mod completions;
mod diff;
mod explain;
mod iam_policy;
mod man;
mod merge;
mod rules;
pub(crate) mod scan;
mod simulate;

use crate::error::Result;
use clap::{Parser, Subcommand};

pub use aws_args::AwsArgs;

const EXIT_CODES: &str = "\
Exit codes:
  0  no failing finding at or above --fail-on
  1  at least one failing finding at or above --fail-on (suppressed ones excepted),
     or, with --fail-on-incomplete, anything that could not be read or evaluated
  2  usage, configuration, input or credential error
  130  interrupted (Ctrl-C); no output file is left half-written

Reports go to stdout (or --output FILE); logs and errors go to stderr.";

const COMPLETIONS: &str = "\
Install:
  bash        ha-audit completions bash > ~/.local/share/bash-completion/completions/ha-audit
  zsh         ha-audit completions zsh > ~/.zfunc/_ha-audit   (with fpath+=~/.zfunc before compinit)
  fish        ha-audit completions fish > ~/.config/fish/completions/ha-audit.fish
  powershell  ha-audit completions powershell >> $PROFILE";

#[derive(Debug, Parser)]
#[command(
    name = "ha-audit",
    version,
    about = "Lint a live AWS account for high-availability best practices",
    long_about = "ha-audit reads an AWS account (read-only API calls), evaluates high-availability \
rules over what it found (single-AZ databases, load balancers and Auto Scaling groups, S3 buckets \
without versioning or cross-region replication, Route 53 failover without health checks, ...) and \
reports every finding as a table, JSON or SARIF.\n\n\
Whatever it could not read is reported as `not evaluated`, never as a pass.\n\n\
Quick start:\n  \
ha-audit scan --region us-east-1                 scan with your AWS credentials\n  \
ha-audit scan --snapshot fixtures/demo-account.json   try it offline on the demo account\n  \
ha-audit rules                                   list the rules\n  \
ha-audit explain HA-RDS-001                      what a rule checks and how to fix it",
    after_help = EXIT_CODES,
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan an account (or a saved snapshot) and report findings
    #[command(after_help = EXIT_CODES)]
    Scan(scan::ScanArgs),
    /// Read an account and save the snapshot to a file, without evaluating rules
    Collect(collect::CollectArgs),
    /// List the rules (built-in and --rules directories)
    Rules(rules::RulesArgs),
    /// Show what a rule checks, why it matters and how to fix it
    Explain(explain::ExplainArgs),
    /// Print the read-only IAM policy ha-audit needs (exactly the actions it calls)
    IamPolicy(iam_policy::IamPolicyArgs),
    /// Compare two JSON reports: new, resolved and unchanged failing findings, and the
    /// resilience score change
    Diff(diff::DiffArgs),
    /// Join the snapshots, or the JSON reports, of separate scans (accounts, regions) into one
    Merge(merge::MergeArgs),
    /// What an AZ or region failure would break: per-workload verdicts, capacity left and
    /// downtime estimates, from the snapshot alone
    Simulate(Box<simulate::SimulateArgs>),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    #[command(after_help = COMPLETIONS)]
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff), or write one page per command with --out-dir
    Man(man::ManArgs),
}

/// Runs the parsed command; Ok carries the exit code.
pub fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Scan(a) => scan::run(a),
        Command::Collect(a) => collect::run(a),
        Command::Rules(a) => rules::run(a),
        Command::Explain(a) => explain::run(a),
        Command::IamPolicy(a) => iam_policy::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Merge(a) => merge::run(a),
        Command::Simulate(a) => simulate::run(*a),
        Command::Completions(a) => completions::run(a),
        Command::Man(a) => man::run(a),
    }
}

/// The snapshots to judge: a saved file, the built-in demo, or a live read (also saved to
/// `save` when given, with what the API calls cost).
pub(crate) fn read_snapshots(
    aws: &AwsArgs,
    snapshot: Option<&std::path::Path>,
    demo: bool,
    save: Option<&std::path::Path>,
) -> Result<(Vec<crate::snapshot::Snapshot>, Option<serde_json::Value>)> {
    match snapshot {
        Some(path) => Ok((crate::snapshot::load_all(path)?, None)),
        None if demo => Ok((crate::snapshot::demo(), None)),
        None => {
            let read = aws.collect()?;
            if let Some(path) = save {
                crate::snapshot::save_all(&read.snapshots, path)?;
            }
            Ok((read.snapshots, Some(read.api)))
        }
    }
}

/// Reads a Terraform plan as a snapshot (saving it when asked), and lists on stderr the
/// resources no rule judges.
pub(crate) fn read_plan(
    plan: &std::path::Path,
    save: Option<&std::path::Path>,
) -> Result<crate::snapshot::Snapshot> {
    let snapshot = crate::plan::load(plan)?;
    if let Some(path) = save {
        crate::snapshot::save(&snapshot, path)?;
    }
    if let Some(p) = &snapshot.terraform_plan {
        for n in &p.not_judged {
            eprintln!("ha-audit: not judged: {} ({})", n.address, n.why);
        }
    }
    Ok(snapshot)
}

/// Loads the built-in rules plus any `--rules` directories.
pub(crate) fn load_rules(dirs: &[std::path::PathBuf]) -> Result<crate::engine::RuleSet> {
    let mut set = crate::engine::load_builtin()?;
    for d in dirs {
        set.extend_from_dir(d)?;
    }
    Ok(set)
}

pub(crate) use crate::output::emit;

/// The width of a table written to a file or a pipe: `COLUMNS` when it holds a sensible width
/// (as a shell exports it, or `COLUMNS=120 ha-audit scan ... > report.txt`), else fixed.
fn pipe_width() -> u16 {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .filter(|w| (40..=1000).contains(w))
        .unwrap_or(crate::report::PIPE_WIDTH)
}
