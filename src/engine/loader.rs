//! Finding, parsing and validating rule files: the built-in ones embedded in the binary and
//! any extra directories given with `--rules`.

use super::celvalue::json_to_cel;
use super::rule::Rule;
use crate::error::{Error, Result};
use cel::Program;
use include_dir::{include_dir, Dir};
use std::collections::BTreeMap;
use std::path::Path;

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/rules");

/// A rule with its CEL compiled once.
pub struct CompiledRule {
    pub rule: Rule,
    pub applies: Option<Program>,
    pub compliant: Program,
    /// The rule's params as a CEL value (defaults, with config overrides applied).
    pub params: cel::Value,
    /// The same params as JSON, for rendering messages.
    pub params_json: serde_json::Value,
    pub fields: Vec<String>,
    /// The message of a passing finding: `<title>: compliant`.
    pub pass_message: String,
    /// The message of a finding that could not be judged: `<title>: not evaluated`.
    pub not_evaluated_message: String,
}

impl CompiledRule {
    /// Replaces the rule's parameters with its defaults plus `overrides`.
    pub fn set_params(&mut self, overrides: &BTreeMap<String, toml::Value>) {
        let (params, json) = params_value(&self.rule.params, overrides);
        self.params = params;
        self.params_json = json;
    }
}

pub struct RuleSet {
    pub rules: Vec<CompiledRule>,
}

impl RuleSet {
    pub fn get(&self, id: &str) -> Option<&CompiledRule> {
        self.rules
            .iter()
            .find(|r| r.rule.id.eq_ignore_ascii_case(id))
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut CompiledRule> {
        self.rules
            .iter_mut()
            .find(|r| r.rule.id.eq_ignore_ascii_case(id))
    }

    /// Adds rules from a directory (searched recursively for `*.toml`).
    pub fn extend_from_dir(&mut self, dir: &Path) -> Result<()> {
        let extra = load_dir(dir)?;
        for r in extra.rules {
            self.push(r)?;
        }
        self.sort();
        Ok(())
    }

    fn push(&mut self, r: CompiledRule) -> Result<()> {
        if let Some(existing) = self.get(&r.rule.id) {
            return Err(Error::Rule {
                path: r.rule.source.clone(),
                rule_id: r.rule.id.clone(),
                detail: format!(
                    "duplicate rule id, already defined in {}",
                    existing.rule.source
                ),
            });
        }
        self.rules.push(r);
        Ok(())
    }

    fn sort(&mut self) {
        self.rules.sort_by(|a, b| a.rule.id.cmp(&b.rule.id));
    }
}

/// The rules shipped inside the binary.
pub fn load_builtin() -> Result<RuleSet> {
    let mut files = Vec::new();
    collect_embedded(&BUILTIN, &mut files);
    from_sources(files)
}

fn collect_embedded(dir: &'static Dir<'static>, out: &mut Vec<(String, String)>) {
    for f in dir.files() {
        if f.path().extension().is_some_and(|e| e == "toml") {
            let text = f.contents_utf8().unwrap_or_default().to_string();
            out.push((format!("rules/{}", f.path().display()), text));
        }
    }
    for d in dir.dirs() {
        collect_embedded(d, out);
    }
}

pub fn load_dir(dir: &Path) -> Result<RuleSet> {
    let mut files = Vec::new();
    walk(dir, &mut files)?;
    if files.is_empty() {
        return Err(Error::Input {
            path: dir.to_path_buf(),
            detail: "no rule files (*.toml) found".into(),
        });
    }
    from_sources(files)
}

fn walk(dir: &Path, out: &mut Vec<(String, String)>) -> Result<()> {
    let err = |e: std::io::Error| Error::Input {
        path: dir.to_path_buf(),
        detail: format!("cannot read rule directory: {e}"),
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(err)?
        .collect::<std::result::Result<_, _>>()
        .map_err(err)?;
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "toml") {
            let text = crate::error::read_text(&p, "rule file")?;
            out.push((p.display().to_string(), text));
        }
    }
    Ok(())
}

