//! Collection benchmark: a large account seeded into moto, scanned by the release binary
//! through the recording proxy with 0 ms and 50 ms of added latency per request.
//!
//! ```text
//! export CARGO_TARGET_DIR=...   # optional; the release binary is looked up under it
//! cargo build --release --locked
//! cargo bench --locked --bench collect -- --scales 0.1,0.25 [--concurrency 16] [--latencies 0,50]
//! ```
//!
//! `HA_AUDIT_BIN` names another binary to measure; `--bin PATH`, repeated, compares several on
//! the same seeded account. Needs moto (`scripts/setup-moto`) and
//! `/usr/bin/time` (peak memory). Not part of the test suite: run it by hand or from a script.
//!
//! `fixtures/moto/seed_large.py` defines scale 1.0 (per region 2,000 instances, 300 RDS
//! instances, 200 load balancers, 300 Auto Scaling groups...; 2,000 buckets, 50 zones with
//! 5,000 records). Seeding took 20 s at 0.1, 44 s at 0.5 and 120 s at 1.0 on a 2-core machine;
//! moto answers about 100 requests a second there, slower than 50 ms of added latency x 16
//! calls in flight, so busy / concurrency is the bound to compare the wall time with.
//!
//! Per run it prints: wall time; peak RSS of the ha-audit process; requests made against the
//! minimum the collectors need (pages at the page sizes they use, plus one call per detail);
//! retries (requests with an SDK attempt number above 1); achieved concurrency (sum of request
//! durations / wall) and the most requests in flight; the bound requests x latency /
//! concurrency and wall / bound; and busy / concurrency, the same bound counting moto's own
//! answer time (sum of request durations / concurrency), which is what limits the scan when
//! moto is slower than the added latency.

// The support code's unit tests are not run from here (no test harness), so their imports
// look unused.
#[allow(unused_imports)]
#[path = "../tests/it/support/mod.rs"]
mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::faults::Faults;
use support::moto::Moto;
use support::proxy::{Proxy, RecordedRequest};

const REGIONS: [&str; 2] = ["us-east-1", "us-west-2"];

/// Page sizes the collectors get: what they ask for, else moto's default for the call.
/// `None`: one page whatever the count (moto does not paginate the call).
mod page {
    pub const INSTANCES: usize = 100; // reservations per DescribeInstances page
    pub const DB: usize = 100; // DescribeDBInstances, DescribeDBClusters
    pub const LOAD_BALANCERS: usize = 400;
    pub const AUTO_SCALING_GROUPS: usize = 100;
    pub const HOSTED_ZONES: usize = 100;
    pub const RECORDS: usize = 300;
    pub const LB_TAGS: usize = 20; // ARNs per DescribeTags call
}

struct Args {
    /// Binaries to compare on the same seeded account; empty: `support::cli::bin()`.
    bins: Vec<PathBuf>,
    scales: Vec<f64>,
    latencies: Vec<u64>,
    concurrency: u16,
}

fn parse_args() -> Args {
    let mut args = Args {
        bins: Vec::new(),
        scales: vec![0.1],
        latencies: vec![0, 50],
        concurrency: 16,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().unwrap_or_else(|| panic!("{name} needs a value"));
        match a.as_str() {
            // Passed by `cargo bench`.
            "--bench" => {}
            "--bin" => args.bins.push(PathBuf::from(value("--bin"))),
            "--scales" => {
                args.scales = list(&value("--scales"));
            }
            "--latencies" => {
                args.latencies = list(&value("--latencies"));
            }
            "--concurrency" => {
                args.concurrency = value("--concurrency")
                    .parse()
                    .expect("--concurrency takes a number");
            }
            other => panic!(
                "unknown argument {other:?} (expected --scales A,B --latencies MS,MS --concurrency N --bin PATH...)"
            ),
        }
    }
    args
}

fn list<T: std::str::FromStr>(s: &str) -> Vec<T> {
    s.split(',')
        .map(|v| {
            v.trim()
                .parse()
                .unwrap_or_else(|_| panic!("bad list value {v:?}"))
        })
        .collect()
}

/// What one scan measured.
struct Run {
    /// The binary's file name.
    bin: String,
    scale: f64,
    latency_ms: u64,
    wall: Duration,
    max_rss_kib: u64,
    requests: usize,
    minimum: u64,
    retries: usize,
    achieved: f64,
    /// Sum of the request durations, in seconds.
    busy: f64,
    max_in_flight: usize,
    coverage_errors: usize,
    concurrency: u16,
}

impl Run {
    /// The bound counting moto's own time too: sum of request durations / concurrency.
    fn busy_bound(&self) -> f64 {
        self.busy / f64::from(self.concurrency)
    }

