//! HA-SHD-006, the CloudFormation, Cognito and EventBridge rules on
//! `fixtures/scenarios/safeguards.json`: an account snapshot with what moto cannot produce.
//! Elastic IPs of an instance, a Network Load Balancer and a NAT gateway in an account that
//! subscribes to Shield Advanced; a nested stack, stacks stuck in UPDATE_ROLLBACK_FAILED and
//! IMPORT_ROLLBACK_FAILED, a stack without EnableTerminationProtection; EventBridge global
//! endpoints with replication enabled, disabled and not returned; and what could not be read: a
//! denied DescribeAddresses, DescribeUserPool and ListEndpoints, a throttled DescribeStacks.
//! Then the same account unsubscribed, and with Shield unreadable.

use crate::support::cli::{json_scan_exiting, ungated_json_scan};
use crate::support::expected::assert_outcomes;
use crate::support::report::{
    assert_says, assert_table_counts_not_evaluated, assert_valid_sarif_of, by_id, finding,
};
use serde_json::{json, Value};
use std::collections::BTreeSet;

const SCENARIO: &str = "fixtures/scenarios/safeguards.json";
const W: &str = "eu-west-1";
const C: &str = "eu-central-1";

/// Every finding of the rules: (rule, region, resource id, outcome). `*` is a region whose
/// listing failed.
const EXPECTED: &[(&str, &str, &str, &str)] = &[
    // Protected; a Network Load Balancer's and a NAT gateway's addresses without protection;
    // the idle address (protected or not) is judged by no rule.
    ("HA-SHD-006", W, "eipalloc-0web", "pass"),
    ("HA-SHD-006", W, "eipalloc-0nlb", "fail"),
    ("HA-SHD-006", W, "eipalloc-0nat", "fail"),
    ("HA-SHD-006", C, "*", "not_evaluated"),
    // A protected root stack stuck after a failed rollback, its nested stack (judged by
    // neither rule), an unprotected stack, a protected import that failed to roll back, a
    // failed creation without EnableTerminationProtection in the answer.
    ("HA-CFN-001", W, "payments", "pass"),
    ("HA-CFN-001", W, "legacy", "fail"),
    ("HA-CFN-001", W, "importer", "pass"),
    ("HA-CFN-001", W, "half-created", "not_evaluated"),
    ("HA-CFN-001", C, "*", "not_evaluated"),
    ("HA-CFN-002", W, "payments", "fail"),
    ("HA-CFN-002", W, "legacy", "pass"),
    ("HA-CFN-002", W, "importer", "fail"),
    ("HA-CFN-002", W, "half-created", "pass"),
    ("HA-CFN-002", C, "*", "not_evaluated"),
    // Never set (INACTIVE by default); ACTIVE; DescribeUserPool denied.
    ("HA-COG-001", C, "eu-central-1_Partners1", "fail"),
    ("HA-COG-001", W, "eu-west-1_Custom0001", "pass"),
    ("HA-COG-001", W, "eu-west-1_Staff0001", "not_evaluated"),
    ("HA-EVB-001", W, "audit", "fail"),
    ("HA-EVB-001", W, "orders", "pass"),
    ("HA-EVB-001", W, "bare", "not_evaluated"),
    ("HA-EVB-001", C, "*", "not_evaluated"),
];

fn ours(f: &Value) -> bool {
    let rule = f["rule_id"].as_str().unwrap_or_default();
    rule == "HA-SHD-006"
        || ["HA-CFN-", "HA-COG-", "HA-EVB-"]
            .iter()
            .any(|p| rule.starts_with(p))
}

