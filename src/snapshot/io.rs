//! Reading and writing snapshot files, with errors that name the file, line and field.

use super::{Snapshot, SCHEMA_VERSION};
use crate::error::{Error, Result};
use crate::output::write_atomically;
use std::path::Path;

/// Reads a snapshot, refusing files from another schema version with a clear message.
pub fn load(path: &Path) -> Result<Snapshot> {
    let text = crate::error::read_text(path, "snapshot")?;
    parse_named(path, &text)
}

/// Parses snapshot text that was read from `path`; every error names the path.
pub fn parse_named(path: &Path, text: &str) -> Result<Snapshot> {
    parse(text).map_err(|detail| Error::Input {
        path: path.to_path_buf(),
        detail,
    })
}

/// Parses snapshot JSON; the error text names the line, column and what was expected.
pub fn parse(text: &str) -> std::result::Result<Snapshot, String> {
    // Check the version first so that a snapshot from a newer ha-audit gets a version
    // message rather than a confusing "unknown field" one.
    // Only the version is kept: the rest is skipped without being built, so a large file is
    // not held twice in memory.
    #[derive(serde::Deserialize)]
    struct Probe {
        schema_version: Option<serde_json::Value>,
    }
    let not_json = |e: serde_json::Error| {
        format!(
            "line {}, column {}: not valid JSON: {e}",
            e.line(),
            e.column()
        )
    };
    let probe: Probe = match serde_json::from_str(text) {
        Ok(probe) => probe,
        // Not an object: a syntax error further on still comes first, else it is reported as
        // a missing version below.
        Err(e) if e.is_data() => {
            serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(not_json)?;
            Probe {
                schema_version: None,
            }
        }
        Err(e) => return Err(not_json(e)),
    };
    match probe.schema_version.as_ref().and_then(|v| v.as_u64()) {
        None => {
            return Err(
                "field `schema_version`: missing or not a number; expected an ha-audit snapshot"
                    .to_string(),
            )
        }
        Some(v) if v != u64::from(SCHEMA_VERSION) => {
            return Err(format!(
                "field `schema_version`: this snapshot has schema version {v}, but this ha-audit \
                 ({}) reads version {SCHEMA_VERSION}{}",
                env!("CARGO_PKG_VERSION"),
                if v > u64::from(SCHEMA_VERSION) {
                    "; upgrade ha-audit to read it"
                } else {
                    "; collect it again with this version"
                }
            ))
        }
        Some(_) => {}
    }
    serde_json::from_str(text).map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))
}

/// Serialises a snapshot as pretty JSON (one field per line, so SARIF locations can point at
/// a resource's line).
pub fn to_json(snapshot: &Snapshot) -> String {
    let mut s = serde_json::to_string_pretty(snapshot).expect("snapshot serialises");
    s.push('\n');
    s
}

pub fn save(snapshot: &Snapshot, path: &Path) -> Result<()> {
    write_atomically(path, to_json(snapshot).as_bytes())
}
