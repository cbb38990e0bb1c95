//! The SageMaker, Comprehend and Directory Service rules on `fixtures/scenarios/ml.json`: an
//! account snapshot with what moto cannot produce. An endpoint that auto scaling runs on four
//! instances though its configuration starts it with one, one still creating, one whose
//! configuration was deleted; model keys pending import and deleted, a key named by alias;
//! directories at and near their manual snapshot limit; and what could not be read: a denied
//! DescribeEndpoint, DescribeEndpointConfig, DescribeDocumentClassifier, DescribeKey and
//! GetSnapshotLimits, a throttled SageMaker listing and a throttled model listing of the KMS
//! collector in eu-central-1.

use crate::support::cli::json_scan_exiting;
use crate::support::expected::{assert_no_problems, pinned_outcome_problems};
use crate::support::report::{assert_says, assert_valid_sarif_of, by_id, finding};
use serde_json::Value;
use std::collections::BTreeSet;

const SCENARIO: &str = "fixtures/scenarios/ml.json";

/// Every finding of the HA-SGM, HA-CMP and HA-DS rules: (rule, resource id, outcome). `*` is
/// eu-central-1, where the SageMaker endpoints could not be listed.
const EXPECTED: &[(&str, &str, &str)] = &[
    // One instance; two variants on two and three; auto scaled from a configuration of one;
    // serverless beside two instances; the endpoint unread; the configuration unread with
    // three and with one running; creating; the configuration deleted. Serverless only is
    // judged by no rule.
    ("HA-SGM-001", "recommender", "fail"),
    ("HA-SGM-001", "search-ranker", "pass"),
    ("HA-SGM-001", "fraud-score", "fail"),
    ("HA-SGM-001", "hybrid", "pass"),
    ("HA-SGM-001", "forecast", "not_evaluated"),
    ("HA-SGM-001", "restricted", "not_evaluated"),
    ("HA-SGM-001", "restricted-single", "fail"),
    ("HA-SGM-001", "vision", "not_evaluated"),
    ("HA-SGM-001", "orphaned", "not_evaluated"),
    ("HA-SGM-001", "*", "not_evaluated"),
    // Enabled, disabled, pending deletion, deleted, AWS owned, alias denied, pending import,
    // model unread, keys not listed, AWS owned where keys were not listed.
    ("HA-CMP-001", "support-triage", "pass"),
    ("HA-CMP-001", "spam-filter", "fail"),
    ("HA-CMP-001", "intent", "fail"),
    ("HA-CMP-001", "legacy-ner", "fail"),
    ("HA-CMP-001", "pii-redact", "pass"),
    ("HA-CMP-001", "team-b", "not_evaluated"),
    ("HA-CMP-001", "byok", "fail"),
    ("HA-CMP-001", "routing", "not_evaluated"),
    ("HA-CMP-001", "central-triage", "not_evaluated"),
    ("HA-CMP-001", "central-owned", "pass"),
    // Limit reached; two more; four more; unread; ten with two taken. AD Connector and a
    // shared directory are judged by no rule.
    ("HA-DS-001", "d-93670000a1", "fail"),
    ("HA-DS-001", "d-93670000b2", "fail"),
    ("HA-DS-001", "d-93670000c3", "pass"),
    ("HA-DS-001", "d-93670000f6", "not_evaluated"),
    ("HA-DS-001", "d-9367000017", "pass"),
];

fn report() -> Value {
    json_scan_exiting(SCENARIO, 1)
}

#[test]
fn ml_endpoint_and_directory_rules_judge_what_was_read_and_say_what_was_not() {
    let report = report();
    assert_no_problems(&pinned_outcome_problems(&report, EXPECTED));
    let rules: BTreeSet<&str> = EXPECTED.iter().map(|e| e.0).collect();
    let all: BTreeSet<String> = crate::support::cli::rule_ids()
        .into_iter()
        .filter(|r| {
            ["HA-SGM-", "HA-CMP-", "HA-DS-"]
                .iter()
                .any(|p| r.starts_with(p))
        })
        .collect();
    assert_eq!(
        all.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        rules
    );
}

#[test]
fn ml_findings_name_the_facts_and_the_calls_behind_them() {
    let report = report();
    for (rule, id, key, needles) in [
        (
            "HA-SGM-001",
            "fraud-score",
            "message",
            &["configured with 1 instance(s) and running on 4 (minimum 2)"][..],
        ),
        (
            "HA-SGM-001",
            "restricted",
            "reason",
            &["DescribeEndpointConfig failed: AccessDeniedException"],
        ),
        (
            "HA-SGM-001",
            "forecast",
            "reason",
            &["DescribeEndpoint failed: AccessDeniedException"],
        ),
        (
            "HA-SGM-001",
            "vision",
            "reason",
            &["DescribeEndpoint returned no CurrentInstanceCount for variant main (endpoint Creating)"],
        ),
        (
            "HA-SGM-001",
            "orphaned",
            "reason",
            &["its endpoint configuration orphaned-v1 no longer exists"],
        ),
        (
            "HA-CMP-001",
            "legacy-ner",
            "message",
            &["40000000-1111-2222-3333-444444444444", "state is NotFound"],
        ),
        ("HA-CMP-001", "byok", "message", &["state is PendingImport"]),
        (
            "HA-CMP-001",
            "team-b",
            "reason",
            &["DescribeKey failed: AccessDeniedException"],
        ),
        (
            "HA-CMP-001",
            "routing",
            "reason",
            &["DescribeDocumentClassifier failed: AccessDeniedException"],
        ),
        (
            "HA-CMP-001",
            "central-triage",
            "reason",
            &[
                "kms.key could not be listed in eu-central-1",
                "ListDocumentClassifiers failed: ThrottlingException",
            ],
        ),
        (
            "HA-DS-001",
            "d-93670000b2",
            "message",
            &["lab.example.com (d-93670000b2) can take 2 more manual snapshot(s)"],
        ),
        (
            "HA-DS-001",
            "d-93670000f6",
            "reason",
            &["GetSnapshotLimits failed: AccessDeniedException"],
        ),
    ] {
        assert_says(by_id(&report, rule, id), key, needles);
    }
    let f = finding(
        &report,
        &[
            ("rule_id", "HA-SGM-001"),
            ("resource_id", "*"),
            ("region", "eu-central-1"),
        ],
    );
    assert_says(f, "reason", &["ListEndpoints failed: ThrottlingException"]);
    assert_eq!(
        by_id(&report, "HA-DS-001", "d-93670000a1")["resource_name"],
        "corp.example.com"
    );
    assert_eq!(
        by_id(&report, "HA-CMP-001", "spam-filter")["arn"],
        "arn:aws:comprehend:eu-west-1:210987654321:document-classifier-endpoint/spam-filter"
    );
    assert_valid_sarif_of(SCENARIO);
}
