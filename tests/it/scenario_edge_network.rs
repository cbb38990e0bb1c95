//! The network edge and audit trail rules on `fixtures/scenarios/edge-network.json`: an
//! account snapshot with what moto cannot produce. Firewall endpoints by AZ (one failed, one
//! routed to from another AZ, a transit gateway firewall, one being deleted), Gateway Load
//! Balancer endpoints routed to across AZs or from an unlisted subnet, Resolver endpoints
//! recovering, stuck or being created, Direct Connect connections down or deleted, virtual
//! interfaces with a BGP session down, a hosted one on a partner's connection and a Direct
//! Connect gateway whose other regions are unknown, an organization trail of the management
//! account and shadow trails; and failed calls: a throttled DescribeFirewall and a denied
//! ListResolverEndpointIpAddresses and DescribeVirtualInterfaces in eu-central-1, a throttled
//! GetTrailStatus in eu-west-1.

use crate::support::cli::json_scan_exiting;
use crate::support::expected::assert_outcomes;
use crate::support::report::{assert_says, assert_valid_sarif_of, finding, findings};
use serde_json::Value;

const SCENARIO: &str = "fixtures/scenarios/edge-network.json";
const W: &str = "eu-west-1";
const C: &str = "eu-central-1";

/// Every finding of the HA-NFW, HA-VPC-003, HA-RSV, HA-DX and HA-CT rules: (rule, region,
/// resource id, outcome).
const EXPECTED: &[(&str, &str, &str, &str)] = &[
    // Endpoints in two AZs, b's failed; app-b's table sends its traffic to a's endpoint.
    ("HA-NFW-001", W, "edge", "pass"),
    ("HA-NFW-002", W, "edge", "pass"),
    ("HA-NFW-003", W, "edge", "fail"),
    ("HA-NFW-004", W, "edge", "fail"),
    // Two AZs, both ready, nothing routed across.
    ("HA-NFW-001", W, "inspect", "pass"),
    ("HA-NFW-002", W, "inspect", "pass"),
    ("HA-NFW-003", W, "inspect", "pass"),
    ("HA-NFW-004", W, "inspect", "pass"),
    // Attached to a transit gateway in one AZ, unprotected.
    ("HA-NFW-001", W, "tgw-fw", "fail"),
    ("HA-NFW-002", W, "tgw-fw", "fail"),
    ("HA-NFW-003", W, "tgw-fw", "pass"),
    ("HA-NFW-004", W, "tgw-fw", "pass"),
    // Being deleted: only its (missing) protection is judged.
    ("HA-NFW-002", W, "retired", "fail"),
    ("HA-NFW-003", W, "retired", "pass"),
    // DescribeFirewall was throttled.
    ("HA-NFW-001", C, "central", "not_evaluated"),
    ("HA-NFW-002", C, "central", "not_evaluated"),
    ("HA-NFW-003", C, "central", "not_evaluated"),
    ("HA-NFW-004", C, "central", "not_evaluated"),
    // Gateway Load Balancer endpoints (the interface endpoint is not judged).
    ("HA-VPC-003", W, "vpce-0gwlba", "fail"),
    ("HA-VPC-003", W, "vpce-0gwlbb", "pass"),
    ("HA-VPC-003", W, "vpce-0gwlbx", "not_evaluated"),
    // Resolver endpoints; the one being created is not judged.
    ("HA-RSV-001", W, "rslvr-in-0ok", "pass"),
    ("HA-RSV-002", W, "rslvr-in-0ok", "pass"),
    ("HA-RSV-001", W, "rslvr-out-0deg", "fail"),
    ("HA-RSV-002", W, "rslvr-out-0deg", "fail"),
    ("HA-RSV-001", W, "rslvr-out-0stk", "pass"),
    ("HA-RSV-002", W, "rslvr-out-0stk", "fail"),
    ("HA-RSV-001", C, "rslvr-in-central", "not_evaluated"),
    ("HA-RSV-002", C, "rslvr-in-central", "pass"),
    // Two live connections at one location (the deleted one at TCSH no longer counts).
    ("HA-DX-001", W, W, "pass"),
    ("HA-DX-002", W, W, "fail"),
    ("HA-DX-001", C, C, "fail"),
    ("HA-DX-004", W, "dxcon-0w1", "pass"),
    ("HA-DX-004", W, "dxcon-0w2", "fail"),
    ("HA-DX-004", C, "dxcon-0c1", "pass"),
    // vgw-0app: two connections at one location; one session down.
    ("HA-DX-003", W, "dxvif-0w1", "fail"),
    ("HA-DX-005", W, "dxvif-0w1", "pass"),
    ("HA-DX-003", W, "dxvif-0w2", "fail"),
    ("HA-DX-005", W, "dxvif-0w2", "fail"),
    // dxgw-0core is global, and eu-central-1's virtual interfaces are unknown.
    ("HA-DX-003", W, "dxvif-0w3", "not_evaluated"),
    ("HA-DX-005", W, "dxvif-0w3", "pass"),
    ("HA-DX-005", W, "dxvif-0w4", "pass"),
    // vgw-0batch: its only virtual interface is being confirmed.
    ("HA-DX-003", W, "dxvif-0w5", "fail"),
    // vgw-0shop: a hosted virtual interface at TCSH and one of the account's at EqLD5.
    ("HA-DX-003", W, "dxvif-0w6", "pass"),
    ("HA-DX-005", W, "dxvif-0w6", "pass"),
    ("HA-DX-003", W, "dxvif-0w7", "pass"),
    ("HA-DX-005", W, "dxvif-0w7", "pass"),
    ("HA-DX-003", C, "*", "not_evaluated"),
    ("HA-DX-005", C, "*", "not_evaluated"),
    // audit covers both regions (its shadow in eu-central-1); the organization's trail too.
    ("HA-CT-001", W, W, "pass"),
    ("HA-CT-001", C, C, "pass"),
    ("HA-CT-002", W, "audit", "pass"),
    ("HA-CT-003", W, "audit", "pass"),
    ("HA-CT-002", W, "west-debug", "fail"),
    ("HA-CT-003", W, "west-debug", "not_evaluated"),
    ("HA-CT-002", W, "west-stopped", "pass"),
    ("HA-CT-003", W, "west-stopped", "fail"),
];

