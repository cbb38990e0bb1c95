//! Fault benchmark: what a broken API costs a scan. The storage account
//! (`fixtures/moto/seed_storage.py`, two regions) is scanned by the release binary once per
//! fault, several times each, and the median wall time is printed with the attempts the
//! faulted scope took and the outcome counts.
//!
//! ```text
//! cargo build --release --locked
//! cargo test --locked --bench faults -- [--runs 5] [--bin PATH]
//! ```
//!
//! `HA_AUDIT_BIN` or `--bin` names the binary to measure (default: `release/ha-audit` under
//! `CARGO_TARGET_DIR`). Needs moto (`scripts/setup-moto`). Not part of the test suite; the
//! same faults are asserted, in the debug build, by `tests/it/moto_faults.rs`.
//!
//! moto implements neither AWS Backup's ListBackupSelections nor EFS's
//! DescribeReplicationConfigurations and answers both with HTTP 500 on every call: the
//! "two operations 500" runs are moto's own answers, straight (no proxy) and through the
//! recording proxy. The healthy run has the proxy answer those two operations as AWS does
//! for an account without selections or replications.

// The support code's unit tests are not run from here (no test harness), so their imports
// look unused.
#[allow(unused_imports)]
#[path = "../tests/it/support/mod.rs"]
mod support;

use serde_json::Value;
use std::path::PathBuf;
use std::time::Instant;
use support::faults::{Fault, Faults};
use support::moto::Moto;
use support::proxy::Proxy;

const REGIONS: [&str; 4] = ["--region", "us-east-1", "--region", "us-west-2"];

struct Case {
    name: &'static str,
    /// Through the proxy (else straight to moto).
    proxied: bool,
    faults: fn() -> Faults,
    args: &'static [&'static str],
    env: fn(&str) -> Vec<(String, String)>,
    /// The (signing service, region) whose attempts are counted; None: all.
    scope: Option<(&'static str, &'static str)>,
}

fn healthy_answers() -> Faults {
    Faults::new(0).answering_moto_gaps()
}

fn no_env(_: &str) -> Vec<(String, String)> {
    Vec::new()
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "healthy (proxy answers the two operations moto lacks)",
            proxied: true,
            faults: healthy_answers,
            args: &[],
            env: no_env,
            scope: None,
        },
        Case {
            name: "two operations answer 500 on every call, straight to moto",
            proxied: false,
            faults: || Faults::new(0),
            args: &[],
            env: no_env,
            scope: None,
        },
        Case {
            name: "two operations answer 500 on every call, through the proxy",
            proxied: true,
            faults: || Faults::new(0),
            args: &[],
            env: no_env,
            scope: None,
        },
        Case {
            name: "RDS answers 500 to every call in us-east-1",
            proxied: true,
            faults: || healthy_answers().in_region("rds", "us-east-1", Fault::ServerError(500)),
            args: &[],
            env: no_env,
            scope: Some(("rds", "us-east-1")),
        },
        Case {
            name: "RDS stalled in us-east-1 (10 s attempt timeout)",
            proxied: true,
            faults: || healthy_answers().in_region("rds", "us-east-1", Fault::Stall),
            args: &[],
            env: no_env,
            scope: Some(("rds", "us-east-1")),
        },
        Case {
            name: "RDS refuses connections (both regions)",
            proxied: true,
            faults: healthy_answers,
            args: &[],
            env: |closed| vec![("AWS_ENDPOINT_URL_RDS".to_string(), closed.to_string())],
            scope: Some(("rds", "us-east-1")),
        },
        Case {
            name: "RDS stalled in us-east-1, --deadline 5s",
            proxied: true,
            faults: || healthy_answers().in_region("rds", "us-east-1", Fault::Stall),
            args: &["--deadline", "5s"],
            env: no_env,
            scope: Some(("rds", "us-east-1")),
        },
        Case {
            name: "30% throttling + 5% resets, everywhere",
            proxied: true,
            faults: || {
                healthy_answers()
                    .share(0.30, Fault::Throttle)
                    .share(0.05, Fault::Reset)
            },
            args: &["--max-retries", "12"],
            env: no_env,
            scope: None,
        },
    ]
}

