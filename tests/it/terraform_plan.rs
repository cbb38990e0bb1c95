//! `scan --terraform-plan` and `collect --terraform-plan` on the hand-made plans of
//! `fixtures/terraform/` (written by `make_plans.py` in the shape of `terraform show -json`):
//! every failure pinned, unknown values not evaluated with the attribute named, provider
//! defaults said, `--changes-only`, and bad input refused with exit 2 naming the file and
//! the JSON path. The parser is fuzzed: it never panics.

use crate::support::cli::{scan, stderr, stdout};
use crate::support::plan::{pairs, plan, reason, report, with};
use proptest::prelude::*;
use serde_json::Value;

const DB: &str = "module.db.aws_db_instance.this";
const PRIMARY: &str = "aws_route53_zone.main/app.example.com/A/primary";

#[test]
fn the_before_deploy_plan_fails_exactly_its_five_defects() {
    let p = plan("before-deploy.fail.json");
    let r = report(
        &["--format", "json", "--terraform-plan", p.to_str().unwrap()],
        1,
    );
    // Single-AZ database; ASG on two existing subnets of one AZ (data sources); load balancer
    // on two subnets of one AZ (seen from its DNS alias too); one NAT gateway for three AZs;
    // a failover primary without a health check.
    assert_eq!(
        with("fail", &r),
        pairs(&[
            ("HA-ASG-001", "aws_autoscaling_group.workers"),
            ("HA-ELB-001", "aws_lb.web"),
            ("HA-NAT-001", "module.network.aws_subnet.private[\"b\"]"),
            ("HA-NAT-001", "module.network.aws_subnet.private[\"c\"]"),
            ("HA-NAT-002", "module.network.aws_vpc.this"),
            ("HA-R53-003", PRIMARY),
            ("HA-R53-008", PRIMARY),
            ("HA-RDS-001", DB),
        ])
    );
    assert_eq!(
        reason(&r, "HA-RDS-001", DB),
        "assumed default: `multi_az` = false: `multi_az` is not set in the configuration of \
         module.db.aws_db_instance.this, so the provider's default applies"
    );
    assert_eq!(r["summary"]["pass"], 26);
    assert_eq!(r["summary"]["not_evaluated"], 15);
}

#[test]
fn the_fixed_plan_passes_them() {
    let p = plan("before-deploy.pass.json");
    let r = report(
        &["--format", "json", "--terraform-plan", p.to_str().unwrap()],
        0,
    );
    assert_eq!(with("fail", &r), Vec::<(String, String)>::new());
    let passed = with("pass", &r);
    for (rule, id) in [
        ("HA-RDS-001", DB),
        ("HA-ASG-001", "aws_autoscaling_group.workers"),
        ("HA-ELB-001", "aws_lb.web"),
        ("HA-NAT-002", "module.network.aws_vpc.this"),
        ("HA-R53-003", PRIMARY),
        ("HA-R53-008", PRIMARY),
    ] {
        assert!(
            passed.contains(&(rule.to_string(), id.to_string())),
            "{rule} {id}"
        );
    }
    for k in ["a", "b", "c"] {
        let id = format!("module.network.aws_subnet.private[\"{k}\"]");
        assert!(passed.contains(&("HA-NAT-001".to_string(), id)));
    }
    assert_eq!(r["summary"]["pass"], 38);
    assert_eq!(r["summary"]["not_evaluated"], 19);
}

#[test]
fn unknown_values_are_not_evaluated_naming_the_attribute() {
    let p = plan("before-deploy.unknown.json");
    let r = report(
        &["--format", "json", "--terraform-plan", p.to_str().unwrap()],
        1,
    );
    assert_eq!(
        reason(&r, "HA-RDS-001", DB),
        "`multi_az` could not be read: known only after apply (module.db.aws_db_instance.this: \
         multi_az)"
    );
    let c = "module.network.aws_subnet.private[\"c\"]";
    assert_eq!(
        reason(&r, "HA-NAT-001", c),
        "`availability_zone` could not be read: known only after apply \
         (module.network.aws_subnet.private[\"c\"]: availability_zone)"
    );
    assert!(reason(&r, "HA-VPC-001", "module.network.aws_vpc.this")
        .contains("module.network.aws_subnet.private[\"c\"]: availability_zone"));
    let fails = with("fail", &r);
    assert!(!fails.contains(&("HA-RDS-001".into(), DB.into())));
    assert!(!fails.contains(&("HA-NAT-002".into(), "module.network.aws_vpc.this".into())));
}