fn ours(f: &Value) -> bool {
    let rule = f["rule_id"].as_str().unwrap_or_default();
    ["HA-NFW-", "HA-RSV-", "HA-DX-", "HA-CT-"]
        .iter()
        .any(|p| rule.starts_with(p))
        || rule == "HA-VPC-003"
}

fn report() -> Value {
    json_scan_exiting(SCENARIO, 1)
}

#[test]
fn edge_and_trail_rules_judge_what_was_read_and_say_what_was_not() {
    let report = report();
    assert_outcomes(&report, ours, EXPECTED);
}

#[test]
fn findings_name_the_facts_and_the_calls_behind_them() {
    let report = report();
    let find = |rule: &str, region: &str, id: &str| {
        finding(
            &report,
            &[("rule_id", rule), ("region", region), ("resource_id", id)],
        )
    };
    for (rule, region, id, needles) in [
        (
            "HA-NFW-001",
            C,
            "central",
            &["DescribeFirewall failed: ThrottlingException"][..],
        ),
        (
            "HA-NFW-003",
            C,
            "central",
            &["DescribeFirewall failed: ThrottlingException"],
        ),
        (
            "HA-VPC-003",
            W,
            "vpce-0gwlbx",
            &["subnet subnet-0gone of endpoint vpce-0gwlbx is not in the subnet listing"],
        ),
        (
            "HA-RSV-001",
            C,
            "rslvr-in-central",
            &["ListResolverEndpointIpAddresses failed: AccessDeniedException"],
        ),
        (
            "HA-DX-003",
            W,
            "dxvif-0w3",
            &["directconnect.virtual_interface could not be listed in eu-central-1"],
        ),
        (
            "HA-DX-005",
            C,
            "*",
            &["DescribeVirtualInterfaces failed: AccessDeniedException"],
        ),
        (
            "HA-CT-003",
            W,
            "west-debug",
            &["GetTrailStatus failed: ThrottlingException"],
        ),
    ] {
        assert_says(find(rule, region, id), "reason", needles);
    }
    for (rule, region, id, needles) in [
        (
            "HA-NFW-003",
            W,
            "edge",
            &["rtb-0appb: 0.0.0.0/0 -> vpce-0fwa, used by subnet-0appb (eu-west-1b)"][..],
        ),
        ("HA-NFW-004", W, "edge", &["eu-west-1b: vpce-0fwb (FAILED)"]),
        (
            "HA-NFW-001",
            W,
            "tgw-fw",
            &["only in eu-west-1a (VPC none, subnets none, transit gateway tgw-0core)"],
        ),
        (
            "HA-VPC-003",
            W,
            "vpce-0gwlba",
            &["rtb-0appc: 0.0.0.0/0 -> vpce-0gwlba, used by subnet-0appc (eu-west-1c)"],
        ),
        (
            "HA-RSV-001",
            W,
            "rslvr-out-0deg",
            &["only from eu-west-1a (1 IP addresses)"],
        ),
        (
            "HA-RSV-002",
            W,
            "rslvr-out-0stk",
            &["ACTION_NEEDED", "No free IP address in subnet subnet-0dnsb"],
        ),
        (
            "HA-DX-002",
            W,
            W,
            &["(dxcon-0w1, dxcon-0w2) all end at EqLD5"],
        ),
        ("HA-DX-001", C, C, &["dxcon-0c1", "EqFA5"]),
        ("HA-DX-004", W, "dxcon-0w2", &["is down", "dxvif-0w2"]),
        (
            "HA-DX-003",
            W,
            "dxvif-0w1",
            &["vgw-0app", "on connection(s) dxcon-0w1, dxcon-0w2 at EqLD5"],
        ),
        (
            "HA-DX-005",
            W,
            "dxvif-0w2",
            &["169.254.11.2/30 (dxpeer-02)"],
        ),
        ("HA-CT-003", W, "west-stopped", &["west-stopped-logs"]),
    ] {
        assert_says(find(rule, region, id), "message", needles);
    }
    // Only the account's own trails are judged: the organization's is the management
    // account's to fix.
    assert!(findings(&report)
        .iter()
        .all(|f| f["resource_id"] != "org-trail"));

    // The same scenario as SARIF is valid.
    assert_valid_sarif_of(SCENARIO);
}
