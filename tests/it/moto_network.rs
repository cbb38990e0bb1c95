//! End to end against moto: seed the network account (`fixtures/moto/seed_network.py`: NAT
//! routing, interface endpoints, target health per AZ, Auto Scaling groups and the target
//! groups they reference), scan it with the real binary and compare every finding of the rules
//! the scenario covers with `fixtures/moto/network.expected.json`.
//!
//! Needs `scripts/setup-moto`; fails (does not skip) when moto cannot start.

use crate::support::emulator_gaps::assert_read_beyond_emulator_gaps;
use crate::support::expected::{self, assert_no_problems};
use crate::support::live::{assert_offline_scan_matches, Live};
use crate::support::report::{by_name, text};

/// Kinds whose resources moto creates by itself in every region (the default VPC, its subnets
/// and main route table): they carry no `Name` tag and are not in the expected file.
const DEFAULT_VPC_KINDS: [&str; 3] = ["ec2.vpc", "ec2.subnet", "ec2.route_table"];

#[test]
fn network_account_gives_exactly_the_expected_findings() {
    let live = Live::through_proxy("seed_network.py");
    let report = &live.report;
    assert_read_beyond_emulator_gaps(report);

    // moto's default VPC is judged like any other, and compliant (no NAT, no blackhole), but
    // not named, so not in the expected file.
    let cmp = expected::compare(report, "network.expected.json", |f| {
        let kind = f["resource_kind"].as_str().unwrap();
        (!DEFAULT_VPC_KINDS.contains(&kind) || f["outcome"] != "pass")
            .then(|| format!("unnamed resource: {f}"))
    });
    assert_eq!(
        cmp.covered.len(),
        23,
        "the scenario covers every network rule"
    );
    assert_no_problems(&cmp.problems);

    // The messages name the cross-resource facts behind each failure.
    let id = |k: &str| live.id(k);
    let msg = |rule: &str, name: &str| text(by_name(report, rule, name), "message");
    let nat = msg("HA-NAT-001", "e-priv-b");
    assert!(
        nat.contains(&id("us-east-1/nat-e-a")) && nat.contains("in us-east-1a"),
        "{nat}"
    );
    let dead = msg("HA-VPC-002", "rt-dead");
    assert!(
        dead.contains(&format!(
            "0.0.0.0/0 -> {} (NAT gateway deleted)",
            id("us-east-1/nat-dead")
        )),
        "{dead}"
    );
    let endpoint = msg("HA-EC2-004", "vpce-e-one-az");
    assert!(endpoint.contains("in us-east-1a only"), "{endpoint}");
    assert!(msg("HA-ELB-008", "nlb-gap")
        .contains("enabled in us-west-2b, where target group(s) tg-gap"));
    assert!(msg("HA-ELB-010", "nlb-gap").contains(&id("us-west-2/w-priv-a")));
    assert!(msg("HA-ELB-009", "alb-web")
        .contains("100.0% of its healthy targets (5 of them) in us-east-1a"));
    assert!(msg("HA-ASG-008", "asg-wider-than-lb")
        .contains("launches in us-east-1b, where its load balancer(s) alb-a-only"));
    assert!(msg("HA-ASG-009", "asg-tg-deleted").contains("targetgroup/tg-deleted/"));
    assert!(msg("HA-EC2-002", "us-west-2").contains("3 in us-west-2a but 2 in us-west-2b"));

    assert_offline_scan_matches(&live.snapshot, report);
}
