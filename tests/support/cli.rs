//! Running the real `ha-audit` binary from tests, isolated from the developer's AWS setup.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The binary under test: `HA_AUDIT_BIN` when set, else the one Cargo built for this test,
/// else (a bench run from a script) `release/ha-audit` under `CARGO_TARGET_DIR` (default
/// `<repo>/target`).
pub fn bin() -> PathBuf {
    if let Some(path) = std::env::var_os("HA_AUDIT_BIN") {
        return PathBuf::from(path);
    }
    if let Some(path) = option_env!("CARGO_BIN_EXE_ha-audit") {
        return PathBuf::from(path);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target"));
    target.join("release/ha-audit")
}

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A command with no AWS configuration from the environment (no profile, no config files,
/// no instance metadata lookups), so tests never reach anything but the given endpoint.
pub fn ha_audit(endpoint: Option<&str>) -> Command {
    let mut c = Command::new(bin());
    c.current_dir(repo())
        .stdin(Stdio::null())
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_DEFAULT_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_CONFIG_FILE", "/nonexistent/ha-audit-test-config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/ha-audit-test-credentials",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1");
    match endpoint {
        Some(url) => {
            c.env("AWS_ENDPOINT_URL", url)
                .env("AWS_ACCESS_KEY_ID", "AKIAHAAUDITTESTKEY01")
                .env("AWS_SECRET_ACCESS_KEY", "ha-audit-test-secret")
                .env("AWS_REGION", "us-east-1");
        }
        None => {
            c.env_remove("AWS_ENDPOINT_URL")
                .env_remove("AWS_ACCESS_KEY_ID")
                .env_remove("AWS_SECRET_ACCESS_KEY");
        }
    }
    c
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("ha-audit runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Validates a SARIF document against the official OASIS 2.1.0 schema (vendored).
pub fn assert_valid_sarif(doc: &serde_json::Value) {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("tests/data/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid:\n{}", errors.join("\n"));
}

/// The JSON report without its timestamp, for comparing two runs.
pub fn without_time(report: &str) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(report).expect("JSON report");
    v.as_object_mut().unwrap().remove("taken_at");
    v
}

/// Every call seen on the wire is a read action listed by `ha-audit iam-policy`.
pub fn assert_calls_are_in_the_iam_policy(requests: &[super::proxy::RecordedRequest]) {
    let out = run(ha_audit(None).arg("iam-policy"));
    let policy: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let allowed: Vec<&str> = policy["Statement"][0]["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
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

/// The not-evaluated findings of a JSON report, less those moto cannot avoid: it does not
/// return the `zonal_shift.config.enabled` load balancer attribute that AWS always returns, so
/// HA-ELB-011 is (rightly) not evaluated against it; and it implements neither AWS Backup's
/// ListBackupSelections (HTTP 500) and ListProtectedResources (404) nor EFS's
/// DescribeReplicationConfigurations (500), so the backup coverage rules and HA-EFS-003 are
/// not evaluated where they need them.
pub fn not_evaluated_beyond_emulator_gaps(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["outcome"] == "not_evaluated")
        .filter(|f| {
            !(f["rule_id"] == "HA-ELB-011"
                && f["reason"].as_str().is_some_and(|r| {
                    r.contains("zonal_shift.config.enabled attribute was not returned")
                }))
        })
        .filter(|f| !storage_emulator_gap(f))
        .map(|f| format!("{} {}: {}", f["rule_id"], f["resource_id"], f["reason"]))
        .collect()
}

/// Whether a report's coverage entry is incomplete only because of operations moto does not
/// implement: it answers AWS Backup's ListProtectedResources with 404 (AWS lists the
/// resources that have recovery points).
pub fn incomplete_only_by_emulator_gaps(coverage: &serde_json::Value) -> bool {
    let errors = coverage["errors"].as_array().expect("errors");
    !errors.is_empty()
        && errors.iter().all(|e| {
            coverage["service"] == "backup"
                && e["operation"] == "ListProtectedResources"
                && e["code"] == "http-404"
        })
}

/// A finding not evaluated only because of a storage call moto lacks (see
/// [`not_evaluated_beyond_emulator_gaps`]).
fn storage_emulator_gap(f: &serde_json::Value) -> bool {
    let rule = f["rule_id"].as_str().unwrap_or_default();
    let backup_rule = rule.starts_with("HA-BAK-") || rule == "HA-EFS-002" || rule == "HA-EFS-005";
    let reason = f["reason"].as_str().unwrap_or_default();
    let gap = |op: &str, code: &str| names_emulator_gap(reason, op, code);
    (backup_rule
        && (gap("ListBackupSelections", "http-500") || gap("ListProtectedResources", "http-404")))
        || (rule == "HA-EFS-003" && gap("DescribeReplicationConfigurations", "http-500"))
}

/// Whether a not-evaluated reason is an operation moto does not implement: its call failed
/// with `code`, or, for an operation moto answers with 500, a later call of it was not sent
/// because the operation's breaker had opened on those 500s.
pub fn names_emulator_gap(reason: &str, op: &str, code: &str) -> bool {
    reason.contains(&format!("{op} failed: {code}"))
        || (code == "http-500"
            && reason.contains(&format!(" {op} in "))
            && reason.contains("consecutive server errors (HTTP 500), later calls not sent"))
}
