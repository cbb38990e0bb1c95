//! The Global Accelerator, Storage Gateway and AWS Outposts rules on
//! `fixtures/scenarios/global-and-hybrid.json`, which moto cannot produce: it has none of the
//! three services. Accelerators with listeners served from two regions, from one, or from a
//! second region whose only endpoint has weight 0; a disabled and an empty accelerator; Shield
//! Advanced protecting two of them; gateways on EC2 (named by the listing, or only by their
//! instance), on VMware and Hyper-V; rack Outposts on two racks and on one, a server, one
//! pending; and what could not be read: a denied ListListeners, a throttled
//! ListEndpointGroups, a denied ListGateways in us-east-1, a denied ListAssets of a shared
//! Outpost, a gateway without a host environment and an asset without a rack.

use crate::support::cli::json_scan_exiting;
use crate::support::expected::{
    assert_no_problems, assert_pins_every_rule, pinned_outcome_problems,
};
use crate::support::report::{
    assert_says, assert_table_counts_not_evaluated, assert_valid_sarif_of, by_id, finding,
};
use serde_json::Value;

const SCENARIO: &str = "fixtures/scenarios/global-and-hybrid.json";

/// Every finding of the HA-GA, HA-SGW and HA-OUT rules and of HA-SHD-007: (rule, resource id,
/// outcome). `*` is us-east-1, where the gateway listing was denied.
const EXPECTED: &[(&str, &str, &str)] = &[
    // Two regions with two endpoints each (one region dialled to 0: still a failover target);
    // a listener in one region and one whose second region has only an endpoint of weight 0;
    // listeners unread; one listener's endpoint groups unread. The disabled and the empty
    // accelerator are judged by neither rule.
    ("HA-GA-001", "a-multi", "pass"),
    ("HA-GA-001", "a-single", "fail"),
    ("HA-GA-001", "a-denied", "not_evaluated"),
    ("HA-GA-001", "a-partial", "not_evaluated"),
    ("HA-GA-002", "a-multi", "pass"),
    ("HA-GA-002", "a-single", "fail"),
    ("HA-GA-002", "a-denied", "not_evaluated"),
    ("HA-GA-002", "a-partial", "not_evaluated"),
    // The account subscribes: every accelerator is judged, as Prowler judges them, whether
    // enabled or not and whatever else of it could be read.
    ("HA-SHD-007", "a-multi", "pass"),
    ("HA-SHD-007", "a-partial", "pass"),
    ("HA-SHD-007", "a-single", "fail"),
    ("HA-SHD-007", "a-off", "fail"),
    ("HA-SHD-007", "a-denied", "fail"),
    ("HA-SHD-007", "a-empty", "fail"),
    ("HA-SGW-001", "sgw-0EC2A1B2", "fail"),
    ("HA-SGW-001", "sgw-0INST999", "fail"),
    ("HA-SGW-001", "sgw-0VMW1234", "pass"),
    ("HA-SGW-001", "sgw-0HYP5678", "pass"),
    ("HA-SGW-001", "sgw-0SILENT1", "not_evaluated"),
    ("HA-SGW-001", "*", "not_evaluated"),
    // The server and the pending Outpost are judged by no rule.
    ("HA-OUT-001", "op-0two", "pass"),
    ("HA-OUT-001", "op-0one", "fail"),
    ("HA-OUT-001", "op-0shared", "not_evaluated"),
    ("HA-OUT-001", "op-0lost", "not_evaluated"),
];

const PREFIXES: &[&str] = &["HA-GA-", "HA-SGW-", "HA-OUT-", "HA-SHD-007"];

#[test]
fn accelerator_gateway_and_outpost_rules_judge_what_was_read_and_say_what_was_not() {
    let report = json_scan_exiting(SCENARIO, 1);
    assert_no_problems(&pinned_outcome_problems(&report, EXPECTED));
    // EXPECTED names every rule of those services, and each is seen passing and failing.
    assert_pins_every_rule(EXPECTED, PREFIXES, 5);
}

