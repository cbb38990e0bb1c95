//! The edge and DDoS rules (HA-CLB, HA-WAF, HA-SHD) and HA-ASG-009's Classic Load Balancer
//! half on `fixtures/scenarios/edge.json`: what moto cannot produce. Classic Load Balancers
//! with an instance failing its health check, every instance out of service, an in-service
//! instance missing from the EC2 listing and throttled attributes; a region whose Classic
//! listing was throttled; web ACL associations read, unread and not collected; a Firewall
//! Manager rule group; Shield Advanced subscribed with protections with and without health
//! checks. Then the same account unsubscribed, and with Shield unreadable.

use crate::support::cli::json_scan_exiting;
use crate::support::expected::{
    assert_no_problems, assert_outcomes, outcome_problems, outcome_rows, outcomes_by_id,
};
use crate::support::report::{assert_says, assert_valid_sarif_of, finding};
use serde_json::{json, Value};

const SCENARIO: &str = "fixtures/scenarios/edge.json";
const W: &str = "eu-west-1";
const C: &str = "eu-central-1";
const G: &str = "global";

/// Every finding of the edge rules: (rule, region, resource id, outcome).
const EXPECTED: &[(&str, &str, &str, &str)] = &[
    // Two AZs, both settings on, in service in both AZs, protected.
    ("HA-CLB-001", W, "clb-web", "pass"),
    ("HA-CLB-002", W, "clb-web", "pass"),
    ("HA-CLB-003", W, "clb-web", "pass"),
    ("HA-CLB-004", W, "clb-web", "pass"),
    ("HA-CLB-005", W, "clb-web", "pass"),
    ("HA-SHD-002", W, "clb-web", "pass"),
    // Its instance in eu-west-1b fails the health check: only eu-west-1a serves.
    ("HA-CLB-001", W, "clb-degraded", "pass"),
    ("HA-CLB-002", W, "clb-degraded", "pass"),
    ("HA-CLB-003", W, "clb-degraded", "pass"),
    ("HA-CLB-004", W, "clb-degraded", "fail"),
    ("HA-CLB-005", W, "clb-degraded", "pass"),
    ("HA-SHD-002", W, "clb-degraded", "fail"),
    // Internal, draining off, every instance out of service (HA-CLB-004 does not apply).
    ("HA-CLB-001", W, "clb-down", "pass"),
    ("HA-CLB-002", W, "clb-down", "pass"),
    ("HA-CLB-003", W, "clb-down", "fail"),
    ("HA-CLB-005", W, "clb-down", "fail"),
    // One AZ, attributes throttled, its in-service instance missing from the EC2 listing.
    ("HA-CLB-001", W, "clb-unread", "fail"),
    ("HA-CLB-002", W, "clb-unread", "not_evaluated"),
    ("HA-CLB-003", W, "clb-unread", "not_evaluated"),
    ("HA-CLB-004", W, "clb-unread", "not_evaluated"),
    ("HA-CLB-005", W, "clb-unread", "pass"),
    ("HA-SHD-002", W, "clb-unread", "fail"),
    // eu-central-1's Classic listing was throttled: one finding per rule for the region.
    ("HA-CLB-001", C, "*", "not_evaluated"),
    ("HA-CLB-002", C, "*", "not_evaluated"),
    ("HA-CLB-003", C, "*", "not_evaluated"),
    ("HA-CLB-004", C, "*", "not_evaluated"),
    ("HA-CLB-005", C, "*", "not_evaluated"),
    ("HA-SHD-002", C, "*", "not_evaluated"),
    // Groups naming a Classic Load Balancer that exists, one that was deleted, and one in
    // the region whose listing failed.
    ("HA-ASG-009", W, "asg-web", "pass"),
    ("HA-ASG-009", W, "asg-orphan", "fail"),
    ("HA-ASG-009", C, "asg-central", "not_evaluated"),
    // alb-web is edge-acl's; legacy-acl's load balancers could not be listed; WAF was not
    // read in eu-central-1.
    ("HA-WAF-001", W, "alb-web", "pass"),
    ("HA-WAF-001", W, "alb-shop", "not_evaluated"),
    ("HA-WAF-001", C, "alb-central", "not_evaluated"),
    ("HA-SHD-001", W, "alb-web", "pass"),
    ("HA-SHD-001", W, "alb-shop", "fail"),
    ("HA-SHD-001", W, "nlb-edge", "not_evaluated"),
    ("HA-SHD-001", C, "alb-central", "fail"),
    // A rate-based rule; the Anti-DDoS group through Firewall Manager; rules unread.
    ("HA-WAF-003", W, "edge-acl/a1", "pass"),
    ("HA-WAF-003", W, "fms-acl/c3", "pass"),
    ("HA-WAF-003", W, "legacy-acl/b2", "not_evaluated"),
    // E3OFF is disabled: neither rule judges it.
    ("HA-WAF-002", G, "E1GUARDED", "pass"),
    ("HA-WAF-002", G, "E2OPEN", "fail"),
    ("HA-SHD-003", G, "E1GUARDED", "pass"),
    ("HA-SHD-003", G, "E2OPEN", "fail"),
    // Z3PRIVATE is private.
    ("HA-SHD-004", G, "Z1PUBLIC", "pass"),
    ("HA-SHD-004", G, "Z2OTHER", "fail"),
    // p-zone protects a hosted zone, for which health-based detection does not exist.
    ("HA-SHD-005", G, "p-alb-web", "pass"),
    ("HA-SHD-005", G, "p-cdn", "pass"),
    ("HA-SHD-005", G, "p-clb-web", "fail"),
    ("HA-SHD-005", G, "p-eip", "fail"),
];

