//! Where each resource starts in a snapshot file written by ha-audit, so that SARIF results
//! can point at the resource's line in a snapshot saved next to the report.

use super::{to_json, Snapshot};
use std::collections::HashMap;

/// (resource kind, region, resource id) -> 1-based line of the object's opening brace.
pub type ResourceLines = HashMap<(String, String, String), usize>;

/// Lines of every resource in `text`, or None when `text` is not exactly how ha-audit writes
/// `snapshot` (a hand-edited or older file): positions would then be guesses.
pub fn resource_lines(snapshot: &Snapshot, text: &str) -> Option<ResourceLines> {
    if to_json(snapshot) != text {
        return None;
    }
    // Pretty JSON with two-space indents: services at 2, lists at 4, list items at 6.
    let mut starts: HashMap<(String, String), Vec<usize>> = HashMap::new();
    let (mut service, mut list) = (String::new(), String::new());
    for (i, line) in text.lines().enumerate() {
        if let Some(key) = line
            .strip_prefix("  \"")
            .and_then(|l| l.split_once("\": {"))
        {
            service = key.0.to_string();
        } else if let Some(key) = line
            .strip_prefix("    \"")
            .and_then(|l| l.split_once("\": ["))
        {
            list = key.0.to_string();
        } else if line == "      {" {
            starts
                .entry((service.clone(), list.clone()))
                .or_default()
                .push(i + 1);
        }
    }
    let mut out = ResourceLines::new();
    let mut next: HashMap<(&str, &str), usize> = HashMap::new();
    for (service, key) in snapshot.resource_keys() {
        let n = next.entry((service, key.list)).or_default();
        if let Some(line) = starts
            .get(&(service.to_string(), key.list.to_string()))
            .and_then(|lines| lines.get(*n))
        {
            out.insert((key.kind.key().to_string(), key.region, key.id), *line);
        }
        *n += 1;
    }
    Some(out)
}
