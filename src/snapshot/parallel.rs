//! The fast way to read a large snapshot file: one pass over the text finds where each
//! account and each section is, then the sections are parsed on every core at once. Parsing
//! is most of the cost of a scan of a saved snapshot, and a section is the unit that can be
//! parsed alone.
//!
//! It only ever says "this is the snapshot" or "take the slow way": anything unusual (a
//! syntax error, an unknown field, a duplicate key, another schema version) is left to the
//! serial reader in `io.rs`, whose messages name the line, column and field.

use super::{duplicate_scope, Snapshot, SnapshotSet};
use rayon::prelude::*;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use std::fmt;

/// The snapshots of `text` (one account or several), or `None` to read it the slow way.
pub(super) fn parse_all(text: &str) -> Option<Vec<Snapshot>> {
    let top: Members = serde_json::from_str(text).ok()?;
    let Some(accounts) = top.accounts else {
        return Some(vec![one(&top.members)?]);
    };
    // The set's own fields, checked as the serial reader checks them.
    let head: SnapshotSet = serde_json::from_str(&object(
        top.members
            .iter()
            .copied()
            .chain([("accounts", empty_list())]),
    ))
    .ok()?;
    version_ok(head.schema_version)?;
    let snapshots: Vec<Snapshot> = accounts
        .par_iter()
        .map(|raw| {
            let members: Members = serde_json::from_str(raw.get()).ok()?;
            if members.accounts.is_some() {
                return None;
            }
            one(&members.members)
        })
        .collect::<Option<_>>()?;
    if duplicate_scope(&snapshots).is_some() {
        return None;
    }
    Some(snapshots)
}

/// One account's snapshot from its top-level members.
fn one(members: &[(&str, &RawValue)]) -> Option<Snapshot> {
    let (sections, head): (Vec<_>, Vec<_>) = members
        .iter()
        .copied()
        .partition(|(key, _)| Snapshot::SECTIONS.contains(key));
    let mut snapshot: Snapshot = serde_json::from_str(&object(head.into_iter())).ok()?;
    version_ok(snapshot.schema_version)?;
    snapshot.parse_sections(&sections).ok()?;
    Some(snapshot)
}

fn version_ok(version: u32) -> Option<()> {
    (version == super::SCHEMA_VERSION).then_some(())
}

/// `[]`, as a raw value.
fn empty_list() -> &'static RawValue {
    serde_json::from_str("[]").expect("`[]` is JSON")
}

/// A JSON object of `members`.
fn object<'a>(members: impl Iterator<Item = (&'a str, &'a RawValue)>) -> String {
    let mut out = String::from("{");
    for (i, (key, value)) in members.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(key).expect("a string serialises"));
        out.push(':');
        out.push_str(value.get());
    }
    out.push('}');
    out
}

/// The members of a JSON object, in file order and unparsed; `accounts` (a multi-account
/// file) as the list of its raw items.
struct Members<'a> {
    members: Vec<(&'a str, &'a RawValue)>,
    accounts: Option<Vec<&'a RawValue>>,
}

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members<'de>;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members<'de>, A::Error> {
                let mut out = Members {
                    members: Vec::new(),
                    accounts: None,
                };
                while let Some(key) = map.next_key::<&'de str>()? {
                    let duplicate = out.members.iter().any(|(k, _)| *k == key)
                        || (key == "accounts" && out.accounts.is_some());
                    if duplicate {
                        return Err(serde::de::Error::custom("duplicate key"));
                    }
                    if key == "accounts" {
                        out.accounts = Some(map.next_value()?);
                    } else {
                        out.members.push((key, map.next_value()?));
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_all;
    use crate::snapshot::{to_json_all, Snapshot};

    fn demo() -> String {
        std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/demo-account.json"
        ))
        .expect("demo fixture")
    }

    #[test]
    fn reads_one_account_exactly_as_the_serial_reader() {
        let text = demo();
        let serial: Snapshot = serde_json::from_str(&text).unwrap();
        assert_eq!(parse_all(&text), Some(vec![serial]));
    }

    #[test]
    fn reads_an_organisation_exactly_as_the_serial_reader() {
        let one: Snapshot = serde_json::from_str(&demo()).unwrap();
        let mut other = one.clone();
        other.account_id = "222222222222".to_string();
        let text = to_json_all(&[one.clone(), other.clone()]);
        assert_eq!(parse_all(&text), Some(vec![one, other]));
    }

    #[test]
    fn leaves_anything_unusual_to_the_serial_reader() {
        let text = demo();
        let cases = [
            // An unknown field inside a section.
            text.replacen("\"subnet_id\"", "\"subnet_idd\"", 1),
            // An unknown top-level field.
            text.replacen("{", "{\"extra\": 1,", 1),
            // A duplicate top-level field.
            text.replacen("{", "{\"account_id\": \"1\",", 1),
            // Another schema version.
            text.replacen("\"schema_version\": 1", "\"schema_version\": 2", 1),
            // A syntax error.
            text.replacen("}", "", 1),
        ];
        for (i, bad) in cases.iter().enumerate() {
            assert_ne!(bad, &text, "case {i} changes the text");
            assert_eq!(parse_all(bad), None, "case {i}");
        }
    }
}
