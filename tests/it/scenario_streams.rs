//! The Amazon MQ, MSK, Kinesis, FSx and CloudHSM rules on `fixtures/scenarios/streams.json`: an
//! account snapshot with what moto cannot produce. A RabbitMQ broker that needs a critical
//! action, broker zone IDs and client subnets whose AZs are unknown, FSx file systems that
//! failed or lost their Active Directory, Lustre storage linked to S3, CloudHSM clusters with
//! HSMs in one AZ, a single HSM, an HSM being deleted and one without a known AZ; and what could
//! not be read: a denied DescribeBroker and DescribeStreamSummary, a throttled ListBrokers and
//! EC2 subnet listing, and a denied DescribeFileSystems in eu-central-1.

use crate::support::cli::json_scan_exiting;
use crate::support::expected::{
    assert_no_problems, assert_pins_every_rule, pinned_outcome_problems,
};
use crate::support::report::{
    assert_says, assert_table_counts_not_evaluated, assert_valid_sarif_of, by_id, finding,
};
use serde_json::Value;

const SCENARIO: &str = "fixtures/scenarios/streams.json";

/// Every finding of the HA-MQ, HA-MSK, HA-KIN, HA-FSX and HA-HSM rules: (rule, resource id,
/// outcome). `*` is eu-central-1, where the broker and file system listings failed.
const EXPECTED: &[(&str, &str, &str)] = &[
    // Active/standby; a single RabbitMQ node out of memory; a RabbitMQ cluster; a broker only
    // the listing could read; a broker whose engine the listing left out.
    ("HA-MQ-001", "b-orders", "pass"),
    ("HA-MQ-001", "b-legacy", "fail"),
    ("HA-MQ-001", "b-mystery", "not_evaluated"),
    ("HA-MQ-001", "*", "not_evaluated"),
    ("HA-MQ-002", "b-events", "fail"),
    ("HA-MQ-002", "b-streaming", "pass"),
    ("HA-MQ-002", "b-mystery", "not_evaluated"),
    ("HA-MQ-002", "*", "not_evaluated"),
    ("HA-MQ-003", "b-orders", "pass"),
    ("HA-MQ-003", "b-events", "fail"),
    ("HA-MQ-003", "b-streaming", "pass"),
    ("HA-MQ-003", "b-legacy", "pass"),
    ("HA-MQ-003", "b-mystery", "pass"),
    ("HA-MQ-003", "*", "not_evaluated"),
    // Brokers placed by zone IDs in three AZs; two brokers in two AZs; client subnets in a
    // region whose subnets could not be listed; serverless is judged by neither rule.
    ("HA-MSK-001", "payments", "pass"),
    ("HA-MSK-001", "telemetry", "fail"),
    ("HA-MSK-001", "ledger", "not_evaluated"),
    ("HA-MSK-002", "payments", "pass"),
    ("HA-MSK-002", "telemetry", "fail"),
    ("HA-MSK-002", "ledger", "pass"),
    ("HA-KIN-001", "clicks", "fail"),
    ("HA-KIN-001", "orders", "pass"),
    ("HA-KIN-001", "audit", "not_evaluated"),
    ("HA-KIN-001", "ledger-stream", "pass"),
    // Multi-AZ Windows; Single-AZ ONTAP without backups; Multi-AZ Windows that lost its
    // directory; scratch and S3-linked Lustre; failed OpenZFS; ONTAP without a deployment type.
    ("HA-FSX-001", "fs-0win", "pass"),
    ("HA-FSX-001", "fs-0ontap", "fail"),
    ("HA-FSX-001", "fs-0broken", "pass"),
    ("HA-FSX-001", "fs-0zfs", "pass"),
    ("HA-FSX-001", "fs-0partial", "not_evaluated"),
    ("HA-FSX-001", "*", "not_evaluated"),
    ("HA-FSX-002", "fs-0win", "pass"),
    ("HA-FSX-002", "fs-0ontap", "fail"),
    ("HA-FSX-002", "fs-0broken", "pass"),
    ("HA-FSX-002", "fs-0zfs", "pass"),
    ("HA-FSX-002", "fs-0partial", "pass"),
    ("HA-FSX-002", "*", "not_evaluated"),
    ("HA-FSX-003", "fs-0scratch", "fail"),
    ("HA-FSX-003", "fs-0linked", "pass"),
    ("HA-FSX-003", "*", "not_evaluated"),
    ("HA-FSX-004", "fs-0win", "pass"),
    ("HA-FSX-004", "fs-0ontap", "pass"),
    ("HA-FSX-004", "fs-0broken", "fail"),
    ("HA-FSX-004", "fs-0scratch", "pass"),
    ("HA-FSX-004", "fs-0linked", "pass"),
    ("HA-FSX-004", "fs-0zfs", "fail"),
    ("HA-FSX-004", "fs-0partial", "pass"),
    ("HA-FSX-004", "*", "not_evaluated"),
    // Backups that copy tags (Windows, OpenZFS), that do not (Windows, Lustre), and a Lustre file
    // system from a snapshot written before the setting was read; ONTAP has no such setting.
    ("HA-FSX-005", "fs-0win", "pass"),
    ("HA-FSX-005", "fs-0broken", "fail"),
    ("HA-FSX-005", "fs-0scratch", "not_evaluated"),
    ("HA-FSX-005", "fs-0linked", "fail"),
    ("HA-FSX-005", "fs-0zfs", "pass"),
    ("HA-FSX-005", "*", "not_evaluated"),
    // HSMs in two AZs, three in one AZ, one alone, one left while the other is deleted, one
    // without a known AZ; a cluster without HSMs is judged by neither rule.
    ("HA-HSM-001", "cluster-spread", "pass"),
    ("HA-HSM-001", "cluster-one-az", "fail"),
    ("HA-HSM-001", "cluster-lost-az", "not_evaluated"),
    ("HA-HSM-001", "cluster-central", "pass"),
    ("HA-HSM-002", "cluster-spread", "pass"),
    ("HA-HSM-002", "cluster-one-az", "pass"),
    ("HA-HSM-002", "cluster-single", "fail"),
    ("HA-HSM-002", "cluster-replacing", "fail"),
    ("HA-HSM-002", "cluster-lost-az", "pass"),
    ("HA-HSM-002", "cluster-central", "pass"),
];

