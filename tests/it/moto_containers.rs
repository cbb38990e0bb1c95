//! End to end against moto for Site-to-Site VPN, ECS and EKS: seed
//! `fixtures/moto/seed_containers.py`, scan it with the real binary through the recording
//! proxy and compare every finding of the VPN, ECS and EKS rules with
//! `fixtures/moto/containers.expected.json`.
//!
//! moto 5.2.5 leaves out some of what AWS returns (tunnel telemetry and routing options of VPN
//! connections; placement, deployment and AZ rebalancing settings of ECS services; EKS
//! deletion protection) and rejects ListAccountSettings for `defaultLogDriverMode`: the rules
//! reading those facts are pinned as `not_evaluated`, with the reason checked here, and are
//! judged on `fixtures/scenarios/containers.json` instead (`tests/it/scenario_containers.rs`).
//!
//! Needs `scripts/setup-moto`; fails (does not skip) when moto cannot start.

use crate::scenario_containers::is_container_rule;
use crate::support::emulator_gaps::{not_evaluated_beyond_emulator_gaps, scan_wide_emulator_gap};
use crate::support::expected::{self, assert_no_problems, unnamed_is_a_problem};
use crate::support::live::{
    assert_called, assert_calls_are_in_the_iam_policy, assert_offline_scan_matches, Live,
};
use crate::support::report::{by_name, text, with_outcome};

/// Why each rule moto cannot feed is not evaluated: the reason must name the missing fact.
const EMULATOR_GAPS: &[(&str, &str)] = &[
    ("HA-VPN-001", "no tunnel telemetry (VgwTelemetry)"),
    ("HA-VPN-002", "no tunnel telemetry (VgwTelemetry)"),
    (
        "HA-VPN-004",
        "no routing options (Options.StaticRoutesOnly)",
    ),
    ("HA-ECS-005", "did not return availabilityZoneRebalancing"),
    ("HA-ECS-006", "returned no deployment configuration"),
    (
        "HA-ECS-007",
        "ListAccountSettings failed: InvalidParameterException",
    ),
    ("HA-EKS-005", "did not return deletionProtection"),
];

#[test]
fn containers_account_gives_exactly_the_expected_findings() {
    let live = Live::through_proxy("seed_containers.py");
    let report = &live.report;
    assert_calls_are_in_the_iam_policy(&live.requests);
    assert_called(
        &live.requests,
        &[
            "DescribeVpnConnections",
            "DescribeCustomerGateways",
            "DescribeServices",
            "ListTasks",
            "DescribeTaskDefinition",
            "ListAccountSettings",
            "DescribeNodegroup",
            "DescribeFargateProfile",
        ],
    );

    let cmp = expected::compare(report, "containers.expected.json", unnamed_is_a_problem);
    assert_eq!(
        cmp.covered.len(),
        17,
        "every rule but HA-ECS-001 (no tasks)"
    );
    assert_no_problems(&cmp.problems);

    // Every not-evaluated finding of these rules is one of moto's known gaps, and says so;
    // nothing else in the account is left unread.
    for f in with_outcome(report, "not_evaluated")
        .into_iter()
        .filter(|f| !scan_wide_emulator_gap(f))
    {
        let rule = f["rule_id"].as_str().unwrap();
        let reason = f["reason"].as_str().unwrap_or_default();
        let gap = EMULATOR_GAPS
            .iter()
            .find(|(r, _)| *r == rule)
            .unwrap_or_else(|| panic!("unexpected not_evaluated: {f}"));
        assert!(reason.contains(gap.1), "{rule}: {reason}");
    }
    let unread: Vec<String> = not_evaluated_beyond_emulator_gaps(report)
        .into_iter()
        // Each line starts with the rule id as JSON: `"HA-..." <resource>: <reason>`.
        .filter(|f| !is_container_rule(f.trim_start_matches('"')))
        .collect();
    assert!(
        unread.is_empty(),
        "everything else was readable: {unread:?}"
    );

    // The only failed call is moto's refusal of the defaultLogDriverMode setting, asked for
    // once because shop/worker's container leaves the awslogs mode to the account.
    let errors: Vec<(String, String, String)> = report["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| ["vpn", "ecs", "eks"].contains(&c["service"].as_str().unwrap()))
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
    assert_eq!(
        errors,
        vec![(
            "ecs".to_string(),
            "us-east-1".to_string(),
            "ListAccountSettings".to_string()
        )]
    );

    // The messages carry the joined facts.
    let message = |rule: &str, name: &str| text(by_name(report, rule, name), "message");
    let id = |k: &str| live.id(k);
    let m = message("HA-VPN-005", "vpn-tgw-2");
    assert!(
        m.contains(&id("us-east-1/tgw"))
            && m.contains("2 VPN connection(s), all to the customer device at 203.0.113.10"),
        "{m}"
    );
    let m = message("HA-ECS-002", "shop/cart");
    assert!(m.contains("only place tasks in us-east-1a"), "{m}");
    let m = message("HA-EKS-001", "k-one-az");
    assert!(m.contains("only run pods in us-east-1a"), "{m}");
    let m = message("HA-EKS-003", "k-per-az");
    assert!(m.contains("in us-east-1a only"), "{m}");

    assert_offline_scan_matches(&live.snapshot, report);
}
