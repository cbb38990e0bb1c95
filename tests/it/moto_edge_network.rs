//! End to end against moto for the network edge and the audit trail: seed
//! `fixtures/moto/seed_edge_network.py` (Network Firewall firewalls, Gateway Load Balancer
//! endpoints and the route tables that use them, Route 53 Resolver endpoints, Direct Connect
//! connections and CloudTrail trails, in two regions), scan it with the real binary through the
//! recording proxy and compare every finding of the HA-NFW, HA-VPC-003, HA-RSV, HA-DX and
//! HA-CT rules with `fixtures/moto/edge_network.expected.json`. Then the same account with the
//! detail calls denied: what they would have read is not evaluated, the rest is unchanged.
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
use crate::support::report::{by_name, text, with_outcome};
use serde_json::Value;
use std::collections::BTreeMap;

const E: &str = "us-east-1";
const W: &str = "us-west-2";

/// Why each finding moto cannot feed is not evaluated: the reason must name the missing part.
const EMULATOR_GAPS: &[(&str, &str)] = &[
    ("HA-NFW-003", "did not return FirewallStatus.SyncStates"),
    ("HA-NFW-004", "did not return FirewallStatus.SyncStates"),
    ("HA-DX-003", "DescribeVirtualInterfaces failed: http-500"),
    ("HA-DX-005", "DescribeVirtualInterfaces failed: http-500"),
];

fn ours(rule: &str) -> bool {
    ["HA-NFW-", "HA-RSV-", "HA-DX-", "HA-CT-"]
        .iter()
        .any(|p| rule.starts_with(p))
        || rule == "HA-VPC-003"
}

/// (rule, region, resource name) -> the finding, for the rules of this account.
fn findings(report: &Value) -> BTreeMap<(String, String, String), Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| ours(f["rule_id"].as_str().unwrap_or_default()))
        .map(|f| (expected::key(f), f.clone()))
        .collect()
}