const PREFIXES: &[&str] = &["HA-MQ-", "HA-MSK-", "HA-KIN-", "HA-FSX-", "HA-HSM-"];

fn report() -> Value {
    json_scan_exiting(SCENARIO, 1)
}

#[test]
fn messaging_stream_file_and_hsm_rules_judge_what_was_read_and_say_what_was_not() {
    let report = report();
    assert_no_problems(&pinned_outcome_problems(&report, EXPECTED));
    // EXPECTED names every rule of those services, and each is seen passing and failing.
    assert_pins_every_rule(EXPECTED, PREFIXES, 13);
}

#[test]
fn findings_name_the_facts_and_the_calls_behind_them() {
    let report = report();
    for (rule, id, key, needles) in [
        (
            "HA-MQ-001",
            "b-legacy",
            "message",
            &["legacy (b-legacy) is SINGLE_INSTANCE in unknown"][..],
        ),
        (
            "HA-MQ-001",
            "b-mystery",
            "reason",
            &["`engine_type`", "the broker listing returned no engineType"],
        ),
        (
            "HA-MQ-003",
            "b-events",
            "message",
            &["CRITICAL_ACTION_REQUIRED (RABBITMQ_MEMORY_ALARM)"],
        ),
        (
            "HA-MSK-001",
            "telemetry",
            "message",
            &["2 brokers in 2 AZ(s)", "eu-west-1a", "eu-west-1b"],
        ),
        (
            "HA-MSK-001",
            "ledger",
            "reason",
            &[
                "ec2 could not be listed in eu-central-1",
                "RequestLimitExceeded",
            ],
        ),
        (
            "HA-KIN-001",
            "audit",
            "reason",
            &["DescribeStreamSummary failed: AccessDeniedException"],
        ),
        (
            "HA-FSX-001",
            "fs-0ontap",
            "message",
            &["FSx for ONTAP file system fs-0ontap is SINGLE_AZ_2 in eu-west-1b"],
        ),
        (
            "HA-FSX-001",
            "fs-0partial",
            "reason",
            &["no DeploymentType"],
        ),
        (
            "HA-FSX-004",
            "fs-0broken",
            "message",
            &["MISCONFIGURED_UNAVAILABLE"],
        ),
        (
            "HA-HSM-001",
            "cluster-one-az",
            "message",
            &["its 3 HSMs in eu-west-1a only"],
        ),
        (
            "HA-HSM-001",
            "cluster-lost-az",
            "reason",
            &["HSM hsm-l2 has no known AZ"],
        ),
        (
            "HA-HSM-002",
            "cluster-replacing",
            "message",
            &["in eu-west-1a"],
        ),
    ] {
        assert_says(by_id(&report, rule, id), key, needles);
    }
    // The listings that failed in eu-central-1 are named, once per rule.
    for (rule, needles) in [
        (
            "HA-MQ-002",
            &["ListBrokers failed: TooManyRequestsException"][..],
        ),
        (
            "HA-FSX-003",
            &["DescribeFileSystems failed: AccessDeniedException"],
        ),
    ] {
        let f = finding(
            &report,
            &[
                ("rule_id", rule),
                ("resource_id", "*"),
                ("region", "eu-central-1"),
            ],
        );
        assert_says(f, "reason", needles);
    }
    // Resources are named for people: brokers by name, file systems and clusters by tag.
    assert_eq!(
        by_id(&report, "HA-MQ-002", "b-events")["resource_name"],
        "events"
    );
    assert_eq!(
        by_id(&report, "HA-FSX-003", "fs-0scratch")["resource_name"],
        "hpc-scratch"
    );
    assert_eq!(
        by_id(&report, "HA-HSM-002", "cluster-single")["arn"],
        "arn:aws:cloudhsm:eu-west-1:210987654321:cluster/cluster-single"
    );

    // The same scenario as SARIF is valid, and a table shows the same counts.
    assert_table_counts_not_evaluated(SCENARIO, &report);
    assert_valid_sarif_of(SCENARIO);
}
