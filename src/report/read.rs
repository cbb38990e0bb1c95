//! Reading a JSON report written by `scan --format json`: the one reader behind `--baseline`,
//! `--previous`, `ha-audit diff` and `ha-audit merge`.

use super::json::REPORT_SCHEMA_VERSION;
use crate::engine::OwnedFinding;
use crate::error::{Error, Result};
use serde::Deserialize;
use std::path::Path;

/// The part of a JSON report that a comparison needs.
#[derive(Debug, Deserialize)]
pub struct ReportFindings {
    pub schema_version: u32,
    #[serde(default)]
    pub taken_at: String,
    pub findings: Vec<OwnedFinding>,
}

/// A part of a JSON report that knows the schema version it was written with.
pub trait Versioned {
    fn schema_version(&self) -> u32;
}

impl Versioned for ReportFindings {
    fn schema_version(&self) -> u32 {
        self.schema_version
    }
}

/// Reads a JSON report written by `scan --format json`.
pub fn load_report(path: &Path) -> Result<ReportFindings> {
    let text = crate::error::read_text(path, "report")?;
    parse::<ReportFindings>(path, &text)
}

/// Parses report text read from `path` into `T` (the findings, or more of the report), and
/// checks that it was written with the schema version this ha-audit reads.
pub fn parse<T: serde::de::DeserializeOwned + Versioned>(path: &Path, text: &str) -> Result<T> {
    let err = |detail: String| Error::Input {
        path: path.to_path_buf(),
        detail,
    };
    let report: T = serde_json::from_str(text).map_err(|e| {
        err(format!(
            "line {}, column {}: not an ha-audit JSON report (scan --format json): {e}",
            e.line(),
            e.column()
        ))
    })?;
    if report.schema_version() != REPORT_SCHEMA_VERSION {
        return Err(err(format!(
            "field `schema_version`: report schema version {}, this ha-audit reads {}",
            report.schema_version(),
            REPORT_SCHEMA_VERSION
        )));
    }
    Ok(report)
}
