//! The MemoryDB, DAX, Redshift, OpenSearch Service and DMS rules on
//! `fixtures/scenarios/data-stores.json`: an account snapshot with what moto cannot produce. A
//! single-AZ MemoryDB cluster, a shard whose nodes share an AZ next to one whose node AZ is
//! unknown, a cluster without shard details; DAX nodes spread over AZs, subnet groups over one
//! or three AZs (one subnet's AZ joined from EC2) or missing; Redshift clusters with Multi-AZ on
//! and off, AZ relocation on and off, and one whose answer lacked MultiAZ; OpenSearch domains
//! whose AZ count comes from their VPC subnets, from the answer or from nowhere; and failed
//! calls: a throttled MemoryDB listing in eu-central-1, a denied DAX DescribeSubnetGroups
//! there, and a failed DescribeDomains for one domain.

use crate::support::cli::json_scan_exiting;
use crate::support::expected::assert_outcomes;
use crate::support::report::{assert_says, assert_valid_sarif_of, finding};
use serde_json::Value;

const SCENARIO: &str = "fixtures/scenarios/data-stores.json";
const W: &str = "eu-west-1";
const C: &str = "eu-central-1";

/// Every finding of the data-store rules: (rule, region, resource id, outcome).
const EXPECTED: &[(&str, &str, &str, &str)] = &[
    // Two shards, each with a replica in another AZ.
    ("HA-MDB-001", W, "orders-mdb", "pass"),
    ("HA-MDB-002", W, "orders-mdb", "pass"),
    ("HA-MDB-003", W, "orders-mdb", "pass"),
    ("HA-MDB-004", W, "orders-mdb", "pass"),
    // One node: single-AZ, no replica (HA-MDB-003 does not apply), no snapshots.
    ("HA-MDB-001", W, "cache-single", "fail"),
    ("HA-MDB-002", W, "cache-single", "fail"),
    ("HA-MDB-004", W, "cache-single", "fail"),
    // `MultiAZ` spelled as other sources do; shard 0002 in one AZ, shard 0003 half-placed.
    ("HA-MDB-001", W, "mixed-mdb", "pass"),
    ("HA-MDB-002", W, "mixed-mdb", "pass"),
    ("HA-MDB-003", W, "mixed-mdb", "fail"),
    ("HA-MDB-004", W, "mixed-mdb", "pass"),
    // Two shards said, none described, and no retention.
    ("HA-MDB-001", W, "opaque-mdb", "pass"),
    ("HA-MDB-002", W, "opaque-mdb", "not_evaluated"),
    ("HA-MDB-003", W, "opaque-mdb", "not_evaluated"),
    ("HA-MDB-004", W, "opaque-mdb", "not_evaluated"),
    // eu-central-1's cluster listing was throttled: one finding per rule for the region.
    ("HA-MDB-001", C, "*", "not_evaluated"),
    ("HA-MDB-002", C, "*", "not_evaluated"),
    ("HA-MDB-003", C, "*", "not_evaluated"),
    ("HA-MDB-004", C, "*", "not_evaluated"),
    // Three nodes in three AZs; its subnet group's second subnet is placed through EC2.
    ("HA-DAX-001", W, "dax-prod", "pass"),
    ("HA-DAX-002", W, "dax-prod", "pass"),
    ("HA-DAX-003", W, "dax-prod", "pass"),
    ("HA-DAX-001", W, "dax-dev", "fail"),
    ("HA-DAX-002", W, "dax-dev", "fail"),
    ("HA-DAX-003", W, "dax-dev", "fail"),
    // Being created: no nodes listed yet.
    ("HA-DAX-001", W, "dax-creating", "not_evaluated"),
    ("HA-DAX-002", W, "dax-creating", "pass"),
    ("HA-DAX-003", W, "dax-creating", "pass"),
    // Its subnet group is not in the listing.
    ("HA-DAX-001", W, "dax-orphan", "pass"),
    ("HA-DAX-002", W, "dax-orphan", "pass"),
    ("HA-DAX-003", W, "dax-orphan", "not_evaluated"),
    // DescribeSubnetGroups was denied in eu-central-1.
    ("HA-DAX-001", C, "dax-central", "fail"),
    ("HA-DAX-002", C, "dax-central", "pass"),
    ("HA-DAX-003", C, "dax-central", "not_evaluated"),
    // Multi-AZ, copied to eu-central-1: relocation does not apply.
    ("HA-RSH-001", W, "warehouse", "pass"),
    ("HA-RSH-002", W, "warehouse", "pass"),
    ("HA-RSH-003", W, "warehouse", "pass"),
    ("HA-RSH-004", W, "warehouse", "pass"),
    // Single-AZ RA3 that can be relocated.
    ("HA-RSH-001", W, "analytics", "fail"),
    ("HA-RSH-002", W, "analytics", "pass"),
    ("HA-RSH-003", W, "analytics", "pass"),
    ("HA-RSH-004", W, "analytics", "fail"),
    ("HA-RSH-005", W, "analytics", "pass"),
    // Single-AZ RA3, no relocation, no automated snapshots.
    ("HA-RSH-001", W, "reporting", "fail"),
    ("HA-RSH-002", W, "reporting", "fail"),
    ("HA-RSH-003", W, "reporting", "pass"),
    ("HA-RSH-004", W, "reporting", "fail"),
    ("HA-RSH-005", W, "reporting", "fail"),
    // Single-node DC2 whose answer lacked MultiAZ; DC2 cannot be relocated.
    ("HA-RSH-001", W, "legacy-dc2", "not_evaluated"),
    ("HA-RSH-002", W, "legacy-dc2", "pass"),
    ("HA-RSH-003", W, "legacy-dc2", "fail"),
    ("HA-RSH-004", W, "legacy-dc2", "fail"),
    // Zone awareness without a configured count: three AZs from its subnets, through EC2.
    ("HA-OSS-001", W, "search-vpc-three", "pass"),
    ("HA-OSS-002", W, "search-vpc-three", "pass"),
    ("HA-OSS-003", W, "search-vpc-three", "pass"),
    ("HA-OSS-004", W, "search-vpc-three", "pass"),
    ("HA-OSS-005", W, "search-vpc-three", "pass"),
    // Two AZs, as VPCOptions.AvailabilityZones names them.
    ("HA-OSS-001", W, "search-vpc-azs", "fail"),
    ("HA-OSS-002", W, "search-vpc-azs", "pass"),
    ("HA-OSS-003", W, "search-vpc-azs", "pass"),
    ("HA-OSS-004", W, "search-vpc-azs", "fail"),
    ("HA-OSS-005", W, "search-vpc-azs", "fail"),
    // Zone awareness with no count and no VPC; standby not in the answer.
    ("HA-OSS-001", W, "search-public-za", "pass"),
    ("HA-OSS-002", W, "search-public-za", "pass"),
    ("HA-OSS-003", W, "search-public-za", "pass"),
    ("HA-OSS-004", W, "search-public-za", "not_evaluated"),
    ("HA-OSS-005", W, "search-public-za", "not_evaluated"),
    ("HA-OSS-001", W, "search-single-az", "pass"),
    ("HA-OSS-002", W, "search-single-az", "fail"),
    ("HA-OSS-003", W, "search-single-az", "pass"),
    ("HA-OSS-005", W, "search-single-az", "fail"),
    // DescribeDomains failed for it.
    ("HA-OSS-001", W, "audit", "not_evaluated"),
    ("HA-OSS-002", W, "audit", "not_evaluated"),
    ("HA-OSS-003", W, "audit", "not_evaluated"),
    ("HA-OSS-004", W, "audit", "not_evaluated"),
    ("HA-OSS-005", W, "audit", "not_evaluated"),
    ("HA-DMS-001", W, "dms-prod", "pass"),
    ("HA-DMS-001", W, "dms-dev", "fail"),
];

