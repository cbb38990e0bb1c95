//! The rule file format (one TOML file per rule) and its validation.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// GitHub code scanning's `security-severity` score for this level.
    pub fn score(self) -> &'static str {
        match self {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "3.0",
        }
    }
}

/// The lowest severity of a failing finding that fails a scan (exit code 1): the CI gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    /// Never fail on findings (exit 0 unless there is an error)
    Never,
}

impl FailOn {
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            FailOn::Never => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Redundancy,
    Failover,
    Backup,
    Scaling,
    Monitoring,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    pub why: String,
    pub remediation: String,
    #[serde(default)]
    pub references: Vec<String>,
}

/// Framework mappings, so reports can group findings by framework.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mappings {
    #[serde(default)]
    pub trusted_advisor: Vec<String>,
    #[serde(default)]
    pub security_hub: Vec<String>,
    #[serde(default)]
    pub config_rule: Vec<String>,
    #[serde(default)]
    pub well_architected: Vec<String>,
    #[serde(default)]
    pub prowler: Vec<String>,
    #[serde(default)]
    pub steampipe: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// `pass`, `fail`, `not_evaluated` or `not_applicable`.
    pub outcome: String,
    #[serde(default)]
    pub description: Option<String>,
    /// The resource fields the rule sees (`resource.<field>` in CEL).
    pub resource: toml::Table,
    /// Fields to treat as unreadable in this example.
    #[serde(default)]
    pub unknown: Vec<String>,
    /// Parameter overrides for this example.
    #[serde(default)]
    pub params: toml::Table,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub title: String,
    /// The resource kind the rule judges, e.g. `rds.db_instance`.
    pub resource: String,
    pub severity: Severity,
    pub category: Category,
    /// True when the rule judges a fact derived from other resources (an LB and its targets,
    /// a cluster and its members...), which single-resource checks cannot see.
    #[serde(default)]
    pub cross_resource: bool,
    /// CEL: which resources the rule judges (all of its kind when absent).
    #[serde(default)]
    pub applies: Option<String>,
    /// CEL: true means compliant.
    pub compliant: String,
    /// Failure message; `{field}` placeholders read the resource, `{params.x}` the params.
    pub message: String,
    /// Message of a pass, when it has something to say (why a resource that looks
    /// non-compliant is not); the same placeholders. Absent: "<title>: compliant".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_message: Option<String>,
    #[serde(default)]
    pub params: toml::Table,
    pub docs: Docs,
    #[serde(default)]
    pub mappings: Mappings,
    #[serde(default)]
    pub examples: Vec<Example>,
    /// Where the rule came from (set by the loader).
    #[serde(skip)]
    pub source: String,
}

impl Rule {
    /// Resource fields the rule's CEL reads (`resource.<field>`), used to tell when a rule
    /// would be reading a field that could not be collected.
    pub fn referenced_fields(&self) -> Vec<String> {
        let mut out = Vec::new();
        for text in self.applies.iter().chain(std::iter::once(&self.compliant)) {
            let mut rest = text.as_str();
            while let Some(pos) = rest.find("resource.") {
                let before_ok = pos == 0 || {
                    let c = rest.as_bytes()[pos - 1];
                    !(c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
                };
                rest = &rest[pos + "resource.".len()..];
                let field: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if before_ok && !field.is_empty() && !out.contains(&field) {
                    out.push(field);
                }
            }
        }
        out
    }

    pub fn service(&self) -> &str {
        self.resource.split('.').next().unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn referenced_fields_are_found_once_each() {
        let rule: super::Rule = toml::from_str(
            r#"
id = "X-1"
name = "x"
title = "x"
resource = "ec2.vpc"
severity = "low"
category = "redundancy"
applies = "resource.subnet_count > 0 && has(resource.tags.env)"
compliant = "resource.subnet_azs.size() >= 2 || myresource.x || resource.subnet_count > 9"
message = "m"
[docs]
why = "w"
remediation = "r"
"#,
        )
        .unwrap();
        assert_eq!(
            rule.referenced_fields(),
            vec!["subnet_count", "tags", "subnet_azs"]
        );
    }
}
