//! The VPN, ECS and EKS rules on `fixtures/scenarios/containers.json`: an account snapshot with
//! what moto cannot produce. Tunnels up and down in every mix, static and BGP routing, a
//! pending and a deleted connection, running tasks spread over AZs or packed into one (one
//! task placed only through its subnet), awslogs modes set per container or left to the
//! account default, a degraded node group; and what could not be read: a failed DescribeTasks
//! and DescribeTaskDefinition, a denied ListAccountSettings, DescribeCustomerGateways and
//! DescribeNodegroup, a connection without tunnel telemetry and a cluster without the
//! deletion protection field.

use crate::support::cli::json_scan_exiting;
use crate::support::expected::{assert_no_problems, pinned_outcome_problems};
use crate::support::report::{
    assert_says, assert_table_counts_not_evaluated, assert_valid_sarif_of, by_id,
};
use serde_json::Value;
use std::collections::BTreeSet;

const SCENARIO: &str = "fixtures/scenarios/containers.json";

/// Every finding of the VPN, ECS and EKS rules: (rule, resource id, outcome).
const EXPECTED: &[(&str, &str, &str)] = &[
    // Tunnels: two up, one up, none up; a pending connection is not judged on its tunnels,
    // and a deleted one not at all.
    ("HA-VPN-001", "vpn-both-up", "pass"),
    ("HA-VPN-001", "vpn-one-up", "pass"),
    ("HA-VPN-001", "vpn-all-down", "fail"),
    ("HA-VPN-001", "vpn-no-telemetry", "not_evaluated"),
    ("HA-VPN-002", "vpn-both-up", "pass"),
    ("HA-VPN-002", "vpn-one-up", "fail"),
    ("HA-VPN-002", "vpn-no-telemetry", "not_evaluated"),
    ("HA-VPN-003", "vpn-both-up", "pass"),
    ("HA-VPN-003", "vpn-one-up", "pass"),
    ("HA-VPN-003", "vpn-all-down", "pass"),
    ("HA-VPN-003", "vpn-pending", "fail"),
    ("HA-VPN-003", "vpn-no-telemetry", "pass"),
    ("HA-VPN-004", "vpn-both-up", "pass"),
    ("HA-VPN-004", "vpn-one-up", "fail"),
    ("HA-VPN-004", "vpn-all-down", "pass"),
    ("HA-VPN-004", "vpn-no-telemetry", "not_evaluated"),
    // vgw-main reaches two devices; vgw-lab one (its deleted connection does not count);
    // eu-central-1's customer gateways could not be listed.
    ("HA-VPN-005", "vpn-both-up", "pass"),
    ("HA-VPN-005", "vpn-one-up", "pass"),
    ("HA-VPN-005", "vpn-all-down", "fail"),
    ("HA-VPN-005", "vpn-pending", "fail"),
    ("HA-VPN-005", "vpn-no-telemetry", "not_evaluated"),
    // Running tasks: spread, packed (one placed through its subnet's AZ), on EC2 without
    // subnets, and unknown where DescribeTasks failed.
    ("HA-ECS-001", "shop/web", "pass"),
    ("HA-ECS-001", "shop/checkout", "fail"),
    ("HA-ECS-001", "shop/ec2-api", "pass"),
    ("HA-ECS-001", "shop/ec2-packed", "fail"),
    ("HA-ECS-001", "legacy/billing", "not_evaluated"),
    ("HA-ECS-001", "api/orders", "pass"),
    ("HA-ECS-002", "shop/web", "pass"),
    ("HA-ECS-002", "shop/checkout", "pass"),
    ("HA-ECS-002", "shop/cart", "fail"),
    ("HA-ECS-002", "shop/singleton", "pass"),
    ("HA-ECS-002", "legacy/billing", "pass"),
    ("HA-ECS-002", "api/orders", "pass"),
    ("HA-ECS-003", "shop/web", "pass"),
    ("HA-ECS-003", "shop/checkout", "pass"),
    ("HA-ECS-003", "shop/cart", "pass"),
    ("HA-ECS-003", "shop/singleton", "fail"),
    ("HA-ECS-003", "shop/ec2-api", "pass"),
    ("HA-ECS-003", "shop/ec2-packed", "pass"),
    ("HA-ECS-003", "legacy/billing", "pass"),
    ("HA-ECS-003", "api/orders", "pass"),
    // A daemon service is not judged on placement; Fargate capacity providers are not EC2.
    ("HA-ECS-004", "shop/ec2-api", "pass"),
    ("HA-ECS-004", "shop/ec2-packed", "fail"),
    ("HA-ECS-005", "shop/web", "pass"),
    ("HA-ECS-005", "shop/checkout", "fail"),
    ("HA-ECS-005", "shop/singleton", "pass"),
    ("HA-ECS-005", "shop/cart", "pass"),
    ("HA-ECS-005", "shop/ec2-api", "pass"),
    ("HA-ECS-005", "shop/ec2-packed", "pass"),
    ("HA-ECS-005", "legacy/billing", "pass"),
    ("HA-ECS-005", "api/orders", "pass"),
    ("HA-ECS-006", "shop/web", "pass"),
    ("HA-ECS-006", "shop/checkout", "fail"),
    ("HA-ECS-006", "shop/singleton", "pass"),
    ("HA-ECS-006", "shop/cart", "pass"),
    ("HA-ECS-006", "shop/agent", "pass"),
    ("HA-ECS-006", "shop/ec2-api", "pass"),
    ("HA-ECS-006", "shop/ec2-packed", "pass"),
    ("HA-ECS-006", "legacy/billing", "pass"),
    ("HA-ECS-006", "api/orders", "pass"),
    // checkout leaves the mode to an account default of blocking; cart's sidecar blocks;
    // billing's task definition and orders' account default could not be read.
    ("HA-ECS-007", "shop/web", "pass"),
    ("HA-ECS-007", "shop/checkout", "fail"),
    ("HA-ECS-007", "shop/singleton", "pass"),
    ("HA-ECS-007", "shop/cart", "fail"),
    ("HA-ECS-007", "shop/agent", "pass"),
    ("HA-ECS-007", "shop/ec2-api", "pass"),
    ("HA-ECS-007", "shop/ec2-packed", "pass"),
    ("HA-ECS-007", "legacy/billing", "not_evaluated"),
    ("HA-ECS-007", "api/orders", "not_evaluated"),
    ("HA-ECS-008", "shop/web", "pass"),
    ("HA-ECS-008", "shop/checkout", "pass"),
    ("HA-ECS-008", "shop/singleton", "pass"),
    ("HA-ECS-008", "shop/cart", "fail"),
    ("HA-ECS-008", "shop/agent", "pass"),
    ("HA-ECS-008", "shop/ec2-api", "pass"),
    ("HA-ECS-008", "shop/ec2-packed", "pass"),
    ("HA-ECS-008", "legacy/billing", "pass"),
    ("HA-ECS-008", "api/orders", "pass"),
    // Node groups and Fargate profiles together: edge's node group and profile share AZ a.
    ("HA-EKS-001", "platform", "pass"),
    ("HA-EKS-001", "edge", "fail"),
    ("HA-EKS-001", "serverless", "pass"),
    ("HA-EKS-001", "analytics", "not_evaluated"),
    ("HA-EKS-002", "platform", "pass"),
    ("HA-EKS-002", "edge", "fail"),
    ("HA-EKS-002", "analytics", "not_evaluated"),
    ("HA-EKS-003", "platform", "pass"),
    ("HA-EKS-003", "edge", "fail"),
    ("HA-EKS-003", "serverless", "pass"),
    ("HA-EKS-003", "analytics", "pass"),
    ("HA-EKS-004", "platform/general", "pass"),
    ("HA-EKS-004", "platform/spot", "fail"),
    ("HA-EKS-004", "edge/ng", "pass"),
    ("HA-EKS-004", "analytics/ng-1", "pass"),
    ("HA-EKS-004", "analytics/ng-2", "not_evaluated"),
    ("HA-EKS-005", "platform", "pass"),
    ("HA-EKS-005", "edge", "fail"),
    ("HA-EKS-005", "serverless", "pass"),
    ("HA-EKS-005", "analytics", "not_evaluated"),
];

