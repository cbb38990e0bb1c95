//! How the rules cover an anchor's checks (Trusted Advisor's fault tolerance category,
//! Prowler's resilience checks): each check is covered by the rules whose mappings name it,
//! or says why no rule does. The lists live in `engine/anchors/*.toml`; a check marked
//! uncovered that a rule maps, or one neither mapped nor explained, is an error, so the
//! table cannot drift from the rules.

use super::{Rule, RuleSet};
use serde::{Deserialize, Serialize};

/// The anchors `rules --coverage` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Anchor {
    TrustedAdvisor,
    Prowler,
}

impl Anchor {
    fn text(self) -> &'static str {
        match self {
            Anchor::TrustedAdvisor => include_str!("anchors/trusted-advisor.toml"),
            Anchor::Prowler => include_str!("anchors/prowler.toml"),
        }
    }

    fn mapped(self, r: &Rule) -> &[String] {
        match self {
            Anchor::TrustedAdvisor => &r.mappings.trusted_advisor,
            Anchor::Prowler => &r.mappings.prowler,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct List {
    #[allow(dead_code)]
    anchor: String,
    title: String,
    source: String,
    check: Vec<Check>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Check {
    id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    uncovered: Option<String>,
}

/// One check of the anchor and what covers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Covered {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    /// The rules whose mappings name it.
    pub rules: Vec<String>,
    /// Why no rule covers it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uncovered: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub title: String,
    pub source: String,
    pub checks: Vec<Covered>,
}

impl Coverage {
    pub fn covered(&self) -> usize {
        self.checks.iter().filter(|c| !c.rules.is_empty()).count()
    }
}

/// The anchor's checks against `rules`. Errs when the list and the rules disagree.
pub fn coverage(anchor: Anchor, rules: &RuleSet) -> Result<Coverage, String> {
    let list: List = toml::from_str(anchor.text())
        .map_err(|e| format!("the built-in {anchor:?} check list does not parse: {e}"))?;
    let mut checks = Vec::new();
    let mut problems = Vec::new();
    for c in list.check {
        let by: Vec<String> = rules
            .rules
            .iter()
            .filter(|r| anchor.mapped(&r.rule).contains(&c.id))
            .map(|r| r.rule.id.clone())
            .collect();
        match (&c.uncovered, by.is_empty()) {
            (Some(_), false) => problems.push(format!(
                "{} is marked uncovered but mapped by {}",
                c.id,
                by.join(", ")
            )),
            (None, true) => problems.push(format!(
                "{} is neither mapped by a rule nor explained",
                c.id
            )),
            _ => {}
        }
        checks.push(Covered {
            id: c.id,
            name: c.name,
            severity: c.severity,
            rules: by,
            uncovered: c.uncovered,
        });
    }
    if problems.is_empty() {
        Ok(Coverage {
            title: list.title,
            source: list.source,
            checks,
        })
    } else {
        Err(problems.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_of_both_anchors_is_covered_or_explained() {
        let rules = crate::engine::load_builtin().unwrap();
        let ta = coverage(Anchor::TrustedAdvisor, &rules).unwrap();
        assert_eq!((ta.checks.len(), ta.covered()), (91, 81));
        assert_eq!(ta.checks[0].id, "c1dfprch08");
        assert_eq!(ta.checks[90].id, "c1t3k8mqv2");
        let rds = ta.checks.iter().find(|c| c.id == "f2iK5R6Dep").unwrap();
        assert_eq!(rds.rules, ["HA-RDS-001"]);
        let p = coverage(Anchor::Prowler, &rules).unwrap();
        assert_eq!((p.checks.len(), p.covered()), (89, 84));
        let s3 = p
            .checks
            .iter()
            .find(|c| c.id == "s3_bucket_cross_region_replication")
            .unwrap();
        assert_eq!(s3.rules, ["HA-S3-002", "HA-S3-004"]);
        assert_eq!(s3.severity.as_deref(), Some("low"));
    }

    #[test]
    fn a_list_that_disagrees_with_the_rules_is_an_error() {
        let mut rules = crate::engine::load_builtin().unwrap();
        // A rule now maps a check the list calls uncovered; another mapping disappears.
        let r = rules
            .rules
            .iter_mut()
            .find(|r| r.rule.id == "HA-RDS-001")
            .unwrap();
        r.rule.mappings.trusted_advisor = vec!["Cmsvnj8vf1".into()];
        let err = coverage(Anchor::TrustedAdvisor, &rules).unwrap_err();
        assert_eq!(
            err,
            "Cmsvnj8vf1 is marked uncovered but mapped by HA-RDS-001; \
             c1qf5bt019 is neither mapped by a rule nor explained; \
             f2iK5R6Dep is neither mapped by a rule nor explained; \
             c18d2gz156 is neither mapped by a rule nor explained"
        );
    }
}
