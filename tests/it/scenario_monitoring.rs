//! Monitoring and zonal-shift rules on a hand-made snapshot: moto returns neither the zonal
//! shift attribute nor AZ impairment policies, so these states are written as AWS returns them.

use crate::support::cli::{ha_audit, json_scan, run, stdout};
use crate::support::expected::{self, assert_no_problems, pinned_outcome_problems};
use crate::support::live::REGIONS;
use crate::support::moto::Moto;
use serde_json::Value;

const SNAPSHOT: &str = "fixtures/scenarios/monitoring-and-zonal-shift.json";

#[test]
fn each_resource_gets_the_expected_outcome() {
    let report = json_scan(SNAPSHOT);
    let want = [
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
    ];
    assert_no_problems(&pinned_outcome_problems(&report, &want));
}

/// The two monitoring rules moto can represent, live: detailed vs basic EC2 monitoring and RDS
/// Enhanced Monitoring on or off, in two regions.
#[test]
fn live_scan_of_the_monitoring_account_gives_exactly_the_expected_findings() {
    let moto = Moto::start();
    moto.seed("seed_monitoring.py");
    let out = run(ha_audit(Some(&moto.endpoint))
        .args(["scan", "--format", "json"])
        .args(REGIONS));
    let report: Value = serde_json::from_str(&stdout(&out)).expect("JSON report");
    let cmp = expected::compare(
        &report,
        "monitoring.expected.json",
        expected::unnamed_is_a_problem,
    );
    assert_eq!(cmp.covered.len(), 2);
    assert_no_problems(&cmp.problems);
}
