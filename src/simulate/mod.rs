//! `ha-audit simulate`: what an AZ or a region failure does to each workload, read from the
//! snapshot alone. The failure model is AWS FIS's "AZ Availability: Power Interruption":
//! zonal compute in the AZ stops, nothing new launches there, its subnets are unreachable,
//! zonal storage is unavailable, primaries fail over only where a standby exists elsewhere,
//! and regional services carry on. A region failure takes every AZ of the region and its
//! regional services, leaving only copies in other regions.
//!
//! The graph ([`build`]) is built once from the models; each scenario is judged over it
//! ([`judge`]) without touching the snapshot again.

pub mod build;
pub mod graph;
pub mod judge;
mod verdict;
pub mod workloads;
pub mod zones;

pub use build::Graph;
pub use judge::{Capacity, Recovery};
pub use verdict::{Estimate, Verdict};
pub use workloads::Spec;

use graph::{Failure, Place};
use judge::Judge;
use serde::Serialize;
use std::collections::BTreeMap;
use workloads::Workload;
use zones::AzIx;

/// Version of the simulation report's JSON layout.
pub const SCHEMA_VERSION: u32 = 1;

/// What the simulation assumes an AZ failure is.
pub const ASSUMPTIONS: [&str; 7] = [
    "zonal compute in the AZ stops (EC2 instances, ECS tasks, EKS nodes)",
    "nothing new launches in the AZ",
    "subnets in the AZ are unreachable, and so is a NAT gateway there for other AZs",
    "zonal storage in the AZ is unavailable (EBS, EFS One Zone, single-AZ databases)",
    "primaries fail over only where a standby or replica runs in another AZ and failover is automatic",
    "regional services (S3, DynamoDB, Lambda outside a VPC, EFS Regional) carry on",
    "not modelled: gray failures, control-plane impairment, launch and boot times",
];

/// What to fail.
#[derive(Debug, Clone)]
pub enum Target {
    /// An AZ ID (`use1-az1`), or a name resolved through each account's map.
    Az(String),
    Region(String),
    /// Every AZ of every region read, one at a time.
    AllAzs,
}

#[derive(Debug, Clone, Serialize)]
pub struct SnapshotInfo {
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    pub taken_at: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    /// `az-power-loss`, `region-loss` or `every-az`.
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub az_id: Option<String>,
    /// Each account's name for the failed AZ.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub az_names: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// With `every-az`: the AZs failed one at a time.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub azs: Vec<String>,
    pub model: &'static str,
    pub assumptions: Vec<&'static str>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub workloads: usize,
    pub unaffected: usize,
    pub degraded: usize,
    pub failover: usize,
    pub capacity_short: usize,
    pub not_evaluated: usize,
    pub outage: usize,
    /// Workloads whose recovery may lose recent writes.
    pub data_loss: usize,
    /// 0-100: how much of the workloads' service survives, worst AZ each (null when nothing
    /// could be evaluated).
    pub az_resilience_score: Option<u32>,
}