fn report() -> Value {
    json_scan_exiting(SCENARIO, 1)
}

/// Whether a rule is about VPN, ECS or EKS.
pub fn is_container_rule(id: &str) -> bool {
    ["HA-VPN-", "HA-ECS-", "HA-EKS-"]
        .iter()
        .any(|p| id.starts_with(p))
}

#[test]
fn container_and_vpn_rules_judge_what_was_read_and_say_what_was_not() {
    let report = report();
    // EXPECTED names every rule of the three services (checked below), so the pinned
    // comparison covers everything they judge.
    assert_no_problems(&pinned_outcome_problems(&report, EXPECTED));
    // Every rule of the three services is seen passing and failing here.
    let rules: BTreeSet<&str> = EXPECTED.iter().map(|e| e.0).collect();
    assert_eq!(rules.len(), 18);
    assert!(rules.iter().all(|r| is_container_rule(r)), "{rules:?}");
    for rule in rules {
        for outcome in ["pass", "fail"] {
            assert!(
                EXPECTED.iter().any(|e| e.0 == rule && e.2 == outcome),
                "{rule} never gives {outcome}"
            );
        }
    }
}

#[test]
fn findings_name_the_facts_and_the_calls_behind_them() {
    let report = report();
    for (rule, id, key, needles) in [
        (
            "HA-VPN-002",
            "vpn-one-up",
            "message",
            &["1 of 2 tunnels up (down: 52.16.0.4)"][..],
        ),
        (
            "HA-VPN-001",
            "vpn-no-telemetry",
            "reason",
            &["no tunnel telemetry"],
        ),
        (
            "HA-VPN-005",
            "vpn-all-down",
            "message",
            &["vgw-lab", "1 VPN connection(s)", "203.0.113.10"],
        ),
        (
            "HA-VPN-005",
            "vpn-no-telemetry",
            "reason",
            &["DescribeCustomerGateways", "UnauthorizedOperation"],
        ),
        (
            "HA-ECS-001",
            "shop/checkout",
            "message",
            &["all 3 of its running tasks in eu-west-1a"],
        ),
        (
            "HA-ECS-001",
            "legacy/billing",
            "reason",
            &["DescribeTasks failed: ThrottlingException"],
        ),
        (
            "HA-ECS-007",
            "shop/checkout",
            "message",
            &["container(s) app "],
        ),
        (
            "HA-ECS-007",
            "shop/cart",
            "message",
            &["container(s) sidecar "],
        ),
        (
            "HA-ECS-007",
            "legacy/billing",
            "reason",
            &["DescribeTaskDefinition failed"],
        ),
        (
            "HA-ECS-007",
            "api/orders",
            "reason",
            &["ListAccountSettings failed: AccessDeniedException"],
        ),
        (
            "HA-EKS-001",
            "edge",
            "message",
            &[
                "only run pods in eu-west-1a",
                "(ng)",
                "1 Fargate profile(s)",
            ],
        ),
        (
            "HA-EKS-001",
            "analytics",
            "reason",
            &["node group ng-2", "DescribeNodegroup failed"],
        ),
        (
            "HA-EKS-004",
            "platform/spot",
            "message",
            &["DEGRADED with health issue(s) AsgInstanceLaunchFailures"],
        ),
        (
            "HA-EKS-005",
            "analytics",
            "reason",
            &["did not return deletionProtection"],
        ),
    ] {
        assert_says(by_id(&report, rule, id), key, needles);
    }

    // The same scenario as SARIF is valid, and a table shows the same counts.
    assert_table_counts_not_evaluated(SCENARIO, &report);
    assert_valid_sarif_of(SCENARIO);
}
