//! The Incident Manager, Elastic Disaster Recovery and Lightsail rules on
//! `fixtures/scenarios/recovery.json`, an account moto cannot produce (it implements none of
//! the three services): a replication set still adding its second region and without response
//! plans, described by the two regions it spans and not by the third; source servers that
//! replicate, stalled, paused or are still syncing, drilled, never launched, or launched by a
//! pending job; Lightsail instances with and without automatic snapshots, and databases on
//! standard and high-availability plans. And what could not be read: a throttled
//! DescribeSourceServers in eu-west-1, a denied DescribeJobs in us-west-2, a denied
//! GetInstances in us-west-2 and a denied ListResponsePlans in eu-west-1 (which hides nothing:
//! the set's own regions listed the plans).

use crate::support::cli::json_scan_exiting;
use crate::support::expected::{assert_no_problems, pinned_outcome_problems};
use crate::support::report::{
    assert_says, assert_table_counts_not_evaluated, assert_valid_sarif_of, by_id, finding,
};
use serde_json::{json, Value};

const SCENARIO: &str = "fixtures/scenarios/recovery.json";
const ACCOUNT: &str = "210987654322";

/// Every finding of the HA-IM, HA-DRS and HA-LS rules: (rule, resource id, outcome). `*` is
/// the region whose listing failed: eu-west-1 for DRS, us-west-2 for Lightsail instances.
const EXPECTED: &[(&str, &str, &str)] = &[
    // Active in us-east-1 only (us-west-2 is being added), no response plan.
    ("HA-IM-001", ACCOUNT, "fail"),
    ("HA-IM-002", ACCOUNT, "fail"),
    // Continuous and drilled; no replication state and only a TERMINATE job; stalled and
    // never launched; syncing with a pending launch; paused after a failed launch, where
    // DescribeJobs was denied; continuous, with neither a launch result nor the jobs.
    ("HA-DRS-001", "s-0continuous", "pass"),
    ("HA-DRS-001", "s-0nostate", "not_evaluated"),
    ("HA-DRS-001", "s-0stalled", "fail"),
    ("HA-DRS-001", "s-0syncing", "pass"),
    ("HA-DRS-001", "s-0westfailed", "fail"),
    ("HA-DRS-001", "s-0westunknown", "pass"),
    ("HA-DRS-001", "*", "not_evaluated"),
    ("HA-DRS-002", "s-0continuous", "pass"),
    ("HA-DRS-002", "s-0nostate", "fail"),
    ("HA-DRS-002", "s-0stalled", "fail"),
    ("HA-DRS-002", "s-0syncing", "pass"),
    ("HA-DRS-002", "s-0westfailed", "pass"),
    ("HA-DRS-002", "s-0westunknown", "not_evaluated"),
    ("HA-DRS-002", "*", "not_evaluated"),
    // Snapshots enabled, no add-on, add-on disabled.
    ("HA-LS-001", "web-1", "pass"),
    ("HA-LS-001", "web-2", "fail"),
    ("HA-LS-001", "web-3", "fail"),
    ("HA-LS-001", "*", "not_evaluated"),
    // Standard plan without backups; HA plan whose standby AZ is not returned yet; HA plan.
    ("HA-LS-002", "blog-db", "fail"),
    ("HA-LS-002", "new-db", "not_evaluated"),
    ("HA-LS-002", "orders-db", "pass"),
    ("HA-LS-003", "blog-db", "fail"),
    ("HA-LS-003", "new-db", "not_evaluated"),
    ("HA-LS-003", "orders-db", "pass"),
];

const PREFIXES: &[&str] = &["HA-IM-", "HA-DRS-", "HA-LS-"];

