//! End to end against moto: seed the mixed account in two regions, scan it with the real
//! binary and compare every finding with `fixtures/moto/mixed.expected.json`.
//!
//! Needs `scripts/setup-moto`; fails (does not skip) when moto cannot start.

use crate::support::cli::{ha_audit, run, stderr, stdout};
use crate::support::emulator_gaps::{
    assert_read_beyond_emulator_gaps, default_parameter_group_gap,
    incomplete_only_by_emulator_gaps, scan_wide_emulator_gap,
};
use crate::support::expected::{self, assert_no_problems};
use crate::support::live::{
    assert_called, assert_calls_are_in_the_iam_policy, assert_offline_scan_matches, Live, REGIONS,
};
use crate::support::moto::Moto;
use crate::support::proxy::Proxy;
use crate::support::report::{assert_valid_sarif, findings, with_outcome, without_time};
use serde_json::Value;

#[test]
fn live_scan_of_the_seeded_account_gives_exactly_the_expected_findings() {
    // The proxy records every request and renames the XML root of moto's GetBucketVersioning
    // answer, which the SDK (correctly) refuses to parse.
    let live = Live::through_proxy("seed_mixed.py");
    let (report, snap, out) = (&live.report, &live.snapshot, &live.out);
    eprintln!(
        "live scan: {:.2} s, {} API requests",
        live.seconds,
        live.requests.len()
    );

    assert_calls_are_in_the_iam_policy(&live.requests);
    // moto has none of these three services, but the listings are made, named and in the
    // policy: Global Accelerator's once per scan, from us-west-2, the one region serving it;
    // the others once per region.
    assert_called(
        &live.requests,
        &["ListAccelerators", "ListGateways", "ListOutposts"],
    );
    let regions_of = |op: &str| {
        let mut r: Vec<&str> = live
            .requests
            .iter()
            .filter(|r| r.operation.as_deref() == Some(op) && r.attempt.unwrap_or(1) == 1)
            .filter_map(|r| r.region.as_deref())
            .collect();
        r.sort_unstable();
        r
    };
    assert_eq!(regions_of("ListAccelerators"), ["us-west-2"]);
    assert_eq!(regions_of("ListGateways"), ["us-east-1", "us-west-2"]);
    assert_eq!(regions_of("ListOutposts"), ["us-east-1", "us-west-2"]);
    // moto 5.2.5 implements none of Incident Manager, Elastic Disaster Recovery and Lightsail:
    // their calls are sent (and named by the proxy, so the policy check above covers them),
    // every one is answered with HTTP 500, and that is all their coverage entries hold.
    for service in ["ssm-incidents", "drs", "lightsail"] {
        let sent: Vec<(&str, u16)> = live
            .requests
            .iter()
            .filter(|r| r.service.as_deref() == Some(service))
            .map(|r| (r.operation.as_deref().unwrap_or("?"), r.status))
            .collect();
        assert!(
            !sent.is_empty() && sent.iter().all(|(_, status)| *status == 500),
            "{service}: {sent:?}"
        );
    }
    let unimplemented: Vec<&Value> = report["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| ["ssmincidents", "drs", "lightsail"].contains(&c["service"].as_str().unwrap()))
        .collect();
    assert_eq!(unimplemented.len(), 6, "three services in two regions");
    assert!(
        unimplemented
            .iter()
            .all(|c| incomplete_only_by_emulator_gaps(c)),
        "{unimplemented:?}"
    );

    // The scenario pins every outcome of the rules it was written for; other rules have
    // scenarios of their own. Only moto's default VPCs have no name; their subnets span
    // every AZ.
    let cmp = expected::compare(report, "mixed.expected.json", |f| {
        (f["resource_kind"] != "ec2.vpc" || f["outcome"] != "pass")
            .then(|| format!("unnamed resource: {f}"))
    });
    assert_no_problems(&cmp.problems);
    assert_read_beyond_emulator_gaps(report);
    assert_eq!(
        report["regions"],
        serde_json::json!(["us-east-1", "us-west-2"])
    );

    assert_offline_scan_matches(snap, report);

    // `collect` then `scan --snapshot` gives byte-identical findings (timestamps aside).
    let collected = live.dir.path().join("collected.json");
    let c = run(ha_audit(Some(live.endpoint()))
        .args(["collect", "--out"])
        .arg(&collected)
        .args(REGIONS));
    assert_eq!(c.status.code(), Some(0), "{}", stderr(&c));
    let rescan = run(ha_audit(None)
        .args(["scan", "--format", "json", "--snapshot"])
        .arg(&collected));
    let strip = |s: &str| {
        let v = without_time(s);
        serde_json::to_string_pretty(&v["findings"]).unwrap()
    };
    assert_eq!(strip(&stdout(&rescan)), strip(&stdout(out)));

    // SARIF of the same account validates against the official schema.
    let sarif = run(ha_audit(None)
        .args(["scan", "--format", "sarif", "--snapshot"])
        .arg(snap));
    let doc: Value = serde_json::from_str(&stdout(&sarif)).unwrap();
    assert_valid_sarif(&doc);
    let fails = with_outcome(report, "fail").len();
    assert_eq!(
        cmp.covered.len(),
        13,
        "the scenario covers the first 13 rules"
    );
    assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), fails);

    if let Ok(path) = std::env::var("HA_AUDIT_RECORD_DEMO") {
        std::fs::copy(snap, &path).expect("record the demo snapshot");
        eprintln!("recorded demo snapshot to {path}");
    }
}

