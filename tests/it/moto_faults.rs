//! The fault matrix: the seeded mixed account scanned through the proxy while it throttles,
//! resets, fails a whole service, denies one action or truncates answers. Each run is compared
//! with a clean scan of the same account: retried faults must change nothing, unrecoverable
//! ones must turn exactly the affected findings into `not_evaluated` with the reason, and
//! nothing may ever become a false pass.
//!
//! Needs `scripts/setup-moto`; fails (does not skip) when moto cannot start.

use crate::support::cli::{ha_audit, run, stderr, stdout};
use crate::support::emulator_gaps::{
    complete_beyond_emulator_gaps, errors_only_where_moto_never_answers, names_emulator_gap,
    not_evaluated_beyond_emulator_gaps, scan_wide_emulator_gap,
};
use crate::support::expected::by_rule_and_resource;
use crate::support::faults::{Fault, Faults};
use crate::support::live::{FAST_BACKOFF, REGIONS};
use crate::support::moto::{free_port, Moto};
use crate::support::proxy::{Proxy, RecordedRequest};
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Output;
use std::time::{Duration, Instant};

struct Scan {
    out: Output,
    report: Value,
    requests: Vec<RecordedRequest>,
    seconds: f64,
}

fn scan(proxy: &Proxy, extra: &[&str]) -> Scan {
    scan_with(proxy, &[&FAST_BACKOFF[..], extra].concat(), &[])
}

/// A scan with the product's own retry defaults, and extra environment variables.
fn scan_with(proxy: &Proxy, extra: &[&str], env: &[(&str, &str)]) -> Scan {
    proxy.clear();
    let started = Instant::now();
    let out = run(ha_audit(Some(&proxy.endpoint))
        .args(["scan", "--format", "json"])
        .args(REGIONS)
        .args(extra)
        .envs(env.iter().copied()));
    let seconds = started.elapsed().as_secs_f64();
    let report = serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("JSON report ({e}); stderr: {}", stderr(&out)));
    Scan {
        out,
        report,
        requests: proxy.requests(),
        seconds,
    }
}

/// `(rule, resource) -> finding`.
fn findings(report: &Value) -> BTreeMap<(String, String), Value> {
    by_rule_and_resource(report, |_| true)
}

fn outcome_counts(report: &Value) -> String {
    let s = &report["summary"];
    format!(
        "fail {} pass {} not_evaluated {} suppressed {}",
        s["fail"], s["pass"], s["not_evaluated"], s["suppressed"]
    )
}

/// Prints the figures of one run: requests, injected faults by kind, retries, outcomes.
fn figures(name: &str, s: &Scan) {
    let mut by_fault: BTreeMap<String, usize> = BTreeMap::new();
    for r in &s.requests {
        if let Some(f) = r.fault {
            *by_fault.entry(f.to_string()).or_default() += 1;
        }
    }
    let faulted: usize = by_fault.values().sum();
    eprintln!(
        "{name}: {:.2} s, {} requests ({} answered by moto), faults {:?}, exit {:?}, {}",
        s.seconds,
        s.requests.len(),
        s.requests.len() - faulted,
        by_fault,
        s.out.status.code(),
        outcome_counts(&s.report)
    );
}

