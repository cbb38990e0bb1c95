use super::{emit, load_rules};
use crate::error::{Error, Result};
use crate::model::{judged_kinds, kind_schema, Origin, SNAPSHOT_FIELD_DOC};
use crate::registry::Kind;
use clap::Args;
use comfy_table::{presets, ContentArrangement, Table};
use std::fmt::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["id", "fields"]))]
pub struct ExplainArgs {
    /// Rule id, e.g. HA-RDS-001
    pub id: Option<String>,
    /// List the fields a kind offers to rules (e.g. `rds.db_instance`), with types and
    /// descriptions
    #[arg(long, value_name = "KIND")]
    pub fields: Option<String>,
    /// Extra directory of rule files (*.toml); repeatable
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,
}

pub fn run(a: ExplainArgs) -> Result<u8> {
    if let Some(kind) = &a.fields {
        emit(&fields(kind)?, None)?;
        return Ok(0);
    }
    let id = a.id.as_deref().unwrap_or_default();
    let set = load_rules(&a.rules)?;
    let Some(rule) = set.get(id) else {
        return Err(Error::Usage(format!(
            "no rule `{id}`; `ha-audit rules` lists them"
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

/// The fields a kind offers to rules: built-in, derived by ha-audit, then as read from AWS.
fn fields(key: &str) -> Result<String> {
    let Some(schema) = Kind::from_key(key).and_then(kind_schema) else {
        let kinds: Vec<&str> = judged_kinds().map(|k| k.key()).collect();
        return Err(Error::Usage(format!(
            "no kind `{key}`; expected one of: {}",
            kinds.join(", ")
        )));
    };
    let kind = schema.kind;
    let mut s = format!(
        "{} ({}, {}): {} fields\n",
        kind.key(),
        kind.label(),
        if kind.is_global() {
            "global"
        } else {
            "regional"
        },
        schema.fields.len()
    );
    for (origin, heading) in [
        (Origin::Builtin, "Every resource"),
        (
            Origin::Fact,
            "Derived by ha-audit across resources (unknown when an input could not be read)",
        ),
        (Origin::Snapshot, "As read from the AWS API"),
    ] {
        let mut t = Table::new();
        t.load_preset(presets::NOTHING)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(120);
        for f in schema.fields.iter().filter(|f| f.origin == origin) {
            t.add_row(vec![
                f.info.name.to_string(),
                f.info.ty.to_string(),
                // A snapshot field without a doc comment of its own says only where it
                // comes from, which the heading already says.
                if origin == Origin::Snapshot && f.info.doc == SNAPSHOT_FIELD_DOC {
                    String::new()
                } else {
                    f.info.doc.clone()
                },
            ]);
        }
        if t.row_count() > 0 {
            let _ = writeln!(s, "\n{heading}");
            // Cells are padded to the column width; the last column's padding is noise.
            for line in t.to_string().lines() {
                let _ = writeln!(s, "{}", line.trim_end());
            }
        }
    }
    Ok(s)
}
