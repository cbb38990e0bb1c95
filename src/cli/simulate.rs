use super::{load_rules, AwsArgs};
use crate::error::{Error, Result};
use crate::model::Model;
use crate::report::simulation;
use crate::report::RenderOptions;
use crate::simulate::{self, Graph, SnapshotInfo, Spec, Target, Verdict};
use clap::Args;
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::PathBuf;

/// Report formats of `simulate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SimFormat {
    /// One line per workload, then the per-AZ worst case and the score.
    Table,
    /// The documented, versioned JSON (`schema_version`, `scenario`, `summary`, `workloads`).
    Json,
    /// SARIF 2.1.0: one result per workload the failure reaches.
    Sarif,
    /// One HTML page: workloads x AZs, coloured by verdict.
    Html,
}

/// The least severe verdict that fails the run (exit code 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SimFailOn {
    Outage,
    NotEvaluated,
    CapacityShort,
    Failover,
    Degraded,
    /// Never fail on verdicts (exit 0 unless there is an error)
    Never,
}

impl SimFailOn {
    fn threshold(self) -> Option<Verdict> {
        match self {
            SimFailOn::Outage => Some(Verdict::Outage),
            SimFailOn::NotEvaluated => Some(Verdict::NotEvaluated),
            SimFailOn::CapacityShort => Some(Verdict::CapacityShort),
            SimFailOn::Failover => Some(Verdict::Failover),
            SimFailOn::Degraded => Some(Verdict::Degraded),
            SimFailOn::Never => None,
        }
    }
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("failure").required(true).args(["fail_az", "fail_region", "all_azs"])))]
pub struct SimulateArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Simulate over a saved snapshot instead of reading the account (no credentials needed)
    #[arg(long, value_name = "FILE", conflicts_with_all = ["regions", "all_regions", "profile", "role_arn", "org_role_name"])]
    pub snapshot: Option<PathBuf>,
    /// Simulate over the bundled demo account
    #[arg(long, conflicts_with_all = ["snapshot", "regions", "all_regions", "profile", "role_arn", "org_role_name"])]
    pub demo: bool,
    /// Fail one AZ, by AZ ID (use1-az1). An AZ name (us-east-1a) is resolved through each
    /// account's own map, with a note: the same name is a different AZ in another account
    #[arg(long, value_name = "AZ")]
    pub fail_az: Option<String>,
    /// Fail a whole region: every AZ in it and its regional services
    #[arg(long, value_name = "REGION")]
    pub fail_region: Option<String>,
    /// Fail each AZ of every region read, one at a time, and report each workload's worst
    #[arg(long)]
    pub all_azs: bool,
    /// Workloads file (TOML): [[workload]] tables with id, arns, stacks, tags and required
    /// capacities; what it leaves out is grouped by stack tag, then by entry point
    #[arg(long, value_name = "FILE")]
    pub workloads: Option<PathBuf>,
    /// Report format
    #[arg(long, short = 'f', value_enum, default_value_t = SimFormat::Table)]
    pub format: SimFormat,
    /// Write the report to FILE (atomically) instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a workload's verdict is this or worse (order: degraded, failover,
    /// capacity-short, not-evaluated, outage)
    #[arg(long, value_enum, default_value_t = SimFailOn::Outage)]
    pub fail_on: SimFailOn,
    /// Also save what was read to a snapshot file
    #[arg(long, value_name = "FILE", conflicts_with_all = ["snapshot", "demo"])]
    pub save_snapshot: Option<PathBuf>,
}

pub fn run(a: SimulateArgs) -> Result<u8> {
    let spec = match &a.workloads {
        Some(path) => Some(Spec::load(path)?),
        None => None,
    };
    let (snapshots, _) = super::read_snapshots(
        &a.aws,
        a.snapshot.as_deref(),
        a.demo,
        a.save_snapshot.as_deref(),
    )?;
    let models: Vec<Model> = snapshots.par_iter().map(Model::build).collect();
    let mut graph = Graph::build(&models);
    if let Some(spec) = &spec {
        simulate::workloads::apply_required(&mut graph, spec);
    }
    let target = match (&a.fail_az, &a.fail_region) {
        (Some(az), _) => Target::Az(az.clone()),
        (_, Some(r)) => Target::Region(r.clone()),
        _ => Target::AllAzs,
    };
    let mut regions: Vec<String> = snapshots.iter().flat_map(|s| s.regions.clone()).collect();
    regions.sort();
    regions.dedup();
    let info = SnapshotInfo {
        accounts: snapshots.iter().map(|s| s.account_id.clone()).collect(),
        regions,
        taken_at: snapshots.iter().map(|s| s.taken_at.clone()).collect(),
    };
    let mut sim = simulate::simulate(&graph, &target, spec.as_ref(), info).map_err(Error::Usage)?;
    sim.rule_score = rule_score(&models)?;
    for note in &sim.notes {
        eprintln!("ha-audit: note: {note}");
    }
    let to_terminal = a.output.is_none() && std::io::stdout().is_terminal();
    let opts = RenderOptions {
        color: to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        terminal: to_terminal,
        expand: false,
        show_not_evaluated: false,
        width: super::pipe_width(),
    };
    let uri = a
        .snapshot
        .as_deref()
        .and_then(crate::pipeline::relative_uri);
    let text = match a.format {
        SimFormat::Table => simulation::table(&sim, &opts),
        SimFormat::Json => simulation::json(&sim),
        SimFormat::Sarif => simulation::sarif(&sim, uri.as_deref()),
        SimFormat::Html => simulation::html(&sim),
    };
    super::emit(&text, a.output.as_deref())?;
    let failing = a
        .fail_on
        .threshold()
        .is_some_and(|t| sim.workloads.iter().any(|w| w.verdict >= t));
    Ok(u8::from(failing))
}

/// The rule score of the same snapshot under the built-in rules, printed beside the
/// AZ-resilience score.
fn rule_score(models: &[Model]) -> Result<Option<String>> {
    let rules = load_rules(&[])?;
    let judged = crate::engine::evaluate(models, &rules)?;
    let score = crate::report::score::Score::of_scored(judged.scored().map(
        |(outcome, severity, account_id, region, resource_kind)| crate::report::score::Scored {
            outcome,
            severity,
            account_id,
            region,
            resource_kind,
        },
    ));
    Ok(score.overall.score.0.map(|_| score.overall.score.text()))
}
