use super::{emit, load_rules};
use crate::error::{Error, Result};
use clap::Args;
use std::fmt::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Rule id, e.g. HA-RDS-001
    pub id: String,
    /// Extra directory of rule files (*.toml); repeatable
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
}

pub fn run(a: ExplainArgs) -> Result<u8> {
    let set = load_rules(&a.rules)?;
    let Some(rule) = set.get(&a.id) else {
        return Err(Error::Usage(format!(
            "no rule `{}`; `ha-audit rules` lists them",
            a.id
        )));
    };
    let r = &rule.rule;
    let mut s = String::new();
    let _ = writeln!(s, "{} {} ({})\n", r.id, r.title, r.name);
    let _ = writeln!(
        s,
        "severity: {}   category: {:?}   resource: {}   source: {}",
        r.severity.as_str(),
        r.category,
        r.resource,
        r.source
    );
    if let Some(applies) = &r.applies {
        let _ = writeln!(s, "applies when: {}", applies.trim());
    }
    let _ = writeln!(s, "compliant when: {}", r.compliant.trim());
    if !r.params.is_empty() {
        let _ = writeln!(s, "parameters: {}", r.params);
    }
    let _ = writeln!(s, "\nWhy it matters\n{}\n", r.docs.why.trim());
    let _ = writeln!(s, "Remediation\n{}\n", r.docs.remediation.trim());
    if !r.docs.references.is_empty() {
        let _ = writeln!(s, "References");
        for link in &r.docs.references {
            let _ = writeln!(s, "  {link}");
        }
    }
    emit(&s, None)?;
    Ok(0)
}