#[test]
fn a_call_the_endpoint_cannot_answer_is_not_evaluated_in_every_format() {
    // Straight to moto, without the proxy: GetBucketVersioning's answer cannot be parsed, so
    // versioning is unknown. It must be reported as not evaluated, never as a pass or a fail.
    let live = Live::straight("seed_mixed.py");
    let (report, snap) = (&live.report, &live.snapshot);
    let versioning: Vec<&Value> = findings(report)
        .iter()
        .filter(|f| f["rule_id"] == "HA-S3-001")
        .collect();
    assert_eq!(versioning.len(), 8, "one finding per seeded bucket");
    for f in &versioning {
        assert_eq!(f["outcome"], "not_evaluated", "{f}");
        let reason = f["reason"].as_str().unwrap();
        assert!(
            reason.contains("versioning") && reason.contains("GetBucketVersioning"),
            "{reason}"
        );
    }
    // Replication was readable: those findings are judged normally.
    assert!(findings(report)
        .iter()
        .filter(|f| f["rule_id"] == "HA-S3-002")
        .all(|f| f["outcome"] == "pass" || f["outcome"] == "fail"));
    let s3 = report["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["service"] == "s3")
        .unwrap();
    assert_eq!(s3["complete"], false);

    // Everything not evaluated needed some bucket's versioning (its own, or a replication
    // destination's for HA-S3-005), or CloudWatch's alarms: moto does not serve the protocol the
    // SDK uses for CloudWatch (the proxy translates it; here there is none).
    let not_evaluated: Vec<&Value> = with_outcome(report, "not_evaluated")
        .into_iter()
        .filter(|f| f["rule_id"] != "HA-ELB-011")
        .filter(|f| !default_parameter_group_gap(f))
        .filter(|f| !scan_wide_emulator_gap(f))
        .filter(|f| {
            !f["reason"]
                .as_str()
                .is_some_and(|r| r.contains("DescribeAlarms failed"))
        })
        .collect();
    assert!(not_evaluated.iter().all(|f| f["reason"]
        .as_str()
        .unwrap()
        .contains("GetBucketVersioning")));
    let table = run(ha_audit(None).args(["scan", "--snapshot"]).arg(snap));
    let text = stdout(&table);
    let all_unread = report["summary"]["not_evaluated"].as_u64().unwrap();
    assert!(
        text.contains(&format!("Not evaluated ({all_unread}, ")),
        "{text}"
    );
    assert!(text.contains("GetBucketVersioning"), "{text}");

    let sarif = run(ha_audit(None)
        .args(["scan", "--format", "sarif", "--snapshot"])
        .arg(snap));
    let doc: Value = serde_json::from_str(&stdout(&sarif)).unwrap();
    assert_valid_sarif(&doc);
    let notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(
        notes
            .iter()
            .filter(|n| n["associatedRule"]["id"] == "HA-S3-001")
            .count(),
        8
    );
}

#[test]
fn a_region_the_partition_does_not_have_is_exit_2_before_any_read() {
    let moto = Moto::start();
    let proxy = Proxy::start(&moto.addr());
    let out = run(ha_audit(Some(&proxy.endpoint)).args([
        "scan",
        "--region",
        "us-east-1",
        "--region",
        "eu-moon-1",
    ]));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("--region eu-moon-1") && err.contains("no such region"),
        "{err}"
    );
    assert!(
        err.contains("us-west-2"),
        "the known regions are listed: {err}"
    );
    assert!(stdout(&out).is_empty());
    // Identity and the region list only: no resource was read.
    let ops: Vec<String> = proxy
        .requests()
        .iter()
        .filter_map(|r| r.operation.clone())
        .collect();
    assert_eq!(ops, ["GetCallerIdentity", "DescribeRegions"]);
}
