//! End to end against moto for ElastiCache and DynamoDB: seed `fixtures/moto/seed_cache.py`
//! (replication groups, standalone clusters and subnet groups; tables with and without PITR,
//! deletion protection and Application Auto Scaling targets, in two regions), scan it with the
//! real binary through the recording proxy and compare every finding of the HA-ELC and HA-DDB
//! rules with `fixtures/moto/cache.expected.json`. Then the same account with the detail and
//! side calls denied: what they would have read is not evaluated, the rest is unchanged.
//!
//! Needs `scripts/setup-moto`; fails (does not skip) when moto cannot start.

use crate::support::cli::rule_ids;
use crate::support::emulator_gaps::scan_wide_emulator_gap;
use crate::support::expected::{self, assert_no_problems, unnamed_is_a_problem};
use crate::support::faults::{Fault, Faults};
use crate::support::live::{
    assert_called, assert_calls_are_in_the_iam_policy, assert_offline_scan_matches, scan_saving,
    Live,
};
use crate::support::moto::Moto;
use crate::support::proxy::Proxy;
use serde_json::Value;
use std::collections::BTreeMap;

fn ours(f: &Value) -> bool {
    let rule = f["rule_id"].as_str().unwrap_or_default();
    rule.starts_with("HA-ELC-") || rule.starts_with("HA-DDB-")
}

/// (rule, region, resource name) -> the finding, for the HA-ELC and HA-DDB rules.
fn findings(report: &Value) -> BTreeMap<(String, String, String), Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| ours(f))
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            ((s("rule_id"), s("region"), s("resource_name")), f.clone())
        })
        .collect()
}