#[test]
fn live_scan_of_the_edge_network_account_gives_exactly_the_expected_findings() {
    let live = Live::through_proxy("seed_edge_network.py");
    let report = &live.report;
    assert_calls_are_in_the_iam_policy(&live.requests);
    assert_called(
        &live.requests,
        &[
            "ListFirewalls",
            "DescribeFirewall",
            "ListResolverEndpoints",
            "ListResolverEndpointIpAddresses",
            "DescribeConnections",
            "DescribeVirtualInterfaces",
            "DescribeTrails",
            "GetTrailStatus",
        ],
    );

    let cmp = expected::compare(report, "edge_network.expected.json", unnamed_is_a_problem);
    assert_no_problems(&cmp.problems);
    let rules = rule_ids();
    let unpinned: Vec<&String> = rules
        .iter()
        .filter(|r| ours(r) && !cmp.covered.contains(*r))
        .collect();
    assert!(
        unpinned.is_empty(),
        "rules the expected file does not pin: {unpinned:?}"
    );
    assert_eq!(cmp.covered.len(), 15);

    for f in with_outcome(report, "not_evaluated") {
        let rule = f["rule_id"].as_str().unwrap();
        if !ours(rule) {
            continue;
        }
        let reason = text(f, "reason");
        let gap = EMULATOR_GAPS
            .iter()
            .find(|(r, _)| *r == rule)
            .unwrap_or_else(|| panic!("unexpected not_evaluated: {f}"));
        assert!(reason.contains(gap.1), "{rule}: {reason}");
    }

    // The messages carry the facts they were derived from.
    let id = |name: &str| live.id(&format!("{E}/{name}"));
    let message = |rule: &str, name: &str| text(by_name(report, rule, name), "message").to_string();
    let m = message("HA-NFW-001", "fw-single");
    assert!(m.contains("only in us-east-1a"), "{m}");
    assert!(m.contains(&id("fw-a")), "{m}");
    let m = message("HA-VPC-003", "gwlbe-cross");
    assert!(
        m.contains(&format!(
            "{}: 0.0.0.0/0 -> {}, used by {} (us-east-1b)",
            id("rt-app-b"),
            id("gwlbe-cross"),
            id("app-b")
        )),
        "{m}"
    );
    let m = message("HA-VPC-003", "gwlbe-edge");
    assert!(
        m.contains(&format!(
            "{}: 10.80.2.0/24 -> {}, to {} (us-east-1b)",
            id("rt-igw-edge"),
            id("gwlbe-edge"),
            id("app-b")
        )),
        "{m}"
    );
    // The edge route to app-a stays in the endpoint's AZ.
    assert!(!m.contains("10.80.1.0/24"), "{m}");
    let m = message("HA-RSV-001", "dns-out-one-az");
    assert!(m.contains("only from us-east-1a (2 IP addresses)"), "{m}");
    let m = message("HA-DX-001", W);
    assert!(m.contains("EqSE2"), "{m}");
    let m = message("HA-CT-001", E);
    assert!(m.contains("org-audit"), "{m}");

    // Every call of these services succeeded but moto's missing DescribeVirtualInterfaces.
    let coverage = report["coverage"].as_array().unwrap();
    for service in [
        "networkfirewall",
        "route53resolver",
        "directconnect",
        "cloudtrail",
    ] {
        for region in [E, W] {
            let c = coverage
                .iter()
                .find(|c| c["service"] == service && c["region"] == region)
                .unwrap_or_else(|| panic!("no coverage entry for {service} {region}"));
            let ops: Vec<&str> = c["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["operation"].as_str().unwrap())
                .collect();
            let want: &[&str] = if service == "directconnect" {
                &["DescribeVirtualInterfaces"]
            } else {
                &[]
            };
            assert_eq!(ops, want, "{service} {region}");
        }
    }
    // A trail's status is read once, in its home region.
    let mut status_reads: Vec<&str> = live
        .requests
        .iter()
        .filter(|r| r.operation.as_deref() == Some("GetTrailStatus") && r.attempt == Some(1))
        .map(|r| r.region.as_deref().unwrap())
        .collect();
    status_reads.sort_unstable();
    assert_eq!(status_reads, [E, W]);
    // moto's mistyped connection fields were fixed where there were connections.
    assert!(live
        .requests
        .iter()
        .any(|r| { r.operation.as_deref() == Some("DescribeConnections") && r.rewritten }));

    assert_offline_scan_matches(&live.snapshot, report);
}

#[test]
fn denied_detail_calls_leave_exactly_their_facts_not_evaluated() {
    let moto = Moto::start();
    moto.seed("seed_edge_network.py");
    let proxy = Proxy::start(&moto.addr());
    proxy.set_faults(
        Faults::new(0)
            .on(
                "network-firewall",
                Some("DescribeFirewall"),
                1.0,
                Fault::AccessDenied,
            )
            .on(
                "route53resolver",
                Some("ListResolverEndpointIpAddresses"),
                1.0,
                Fault::AccessDenied,
            )
            .on(
                "cloudtrail",
                Some("GetTrailStatus"),
                1.0,
                Fault::AccessDenied,
            ),
    );
    let dir = tempfile::tempdir().unwrap();
    let (_, report) = scan_saving(&proxy.endpoint, &dir.path().join("snapshot.json"));
    let got = findings(&report);
    let want = expected::load("edge_network.expected.json");

    let mut denied: Vec<(&str, &str, &str, &str)> = Vec::new();
    for fw in ["fw-multi", "fw-single"] {
        for rule in ["HA-NFW-001", "HA-NFW-002", "HA-NFW-003", "HA-NFW-004"] {
            denied.push((rule, E, fw, "DescribeFirewall failed: AccessDenied"));
        }
    }
    for endpoint in ["dns-in-two-az", "dns-out-one-az"] {
        denied.push((
            "HA-RSV-001",
            E,
            endpoint,
            "ListResolverEndpointIpAddresses failed: AccessDenied",
        ));
    }
    denied.push((
        "HA-CT-003",
        E,
        "east-local",
        "GetTrailStatus failed: AccessDenied",
    ));
    denied.push((
        "HA-CT-003",
        W,
        "org-audit",
        "GetTrailStatus failed: AccessDenied",
    ));
    // The only multi-region trail's status is unknown: so is whether it covers the regions.
    denied.push(("HA-CT-001", E, E, "GetTrailStatus failed: AccessDenied"));
    denied.push(("HA-CT-001", W, W, "GetTrailStatus failed: AccessDenied"));

    let mut problems = Vec::new();
    for (rule, region, name, needle) in &denied {
        let key = (rule.to_string(), region.to_string(), name.to_string());
        match got.get(&key) {
            Some(f)
                if f["outcome"] == "not_evaluated"
                    && f["reason"].as_str().is_some_and(|r| r.contains(needle)) => {}
            other => problems.push(format!(
                "{key:?}: expected not_evaluated ({needle}), got {other:?}"
            )),
        }
    }
    // Everything else is judged as in the clean run.
    for ((rule, region, name), o) in &want {
        if denied
            .iter()
            .any(|d| (d.0, d.1, d.2) == (rule.as_str(), region.as_str(), name.as_str()))
        {
            continue;
        }
        let g = got
            .get(&(rule.clone(), region.clone(), name.clone()))
            .map_or("none", |f| f["outcome"].as_str().unwrap());
        if g != o {
            problems.push(format!("{rule} {region} {name}: expected {o}, got {g}"));
        }
    }
    assert_eq!(got.len(), want.len(), "the same findings, judged or not");
    assert_no_problems(&problems);
}