/// What `--changes-only` reports on `update.json`.
const CHANGED: [(&str, &str); 4] = [
    ("HA-ASG-001", "aws_autoscaling_group.workers"),
    ("HA-ASG-004", "aws_autoscaling_group.batch"),
    ("HA-RDS-001", "aws_db_instance.orders"),
    ("HA-RDS-008", "aws_db_instance.reports"),
];

fn changes_only(extra: &[&str]) -> Value {
    let p = plan("update.json");
    let mut args = vec![
        "--format",
        "json",
        "--changes-only",
        "--terraform-plan",
        p.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    report(&args, 1)
}

#[test]
fn changes_only_reports_the_regressions_of_an_update() {
    let p = plan("update.json");
    let all = report(
        &["--format", "json", "--terraform-plan", p.to_str().unwrap()],
        1,
    );
    assert_eq!(
        with("fail", &all),
        pairs(&[
            ("HA-ASG-001", "aws_autoscaling_group.workers"),
            ("HA-ASG-004", "aws_autoscaling_group.batch"),
            ("HA-RDS-001", "aws_db_instance.legacy"),
            ("HA-RDS-001", "aws_db_instance.orders"),
            ("HA-RDS-008", "aws_db_instance.legacy"),
            ("HA-RDS-008", "aws_db_instance.reports"),
        ])
    );
    let r = changes_only(&[]);
    // Introduced: multi_az turned off, a subnet removed (two AZs -> one). Worsened: failing
    // before and after, with the measured value moved the wrong way. The legacy instance
    // fails as before (single-AZ) and its retention improves (3 -> 5 days, still short of
    // 7): not reported.
    assert_eq!(with("fail", &r), pairs(&CHANGED));
    assert_eq!(
        reason(&r, "HA-ASG-001", "aws_autoscaling_group.workers"),
        ""
    );
    assert_eq!(
        reason(&r, "HA-ASG-004", "aws_autoscaling_group.batch"),
        "worsens: `suspended_processes` gains Launch"
    );
    assert_eq!(
        reason(&r, "HA-RDS-008", "aws_db_instance.reports"),
        "worsens: `backup_retention_period` goes from 5 to 2"
    );
    assert_eq!(r["summary"]["pass"], 0);
    assert_eq!(r["summary"]["not_evaluated"], 0);
}

#[test]
fn changes_only_reports_a_failure_that_loses_an_az() {
    // Under a three-AZ policy the group fails before the change (two AZs) and after it
    // (one): the failure worsens.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("ha-audit.toml");
    std::fs::write(&config, "[rules.HA-ASG-001]\nparams = { min_azs = 3 }\n").unwrap();
    let r = changes_only(&["--config", config.to_str().unwrap()]);
    assert_eq!(with("fail", &r), pairs(&CHANGED));
    assert_eq!(
        reason(&r, "HA-ASG-001", "aws_autoscaling_group.workers"),
        "worsens: `azs` loses eu-west-1b (now eu-west-1a)"
    );
}

/// `collect --terraform-plan` of a fixture into `snap.json` of a new directory.
fn collect(name: &str) -> (tempfile::TempDir, std::process::Output) {
    let dir = tempfile::tempdir().unwrap();
    let o = crate::support::cli::run(
        crate::support::cli::ha_audit(None)
            .args([
                "collect",
                "--terraform-plan",
                plan(name).to_str().unwrap(),
                "--out",
            ])
            .arg(dir.path().join("snap.json")),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    (dir, o)
}

#[test]
fn collect_writes_the_snapshot_and_other_providers_are_not_judged() {
    let (dir, o) = collect("before-deploy.fail.json");
    let out = dir.path().join("snap.json");
    let p = plan("before-deploy.fail.json");
    assert!(stderr(&o)
        .contains("ha-audit: not judged: random_password.db (another provider's resource)"));
    let snap: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let not_judged: Vec<&str> = snap["terraform_plan"]["not_judged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["address"].as_str().unwrap())
        .collect();
    assert_eq!(
        not_judged,
        [
            "module.network.aws_internet_gateway.this",
            "random_password.db"
        ]
    );
    // The saved snapshot judges as the plan does.
    let from_snapshot = report(
        &["--format", "json", "--snapshot", out.to_str().unwrap()],
        1,
    );
    let from_plan = report(
        &["--format", "json", "--terraform-plan", p.to_str().unwrap()],
        1,
    );
    assert_eq!(with("fail", &from_snapshot), with("fail", &from_plan));
}

/// (rule, logical location, first and last line of the physical location) of each SARIF
/// result.
fn sarif_places(sarif: &Value, uri: &str) -> Vec<(String, String, u64, u64)> {
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let loc = &r["locations"][0];
            let physical = &loc["physicalLocation"];
            assert_eq!(physical["artifactLocation"]["uri"], uri);
            let logical = &loc["logicalLocations"][0];
            assert_eq!(logical["name"], logical["fullyQualifiedName"]);
            assert_eq!(r["properties"]["terraformAddress"], logical["name"]);
            (
                r["ruleId"].as_str().unwrap().to_string(),
                logical["name"].as_str().unwrap().to_string(),
                physical["region"]["startLine"].as_u64().unwrap(),
                physical["region"]["endLine"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn sarif_points_at_each_resource_address_and_its_plan_entry() {
    let file = "fixtures/terraform/before-deploy.fail.json";
    let out = scan(&["--format", "sarif", "--terraform-plan", file]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let sarif: Value = serde_json::from_str(&stdout(&out)).unwrap();
    crate::support::report::assert_valid_sarif(&sarif);
    // The span of the resource's `resource_changes` entry, brace to brace.
    let at = |rule: &str, address: &str, from: u64, to: u64| {
        (rule.to_string(), address.to_string(), from, to)
    };
    let primary = "aws_route53_record.app_primary";
    assert_eq!(
        sarif_places(&sarif, file),
        [
            at("HA-ASG-001", "aws_autoscaling_group.workers", 532, 588),
            at("HA-ELB-001", "aws_lb.web", 589, 618),
            at(
                "HA-NAT-001",
                "module.network.aws_subnet.private[\"b\"]",
                68,
                94
            ),
            at(
                "HA-NAT-001",
                "module.network.aws_subnet.private[\"c\"]",
                95,
                121
            ),
            at("HA-NAT-002", "module.network.aws_vpc.this", 15, 40),
            at("HA-R53-003", primary, 666, 708),
            at("HA-R53-008", primary, 666, 708),
            at("HA-RDS-001", DB, 500, 531),
        ]
    );
    let text = std::fs::read_to_string(plan("before-deploy.fail.json")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for (_, address, from, to) in sarif_places(&sarif, file) {
        let from = from as usize;
        assert_eq!(lines[from - 1], "    {");
        assert_eq!(
            lines[from].trim(),
            format!("\"address\": {},", serde_json::to_string(&address).unwrap())
        );
        assert_eq!(lines[to as usize - 1], "    },");
    }
    // No ARN is made up for a resource that does not exist yet: the address names it.
    let messages: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["message"]["text"].as_str().unwrap())
        .collect();
    assert!(messages.iter().all(|m| !m.contains("arn:")), "{messages:?}");
    assert!(messages[5].ends_with(" (aws_route53_record.app_primary)"));
}

#[test]
fn sarif_columns_are_exact_in_a_plan_written_on_one_line() {
    // `terraform show -json` writes the plan on one line: the entry is found by its column.
    let pretty = std::fs::read_to_string(plan("before-deploy.fail.json")).unwrap();
    let doc: Value = serde_json::from_str(&pretty).unwrap();
    let one_line = serde_json::to_string(&doc).unwrap();
    let file = std::path::Path::new("plan.json");
    let snapshot = ha_audit::plan::parse(file, &one_line, ha_audit::plan::View::After).unwrap();
    let places = ha_audit::plan::locate::places(&snapshot, Some(&one_line));
    assert_eq!(places.len(), 19);
    for place in places.values() {
        let span = place.span.expect("every mapped resource has an entry");
        assert_eq!((span.start_line, span.end_line), (1, 1));
        // ASCII text: a UTF-16 column is the byte offset plus one.
        let entry = &one_line[span.start_column - 1..span.end_column - 1];
        let entry: Value = serde_json::from_str(entry).unwrap();
        assert_eq!(entry["address"], place.address.as_str());
        assert_eq!(place.source, None, "a plan has no .tf positions");
    }
    // The entry of a changed resource is in `resource_changes`, of an existing one in the
    // prior state.
    let asg = &places
        .values()
        .find(|p| p.address == "aws_autoscaling_group.workers")
        .unwrap();
    let subnet = &places
        .values()
        .find(|p| p.address == "data.aws_subnet.app_a")
        .unwrap();
    let changes = one_line.find("\"resource_changes\"").unwrap();
    let prior = one_line.find("\"prior_state\"").unwrap();
    assert!(asg.span.unwrap().start_column > changes && asg.span.unwrap().start_column < prior);
    assert!(subnet.span.unwrap().start_column > prior);
}

#[test]
fn sarif_of_a_snapshot_saved_from_a_plan_names_the_addresses() {
    let (dir, _) = collect("before-deploy.fail.json");
    let snap = dir.path().join("snap.json");
    // Scanned from its directory, so that SARIF can give its relative path.
    let rel = "snap.json";
    let out = crate::support::cli::run(
        crate::support::cli::ha_audit(None)
            .current_dir(dir.path())
            .args(["scan", "--format", "sarif", "--snapshot", rel]),
    );
    let sarif: Value = serde_json::from_str(&stdout(&out)).unwrap();
    crate::support::report::assert_valid_sarif(&sarif);
    let text = std::fs::read_to_string(&snap).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let places = sarif_places(&sarif, rel);
    assert_eq!(places.len(), 8);
    for (_, address, from, _) in places {
        // The snapshot's object of the resource (a record is known by its set identifier).
        let from = from as usize;
        assert_eq!(lines[from - 1], "      {");
        let end = (from..lines.len())
            .find(|i| lines[*i] == "      }" || lines[*i] == "      },")
            .unwrap();
        let object = lines[from - 1..=end].join("\n");
        let key = if address == "aws_route53_record.app_primary" {
            "\"primary\"".to_string()
        } else {
            serde_json::to_string(&address).unwrap()
        };
        assert!(object.contains(&key), "{address} not at line {from}");
    }
}

fn refused(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("plan.json");
    std::fs::write(&p, text).unwrap();
    let out = scan(&["--terraform-plan", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(stdout(&out), "", "no partial report");
    let err = stderr(&out);
    assert!(err.contains("plan.json"), "{err}");
    err
}

#[test]
fn bad_plans_exit_2_naming_the_file_and_path() {
    assert!(refused("{ not json").contains("$: not a Terraform plan: not JSON"));
    assert!(
        refused(r#"{"version": 4, "serial": 3, "lineage": "x", "resources": []}"#)
            .contains("this is a Terraform state, not a plan")
    );
    assert!(refused(r#"{"format_version": "1.0", "values": {}}"#)
        .contains("this is a Terraform state, not a plan"));
    assert!(
        refused(r#"{"format_version": "2.0", "resource_changes": []}"#)
            .contains("$.format_version: unsupported plan format version \"2.0\"")
    );
    let fork = r#"{"format_version": "1.2", "resource_changes": [{"address": "aws_vpc.a",
        "mode": "managed", "type": "aws_vpc", "name": "a", "provider_name":
        "registry.terraform.io/someone/aws", "change": {"actions": ["create"], "after": {}}}]}"#;
    assert!(refused(fork)
        .contains("$.resource_changes[0].provider_name: aws_vpc.a is served by provider"));
    assert!(
        refused(r#"{"format_version": "1.2", "resource_changes": [{"address": 3}]}"#)
            .contains("$.resource_changes[0].address: expected a string, found a number")
    );
}

/// Mutations of a real plan: values of another type, keys dropped.
fn mutate(doc: &mut Value, path: &[usize], replacement: &Value) {
    // The path walks down by child position; it stops where the value has no children.
    let mut pointer = String::new();
    let mut at = &*doc;
    for &i in path {
        let next = match at {
            Value::Object(m) if !m.is_empty() => {
                let (key, v) = m.iter().nth(i % m.len()).unwrap();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                v
            }
            Value::Array(a) if !a.is_empty() => {
                let n = i % a.len();
                pointer.push_str(&format!("/{n}"));
                &a[n]
            }
            _ => break,
        };
        at = next;
    }
    if let Some(v) = doc.pointer_mut(&pointer) {
        *v = replacement.clone();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_plan_parser_never_panics(
        path in proptest::collection::vec(0usize..40, 1..8),
        which in 0usize..6,
        text in ".{0,40}",
    ) {
        let base: Value = serde_json::from_str(
            &std::fs::read_to_string(plan("before-deploy.fail.json")).unwrap(),
        ).unwrap();
        let replacement = [
            Value::Null,
            Value::Bool(true),
            Value::from(7),
            Value::String(text.clone()),
            serde_json::json!([text.clone()]),
            serde_json::json!({"references": [text.clone(), "count.index"]}),
        ][which].clone();
        let mut doc = base;
        mutate(&mut doc, &path, &replacement);
        let file = std::path::Path::new("mutated.json");
        for view in [ha_audit::plan::View::After, ha_audit::plan::View::Before] {
            match ha_audit::plan::parse(file, &doc.to_string(), view) {
                Ok(s) => {
                    let _ = ha_audit::model::Model::build(&s);
                }
                Err(e) => {
                    let e = e.to_string();
                    prop_assert!(e.starts_with("mutated.json: $"), "{}", e);
                }
            }
        }
        // Arbitrary text too.
        if let Err(e) = ha_audit::plan::parse(file, &text, ha_audit::plan::View::After) {
            prop_assert!(e.to_string().starts_with("mutated.json: $"));
        }
    }
}
