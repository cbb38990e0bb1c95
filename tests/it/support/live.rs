//! Live scans against moto: the scanned regions, the scan itself, and the checks every live
//! scan shares (offline re-evaluation, the calls seen on the wire).

use super::cli::{ha_audit, run, stderr, stdout};
use super::moto::Moto;
use super::proxy::{Proxy, RecordedRequest};
use super::report::without_time;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Instant;
use tempfile::TempDir;

/// The two regions every seed script fills.
pub const REGIONS: [&str; 4] = ["--region", "us-east-1", "--region", "us-west-2"];

/// Short backoffs keep the suite fast; the retry logic exercised is the product's own.
pub const FAST_BACKOFF: [&str; 2] = ["--max-backoff", "0.1"];

/// `ha-audit scan --format json --save-snapshot SNAPSHOT` of both regions at `endpoint`,
/// which must exit 1 (the seeded accounts all fail some rule): the process and its report.
pub fn scan_saving(endpoint: &str, snapshot: &Path) -> (Output, Value) {
    let out = run(ha_audit(Some(endpoint))
        .args(["scan", "--format", "json", "--save-snapshot"])
        .arg(snapshot)
        .args(REGIONS));
    assert_eq!(out.status.code(), Some(1), "stderr: {}", stderr(&out));
    let report = serde_json::from_str(&stdout(&out)).expect("JSON report");
    (out, report)
}

/// Offline re-evaluation of a saved snapshot gives the live report (timestamps aside).
pub fn assert_offline_scan_matches(snapshot: &Path, live: &Value) {
    let offline = run(ha_audit(None)
        .args(["scan", "--format", "json", "--snapshot"])
        .arg(snapshot));
    assert_eq!(offline.status.code(), Some(1), "{}", stderr(&offline));
    let live = serde_json::to_string(live).unwrap();
    assert_eq!(without_time(&stdout(&offline)), without_time(&live));
}

/// Each of `operations` was called at least once.
pub fn assert_called(requests: &[RecordedRequest], operations: &[&str]) {
    for op in operations {
        assert!(
            requests.iter().any(|r| r.operation.as_deref() == Some(*op)),
            "{op} was not called"
        );
    }
}

/// Every call seen on the wire is a read action listed by `ha-audit iam-policy`.
pub fn assert_calls_are_in_the_iam_policy(requests: &[RecordedRequest]) {
    let out = run(ha_audit(None).arg("iam-policy"));
    let policy: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let allowed: Vec<&str> = policy["Statement"][0]["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    // A check over no calls would pass whatever the policy.
    assert!(!requests.is_empty());
    for r in requests {
        let service = r.service.as_deref().expect("every call is signed");
        let op = r
            .operation
            .as_deref()
            .unwrap_or_else(|| panic!("unknown operation {}", r.action));
        // IAM names some S3 reads differently from their API operations.
        let action = match (service, op) {
            ("s3", "ListBuckets") => "s3:ListAllMyBuckets".to_string(),
            ("s3", "GetBucketReplication") => "s3:GetReplicationConfiguration".to_string(),
            ("s3", "GetObjectLockConfiguration") => {
                "s3:GetBucketObjectLockConfiguration".to_string()
            }
            // CloudWatch signs as `monitoring`; its IAM prefix is `cloudwatch`.
            ("monitoring", _) => format!("cloudwatch:{op}"),
            _ => format!("{service}:{op}"),
        };
        assert!(
            allowed.contains(&action.as_str()),
            "{action} is called but not in the policy"
        );
    }
}

/// A seeded account in moto, scanned once with [`scan_saving`]: where most live tests start.
pub struct Live {
    pub moto: Moto,
    /// The recording proxy the scan went through, if it did.
    pub proxy: Option<Proxy>,
    /// What the seed script printed: the ids moto gave the resources, by logical name.
    pub ids: Value,
    /// Holds the saved snapshot.
    pub dir: TempDir,
    pub snapshot: PathBuf,
    pub out: Output,
    pub report: Value,
    /// The calls the proxy saw (none without the proxy).
    pub requests: Vec<RecordedRequest>,
    /// The scan's wall time.
    pub seconds: f64,
}

impl Live {
    /// Seeds moto with `script` and scans it through the recording proxy, which also fixes
    /// moto's GetBucketVersioning answer (see `proxy.rs`).
    pub fn through_proxy(script: &str) -> Live {
        Self::scan(script, true)
    }

    /// Seeds moto with `script` and scans it straight, without the proxy's fixes.
    pub fn straight(script: &str) -> Live {
        Self::scan(script, false)
    }

    fn scan(script: &str, proxied: bool) -> Live {
        let moto = Moto::start();
        let ids = moto.seed(script);
        let proxy = proxied.then(|| Proxy::start(&moto.addr()));
        let endpoint = proxy
            .as_ref()
            .map_or(moto.endpoint.clone(), |p| p.endpoint.clone());
        let dir = tempfile::tempdir().unwrap();
        let snapshot = dir.path().join("snapshot.json");
        let started = Instant::now();
        let (out, report) = scan_saving(&endpoint, &snapshot);
        let seconds = started.elapsed().as_secs_f64();
        let requests = proxy.as_ref().map(Proxy::requests).unwrap_or_default();
        Live {
            moto,
            proxy,
            ids,
            dir,
            snapshot,
            out,
            report,
            requests,
            seconds,
        }
    }

    /// The endpoint that was scanned: the proxy's, or moto's without it.
    pub fn endpoint(&self) -> &str {
        self.proxy
            .as_ref()
            .map_or(&self.moto.endpoint, |p| &p.endpoint)
    }

    /// The id moto gave the resource the seed script calls `name`.
    pub fn id(&self, name: &str) -> String {
        self.ids[name]
            .as_str()
            .unwrap_or_else(|| panic!("the seed script printed no {name:?}"))
            .to_string()
    }
}