pub fn is_edge_rule(rule: &str) -> bool {
    crate::moto_edge::is_edge_rule(rule)
}

/// The findings of the edge rules.
fn ours(f: &Value) -> bool {
    is_edge_rule(f["rule_id"].as_str().unwrap_or_default())
}

#[test]
fn edge_rules_judge_what_was_read_and_say_what_was_not() {
    let report = json_scan_exiting(SCENARIO, 1);
    assert_outcomes(&report, ours, EXPECTED);
}

#[test]
fn findings_name_the_facts_and_the_calls_behind_them() {
    let report = json_scan_exiting(SCENARIO, 1);
    let find = |rule: &str, region: &str, id: &str| {
        finding(
            &report,
            &[("rule_id", rule), ("region", region), ("resource_id", id)],
        )
    };
    for (rule, region, id, needles) in [
        (
            "HA-CLB-002",
            W,
            "clb-unread",
            &["DescribeLoadBalancerAttributes failed: Throttling"][..],
        ),
        (
            "HA-CLB-004",
            W,
            "clb-unread",
            &["instance i-0ghost is in service but not in the EC2 instance listing"],
        ),
        ("HA-CLB-001", C, "*", &["DescribeLoadBalancers failed: Throttling"]),
        (
            "HA-ASG-009",
            C,
            "asg-central",
            &["elb could not be listed in eu-central-1"],
        ),
        (
            "HA-WAF-001",
            W,
            "alb-shop",
            &["the load balancers of web ACL legacy-acl could not be listed: ListResourcesForWebACL failed"],
        ),
        (
            "HA-WAF-001",
            C,
            "alb-central",
            &["wafv2 was not collected in eu-central-1"],
        ),
        ("HA-WAF-003", W, "legacy-acl/b2", &["GetWebACL failed"]),
        (
            "HA-SHD-001",
            W,
            "nlb-edge",
            &["protected through the Elastic IPs of its subnets, which are not joined to it"],
        ),
    ] {
        assert_says(find(rule, region, id), "reason", needles);
    }
    for (rule, region, id, needles) in [
        (
            "HA-CLB-004",
            W,
            "clb-degraded",
            &[
                "enabled in eu-west-1a, eu-west-1b",
                "1 in-service instance(s) all run in eu-west-1a",
            ][..],
        ),
        (
            "HA-CLB-005",
            W,
            "clb-down",
            &["i-0a3 (OutOfService), i-0b3 (OutOfService)"],
        ),
        (
            "HA-ASG-009",
            W,
            "asg-orphan",
            &["Classic Load Balancer(s) clb-deleted"],
        ),
        (
            "HA-SHD-005",
            G,
            "p-eip",
            &["eip-allocation/eipalloc-0123456789abcdef0"],
        ),
        ("HA-WAF-002", G, "E2OPEN", &["e2open.cloudfront.net"]),
    ] {
        assert_says(find(rule, region, id), "message", needles);
    }
    // A Classic Load Balancer's ARN is built from its name: the API gives none.
    assert_eq!(
        find("HA-CLB-001", W, "clb-web")["arn"],
        "arn:aws:elasticloadbalancing:eu-west-1:210987654321:loadbalancer/clb-web"
    );
    assert_valid_sarif_of(SCENARIO);
}

