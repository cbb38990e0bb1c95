//! Terraform plans as a snapshot source: `terraform show -json` output read into the same
//! snapshot the collectors write, so the same rules and topology facts judge a change before
//! it is applied.
//!
//! The reader takes the post-apply view of every resource instance (`resource_changes[].change
//! .after`, existing resources and data sources from `prior_state`), maps the AWS provider's
//! resource types that ha-audit has a kind for, and resolves the links between resources
//! (a subnet id that is unknown until apply) through the `configuration` expressions'
//! references: relative to their module, through module calls' inputs and outputs, and
//! between `count`/`for_each` instances when the pairing is certain. A value the plan leaves
//! unknown is unknown in the snapshot (rules that read it are not evaluated, naming the
//! attribute); an attribute the configuration does not set takes the provider's documented
//! default from [`defaults::DEFAULTS`], and findings that rely on it say `assumed default`.
//! Nothing here reads the account.

mod defaults;
pub mod locate;
mod map;
mod resolve;
mod sensitive;

pub use defaults::{Default as ProviderDefault, DEFAULTS};

use crate::error::{Error, Result};
use crate::snapshot::Snapshot;
use serde_json::Value;
use std::path::Path;

/// The providers whose `aws_*` resources the reader judges (Terraform's and OpenTofu's
/// registry addresses of the same provider; plans of Terraform 0.12 name it `aws`).
const AWS_PROVIDERS: [&str; 3] = [
    "registry.terraform.io/hashicorp/aws",
    "registry.opentofu.org/hashicorp/aws",
    "aws",
];

/// Which view of the plan to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// What the account holds once the plan is applied.
    After,
    /// What it holds now (`change.before`, and the prior state): the baseline of
    /// `--changes-only`.
    Before,
}

/// Reads a plan file into a snapshot of its post-apply view.
pub fn load(path: &Path) -> Result<Snapshot> {
    load_view(path, View::After)
}

/// Reads a plan file into a snapshot of one of its views.
pub fn load_view(path: &Path, view: View) -> Result<Snapshot> {
    let text = crate::error::read_text(path, "Terraform plan")?;
    parse(path, &text, view)
}

/// Parses plan JSON read from `path`. Every error names the file and the JSON path of what is
/// wrong; nothing is returned in part.
pub fn parse(path: &Path, text: &str, view: View) -> Result<Snapshot> {
    let fail = |at: &str, detail: String| Error::Input {
        path: path.to_path_buf(),
        detail: format!("{at}: {detail}"),
    };
    let mut doc: Value = serde_json::from_str(text).map_err(|e| {
        fail(
            "$",
            format!(
                "not a Terraform plan: not JSON (line {}, column {}: {e}); give the output of \
                 `terraform show -json PLANFILE`",
                e.line(),
                e.column()
            ),
        )
    })?;
    sensitive::redact(&mut doc);
    let Some(top) = doc.as_object() else {
        return Err(fail(
            "$",
            "not a Terraform plan: expected a JSON object".into(),
        ));
    };
    let is_state = top.contains_key("lineage")
        || top.contains_key("serial")
        || (top.contains_key("values")
            && !top.contains_key("planned_values")
            && !top.contains_key("resource_changes"));
    if is_state {
        return Err(fail(
            "$",
            "this is a Terraform state, not a plan: run `terraform plan -out PLANFILE` and give \
             the output of `terraform show -json PLANFILE`"
                .into(),
        ));
    }
    let version = match top.get("format_version") {
        None => {
            return Err(fail(
                "$.format_version",
                "missing: not the output of `terraform show -json PLANFILE`".into(),
            ))
        }
        Some(Value::String(v)) => v.as_str(),
        Some(other) => {
            return Err(fail(
                "$.format_version",
                format!(
                    "expected a string such as \"1.2\", found {}",
                    kind_of(other)
                ),
            ))
        }
    };
    let major = version
        .split('.')
        .next()
        .and_then(|m| m.parse::<u64>().ok());
    match major {
        Some(0 | 1) => {}
        _ => {
            return Err(fail(
                "$.format_version",
                format!(
                    "unsupported plan format version {version:?}: ha-audit reads format 0.x and \
                     1.x (Terraform 0.12 and later)"
                ),
            ))
        }
    }
    if !top.contains_key("resource_changes") && !top.contains_key("planned_values") {
        return Err(fail(
            "$",
            "not a Terraform plan: it has neither `resource_changes` nor `planned_values`".into(),
        ));
    }
    let plan = resolve::Plan::read(&doc).map_err(|(at, detail)| fail(&at, detail))?;
    map::snapshot(&plan, path, version, view).map_err(|(at, detail)| fail(&at, detail))
}

/// A JSON value's type, for error messages.
pub(crate) fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
