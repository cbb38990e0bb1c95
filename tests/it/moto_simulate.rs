//! End to end against moto for `ha-audit simulate`: seed a two-region web stack
//! (`fixtures/moto/seed_simulate.py`), scan it with the real binary, then simulate, on the saved
//! snapshot, the loss of every AZ of both regions one at a time and the loss of us-east-1, and
//! pin every workload's verdict, data-loss flag, failover estimate and Auto Scaling capacities.
//!
//! The expected table was worked out from the seeded topology and the simulation model before
//! the first run; the run agreed with it. What it rests on (see the seed script's docstring):
//! - moto's AZ map is fixed: us-east-1a..f = use1-az6, az1, az2, az4, az3, az5; us-west-2a..d =
//!   usw2-az2, az1, az3, az4.
//! - moto starts every Auto Scaling instance in the first subnet of VPCZoneIdentifier: the E
//!   group's three instances run in us-east-1b (use1-az1) and send egress through the one NAT
//!   gateway, in us-east-1a (use1-az6); the W group's two run in us-west-2a (usw2-az2).
//! - RDS never returns SecondaryAvailabilityZone, so the Multi-AZ standby is only known to be
//!   in an AZ of its DB subnet group (us-east-1a, b, c) other than the primary's (us-east-1a):
//!   losing us-east-1b or c may take it (`degraded`), losing any other AZ cannot.
//! - Losing what the failover record fails over to (the W instances) loses redundancy:
//!   `degraded`; losing one W load balancer node leaves the SECONDARY serving: `unaffected`.
//! - Route 53 health checks are never evaluated; the simulation does not need them to be.
//!
//! Needs `scripts/setup-moto`; fails (does not skip) when moto cannot start.

use crate::support::cli::{ha_audit, run, stderr, stdout};
use crate::support::live::Live;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::Path;
use std::time::Instant;

/// The AZs the snapshot holds: (region, AZ ID, the account's name for it).
const AZS: [(&str, &str, &str); 10] = [
    ("us-east-1", "use1-az6", "us-east-1a"),
    ("us-east-1", "use1-az1", "us-east-1b"),
    ("us-east-1", "use1-az2", "us-east-1c"),
    ("us-east-1", "use1-az4", "us-east-1d"),
    ("us-east-1", "use1-az3", "us-east-1e"),
    ("us-east-1", "use1-az5", "us-east-1f"),
    ("us-west-2", "usw2-az2", "us-west-2a"),
    ("us-west-2", "usw2-az1", "us-west-2b"),
    ("us-west-2", "usw2-az3", "us-west-2c"),
    ("us-west-2", "usw2-az4", "us-west-2d"),
];

/// Every workload the simulation finds: the failover record (with both load balancers, their
/// target groups and Auto Scaling groups), and each data store no entry point reaches.
const WORKLOADS: [&str; 5] = [
    "www.sim-ha.com",
    "rds/sim-db-multi",
    "rds/sim-db-single",
    "cache/sim-cache",
    "efs/sim-efs-onezone",
];

