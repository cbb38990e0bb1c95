//! Running the real `ha-audit` binary from tests, isolated from the developer's AWS setup.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The demo account, recorded from moto: two regions, failures of every severity.
pub const DEMO: &str = "fixtures/demo-account.json";

/// How many rules ha-audit ships (`rules/*/*.toml`): a rule added or lost must show here.
pub const BUILTIN_RULES: usize = 229;

/// A hand-written account in which some calls were denied.
pub const DENIED: &str = "fixtures/scenarios/access-denied.json";

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
        .env("NO_COLOR", "1")
        // Tables in pipes take their width from COLUMNS: pinned ones use the fixed width.
        .env_remove("COLUMNS");
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

/// `ha-audit scan ARGS` without AWS access (the tests that read snapshots).
pub fn scan(args: &[&str]) -> Output {
    run(ha_audit(None).arg("scan").args(args))
}

/// The JSON report of `ha-audit scan --format json --snapshot SNAPSHOT`, whatever its exit
/// code.
pub fn json_scan(snapshot: &str) -> Value {
    let out = scan(&["--format", "json", "--snapshot", snapshot]);
    serde_json::from_str(&stdout(&out)).expect("JSON report")
}

/// As [`json_scan`], which must exit with `code`.
pub fn json_scan_exiting(snapshot: &str, code: i32) -> Value {
    let out = scan(&["--format", "json", "--snapshot", snapshot]);
    assert_eq!(out.status.code(), Some(code), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("JSON report")
}

/// `ha-audit scan --format json --fail-on never EXTRA --snapshot SNAPSHOT`: the process, whose
/// exit code says only whether the scan ran, and its report.
pub fn ungated_json_scan(snapshot: &Path, extra: &[&str]) -> (Output, Value) {
    let out = run(ha_audit(None)
        .args(["scan", "--format", "json", "--fail-on", "never"])
        .args(extra)
        .arg("--snapshot")
        .arg(snapshot));
    let report = serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("JSON report ({e}); stderr: {}", stderr(&out)));
    (out, report)
}

/// The built-in rules as `ha-audit rules --format json` lists them.
pub fn rules() -> Vec<Value> {
    let out = run(ha_audit(None).args(["rules", "--format", "json"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("rules as JSON")
}

/// Every built-in rule id.
pub fn rule_ids() -> Vec<String> {
    rules()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

/// A later configuration of the demo account: a stricter VPC rule (two more failures: the shop
/// VPC of each region spans 3 AZs) and no rule on Elastic IPs outside Shield Advanced (seven
/// fewer: the NAT gateways' addresses).
pub const LATER_CONFIG: &str =
    "[rules.HA-VPC-001]\nparams = { min_azs = 4 }\n[rules.HA-SHD-006]\nenabled = false\n";

/// A hand-made scenario changed by `edit`, scanned from a temporary file: its JSON report.
pub fn scan_edited(scenario: &str, edit: impl FnOnce(&mut Value)) -> Value {
    let text = std::fs::read_to_string(repo().join(scenario)).unwrap();
    let mut snapshot: Value = serde_json::from_str(&text).unwrap();
    edit(&mut snapshot);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scenario.json");
    std::fs::write(&path, serde_json::to_vec(&snapshot).unwrap()).unwrap();
    ungated_json_scan(&path, &[]).1
}
