//! Judging one scenario: each component's own fate (its AZs, capacity, standbys), then what
//! reaches it through its dependencies and the alternatives it can fail over to.

use super::graph::{Body, Choice, Failure, Node, Pair, Place, Pool, Spot};
use super::verdict::{Estimate, Verdict};
use super::zones::Zones;
use serde::Serialize;
use std::collections::BTreeMap;

/// How a component comes back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recovery {
    pub mode: String,
    pub automatic: bool,
    pub estimate: Option<Estimate>,
}

/// Capacity before and after the failure, against what is required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Capacity {
    pub unit: &'static str,
    /// Serving units per AZ ID before the failure (`unknown`: AZ not known).
    pub before: BTreeMap<String, u32>,
    /// Units left outside the failed AZs (units whose AZ is unknown are not counted).
    pub after: u32,
    pub required: Option<u32>,
    pub required_from: Option<String>,
}

/// A component's own outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Local {
    pub verdict: Verdict,
    pub reason: String,
    pub data_loss: bool,
    pub capacity: Option<Capacity>,
    pub recovery: Option<Recovery>,
}

impl Local {
    fn unaffected() -> Local {
        Local {
            verdict: Verdict::Unaffected,
            reason: String::new(),
            data_loss: false,
            capacity: None,
            recovery: None,
        }
    }

    fn is(verdict: Verdict, reason: impl Into<String>) -> Local {
        Local {
            verdict,
            reason: reason.into(),
            ..Local::unaffected()
        }
    }
}

/// What reaches a component through everything it depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective {
    pub verdict: Verdict,
    pub why: String,
    pub data_loss: bool,
    pub estimate: Option<Estimate>,
}

pub struct Judge<'g, 'a> {
    nodes: &'g [Node<'a>],
    zones: &'g Zones,
    failure: &'g Failure,
    local: Vec<Option<Local>>,
    effective: Vec<Option<Effective>>,
    visiting: Vec<bool>,
}

