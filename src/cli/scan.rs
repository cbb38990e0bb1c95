use super::{emit, load_rules, AwsArgs};
use crate::engine::{evaluate, Outcome, Severity};
use crate::error::Result;
use crate::model::Model;
use crate::report::{render, Format, RenderOptions, Report};
use clap::{Args, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    /// Never fail on findings (exit 0 unless there is an error)
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            FailOn::Never => None,
        }
    }
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Evaluate a saved snapshot instead of reading the account (no credentials needed)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["regions", "all_regions", "profile", "role_arn", "org_role_name"])]
    pub snapshot: Option<PathBuf>,
    /// Also save what was read to a snapshot file
    #[arg(long, value_name = "FILE", conflicts_with = "snapshot")]
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
    /// Print how long each phase took, and how many rule evaluations ran, to stderr (one
    /// JSON line after `ha-audit: timings `)
    #[arg(long)]
    pub timings: bool,
}

pub fn run(a: ScanArgs) -> Result<u8> {
    // Rules first: a broken rule file should fail before minutes of API calls.
    let mut rules = load_rules(&a.rules)?;
    let baseline = match &a.baseline {
        Some(path) => Some(crate::engine::load_report(path)?),
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
        Some(path) => Some(crate::engine::load_report(path)?),
        None => None,
    };
    let mut suppressions = Vec::new();
    let config = crate::config::Config::discover(a.config.as_deref())?;
    if let Some(config) = &config {
        config.apply(&mut rules)?;
        suppressions = config.suppressions(&rules)?;
    }
    let mut clock = Timings::start();
    let mut api = None;
    let snapshots = match &a.snapshot {
        Some(path) => crate::snapshot::load_all(path)?,
        None => {
            let read = a.aws.collect()?;
            if let Some(path) = &a.save_snapshot {
                crate::snapshot::save_all(&read.snapshots, path)?;
            }
            api = Some(read.api);
            read.snapshots
        }
    };
    clock.lap("read");
    // One model per account, evaluated and dropped before the next, so memory follows the
    // largest account rather than the organisation.
    let mut findings = Vec::new();
    let (mut evaluations, mut threads, mut resources) = (0, 0, 0);
    let (mut modelling, mut evaluating) = (Duration::ZERO, Duration::ZERO);
    let mut headers = Vec::with_capacity(snapshots.len());
    let keep_resources = a.format == Format::Sarif && snapshots.len() == 1;
    // The HTML report's AZ view shows where each resource runs: keep the resources of every
    // account for it (other formats need only the findings).
    let mut placed = Vec::new();
    for snapshot in snapshots {
        let started = Instant::now();
        let mut model = Model::build(&snapshot);
        if let Some(config) = &config {
            let account = model.account_id.clone();
            model
                .resources
                .retain(|r| config.scope.includes(r, &account));
            // Scopes that could not be read are out of scope too when their region or account
            // is.
            if let Some(regions) = &config.scope.regions {
                model.incomplete.retain(|s| regions.contains(&s.region));
            }
            if let Some(accounts) = &config.scope.accounts {
                if !accounts.contains(&account) {
                    model.incomplete.clear();
                }
            }
        }
        let built = Instant::now();
        modelling += built - started;
        let evaluation = evaluate(&model, &rules)?;
        evaluating += built.elapsed();
        resources += model.resources.len();
        evaluations += evaluation.evaluations;
        threads = threads.max(evaluation.threads);
        findings.extend(evaluation.findings);
        if a.format == Format::Html {
            placed.append(&mut model.resources);
        }
        // The model holds every resource now; SARIF still needs the lists to find their lines.
        headers.push(if keep_resources {
            snapshot
        } else {
            snapshot.header_only()
        });
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    clock.record("model", modelling);
    clock.record("evaluate", evaluating);
    let today = chrono::Utc::now().date_naive();
    for warning in crate::engine::apply_suppressions(&mut findings, &suppressions, today) {
        eprintln!("ha-audit: warning: {warning}");
    }
    if let Some(b) = &baseline {
        crate::engine::mark_baseline(&mut findings, &b.findings);
    }
    // Only SARIF points at lines; reading the file again is not free for a large account.
    let snapshot_lines = keep_resources
        .then(|| snapshot_file(&a))
        .flatten()
        .and_then(|path| {
            let text = std::fs::read_to_string(&path).ok()?;
            let lines = crate::snapshot::resource_lines(&headers[0], &text)?;
            Some((relative_uri(&path)?, lines))
        });
    let mut report = Report::of_snapshots(
        &headers,
        &findings,
        rules.rules.iter().map(|r| &r.rule).collect(),
    );
    report.snapshot_lines = snapshot_lines;
    report.resources = &placed;
    report.previous = previous.as_ref();
    let to_terminal = a.output.is_none() && std::io::stdout().is_terminal();
    let opts = RenderOptions {
        color: to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        terminal: to_terminal,
    };
    emit(&render(&report, a.format, &opts), a.output.as_deref())?;
    clock.lap("report");
    if a.timings {
        eprintln!(
            "ha-audit: timings {}",
            serde_json::json!({
                "phases_s": clock.phases,
                "rss_mb": clock.rss_mb,
                "resources": resources,
                "rule_evaluations": evaluations,
                "findings": findings.len(),
                "threads": threads,
                "api": api,
            })
        );
    }

    // The flag wins over the configuration, which wins over the default.
    let fail_on = a
        .fail_on
        .or(config.as_ref().and_then(|c| c.fail_on))
        .unwrap_or(FailOn::Low);
    let gate = fail_on.threshold().is_some_and(|t| {
        findings
            .iter()
            .any(|f| f.outcome == Outcome::Fail && !f.in_baseline && f.severity >= t)
    });
    let incomplete = findings.iter().any(|f| f.outcome == Outcome::NotEvaluated)
        || headers
            .iter()
            .any(|s| s.coverage.iter().any(|c| !c.is_complete()));
    if a.fail_on_incomplete && incomplete {
        eprintln!("ha-audit: coverage is incomplete (--fail-on-incomplete): see the not evaluated findings");
    }
    Ok(u8::from(gate || (a.fail_on_incomplete && incomplete)))
}

/// Wall time per phase of a scan, for `--timings`.
struct Timings {
    last: std::time::Instant,
    phases: serde_json::Map<String, serde_json::Value>,
    /// Resident memory at the end of each phase, in MB (Linux only).
    rss_mb: serde_json::Map<String, serde_json::Value>,
}

impl Timings {
    fn start() -> Timings {
        Timings {
            last: std::time::Instant::now(),
            phases: serde_json::Map::new(),
            rss_mb: serde_json::Map::new(),
        }
    }

    /// A phase whose time was summed over several stretches (one per account); the next
    /// `lap` starts from now.
    fn record(&mut self, phase: &str, took: Duration) {
        self.phases.insert(
            phase.to_string(),
            serde_json::json!((took.as_secs_f64() * 1000.0).round() / 1000.0),
        );
        self.last = Instant::now();
        if let Some(kb) = resident_kb() {
            self.rss_mb
                .insert(phase.to_string(), serde_json::json!(kb / 1024));
        }
    }

    fn lap(&mut self, phase: &str) {
        let now = std::time::Instant::now();
        let seconds = (now - self.last).as_secs_f64();
        self.phases.insert(
            phase.to_string(),
            serde_json::json!((seconds * 1000.0).round() / 1000.0),
        );
        self.last = now;
        if let Some(kb) = resident_kb() {
            self.rss_mb
                .insert(phase.to_string(), serde_json::json!(kb / 1024));
        }
    }
}

/// `VmRSS` of this process, from `/proc/self/status`.
fn resident_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The snapshot file this report is about: the one read, or the one saved.
fn snapshot_file(a: &ScanArgs) -> Option<PathBuf> {
    a.snapshot.clone().or_else(|| a.save_snapshot.clone())
}

/// A relative, forward-slash URI for SARIF (code scanning resolves it against the checkout);
/// None for a path outside the working directory.
fn relative_uri(path: &std::path::Path) -> Option<String> {
    let rel = if path.is_absolute() {
        path.strip_prefix(std::env::current_dir().ok()?)
            .ok()?
            .to_path_buf()
    } else {
        path.to_path_buf()
    };
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_str().map(str::to_string))
        .collect::<Option<_>>()?;
    if parts.iter().any(|p| p == ".." || p.contains(':')) {
        return None;
    }
    Some(
        parts
            .into_iter()
            .filter(|p| p != ".")
            .collect::<Vec<_>>()
            .join("/"),
    )
}
