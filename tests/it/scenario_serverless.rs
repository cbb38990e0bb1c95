//! Lambda, CloudFront and CloudWatch rules on `fixtures/scenarios/serverless.json`: what moto
//! cannot produce. Cache behaviours that target an origin group and a group of one member
//! (moto and boto3 reject both), S3 website origins, composite alarms (moto has no
//! PutCompositeAlarm), metric-math alarms, a function in the `Failed` state, and unreadable
//! inputs: DescribeAlarms denied in eu-west-1, CloudWatch not collected at all in
//! ap-southeast-2, a bucket whose region could not be read, a function's invoke configs
//! denied, a function subnet missing from the EC2 listing.

use crate::support::cli::json_scan;
use crate::support::expected::{assert_no_problems, pinned_outcome_problems};
use crate::support::report::{by_id, text};

const SCENARIO: &str = "fixtures/scenarios/serverless.json";

/// Every finding of the rules this scenario pins: (rule, resource id, outcome).
const EXPECTED: &[(&str, &str, &str)] = &[
    ("HA-LAM-001", "api", "pass"),
    // subnet-0gone is not in the EC2 listing: its AZ is unknown.
    ("HA-LAM-001", "broken", "not_evaluated"),
    ("HA-LAM-002", "api", "pass"),
    // An on-failure destination on an alias counts.
    ("HA-LAM-002", "broken", "pass"),
    ("HA-LAM-002", "ingest", "not_evaluated"),
    ("HA-LAM-002", "half-deployed", "pass"),
    ("HA-LAM-003", "api", "pass"),
    ("HA-LAM-003", "broken", "pass"),
    ("HA-LAM-003", "ingest", "fail"),
    ("HA-LAM-003", "half-deployed", "fail"),
    ("HA-LAM-004", "api", "pass"),
    ("HA-LAM-004", "broken", "pass"),
    ("HA-LAM-005", "api", "pass"),
    ("HA-LAM-005", "broken", "fail"),
    ("HA-LAM-005", "ingest", "pass"),
    ("HA-LAM-005", "half-deployed", "fail"),
    // E2OFF is disabled: not judged for failover.
    ("HA-CF-001", "E2FAILOVER", "pass"),
    ("HA-CF-001", "E2LONELY", "pass"),
    ("HA-CF-001", "E2LOST", "pass"),
    ("HA-CF-001", "E2WEBSITE", "pass"),
    ("HA-CF-002", "E2FAILOVER", "pass"),
    ("HA-CF-002", "E2LONELY", "fail"),
    ("HA-CF-002", "E2LOST", "pass"),
    ("HA-CF-002", "E2WEBSITE", "pass"),
    // Default and path behaviours on the group; E2LOST sends /api/* to one origin.
    ("HA-CF-003", "E2FAILOVER", "pass"),
    ("HA-CF-003", "E2LONELY", "pass"),
    ("HA-CF-003", "E2LOST", "fail"),
    ("HA-CF-003", "E2WEBSITE", "pass"),
    ("HA-CF-004", "E2FAILOVER", "pass"),
    // media-lost's region could not be read.
    ("HA-CF-004", "E2LOST", "not_evaluated"),
    // Two website endpoints of the same bucket.
    ("HA-CF-004", "E2WEBSITE", "fail"),
    ("HA-CF-005", "E2FAILOVER", "pass"),
    ("HA-CF-005", "E2LONELY", "pass"),
    ("HA-CF-005", "E2LOST", "pass"),
    ("HA-CF-005", "E2WEBSITE", "fail"),
    // An input of a composite alarm that pages; a composite with its actions disabled.
    ("HA-CW-001", "orders-lag", "pass"),
    ("HA-CW-001", "orders-health", "pass"),
    ("HA-CW-001", "billing-storage", "fail"),
    ("HA-CW-001", "billing-health", "pass"),
    ("HA-CW-001", "nat-drops", "pass"),
    ("HA-CW-001", "shop-tg-unhealthy", "pass"),
    ("HA-CW-001", "*", "not_evaluated"),
    ("HA-CW-002", "orders-lag", "pass"),
    ("HA-CW-002", "orders-health", "pass"),
    ("HA-CW-002", "billing-storage", "pass"),
    ("HA-CW-002", "billing-health", "fail"),
    ("HA-CW-002", "nat-drops", "pass"),
    ("HA-CW-002", "shop-tg-unhealthy", "pass"),
    ("HA-CW-002", "*", "not_evaluated"),
    // By its target group.
    ("HA-CW-003", "shop-alb", "pass"),
    ("HA-CW-004", "orders-db", "pass"),
    ("HA-CW-004", "billing-db", "fail"),
    ("HA-CW-004", "ledger-db", "not_evaluated"),
    ("HA-CW-004", "sydney-db", "not_evaluated"),
    // A metric-math alarm.
    ("HA-CW-005", "nat-0east", "pass"),
];

#[test]
fn each_resource_gets_the_expected_outcome() {
    let report = json_scan(SCENARIO);
    assert_no_problems(&pinned_outcome_problems(&report, EXPECTED));
}

#[test]
fn unknown_alarm_facts_say_why() {
    let report = json_scan(SCENARIO);
    let reason = |rule: &str, id: &str| text(by_id(&report, rule, id), "reason");
    let denied = reason("HA-CW-004", "ledger-db");
    assert!(
        denied.contains("cloudwatch could not be listed in eu-west-1")
            && denied.contains("grant cloudwatch:DescribeAlarms"),
        "{denied}"
    );
    let absent = reason("HA-CW-004", "sydney-db");
    assert!(
        absent.contains("cloudwatch was not collected in ap-southeast-2"),
        "{absent}"
    );
    let lost = reason("HA-CF-004", "E2LOST");
    assert!(
        lost.contains("region of bucket media-lost could not be read"),
        "{lost}"
    );
    let subnet = reason("HA-LAM-001", "broken");
    assert!(subnet.contains("subnet subnet-0gone"), "{subnet}");
    let m = text(by_id(&report, "HA-CW-004", "billing-db"), "message");
    assert!(
        m.contains("without a working action: billing-storage"),
        "{m}"
    );
    let m = text(by_id(&report, "HA-CF-002", "E2LONELY"), "message");
    assert!(m.contains("(solo)"), "{m}");
}