impl<'g, 'a> Judge<'g, 'a> {
    pub fn new(nodes: &'g [Node<'a>], zones: &'g Zones, failure: &'g Failure) -> Self {
        Judge {
            nodes,
            zones,
            failure,
            local: vec![None; nodes.len()],
            effective: vec![None; nodes.len()],
            visiting: vec![false; nodes.len()],
        }
    }

    pub fn zone_text(&self, p: &Place) -> String {
        match p {
            Place::Az(ix) => self.zones.id(*ix).to_string(),
            Place::OneOf(c) => format!("one of {}", self.ids(c)),
            Place::Unknown(_) => "an unknown AZ".to_string(),
        }
    }

    fn ids(&self, c: &[super::zones::AzIx]) -> String {
        c.iter()
            .map(|ix| self.zones.id(*ix))
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn local(&mut self, ix: usize) -> &Local {
        if self.local[ix].is_none() {
            let l = self.compute_local(&self.nodes[ix]);
            self.local[ix] = Some(l);
        }
        self.local[ix].as_ref().expect("set above")
    }

    fn compute_local(&self, n: &Node) -> Local {
        if self.failure.region_down(&n.region) {
            if let Some(c) = &n.region_copies {
                let left: Vec<&String> = c
                    .regions
                    .iter()
                    .filter(|r| !self.failure.region_down(r))
                    .collect();
                if let Some(first) = left.first() {
                    let verdict = if c.automatic {
                        Verdict::Failover
                    } else {
                        Verdict::Outage
                    };
                    return Local {
                        verdict,
                        reason: format!("its region {} fails; copy in {first}", n.region),
                        data_loss: c.loses_data,
                        capacity: None,
                        recovery: Some(Recovery {
                            mode: c.mode.to_string(),
                            automatic: c.automatic,
                            estimate: c.automatic.then(|| {
                                Estimate::range(
                                    0,
                                    None,
                                    "clients switch to the other region: not modelled",
                                )
                            }),
                        }),
                    };
                }
            }
            if matches!(n.body, Body::Regional) {
                return Local {
                    recovery: Some(Recovery {
                        mode: "none until the region recovers (no copy in another region)".into(),
                        automatic: false,
                        estimate: None,
                    }),
                    ..Local::is(Verdict::Outage, format!("its region {} fails", n.region))
                };
            }
        }
        let mut l = self.body(n);
        if self.failure.region_down(&n.region) && l.verdict != Verdict::Unaffected {
            l.reason = format!("its region {} fails", n.region);
            l.recovery = Some(Recovery {
                mode: "none until the region recovers (no copy in another region)".into(),
                automatic: false,
                estimate: None,
            });
        }
        l
    }

    fn body(&self, n: &Node) -> Local {
        match &n.body {
            Body::Global | Body::Regional => Local::unaffected(),
            Body::Unknown(why) => Local::is(Verdict::NotEvaluated, why.to_string()),
            Body::Zonal { spot, fallback } => match self.spot(spot) {
                Err(why) => Local::is(Verdict::NotEvaluated, why),
                Ok(false) => Local::unaffected(),
                Ok(true) => Local {
                    verdict: Verdict::Outage,
                    reason: self.down_reason(spot, "runs only in"),
                    data_loss: fallback.loses_data,
                    capacity: None,
                    recovery: Some(Recovery {
                        mode: fallback.mode.to_string(),
                        automatic: fallback.automatic,
                        estimate: fallback.estimate.clone(),
                    }),
                },
            },
            Body::Spread { spots, what } => self.spread(spots, what),
            Body::Pool(p) => self.pool(p),
            Body::Pairs(pairs) => {
                let mut worst = Local::unaffected();
                for p in pairs {
                    let l = self.pair(p);
                    let loss = worst.data_loss || l.data_loss;
                    if l.verdict > worst.verdict {
                        worst = l;
                    }
                    worst.data_loss = loss;
                }
                worst
            }
        }
    }

    /// Whether a spot is down: `Err` with the reason when its place is not known.
    fn spot(&self, s: &Spot) -> Result<bool, String> {
        match self.failure.spot_down(s) {
            Some(d) => Ok(d),
            None => Err(match (&s.place, &s.nat) {
                (Place::Unknown(why), _) => why.to_string(),
                (Place::OneOf(c), _) => format!(
                    "it runs in one of {}, not named in the snapshot, and only some of them fail",
                    self.ids(c)
                ),
                (_, Some((_, Place::Unknown(why)))) => why.to_string(),
                _ => "its AZ is not known".to_string(),
            }),
        }
    }

    fn down_reason(&self, s: &Spot, lead: &str) -> String {
        let own = self.failure.down(&s.place) == Some(true);
        match &s.nat {
            Some((nat, p)) if !own && self.failure.down(p) == Some(true) => format!(
                "its subnet in {} sends internet traffic through NAT gateway {nat} in the failed {}",
                self.zone_text(&s.place),
                self.zone_text(p)
            ),
            _ => format!("{lead} {}", self.zone_text(&s.place)),
        }
    }

    fn spread(&self, spots: &[Spot], what: &str) -> Local {
        if spots.is_empty() {
            return Local::is(
                Verdict::NotEvaluated,
                format!("none of its {what} are in the snapshot"),
            );
        }
        let (mut alive, mut down, mut unknown) = (0, 0, None);
        for s in spots {
            match self.spot(s) {
                Ok(false) => alive += 1,
                Ok(true) => down += 1,
                Err(why) => {
                    unknown.get_or_insert(why);
                }
            }
        }
        let total = spots.len();
        match (alive, down, unknown) {
            (_, 0, None) => Local::unaffected(),
            (0, _, Some(why)) => Local::is(
                Verdict::NotEvaluated,
                format!("none of its {what} is known to survive: {why}"),
            ),
            (0, _, None) => Local {
                recovery: Some(Recovery {
                    mode: "none until the AZ recovers".into(),
                    automatic: false,
                    estimate: None,
                }),
                ..Local::is(
                    Verdict::Outage,
                    format!("all {total} of its {what} are in the failed AZ(s)"),
                )
            },
            (alive, _, _) => Local::is(
                Verdict::Degraded,
                format!("{alive} of its {total} {what} survive"),
            ),
        }
    }

    fn pool(&self, p: &Pool) -> Local {
        let mut before: BTreeMap<String, u32> = BTreeMap::new();
        let (mut alive, mut lost, mut unknown) = (0u32, 0u32, 0u32);
        let mut unknown_why = None;
        let mut lost_why = None;
        let mut cut_off = 0u32;
        for s in &p.spots {
            let key = match &s.place {
                Place::Az(ix) => self.zones.id(*ix).to_string(),
                _ => "unknown".to_string(),
            };
            *before.entry(key).or_default() += s.count;
            match self.spot(s) {
                Ok(false) => alive += s.count,
                Ok(true) => {
                    lost += s.count;
                    if s.nat.is_some() && self.failure.down(&s.place) == Some(false) {
                        cut_off += s.count;
                        lost_why.get_or_insert_with(|| self.down_reason(s, "in"));
                    }
                }
                Err(why) => {
                    unknown += s.count;
                    unknown_why.get_or_insert(why);
                }
            }
        }
        let total = alive + lost + unknown;
        let (required, required_from) = match &p.required {
            Some((r, from)) => (Some(*r), Some(from.clone())),
            None => (None, None),
        };
        let capacity = Capacity {
            unit: p.unit,
            before,
            after: alive,
            required,
            required_from,
        };
        let mut l = Local {
            capacity: Some(capacity),
            ..Local::unaffected()
        };
        if total == 0 {
            if required.unwrap_or(1) > 0 {
                l.verdict = Verdict::Outage;
                l.reason = format!("serves with no {} even before the failure", p.unit);
            }
            return l;
        }
        if lost == 0 && unknown == 0 {
            return l;
        }
        // Units whose AZ is unknown count as lost: never as surviving.
        let worst = if alive == 0 {
            Verdict::Outage
        } else if required.is_some_and(|r| alive < r) {
            Verdict::CapacityShort
        } else {
            Verdict::Degraded
        };
        let need = required.map_or(String::new(), |r| format!(", {r} required"));
        l.reason = match &lost_why {
            Some(nat) => format!("{alive} of {total} {} left{need}: {nat}", p.unit),
            None => format!("{alive} of {total} {} left{need}", p.unit),
        };
        if unknown > 0 && worst > Verdict::Degraded {
            l.verdict = Verdict::NotEvaluated;
            l.reason = format!(
                "{} of its {} are in no known AZ ({}): {}",
                unknown,
                p.unit,
                unknown_why.unwrap_or_default(),
                l.reason
            );
            return l;
        }
        l.verdict = worst;
        if worst == Verdict::Degraded {
            l.recovery = p.detection.clone().map(|d| Recovery {
                mode: "the load balancer stops sending requests to the lost units".into(),
                automatic: true,
                estimate: Some(d),
            });
            return l;
        }
        l.recovery = Some(if cut_off > 0 {
            // They still run and pass their health checks: nothing replaces them.
            Recovery {
                mode: format!(
                    "none until the AZ recovers or its routes are changed by hand: {cut_off} {} cut off from their NAT gateway still pass health checks, so nothing replaces them",
                    p.unit
                ),
                automatic: false,
                estimate: None,
            }
        } else {
            self.replacement(p, alive, required.unwrap_or(total))
        });
        l
    }

    /// Whether the lost units can come back in the surviving AZs, and when.
    fn replacement(&self, p: &Pool, alive: u32, required: u32) -> Recovery {
        let none = |why: String| Recovery {
            mode: format!("none until the AZ recovers: {why}"),
            automatic: false,
            estimate: None,
        };
        let Some(r) = &p.replacement else {
            return none("nothing replaces them".into());
        };
        if !r.blockers.is_empty() {
            return none(r.blockers.join("; "));
        }
        let needed = i64::from(required.saturating_sub(alive).max(1));
        let mut free = Some(0i64);
        let mut surviving = 0;
        for (spot, ips) in &r.launch_azs {
            if self.failure.spot_down(spot) == Some(false) {
                surviving += 1;
                free = match (free, ips) {
                    (Some(a), Some(b)) => Some(a.saturating_add(*b)),
                    _ => None,
                };
            }
        }
        if surviving == 0 {
            return none("it launches in no surviving AZ".into());
        }
        match free {
            None => none("free addresses in its surviving subnets are not in the snapshot".into()),
            Some(f) if f < needed => none(format!(
                "its surviving subnets have {f} free addresses for {needed} replacements"
            )),
            Some(_) => Recovery {
                mode: "replaced in the surviving AZs after a gap".into(),
                automatic: true,
                estimate: r.estimate.clone(),
            },
        }
    }

    fn pair(&self, p: &Pair) -> Local {
        let primary_down = match self.spot(&p.primary) {
            Err(why) => return Local::is(Verdict::NotEvaluated, format!("its {}: {why}", p.label)),
            Ok(d) => d,
        };
        let standbys: Vec<Result<bool, String>> = p.standbys.iter().map(|s| self.spot(s)).collect();
        if !primary_down {
            let lost: Vec<usize> = (0..standbys.len())
                .filter(|i| matches!(standbys[*i], Ok(true)))
                .collect();
            let left = standbys.iter().filter(|s| matches!(s, Ok(false))).count();
            return match (lost.first(), standbys.iter().any(Result::is_err)) {
                (None, false) => Local::unaffected(),
                (None, true) => Local::is(
                    Verdict::Degraded,
                    format!(
                        "its {} survives; where a standby runs is not known, so its redundancy may be lost",
                        p.label
                    ),
                ),
                (Some(i), _) => Local::is(
                    Verdict::Degraded,
                    format!(
                        "its {} survives; {} of its {} standbys lost (in {}), {left} left",
                        p.label,
                        lost.len(),
                        standbys.len(),
                        self.zone_text(&p.standbys[*i].place)
                    ),
                ),
            };
        }
        let lead = format!("its {} {}", p.label, self.down_reason(&p.primary, "is in"));
        let alive = standbys.iter().position(|s| matches!(s, Ok(false)));
        match alive {
            Some(i) if p.automatic => Local {
                verdict: Verdict::Failover,
                reason: format!(
                    "{lead}; fails over to {}",
                    self.zone_text(&p.standbys[i].place)
                ),
                data_loss: p.failover_loses_data,
                capacity: None,
                recovery: Some(Recovery {
                    mode: "automatic failover to a standby in another AZ".into(),
                    automatic: true,
                    estimate: Some(p.failover.clone()),
                }),
            },
            Some(_) => Local {
                verdict: Verdict::Outage,
                reason: format!("{lead}; a replica survives but automatic failover is off"),
                data_loss: p.failover_loses_data,
                capacity: None,
                recovery: Some(Recovery {
                    mode: "promote a surviving replica by hand".into(),
                    automatic: false,
                    estimate: None,
                }),
            },
            None => {
                if let Some(Err(why)) = standbys.iter().find(|s| s.is_err()) {
                    return Local::is(
                        Verdict::NotEvaluated,
                        format!("{lead}; where its standby runs is not known: {why}"),
                    );
                }
                let f = &p.without_standby;
                Local {
                    verdict: Verdict::Outage,
                    reason: if p.standbys.is_empty() {
                        format!("{lead}, with no standby in another AZ")
                    } else {
                        format!("{lead}, and so are its standbys")
                    },
                    data_loss: f.loses_data,
                    capacity: None,
                    recovery: Some(Recovery {
                        mode: f.mode.to_string(),
                        automatic: f.automatic,
                        estimate: f.estimate.clone(),
                    }),
                }
            }
        }
    }

    /// What reaches node `ix` through its dependencies and alternatives.
    pub fn effective(&mut self, ix: usize) -> Effective {
        if let Some(e) = &self.effective[ix] {
            return e.clone();
        }
        if self.visiting[ix] {
            return Effective {
                verdict: Verdict::NotEvaluated,
                why: format!("{} depends on itself", self.nodes[ix].label()),
                data_loss: false,
                estimate: None,
            };
        }
        self.visiting[ix] = true;
        let nodes = self.nodes;
        let node = &nodes[ix];
        let local = self.local(ix).clone();
        let mut e = Effective {
            verdict: local.verdict,
            why: if local.verdict == Verdict::Unaffected {
                String::new()
            } else {
                format!("{}: {}", node.label(), local.reason)
            },
            data_loss: local.data_loss,
            estimate: if local.verdict == Verdict::Unaffected {
                None
            } else {
                local
                    .recovery
                    .as_ref()
                    .and_then(|r| r.estimate.clone())
                    .map(|mut x| {
                        x.dominated_by = Some(node.label());
                        x
                    })
            },
        };
        let deps: Vec<usize> = node
            .deps
            .iter()
            .filter(|d| d.critical)
            .map(|d| d.to)
            .collect();
        for to in deps {
            let d = self.effective(to);
            merge(&mut e, d);
        }
        if let Some(choice) = node.choice.clone() {
            let c = self.choose(&choice);
            merge(&mut e, c);
        }
        self.visiting[ix] = false;
        self.effective[ix] = Some(e.clone());
        e
    }

    fn choose(&mut self, choice: &Choice) -> Effective {
        match choice {
            Choice::Failover {
                primary,
                secondary,
                checked,
                detection,
                what,
            } => {
                let p = self.effective(*primary);
                if p.verdict <= Verdict::CapacityShort {
                    // Serving from the primary; losing what it fails over to loses redundancy.
                    let s = self.effective(*secondary);
                    if p.verdict < Verdict::Degraded && s.verdict > Verdict::Degraded {
                        return Effective {
                            verdict: Verdict::Degraded,
                            why: format!("the {what} target is lost: {}", s.why),
                            data_loss: false,
                            estimate: None,
                        };
                    }
                    return p;
                }
                if !checked {
                    return Effective {
                        why: format!(
                            "{}; the primary has no health check, so {what} never moves away from it",
                            p.why
                        ),
                        ..p
                    };
                }
                let s = self.effective(*secondary);
                let nodes = self.nodes;
                let to = nodes[*secondary].label();
                match s.verdict {
                    Verdict::Unaffected | Verdict::Degraded | Verdict::Failover => {
                        let mut est = detection.clone();
                        est.dominated_by = Some(what.to_string());
                        let estimate = Estimate::longest(Some(est), s.estimate.clone());
                        Effective {
                            verdict: Verdict::Failover,
                            why: format!("{}; {what} to {to}", p.why),
                            data_loss: s.data_loss,
                            estimate,
                        }
                    }
                    _ => Effective {
                        why: format!("{}; and the failover target {}", p.why, s.why),
                        ..s
                    },
                }
            }
            Choice::Spread {
                members,
                outside,
                detection,
            } => {
                let mut serving = Vec::new();
                let mut lost = Vec::new();
                for (m, checked) in members {
                    let e = self.effective(*m);
                    if e.verdict <= Verdict::CapacityShort {
                        serving.push(e);
                    } else {
                        let nodes = self.nodes;
                        lost.push((e, *checked, nodes[*m].label()));
                    }
                }
                if serving.is_empty() {
                    let unknown =
                        *outside > 0 || lost.iter().any(|l| l.0.verdict == Verdict::NotEvaluated);
                    let why = lost
                        .iter()
                        .map(|l| l.0.why.clone())
                        .next()
                        .unwrap_or_default();
                    return Effective {
                        verdict: if unknown {
                            Verdict::NotEvaluated
                        } else {
                            Verdict::Outage
                        },
                        why: if *outside > 0 {
                            format!("{why}; {outside} other answer(s) point outside the snapshot")
                        } else {
                            format!("every answer points at something down: {why}")
                        },
                        data_loss: lost.iter().any(|l| l.0.data_loss),
                        estimate: None,
                    };
                }
                let mut e = Effective {
                    verdict: Verdict::Unaffected,
                    why: String::new(),
                    data_loss: false,
                    estimate: None,
                };
                for s in serving {
                    merge(&mut e, s);
                }
                for (l, checked, label) in lost {
                    let part = if checked {
                        let mut est = detection.clone();
                        est.dominated_by = Some("Route 53 health checks".into());
                        Effective {
                            verdict: Verdict::Failover,
                            why: format!("{}; DNS stops answering with {label}", l.why),
                            data_loss: false,
                            estimate: Some(est),
                        }
                    } else if l.verdict == Verdict::NotEvaluated {
                        l
                    } else {
                        Effective {
                            verdict: Verdict::CapacityShort,
                            why: format!(
                                "{}; DNS keeps answering with {label}, which has no health check",
                                l.why
                            ),
                            data_loss: l.data_loss,
                            estimate: None,
                        }
                    };
                    merge(&mut e, part);
                }
                e
            }
        }
    }
}

/// Folds a dependency's outcome into a component's: the worse verdict and its reason, the
/// longest recovery, any data loss.
fn merge(e: &mut Effective, d: Effective) {
    if d.verdict == Verdict::Unaffected {
        return;
    }
    if d.verdict > e.verdict {
        e.verdict = d.verdict;
        e.why = d.why;
    }
    e.data_loss |= d.data_loss;
    e.estimate = Estimate::longest(e.estimate.take(), d.estimate);
}
