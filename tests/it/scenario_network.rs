//! The network, load-balancing and Auto Scaling rules on recorded-style snapshots of what moto
//! cannot emulate: a regional NAT gateway, routes through the main table, a route the API
//! reports as `blackhole`, IP targets (in an AZ, or `all`), unhealthy targets, a Lambda target
//! group, a Gateway Load Balancer (`network-topology.json`); and denied calls, which must give
//! `not_evaluated` naming the call, never a pass (`network-partial.json`).

use crate::support::cli::{json_scan, scan, stdout};
use crate::support::expected::{assert_no_problems, rule_outcome_problems};
use crate::support::report::{by_id, text};
use serde_json::Value;

const TOPOLOGY: &str = "fixtures/scenarios/network-topology.json";
const PARTIAL: &str = "fixtures/scenarios/network-partial.json";

/// The rules these scenarios pin: every finding they give must be listed below.
const RULES: &[&str] = &[
    "HA-ASG-003",
    "HA-ASG-004",
    "HA-ASG-005",
    "HA-ASG-006",
    "HA-ASG-007",
    "HA-ASG-008",
    "HA-ASG-009",
    "HA-EC2-001",
    "HA-EC2-002",
    "HA-EC2-003",
    "HA-EC2-004",
    "HA-ELB-003",
    "HA-ELB-004",
    "HA-ELB-005",
    "HA-ELB-006",
    "HA-ELB-007",
    "HA-ELB-008",
    "HA-ELB-009",
    "HA-ELB-010",
    "HA-NAT-001",
    "HA-NAT-002",
    "HA-VPC-002",
];

/// Every finding of the rules above, and nothing else, has the stated outcome.
fn assert_outcomes(report: &Value, want: &[(&str, &str, &str)]) {
    assert_no_problems(&rule_outcome_problems(report, RULES, want));
}

