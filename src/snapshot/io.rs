//! Reading and writing snapshot files, with errors that name the file, line and field.

use super::{duplicate_scope, Snapshot, SnapshotSet, SCHEMA_VERSION};
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

/// Parses single-account snapshot JSON; the error text names the line, column and what was
/// expected.
pub fn parse(text: &str) -> std::result::Result<Snapshot, String> {
    if probe(text)? {
        return Err(
            "field `accounts`: this snapshot holds several accounts; read it with `scan \
             --snapshot`"
                .to_string(),
        );
    }
    serde_json::from_str(text).map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))
}

/// The bundled demo account (`fixtures/demo-account.json`), built into the binary so that a
/// downloaded release can show what it does without credentials or files.
pub fn demo() -> Vec<Snapshot> {
    const DEMO: &str = include_str!("../../fixtures/demo-account.json");
    parse_all(DEMO).expect("the bundled demo snapshot parses (tested)")
}

/// Reads a snapshot of one account or several (see [`SnapshotSet`]).
pub fn load_all(path: &Path) -> Result<Vec<Snapshot>> {
    let text = crate::error::read_text(path, "snapshot")?;
    parse_all(&text).map_err(|detail| Error::Input {
        path: path.to_path_buf(),
        detail,
    })
}

/// Parses a snapshot of one account (a list of one) or of several accounts.
pub fn parse_all(text: &str) -> std::result::Result<Vec<Snapshot>, String> {
    if let Some(snapshots) = super::parallel::parse_all(text) {
        return Ok(snapshots);
    }
    // Not a well-formed snapshot of this version: read it again, one field after another,
    // to say exactly where and what is wrong.
    let at = |e: serde_json::Error| format!("line {}, column {}: {e}", e.line(), e.column());
    if !probe(text)? {
        return Ok(vec![serde_json::from_str(text).map_err(at)?]);
    }
    let set: SnapshotSet = serde_json::from_str(text).map_err(at)?;
    for (i, s) in set.accounts.iter().enumerate() {
        version_ok(Some(u64::from(s.schema_version)))
            .map_err(|e| format!("accounts[{i}] ({}): {e}", s.account_id))?;
    }
    if let Some((account, region, service)) = duplicate_scope(&set.accounts) {
        return Err(format!(
            "field `accounts`: account {account} has {service} in {region} twice"
        ));
    }
    Ok(set.accounts)
}

/// Checks the schema version of snapshot text and tells whether it holds several accounts.
fn probe(text: &str) -> std::result::Result<bool, String> {
    // Check the version first so that a snapshot from a newer ha-audit gets a version
    // message rather than a confusing "unknown field" one.
    // Only the version is kept: the rest is skipped without being built, so a large file is
    // not held twice in memory.
    #[derive(serde::Deserialize)]
    struct Probe {
        schema_version: Option<serde_json::Value>,
        #[serde(default)]
        accounts: Option<serde::de::IgnoredAny>,
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
                accounts: None,
            }
        }
        Err(e) => return Err(not_json(e)),
    };
    version_ok(probe.schema_version.as_ref().and_then(|v| v.as_u64()))?;
    Ok(probe.accounts.is_some())
}

fn version_ok(version: Option<u64>) -> std::result::Result<(), String> {
    match version {
        None => Err(
            "field `schema_version`: missing or not a number; expected an ha-audit snapshot"
                .to_string(),
        ),
        Some(v) if v != u64::from(SCHEMA_VERSION) => Err(format!(
            "field `schema_version`: this snapshot has schema version {v}, but this ha-audit \
             ({}) reads version {SCHEMA_VERSION}{}",
            env!("CARGO_PKG_VERSION"),
            if v > u64::from(SCHEMA_VERSION) {
                "; upgrade ha-audit to read it"
            } else {
                "; collect it again with this version"
            }
        )),
        Some(_) => Ok(()),
    }
}

/// Serialises the snapshots of a scan: the single-account shape for one account (readable by
/// every schema-version-1 reader), a [`SnapshotSet`] for several.
pub fn to_json_all(snapshots: &[Snapshot]) -> String {
    match snapshots {
        [one] => to_json(one),
        _ => {
            let mut s = serde_json::to_string_pretty(&SnapshotSet::new(snapshots.to_vec()))
                .expect("snapshot serialises");
            s.push('\n');
            s
        }
    }
}

pub fn save_all(snapshots: &[Snapshot], path: &Path) -> Result<()> {
    write_atomically(path, to_json_all(snapshots).as_bytes())
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