    /// requests x latency / concurrency, in seconds, and wall / bound; "-" without latency.
    fn bound(&self) -> (String, String) {
        if self.latency_ms == 0 {
            return ("-".to_string(), "-".to_string());
        }
        let bound =
            self.requests as f64 * self.latency_ms as f64 / 1000.0 / f64::from(self.concurrency);
        (
            format!("{bound:.2}"),
            format!("{:.2}", self.wall.as_secs_f64() / bound),
        )
    }
}

fn main() {
    let args = parse_args();
    let bins = if args.bins.is_empty() {
        vec![support::cli::bin()]
    } else {
        args.bins.clone()
    };
    for bin in &bins {
        assert!(
            bin.exists(),
            "no binary at {} (cargo build --release, or set HA_AUDIT_BIN or --bin)",
            bin.display()
        );
    }
    let moto = Moto::start();
    let proxy = Proxy::start(&moto.addr());
    println!("{HEADER}");
    let mut runs = Vec::new();
    for &scale in &args.scales {
        moto.reset();
        let started = Instant::now();
        let seeded = moto.seed_with("seed_large.py", &["--scale", &scale.to_string()]);
        eprintln!(
            "scale {scale}: seeded in {:.0} s: {}",
            started.elapsed().as_secs_f64(),
            serde_json::to_string(&seeded).unwrap()
        );
        let minimum = minimum(&seeded);
        for bin in &bins {
            for &latency_ms in &args.latencies {
                let (run, requests) =
                    scan(bin, &proxy, scale, latency_ms, args.concurrency, &minimum);
                println!("{}", row(&run));
                if latency_ms == args.latencies[0] {
                    print_operations(&requests, &minimum);
                }
                runs.push(run);
            }
        }
    }
    print_table(&runs);
}

/// The fewest requests the collectors need for the seeded account, per operation.
fn minimum(seeded: &Value) -> BTreeMap<String, u64> {
    let n = |v: &Value| v.as_u64().unwrap_or(0) as usize;
    let pages = |count: usize, size: usize| count.div_ceil(size).max(1) as u64;
    let mut m: BTreeMap<String, u64> = BTreeMap::new();
    let mut add = |op: &str, count: u64| *m.entry(op.to_string()).or_default() += count;
    add("GetCallerIdentity", 1);
    add("DescribeRegions", 1);
    for region in REGIONS {
        let r = &seeded["regions"][region];
        for op in [
            "DescribeAvailabilityZones",
            "DescribeVpcs",
            "DescribeSubnets",
            "DescribeRouteTables",
            "DescribeNatGateways",
            "DescribeVpcEndpoints",
            "DescribeTargetGroups",
        ] {
            add(op, 1);
        }
        add(
            "DescribeInstances",
            pages(n(&r["reservations"]), page::INSTANCES),
        );
        add(
            "DescribeDBInstances",
            pages(n(&r["db_instances_listed"]), page::DB),
        );
        add("DescribeDBClusters", pages(n(&r["db_clusters"]), page::DB));
        let lbs = n(&r["load_balancers"]);
        let tgs = n(&r["target_groups"]);
        add("DescribeLoadBalancers", pages(lbs, page::LOAD_BALANCERS));
        add("DescribeLoadBalancerAttributes", lbs as u64);
        add("DescribeListeners", lbs as u64);
        add("DescribeTags", lbs.div_ceil(page::LB_TAGS) as u64);
        add("DescribeTargetGroupAttributes", tgs as u64);
        add("DescribeTargetHealth", tgs as u64);
        add(
            "DescribeAutoScalingGroups",
            pages(n(&r["auto_scaling_groups"]), page::AUTO_SCALING_GROUPS),
        );
    }
    let g = &seeded["global"];
    let buckets = n(&g["buckets"]) as u64;
    add("ListBuckets", 1);
    // moto's ListBuckets gives no bucket region, so each bucket is located first.
    for op in [
        "GetBucketLocation",
        "GetBucketVersioning",
        "GetBucketReplication",
        "GetObjectLockConfiguration",
    ] {
        add(op, buckets);
    }
    add(
        "ListHostedZones",
        pages(n(&g["hosted_zones"]), page::HOSTED_ZONES),
    );
    add("ListHealthChecks", 1);
    let records: u64 = g["records_per_zone"]
        .as_array()
        .map(|zones| zones.iter().map(|z| pages(n(z), page::RECORDS)).sum())
        .unwrap_or(0);
    add("ListResourceRecordSets", records);
    m
}