fn from_sources(files: Vec<(String, String)>) -> Result<RuleSet> {
    let mut set = RuleSet { rules: Vec::new() };
    for (path, text) in files {
        set.push(compile(&path, &text)?)?;
    }
    set.sort();
    Ok(set)
}

/// Parses and validates one rule file.
pub fn compile(path: &str, text: &str) -> Result<CompiledRule> {
    let mut rule: Rule = toml::from_str(text).map_err(|e| Error::Rule {
        path: path.to_string(),
        rule_id: guess_id(text),
        detail: e.to_string().trim_end().replace('\n', "\n  "),
    })?;
    rule.source = path.to_string();
    let fail = |detail: String| Error::Rule {
        path: path.to_string(),
        rule_id: rule.id.clone(),
        detail,
    };
    if !valid_id(&rule.id) {
        return Err(fail(format!(
            "field `id`: `{}` is not a valid id; expected upper-case words joined by dashes, e.g. HA-RDS-001",
            rule.id
        )));
    }
    if crate::registry::Kind::from_key(&rule.resource).is_none_or(|k| !k.is_judged()) {
        let known: Vec<&str> = crate::model::judged_kinds().map(|k| k.key()).collect();
        return Err(fail(format!(
            "field `resource`: unknown resource kind `{}`; expected one of: {}",
            rule.resource,
            known.join(", ")
        )));
    }
    for (field, value) in [
        ("title", &rule.title),
        ("message", &rule.message),
        ("name", &rule.name),
    ] {
        if value.trim().is_empty() {
            return Err(fail(format!("field `{field}` must not be empty")));
        }
    }
    if rule
        .pass_message
        .as_deref()
        .is_some_and(|m| m.trim().is_empty())
    {
        return Err(fail(
            "field `pass_message` must not be empty when given".into(),
        ));
    }
    for ex in &rule.examples {
        if !["pass", "fail", "not_evaluated", "not_applicable"].contains(&ex.outcome.as_str()) {
            return Err(fail(format!(
                "examples: outcome `{}`; expected pass, fail, not_evaluated or not_applicable",
                ex.outcome
            )));
        }
    }
    let compile_cel = |field: &str, src: &str| {
        Program::compile(src).map_err(|e| Error::Rule {
            path: path.to_string(),
            rule_id: rule.id.clone(),
            detail: format!("field `{field}`: CEL does not compile: {e}"),
        })
    };
    let applies = match &rule.applies {
        Some(src) => Some(compile_cel("applies", src)?),
        None => None,
    };
    let compliant = compile_cel("compliant", &rule.compliant)?;
    let (params, params_json) = params_value(&rule.params, &BTreeMap::new());
    let fields = rule.referenced_fields();
    let known = crate::model::field_names(&rule.resource);
    if let Some(f) = fields.iter().find(|f| !known.contains(*f)) {
        return Err(fail(format!(
            "CEL reads `resource.{f}`, which {} resources do not have; known fields: {}",
            rule.resource,
            known.iter().cloned().collect::<Vec<_>>().join(", ")
        )));
    }
    Ok(CompiledRule {
        pass_message: format!("{}: compliant", rule.title),
        not_evaluated_message: format!("{}: not evaluated", rule.title),
        rule,
        applies,
        compliant,
        params,
        params_json,
        fields,
    })
}

/// Rule params with overrides on top, as a CEL map.
pub fn params_value(
    defaults: &toml::Table,
    overrides: &BTreeMap<String, toml::Value>,
) -> (cel::Value, serde_json::Value) {
    let mut merged = defaults.clone();
    for (k, v) in overrides {
        merged.insert(k.clone(), v.clone());
    }
    let json = serde_json::to_value(&merged).unwrap_or_default();
    (json_to_cel(&json), json)
}

fn valid_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
}

/// Best effort id for error messages about files that do not parse.
fn guess_id(text: &str) -> String {
    text.lines()
        .find_map(|l| {
            let l = l.trim();
            l.strip_prefix("id")
                .map(|r| r.trim_start())
                .and_then(|r| r.strip_prefix('='))
                .map(|r| r.trim().trim_matches('"').to_string())
        })
        .unwrap_or_else(|| "?".into())
}