/// Compares a faulty run with the clean one: findings about resources of `kind` (a prefix)
/// become one scope-level `not_evaluated` per rule (`*`: the listing failed, so the resources
/// are unknown); every other finding is either the clean one or `not_evaluated` with a reason
/// containing `because` (a cross-resource rule that needed the unread kind). Returns how many
/// clean findings the fault cost.
fn assert_unread_only_because(
    expected: &BTreeMap<(String, String), Value>,
    report: &Value,
    kind: &str,
    because: &str,
) -> usize {
    let got = findings(report);
    let of_kind = |f: &Value| f["resource_kind"].as_str().unwrap().starts_with(kind);
    for (key, f) in got.iter().filter(|(_, f)| !scan_wide_emulator_gap(f)) {
        if key.1 == "*" {
            assert!(of_kind(f), "only {kind} scopes are unread: {key:?}");
            assert_eq!(f["outcome"], "not_evaluated", "{key:?}");
            assert!(f["reason"].as_str().unwrap().contains(because), "{f}");
        } else {
            assert!(expected.contains_key(key), "unexpected finding {key:?}");
        }
    }
    let mut unread = 0;
    for (key, want) in expected {
        if of_kind(want) {
            assert!(!got.contains_key(key), "{key:?} cannot be known");
            let scope = (key.0.clone(), "*".to_string());
            assert!(got.contains_key(&scope), "{key:?}");
            unread += 1;
            continue;
        }
        let f = got.get(key).unwrap_or_else(|| panic!("{key:?} is missing"));
        if f != want {
            assert_eq!(f["outcome"], "not_evaluated", "{key:?}: {f}");
            let reason = f["reason"].as_str().unwrap();
            assert!(reason.contains(because), "{key:?}: {reason}");
            unread += 1;
        }
    }
    unread
}

fn faults_of(s: &Scan, fault: Fault) -> Vec<&RecordedRequest> {
    s.requests
        .iter()
        .filter(|r| r.fault == Some(fault))
        .collect()
}

#[test]
fn fault_matrix() {
    let moto = Moto::start();
    moto.seed("seed_mixed.py");
    let proxy = Proxy::start(&moto.addr());

    let clean = scan(&proxy, &[]);
    figures("clean", &clean);
    assert_eq!(clean.out.status.code(), Some(1), "{}", stderr(&clean.out));
    let unread = not_evaluated_beyond_emulator_gaps(&clean.report);
    assert!(
        unread.is_empty(),
        "the clean run reads everything: {unread:?}"
    );
    let expected = findings(&clean.report);

    throttling_and_resets_change_nothing(&proxy, &clean, &expected, "standard");
    throttling_and_resets_change_nothing(&proxy, &clean, &expected, "adaptive");
    a_failing_service_is_not_evaluated_and_the_rest_is_exact(&proxy, &expected);
    access_denied_names_the_missing_action(&proxy, &expected);
    truncated_answers_never_pass_falsely(&proxy, &expected);
}

