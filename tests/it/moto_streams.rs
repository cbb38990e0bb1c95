//! End to end against moto for Amazon MQ, MSK, Kinesis Data Streams, FSx and CloudHSM: seed
//! `fixtures/moto/seed_streams.py`, scan it with the real binary through the recording proxy
//! and compare every finding of the HA-MQ, HA-MSK, HA-KIN, HA-FSX and HA-HSM rules with
//! `fixtures/moto/streams.expected.json`. Then the same account with the detail calls and the
//! MSK listing denied: what they would have read is not evaluated, the rest is unchanged.
//!
//! moto 5.2.5 returns no FSx `Lifecycle` (HA-FSX-004 is pinned `not_evaluated`, with the
//! reason checked here) and cannot create CloudHSM HSMs (the HA-HSM rules never apply): both
//! are judged on `fixtures/scenarios/streams.json` (`tests/it/scenario_streams.rs`).
//!
//! Needs `scripts/setup-moto`; fails (does not skip) when moto cannot start.

use crate::support::cli::rule_ids;
use crate::support::expected::{self, assert_no_problems, unnamed_is_a_problem};
use crate::support::faults::{Fault, Faults};
use crate::support::live::{
    assert_called, assert_calls_are_in_the_iam_policy, assert_offline_scan_matches, scan_saving,
    Live,
};
use crate::support::moto::Moto;
use crate::support::proxy::Proxy;
use crate::support::report::{by_name, text};
use serde_json::Value;
use std::collections::BTreeMap;

const PREFIXES: &[&str] = &["HA-MQ-", "HA-MSK-", "HA-KIN-", "HA-FSX-", "HA-HSM-"];
const SERVICES: &[&str] = &["mq", "msk", "kinesis", "fsx", "cloudhsm"];

/// Why each rule moto cannot feed is not evaluated: the reason must name the missing fact.
const EMULATOR_GAPS: &[(&str, &str)] =
    &[("HA-FSX-004", "DescribeFileSystems returned no Lifecycle")];

fn ours(rule: &str) -> bool {
    PREFIXES.iter().any(|p| rule.starts_with(p))
}

/// (rule, region, resource name) -> outcome, for the rules of this account.
fn outcomes(report: &Value) -> BTreeMap<(String, String, String), String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| ours(f["rule_id"].as_str().unwrap_or_default()))
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (
                (s("rule_id"), s("region"), s("resource_name")),
                s("outcome"),
            )
        })
        .collect()
}

#[test]
fn streams_account_gives_exactly_the_expected_findings() {
    let live = Live::through_proxy("seed_streams.py");
    let report = &live.report;
    assert_calls_are_in_the_iam_policy(&live.requests);
    assert_called(
        &live.requests,
        &[
            "ListBrokers",
            "DescribeBroker",
            "ListClustersV2",
            "ListStreams",
            "DescribeStreamSummary",
            "DescribeFileSystems",
            "DescribeClusters",
        ],
    );

    let cmp = expected::compare(report, "streams.expected.json", unnamed_is_a_problem);
    assert_no_problems(&cmp.problems);
    let pinned: Vec<String> = rule_ids()
        .into_iter()
        .filter(|r| ours(r) && !cmp.covered.contains(r))
        .collect();
    // moto cannot create an HSM: a cluster without HSMs is judged by neither rule.
    assert_eq!(
        pinned,
        vec!["HA-HSM-001", "HA-HSM-002"],
        "rules the expected file does not pin"
    );

    // Not evaluated only where moto's answer lacks what AWS gives.
    for f in report["findings"].as_array().unwrap() {
        let rule = f["rule_id"].as_str().unwrap();
        if f["outcome"] != "not_evaluated" || !ours(rule) {
            continue;
        }
        let gap = EMULATOR_GAPS
            .iter()
            .find(|(r, _)| *r == rule)
            .unwrap_or_else(|| panic!("unexpected not_evaluated: {f}"));
        assert!(text(f, "reason").contains(gap.1), "{rule}: {f}");
    }

    // Every read of these services succeeded.
    for c in report["coverage"].as_array().unwrap() {
        if SERVICES.contains(&c["service"].as_str().unwrap()) {
            assert_eq!(c["complete"], true, "{c}");
        }
    }

    // The CloudHSM cluster was read, without HSMs.
    let snapshot: Value =
        serde_json::from_str(&std::fs::read_to_string(&live.snapshot).unwrap()).unwrap();
    let clusters = snapshot["cloudhsm"]["clusters"].as_array().unwrap();
    assert_eq!(clusters.len(), 1, "{clusters:?}");
    assert_eq!(
        clusters[0]["cluster_id"],
        live.id("us-east-1/hsm-east").as_str()
    );
    assert_eq!(clusters[0]["state"], "ACTIVE");
    assert_eq!(clusters[0]["hsms"], serde_json::json!([]));

    // The messages carry the facts they were derived from.
    let message = |rule: &str, name: &str| text(by_name(report, rule, name), "message").to_string();
    let m = message("HA-MQ-001", "mq-active-single");
    assert!(
        m.contains("SINGLE_INSTANCE") && m.contains("us-east-1a"),
        "{m}"
    );
    let m = message("HA-MSK-001", "msk-two-az-four");
    assert!(
        m.contains("4 brokers in 2 AZ(s)") && m.contains("us-east-1a") && m.contains("us-east-1b"),
        "{m}"
    );
    let m = message("HA-MSK-002", "msk-two-az");
    assert!(m.contains("has 2 broker(s)"), "{m}");
    let m = message("HA-KIN-001", "clicks");
    assert!(m.contains("for 24 hour(s) (minimum 168)"), "{m}");
    let m = message("HA-FSX-001", "fsx-zfs-single-ha");
    assert!(
        m.contains("SINGLE_AZ_HA_2") && m.contains("us-east-1c"),
        "{m}"
    );
    let m = message("HA-FSX-003", "fsx-lustre-scratch");
    assert!(m.contains("SCRATCH_2"), "{m}");

    assert_offline_scan_matches(&live.snapshot, report);
}