/// The scenario changed by `edit`, scanned from a temporary file.
fn scan_edited(edit: impl FnOnce(&mut Value)) -> Value {
    crate::support::cli::scan_edited(SCENARIO, edit)
}

/// The expected outcomes of every rule but the Shield ones.
fn without_shield() -> impl Iterator<Item = (&'static str, &'static str, &'static str, &'static str)>
{
    EXPECTED
        .iter()
        .copied()
        .filter(|(rule, ..)| !rule.starts_with("HA-SHD-"))
}

#[test]
fn without_a_subscription_no_shield_rule_applies() {
    let report = scan_edited(|s| {
        s["shield"] = json!({"subscription": [{"state": "INACTIVE"}]});
    });
    // The region whose Classic listing failed still has its scope finding: the rule cannot
    // tell whether a load balancer it did not see is internet-facing.
    let rows = without_shield().chain([("HA-SHD-002", C, "*", "not_evaluated")]);
    assert_no_problems(&outcome_problems(
        &outcomes_by_id(&report, ours),
        &outcome_rows(rows),
    ));
}

#[test]
fn an_unreadable_subscription_leaves_every_shield_rule_not_evaluated() {
    let report = scan_edited(|s| {
        s.as_object_mut().unwrap().remove("shield");
        let shield = s["coverage"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|c| c["service"] == "shield")
            .unwrap();
        shield["errors"] = json!([{
            "operation": "GetSubscriptionState",
            "iam_action": "shield:GetSubscriptionState",
            "kinds": ["shield.protection"],
            "code": "AccessDeniedException",
            "message": "User is not authorized to perform: shield:GetSubscriptionState"
        }]);
    });
    let mut rows: Vec<_> = without_shield().collect();
    // Internal and private resources, and disabled distributions, are still not judged.
    for (rule, region, id) in [
        ("HA-SHD-001", W, "alb-web"),
        ("HA-SHD-001", W, "alb-shop"),
        ("HA-SHD-001", W, "nlb-edge"),
        ("HA-SHD-001", C, "alb-central"),
        ("HA-SHD-002", W, "clb-web"),
        ("HA-SHD-002", W, "clb-degraded"),
        ("HA-SHD-002", W, "clb-unread"),
        ("HA-SHD-002", C, "*"),
        ("HA-SHD-003", G, "E1GUARDED"),
        ("HA-SHD-003", G, "E2OPEN"),
        ("HA-SHD-004", G, "Z1PUBLIC"),
        ("HA-SHD-004", G, "Z2OTHER"),
        ("HA-SHD-005", G, "*"),
    ] {
        rows.push((rule, region, id, "not_evaluated"));
    }
    assert_no_problems(&outcome_problems(
        &outcomes_by_id(&report, ours),
        &outcome_rows(rows),
    ));
    let f = finding(
        &report,
        &[("rule_id", "HA-SHD-004"), ("resource_id", "Z2OTHER")],
    );
    assert_says(
        f,
        "reason",
        &[
            "GetSubscriptionState failed: AccessDeniedException",
            "grant shield:GetSubscriptionState",
        ],
    );
}