#[test]
fn live_scan_of_the_cache_account_gives_exactly_the_expected_findings() {
    let live = Live::through_proxy("seed_cache.py");
    let report = &live.report;
    assert_calls_are_in_the_iam_policy(&live.requests);
    assert_called(
        &live.requests,
        &[
            "DescribeReplicationGroups",
            "DescribeCacheClusters",
            "DescribeCacheSubnetGroups",
            "ListTables",
            "DescribeTable",
            "DescribeContinuousBackups",
            "DescribeScalableTargets",
        ],
    );

    let cmp = expected::compare(report, "cache.expected.json", unnamed_is_a_problem);
    assert_no_problems(&cmp.problems);
    let rules = rule_ids();
    let pinned: Vec<&String> = rules
        .iter()
        .filter(|r| r.starts_with("HA-ELC-") || r.starts_with("HA-DDB-"))
        .filter(|r| !cmp.covered.contains(*r))
        .collect();
    // HA-DDB-007 and HA-DDB-008 need a global table, which moto cannot create.
    assert_eq!(
        pinned,
        vec!["HA-DDB-007", "HA-DDB-008"],
        "rules the expected file does not pin"
    );

    // Not evaluated only where moto's answer lacks what AWS gives: a replication group's member
    // clusters (hence its subnet group) and a cross-AZ Memcached cluster's node AZs.
    for f in report["findings"].as_array().unwrap() {
        if f["outcome"] != "not_evaluated" {
            continue;
        }
        let reason = f["reason"].as_str().unwrap();
        if scan_wide_emulator_gap(f) {
            continue;
        }
        let known = match f["rule_id"].as_str().unwrap() {
            "HA-ELC-010" => reason.contains("is in the cache cluster listing of"),
            "HA-ELC-009" => {
                f["resource_name"] == "memcached-cross"
                    && reason.contains("names the AZ of neither the nodes nor the cluster")
            }
            _ => false,
        };
        assert!(known, "unexpected not_evaluated finding: {f}");
    }

    // The messages carry the facts they were derived from.
    let all = findings(report);
    let message = |rule: &str, region: &str, name: &str| -> String {
        all[&(rule.to_string(), region.to_string(), name.to_string())]["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let m = message("HA-ELC-005", "us-east-1", "rg-shard-same-az");
    assert!(m.contains("shard(s) 0002 keep every replica"), "{m}");
    let m = message("HA-ELC-004", "us-east-1", "rg-one-az");
    assert!(m.contains("All 2 nodes") && m.contains("us-east-1a"), "{m}");
    // The subnet group's AZs come from EC2: moto leaves them out of the subnet group.
    let m = message("HA-ELC-011", "us-east-1", "redis-solo");
    assert!(
        m.contains("cache-one-az") && m.contains("us-east-1a"),
        "{m}"
    );
    let m = message("HA-DDB-003", "us-east-1", "orders-read-scaled");
    assert!(
        m.contains("read autoscaling true") && m.contains("write autoscaling false"),
        "{m}"
    );
    let m = message("HA-DDB-004", "us-east-1", "orders-unscaled");
    assert!(m.contains("by-status"), "{m}");

    assert_offline_scan_matches(&live.snapshot, report);
}

#[test]
fn denied_detail_and_side_calls_leave_exactly_their_facts_not_evaluated() {
    let moto = Moto::start();
    moto.seed("seed_cache.py");
    let proxy = Proxy::start(&moto.addr());
    proxy.set_faults(
        Faults::new(0)
            .on(
                "dynamodb",
                Some("DescribeContinuousBackups"),
                1.0,
                Fault::AccessDenied,
            )
            .on(
                "application-autoscaling",
                Some("DescribeScalableTargets"),
                1.0,
                Fault::AccessDenied,
            )
            .on(
                "elasticache",
                Some("DescribeCacheSubnetGroups"),
                1.0,
                Fault::AccessDenied,
            ),
    );
    let dir = tempfile::tempdir().unwrap();
    let (_, report) = scan_saving(&proxy.endpoint, &dir.path().join("snapshot.json"));
    let got = findings(&report);
    let want = expected::load("cache.expected.json");

    let outcome = |rule: &str, region: &str, name: &str| -> String {
        got.get(&(rule.to_string(), region.to_string(), name.to_string()))
            .map(|f| f["outcome"].as_str().unwrap().to_string())
            .unwrap_or_else(|| "none".to_string())
    };
    let (e, w) = ("us-east-1", "us-west-2");
    let mut denied: Vec<(&str, &str, &str, &str)> = Vec::new();
    for (region, table) in [
        (e, "orders"),
        (e, "orders-unscaled"),
        (e, "orders-read-scaled"),
        (e, "events"),
        (w, "sessions"),
        (w, "orders"),
    ] {
        denied.push((
            "HA-DDB-001",
            region,
            table,
            "DescribeContinuousBackups failed: AccessDenied",
        ));
    }
    for (region, table) in [
        (e, "orders"),
        (e, "orders-unscaled"),
        (e, "orders-read-scaled"),
        (w, "orders"),
    ] {
        denied.push((
            "HA-DDB-003",
            region,
            table,
            "DescribeScalableTargets failed: AccessDenied",
        ));
    }
    for table in ["orders", "orders-unscaled"] {
        denied.push((
            "HA-DDB-004",
            e,
            table,
            "DescribeScalableTargets failed: AccessDenied",
        ));
    }
    for (region, cluster) in [
        (e, "redis-solo"),
        (e, "redis-solo-backed"),
        (e, "memcached-cross"),
        (w, "memcached-west"),
    ] {
        denied.push((
            "HA-ELC-011",
            region,
            cluster,
            "DescribeCacheSubnetGroups failed: AccessDenied",
        ));
    }
    let mut problems = Vec::new();
    for (rule, region, name, needle) in &denied {
        let key = (rule.to_string(), region.to_string(), name.to_string());
        match got.get(&key) {
            Some(f)
                if f["outcome"] == "not_evaluated"
                    && f["reason"].as_str().is_some_and(|r| r.contains(needle)) => {}
            other => problems.push(format!(
                "{key:?}: expected not_evaluated ({needle}), got {other:?}"
            )),
        }
    }
    // Everything else is judged as in the clean run.
    for ((rule, region, name), o) in &want {
        if denied
            .iter()
            .any(|d| (d.0, d.1, d.2) == (rule.as_str(), region.as_str(), name.as_str()))
        {
            continue;
        }
        let g = outcome(rule, region, name);
        if &g != o {
            problems.push(format!("{rule} {region} {name}: expected {o}, got {g}"));
        }
    }
    assert_no_problems(&problems);
    // The denied calls are in the coverage of their service and region.
    let coverage = report["coverage"].as_array().unwrap();
    for (service, region) in [
        ("dynamodb", e),
        ("dynamodb", w),
        ("elasticache", e),
        ("elasticache", w),
    ] {
        let c = coverage
            .iter()
            .find(|c| c["service"] == service && c["region"] == region)
            .unwrap_or_else(|| panic!("no coverage entry for {service} {region}"));
        assert_eq!(c["complete"], false, "{c}");
    }
}