/// The rule id prefixes of the data-store services.
pub const PREFIXES: [&str; 5] = ["HA-MDB-", "HA-DAX-", "HA-RSH-", "HA-OSS-", "HA-DMS-"];

pub fn is_data_store_rule(rule: &str) -> bool {
    PREFIXES.iter().any(|p| rule.starts_with(p))
}

fn ours(f: &Value) -> bool {
    is_data_store_rule(f["rule_id"].as_str().unwrap_or_default())
}

#[test]
fn data_store_rules_judge_what_was_read_and_say_what_was_not() {
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
            "HA-MDB-001",
            C,
            "*",
            &["DescribeClusters failed: ThrottlingException"][..],
        ),
        (
            "HA-MDB-002",
            W,
            "opaque-mdb",
            &["returned no shard details for the cluster"],
        ),
        (
            "HA-DAX-001",
            W,
            "dax-creating",
            &["listed no nodes for the cluster (status creating)"],
        ),
        (
            "HA-DAX-003",
            W,
            "dax-orphan",
            &["subnet group dax-gone is not in the DescribeSubnetGroups answer of eu-west-1"],
        ),
        (
            "HA-DAX-003",
            C,
            "dax-central",
            &["DescribeSubnetGroups failed: AccessDeniedException"],
        ),
        (
            "HA-RSH-001",
            W,
            "legacy-dc2",
            &["DescribeClusters did not return MultiAZ"],
        ),
        (
            "HA-OSS-004",
            W,
            "search-public-za",
            &["no VPC subnets to count the AZs of"],
        ),
        (
            "HA-OSS-001",
            W,
            "audit",
            &["DescribeDomains failed: InternalFailure"],
        ),
    ] {
        assert_says(find(rule, region, id), "reason", needles);
    }
    for (rule, region, id, needles) in [
        (
            "HA-MDB-001",
            W,
            "cache-single",
            &["AvailabilityMode singleaz"][..],
        ),
        ("HA-MDB-003", W, "mixed-mdb", &["shard(s) 0002"]),
        (
            "HA-DAX-001",
            C,
            "dax-central",
            &["all its 3 node(s) in eu-central-1a"],
        ),
        (
            "HA-DAX-003",
            W,
            "dax-dev",
            &["dax-one-az", "all in eu-west-1a"],
        ),
        (
            "HA-RSH-005",
            W,
            "reporting",
            &["eu-west-1b", "relocation disabled"],
        ),
        ("HA-OSS-004", W, "search-vpc-azs", &["spreads over 2 AZs"]),
        (
            "HA-OSS-005",
            W,
            "search-single-az",
            &["OpenSearch_2.11, r6g.large.search"],
        ),
        ("HA-DMS-001", W, "dms-dev", &["dms.r5.large", "eu-west-1b"]),
    ] {
        assert_says(find(rule, region, id), "message", needles);
    }
    // Resources that carry no ARN of their own get one in their service's format.
    assert_eq!(
        find("HA-OSS-001", W, "audit")["arn"],
        "arn:aws:es:eu-west-1:210987654321:domain/audit"
    );

    // The same scenario as SARIF is valid.
    assert_valid_sarif_of(SCENARIO);
}
