//! End to end against moto for MemoryDB, DAX, Redshift, OpenSearch Service and DMS: seed
//! `fixtures/moto/seed_data_stores.py`, scan it with the real binary through the recording
//! proxy and compare every finding of the HA-MDB, HA-DAX, HA-RSH, HA-OSS and HA-DMS rules with
//! `fixtures/moto/data_stores.expected.json`. Then the same account with OpenSearch's
//! DescribeDomains denied and Redshift's listing denied: what they would have read is not
//! evaluated, the rest is unchanged.
//!
//! moto 5.2.5 implements no DAX DescribeSubnetGroups and returns neither Redshift's MultiAZ nor
//! its AvailabilityZoneRelocationStatus: the rules reading those facts are pinned as
//! `not_evaluated`, with the reason checked here, and are judged on
//! `fixtures/scenarios/data-stores.json` instead (`tests/it/scenario_data_stores.rs`).
//!
//! Needs `scripts/setup-moto`; fails (does not skip) when moto cannot start.

use crate::scenario_data_stores::{is_data_store_rule, PREFIXES};
use crate::support::cli::rule_ids;
use crate::support::expected::{self, assert_no_problems, unnamed_is_a_problem};
use crate::support::faults::{Fault, Faults};
use crate::support::live::{
    assert_called, assert_calls_are_in_the_iam_policy, assert_offline_scan_matches, scan_saving,
    Live,
};
use crate::support::moto::Moto;
use crate::support::proxy::Proxy;
use crate::support::report::{by_name, text, with_outcome};
use serde_json::Value;
use std::collections::BTreeMap;

/// Why each rule moto cannot feed is not evaluated: the reason must name the missing fact.
const EMULATOR_GAPS: &[(&str, &str)] = &[
    ("HA-DAX-003", "DescribeSubnetGroups failed: http-500"),
    ("HA-RSH-001", "DescribeClusters did not return MultiAZ"),
    ("HA-RSH-005", "DescribeClusters did not return MultiAZ"),
];

const SERVICES: [&str; 5] = ["memorydb", "dax", "redshift", "opensearch", "dms"];

/// (rule, region, resource name) -> the finding, for the data-store rules.
fn findings(report: &Value) -> BTreeMap<(String, String, String), Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| is_data_store_rule(f["rule_id"].as_str().unwrap_or_default()))
        .map(|f| (expected::key(f), f.clone()))
        .collect()
}

