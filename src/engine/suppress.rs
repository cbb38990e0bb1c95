//! Suppressions: accepted findings that stay visible as `suppressed` (never dropped), each with
//! a mandatory reason and an optional expiry after which the finding fails again.

use super::finding::{Finding, Outcome};
use chrono::NaiveDate;

#[derive(Debug, Clone, PartialEq)]
pub struct Suppression {
    /// Rule id, or `*` for every rule.
    pub rule: String,
    /// ARN, resource id or resource name; `*` matches any run of characters.
    pub resource: String,
    pub reason: String,
    /// Last day the suppression applies (inclusive), if it expires.
    pub expires: Option<NaiveDate>,
}

/// What a failing finding is matched on: its rule, and its id, ARN and name.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub rule_id: &'a str,
    pub resource_id: &'a str,
    pub arn: Option<&'a str>,
    pub resource_name: Option<&'a str>,
}

impl Suppression {
    fn matches(&self, t: &Target) -> bool {
        (self.rule == "*" || self.rule.eq_ignore_ascii_case(t.rule_id))
            && [Some(t.resource_id), t.arn, t.resource_name]
                .into_iter()
                .flatten()
                .any(|candidate| glob(&self.resource, candidate))
    }
}

/// What the suppressions make of one failing finding.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// An active suppression: suppressed, with this reason.
    Suppressed(String),
    /// Only expired ones matched: still failing, with this reason, and a warning for the
    /// user.
    Expired { reason: String, warning: String },
}

/// Decides one failing finding as of `today`; `None` when no suppression matches it.
pub fn decide(t: &Target, suppressions: &[Suppression], today: NaiveDate) -> Option<Decision> {
    let matching: Vec<&Suppression> = suppressions.iter().filter(|s| s.matches(t)).collect();
    if let Some(active) = matching
        .iter()
        .find(|s| s.expires.is_none_or(|d| today <= d))
    {
        return Some(Decision::Suppressed(match active.expires {
            Some(d) => format!("{} (suppressed until {d})", active.reason),
            None => active.reason.clone(),
        }));
    }
    let expired = matching.first()?;
    let d = expired.expires.expect("only expired ones are left");
    Some(Decision::Expired {
        reason: format!(
            "a suppression expired on {d} and no longer applies: {}",
            expired.reason
        ),
        warning: format!(
            "suppression of {} for {} expired on {d}: the finding fails again",
            t.rule_id, expired.resource
        ),
    })
}

/// Applies suppressions to failing findings as of `today`. Returns one warning per expired
/// suppression that would otherwise have matched, so the user learns it stopped working.
pub fn apply(
    findings: &mut [Finding],
    suppressions: &[Suppression],
    today: NaiveDate,
) -> Vec<String> {
    let mut warnings = Vec::new();
    for f in findings.iter_mut().filter(|f| f.outcome == Outcome::Fail) {
        let target = Target {
            rule_id: &f.rule_id,
            resource_id: &f.resource_id,
            arn: f.arn.as_deref(),
            resource_name: f.resource_name.as_deref(),
        };
        match decide(&target, suppressions, today) {
            Some(Decision::Suppressed(reason)) => {
                f.outcome = Outcome::Suppressed;
                f.reason = Some(reason.into());
            }
            Some(Decision::Expired { reason, warning }) => {
                f.reason = Some(reason.into());
                warnings.push(warning);
            }
            None => {}
        }
    }
    warnings
}

/// `*` matches any run of characters (including `/` and `:`); everything else is literal.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(i) => rest = &rest[i + middle.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Severity;

    fn finding(rule: &'static str, id: &'static str, arn: &'static str) -> Finding<'static> {
        Finding {
            rule_id: rule.into(),
            rule_name: "r".into(),
            severity: Severity::High,
            outcome: Outcome::Fail,
            resource_kind: "rds.db_instance".into(),
            resource_id: id.into(),
            resource_name: Some(id.into()),
            arn: Some(arn.into()),
            region: "eu-west-1".into(),
            account_id: "1".into(),
            message: "m".into(),
            reason: None,
            in_baseline: false,
        }
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn globs_match_whole_strings() {
        assert!(glob(
            "arn:aws:rds:*:db:orders-*",
            "arn:aws:rds:eu-west-1:1:db:orders-2"
        ));
        assert!(glob("*", "anything"));
        assert!(glob("a*b*c", "aXbYc"));
        assert!(!glob("a*b*c", "aXcYb"));
        assert!(!glob("orders", "orders-2"));
        assert!(!glob("ab*ba", "aba"));
    }

    #[test]
    fn active_suppressions_suppress_and_expired_ones_say_so() {
        let mut f = vec![
            finding("HA-RDS-001", "orders", "arn:aws:rds:eu-west-1:1:db:orders"),
            finding(
                "HA-RDS-001",
                "billing",
                "arn:aws:rds:eu-west-1:1:db:billing",
            ),
            finding("HA-RDS-003", "orders", "arn:aws:rds:eu-west-1:1:db:orders"),
        ];
        let s = vec![
            Suppression {
                rule: "ha-rds-001".into(),
                resource: "arn:aws:rds:*:db:orders".into(),
                reason: "migrating to Aurora".into(),
                expires: Some(day("2026-12-31")),
            },
            Suppression {
                rule: "*".into(),
                resource: "billing".into(),
                reason: "decommissioned in Q1".into(),
                expires: Some(day("2026-01-31")),
            },
        ];
        let warnings = apply(&mut f, &s, day("2026-12-31"));
        assert_eq!(f[0].outcome, Outcome::Suppressed);
        assert_eq!(
            f[0].reason.as_deref(),
            Some("migrating to Aurora (suppressed until 2026-12-31)")
        );
        assert_eq!(f[1].outcome, Outcome::Fail);
        assert!(f[1]
            .reason
            .as_deref()
            .unwrap()
            .contains("expired on 2026-01-31"));
        assert_eq!(
            f[2].outcome,
            Outcome::Fail,
            "another rule is not suppressed"
        );
        assert_eq!(f[2].reason, None);
        assert_eq!(warnings.len(), 1);

        // The day after expiry, the first one stops applying too.
        let mut g = vec![finding(
            "HA-RDS-001",
            "orders",
            "arn:aws:rds:eu-west-1:1:db:orders",
        )];
        apply(&mut g, &s, day("2027-01-01"));
        assert_eq!(g[0].outcome, Outcome::Fail);
    }
}
