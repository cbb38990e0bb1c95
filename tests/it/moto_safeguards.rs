//! End to end against moto for the reads that guard against deletion and attack: seed
//! `fixtures/moto/seed_safeguards.py` (Elastic IPs associated with an instance, a NAT gateway
//! or nothing, a Shield Advanced protection of one, CloudFormation stacks with and without
//! termination protection, Cognito user pools with deletion protection ACTIVE, INACTIVE or
//! never set), scan it with the real binary through the recording proxy and compare every
//! finding of HA-SHD-006, HA-CFN, HA-COG and HA-EVB with
//! `fixtures/moto/safeguards.expected.json`.
//!
//! moto 5.2.5 implements neither Shield's GetSubscriptionState nor EventBridge's ListEndpoints
//! (HTTP 500): HA-SHD-006 and HA-EVB-001 are pinned `not_evaluated`, with the reason checked
//! here. A second scan has the proxy answer GetSubscriptionState (`ACTIVE`), so that HA-SHD-006
//! judges the addresses against moto's own ListProtections. EventBridge endpoints, nested
//! stacks and failed rollbacks are judged on `fixtures/scenarios/safeguards.json`.
//!
//! Needs `scripts/setup-moto`; fails (does not skip) when moto cannot start.

use crate::support::cli::rule_ids;
use crate::support::emulator_gaps::names_emulator_gap;
use crate::support::expected::{self, assert_no_problems, unnamed_is_a_problem, Key};
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

const E: &str = "us-east-1";
const W: &str = "us-west-2";
const SERVICES: &[&str] = &["cloudformation", "cognito", "eventbridge"];

fn ours(rule: &str) -> bool {
    rule == "HA-SHD-006"
        || ["HA-CFN-", "HA-COG-", "HA-EVB-"]
            .iter()
            .any(|p| rule.starts_with(p))
}

/// (rule, region, resource name) -> outcome, for the rules of this account.
fn outcomes(report: &Value) -> BTreeMap<Key, String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| ours(f["rule_id"].as_str().unwrap_or_default()))
        .map(|f| (expected::key(f), f["outcome"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn safeguards_account_gives_exactly_the_expected_findings() {
    let live = Live::through_proxy("seed_safeguards.py");
    let report = &live.report;
    assert_calls_are_in_the_iam_policy(&live.requests);
    assert_called(
        &live.requests,
        &[
            "DescribeAddresses",
            "DescribeStacks",
            "ListUserPools",
            "DescribeUserPool",
            "ListEndpoints",
            "GetSubscriptionState",
        ],
    );

    let cmp = expected::compare(report, "safeguards.expected.json", unnamed_is_a_problem);
    assert_no_problems(&cmp.problems);
    let unpinned: Vec<String> = rule_ids()
        .into_iter()
        .filter(|r| ours(r) && !cmp.covered.contains(r))
        .collect();
    assert!(
        unpinned.is_empty(),
        "rules the expected file does not pin: {unpinned:?}"
    );

    // Not evaluated only for the two calls moto lacks.
    for f in report["findings"].as_array().unwrap() {
        let rule = f["rule_id"].as_str().unwrap();
        if f["outcome"] != "not_evaluated" || !ours(rule) {
            continue;
        }
        let op = if rule == "HA-EVB-001" {
            "ListEndpoints"
        } else {
            "GetSubscriptionState"
        };
        assert!(
            names_emulator_gap(text(f, "reason"), op, "http-500"),
            "unexpected not_evaluated: {f}"
        );
    }
    // The only failed calls of these services are ListEndpoints, which moto lacks; EC2's
    // DescribeAddresses succeeded.
    for c in report["coverage"].as_array().unwrap() {
        let service = c["service"].as_str().unwrap();
        if service == "eventbridge" {
            let ops: Vec<&str> = c["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["operation"].as_str().unwrap())
                .collect();
            assert_eq!(ops, ["ListEndpoints"], "{c}");
        } else if SERVICES.contains(&service) || service == "ec2" {
            assert_eq!(c["complete"], true, "{c}");
        }
    }

    // The addresses were read with what they are associated with; the idle one is judged by
    // no rule, and moto's empty ids are not taken for associations.
    let snapshot: Value =
        serde_json::from_str(&std::fs::read_to_string(&live.snapshot).unwrap()).unwrap();
    let eips: BTreeMap<String, &Value> = snapshot["ec2"]["elastic_ips"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["tags"]["Name"].as_str().unwrap().to_string(), a))
        .collect();
    assert_eq!(
        eips.keys().map(String::as_str).collect::<Vec<_>>(),
        ["eip-api", "eip-nat", "eip-spare", "eip-web"]
    );
    assert_eq!(
        eips["eip-web"]["instance_id"],
        live.id("us-east-1/web").as_str()
    );
    assert_eq!(eips["eip-spare"]["association_id"], Value::Null);
    assert_eq!(eips["eip-spare"]["instance_id"], Value::Null);
    assert_eq!(eips["eip-nat"]["instance_id"], Value::Null);
    assert!(eips["eip-nat"]["network_interface_id"]
        .as_str()
        .is_some_and(|eni| eni.starts_with("eni-")));

    let message = |rule: &str, name: &str| text(by_name(report, rule, name), "message").to_string();
    let m = message("HA-CFN-001", "stack-open");
    assert!(m.contains("stack-open (CREATE_COMPLETE)"), "{m}");
    let m = message("HA-COG-001", "pool-default");
    assert!(m.contains("deletion protection INACTIVE"), "{m}");

    assert_offline_scan_matches(&live.snapshot, report);
}

#[test]
fn with_the_subscription_state_answered_shield_judges_the_addresses_in_use() {
    let moto = Moto::start();
    let ids = moto.seed("seed_safeguards.py");
    let proxy = Proxy::start(&moto.addr());
    proxy.set_faults(Faults::new(0).on(
        "shield",
        Some("GetSubscriptionState"),
        1.0,
        Fault::Answer(r#"{"SubscriptionState":"ACTIVE"}"#),
    ));
    let dir = tempfile::tempdir().unwrap();
    let (_, report) = scan_saving(&proxy.endpoint, &dir.path().join("snapshot.json"));
    assert_called(&proxy.requests(), &["ListProtections"]);

    let mut want = expected::load("safeguards.expected.json");
    // The protection names eip-web's allocation; the NAT gateway's and us-west-2's addresses
    // have none; the idle address is judged by no rule.
    for (region, name, outcome) in [
        (E, "eip-web", "pass"),
        (E, "eip-nat", "fail"),
        (W, "eip-api", "fail"),
    ] {
        want.insert(
            (
                "HA-SHD-006".to_string(),
                region.to_string(),
                name.to_string(),
            ),
            outcome.to_string(),
        );
    }
    assert_no_problems(&expected::outcome_problems(&outcomes(&report), &want));
    let m = text(by_name(&report, "HA-SHD-006", "eip-api"), "message");
    assert!(
        m.contains(&format!("({})", ids["us-west-2/eip-api"].as_str().unwrap()))
            && m.contains(&format!(
                "associated with instance {}",
                ids["us-west-2/api"].as_str().unwrap()
            )),
        "{m}"
    );
    let m = text(by_name(&report, "HA-SHD-006", "eip-nat"), "message");
    assert!(m.contains("associated with network interface eni-"), "{m}");
}
