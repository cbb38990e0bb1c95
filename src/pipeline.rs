//! The scan pipeline after the read: model every account, judge, apply the scope,
//! suppressions and baseline, write the report, and decide the exit code. `ha-audit scan`
//! is this plus its command line.

use crate::config::Config;
use crate::engine::{evaluate, failing_identities, FailOn, Finding, Outcome, RuleSet, Suppression};
use crate::error::Result;
use crate::model::Model;
use crate::report::{render, write_json, Format, RenderOptions, Report, ReportFindings};
use crate::snapshot::Snapshot;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Everything the pipeline needs besides the snapshots.
pub struct Options<'a> {
    pub rules: &'a RuleSet,
    pub config: Option<&'a Config>,
    pub suppressions: &'a [Suppression],
    /// An earlier JSON report: failures already in it do not fail the gate.
    pub baseline: Option<&'a ReportFindings>,
    /// An earlier JSON report for the HTML report's trend.
    pub previous: Option<&'a ReportFindings>,
    pub format: Format,
    /// Where the report goes (atomically); stdout when `None`.
    pub output: Option<&'a Path>,
    pub render: RenderOptions,
    /// The snapshot file the report is about (read or saved): SARIF points at its lines.
    pub snapshot_file: Option<PathBuf>,
    pub fail_on: FailOn,
    pub fail_on_incomplete: bool,
    /// Today, for suppression expiry.
    pub today: chrono::NaiveDate,
    /// A Terraform plan's resources as they are before the change: only the failures that
    /// do not fail there are reported (`--changes-only`).
    pub before: Option<&'a Snapshot>,
}

/// What a scan came to.
pub struct ScanOutcome {
    /// 0 or 1, per the exit-code contract.
    pub exit: u8,
    /// Warnings for stderr (expired suppressions, an incomplete scan under
    /// `--fail-on-incomplete`).
    pub warnings: Vec<String>,
    pub resources: usize,
    pub evaluations: usize,
    pub findings: usize,
    pub threads: usize,
}