#[test]
fn live_scan_of_the_data_stores_account_gives_exactly_the_expected_findings() {
    let live = Live::through_proxy("seed_data_stores.py");
    let report = &live.report;
    assert_calls_are_in_the_iam_policy(&live.requests);
    assert_called(
        &live.requests,
        &[
            "DescribeClusters",
            "DescribeSubnetGroups",
            "ListDomainNames",
            "DescribeDomains",
            "DescribeReplicationInstances",
        ],
    );
    // Six domains in us-east-1 take two DescribeDomains calls of at most five names; one
    // domain in us-west-2 takes one.
    let describes = |region: &str| {
        live.requests
            .iter()
            .filter(|r| {
                r.operation.as_deref() == Some("DescribeDomains")
                    && r.region.as_deref() == Some(region)
            })
            .count()
    };
    assert_eq!((describes("us-east-1"), describes("us-west-2")), (2, 1));

    let cmp = expected::compare(report, "data_stores.expected.json", unnamed_is_a_problem);
    assert_no_problems(&cmp.problems);
    let unpinned: Vec<String> = rule_ids()
        .into_iter()
        .filter(|r| PREFIXES.iter().any(|p| r.starts_with(p)))
        .filter(|r| !cmp.covered.contains(r))
        .collect();
    assert!(
        unpinned.is_empty(),
        "rules the expected file does not pin: {unpinned:?}"
    );

    for f in with_outcome(report, "not_evaluated") {
        let rule = f["rule_id"].as_str().unwrap();
        if !is_data_store_rule(rule) {
            continue;
        }
        let reason = f["reason"].as_str().unwrap_or_default();
        let gap = EMULATOR_GAPS
            .iter()
            .find(|(r, _)| *r == rule)
            .unwrap_or_else(|| panic!("unexpected not_evaluated: {f}"));
        assert!(reason.contains(gap.1), "{rule}: {reason}");
    }

    // The only failed call is moto's missing DAX DescribeSubnetGroups, once per region with a
    // cluster.
    let errors: Vec<(String, String, String)> = report["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| SERVICES.contains(&c["service"].as_str().unwrap()))
        .flat_map(|c| {
            c["errors"].as_array().unwrap().iter().map(move |e| {
                (
                    c["service"].as_str().unwrap().to_string(),
                    c["region"].as_str().unwrap().to_string(),
                    e["operation"].as_str().unwrap().to_string(),
                )
            })
        })
        .collect();
    let subnet_groups = |region: &str| {
        (
            "dax".to_string(),
            region.to_string(),
            "DescribeSubnetGroups".to_string(),
        )
    };
    assert_eq!(
        errors,
        vec![subnet_groups("us-east-1"), subnet_groups("us-west-2")]
    );

    // The messages carry the facts they were derived from.
    let message = |rule: &str, name: &str| text(by_name(report, rule, name), "message");
    let m = message("HA-MDB-003", "mdb-packed");
    assert!(m.contains("shard(s) 0001 keep their primary"), "{m}");
    let m = message("HA-MDB-002", "mdb-solo");
    assert!(m.contains("shard(s) 0001 have no replica"), "{m}");
    let m = message("HA-DAX-001", "dax-three");
    assert!(m.contains("all its 3 node(s) in us-east-1a"), "{m}");
    let m = message("HA-RSH-002", "rs-dc2");
    assert!(m.contains("for 0 day(s)"), "{m}");
    // The AZs of the domain's VPC subnets come from EC2: moto leaves them out of VPCOptions.
    let m = message("HA-OSS-004", "search-two-az");
    assert!(m.contains("spreads over 2 AZs"), "{m}");
    let m = message("HA-DMS-001", "dms-west");
    assert!(m.contains("dms.t3.medium"), "{m}");

    assert_offline_scan_matches(&live.snapshot, report);
}

#[test]
fn denied_domain_details_and_cluster_listing_leave_exactly_their_facts_not_evaluated() {
    let moto = Moto::start();
    moto.seed("seed_data_stores.py");
    let proxy = Proxy::start(&moto.addr());
    proxy.set_faults(
        Faults::new(0)
            .on("es", Some("DescribeDomains"), 1.0, Fault::AccessDenied)
            .on(
                "redshift",
                Some("DescribeClusters"),
                1.0,
                Fault::AccessDenied,
            ),
    );
    let dir = tempfile::tempdir().unwrap();
    let (_, report) = scan_saving(&proxy.endpoint, &dir.path().join("snapshot.json"));
    let got = findings(&report);
    let want = expected::load("data_stores.expected.json");

    let mut problems = Vec::new();
    for ((rule, region, name), o) in &want {
        let key = (rule.clone(), region.clone(), name.clone());
        let found = got.get(&key);
        let reason = found.and_then(|f| f["reason"].as_str()).unwrap_or_default();
        let outcome = found.map_or("none", |f| f["outcome"].as_str().unwrap());
        if rule.starts_with("HA-OSS-") {
            // Every domain is listed, none described: all their facts are unknown.
            if outcome != "not_evaluated"
                || !reason.contains("DescribeDomains failed: AccessDeniedException")
            {
                problems.push(format!(
                    "{key:?}: expected not_evaluated (DescribeDomains), got {outcome}: {reason}"
                ));
            }
        } else if rule.starts_with("HA-RSH-") {
            // No cluster is listed: one finding per rule and region instead.
            if found.is_some() {
                problems.push(format!("{key:?}: judged although the listing was denied"));
            }
        } else if outcome != o {
            problems.push(format!(
                "{rule} {region} {name}: expected {o}, got {outcome}"
            ));
        }
    }
    for region in ["us-east-1", "us-west-2"] {
        for n in 1..=5 {
            let rule = format!("HA-RSH-00{n}");
            let f = got.values().find(|f| {
                f["rule_id"] == rule.as_str() && f["region"] == region && f["resource_id"] == "*"
            });
            match f {
                Some(f)
                    if f["outcome"] == "not_evaluated"
                        && f["reason"].as_str().is_some_and(|r| {
                            r.contains("DescribeClusters failed: AccessDenied")
                        }) => {}
                other => problems.push(format!(
                    "{rule} {region}: expected one not_evaluated finding for the region, got {other:?}"
                )),
            }
        }
    }
    assert_no_problems(&problems);
    // The denied calls are in the coverage of their service and region.
    let coverage = report["coverage"].as_array().unwrap();
    for (service, region) in [
        ("opensearch", "us-east-1"),
        ("opensearch", "us-west-2"),
        ("redshift", "us-east-1"),
        ("redshift", "us-west-2"),
    ] {
        let c = coverage
            .iter()
            .find(|c| c["service"] == service && c["region"] == region)
            .unwrap_or_else(|| panic!("no coverage entry for {service} {region}"));
        assert_eq!(c["complete"], false, "{c}");
    }
}
