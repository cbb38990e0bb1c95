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