/// Per scenario (an AZ ID, or the region lost): each workload's outcome, in [`WORKLOADS`]
/// order, then the instances left in the E and W Auto Scaling groups (before the failure: 3 in
/// use1-az1 and 2 in usw2-az2; required: DesiredCapacity 3 and 2). A cell is the verdict,
/// `+loss` when recent writes may be lost, then the failover estimate `min-max` in seconds
/// (`min-` when it has no bound); without an estimate the workload's is null.
#[rustfmt::skip]
const EXPECTED: [(&str, [&str; 5], u32, u32); 11] = [
    //            www.sim-ha.com     rds/sim-db-multi   rds/sim-db-single  cache/sim-cache     efs/sim-efs-onezone
    // us-east-1a: the NAT gateway of the E instances' subnet is lost (so are they), the
    // Multi-AZ primary fails over, one of the two cache replicas is lost.
    ("use1-az6", ["failover 90-150", "failover 60-120", "unaffected",   "degraded",         "unaffected"],   0, 2),
    // us-east-1b: the E instances and the single-AZ database are lost; the standby may be.
    ("use1-az1", ["failover 90-150", "degraded",        "outage+loss",  "degraded",         "unaffected"],   0, 2),
    // us-east-1c: one E load balancer node, the cache primary and the One Zone file system.
    ("use1-az2", ["degraded",        "degraded",        "unaffected",   "failover+loss 0-", "outage+loss"],  3, 2),
    // us-east-1d..f hold nothing, and are outside the DB subnet group.
    ("use1-az4", ["unaffected",      "unaffected",      "unaffected",   "unaffected",       "unaffected"],   3, 2),
    ("use1-az3", ["unaffected",      "unaffected",      "unaffected",   "unaffected",       "unaffected"],   3, 2),
    ("use1-az5", ["unaffected",      "unaffected",      "unaffected",   "unaffected",       "unaffected"],   3, 2),
    // us-west-2a takes the W instances: the SECONDARY is down, DNS keeps answering with the
    // PRIMARY, with no failover left. us-west-2b takes one W load balancer node only.
    ("usw2-az2", ["degraded",        "unaffected",      "unaffected",   "unaffected",       "unaffected"],   3, 0),
    ("usw2-az1", ["unaffected",      "unaffected",      "unaffected",   "unaffected",       "unaffected"],   3, 2),
    ("usw2-az3", ["unaffected",      "unaffected",      "unaffected",   "unaffected",       "unaffected"],   3, 2),
    ("usw2-az4", ["unaffected",      "unaffected",      "unaffected",   "unaffected",       "unaffected"],   3, 2),
    // The region: DNS fails over to us-west-2; nothing else has a copy there.
    ("us-east-1", ["failover 90-150", "outage+loss",    "outage+loss",  "outage+loss",      "outage+loss"],  0, 2),
];

/// The AZs where a seeded resource is placed (the others hold only the default VPC's subnets).
const OCCUPIED: [&str; 5] = ["use1-az1", "use1-az2", "use1-az6", "usw2-az1", "usw2-az2"];

/// `ha-audit simulate --snapshot SNAPSHOT ARGS --format json --fail-on never`, which must exit
/// 0: its stderr and its report.
fn simulate(snapshot: &Path, args: &[&str]) -> (String, Value) {
    let out = run(ha_audit(None)
        .arg("simulate")
        .arg("--snapshot")
        .arg(snapshot)
        .args(args)
        .args(["--format", "json", "--fail-on", "never"]));
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    let report = serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("{args:?}: JSON report ({e}); stderr: {}", stderr(&out)));
    (stderr(&out), report)
}

/// The outcome a table cell names: verdict, data loss, failover estimate.
fn cell(text: &str) -> (String, bool, Value) {
    let (head, estimate) = match text.split_once(' ') {
        Some((h, e)) => (h, Some(e)),
        None => (text, None),
    };
    let (verdict, loss) = match head.strip_suffix("+loss") {
        Some(v) => (v, true),
        None => (head, false),
    };
    let estimate = match estimate {
        None => Value::Null,
        Some(e) => {
            let (min, max) = e.split_once('-').expect("min-max");
            let max: Value = if max.is_empty() {
                Value::Null
            } else {
                json!(max.parse::<u32>().unwrap())
            };
            json!({"min_s": min.parse::<u32>().unwrap(), "max_s": max})
        }
    };
    (verdict.to_string(), loss, estimate)
}

fn workload<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["workloads"]
        .as_array()
        .expect("workloads")
        .iter()
        .find(|w| w["id"] == id)
        .unwrap_or_else(|| panic!("no workload {id} in {}", report["workloads"]))
}