/// Runs the pipeline over the snapshots of a scan (one per account), timing each phase in
/// `clock`.
pub fn run(snapshots: &[Snapshot], o: &Options, clock: &mut Timings) -> Result<ScanOutcome> {
    let mut models = build_models(snapshots);
    if let Some(config) = o.config {
        for model in &mut models {
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
    }
    clock.lap("model");
    let mut judged = evaluate(&models, o.rules)?;
    let mut warnings = judged.apply_suppressions(o.suppressions, o.today);
    if let Some(before) = o.before {
        let earlier = [crate::model::Model::build(before)];
        let was = evaluate(&earlier, o.rules)?;
        let failing: Vec<Finding> = was.iter().filter(|f| f.outcome == Outcome::Fail).collect();
        let by_key: std::collections::HashMap<_, _> = earlier[0]
            .resources
            .iter()
            .map(|r| ((r.kind.key(), r.region.as_ref(), r.id.as_ref()), r))
            .collect();
        let measures: Vec<_> = o
            .rules
            .rules
            .iter()
            .map(|r| crate::engine::worsen::measure(&r.rule.compliant))
            .collect();
        judged.keep_new_failures(
            &failing.iter().map(Finding::identity).collect(),
            |r, res, account| {
                let m = measures[r].as_ref()?;
                let was = by_key.get(&(res.kind.key(), res.region.as_ref(), res.id.as_ref()))?;
                crate::engine::worsen::worsened(
                    m,
                    &o.rules.rules[r].params_json,
                    &was.field_json(&m.field, &earlier[0].account_id)?,
                    &res.field_json(&m.field, account)?,
                )
            },
        );
    }
    if let Some(b) = o.baseline {
        judged.mark_baseline(&failing_identities(&b.findings));
    }
    clock.lap("evaluate");

    let headers: Vec<Snapshot> = snapshots.iter().map(Snapshot::header).collect();
    let rules = o.rules.rules.iter().map(|r| &r.rule).collect();
    // The JSON report is written from the judgements themselves; the other formats list
    // findings in several orders and take them as a list.
    let listed: Vec<Finding> = if o.format == Format::Json {
        Vec::new()
    } else {
        judged.iter().collect()
    };
    let mut report = Report::of_snapshots(&headers, &listed, rules);
    if o.format == Format::Json {
        report = report.judged(&judged);
    }
    // Only SARIF points at lines; reading the file again is not free for a large account.
    if let (Format::Sarif, [snapshot], Some(path)) = (o.format, snapshots, o.snapshot_file.as_ref())
    {
        let text = std::fs::read_to_string(path).ok();
        let lines = text
            .as_deref()
            .and_then(|t| crate::snapshot::resource_lines(snapshot, t));
        let uri = relative_uri(path);
        if snapshot.terraform_plan.is_some() {
            // A plan's findings name the resource's address; they point into the plan file
            // when that is what was read (not a snapshot saved from it).
            let plan_text = text.as_deref().filter(|_| lines.is_none());
            report.plan_places = crate::plan::locate::places(snapshot, plan_text);
            report.plan_uri = plan_text.and(uri.clone());
        }
        report.snapshot_lines = uri.zip(lines);
    }
    // The HTML report's AZ view shows where each resource runs.
    let placed: Vec<crate::report::ResourceView> = if o.format == Format::Html {
        models
            .iter()
            .flat_map(|m| {
                m.resources
                    .iter()
                    .filter_map(|r| crate::report::ResourceView::of(r, &m.account_id))
            })
            .collect()
    } else {
        Vec::new()
    };
    report.resources = &placed;
    report.previous = o.previous;
    emit(&report, o)?;
    clock.lap("report");

    let summary = report.summary.clone();
    let threshold = o.fail_on.threshold();
    let gate = threshold.is_some_and(|t| judged.fails_at_or_above(t));
    let incomplete = summary.not_evaluated > 0
        || headers
            .iter()
            .any(|s| s.coverage.iter().any(|c| !c.is_complete()));
    if o.fail_on_incomplete && incomplete {
        warnings.push(
            "coverage is incomplete (--fail-on-incomplete): see the not evaluated findings"
                .to_string(),
        );
    }
    let outcome = ScanOutcome {
        exit: u8::from(gate || (o.fail_on_incomplete && incomplete)),
        warnings,
        resources: models.iter().map(|m| m.resources.len()).sum(),
        evaluations: judged.evaluations,
        findings: summary.pass + summary.fail + summary.suppressed + summary.not_evaluated,
        threads: judged.threads,
    };
    // The process ends right after: freeing millions of small allocations one by one would
    // take longer than the scan (the operating system takes the memory back at once).
    std::mem::forget(listed);
    std::mem::forget(judged);
    std::mem::forget(models);
    Ok(outcome)
}

/// Models every account, several at once (and each account's services several at once).
fn build_models(snapshots: &[Snapshot]) -> Vec<Model<'_>> {
    use rayon::prelude::*;
    snapshots.par_iter().map(Model::build).collect()
}

/// Writes the report to `--output` atomically, or to stdout.
fn emit(report: &Report, o: &Options) -> Result<()> {
    if o.format == Format::Json {
        return match o.output {
            Some(path) => {
                crate::output::write_atomically_with(path, &mut |w| write_json(report, w))
            }
            None => {
                use std::io::Write;
                let stdout = std::io::stdout();
                let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout.lock());
                // A closed pipe (`| head`) is not an error worth a non-zero exit.
                let _ = write_json(report, &mut out).and_then(|()| out.flush());
                Ok(())
            }
        };
    }
    crate::output::emit(&render(report, o.format, &o.render), o.output)
}

/// Wall time per phase of a scan, for `--timings`.
pub struct Timings {
    last: Instant,
    pub phases: serde_json::Map<String, serde_json::Value>,
    /// Resident memory at the end of each phase, in MB (Linux only).
    pub rss_mb: serde_json::Map<String, serde_json::Value>,
}

impl Timings {
    pub fn start() -> Timings {
        Timings {
            last: Instant::now(),
            phases: serde_json::Map::new(),
            rss_mb: serde_json::Map::new(),
        }
    }

    /// Ends a phase now.
    pub fn lap(&mut self, phase: &str) {
        let now = Instant::now();
        self.record(phase, now - self.last);
    }

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
}

/// `VmRSS` of this process, from `/proc/self/status`.
fn resident_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A relative, forward-slash URI for SARIF (code scanning resolves it against the checkout);
/// None for a path outside the working directory.
pub fn relative_uri(path: &Path) -> Option<String> {
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
