//! The failure graph: each component a simulation can judge, where it runs, what it needs
//! and what it falls back on. Built once from the model, then judged per scenario.

use super::verdict::Estimate;
use super::zones::{AzIx, Zones};
use crate::registry::Kind;
use crate::snapshot::Tags;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Where something runs: an AZ, or why it is not known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Az(AzIx),
    /// One of these AZs, not named in the snapshot: an RDS Multi-AZ standby, which AWS keeps
    /// in another AZ of the DB subnet group than the primary's.
    OneOf(Vec<AzIx>),
    Unknown(Arc<str>),
}

/// A unit of a pool, or one placement of a component, and what it needs to serve: its own
/// AZ, and the AZ of the NAT gateway its subnet sends internet traffic through when that
/// is another AZ.
#[derive(Debug, Clone)]
pub struct Spot {
    pub place: Place,
    /// A zonal NAT gateway in another AZ that the spot's egress depends on: (id, its AZ).
    pub nat: Option<(String, Place)>,
    /// Units at this spot (instances, tasks, nodes); 1 for a placement.
    pub count: u32,
}

impl Spot {
    pub fn at(place: Place) -> Spot {
        Spot {
            place,
            nat: None,
            count: 1,
        }
    }
}

/// Whether lost capacity can be replaced in the surviving AZs.
#[derive(Debug, Clone, Default)]
pub struct Replacement {
    /// Why it cannot, whatever fails (suspended processes, `balanced-only`, unknown cluster
    /// capacity). Empty when nothing static forbids it.
    pub blockers: Vec<String>,
    /// Where it may launch (an AZ, and the NAT gateway its subnet there sends egress
    /// through), with the free addresses of its subnets there (`None`: unknown).
    pub launch_azs: Vec<(Spot, Option<i64>)>,
    /// Time before a replacement is asked for, and what follows.
    pub estimate: Option<Estimate>,
}

/// Units of capacity per AZ, against what the workload needs.
#[derive(Debug, Clone)]
pub struct Pool {
    /// `instances`, `tasks`, `targets`, `nodes`.
    pub unit: &'static str,
    pub spots: Vec<Spot>,
    /// Required capacity and the field it comes from (`DesiredCapacity`).
    pub required: Option<(u32, String)>,
    pub replacement: Option<Replacement>,
    /// Time for the load balancer to stop sending requests to lost units.
    pub detection: Option<Estimate>,
}

/// A primary with standbys: an RDS Multi-AZ instance, a DB cluster, a cache shard.
#[derive(Debug, Clone)]
pub struct Pair {
    /// What the primary is called in reasons (`writer`, `primary`).
    pub label: String,
    pub primary: Spot,
    pub standbys: Vec<Spot>,
    /// Failover to a standby is automatic (Multi-AZ, automatic failover on).
    pub automatic: bool,
    pub failover: Estimate,
    /// Writes may be lost when it fails over (asynchronous replication).
    pub failover_loses_data: bool,
    /// With no standby left: how it comes back.
    pub without_standby: Fallback,
}

/// How a component with nothing left in other AZs comes back.
#[derive(Debug, Clone)]
pub struct Fallback {
    pub mode: &'static str,
    pub automatic: bool,
    pub loses_data: bool,
    pub estimate: Option<Estimate>,
}

impl Fallback {
    pub fn manual(mode: &'static str, loses_data: bool) -> Fallback {
        Fallback {
            mode,
            automatic: false,
            loses_data,
            estimate: None,
        }
    }
}

/// What a component does when the failure reaches it.
#[derive(Debug, Clone)]
pub enum Body {
    /// Runs in one AZ: gone with it.
    Zonal {
        spot: Spot,
        fallback: Fallback,
    },
    /// Runs in several AZs, any one of which serves (load balancer nodes, mount targets,
    /// function subnets).
    Spread {
        spots: Vec<Spot>,
        what: &'static str,
    },
    Pool(Pool),
    /// One or more primaries with standbys (one per shard).
    Pairs(Vec<Pair>),
    /// Replicated across the AZs of its region by AWS: only a region failure reaches it.
    Regional,
    /// Global (DNS, CDN), or only a junction of what it depends on.
    Global,
    /// Cannot be judged: why.
    Unknown(Arc<str>),
}

/// A dependency: `to` must serve for this component to serve, when `critical`; otherwise it
/// is only listed with it (a NAT gateway, a read replica).
#[derive(Debug, Clone)]
pub struct Dep {
    pub to: usize,
    pub edge: &'static str,
    pub critical: bool,
}

