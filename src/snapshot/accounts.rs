//! Several accounts in one snapshot file: an organisation scan, or snapshots merged after
//! separate jobs.
//!
//! A multi-account file is `{"schema_version": 1, "tool_version", "taken_at", "accounts":
//! [<snapshot>, ...]}` where each element is a complete single-account snapshot, exactly as
//! `collect` writes for one account. A scan of one account still writes the single-account
//! shape, so every schema-version-1 reader keeps working, and each account keeps its own
//! regions, partition, time and coverage.

use super::{Snapshot, SCHEMA_VERSION};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SnapshotSet {
    pub schema_version: u32,
    /// Version of ha-audit that wrote the file.
    pub tool_version: String,
    /// The earliest `taken_at` of the accounts.
    pub taken_at: String,
    /// One snapshot per account, sorted by account id.
    pub accounts: Vec<Snapshot>,
}

impl SnapshotSet {
    pub fn new(mut accounts: Vec<Snapshot>) -> SnapshotSet {
        accounts.sort_by(|a, b| a.account_id.cmp(&b.account_id));
        SnapshotSet {
            schema_version: SCHEMA_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            taken_at: earliest(&accounts),
            accounts,
        }
    }
}

/// The earliest collection time of the accounts (RFC 3339 UTC strings sort by time).
pub fn earliest(accounts: &[Snapshot]) -> String {
    accounts
        .iter()
        .map(|s| s.taken_at.as_str())
        .filter(|t| !t.is_empty())
        .min()
        .unwrap_or_default()
        .to_string()
}

/// A (account, region, service) scope read twice: two inputs of a merge overlap, or a file
/// repeats an account. Returns the first such scope.
pub fn duplicate_scope(accounts: &[Snapshot]) -> Option<(String, String, String)> {
    let mut seen = std::collections::BTreeSet::new();
    for s in accounts {
        for c in &s.coverage {
            let key = (s.account_id.clone(), c.region.clone(), c.service.clone());
            if !seen.insert(key.clone()) {
                return Some(key);
            }
        }
    }
    None
}

/// Joins two snapshots of the same account that cover different (service, region) scopes
/// (separate jobs per region, say) into one. The service sections are merged generically,
/// list by list, so a section added later is merged without being named here.
pub fn join_account(a: Snapshot, b: Snapshot) -> std::result::Result<Snapshot, String> {
    use serde_json::Value;
    fn join(a: &mut Value, b: Value) {
        match (a, b) {
            (Value::Array(x), Value::Array(y)) => x.extend(y),
            (Value::Object(x), Value::Object(y)) => {
                for (k, v) in y {
                    match x.get_mut(&k) {
                        Some(slot) => join(slot, v),
                        None => {
                            x.insert(k, v);
                        }
                    }
                }
            }
            // Scalars (account id, partition, versions) are the first snapshot's.
            _ => {}
        }
    }
    let taken_at = earliest(&[a.clone(), b.clone()]);
    let mut joined = serde_json::to_value(&a).map_err(|e| e.to_string())?;
    join(
        &mut joined,
        serde_json::to_value(&b).map_err(|e| e.to_string())?,
    );
    let mut s: Snapshot = serde_json::from_value(joined).map_err(|e| e.to_string())?;
    s.taken_at = taken_at;
    s.normalize();
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{Bucket, Coverage, Subnet};

    fn account(id: &str, region: &str, taken_at: &str) -> Snapshot {
        let mut s = Snapshot::new(id, vec![region.to_string()], taken_at.to_string());
        s.coverage.push(Coverage {
            service: "ec2".into(),
            region: region.into(),
            errors: Vec::new(),
        });
        s.ec2.subnets.push(Subnet {
            subnet_id: format!("subnet-{region}"),
            region: region.into(),
            ..Default::default()
        });
        s
    }

    #[test]
    fn joining_one_accounts_regions_keeps_every_list_and_the_earliest_time() {
        let mut a = account("111111111111", "us-west-2", "2026-01-02T00:00:00Z");
        a.s3.buckets.push(Bucket {
            name: "b".into(),
            ..Default::default()
        });
        let b = account("111111111111", "us-east-1", "2026-01-01T00:00:00Z");
        let j = join_account(a, b).unwrap();
        assert_eq!(j.regions, ["us-east-1", "us-west-2"]);
        assert_eq!(j.taken_at, "2026-01-01T00:00:00Z");
        assert_eq!(j.coverage.len(), 2);
        assert_eq!(j.ec2.subnets.len(), 2);
        assert_eq!(j.s3.buckets.len(), 1);
        assert_eq!(duplicate_scope(&[j]), None);
    }

    #[test]
    fn a_scope_read_twice_is_found() {
        let a = account("111111111111", "us-east-1", "t");
        let b = account("222222222222", "us-east-1", "t");
        assert_eq!(duplicate_scope(&[a.clone(), b]), None);
        assert_eq!(
            duplicate_scope(&[a.clone(), a]),
            Some(("111111111111".into(), "us-east-1".into(), "ec2".into()))
        );
    }
}