struct Args {
    bin: PathBuf,
    runs: usize,
}

fn parse_args() -> Args {
    let mut args = Args {
        bin: support::cli::bin(),
        runs: 5,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().unwrap_or_else(|| panic!("{name} needs a value"));
        match a.as_str() {
            "--bench" => {}
            "--bin" => args.bin = PathBuf::from(value("--bin")),
            "--runs" => args.runs = value("--runs").parse().expect("--runs takes a number"),
            other => panic!("unknown argument {other:?} (expected --runs N --bin PATH)"),
        }
    }
    args
}

fn main() {
    let args = parse_args();
    assert!(
        args.bin.exists(),
        "no binary at {} (cargo build --release, or set HA_AUDIT_BIN or --bin)",
        args.bin.display()
    );
    // `support::cli::ha_audit` runs the binary it names; set before any thread starts.
    std::env::set_var("HA_AUDIT_BIN", &args.bin);
    let moto = Moto::start();
    moto.seed("seed_storage.py");
    let proxy = Proxy::start(&moto.addr());
    let closed = format!("http://127.0.0.1:{}", support::moto::free_port());
    // moto imports each backend on first use: one scan first, not measured.
    scan(&proxy.endpoint, &[], &[]);

    println!(
        "| run | wall s (median of {}) | read s | requests | attempts in the faulted scope | \
         failed attempts by class | fail / pass / not evaluated |",
        args.runs
    );
    println!("|---|---|---|---|---|---|---|");
    for case in cases() {
        let endpoint = if case.proxied {
            proxy.endpoint.clone()
        } else {
            moto.endpoint.clone()
        };
        let env = (case.env)(&closed);
        let mut walls = Vec::new();
        let mut reads = Vec::new();
        let mut last = None;
        for _ in 0..args.runs {
            proxy.set_faults((case.faults)());
            proxy.clear();
            let started = Instant::now();
            let (report, timings) = scan(&endpoint, case.args, &env);
            walls.push(started.elapsed().as_secs_f64());
            reads.push(timings["phases_s"]["read"].as_f64().unwrap_or(0.0));
            last = Some((report, timings, proxy.requests()));
        }
        let (report, timings, requests) = last.expect("at least one run");
        let attempts = match case.scope {
            Some((service, region)) => requests
                .iter()
                .filter(|r| r.service.as_deref() == Some(service))
                .filter(|r| r.region.as_deref() == Some(region))
                .count()
                .to_string(),
            None => "–".to_string(),
        };
        let classes: Vec<String> = timings["api"]["failed_attempts"]
            .as_object()
            .map(|m| {
                m.iter()
                    .filter(|(_, n)| n.as_u64() != Some(0))
                    .map(|(c, n)| format!("{n} {c}"))
                    .collect()
            })
            .unwrap_or_default();
        let s = &report["summary"];
        println!(
            "| {} | {:.2} | {:.2} | {} | {attempts} | {} | {} / {} / {} |",
            case.name,
            median(&mut walls),
            median(&mut reads),
            timings["api"]["requests"],
            if classes.is_empty() {
                "–".to_string()
            } else {
                classes.join(", ")
            },
            s["fail"],
            s["pass"],
            s["not_evaluated"]
        );
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// One scan; returns the JSON report and the `--timings` line.
fn scan(endpoint: &str, extra: &[&str], env: &[(String, String)]) -> (Value, Value) {
    let out = support::cli::run(
        support::cli::ha_audit(Some(endpoint))
            .args([
                "scan",
                "--format",
                "json",
                "--fail-on",
                "never",
                "--timings",
            ])
            .args(REGIONS)
            .args(extra)
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
    );
    let stderr = support::cli::stderr(&out);
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("JSON report ({e}); stderr: {stderr}"));
    let timings = stderr
        .lines()
        .find_map(|l| l.strip_prefix("ha-audit: timings "))
        .map(|l| serde_json::from_str(l).expect("timings JSON"))
        .unwrap_or(Value::Null);
    (report, timings)
}