/// Alternatives the component chooses between (DNS failover, origin groups).
#[derive(Debug, Clone)]
pub enum Choice {
    /// Traffic goes to `primary` while it answers its health check, else to `secondary`.
    Failover {
        primary: usize,
        secondary: usize,
        /// Whether the primary is health-checked at all: without a check DNS never moves.
        checked: bool,
        detection: Estimate,
        what: &'static str,
    },
    /// Answers spread over members; a member that fails leaves the answers only when it is
    /// health-checked.
    Spread {
        members: Vec<(usize, bool)>,
        /// Answers that point outside the snapshot: what they do is unknown.
        outside: usize,
        detection: Estimate,
    },
}

#[derive(Debug, Clone)]
pub struct Node<'a> {
    pub kind: Kind,
    pub id: String,
    pub name: Option<String>,
    pub arn: String,
    pub account: &'a str,
    pub region: String,
    pub tags: Option<&'a Tags>,
    pub body: Body,
    pub deps: Vec<Dep>,
    pub choice: Option<Choice>,
    /// Where clients come in: a DNS record, an internet-facing load balancer, a CDN.
    pub entry: bool,
    /// Holds data (its own single-resource workload when no entry point reaches it).
    pub stateful: bool,
    /// The snapshot fields the verdict rests on.
    pub evidence: Vec<(String, String)>,
    /// Copies in other regions that can take over when its region fails.
    pub region_copies: Option<RegionCopies>,
}

/// Copies of a component's data in other regions.
#[derive(Debug, Clone)]
pub struct RegionCopies {
    pub regions: Vec<String>,
    /// How they take over (`global table replica`, `replica bucket`).
    pub mode: &'static str,
    /// Clients reach them without anyone acting (active-active replicas).
    pub automatic: bool,
    /// Replication is asynchronous: the latest writes may be missing.
    pub loses_data: bool,
}

impl Node<'_> {
    pub fn label(&self) -> String {
        format!(
            "{} {}",
            self.kind.label(),
            self.name.as_deref().unwrap_or(&self.id)
        )
    }

    /// The AZs the component runs in, for reports.
    pub fn places(&self) -> Vec<&Place> {
        let spots: Vec<&Spot> = match &self.body {
            Body::Zonal { spot, .. } => vec![spot],
            Body::Spread { spots, .. } => spots.iter().collect(),
            Body::Pool(p) => p.spots.iter().collect(),
            Body::Pairs(pairs) => pairs
                .iter()
                .flat_map(|p| std::iter::once(&p.primary).chain(&p.standbys))
                .collect(),
            _ => Vec::new(),
        };
        spots.into_iter().map(|s| &s.place).collect()
    }
}

/// What fails: a set of AZs, and whole regions.
#[derive(Debug, Clone, Default)]
pub struct Failure {
    azs: Vec<bool>,
    regions: BTreeSet<String>,
}

impl Failure {
    pub fn azs(zones: &Zones, failed: &[AzIx]) -> Failure {
        let mut azs = vec![false; zones.len()];
        for ix in failed {
            azs[*ix as usize] = true;
        }
        Failure {
            azs,
            regions: BTreeSet::new(),
        }
    }

    pub fn region(zones: &Zones, region: &str) -> Failure {
        let mut f = Failure::azs(zones, &zones.of_region(region));
        f.regions.insert(region.to_string());
        f
    }

    /// Whether an AZ is down; `None` when the place is not known.
    pub fn down(&self, place: &Place) -> Option<bool> {
        match place {
            Place::Az(ix) => Some(self.azs.get(*ix as usize).copied().unwrap_or(false)),
            Place::OneOf(candidates) => {
                let down = candidates
                    .iter()
                    .filter(|ix| self.azs.get(**ix as usize).copied().unwrap_or(false))
                    .count();
                // Known only when all of them fail, or none does.
                match down {
                    0 => Some(false),
                    n if n == candidates.len() => Some(true),
                    _ => None,
                }
            }
            Place::Unknown(_) => None,
        }
    }

    /// Whether a spot can serve: its AZ and the NAT gateway it sends egress through are up.
    pub fn spot_down(&self, spot: &Spot) -> Option<bool> {
        let own = self.down(&spot.place)?;
        let nat = match &spot.nat {
            Some((_, p)) => self.down(p)?,
            None => false,
        };
        Some(own || nat)
    }

    pub fn region_down(&self, region: &str) -> bool {
        self.regions.contains(region)
    }

    /// Every failed AZ.
    pub fn failed_azs(&self) -> impl Iterator<Item = AzIx> + '_ {
        self.azs
            .iter()
            .enumerate()
            .filter(|(_, d)| **d)
            .map(|(i, _)| i as AzIx)
    }
}