#[test]
fn safeguard_rules_judge_what_was_read_and_say_what_was_not() {
    let report = json_scan_exiting(SCENARIO, 1);
    assert_outcomes(&report, ours, EXPECTED);
    // EXPECTED names every rule of the group, and each is seen passing and failing.
    let rules: BTreeSet<&str> = EXPECTED.iter().map(|e| e.0).collect();
    let all: BTreeSet<String> = crate::support::cli::rule_ids()
        .into_iter()
        .filter(|r| ours(&json!({ "rule_id": r })))
        .collect();
    assert_eq!(
        all.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        rules
    );
    for rule in rules {
        for outcome in ["pass", "fail"] {
            assert!(
                EXPECTED.iter().any(|e| e.0 == rule && e.3 == outcome),
                "{rule} never gives {outcome}"
            );
        }
    }

    for (rule, id, key, needles) in [
        (
            "HA-SHD-006",
            "eipalloc-0nlb",
            "message",
            &["Elastic IP 198.51.100.20 (eipalloc-0nlb), associated with network interface eni-0nlb"][..],
        ),
        (
            "HA-CFN-001",
            "half-created",
            "reason",
            &["DescribeStacks returned no EnableTerminationProtection"],
        ),
        (
            "HA-CFN-002",
            "payments",
            "message",
            &["payments is UPDATE_ROLLBACK_FAILED"],
        ),
        (
            "HA-COG-001",
            "eu-west-1_Staff0001",
            "reason",
            &["DescribeUserPool failed: AccessDeniedException"],
        ),
        (
            "HA-COG-001",
            "eu-central-1_Partners1",
            "message",
            &["partners (eu-central-1_Partners1) has deletion protection INACTIVE"],
        ),
        (
            "HA-EVB-001",
            "audit",
            "message",
            &["audit has event replication DISABLED"],
        ),
        (
            "HA-EVB-001",
            "bare",
            "reason",
            &["ListEndpoints returned no ReplicationConfig.State"],
        ),
    ] {
        assert_says(by_id(&report, rule, id), key, needles);
    }
    for (rule, needles) in [
        (
            "HA-SHD-006",
            &[
                "DescribeAddresses failed: UnauthorizedOperation",
                "ec2:DescribeAddresses",
            ][..],
        ),
        ("HA-CFN-001", &["DescribeStacks failed: Throttling"]),
        (
            "HA-EVB-001",
            &["ListEndpoints failed: AccessDeniedException"],
        ),
    ] {
        let f = finding(
            &report,
            &[("rule_id", rule), ("resource_id", "*"), ("region", C)],
        );
        assert_says(f, "reason", needles);
    }
    // Named for people: addresses by Name tag or public address, pools by name.
    assert_eq!(
        by_id(&report, "HA-SHD-006", "eipalloc-0nlb")["resource_name"],
        "api-nlb-a"
    );
    assert_eq!(
        by_id(&report, "HA-SHD-006", "eipalloc-0nat")["resource_name"],
        "198.51.100.30"
    );
    assert_eq!(
        by_id(&report, "HA-SHD-006", "eipalloc-0nat")["arn"],
        "arn:aws:ec2:eu-west-1:210987654321:eip-allocation/eipalloc-0nat"
    );
    assert_eq!(
        by_id(&report, "HA-COG-001", "eu-west-1_Custom0001")["resource_name"],
        "customers"
    );

    // The same scenario as SARIF is valid, and a table shows the same counts.
    assert_table_counts_not_evaluated(SCENARIO, &report);
    assert_valid_sarif_of(SCENARIO);
}

/// The scenario with `edit` applied to its JSON, scanned without a gate.
fn scan_edited(edit: impl FnOnce(&mut Value)) -> Value {
    let mut snapshot: Value =
        serde_json::from_str(&std::fs::read_to_string(SCENARIO).unwrap()).unwrap();
    edit(&mut snapshot);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("safeguards.json");
    std::fs::write(&path, serde_json::to_vec(&snapshot).unwrap()).unwrap();
    ungated_json_scan(&path, &[]).1
}

/// EXPECTED with HA-SHD-006's rows in eu-west-1 replaced by `shield`.
fn with_shield(
    shield: &[(&'static str, &'static str)],
) -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    EXPECTED
        .iter()
        .copied()
        .filter(|(rule, region, ..)| !(*rule == "HA-SHD-006" && *region == W))
        .chain(shield.iter().map(|(id, o)| ("HA-SHD-006", W, *id, *o)))
        .collect()
}

#[test]
fn without_a_subscription_no_address_is_judged() {
    let report = scan_edited(|s| {
        s["shield"] = json!({"subscription": [{"state": "INACTIVE"}]});
    });
    assert_outcomes(&report, ours, &with_shield(&[]));
}

/// The scenario with Shield's `op` failed with `code`: what Shield the snapshot keeps is
/// `shield` (nothing after GetSubscriptionState, the subscription after ListProtections).
fn scan_with_shield_failed(shield: Value, op: &str, code: &str) -> Value {
    scan_edited(|s| {
        s["shield"] = shield;
        let coverage = s["coverage"].as_array_mut().unwrap();
        let entry = coverage
            .iter_mut()
            .find(|c| c["service"] == "shield")
            .unwrap();
        entry["errors"] = json!([{
            "operation": op,
            "iam_action": format!("shield:{op}"),
            "kinds": ["shield.protection"],
            "code": code,
            "message": "no"
        }]);
    })
}

#[test]
fn an_unreadable_subscription_leaves_every_address_in_use_not_evaluated() {
    let rows = with_shield(&[
        ("eipalloc-0web", "not_evaluated"),
        ("eipalloc-0nlb", "not_evaluated"),
        ("eipalloc-0nat", "not_evaluated"),
    ]);
    let report =
        scan_with_shield_failed(json!({}), "GetSubscriptionState", "AccessDeniedException");
    assert_outcomes(&report, ours, &rows);
    assert_says(
        by_id(&report, "HA-SHD-006", "eipalloc-0web"),
        "reason",
        &["GetSubscriptionState failed: AccessDeniedException"],
    );
    // Subscribed, but the protections could not be listed: the same, naming ListProtections.
    let report = scan_with_shield_failed(
        json!({"subscription": [{"state": "ACTIVE"}]}),
        "ListProtections",
        "ThrottlingException",
    );
    assert_outcomes(&report, ours, &rows);
    assert_says(
        by_id(&report, "HA-SHD-006", "eipalloc-0nat"),
        "reason",
        &["ListProtections failed: ThrottlingException"],
    );
}