fn throttling_and_resets_change_nothing(
    proxy: &Proxy,
    clean: &Scan,
    expected: &BTreeMap<(String, String), Value>,
    retry_mode: &str,
) {
    const SERVICES: [&str; 6] = [
        "ec2",
        "rds",
        "elasticloadbalancing",
        "autoscaling",
        "s3",
        "route53",
    ];
    let mut faults = Faults::new(0x5eed)
        .share(0.30, Fault::Throttle)
        .share(0.05, Fault::Reset);
    // Each service's first call is throttled whatever the draw, so every protocol's
    // throttling answer is met and retried in every run.
    for service in SERVICES {
        faults = faults.first(service, 1, Fault::Throttle);
    }
    proxy.set_faults(faults);
    // 35% of attempts fail: 12 retries leave a call failing for good once in ~10^6.
    let s = scan(proxy, &["--max-retries", "12", "--retry-mode", retry_mode]);
    proxy.set_faults(Faults::new(0));
    figures(
        &format!("30% throttling + 5% resets, {retry_mode} retries"),
        &s,
    );
    let throttled = faults_of(&s, Fault::Throttle);
    let resets = faults_of(&s, Fault::Reset);
    eprintln!(
        "  retries: {} ({} throttled, {} reset), {:.2} attempts per call",
        throttled.len() + resets.len(),
        throttled.len(),
        resets.len(),
        s.requests.len() as f64 / clean.requests.len() as f64
    );
    // A share of attempts drawn at random (from a seed, in the order the concurrent calls
    // reach the proxy): what is asserted is that faults were met, not how many.
    assert!(
        throttled.len() >= 10 && !resets.is_empty(),
        "faults were injected"
    );
    // Every protocol's throttling answer was met and retried.
    for service in SERVICES {
        assert!(
            throttled
                .iter()
                .any(|r| r.service.as_deref() == Some(service)),
            "no {service} request was throttled"
        );
    }
    assert_eq!(
        s.out.status.code(),
        clean.out.status.code(),
        "{}",
        stderr(&s.out)
    );
    let got = findings(&s.report);
    assert_eq!(got.len(), expected.len());
    for (key, want) in expected {
        // A call moto never answers (a service or operation it lacks) fails either way: a
        // fault drawn for it can only change which failure the reason names.
        if scan_wide_emulator_gap(want) {
            assert_eq!(got[key]["outcome"], "not_evaluated", "{key:?}");
            continue;
        }
        assert_eq!(&got[key], want, "{key:?} differs from the clean run");
    }
    assert_eq!(s.report["summary"], clean.report["summary"]);
    let incomplete: Vec<&Value> = s.report["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !complete_beyond_emulator_gaps(c) && !errors_only_where_moto_never_answers(c))
        .collect();
    assert!(
        incomplete.is_empty(),
        "every call succeeded in the end: {incomplete:?}"
    );
}

fn a_failing_service_is_not_evaluated_and_the_rest_is_exact(
    proxy: &Proxy,
    expected: &BTreeMap<(String, String), Value>,
) {
    proxy.set_faults(Faults::new(1).on("elasticloadbalancing", None, 1.0, Fault::ServerError(503)));
    let s = scan(proxy, &["--max-retries", "2"]);
    figures("Elastic Load Balancing answering 503 to every call", &s);
    // The endpoint serves both ELBv2 and Classic Load Balancing, which ha-audit reads as two
    // services with a breaker each. A server error is retried at most twice; the listings of
    // each service failing together open its breaker after three failed attempts, which stops
    // the retries still to come: 3 or 4 attempts per service and region instead of 6.
    for region in ["us-east-1", "us-west-2"] {
        let elb: Vec<_> = s
            .requests
            .iter()
            .filter(|r| r.service.as_deref() == Some("elasticloadbalancing"))
            .filter(|r| r.region.as_deref() == Some(region))
            .collect();
        assert!(elb
            .iter()
            .all(|r| r.fault.is_some() && r.attempt <= Some(3)));
        assert!(
            (6..=8).contains(&elb.len()),
            "{region}: {} attempts",
            elb.len()
        );
    }

    // `elb` names the kinds of both: `elbv2.*` and `elb.*`.
    let unread = assert_unread_only_because(expected, &s.report, "elb", "ServiceUnavailable");
    eprintln!("  {unread} findings not evaluated because Elastic Load Balancing was unreadable");
    assert_eq!(unread, 52);
    let coverage = s.report["coverage"].as_array().unwrap();
    for c in coverage {
        assert_eq!(
            complete_beyond_emulator_gaps(c),
            c["service"] != "elbv2" && c["service"] != "elb",
            "{c}"
        );
    }

    // The exit-code contract: not_evaluated alone does not fail the gate ...
    assert_eq!(s.out.status.code(), Some(1), "there are real failures");
    let gate = |extra: &[&str]| scan(proxy, &[&["--max-retries", "0"], extra].concat());
    let never = gate(&["--fail-on", "never"]);
    assert_eq!(never.out.status.code(), Some(0), "{}", stderr(&never.out));
    // ... unless --fail-on-incomplete is given.
    let strict = gate(&["--fail-on", "never", "--fail-on-incomplete"]);
    assert_eq!(strict.out.status.code(), Some(1), "{}", stderr(&strict.out));
    assert!(
        stderr(&strict.out).contains("incomplete"),
        "{}",
        stderr(&strict.out)
    );
    proxy.set_faults(Faults::new(0));
}

fn access_denied_names_the_missing_action(
    proxy: &Proxy,
    expected: &BTreeMap<(String, String), Value>,
) {
    proxy.set_faults(Faults::new(2).on(
        "rds",
        Some("DescribeDBClusters"),
        1.0,
        Fault::AccessDenied,
    ));
    let s = scan(proxy, &[]);
    figures("AccessDenied on rds:DescribeDBClusters", &s);
    // Access denied is final: never retried.
    let denied = faults_of(&s, Fault::AccessDenied);
    assert_eq!(
        denied.len(),
        2,
        "one DescribeDBClusters per region, no retry"
    );

    let unread = assert_unread_only_because(expected, &s.report, "rds.db_cluster", "AccessDenied");
    eprintln!("  {unread} findings not evaluated for lack of rds:DescribeDBClusters");
    assert_eq!(unread, 34);
    // The reason names the permission to grant.
    let (_, scope) = findings(&s.report)
        .into_iter()
        .find(|(k, _)| k.0 == "HA-RDS-002" && k.1 == "*")
        .expect("HA-RDS-002 is not evaluated for the whole scope");
    let reason = scope["reason"].as_str().unwrap();
    assert!(reason.contains("grant rds:DescribeDBClusters"), "{reason}");

    // The table tells the user which permission to add.
    let table = run(ha_audit(Some(&proxy.endpoint))
        .args(["scan", "--fail-on", "never"])
        .args(REGIONS));
    proxy.set_faults(Faults::new(0));
    let text = stdout(&table);
    assert!(text.contains("rds:DescribeDBClusters"), "{text}");
}

fn truncated_answers_never_pass_falsely(
    proxy: &Proxy,
    expected: &BTreeMap<(String, String), Value>,
) {
    proxy.set_faults(Faults::new(3).share(0.15, Fault::Truncate));
    let s = scan(proxy, &["--max-retries", "1"]);
    proxy.set_faults(Faults::new(0));
    figures("15% truncated answers, 1 retry", &s);
    // Drawn at random like the throttling above: that some answers were cut, not how many.
    assert!(!faults_of(&s, Fault::Truncate).is_empty());
    let got = findings(&s.report);
    for (key, f) in &got {
        match expected.get(key) {
            // The same verdict. Other attributes may be unknown: a bucket whose location
            // answer was cut twice has no region (its message says so), yet its versioning
            // is still judged.
            Some(want) if f["outcome"] == want["outcome"] => {}
            // A truncated body that could not be retried is an unread call, never a verdict.
            _ => assert_eq!(f["outcome"], "not_evaluated", "{key:?}: {f}"),
        }
    }
}

#[test]
fn an_interrupted_scan_leaves_no_half_written_output() {
    let moto = Moto::start();
    moto.seed("seed_mixed.py");
    let proxy = Proxy::start(&moto.addr());
    // Slow enough that SIGINT arrives while the account is being read.
    proxy.set_faults(Faults::new(0).latency(Duration::from_millis(400)));
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let snapshot = dir.path().join("snapshot.json");
    std::fs::write(&report, "the previous report\n").unwrap();

    let child = ha_audit(Some(&proxy.endpoint))
        .args(["scan", "--format", "json", "--output"])
        .arg(&report)
        .arg("--save-snapshot")
        .arg(&snapshot)
        .args(REGIONS)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the scan is under way (some requests seen), then interrupt it.
    let started = Instant::now();
    while proxy.requests().len() < 5 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the scan never started"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    eprintln!(
        "interrupted after {} requests: exit {:?}",
        proxy.requests().len(),
        out.status.code()
    );
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(stderr(&out).contains("interrupted"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    assert_eq!(
        std::fs::read_to_string(&report).unwrap(),
        "the previous report\n",
        "the earlier report is untouched"
    );
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["report.json"], "no snapshot, no temporary file");
}

/// Figures of one request class: `(service, region)` attempts seen by the proxy.
fn attempts(s: &Scan, service: &str, region: &str, operation: Option<&str>) -> Vec<u32> {
    s.requests
        .iter()
        .filter(|r| r.service.as_deref() == Some(service) && r.region.as_deref() == Some(region))
        .filter(|r| operation.is_none() || r.operation.as_deref() == operation)
        .map(|r| r.attempt.unwrap_or(0))
        .collect()
}

/// Compares a scan with the healthy one: every finding is the same, except those `affected`
/// says the fault explains, which must be `not_evaluated` with a reason `explains` accepts
/// (or, for resources that could not be listed, be gone, a scope-level row standing for
/// them). Returns how many findings of the healthy run the fault cost, and how many
/// not-evaluated rows it added.
fn only_affected_differ(
    healthy: &Scan,
    broken: &Scan,
    affected: impl Fn(&Value) -> bool,
    explains: impl Fn(&str) -> bool,
) -> (usize, usize) {
    let want = findings(&healthy.report);
    let got = findings(&broken.report);
    let (mut cost, mut added) = (0, 0);
    for (key, f) in &got {
        match want.get(key) {
            Some(w) if w == f => {}
            _ => {
                assert!(affected(f), "{key:?} changed but is not affected: {f}");
                assert_eq!(f["outcome"], "not_evaluated", "{key:?}: {f}");
                let reason = f["reason"].as_str().unwrap();
                assert!(explains(reason), "{key:?}: {reason}");
                if want.contains_key(key) {
                    cost += 1;
                } else {
                    added += 1;
                }
            }
        }
    }
    for key in want.keys() {
        if !got.contains_key(key) {
            assert!(affected(&want[key]), "{key:?} is missing");
            cost += 1;
        }
    }
    (cost, added)
}

fn read_seconds(s: &Scan) -> f64 {
    let line = stderr(&s.out)
        .lines()
        .find_map(|l| l.strip_prefix("ha-audit: timings ").map(str::to_string))
        .expect("--timings line");
    let t: Value = serde_json::from_str(&line).unwrap();
    t["phases_s"]["read"].as_f64().unwrap()
}

/// A broken API costs its own scope and a second at most, never the minutes of patient
/// retries: a persistent 500 on one operation, on a whole service in one region, a stalled
/// endpoint, a refused connection, and `--deadline` against a stall. Each run is compared
/// with the healthy run, finding by finding, and timed by the read phase the scan reports
/// (`--timings`): the process around it (start, evaluation, output) is what slows most when
/// other tests share the machine, and a broken API adds next to nothing to it. The product's
/// own retry defaults are used (no `--max-backoff`), since what is measured is their cost.
#[test]
fn a_broken_api_never_holds_the_scan() {
    let moto = Moto::start();
    moto.seed("seed_storage.py");
    let proxy = Proxy::start(&moto.addr());
    let timings = ["--timings", "-v"];

    // moto implements neither AWS Backup's ListBackupSelections nor EFS's
    // DescribeReplicationConfigurations: it answers both with HTTP 500, every time. The
    // healthy run has the proxy answer them as AWS does for an account without selections
    // or replications. (Its first scan also warms moto, which imports each backend on
    // first use.)
    let healthy_answers = || Faults::new(0).answering_moto_gaps();
    proxy.set_faults(healthy_answers());
    let _ = scan_with(&proxy, &timings, &[]);
    let healthy = scan_with(&proxy, &timings, &[]);
    figures("healthy", &healthy);

    // 1. A persistent 500 on two operations (moto's own answers).
    proxy.set_faults(Faults::new(0));
    let broken = scan_with(&proxy, &timings, &[]);
    figures(
        "ListBackupSelections and DescribeReplicationConfigurations answer 500",
        &broken,
    );
    let extra = read_seconds(&broken) - read_seconds(&healthy);
    eprintln!("  read {extra:.2} s longer than the healthy run");
    assert!(extra < 1.5, "{extra:.2} s lost to two broken operations");
    for region in ["us-east-1", "us-west-2"] {
        // One call per region, tried three times: the first attempt and two retries.
        assert_eq!(
            attempts(
                &broken,
                "elasticfilesystem",
                region,
                Some("DescribeReplicationConfigurations")
            ),
            [1, 2, 3],
            "{region}"
        );
    }
    // us-east-1 has three plans, whose selections are read at once: no call goes past its
    // third attempt, and the operation's breaker stops what is left after three failures.
    let selections = attempts(&broken, "backup", "us-east-1", Some("ListBackupSelections"));
    assert!(
        selections.iter().all(|a| (1..=3).contains(a)),
        "{selections:?}"
    );
    assert!((3..=6).contains(&selections.len()), "{selections:?}");
    let cost = only_affected_differ(
        &healthy,
        &broken,
        |f| {
            let rule = f["rule_id"].as_str().unwrap();
            rule.starts_with("HA-BAK-") || rule.starts_with("HA-EFS-")
        },
        |reason| {
            ["ListBackupSelections", "DescribeReplicationConfigurations"]
                .iter()
                .any(|op| names_emulator_gap(reason, op, "http-500"))
        },
    );
    eprintln!("  {cost:?} findings lost and rows added because of the two operations");
    assert_eq!(cost, (17, 11));
    let err = stderr(&broken.out);
    assert!(
        err.contains(
            "ha-audit: breaker open: efs DescribeReplicationConfigurations in us-east-1: 3 \
             consecutive server errors (HTTP 500), later calls not sent"
        ),
        "{err}"
    );
    assert!(
        err.lines().any(|l| l
            .starts_with("ha-audit: api efs DescribeReplicationConfigurations: 2 calls, 2 failed")
            && l.contains("failed attempts: 6 server_error")),
        "{err}"
    );

    // 2. A whole service answering 500 in one region: RDS in us-east-1. Its three listings
    // fail together, which opens the endpoint's breaker; us-west-2 is read as usual.
    proxy.set_faults(healthy_answers().in_region("rds", "us-east-1", Fault::ServerError(500)));
    let rds_down = scan_with(&proxy, &timings, &[]);
    figures("RDS answering 500 in us-east-1", &rds_down);
    let east = attempts(&rds_down, "rds", "us-east-1", None);
    // Three first attempts open the breaker; retries already under way when it opens add
    // theirs, at most one per listing.
    assert!((3..=6).contains(&east.len()), "{east:?}");
    // us-west-2's three listings and the read of its one parameter group, each answered at
    // the first attempt.
    assert_eq!(attempts(&rds_down, "rds", "us-west-2", None), [1, 1, 1, 1]);
    let in_east = |f: &Value| f["region"] == "us-east-1";
    let cost = only_affected_differ(&healthy, &rds_down, in_east, |r| {
        r.contains("InternalError")
    });
    eprintln!("  {cost:?} findings lost and rows added");
    // The region's database findings become one scope row per RDS rule, and the backup
    // rules about its databases are not evaluated.
    assert_eq!(cost, (11, 32));
    // The endpoint opens after 3 consecutive server errors; calls already in flight when it
    // opens may add their own, so the count it reports is 3 or more, and a retry it stops
    // is counted as not sent.
    let err = stderr(&rds_down.out);
    let opened = err
        .lines()
        .find_map(|l| l.strip_prefix("ha-audit: breaker open: rds in us-east-1: "))
        .unwrap_or_else(|| panic!("no endpoint breaker for rds in us-east-1: {err}"));
    let (count, rest) = opened
        .split_once(" consecutive server errors (HTTP 500), later calls not sent")
        .unwrap_or_else(|| panic!("unexpected breaker line: {opened}"));
    let errors: usize = count
        .parse()
        .unwrap_or_else(|_| panic!("unexpected breaker line: {opened}"));
    assert!((3..=6).contains(&errors), "{opened}");
    assert!(
        rest.is_empty() || (rest.starts_with(" (") && rest.ends_with(" calls not sent)")),
        "{opened}"
    );
    let extra = read_seconds(&rds_down) - read_seconds(&healthy);
    eprintln!("  read {extra:.2} s longer than the healthy run");
    assert!(
        extra < 1.5,
        "a region's RDS answering 500 cost {extra:.2} s"
    );

    // 3. A stalled endpoint: RDS in us-east-1 takes every request and never answers. With a
    // 1 s attempt timeout the scope costs at most three of them.
    proxy.set_faults(healthy_answers().in_region("rds", "us-east-1", Fault::Stall));
    let stalled = scan_with(
        &proxy,
        &[&timings[..], &["--attempt-timeout", "1"]].concat(),
        &[],
    );
    figures("RDS stalled in us-east-1, 1 s attempt timeout", &stalled);
    let extra = read_seconds(&stalled) - read_seconds(&healthy);
    eprintln!("  read {extra:.2} s longer than the healthy run");
    assert!(extra < 3.0 + 0.5, "a stall cost {extra:.2} s");
    // One stalled attempt per listing opens the breaker; retries already under way add theirs.
    assert!((3..=6).contains(&attempts(&stalled, "rds", "us-east-1", None).len()));
    let cost = only_affected_differ(&healthy, &stalled, in_east, |r| r.contains("timeout"));
    eprintln!("  {cost:?} findings lost and rows added");
    assert_eq!(cost, (11, 32));
    assert!(
        stderr(&stalled.out)
            .contains("breaker open: rds in us-east-1: 3 consecutive attempts without an answer"),
        "{}",
        stderr(&stalled.out)
    );

    // 4. A refused connection: RDS's endpoint (both regions) is a port nobody listens on.
    proxy.set_faults(healthy_answers());
    let closed = format!("http://127.0.0.1:{}", free_port());
    let refused = scan_with(&proxy, &timings, &[("AWS_ENDPOINT_URL_RDS", &closed)]);
    figures("RDS refusing connections", &refused);
    assert!(attempts(&refused, "rds", "us-east-1", None).is_empty());
    let is_rds = |f: &Value| {
        let kind = f["resource_kind"].as_str().unwrap();
        kind.starts_with("rds.") || f["outcome"] == "not_evaluated"
    };
    let cost = only_affected_differ(&healthy, &refused, is_rds, |r| r.contains("dispatch"));
    eprintln!("  {cost:?} findings lost and rows added");
    assert_eq!(cost, (34, 32));
    let extra = read_seconds(&refused) - read_seconds(&healthy);
    eprintln!("  read {extra:.2} s longer than the healthy run");
    assert!(extra < 1.5, "a refused connection cost {extra:.2} s");

    // 5. `--deadline 5s` against a stall with the default 10 s attempt timeout: the read ends
    // at the deadline, the rest of the account is judged, the stalled scope is not evaluated
    // for that reason, and the exit code follows the findings.
    proxy.set_faults(healthy_answers().in_region("rds", "us-east-1", Fault::Stall));
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("late.json");
    let late = scan_with(
        &proxy,
        &[
            &timings[..],
            &[
                "--deadline",
                "5s",
                "--save-snapshot",
                saved.to_str().unwrap(),
            ],
        ]
        .concat(),
        &[],
    );
    figures("RDS stalled in us-east-1, --deadline 5s", &late);
    let read = read_seconds(&late);
    eprintln!("  read phase {read:.2} s, process {:.2} s", late.seconds);
    assert!((5.0..6.0).contains(&read), "read took {read:.2} s");
    assert_eq!(late.out.status.code(), Some(1), "{}", stderr(&late.out));
    let cost = only_affected_differ(&healthy, &late, in_east, |r| {
        r.contains("abandoned: scan deadline reached (--deadline 5s)")
    });
    eprintln!("  {cost:?} findings lost and rows added");
    assert_eq!(cost, (11, 32));
    let rds_east = late.report["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["service"] == "rds" && c["region"] == "us-east-1")
        .unwrap();
    assert!(
        rds_east["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["code"] == "deadline"),
        "{rds_east}"
    );
    // The table's coverage section names each call cut short, and counts them.
    let table = stdout(&run(ha_audit(None)
        .args(["scan", "--fail-on", "never", "--snapshot"])
        .arg(&saved)));
    for op in [
        "DescribeDBInstances",
        "DescribeDBClusters",
        "DescribeGlobalClusters",
    ] {
        let line =
            format!("  rds us-east-1: {op}: abandoned: scan deadline reached (--deadline 5s)\n");
        assert!(table.contains(&line), "{line}{table}");
    }
    assert!(
        table.contains("Cut short: 3 stopped by the scan deadline (calls or listings).\n"),
        "{table}"
    );
    proxy.set_faults(Faults::new(0));
}
