//! What a failure does to a component or a workload, worst last.

use serde::Serialize;

/// Ordered from best to worst: a workload takes the worst verdict on its critical path. An
/// unknown outcome ranks just below an outage, since it may be one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Nothing it needs is in the failed AZ or region.
    Unaffected,
    /// Capacity or redundancy lost, what remains still carries the required load.
    Degraded,
    /// Fails over automatically, after a short interruption of the estimated duration.
    Failover,
    /// Keeps serving with less than the required capacity until it is replaced, if it can be.
    CapacityShort,
    /// What it depends on could not be read or placed: never counted as surviving.
    NotEvaluated,
    /// Stops serving until the AZ or region recovers, or someone acts.
    Outage,
}

impl Verdict {
    pub const ALL: [Verdict; 6] = [
        Verdict::Unaffected,
        Verdict::Degraded,
        Verdict::Failover,
        Verdict::CapacityShort,
        Verdict::NotEvaluated,
        Verdict::Outage,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Unaffected => "unaffected",
            Verdict::Degraded => "degraded",
            Verdict::Failover => "failover",
            Verdict::CapacityShort => "capacity_short",
            Verdict::NotEvaluated => "not_evaluated",
            Verdict::Outage => "outage",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How long a workload or component is interrupted, in seconds: each term comes from the
/// snapshot or from a documented typical value, named in `basis`. `max_s: None` means not
/// bounded by anything ha-audit can read (a launch, an operator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Estimate {
    pub min_s: u32,
    pub max_s: Option<u32>,
    /// The component whose recovery takes longest.
    pub dominated_by: Option<String>,
    pub basis: Vec<String>,
}

impl Estimate {
    pub fn range(min_s: u32, max_s: Option<u32>, basis: impl Into<String>) -> Estimate {
        Estimate {
            min_s,
            max_s,
            dominated_by: None,
            basis: vec![basis.into()],
        }
    }

    /// Recoveries that run at the same time: the longest one decides.
    pub fn longest(a: Option<Estimate>, b: Option<Estimate>) -> Option<Estimate> {
        match (a, b) {
            (None, x) | (x, None) => x,
            (Some(a), Some(b)) => {
                let b_longer = match (a.max_s, b.max_s) {
                    (Some(x), Some(y)) => y > x || (y == x && b.min_s > a.min_s),
                    (Some(_), None) => true,
                    (None, Some(_)) => false,
                    (None, None) => b.min_s > a.min_s,
                };
                let (mut win, lose) = if b_longer { (b, a) } else { (a, b) };
                win.min_s = win.min_s.max(lose.min_s);
                for x in lose.basis {
                    if !win.basis.contains(&x) {
                        win.basis.push(x);
                    }
                }
                Some(win)
            }
        }
    }

    /// Steps that follow one another: detection, then the switch.
    pub fn then(mut self, next: &Estimate) -> Estimate {
        self.min_s += next.min_s;
        self.max_s = match (self.max_s, next.max_s) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
        self.basis.extend(next.basis.iter().cloned());
        self
    }

    /// `60-120 s`, `>= 360 s`, `0-30 s`, `unknown`.
    pub fn text(&self) -> String {
        match self.max_s {
            Some(max) if max == self.min_s => format!("{max} s"),
            Some(max) => format!("{}-{max} s", self.min_s),
            None if self.min_s == 0 => "unknown".to_string(),
            None => format!(">= {} s", self.min_s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_rank_worst_last() {
        let mut v = Verdict::ALL.to_vec();
        v.reverse();
        v.sort();
        assert_eq!(v, Verdict::ALL);
        assert_eq!(Verdict::ALL.iter().max(), Some(&Verdict::Outage));
    }

    #[test]
    fn the_longest_recovery_wins_and_keeps_every_basis() {
        let rds = Estimate::range(60, Some(120), "RDS");
        let lb = Estimate::range(60, Some(60), "LB");
        let open = Estimate::range(10, None, "launch");
        let both = Estimate::longest(Some(lb.clone()), Some(rds.clone())).unwrap();
        assert_eq!((both.min_s, both.max_s), (60, Some(120)));
        assert_eq!(both.basis, ["RDS", "LB"]);
        let unbounded = Estimate::longest(Some(rds), Some(open)).unwrap();
        assert_eq!((unbounded.min_s, unbounded.max_s), (60, None));
        assert_eq!(
            lb.then(&Estimate::range(0, Some(30), "x")).text(),
            "60-90 s"
        );
    }
}
