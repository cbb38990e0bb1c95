//! What a Terraform plan does not tell: values it marks sensitive (never read, never
//! printed), changes Terraform deferred to a later plan, a plan made with `-target`; and the
//! notes a plan adds to a failure (an assumed default, how a change makes it worse), which
//! SARIF carries in its messages.

use crate::support::cli::{ha_audit, run, scan, stderr, stdout};
use crate::support::plan::{plan, reason, report, scan_plan, with};
use serde_json::Value;

fn summary(r: &Value) -> (u64, u64, u64) {
    let s = &r["summary"];
    (
        s["pass"].as_u64().unwrap(),
        s["fail"].as_u64().unwrap(),
        s["not_evaluated"].as_u64().unwrap(),
    )
}

const DB: &str = "module.db.aws_db_instance.this";

#[test]
fn sensitive_values_are_not_evaluated_and_never_printed() {
    let p = plan("sensitive.json");
    let p = p.to_str().unwrap();
    let r = report(&["--format", "json", "--terraform-plan", p], 1);
    // The failing plan, with the database's multi_az marked sensitive: its one finding on
    // that attribute is not judged; everything else is as in the failing plan.
    assert_eq!(summary(&r), (26, 7, 16));
    assert!(!with("fail", &r).contains(&("HA-RDS-001".into(), DB.into())));
    assert_eq!(
        reason(&r, "HA-RDS-001", DB),
        "`multi_az` could not be read: sensitive in the plan (module.db.aws_db_instance.this: \
         multi_az), and ha-audit does not read sensitive values"
    );
    // The plan holds them in plain text; no output may.
    let secrets = ["s3cr3t-owner", "198.51.100.77"];
    assert!(secrets
        .iter()
        .all(|s| std::fs::read_to_string(plan("sensitive.json"))
            .unwrap()
            .contains(s)));
    for format in ["json", "sarif", "table", "markdown", "html", "junit"] {
        let out = scan(&["--format", format, "--terraform-plan", p]);
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        let text = stdout(&out) + &stderr(&out);
        for s in secrets {
            assert!(!text.contains(s), "{format} prints {s}");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snapshot.json");
    let out = run(ha_audit(None).args([
        "collect",
        "--terraform-plan",
        p,
        "--out",
        snap.to_str().unwrap(),
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let written = std::fs::read_to_string(&snap).unwrap();
    for s in secrets {
        assert!(!written.contains(s), "the snapshot holds {s}");
    }
    // The tag that is not sensitive is still read.
    assert!(written.contains("orders-db"));
}

#[test]
fn a_deferred_change_leaves_its_kind_incomplete_where_it_would_be() {
    let p = plan("deferred.json");
    let out = scan(&["--format", "json", "--terraform-plan", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r: Value = serde_json::from_str(&stdout(&out)).unwrap();
    // The fixed plan passes 38 and leaves 19 not evaluated; the deferred subnets of the
    // network module take the subnet-wide facts with them.
    assert_eq!(summary(&r), (36, 0, 22));
    let why = "terraform plan: module.network.aws_subnet.isolated[*]: Terraform deferred it to \
               a later plan (instance_count_unknown)";
    assert_eq!(reason(&r, "HA-NAT-001", "module.network"), why);
    let listed = format!("`subnet_azs` could not be read: ec2.subnet could not be listed in eu-west-1: {why}; `subnet_count` could not be read: ec2.subnet could not be listed in eu-west-1: {why}");
    assert_eq!(
        reason(&r, "HA-VPC-001", "module.network.aws_vpc.this"),
        listed
    );
    // A deferred instance of a type ha-audit has no kind for is listed as not judged.
    assert!(
        stderr(&out).contains(
            "not judged: aws_instance.bastion (Terraform deferred it to a later plan \
             (resource_config_unknown))"
        ),
        "{}",
        stderr(&out)
    );
    let table = stdout(&scan(&["--terraform-plan", p.to_str().unwrap()]));
    assert!(table.contains(
        "  ec2 eu-west-1: terraform plan (module.network): module.network.aws_subnet.isolated[*]: \
         Terraform deferred it to a later plan (instance_count_unknown)"
    ));
}

#[test]
fn a_targeted_plan_judges_nothing_as_complete() {
    let r = scan_plan("targeted.json", 0);
    assert_eq!(summary(&r), (23, 0, 164));
    let why = "terraform plan: the plan is incomplete (`complete: false`, as -target makes it), \
               so resources may be missing from it";
    // Each rule over a mapped kind says so once for the region, and the plan's own resources
    // are still judged where nothing outside them counts.
    for rule in ["HA-RDS-001", "HA-ASG-001", "HA-ELB-001", "HA-NAT-002"] {
        assert_eq!(reason(&r, rule, "*"), why, "{rule}");
    }
    assert!(with("pass", &r).contains(&("HA-RDS-001".into(), DB.into())));
}

fn sarif_messages(args: &[&str]) -> Vec<(String, String)> {
    let out = scan(args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let s: Value = serde_json::from_str(&stdout(&out)).unwrap();
    s["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_string(),
                r["message"]["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn sarif_messages_say_what_was_assumed_and_what_got_worse() {
    let p = plan("before-deploy.fail.json");
    let m = sarif_messages(&["--format", "sarif", "--terraform-plan", p.to_str().unwrap()]);
    let rds: Vec<&String> = m
        .iter()
        .filter(|(r, _)| r == "HA-RDS-001")
        .map(|(_, t)| t)
        .collect();
    assert_eq!(
        rds,
        [
            "DB instance module.db.aws_db_instance.this (postgres) runs in a single AZ (unknown) \
          with no standby (module.db.aws_db_instance.this). assumed default: `multi_az` = false: \
          `multi_az` is not set in the configuration of module.db.aws_db_instance.this, so the \
          provider's default applies"
        ]
    );
    let p = plan("update.json");
    let m = sarif_messages(&[
        "--format",
        "sarif",
        "--changes-only",
        "--terraform-plan",
        p.to_str().unwrap(),
    ]);
    let worse: Vec<(&str, &str)> = m
        .iter()
        .filter_map(|(r, t)| Some((r.as_str(), t.split_once(". worsens: ")?.1)))
        .collect();
    assert_eq!(
        worse,
        [
            ("HA-ASG-004", "`suspended_processes` gains Launch"),
            ("HA-RDS-008", "`backup_retention_period` goes from 5 to 2"),
        ]
    );
    // A failure the update introduces carries no note.
    assert!(m.iter().any(|(r, t)| r == "HA-RDS-001"
        && t == "DB instance aws_db_instance.orders (postgres) runs in a single AZ (eu-west-1a) \
                 with no standby (aws_db_instance.orders)"));
}

#[test]
fn the_table_says_how_a_change_made_a_failure_worse() {
    let p = plan("update.json");
    let out = scan(&["--changes-only", "--terraform-plan", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // Cells wrap at the fixed width of a pipe: join each row's FINDING lines.
    let finding: String = stdout(&out)
        .lines()
        .filter_map(|l| l.rsplit('┆').next())
        .map(|c| c.trim_end_matches('│').trim())
        .collect::<Vec<_>>()
        .join(" ");
    for note in [
        "(worsens: `suspended_processes` gains Launch)",
        "(worsens: `backup_retention_period` goes from 5 to 2)",
    ] {
        assert!(finding.contains(note), "{note} in {finding}");
    }
}

#[test]
fn an_element_picked_from_a_module_output_pairs_by_index_and_is_never_guessed() {
    let p = plan("pairing.json");
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snapshot.json");
    let out = run(ha_audit(None).args([
        "collect",
        "--terraform-plan",
        p.to_str().unwrap(),
        "--out",
        snap.to_str().unwrap(),
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&snap).unwrap()).unwrap();
    let subnets: Vec<(&str, &Value)> = s["ec2"]["nat_gateways"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["nat_gateway_id"].as_str().unwrap(), &n["subnet_id"]))
        .collect();
    let public = |i: usize| Value::from(format!("module.network.aws_subnet.public[{i}]"));
    assert_eq!(
        subnets,
        [
            ("aws_nat_gateway.first", &Value::Null),
            ("aws_nat_gateway.zonal[0]", &public(0)),
            ("aws_nat_gateway.zonal[1]", &public(1)),
            ("aws_nat_gateway.zonal[2]", &public(2)),
        ]
    );
    let first = s["terraform_plan"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "aws_nat_gateway.first")
        .unwrap();
    assert_eq!(
        first["unknown"]["subnet_id"],
        "known only after apply (aws_nat_gateway.first: subnet_id); the configuration names 3 \
         resources for it (module.network.aws_subnet.public[0], ...) and the plan does not tell \
         which one"
    );
}
