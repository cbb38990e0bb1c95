//! `ha-audit.toml`: per-rule parameters and switches, validated against the loaded rules so a
//! typo is an error naming the line, not a silently ignored setting.
//!
//! ```toml
//! [rules.HA-VPC-001]
//! params = { min_azs = 3 }
//!
//! [rules.HA-ELB-002]
//! enabled = false
//!
//! [rules.HA-S3-003]
//! severity = "medium"
//!
//! [[suppressions]]
//! rule = "HA-RDS-001"
//! resource = "arn:aws:rds:*:db:reporting-*"
//! reason = "reporting replicas are rebuilt from the warehouse"
//! expires = 2027-03-31
//! ```

use crate::engine::{RuleSet, Suppression};
use crate::error::{Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The file looked for in the working directory when `--config` is not given.
pub const DEFAULT_FILE: &str = "ha-audit.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub rules: BTreeMap<Spanned<String>, RuleConfig>,
    #[serde(default)]
    pub suppressions: Vec<Spanned<SuppressionConfig>>,
    /// Gate threshold when `--fail-on` is not given: critical, high, medium, low or never.
    #[serde(default)]
    pub fail_on: Option<crate::engine::FailOn>,
    /// Which resources are judged.
    #[serde(default)]
    pub scope: Scope,
    /// Services to judge (`route53 = false` turns off every rule of that service).
    #[serde(default)]
    pub services: BTreeMap<Spanned<String>, bool>,
    #[serde(skip)]
    path: PathBuf,
    #[serde(skip)]
    text: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// Set to false to turn the rule off.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Severity override (critical, high, medium, low): changes reports and the gate.
    #[serde(default)]
    pub severity: Option<crate::engine::Severity>,
    /// Parameter overrides; each must exist in the rule and keep its type.
    #[serde(default)]
    pub params: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
}

/// Which resources are judged; everything else is left out of the report.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// Judge only these regions (`global` for Route 53).
    #[serde(default)]
    pub regions: Option<Vec<String>>,
    /// Judge only these accounts.
    #[serde(default)]
    pub accounts: Option<Vec<String>>,
    /// Judge only resources carrying all of these tags (resources without tags are left out).
    #[serde(default)]
    pub include_tags: BTreeMap<String, String>,
    /// Skip resources carrying any of these tags, e.g. `{ "ha-audit:ignore" = "true" }`.
    #[serde(default)]
    pub exclude_tags: BTreeMap<String, String>,
}

impl Scope {
    /// Whether a resource is judged.
    pub fn includes(&self, r: &crate::model::Resource, account: &str) -> bool {
        if self
            .regions
            .as_ref()
            .is_some_and(|v| !v.iter().any(|x| *x == r.region))
        {
            return false;
        }
        if self
            .accounts
            .as_ref()
            .is_some_and(|v| !v.iter().any(|a| a == account))
        {
            return false;
        }
        let tags = r.source.map(|s| {
            let mut out = [None];
            s.pick(&["tags"], &mut out);
            out[0].take().unwrap_or_default()
        });
        let tag = |k: &str| {
            tags.as_ref()
                .and_then(|t| t.get(k))
                .and_then(|v| v.as_str())
        };
        self.include_tags
            .iter()
            .all(|(k, v)| tag(k) == Some(v.as_str()))
            && !self
                .exclude_tags
                .iter()
                .any(|(k, v)| tag(k) == Some(v.as_str()))
    }
}

/// One accepted finding (or pattern of findings).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuppressionConfig {
    /// Rule id, or `*` for every rule.
    pub rule: String,
    /// ARN, resource id or name; `*` matches any run of characters.
    pub resource: String,
    /// Why the finding is accepted: mandatory, it is shown in every report.
    pub reason: String,
    /// Last day it applies (a TOML date, 2027-03-31); afterwards the finding fails again.
    #[serde(default)]
    pub expires: Option<Spanned<toml::Value>>,
}