#[test]
fn topology_facts_judge_what_moto_cannot_emulate() {
    let report = json_scan(TOPOLOGY);
    assert_outcomes(
        &report,
        &[
            // Two running instances in each of two AZs: balanced.
            ("HA-EC2-001", "eu-west-1", "pass"),
            ("HA-EC2-002", "eu-west-1", "pass"),
            ("HA-EC2-003", "i-0web1", "pass"),
            ("HA-EC2-003", "i-0web2", "pass"),
            ("HA-EC2-003", "i-0web3", "pass"),
            ("HA-EC2-003", "i-0web4", "pass"),
            // The API's own blackhole state, and a route to a terminated NAT instance.
            ("HA-VPC-002", "rtb-0a01", "pass"),
            ("HA-VPC-002", "rtb-0a02", "pass"),
            ("HA-VPC-002", "rtb-0b01", "pass"),
            ("HA-VPC-002", "rtb-0b02", "pass"),
            ("HA-VPC-002", "rtb-0c01", "pass"),
            ("HA-VPC-002", "rtb-0c02", "fail"),
            ("HA-VPC-002", "rtb-0c03", "fail"),
            // Private subnets without an association use the main table. The regional NAT
            // gateway's subnets (0a02, 0a03) are not judged; the zonal one in AZ a serves b.
            ("HA-NAT-001", "subnet-0b02", "pass"),
            ("HA-NAT-001", "subnet-0b03", "fail"),
            ("HA-NAT-002", "vpc-0a00000000000000a", "pass"),
            ("HA-NAT-002", "vpc-0b00000000000000b", "fail"),
            ("HA-ELB-003", "nlb-zonal", "fail"),
            ("HA-ELB-003", "gwlb-inspect", "pass"),
            ("HA-ELB-004", "tg-web", "pass"),
            ("HA-ELB-004", "tg-onprem", "pass"),
            ("HA-ELB-004", "tg-zonal", "pass"),
            ("HA-ELB-004", "tg-fn", "pass"),
            ("HA-ELB-005", "alb-web", "pass"),
            ("HA-ELB-005", "nlb-zonal", "pass"),
            ("HA-ELB-005", "alb-lambda", "pass"),
            ("HA-ELB-005", "gwlb-inspect", "fail"),
            // tg-fn: health checks off, so `unavailable` says nothing; not judged.
            ("HA-ELB-006", "tg-web", "pass"),
            ("HA-ELB-006", "tg-onprem", "pass"),
            ("HA-ELB-006", "tg-zonal", "pass"),
            // nlb-zonal: its only healthy IP target is in AZ a, cross-zone off.
            ("HA-ELB-007", "alb-web", "pass"),
            ("HA-ELB-007", "nlb-zonal", "fail"),
            ("HA-ELB-008", "nlb-zonal", "fail"),
            // alb-web: 2 healthy in a, 1 in b, 0 in c (the on-premises IP counts in no AZ).
            ("HA-ELB-009", "alb-web", "fail"),
            ("HA-ELB-009", "nlb-zonal", "pass"),
            ("HA-ELB-010", "alb-web", "pass"),
            ("HA-ASG-004", "asg-legacy", "pass"),
        ],
    );
    let msg = |rule: &str, id: &str| text(by_id(&report, rule, id), "message");
    assert!(
        msg("HA-VPC-002", "rtb-0c02").contains("10.99.0.0/16 -> vgw-0detached (blackhole)"),
        "{}",
        msg("HA-VPC-002", "rtb-0c02")
    );
    assert!(
        msg("HA-VPC-002", "rtb-0c03").contains("0.0.0.0/0 -> i-0natold (instance terminated)"),
        "{}",
        msg("HA-VPC-002", "rtb-0c03")
    );
    assert!(msg("HA-NAT-001", "subnet-0b03").contains("NAT gateway nat-0zonal-a in eu-west-1a"));
    assert!(msg("HA-NAT-002", "vpc-0b00000000000000b").contains("(nat-0zonal-a)"));
    assert!(
        msg("HA-ELB-009", "alb-web")
            .contains("66.7% of its healthy targets (2 of them) in eu-west-1a"),
        "{}",
        msg("HA-ELB-009", "alb-web")
    );
    assert!(msg("HA-ELB-008", "nlb-zonal")
        .contains("enabled in eu-west-1b, where target group(s) tg-zonal"));
    assert!(msg("HA-ELB-007", "nlb-zonal").contains("all in eu-west-1a"));

    // Critical failures (the blackhole routes, the AZ without targets) gate a strict CI.
    let strict = scan(&["--snapshot", TOPOLOGY, "--fail-on", "critical"]);
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn denied_calls_are_not_evaluated_and_name_the_call() {
    let report = json_scan(PARTIAL);
    assert_outcomes(
        &report,
        &[
            ("HA-EC2-001", "eu-central-1", "pass"),
            ("HA-EC2-002", "eu-central-1", "pass"),
            ("HA-EC2-004", "vpce-0core", "pass"),
            // In a target group whose targets could not be read: maybe registered, maybe not.
            ("HA-EC2-003", "i-0api1", "not_evaluated"),
            // Tagged by its Auto Scaling group: judged whatever the target groups say.
            ("HA-EC2-003", "i-0asg1", "pass"),
            // DescribeRouteTables denied: no route is known, so no subnet is judged.
            ("HA-VPC-002", "*", "not_evaluated"),
            ("HA-NAT-001", "subnet-0d01", "not_evaluated"),
            ("HA-NAT-001", "subnet-0d02", "not_evaluated"),
            ("HA-NAT-002", "vpc-0d00000000000000d", "not_evaluated"),
            ("HA-ELB-010", "nlb-api", "not_evaluated"),
            // DescribeLoadBalancerAttributes denied on the NLB, DescribeTargetHealth on its
            // target group; its target group attributes were read.
            ("HA-ELB-003", "nlb-api", "not_evaluated"),
            ("HA-ELB-004", "tg-api", "pass"),
            ("HA-ELB-005", "nlb-api", "pass"),
            ("HA-ELB-006", "tg-api", "not_evaluated"),
            ("HA-ELB-007", "nlb-api", "not_evaluated"),
            ("HA-ELB-008", "nlb-api", "not_evaluated"),
            ("HA-ELB-009", "nlb-api", "not_evaluated"),
            // The group's own facts and its target group's existence were all read.
            ("HA-ASG-003", "asg-api", "pass"),
            ("HA-ASG-004", "asg-api", "pass"),
            ("HA-ASG-005", "asg-api", "pass"),
            ("HA-ASG-007", "asg-api", "pass"),
            ("HA-ASG-008", "asg-api", "pass"),
            ("HA-ASG-009", "asg-api", "pass"),
        ],
    );
    let reason = |rule: &str, id: &str| text(by_id(&report, rule, id), "reason");
    for (rule, id, call) in [
        ("HA-VPC-002", "*", "DescribeRouteTables"),
        ("HA-NAT-001", "subnet-0d01", "DescribeRouteTables"),
        ("HA-NAT-002", "vpc-0d00000000000000d", "DescribeRouteTables"),
        ("HA-ELB-010", "nlb-api", "DescribeRouteTables"),
        ("HA-ELB-003", "nlb-api", "DescribeLoadBalancerAttributes"),
        ("HA-ELB-008", "nlb-api", "DescribeLoadBalancerAttributes"),
        ("HA-ELB-006", "tg-api", "DescribeTargetHealth"),
        ("HA-ELB-007", "nlb-api", "DescribeTargetHealth"),
        ("HA-EC2-003", "i-0api1", "DescribeTargetHealth"),
    ] {
        assert!(
            reason(rule, id).contains(call),
            "{rule} {id}: {}",
            reason(rule, id)
        );
    }
    // Nothing failed, so a CI gate passes, but the table says what was not evaluated.
    let out = scan(&["--snapshot", PARTIAL]);
    assert_eq!(out.status.code(), Some(0));
    let table = stdout(&out);
    assert!(table.contains("[needs ec2:DescribeRouteTables]"), "{table}");
    // Listed one by one, a whole region's route tables are one row.
    let each = stdout(&scan(&["--snapshot", PARTIAL, "--show-not-evaluated"]));
    assert!(each.contains("every route table in eu-central-1"), "{each}");
}