#[test]
fn denied_details_and_msk_listing_leave_exactly_their_facts_not_evaluated() {
    let moto = Moto::start();
    moto.seed("seed_streams.py");
    let proxy = Proxy::start(&moto.addr());
    proxy.set_faults(
        Faults::new(0)
            .on("mq", Some("DescribeBroker"), 1.0, Fault::AccessDenied)
            .on(
                "kinesis",
                Some("DescribeStreamSummary"),
                1.0,
                Fault::AccessDenied,
            )
            .on("kafka", Some("ListClustersV2"), 1.0, Fault::AccessDenied),
    );
    let dir = tempfile::tempdir().unwrap();
    let (_, report) = scan_saving(&proxy.endpoint, &dir.path().join("snapshot.json"));
    let got = outcomes(&report);
    let want = expected::load("streams.expected.json");
    let (e, w) = ("us-east-1", "us-west-2");

    let mut problems = Vec::new();
    let mut expect = |rule: &str, region: &str, name: &str, needle: &str| {
        let key = (rule.to_string(), region.to_string(), name.to_string());
        let f =
            report["findings"].as_array().unwrap().iter().find(|f| {
                f["rule_id"] == rule && f["region"] == region && f["resource_name"] == name
            });
        match f {
            Some(f)
                if f["outcome"] == "not_evaluated"
                    && f["reason"].as_str().is_some_and(|r| r.contains(needle)) => {}
            other => problems.push(format!(
                "{key:?}: expected not_evaluated ({needle}), got {other:?}"
            )),
        }
    };
    // Retention is only in the stream summary.
    for (region, stream) in [
        (e, "clicks"),
        (e, "orders-stream"),
        (e, "audit-stream"),
        (w, "west-stream"),
    ] {
        expect(
            "HA-KIN-001",
            region,
            stream,
            "DescribeStreamSummary failed: AccessDeniedException",
        );
    }
    // No MSK cluster could be listed: one finding per rule and region says so.
    for region in [e, w] {
        for rule in ["HA-MSK-001", "HA-MSK-002"] {
            expect(
                rule,
                region,
                &format!("every MSK cluster in {region}"),
                "ListClustersV2 failed: AccessDeniedException",
            );
        }
    }
    // Everything else is judged as in the clean run: the broker listing already says each
    // broker's engine, deployment mode and state.
    for ((rule, region, name), o) in &want {
        if rule == "HA-KIN-001" || rule.starts_with("HA-MSK-") {
            continue;
        }
        let key = (rule.clone(), region.clone(), name.clone());
        match got.get(&key) {
            Some(g) if g == o => {}
            other => problems.push(format!("{key:?}: expected {o}, got {other:?}")),
        }
    }
    let judged = got
        .keys()
        .filter(|(r, _, _)| r != "HA-KIN-001" && !r.starts_with("HA-MSK-"))
        .count();
    let clean = want
        .keys()
        .filter(|(r, _, _)| r != "HA-KIN-001" && !r.starts_with("HA-MSK-"))
        .count();
    assert_eq!(judged, clean, "findings beyond those of the clean run");
    assert_no_problems(&problems);

    // A broker whose details were denied still has its listing's facts; its subnets are
    // unknown, and the message says so.
    let m = text(by_name(&report, "HA-MQ-001", "mq-active-single"), "message");
    assert!(m.contains("SINGLE_INSTANCE in unknown"), "{m}");

    // The denied calls are in the coverage of their service and region.
    let coverage = report["coverage"].as_array().unwrap();
    for (service, region, op) in [
        ("mq", e, "DescribeBroker"),
        ("mq", w, "DescribeBroker"),
        ("kinesis", e, "DescribeStreamSummary"),
        ("kinesis", w, "DescribeStreamSummary"),
        ("msk", e, "ListClustersV2"),
        ("msk", w, "ListClustersV2"),
    ] {
        let c = coverage
            .iter()
            .find(|c| c["service"] == service && c["region"] == region)
            .unwrap_or_else(|| panic!("no coverage entry for {service} {region}"));
        assert_eq!(c["complete"], false, "{c}");
        let ops: Vec<&str> = c["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["operation"].as_str().unwrap())
            .collect();
        assert!(ops.iter().all(|o| *o == op), "{service} {region}: {ops:?}");
    }
}