/// The Incident Manager rows of [`EXPECTED`] replaced by `im`.
fn with_incident_manager<'a>(
    im: &[(&'a str, &'a str, &'a str)],
) -> Vec<(&'a str, &'a str, &'a str)> {
    EXPECTED
        .iter()
        .copied()
        .filter(|(rule, ..)| !rule.starts_with("HA-IM-"))
        .chain(im.iter().copied())
        .collect()
}

/// The scenario changed by `edit`, scanned from a temporary file.
fn scan_edited(edit: impl FnOnce(&mut Value)) -> Value {
    crate::support::cli::scan_edited(SCENARIO, edit)
}

fn judged(report: &Value, rows: &[(&str, &str, &str)]) {
    let rules: Vec<&str> = EXPECTED.iter().map(|e| e.0).collect();
    assert_no_problems(&crate::support::expected::rule_outcome_problems(
        report, &rules, rows,
    ));
}

#[test]
fn recovery_rules_judge_what_was_read_and_say_what_was_not() {
    let report = json_scan_exiting(SCENARIO, 1);
    assert_no_problems(&pinned_outcome_problems(&report, EXPECTED));
    // EXPECTED names every rule of the three services, and each is seen passing and failing
    // (the Incident Manager rules pass in the edited scenarios below).
    crate::support::expected::assert_pins_every_rule_of(EXPECTED, PREFIXES, 7);

    for (rule, id, key, needles) in [
        (
            "HA-IM-001",
            ACCOUNT,
            "message",
            &["is active in us-east-1 (regions: us-east-1, us-west-2; minimum 2)"][..],
        ),
        (
            "HA-IM-002",
            ACCOUNT,
            "message",
            &["replication set: true, status UPDATING, response plans: none"],
        ),
        (
            "HA-DRS-001",
            "s-0stalled",
            "message",
            &["(reports-db)", "STALLED (error: AGENT_NOT_SEEN)"],
        ),
        (
            "HA-DRS-001",
            "s-0nostate",
            "reason",
            &["returned no dataReplicationInfo.dataReplicationState"],
        ),
        (
            "HA-DRS-002",
            "s-0stalled",
            "message",
            &["last launch: NOT_STARTED; launch jobs: none"],
        ),
        (
            "HA-DRS-002",
            "s-0westunknown",
            "reason",
            &["DescribeJobs failed: AccessDeniedException"],
        ),
        (
            "HA-LS-001",
            "web-3",
            "message",
            &["web-3 (us-east-1a)", "AutoSnapshot add-on: Disabled"],
        ),
        (
            "HA-LS-002",
            "new-db",
            "reason",
            &["bundle medium_ha_2_0 is a high-availability plan"],
        ),
    ] {
        assert_says(by_id(&report, rule, id), key, needles);
    }
    for (rule, region, needles) in [
        (
            "HA-DRS-002",
            "eu-west-1",
            &["DescribeSourceServers failed: ThrottlingException"][..],
        ),
        (
            "HA-LS-001",
            "us-west-2",
            &["GetInstances failed: AccessDeniedException"],
        ),
    ] {
        let f = finding(
            &report,
            &[("rule_id", rule), ("resource_id", "*"), ("region", region)],
        );
        assert_says(f, "reason", needles);
    }
    // The account-wide replication set is reported once, in `global`, by its ARN.
    let im = by_id(&report, "HA-IM-001", ACCOUNT);
    assert_eq!(im["region"], "global");
    assert_eq!(
        im["arn"],
        "arn:aws:ssm-incidents::210987654322:replication-set/40bd98f0-4110-2dee-b35e-b87006f9e172"
    );
    assert_eq!(
        by_id(&report, "HA-DRS-001", "s-0stalled")["resource_name"],
        "reports-db"
    );

    assert_table_counts_not_evaluated(SCENARIO, &report);
    assert_valid_sarif_of(SCENARIO);
}

#[test]
fn an_active_set_in_two_regions_with_a_plan_passes_both_incident_manager_rules() {
    let report = scan_edited(|s| {
        for set in s["ssmincidents"]["replication_sets"]
            .as_array_mut()
            .unwrap()
        {
            if set["status"].is_string() {
                set["status"] = json!("ACTIVE");
                set["region_map"][1]["status"] = json!("ACTIVE");
            }
        }
        s["ssmincidents"]["response_plans"] = json!([{
            "region": "us-west-2",
            "arn": "arn:aws:ssm-incidents::210987654322:response-plan/outage",
            "name": "outage"
        }]);
    });
    judged(
        &report,
        &with_incident_manager(&[
            ("HA-IM-001", ACCOUNT, "pass"),
            ("HA-IM-002", ACCOUNT, "pass"),
        ]),
    );
}

#[test]
fn an_account_without_a_replication_set_is_not_set_up() {
    let report = scan_edited(|s| {
        s["ssmincidents"] = json!({});
    });
    // HA-IM-001 does not apply: there is no set to spread.
    judged(
        &report,
        &with_incident_manager(&[("HA-IM-002", ACCOUNT, "fail")]),
    );
    assert_says(
        by_id(&report, "HA-IM-002", ACCOUNT),
        "message",
        &["replication set: false"],
    );
}

#[test]
fn a_set_no_region_could_list_or_describe_is_not_evaluated() {
    // Every region's listing denied: whether a set exists is unknown, not "none".
    let report = scan_edited(|s| {
        s["ssmincidents"] = json!({});
        for c in s["coverage"].as_array_mut().unwrap() {
            if c["service"] == "ssmincidents" {
                c["errors"] = json!([{
                    "operation": "ListReplicationSets",
                    "iam_action": "ssm-incidents:ListReplicationSets",
                    "kinds": [],
                    "code": "AccessDeniedException",
                    "message": "denied"
                }]);
            }
        }
    });
    let rows = [
        ("HA-IM-001", ACCOUNT, "not_evaluated"),
        ("HA-IM-002", ACCOUNT, "not_evaluated"),
    ];
    judged(&report, &with_incident_manager(&rows));
    assert_says(
        by_id(&report, "HA-IM-002", ACCOUNT),
        "reason",
        &["ListReplicationSets failed: AccessDeniedException"],
    );
    // A set listed only by a region it does not span: its regions are unknown.
    let report = scan_edited(|s| {
        let sets = s["ssmincidents"]["replication_sets"]
            .as_array_mut()
            .unwrap();
        sets.retain(|r| r["region"] == "eu-west-1");
    });
    judged(&report, &with_incident_manager(&rows));
    assert_says(
        by_id(&report, "HA-IM-001", ACCOUNT),
        "reason",
        &["spans none of the regions scanned (eu-west-1)"],
    );
}