impl Summary {
    fn count(&mut self, v: Verdict, data_loss: bool) {
        self.workloads += 1;
        *match v {
            Verdict::Unaffected => &mut self.unaffected,
            Verdict::Degraded => &mut self.degraded,
            Verdict::Failover => &mut self.failover,
            Verdict::CapacityShort => &mut self.capacity_short,
            Verdict::NotEvaluated => &mut self.not_evaluated,
            Verdict::Outage => &mut self.outage,
        } += 1;
        if data_loss {
            self.data_loss += 1;
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub field: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Component {
    pub arn: String,
    pub kind: String,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub account_id: String,
    pub region: String,
    /// Its AZ when it runs in exactly one; null otherwise.
    pub az_id: Option<String>,
    pub az_ids: Vec<String>,
    /// Its own outcome (what reaches it through dependencies is the workload's).
    pub verdict: Verdict,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub reason: String,
    pub data_loss: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<Capacity>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recovery: Option<Recovery>,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub kind: &'static str,
    pub critical: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct WorkloadResult {
    pub id: String,
    pub defined_by: String,
    pub verdict: Verdict,
    /// With `every-az`: the AZ whose failure gives this verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub az_id: Option<String>,
    pub why: String,
    pub data_loss: bool,
    pub failover_estimate: Option<Estimate>,
    /// 0-1: the share of its service that survives (§7.5 of the design), null when not
    /// evaluated.
    pub score: Option<f64>,
    pub components: Vec<Component>,
    pub edges: Vec<Edge>,
}

/// One AZ of an `every-az` run.
#[derive(Debug, Clone, Serialize)]
pub struct AzResult {
    pub az_id: String,
    pub region: String,
    pub az_names: BTreeMap<String, String>,
    pub summary: Summary,
    pub verdicts: BTreeMap<String, Verdict>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unread {
    pub scope: String,
    pub region: String,
    pub reason: String,
}

/// The simulation report.
#[derive(Debug, Clone, Serialize)]
pub struct Simulation {
    pub schema_version: u32,
    pub tool_version: &'static str,
    pub snapshot: SnapshotInfo,
    pub scenario: Scenario,
    pub summary: Summary,
    pub workloads: Vec<WorkloadResult>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub per_az: Vec<AzResult>,
    /// What was not read, so what the simulation could not see.
    pub not_evaluated: Vec<Unread>,
    pub notes: Vec<String>,
    /// The rule score of the same snapshot (built-in rules), for comparison.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_score: Option<String>,
}

/// Resolves an AZ given by ID or by name: a name is each account's own, so it must mean the
/// same AZ ID in every account that has it.
pub fn resolve_az(graph: &Graph, given: &str) -> Result<(AzIx, Option<String>), String> {
    if let Some(ix) = graph.zones.by_id(given) {
        return Ok((ix, None));
    }
    let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for ix in graph.zones.all() {
        for (account, name) in graph.zones.names(ix) {
            if name == given {
                found
                    .entry(graph.zones.id(ix).to_string())
                    .or_default()
                    .push(account.clone());
            }
        }
    }
    match found.len() {
        1 => {
            let (id, accounts) = found.into_iter().next().expect("one entry");
            let ix = graph.zones.by_id(&id).expect("known id");
            Ok((
                ix,
                Some(format!(
                    "AZ name {given} resolved to AZ ID {id} through the AZ map of account(s) {}; \
                     the same name is a different AZ in other accounts, so prefer the ID",
                    accounts.join(", ")
                )),
            ))
        }
        0 => {
            let known: Vec<String> = graph
                .zones
                .all()
                .into_iter()
                .map(|ix| graph.zones.id(ix).to_string())
                .collect();
            Err(if known.is_empty() {
                format!(
                    "--fail-az {given}: the snapshot has no AZ IDs (ec2 availability zones and subnets)"
                )
            } else {
                format!(
                    "--fail-az {given}: not an AZ ID or name of the snapshot; AZ IDs: {}",
                    known.join(", ")
                )
            })
        }
        _ => Err(format!(
            "--fail-az {given}: this name is a different AZ in different accounts ({}); give an AZ ID",
            found
                .iter()
                .map(|(id, a)| format!("{id} in {}", a.join(", ")))
                .collect::<Vec<_>>()
                .join("; ")
        )),
    }
}

/// Runs the simulation.
pub fn simulate(
    graph: &Graph,
    target: &Target,
    spec: Option<&Spec>,
    snapshot: SnapshotInfo,
) -> Result<Simulation, String> {
    let workloads = workloads::discover(graph, spec);
    let mut notes = Vec::new();
    let (scenario, failures): (Scenario, Vec<(Option<AzIx>, Failure)>) = match target {
        Target::Az(given) => {
            let (ix, note) = resolve_az(graph, given)?;
            notes.extend(note);
            (
                Scenario {
                    kind: "az-power-loss",
                    az_id: Some(graph.zones.id(ix).to_string()),
                    az_names: graph.zones.names(ix).clone(),
                    region: Some(graph.zones.region(ix).to_string()),
                    azs: Vec::new(),
                    model: "fis-az-power-interruption/v1",
                    assumptions: ASSUMPTIONS.to_vec(),
                },
                vec![(Some(ix), Failure::azs(&graph.zones, &[ix]))],
            )
        }
        Target::Region(region) => {
            if !snapshot.regions.contains(region) {
                return Err(format!(
                    "--fail-region {region}: not a region of the snapshot ({})",
                    snapshot.regions.join(", ")
                ));
            }
            (
                Scenario {
                    kind: "region-loss",
                    az_id: None,
                    az_names: BTreeMap::new(),
                    region: Some(region.clone()),
                    azs: graph
                        .zones
                        .of_region(region)
                        .into_iter()
                        .map(|ix| graph.zones.id(ix).to_string())
                        .collect(),
                    model: "region-loss/v1",
                    assumptions: ASSUMPTIONS.to_vec(),
                },
                vec![(None, graph.failure_for_region(region))],
            )
        }
        Target::AllAzs => {
            let all = graph.zones.all();
            if all.is_empty() {
                return Err(
                    "--all-azs: the snapshot has no AZ IDs (ec2 availability zones and subnets)"
                        .into(),
                );
            }
            (
                Scenario {
                    kind: "every-az",
                    az_id: None,
                    az_names: BTreeMap::new(),
                    region: None,
                    azs: all
                        .iter()
                        .map(|ix| graph.zones.id(*ix).to_string())
                        .collect(),
                    model: "fis-az-power-interruption/v1",
                    assumptions: ASSUMPTIONS.to_vec(),
                },
                all.iter()
                    .map(|ix| (Some(*ix), Failure::azs(&graph.zones, &[*ix])))
                    .collect(),
            )
        }
    };
    // Per scenario, each workload's verdict and score; the worst scenario per workload is
    // then judged again in full.
    let mut per_az = Vec::new();
    let mut worst: Vec<(Verdict, usize)> = vec![(Verdict::Unaffected, 0); workloads.len()];
    let mut scores: Vec<Option<f64>> = vec![Some(1.0); workloads.len()];
    for (si, (az, failure)) in failures.iter().enumerate() {
        let mut judge = Judge::new(&graph.nodes, &graph.zones, failure);
        let mut summary = Summary::default();
        let mut verdicts = BTreeMap::new();
        let mut az_scores = Vec::new();
        for (wi, w) in workloads.iter().enumerate() {
            let (v, data_loss, est, s) = judge_workload(&mut judge, w);
            summary.count(v, data_loss);
            verdicts.insert(w.id.clone(), v);
            if v > worst[wi].0 {
                worst[wi] = (v, si);
            }
            scores[wi] = match (scores[wi], s) {
                (Some(a), Some(b)) => Some(a.min(b)),
                _ => None,
            };
            az_scores.push(s);
            let _ = est;
        }
        summary.az_resilience_score = score(&az_scores);
        if let (Target::AllAzs, Some(ix)) = (target, az) {
            per_az.push(AzResult {
                az_id: graph.zones.id(*ix).to_string(),
                region: graph.zones.region(*ix).to_string(),
                az_names: graph.zones.names(*ix).clone(),
                summary,
                verdicts,
            });
        }
    }
    let mut results: Vec<Option<WorkloadResult>> = vec![None; workloads.len()];
    for (si, (az, failure)) in failures.iter().enumerate() {
        let mine: Vec<usize> = (0..workloads.len()).filter(|w| worst[*w].1 == si).collect();
        if mine.is_empty() {
            continue;
        }
        let mut judge = Judge::new(&graph.nodes, &graph.zones, failure);
        for wi in mine {
            let mut r = detail(graph, &mut judge, &workloads[wi]);
            r.score = scores[wi];
            if matches!(target, Target::AllAzs) && r.verdict != Verdict::Unaffected {
                r.az_id = az.map(|ix| graph.zones.id(ix).to_string());
            }
            results[wi] = Some(r);
        }
    }
    let mut results: Vec<WorkloadResult> = results.into_iter().flatten().collect();
    // Worst first, then by id: what needs attention leads.
    results.sort_by(|a, b| b.verdict.cmp(&a.verdict).then_with(|| a.id.cmp(&b.id)));
    let mut summary = Summary::default();
    for r in &results {
        summary.count(r.verdict, r.data_loss);
    }
    summary.az_resilience_score = score(&scores);
    let not_evaluated = graph
        .unread
        .iter()
        .map(|(scope, region, reason)| Unread {
            scope: scope.clone(),
            region: region.clone(),
            reason: reason.clone(),
        })
        .collect();
    Ok(Simulation {
        schema_version: SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION"),
        snapshot,
        scenario,
        summary,
        workloads: results,
        per_az,
        not_evaluated,
        notes,
        rule_score: None,
    })
}

/// The AZ-resilience score: the mean of the workloads' scores, out of 100; workloads that
/// could not be evaluated are left out.
fn score(scores: &[Option<f64>]) -> Option<u32> {
    let known: Vec<f64> = scores.iter().flatten().copied().collect();
    if known.is_empty() {
        return None;
    }
    Some((100.0 * known.iter().sum::<f64>() / known.len() as f64).round() as u32)
}

/// A workload's verdict (the worst over the components nothing else in it depends on),
/// data loss, downtime estimate and score.
fn judge_workload(
    judge: &mut Judge,
    w: &Workload,
) -> (Verdict, bool, Option<Estimate>, Option<f64>) {
    let (verdict, _, data_loss, est) = over_roots(judge, w);
    let s = match verdict {
        Verdict::Unaffected | Verdict::Degraded => Some(1.0),
        Verdict::Failover => Some(match est.as_ref().and_then(|e| e.max_s) {
            Some(max) if max <= 120 => 0.8,
            _ => 0.5,
        }),
        Verdict::CapacityShort => {
            // Half credit, scaled by the tightest capacity left on its path.
            let ratio = w
                .members
                .iter()
                .filter_map(|m| {
                    let c = judge.local(*m).capacity.clone()?;
                    let r = c.required.filter(|r| *r > 0)?;
                    Some((f64::from(c.after) / f64::from(r)).min(1.0))
                })
                .fold(1.0_f64, f64::min);
            Some(0.5 * ratio)
        }
        Verdict::Outage => Some(0.0),
        Verdict::NotEvaluated => None,
    };
    (verdict, data_loss, est, s)
}

/// The worst verdict over the components nothing else in the workload depends on, with its
/// reason, any data loss and the longest recovery.
fn over_roots(judge: &mut Judge, w: &Workload) -> (Verdict, String, bool, Option<Estimate>) {
    let mut verdict = Verdict::Unaffected;
    let mut why = String::new();
    let mut data_loss = false;
    let mut est = None;
    for r in &w.roots {
        let e = judge.effective(*r);
        if e.verdict > verdict {
            verdict = e.verdict;
            why = e.why.clone();
        }
        data_loss |= e.data_loss;
        if e.verdict != Verdict::Unaffected {
            est = Estimate::longest(est, e.estimate);
        }
    }
    (verdict, why, data_loss, est)
}

fn detail(graph: &Graph, judge: &mut Judge, w: &Workload) -> WorkloadResult {
    let (verdict, why, data_loss, est) = over_roots(judge, w);
    let nodes = &graph.nodes;
    let components = w
        .members
        .iter()
        .map(|m| {
            let n = &nodes[*m];
            let l = judge.local(*m).clone();
            let mut az_ids: Vec<String> = n
                .places()
                .into_iter()
                .filter_map(|p| match p {
                    Place::Az(ix) => Some(graph.zones.id(*ix).to_string()),
                    _ => None,
                })
                .collect();
            az_ids.sort();
            az_ids.dedup();
            Component {
                arn: n.arn.clone(),
                kind: n.kind.key().to_string(),
                id: n.id.clone(),
                name: n.name.clone(),
                account_id: n.account.to_string(),
                region: n.region.clone(),
                az_id: (az_ids.len() == 1).then(|| az_ids[0].clone()),
                az_ids,
                verdict: l.verdict,
                reason: l.reason,
                data_loss: l.data_loss,
                capacity: l.capacity,
                recovery: l.recovery,
                evidence: n
                    .evidence
                    .iter()
                    .map(|(f, v)| Evidence {
                        field: f.clone(),
                        value: v.clone(),
                    })
                    .collect(),
            }
        })
        .collect();
    let edges = w
        .members
        .iter()
        .flat_map(|m| {
            nodes[*m].deps.iter().map(move |d| Edge {
                from: nodes[*m].arn.clone(),
                to: nodes[d.to].arn.clone(),
                kind: d.edge,
                critical: d.critical,
            })
        })
        .collect();
    WorkloadResult {
        id: w.id.clone(),
        defined_by: w.defined_by.clone(),
        verdict,
        az_id: None,
        why,
        data_loss,
        failover_estimate: est,
        score: None,
        components,
        edges,
    }
}

#[cfg(test)]
mod tests;