#[test]
fn findings_name_the_listeners_groups_racks_and_calls_behind_them() {
    let report = json_scan_exiting(SCENARIO, 1);
    for (rule, id, key, needles) in [
        (
            "HA-GA-001",
            "a-single",
            "message",
            &[
                "listener(s) TCP 443-443, UDP 53-53",
                "regions served: eu-west-1)",
            ][..],
        ),
        (
            "HA-GA-002",
            "a-single",
            "message",
            &["eu-west-1 (TCP 443-443), us-east-1 (UDP 53-53)"],
        ),
        (
            "HA-GA-001",
            "a-denied",
            "reason",
            &["ListListeners failed: AccessDeniedException"],
        ),
        (
            "HA-GA-002",
            "a-partial",
            "reason",
            &[
                "the endpoint groups of listener TCP 8080-8080 could not be listed",
                "ListEndpointGroups failed: ThrottlingException",
            ],
        ),
        (
            "HA-SHD-007",
            "a-off",
            "message",
            &["Accelerator legacy (a-off)"],
        ),
        (
            "HA-SGW-001",
            "sgw-0INST999",
            "message",
            &["volumes (sgw-0INST999) runs on a single EC2 instance (i-0fedcba9876543210)"],
        ),
        (
            "HA-SGW-001",
            "sgw-0SILENT1",
            "reason",
            &["ListGateways returned no HostEnvironment"],
        ),
        (
            "HA-OUT-001",
            "op-0one",
            "message",
            &["plant-b (op-0one) has its assets in 1 rack(s) (fr-0ccc)"],
        ),
        (
            "HA-OUT-001",
            "op-0shared",
            "reason",
            &[
                "ListAssets failed: AccessDeniedException",
                "grant outposts:ListAssets",
            ],
        ),
        (
            "HA-OUT-001",
            "op-0lost",
            "reason",
            &["asset as-7 has no RackId"],
        ),
    ] {
        assert_says(by_id(&report, rule, id), key, needles);
    }
    let f = finding(
        &report,
        &[
            ("rule_id", "HA-SGW-001"),
            ("resource_id", "*"),
            ("region", "us-east-1"),
        ],
    );
    assert_says(f, "reason", &["ListGateways failed: AccessDeniedException"]);
    // Accelerators are global, named by their name, with their ARN.
    let a = by_id(&report, "HA-GA-001", "a-single");
    assert_eq!(a["region"], "global");
    assert_eq!(a["resource_name"], "api");
    assert_eq!(
        a["arn"],
        "arn:aws:globalaccelerator::210987654321:accelerator/a-single"
    );
    assert_eq!(
        by_id(&report, "HA-OUT-001", "op-0lost")["region"],
        "us-east-1"
    );

    // The same scenario as SARIF is valid, and a table shows the same counts.
    assert_table_counts_not_evaluated(SCENARIO, &report);
    assert_valid_sarif_of(SCENARIO);
}

/// HA-SHD-007 follows HA-SHD-001..005: not judged without a subscription, not evaluated with
/// the failed call when the subscription or the protections could not be read.
#[test]
fn shield_protection_of_accelerators_follows_the_subscription() {
    let original: Value =
        serde_json::from_str(&std::fs::read_to_string(SCENARIO).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let outcomes = |edit: &dyn Fn(&mut Value)| -> Vec<(String, String, String)> {
        let mut s = original.clone();
        edit(&mut s);
        let path = dir.path().join("snapshot.json");
        std::fs::write(&path, serde_json::to_string(&s).unwrap()).unwrap();
        let report = json_scan_exiting(path.to_str().unwrap(), 1);
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule_id"] == "HA-SHD-007")
            .map(|f| {
                let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
                (s("resource_id"), s("outcome"), s("reason"))
            })
            .collect()
    };
    let shield_error = |op: &'static str| {
        move |s: &mut Value| {
            s["coverage"][0]["errors"] = serde_json::json!([{
                "operation": op,
                "iam_action": format!("shield:{op}"),
                "kinds": ["shield.protection"],
                "code": "AccessDeniedException",
                "message": "denied"
            }]);
        }
    };
    // Not subscribed: no accelerator is judged.
    let none = outcomes(&|s| {
        s["shield"] = serde_json::json!({"subscription": [{"state": "INACTIVE"}]});
    });
    assert_eq!(none, []);
    // The subscription could not be read: every accelerator is not evaluated, naming the call.
    let unread = outcomes(&|s| {
        s["shield"] = serde_json::json!({});
        shield_error("GetSubscriptionState")(s);
    });
    assert_eq!(unread.len(), 6);
    for (id, outcome, reason) in &unread {
        assert_eq!(outcome, "not_evaluated", "{id}");
        assert!(
            reason.contains("GetSubscriptionState failed: AccessDeniedException"),
            "{id}: {reason}"
        );
    }
    // Subscribed, but the protections could not be listed: the same.
    let unlisted = outcomes(&|s| {
        s["shield"]["protections"] = serde_json::json!([]);
        shield_error("ListProtections")(s);
    });
    assert_eq!(unlisted.len(), 6);
    assert!(unlisted
        .iter()
        .all(|(_, o, r)| o == "not_evaluated" && r.contains("ListProtections failed")));
}