/// (kind, name) of each component of a workload.
fn members(w: &Value) -> BTreeSet<(String, String)> {
    w["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_string(),
                c["name"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn capacity(before: Value, after: u32, required: u32) -> Value {
    json!({
        "unit": "instances",
        "before": before,
        "after": after,
        "required": required,
        "required_from": "DesiredCapacity",
    })
}

/// Checks one scenario's report against its row of [`EXPECTED`].
fn assert_row(report: &Value, row: &(&str, [&str; 5], u32, u32)) {
    let (scenario, cells, east_after, west_after) = row;
    let ids: BTreeSet<&str> = report["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        WORKLOADS.into_iter().collect(),
        "{scenario}: workloads"
    );
    let mut counts = std::collections::BTreeMap::new();
    let mut losses = 0;
    for (id, text) in WORKLOADS.iter().zip(cells) {
        let w = workload(report, id);
        let (verdict, loss, estimate) = cell(text);
        let got_estimate = match &w["failover_estimate"] {
            Value::Null => Value::Null,
            e => json!({"min_s": e["min_s"], "max_s": e["max_s"]}),
        };
        assert_eq!(
            (
                w["verdict"].as_str().unwrap(),
                w["data_loss"].as_bool().unwrap(),
                got_estimate
            ),
            (verdict.as_str(), loss, estimate),
            "{scenario}: workload {id} (why: {})",
            w["why"]
        );
        *counts.entry(verdict).or_insert(0) += 1;
        losses += usize::from(loss);
    }
    // Only the two Auto Scaling groups carry a capacity.
    let mut capacities = Vec::new();
    for w in report["workloads"].as_array().unwrap() {
        for c in w["components"].as_array().unwrap() {
            if !c["capacity"].is_null() {
                capacities.push((w["id"].clone(), c["name"].clone(), c["capacity"].clone()));
            }
        }
    }
    capacities.sort_by_key(|c| c.1.to_string());
    let www = json!("www.sim-ha.com");
    assert_eq!(
        capacities,
        [
            (
                www.clone(),
                json!("sim-east-asg"),
                capacity(json!({"use1-az1": 3}), *east_after, 3)
            ),
            (
                www,
                json!("sim-west-asg"),
                capacity(json!({"usw2-az2": 2}), *west_after, 2)
            ),
        ],
        "{scenario}: capacities"
    );
    let summary = &report["summary"];
    assert_eq!(summary["workloads"], 5, "{scenario}");
    for v in [
        "unaffected",
        "degraded",
        "failover",
        "capacity_short",
        "not_evaluated",
        "outage",
    ] {
        assert_eq!(
            summary[v],
            json!(counts.get(v).copied().unwrap_or(0)),
            "{scenario}: summary.{v}"
        );
    }
    assert_eq!(
        summary["data_loss"],
        json!(losses),
        "{scenario}: summary.data_loss"
    );
}

#[test]
fn simulate_every_az_and_the_region_of_a_two_region_stack() {
    let live = Live::through_proxy("seed_simulate.py");
    let started = Instant::now();
    let snapshot = live.snapshot.as_path();

    // The AZ map the scenarios below are written against is what the snapshot holds.
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(snapshot).unwrap()).expect("snapshot");
    let account = saved["account_id"].as_str().unwrap().to_string();
    let held: BTreeSet<(String, String, String)> = saved["ec2"]["availability_zones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| {
            let f = |k: &str| z[k].as_str().unwrap().to_string();
            (f("region"), f("zone_id"), f("zone_name"))
        })
        .collect();
    let expected_azs: BTreeSet<(String, String, String)> = AZS
        .iter()
        .map(|(r, id, n)| (r.to_string(), id.to_string(), n.to_string()))
        .collect();
    assert_eq!(held, expected_azs, "the snapshot's AZs");
    let scenarios: Vec<&str> = EXPECTED.iter().map(|r| r.0).collect();
    let mut wanted: Vec<&str> = AZS.iter().map(|a| a.1).collect();
    wanted.push("us-east-1");
    assert_eq!(scenarios, wanted, "one row per AZ, then the region");

    let mut placed: BTreeSet<String> = BTreeSet::new();
    for row in &EXPECTED {
        let (scenario, ..) = row;
        if let Some((region, az, name)) = AZS.iter().find(|a| a.1 == *scenario) {
            let (err, report) = simulate(snapshot, &["--fail-az", az]);
            assert!(!err.contains("note:"), "{az}: {err}");
            assert_eq!(report["notes"], json!([]), "{az}");
            assert_eq!(
                report["scenario"]["kind"], "az-power-loss",
                "{az}: {}",
                report["scenario"]
            );
            assert_eq!(report["scenario"]["az_id"], *az);
            assert_eq!(report["scenario"]["region"], *region);
            let mut names = serde_json::Map::new();
            names.insert(account.clone(), json!(name));
            assert_eq!(report["scenario"]["az_names"], Value::Object(names));
            assert_row(&report, row);

            // The same AZ by its name: the same verdicts, and a note saying how it was read.
            let (name_err, by_name) = simulate(snapshot, &["--fail-az", name]);
            let note = format!(
                "AZ name {name} resolved to AZ ID {az} through the AZ map of account(s) {account}"
            );
            assert!(
                name_err.contains(&format!("note: {note}")),
                "{name}: {name_err}"
            );
            assert_eq!(by_name["notes"].as_array().unwrap().len(), 1, "{name}");
            assert!(by_name["notes"][0].as_str().unwrap().starts_with(&note));
            assert_eq!(by_name["scenario"], report["scenario"], "{name}");
            assert_eq!(by_name["workloads"], report["workloads"], "{name}");
            assert_eq!(by_name["summary"], report["summary"], "{name}");

            for w in report["workloads"].as_array().unwrap() {
                for c in w["components"].as_array().unwrap() {
                    for id in c["az_ids"].as_array().unwrap() {
                        placed.insert(id.as_str().unwrap().to_string());
                    }
                }
            }
            if *az == "use1-az6" {
                // The E instances run in us-east-1b: they are lost through the NAT gateway.
                let why = workload(&report, "www.sim-ha.com")["why"].as_str().unwrap();
                let nat = live.id("us-east-1/nat-e-a");
                assert!(
                    why.contains(&format!(
                        "its subnet in use1-az1 sends internet traffic through NAT gateway {nat} in the failed use1-az6"
                    )) && why.ends_with("Route 53 failover to load balancer sim-west-alb"),
                    "{why}"
                );
            }
        } else {
            let (err, report) = simulate(snapshot, &["--fail-region", scenario]);
            assert!(!err.contains("note:"), "{scenario}: {err}");
            assert_eq!(report["scenario"]["kind"], "region-loss");
            assert_eq!(report["scenario"]["region"], *scenario);
            assert_eq!(
                report["scenario"]["azs"],
                json!(["use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"])
            );
            assert_row(&report, row);
        }
    }
    assert_eq!(
        placed,
        OCCUPIED.iter().map(|s| s.to_string()).collect(),
        "the AZs the components run in"
    );

    // The AZs that hold no resource: the Multi-AZ standby, whose AZ moto never gives, is in
    // its DB subnet group, so in none of them; nothing notices.
    let empty: Vec<&(&str, &str, &str)> = AZS.iter().filter(|a| !OCCUPIED.contains(&a.1)).collect();
    assert_eq!(empty.len(), 5);
    for (region, az, _) in empty {
        let (_, report) = simulate(snapshot, &["--fail-az", az]);
        for w in report["workloads"].as_array().unwrap() {
            assert_eq!(w["verdict"], "unaffected", "{region} {az}: {}", w["id"]);
        }
    }

    // Each workload is what it should be made of.
    let (_, report) = simulate(snapshot, &["--fail-region", "us-east-1"]);
    let set = |items: &[(&str, &str)]| -> BTreeSet<(String, String)> {
        items
            .iter()
            .map(|(k, n)| (k.to_string(), n.to_string()))
            .collect()
    };
    assert_eq!(
        members(workload(&report, "www.sim-ha.com")),
        set(&[
            ("autoscaling.group", "sim-east-asg"),
            ("autoscaling.group", "sim-west-asg"),
            ("elbv2.load_balancer", "sim-east-alb"),
            ("elbv2.load_balancer", "sim-west-alb"),
            ("elbv2.target_group", "sim-east-tg"),
            ("elbv2.target_group", "sim-west-tg"),
            ("route53.record", "www.sim-ha.com"),
        ])
    );
    for (id, kind, name) in [
        ("rds/sim-db-multi", "rds.db_instance", "sim-db-multi"),
        ("rds/sim-db-single", "rds.db_instance", "sim-db-single"),
        (
            "cache/sim-cache",
            "elasticache.replication_group",
            "sim-cache",
        ),
        ("efs/sim-efs-onezone", "efs.file_system", "sim-efs-onezone"),
    ] {
        assert_eq!(members(workload(&report, id)), set(&[(kind, name)]), "{id}");
    }
    eprintln!(
        "moto_simulate: scan {:.1} s, {} simulate runs {:.1} s",
        live.seconds,
        EXPECTED.len() + AZS.len() + 6,
        started.elapsed().as_secs_f64()
    );
}
