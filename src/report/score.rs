//! The resilience score: one explainable number per account, region and service, computed from
//! the findings alone, so every format (and `ha-audit diff` on two saved JSON reports) shows the
//! same value.
//!
//! Over the (rule, resource) pairs of a scope:
//!
//! ```text
//! score    = 100 × (1 − failing weight ÷ judged weight)
//! judged   = pass + fail pairs, each weighing w(severity of its rule)
//! w        = critical 10, high 5, medium 2, low 1
//! coverage = (pass + fail + suppressed) ÷ all pairs, unweighted
//! ```
//!
//! Suppressed pairs are left out of both sums: an accepted exception neither raises nor lowers
//! the score, but it was judged, so it counts towards coverage. Not-evaluated pairs are left out
//! of both sums and lower the coverage instead, so a scan that could read nothing has no score
//! ("n/a") rather than a silent 100. Both numbers are rounded half up to one decimal with
//! integer arithmetic, so every format prints the very same digits.

use crate::engine::{Finding, Outcome, Severity};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

/// The weight of a (rule, resource) pair of this severity.
pub fn weight(sev: Severity) -> u64 {
    match sev {
        Severity::Critical => 10,
        Severity::High => 5,
        Severity::Medium => 2,
        Severity::Low => 1,
    }
}

/// The formula in one line, as the JSON report states it.
pub const FORMULA: &str = "score = 100 x (1 - failing_weight / judged_weight) over the (rule, \
     resource) pairs that passed or failed, each weighing its rule's severity (critical 10, high \
     5, medium 2, low 1); suppressed and not_evaluated pairs are in neither sum; coverage = \
     (pass + fail + suppressed) / all pairs; both rounded half up to one decimal; null (n/a) \
     when nothing was judged";

/// A number in tenths (`Some(875)` is 87.5), or `None` for "n/a".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tenths(pub Option<u64>);

impl Tenths {
    /// `numerator ÷ denominator` as a percentage rounded half up to one decimal; `None` when
    /// the denominator is 0.
    fn percent(numerator: u64, denominator: u64) -> Tenths {
        if denominator == 0 {
            return Tenths(None);
        }
        // 1000 × n / d, rounded half up: (2000 n + d) / 2d.
        Tenths(Some((2000 * numerator + denominator) / (2 * denominator)))
    }

    /// The value with one decimal ("87.5", "100.0"), or "n/a".
    pub fn text(self) -> String {
        match self.0 {
            Some(t) => format!("{}.{}", t / 10, t % 10),
            None => "n/a".to_string(),
        }
    }

    /// The signed change from `old` to `self` in tenths; `None` when either side has no
    /// value.
    pub fn change_from(self, old: Tenths) -> Option<i64> {
        Some(self.0? as i64 - old.0? as i64)
    }
}

/// A signed change in tenths as text: "+7.8", "-0.4", "±0.0".
pub fn change_text(change: Option<i64>) -> String {
    match change {
        None => "n/a".to_string(),
        Some(0) => "±0.0".to_string(),
        Some(c) => {
            let sign = if c > 0 { '+' } else { '-' };
            let a = c.unsigned_abs();
            format!("{sign}{}.{}", a / 10, a % 10)
        }
    }
}

impl Serialize for Tenths {
    /// A JSON number with one decimal (87.5), or null.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            // tenths / 10 prints with at most one decimal: f64 display is the shortest text
            // that reads back as the same number.
            Some(t) => s.serialize_f64(t as f64 / 10.0),
            None => s.serialize_none(),
        }
    }
}

/// The counts and weights of one scope.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub score: Tenths,
    pub coverage: Tenths,
    /// Sum of the weights of the failing pairs.
    pub failing_weight: u64,
    /// Sum of the weights of the passing and failing pairs.
    pub judged_weight: u64,
    pub pass: usize,
    pub fail: usize,
    pub suppressed: usize,
    pub not_evaluated: usize,
}

/// What the score reads of one finding.
#[derive(Debug, Clone, Copy)]
pub struct Scored<'a> {
    pub outcome: Outcome,
    pub severity: Severity,
    pub account_id: &'a str,
    pub region: &'a str,
    pub resource_kind: &'a str,
}

impl<'a> Scored<'a> {
    pub fn of(f: &'a Finding) -> Scored<'a> {
        Scored {
            outcome: f.outcome,
            severity: f.severity,
            account_id: &f.account_id,
            region: &f.region,
            resource_kind: &f.resource_kind,
        }
    }
}

impl Tally {
    fn add(&mut self, f: &Scored) {
        let w = weight(f.severity);
        match f.outcome {
            Outcome::Pass => {
                self.pass += 1;
                self.judged_weight += w;
            }
            Outcome::Fail => {
                self.fail += 1;
                self.judged_weight += w;
                self.failing_weight += w;
            }
            Outcome::Suppressed => self.suppressed += 1,
            Outcome::NotEvaluated => self.not_evaluated += 1,
        }
    }

