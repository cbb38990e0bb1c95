//! Monitoring and zonal-shift rules on a hand-made snapshot: moto returns neither the zonal
//! shift attribute nor AZ impairment policies, so these states are written as AWS returns them.

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use support::cli::{ha_audit, run, stdout};

const SNAPSHOT: &str = "fixtures/scenarios/monitoring-and-zonal-shift.json";

#[test]
fn each_resource_gets_the_expected_outcome() {
    let out = run(ha_audit(None).args(["scan", "--format", "json", "--snapshot", SNAPSHOT]));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let rules = ["HA-EC2-005", "HA-RDS-016", "HA-ELB-011", "HA-ASG-010"];
    let got: BTreeMap<(String, String), String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| rules.contains(&f["rule_id"].as_str().unwrap()))
        .map(|f| {
            (
                (
                    f["rule_id"].as_str().unwrap().into(),
                    f["resource_id"].as_str().unwrap().into(),
                ),
                f["outcome"].as_str().unwrap().into(),
            )
        })
        .collect();
    let want: BTreeMap<(String, String), String> = [
        ("HA-EC2-005", "i-0detailed", "pass"),
        ("HA-EC2-005", "i-0basic", "fail"),
        // i-0stopped is not running: not judged.
        ("HA-EC2-005", "i-0old", "not_evaluated"),
        ("HA-RDS-016", "orders", "pass"),
        ("HA-RDS-016", "billing", "fail"),
        ("HA-RDS-016", "legacy", "not_evaluated"),
        ("HA-ELB-011", "shifted", "pass"),
        ("HA-ELB-011", "pinned", "fail"),
        ("HA-ELB-011", "silent", "not_evaluated"),
        // inspect is a gateway load balancer: zonal shift does not apply.
        ("HA-ASG-010", "web-shift", "pass"),
        ("HA-ASG-010", "web-off", "fail"),
        ("HA-ASG-010", "web-no-policy", "fail"),
        // batch-one-az has a single AZ: nothing to shift to.
    ]
    .into_iter()
    .map(|(r, id, o)| ((r.to_string(), id.to_string()), o.to_string()))
    .collect();
    assert_eq!(got, want);
}

/// The two monitoring rules moto can represent, live: detailed vs basic EC2 monitoring and RDS
/// Enhanced Monitoring on or off, in two regions.
#[test]
fn live_scan_of_the_monitoring_account_gives_exactly_the_expected_findings() {
    let moto = support::moto::Moto::start();
    moto.seed("seed_monitoring.py");
    let out = run(ha_audit(Some(&moto.endpoint)).args([
        "scan",
        "--format",
        "json",
        "--region",
        "us-east-1",
        "--region",
        "us-west-2",
    ]));
    let report: Value = serde_json::from_str(&stdout(&out)).expect("JSON report");
    let cmp = support::expected::compare(&report, "monitoring.expected.json", |f| {
        Some(format!("unnamed resource: {f}"))
    });
    assert_eq!(cmp.covered.len(), 2);
    assert!(cmp.problems.is_empty(), "{}", cmp.problems.join("\n"));
}