fn scan(
    bin: &Path,
    proxy: &Proxy,
    scale: f64,
    latency_ms: u64,
    concurrency: u16,
    minimum: &BTreeMap<String, u64>,
) -> (Run, Vec<RecordedRequest>) {
    proxy.set_faults(Faults::new(1).latency(Duration::from_millis(latency_ms)));
    proxy.clear();
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("snapshot.json");
    let rss = dir.path().join("rss");
    let mut audit = support::cli::ha_audit(Some(&proxy.endpoint));
    audit
        .args([
            "collect",
            "--concurrency",
            &concurrency.to_string(),
            "--out",
        ])
        .arg(&snapshot);
    for r in REGIONS {
        audit.args(["--region", r]);
    }
    let mut timed = under_time(bin, &audit, &rss);
    let started = Instant::now();
    let out = timed.output().expect("/usr/bin/time runs ha-audit");
    let wall = started.elapsed();
    assert!(
        out.status.success(),
        "ha-audit collect failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let requests = proxy.requests();
    let snap: Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshot).unwrap()).expect("snapshot");
    let coverage_errors = snap["coverage"]
        .as_array()
        .map(|c| {
            c.iter()
                .map(|e| e["errors"].as_array().map_or(0, Vec::len))
                .sum()
        })
        .unwrap_or(0);
    let busy: f64 = requests.iter().map(|r| r.duration().as_secs_f64()).sum();
    let run = Run {
        bin: bin
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        scale,
        latency_ms,
        wall,
        max_rss_kib: std::fs::read_to_string(&rss)
            .ok()
            .and_then(|s| s.lines().last()?.trim().parse().ok())
            .unwrap_or(0),
        requests: requests.len(),
        minimum: minimum.values().sum(),
        retries: requests
            .iter()
            .filter(|r| r.attempt.is_some_and(|a| a > 1))
            .count(),
        achieved: busy / wall.as_secs_f64(),
        busy,
        max_in_flight: max_in_flight(&requests),
        coverage_errors,
        concurrency,
    };
    (run, requests)
}

/// The same command with `bin` as its program, run under `/usr/bin/time -f %M -o <rss>` (peak
/// RSS in KiB).
fn under_time(bin: &Path, cmd: &Command, rss: &Path) -> Command {
    let mut timed = Command::new("/usr/bin/time");
    timed
        .args(["-f", "%M", "-o"])
        .arg(rss)
        .arg(bin)
        .args(cmd.get_args())
        .stdin(Stdio::null());
    if let Some(dir) = cmd.get_current_dir() {
        timed.current_dir(dir);
    }
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => timed.env(k, v),
            None => timed.env_remove(k),
        };
    }
    timed
}

fn max_in_flight(requests: &[RecordedRequest]) -> usize {
    // Ends sort before starts at the same instant: back-to-back requests do not overlap.
    let mut events: Vec<(Instant, i32)> = requests
        .iter()
        .flat_map(|r| [(r.started, 1), (r.finished, -1)])
        .collect();
    events.sort();
    let (mut now, mut max) = (0i32, 0i32);
    for (_, delta) in events {
        now += delta;
        max = max.max(now);
    }
    max as usize
}

/// Per operation: requests made against the minimum (`!` where they differ), and the mean
/// time moto (plus the added latency) took to answer.
fn print_operations(requests: &[RecordedRequest], minimum: &BTreeMap<String, u64>) {
    let mut made: BTreeMap<String, (u64, f64)> = BTreeMap::new();
    for r in requests {
        let op = r.operation.clone().unwrap_or_else(|| r.action.clone());
        let e = made.entry(op).or_default();
        e.0 += 1;
        e.1 += r.duration().as_secs_f64();
    }
    let mut ops: Vec<&String> = made.keys().chain(minimum.keys()).collect();
    ops.sort();
    ops.dedup();
    for op in ops {
        let (got, busy) = made.get(op).copied().unwrap_or_default();
        let want = minimum.get(op).copied().unwrap_or(0);
        let mark = if got == want { ' ' } else { '!' };
        let mean_ms = if got > 0 {
            busy * 1000.0 / got as f64
        } else {
            0.0
        };
        println!("  {mark} {op}: {got} requests (minimum {want}), {mean_ms:.1} ms each");
    }
}

const HEADER: &str =
    "| binary | scale | latency | concurrency | wall (s) | max RSS (MiB) | requests / \
                      minimum | retries | achieved concurrency | max in flight | bound (s) | \
                      wall / bound | busy / concurrency (s) | coverage errors |\n\
                      |---|---|---|---|---|---|---|---|---|---|---|---|---|---|";

/// One run as a row of the Markdown table.
fn row(r: &Run) -> String {
    let (bound, ratio) = r.bound();
    format!(
        "| {} | {} | {} ms | {} | {:.2} | {:.1} | {} / {} | {} | {:.1} | {} | {bound} | {ratio} | {:.2} | {} |",
        r.bin,
        r.scale,
        r.latency_ms,
        r.concurrency,
        r.wall.as_secs_f64(),
        r.max_rss_kib as f64 / 1024.0,
        r.requests,
        r.minimum,
        r.retries,
        r.achieved,
        r.max_in_flight,
        r.busy_bound(),
        r.coverage_errors
    )
}

fn print_table(runs: &[Run]) {
    println!();
    println!(
        "Scales are fractions of seed_large.py's scale 1.0; the proxy adds the latency to every \
         request."
    );
    println!();
    println!("{HEADER}");
    for r in runs {
        println!("{}", row(r));
    }
}