    fn finish(&mut self) {
        self.score = Tenths::percent(self.judged_weight - self.failing_weight, self.judged_weight);
        let judged = (self.pass + self.fail + self.suppressed) as u64;
        self.coverage = Tenths::percent(judged, judged + self.not_evaluated as u64);
    }

    pub fn of<'f, 'a: 'f>(findings: impl IntoIterator<Item = &'f Finding<'a>>) -> Tally {
        let mut t = Tally::default();
        for f in findings {
            t.add(&Scored::of(f));
        }
        t.finish();
        t
    }
}

/// One row of a breakdown: the scope's name and its tally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scoped {
    #[serde(flatten)]
    pub key: ScopeKey,
    #[serde(flatten)]
    pub tally: Tally,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ScopeKey {
    #[serde(rename = "account_id")]
    Account(String),
    #[serde(rename = "region")]
    Region(String),
    #[serde(rename = "service")]
    Service(String),
}

impl ScopeKey {
    pub fn name(&self) -> &str {
        match self {
            ScopeKey::Account(s) | ScopeKey::Region(s) | ScopeKey::Service(s) => s,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Weights {
    pub critical: u64,
    pub high: u64,
    pub medium: u64,
    pub low: u64,
}

/// The score of a whole report, as the JSON report's `score` object.
#[derive(Debug, Clone, Serialize)]
pub struct Score {
    pub formula: &'static str,
    pub weights: Weights,
    /// How suppressed pairs count: left out of the score, counted as judged for coverage.
    pub suppressed: &'static str,
    pub overall: Tally,
    pub by_account: Vec<Scoped>,
    pub by_region: Vec<Scoped>,
    pub by_service: Vec<Scoped>,
}

impl Score {
    /// Groups by the findings' own account, region and service, so a report over several
    /// accounts needs nothing more.
    pub fn of(findings: &[Finding]) -> Score {
        Score::of_scored(findings.iter().map(Scored::of))
    }

    /// The score of a report's findings, from whichever the report holds.
    pub fn of_report(r: &super::Report) -> Score {
        match r.judged {
            Some(j) => Score::of_scored(j.scored().map(
                |(outcome, severity, account_id, region, resource_kind)| Scored {
                    outcome,
                    severity,
                    account_id,
                    region,
                    resource_kind,
                },
            )),
            None => Score::of(r.findings),
        }
    }

    /// [`Score::of`] from what the score reads of each finding, in one pass.
    pub fn of_scored<'a>(findings: impl IntoIterator<Item = Scored<'a>>) -> Score {
        let mut overall = Tally::default();
        let mut by_account: BTreeMap<String, Tally> = BTreeMap::new();
        let mut by_region: BTreeMap<String, Tally> = BTreeMap::new();
        let mut by_service: BTreeMap<String, Tally> = BTreeMap::new();
        let add = |by: &mut BTreeMap<String, Tally>, key: &str, f: &Scored| match by.get_mut(key) {
            Some(t) => t.add(f),
            None => by.entry(key.to_string()).or_default().add(f),
        };
        // Findings come rule by rule, so the kind of one is mostly the kind of the one before.
        let mut last: Option<(&str, &str)> = None;
        for f in findings {
            overall.add(&f);
            add(&mut by_account, f.account_id, &f);
            add(&mut by_region, f.region, &f);
            let service = match last {
                Some((kind, service)) if kind == f.resource_kind => service,
                _ => service_of(f.resource_kind),
            };
            last = Some((f.resource_kind, service));
            add(&mut by_service, service, &f);
        }
        overall.finish();
        let rows = |by: BTreeMap<String, Tally>, wrap: fn(String) -> ScopeKey| {
            by.into_iter()
                .map(|(k, mut tally)| {
                    tally.finish();
                    Scoped {
                        key: wrap(k),
                        tally,
                    }
                })
                .collect()
        };
        Score {
            formula: FORMULA,
            weights: Weights {
                critical: weight(Severity::Critical),
                high: weight(Severity::High),
                medium: weight(Severity::Medium),
                low: weight(Severity::Low),
            },
            suppressed: "excluded from the score, counted as judged for coverage",
            overall,
            by_account: rows(by_account, ScopeKey::Account),
            by_region: rows(by_region, ScopeKey::Region),
            by_service: rows(by_service, ScopeKey::Service),
        }
    }
}

/// A breakdown on one line: `us-east-1 60.0 · us-west-2 n/a`.
pub fn breakdown(rows: &[Scoped]) -> String {
    rows.iter()
        .map(|x| format!("{} {}", x.key.name(), x.tally.score.text()))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The service a resource kind belongs to: from the kind table, else the kind's prefix
/// (`efs.file_system` -> `efs`), so kinds from extra rule sets still group sensibly.
pub fn service_of(kind: &str) -> &str {
    match crate::registry::Kind::from_key(kind) {
        Some(k) => k.service().key(),
        None => kind.split('.').next().unwrap_or(kind),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f<'a>(sev: Severity, outcome: Outcome, region: &'a str, kind: &'a str) -> Finding<'a> {
        Finding {
            rule_id: "R-1".into(),
            rule_name: "r".into(),
            severity: sev,
            outcome,
            resource_kind: kind.into(),
            resource_id: "x".into(),
            resource_name: None,
            arn: None,
            region: region.into(),
            account_id: "111111111111".into(),
            message: "m".into(),
            reason: None,
            in_baseline: false,
        }
    }

    use Outcome::*;
    use Severity::*;

    #[test]
    fn hand_computed_score_and_coverage() {
        // judged weight: 10 + 10 + 5 + 2 + 1 = 28; failing: 10 + 2 = 12;
        // score = 100 × 16 / 28 = 57.142… -> 57.1; coverage = 6 of 7 = 85.714… -> 85.7.
        let fs = [
            f(Critical, Pass, "r1", "rds.db_instance"),
            f(Critical, Fail, "r1", "rds.db_instance"),
            f(High, Pass, "r1", "s3.bucket"),
            f(Medium, Fail, "r2", "s3.bucket"),
            f(Low, Pass, "r2", "ec2.vpc"),
            f(High, Suppressed, "r2", "ec2.vpc"),
            f(Critical, NotEvaluated, "r2", "ec2.vpc"),
        ];
        let t = Tally::of(&fs);
        assert_eq!((t.judged_weight, t.failing_weight), (28, 12));
        assert_eq!(t.score, Tenths(Some(571)));
        assert_eq!(t.score.text(), "57.1");
        assert_eq!(t.coverage.text(), "85.7");
        assert_eq!(
            (t.pass, t.fail, t.suppressed, t.not_evaluated),
            (3, 2, 1, 1)
        );

        let s = Score::of(&fs);
        let region = |name: &str| {
            s.by_region
                .iter()
                .find(|x| x.key.name() == name)
                .unwrap()
                .tally
                .clone()
        };
        // r1: 25 judged, 10 failing -> 60.0; all judged.
        assert_eq!(region("r1").score.text(), "60.0");
        assert_eq!(region("r1").coverage.text(), "100.0");
        // r2: 3 judged, 2 failing -> 33.3; 3 of 4 judged -> 75.0.
        assert_eq!(region("r2").score.text(), "33.3");
        assert_eq!(region("r2").coverage.text(), "75.0");
        let services: Vec<(&str, String)> = s
            .by_service
            .iter()
            .map(|x| (x.key.name(), x.tally.score.text()))
            .collect();
        // ec2: 1 judged, none failing; rds: 20 judged, 10 failing; s3: 7 judged, 2 failing
        // -> 71.428… -> 71.4.
        assert_eq!(
            services,
            [
                ("ec2", "100.0".to_string()),
                ("rds", "50.0".to_string()),
                ("s3", "71.4".to_string())
            ]
        );
        assert_eq!(s.by_account.len(), 1);
        assert_eq!(s.by_account[0].tally, t);
    }

    #[test]
    fn the_readme_example() {
        // Two DB instances under a critical rule (one fails), a bucket under a high rule
        // (passes) and a low one (fails): 100 × 15/26 = 57.69… -> 57.7.
        let fs = [
            f(Critical, Fail, "r", "rds.db_instance"),
            f(Critical, Pass, "r", "rds.db_instance"),
            f(High, Pass, "r", "s3.bucket"),
            f(Low, Fail, "r", "s3.bucket"),
        ];
        let t = Tally::of(&fs);
        assert_eq!((t.judged_weight, t.failing_weight), (26, 11));
        assert_eq!(t.score.text(), "57.7");
    }

    #[test]
    fn a_report_over_several_accounts_scores_each() {
        let mut other = f(High, Fail, "r1", "s3.bucket");
        other.account_id = "222222222222".into();
        let fs = [f(High, Pass, "r1", "s3.bucket"), other];
        let s = Score::of(&fs);
        let accounts: Vec<(&str, String)> = s
            .by_account
            .iter()
            .map(|x| (x.key.name(), x.tally.score.text()))
            .collect();
        assert_eq!(
            accounts,
            [
                ("111111111111", "100.0".to_string()),
                ("222222222222", "0.0".to_string())
            ]
        );
        // Regions and services pool the accounts.
        assert_eq!(s.by_region[0].tally.score.text(), "50.0");
        assert_eq!(s.overall.score.text(), "50.0");
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["by_account"][1]["account_id"], "222222222222");
        assert_eq!(json["by_account"][1]["score"], 0.0);
    }

    #[test]
    fn rounding_is_half_up_on_exact_tenths() {
        // 1 failing low among 16 low pairs: 100 × 15/16 = 93.75 -> 93.8.
        let mut fs = vec![f(Low, Fail, "r", "s3.bucket")];
        fs.extend((0..15).map(|_| f(Low, Pass, "r", "s3.bucket")));
        assert_eq!(Tally::of(&fs).score.text(), "93.8");
        // 1 of 3: 33.33… -> 33.3; 2 of 3: 66.66… -> 66.7.
        let third = [
            f(Low, Fail, "r", "s3.bucket"),
            f(Low, Pass, "r", "s3.bucket"),
            f(Low, Pass, "r", "s3.bucket"),
        ];
        assert_eq!(Tally::of(&third).score.text(), "66.7");
        assert_eq!(Tally::of(&third[..2]).score.text(), "50.0");
    }

    #[test]
    fn nothing_judged_has_no_score() {
        assert_eq!(Tally::of(&[]).score.text(), "n/a");
        assert_eq!(Tally::of(&[]).coverage.text(), "n/a");
        let unread = [
            f(Critical, NotEvaluated, "r", "s3.bucket"),
            f(Low, NotEvaluated, "r", "s3.bucket"),
        ];
        let t = Tally::of(&unread);
        assert_eq!(t.score, Tenths(None));
        assert_eq!(t.coverage.text(), "0.0");
        // Only accepted exceptions: judged, but nothing left to score.
        let t = Tally::of(&[f(High, Suppressed, "r", "s3.bucket")]);
        assert_eq!(
            (t.score.text().as_str(), t.coverage.text().as_str()),
            ("n/a", "100.0")
        );
        assert_eq!(
            serde_json::to_value(&t).unwrap()["score"],
            serde_json::Value::Null
        );
    }

    #[test]
    fn all_pass_and_all_fail_are_the_bounds() {
        let pass = [
            f(High, Pass, "r", "s3.bucket"),
            f(Low, Pass, "r", "s3.bucket"),
        ];
        assert_eq!(Tally::of(&pass).score.text(), "100.0");
        let fail = [
            f(High, Fail, "r", "s3.bucket"),
            f(Low, Fail, "r", "s3.bucket"),
        ];
        assert_eq!(Tally::of(&fail).score.text(), "0.0");
        // A near-zero share still shows as 0.0, not a negative or a rounding artefact.
        let mut fs = vec![f(Low, Pass, "r", "s3.bucket")];
        fs.extend((0..2000).map(|_| f(Critical, Fail, "r", "s3.bucket")));
        assert_eq!(Tally::of(&fs).score.text(), "0.0");
    }

    #[test]
    fn suppressed_pairs_move_neither_sum() {
        let base = [
            f(High, Pass, "r", "s3.bucket"),
            f(Low, Fail, "r", "s3.bucket"),
        ];
        let mut with = base.to_vec();
        with.push(f(Critical, Suppressed, "r", "s3.bucket"));
        let (a, b) = (Tally::of(&base), Tally::of(&with));
        assert_eq!(a.score, b.score);
        assert_eq!(a.score.text(), "83.3");
        assert_eq!(b.coverage.text(), "100.0");
    }

    #[test]
    fn json_numbers_print_the_same_digits_as_text() {
        for t in [0, 1, 9, 10, 333, 571, 875, 999, 1000] {
            let v = serde_json::to_string(&Tenths(Some(t))).unwrap();
            let text = Tenths(Some(t)).text();
            assert_eq!(v.parse::<f64>().unwrap(), text.parse::<f64>().unwrap());
            assert_eq!(format!("{:.1}", v.parse::<f64>().unwrap()), text);
        }
    }

    #[test]
    fn changes_are_signed_tenths() {
        assert_eq!(
            change_text(Tenths(Some(801)).change_from(Tenths(Some(723)))),
            "+7.8"
        );
        assert_eq!(
            change_text(Tenths(Some(719)).change_from(Tenths(Some(723)))),
            "-0.4"
        );
        assert_eq!(
            change_text(Tenths(Some(5)).change_from(Tenths(Some(5)))),
            "±0.0"
        );
        assert_eq!(
            change_text(Tenths(None).change_from(Tenths(Some(5)))),
            "n/a"
        );
    }

    #[test]
    fn unknown_kinds_group_by_their_prefix() {
        assert_eq!(service_of("rds.db_cluster"), "rds");
        assert_eq!(service_of("efs.file_system"), "efs");
        assert_eq!(service_of("odd"), "odd");
    }
}