impl Config {
    /// Reads `--config FILE`, or `ha-audit.toml` in the working directory if it exists.
    pub fn discover(explicit: Option<&Path>) -> Result<Option<Config>> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => {
                let p = PathBuf::from(DEFAULT_FILE);
                if !p.exists() {
                    return Ok(None);
                }
                p
            }
        };
        let text = crate::error::read_text(&path, "config")?;
        Config::parse(&path, &text).map(Some)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config> {
        let mut cfg: Config = toml::from_str(text).map_err(|e| Error::Input {
            path: path.to_path_buf(),
            detail: e.to_string().trim_end().replace('\n', "\n  "),
        })?;
        cfg.path = path.to_path_buf();
        cfg.text = text.to_string();
        Ok(cfg)
    }

    fn error(&self, span: std::ops::Range<usize>, detail: String) -> Error {
        let line = self.text[..span.start.min(self.text.len())]
            .lines()
            .count()
            .max(1);
        let line = if self.text[..span.start.min(self.text.len())].ends_with('\n') {
            line + 1
        } else {
            line
        };
        Error::Input {
            path: self.path.clone(),
            detail: format!("line {line}: {detail}"),
        }
    }

    /// Applies the settings to the rules: overrides params, drops disabled rules.
    pub fn apply(&self, set: &mut RuleSet) -> Result<()> {
        let mut disabled = Vec::new();
        for (id, rc) in &self.rules {
            let Some(rule) = set.get_mut(id.get_ref()) else {
                return Err(self.error(
                    id.span(),
                    format!(
                        "unknown rule `{}`; `ha-audit rules` lists them",
                        id.get_ref()
                    ),
                ));
            };
            let mut overrides = BTreeMap::new();
            for (name, value) in &rc.params {
                let Some(default) = rule.rule.params.get(name.get_ref()) else {
                    let known: Vec<&str> = rule.rule.params.keys().map(String::as_str).collect();
                    return Err(self.error(
                        name.span(),
                        format!(
                            "rule {}: unknown parameter `{}`; it has {}",
                            rule.rule.id,
                            name.get_ref(),
                            if known.is_empty() {
                                "no parameters".to_string()
                            } else {
                                known.join(", ")
                            }
                        ),
                    ));
                };
                if default.type_str() != value.get_ref().type_str() {
                    return Err(self.error(
                        value.span(),
                        format!(
                            "rule {}: parameter `{}` must be {} (like its default {}), not {}",
                            rule.rule.id,
                            name.get_ref(),
                            default.type_str(),
                            default,
                            value.get_ref().type_str()
                        ),
                    ));
                }
                overrides.insert(name.get_ref().clone(), value.get_ref().clone());
            }
            rule.set_params(&overrides);
            if let Some(severity) = rc.severity {
                rule.rule.severity = severity;
            }
            if rc.enabled == Some(false) {
                disabled.push(rule.rule.id.clone());
            }
        }
        for (service, on) in &self.services {
            let known: std::collections::BTreeSet<&str> = crate::model::judged_kinds()
                .map(|k| k.service().key())
                .collect();
            if !known.contains(service.get_ref().as_str()) {
                return Err(self.error(
                    service.span(),
                    format!(
                        "unknown service `{}`; expected one of: {}",
                        service.get_ref(),
                        known.into_iter().collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
            if !on {
                disabled.extend(
                    set.rules
                        .iter()
                        .filter(|r| r.rule.service() == service.get_ref())
                        .map(|r| r.rule.id.clone()),
                );
            }
        }
        set.rules.retain(|r| !disabled.contains(&r.rule.id));
        Ok(())
    }

    /// The suppressions, checked against the loaded rules.
    pub fn suppressions(&self, set: &RuleSet) -> Result<Vec<Suppression>> {
        let mut out = Vec::new();
        for entry in &self.suppressions {
            let s = entry.get_ref();
            if s.rule != "*" && set.get(&s.rule).is_none() {
                return Err(self.error(
                    entry.span(),
                    format!(
                        "suppression: unknown rule `{}`; use a rule id or `*`",
                        s.rule
                    ),
                ));
            }
            if s.reason.trim().is_empty() {
                return Err(self.error(
                    entry.span(),
                    "suppression: `reason` must say why the finding is accepted".into(),
                ));
            }
            if s.resource.trim().is_empty() {
                return Err(self.error(
                    entry.span(),
                    "suppression: `resource` must name an ARN, id or pattern".into(),
                ));
            }
            let expires = match &s.expires {
                None => None,
                Some(v) => Some(self.date(v)?),
            };
            out.push(Suppression {
                rule: s.rule.clone(),
                resource: s.resource.clone(),
                reason: s.reason.trim().to_string(),
                expires,
            });
        }
        Ok(out)
    }

    fn date(&self, v: &Spanned<toml::Value>) -> Result<chrono::NaiveDate> {
        let bad = || {
            self.error(
                v.span(),
                format!(
                    "suppression: `expires` must be a date like 2027-03-31, not {}",
                    v.get_ref()
                ),
            )
        };
        match v.get_ref() {
            toml::Value::Datetime(d) if d.time.is_none() && d.offset.is_none() => {
                let date = d.date.ok_or_else(bad)?;
                chrono::NaiveDate::from_ymd_opt(
                    i32::from(date.year),
                    u32::from(date.month),
                    u32::from(date.day),
                )
                .ok_or_else(bad)
            }
            _ => Err(bad()),
        }
    }
}
