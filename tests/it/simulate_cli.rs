//! `ha-audit simulate` from the command line: the demo's verdicts for every AZ and for a
//! region, AZ names against IDs, the workloads file, the CI gate, SARIF validity, and bad
//! input (exit 2, a message naming what was wrong, nothing written).

use crate::support::cli::{ha_audit, repo, run, stderr, stdout};
use crate::support::report::assert_valid_sarif;
use serde_json::Value;
use std::process::Output;

const DEMO: &str = "fixtures/demo-account.json";

fn simulate(args: &[&str]) -> Output {
    run(ha_audit(None)
        .current_dir(repo())
        .arg("simulate")
        .args(args))
}

fn json(args: &[&str]) -> Value {
    let mut all = vec!["--format", "json", "--fail-on", "never"];
    all.extend_from_slice(args);
    let out = simulate(&all);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_str(&stdout(&out)).expect("JSON simulation report")
}

/// (workload, verdict, worst AZ, data loss) of every workload, in report order.
fn verdicts(report: &Value) -> Vec<(String, String, Option<String>, bool)> {
    report["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["id"].as_str().unwrap().to_string(),
                w["verdict"].as_str().unwrap().to_string(),
                w["az_id"].as_str().map(str::to_string),
                w["data_loss"].as_bool().unwrap(),
            )
        })
        .collect()
}

fn row(
    id: &str,
    verdict: &str,
    az: Option<&str>,
    loss: bool,
) -> (String, String, Option<String>, bool) {
    (id.into(), verdict.into(), az.map(str::to_string), loss)
}

#[test]
fn every_az_of_the_demo_gives_each_workload_its_worst_verdict() {
    let report = json(&["--demo", "--all-azs"]);
    assert_eq!(report["schema_version"], 1);
    assert_eq!(report["scenario"]["kind"], "every-az");
    // In each region: web-a, web-b and web-c are single instances (one AZ each); the shop's
    // Aurora cluster and Redis group fail over; EFS, Lambda and the ALB behind
    // www.shop.example.com lose one AZ of three; ECS tasks and EKS nodes are not placed in the
    // snapshot; the neglected legacy-mysql runs in one AZ.
    let (east, west) = ("(123456789012 us-east-1)", "(123456789012 us-west-2)");
    let mut expected = Vec::new();
    for (web, east_az, west_az) in [
        ("web-a", "use1-az6", "usw2-az2"),
        ("web-b", "use1-az1", "usw2-az1"),
        ("web-c", "use1-az2", "usw2-az3"),
    ] {
        expected.push(row(
            &format!("ec2/{web} {east}"),
            "outage",
            Some(east_az),
            false,
        ));
        expected.push(row(
            &format!("ec2/{web} {west}"),
            "outage",
            Some(west_az),
            false,
        ));
    }
    expected.push(row("rds/legacy-mysql", "outage", Some("use1-az6"), true));
    for w in ["ecs/shop/checkout", "eks/shop-k8s"] {
        for r in [east, west] {
            expected.push(row(
                &format!("{w} {r}"),
                "not_evaluated",
                Some("use1-az1"),
                false,
            ));
        }
    }
    for (w, loss) in [("cache/shop-sessions", true), ("rds/shop-orders", false)] {
        expected.push(row(
            &format!("{w} {east}"),
            "failover",
            Some("use1-az6"),
            loss,
        ));
        expected.push(row(
            &format!("{w} {west}"),
            "failover",
            Some("usw2-az2"),
            loss,
        ));
    }
    for w in ["efs/shop-media", "lambda/shop-thumbnails"] {
        expected.push(row(
            &format!("{w} {east}"),
            "degraded",
            Some("use1-az1"),
            false,
        ));
        expected.push(row(
            &format!("{w} {west}"),
            "degraded",
            Some("usw2-az1"),
            false,
        ));
    }
    expected.push(row(
        "www.shop.example.com",
        "degraded",
        Some("use1-az1"),
        false,
    ));
    for w in [
        format!("asg/shop-workers {east}"),
        format!("asg/shop-workers {west}"),
        "cdn/cdn.shop.example.com".into(),
        format!("dynamodb/shop-carts {east}"),
        format!("dynamodb/shop-carts {west}"),
        "s3/shop-assets-dr".into(),
        "s3/shop-legacy-exports".into(),
        "s3/shop-trail".into(),
        "s3/shop-trail-dr".into(),
    ] {
        expected.push(row(&w, "unaffected", None, false));
    }
    assert_eq!(verdicts(&report), expected);
    let s = &report["summary"];
    assert_eq!(
        [
            &s["outage"],
            &s["not_evaluated"],
            &s["failover"],
            &s["degraded"],
            &s["unaffected"],
            &s["az_resilience_score"]
        ],
        [7, 4, 4, 5, 9, 66]
    );
    assert_eq!(report["per_az"].as_array().unwrap().len(), 10);
    // The estimate cites where each number comes from.
    let rds = &report["workloads"][13];
    assert_eq!(rds["id"], format!("rds/shop-orders {east}"));
    assert_eq!(rds["failover_estimate"]["min_s"], 0);
    assert_eq!(rds["failover_estimate"]["max_s"], 30);
    assert_eq!(
        rds["failover_estimate"]["basis"][0],
        "Aurora failover to a reader: typically within 30 s [AUR-hb]"
    );
}

#[test]
fn a_region_failure_moves_health_checked_dns_to_the_other_region() {
    let report = json(&["--demo", "--fail-region", "us-east-1"]);
    let v = verdicts(&report);
    let find = |id: &str| {
        v.iter()
            .find(|r| r.0 == id)
            .unwrap_or_else(|| panic!("no {id}"))
            .1
            .clone()
    };
    // www.shop.example.com fails over to the west ALB (its primary is health-checked); the
    // CDN's default behaviour targets the east bucket alone (HA-CF-003), so it goes down with
    // it; the west copy of the database is untouched.
    assert_eq!(find("www.shop.example.com"), "failover");
    assert_eq!(find("cdn/cdn.shop.example.com"), "outage");
    assert_eq!(find("s3/shop-trail"), "outage");
    assert_eq!(
        find("rds/shop-orders (123456789012 us-west-2)"),
        "unaffected"
    );
    let w = report["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == "www.shop.example.com")
        .unwrap();
    assert_eq!(
        w["why"],
        "load balancer shop-web: its region us-east-1 fails; Route 53 failover to load balancer shop-web"
    );
}

#[test]
fn an_az_name_means_its_id_in_that_account_with_a_note() {
    let by_id = json(&["--demo", "--fail-az", "use1-az6"]);
    let out = simulate(&[
        "--demo",
        "--fail-az",
        "us-east-1a",
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("note: AZ name us-east-1a resolved to AZ ID use1-az6 through the AZ map of account(s) 123456789012"),
        "{}",
        stderr(&out)
    );
    let by_name: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(verdicts(&by_name), verdicts(&by_id));
    assert_eq!(by_name["scenario"]["az_id"], "use1-az6");
    assert_eq!(
        by_name["scenario"]["az_names"]["123456789012"],
        "us-east-1a"
    );
}

#[test]
fn the_gate_fails_on_the_chosen_verdict_and_sarif_lists_what_breaks() {
    // Default gate: an outage fails the run.
    assert_eq!(
        simulate(&["--demo", "--fail-az", "use1-az6"]).status.code(),
        Some(1)
    );
    // use1-az3 holds none of the shop's subnets: only the ECS and EKS workloads, whose
    // placement is unknown, are not evaluated there.
    assert_eq!(
        simulate(&[
            "--demo",
            "--fail-az",
            "use1-az3",
            "--fail-on",
            "not-evaluated"
        ])
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        simulate(&["--demo", "--fail-az", "use1-az3"]).status.code(),
        Some(0)
    );
    let out = simulate(&[
        "--snapshot",
        DEMO,
        "--fail-az",
        "use1-az6",
        "--format",
        "sarif",
        "--fail-on",
        "never",
    ]);
    let sarif: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_valid_sarif(&sarif);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let ids: Vec<(&str, &str)> = results
        .iter()
        .map(|r| {
            (
                r["properties"]["workload"].as_str().unwrap(),
                r["ruleId"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ids,
        [
            ("ec2/web-a (123456789012 us-east-1)", "sim/az-outage"),
            ("rds/legacy-mysql", "sim/az-outage"),
            (
                "ecs/shop/checkout (123456789012 us-east-1)",
                "sim/az-not-evaluated"
            ),
            (
                "ecs/shop/checkout (123456789012 us-west-2)",
                "sim/az-not-evaluated"
            ),
            (
                "eks/shop-k8s (123456789012 us-east-1)",
                "sim/az-not-evaluated"
            ),
            (
                "eks/shop-k8s (123456789012 us-west-2)",
                "sim/az-not-evaluated"
            ),
            (
                "cache/shop-sessions (123456789012 us-east-1)",
                "sim/az-failover"
            ),
            (
                "rds/shop-orders (123456789012 us-east-1)",
                "sim/az-failover"
            ),
            ("efs/shop-media (123456789012 us-east-1)", "sim/az-degraded"),
            (
                "lambda/shop-thumbnails (123456789012 us-east-1)",
                "sim/az-degraded"
            ),
            ("www.shop.example.com", "sim/az-degraded"),
        ]
    );
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        DEMO
    );
    assert_eq!(
        results[0]["partialFingerprints"]["workload/az"],
        "ec2/web-a (123456789012 us-east-1)/use1-az6"
    );
}

#[test]
fn a_workloads_file_groups_components_before_anything_else() {
    let dir = tempdir();
    let file = dir.join("workloads.toml");
    std::fs::write(
        &file,
        "[[workload]]\nid = \"web\"\narns = [\"arn:aws:rds:us-east-1:123456789012:db:legacy-mysql\"]\n\
         tags = { Name = \"web-a\" }\n",
    )
    .unwrap();
    let report = json(&[
        "--demo",
        "--fail-az",
        "use1-az6",
        "--workloads",
        file.to_str().unwrap(),
    ]);
    let web = report["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["id"] == "web")
        .expect("the file's workload");
    assert_eq!(web["defined_by"], "workloads file");
    assert_eq!(web["verdict"], "outage");
    let kinds: Vec<&str> = web["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    // web-a of each region (by its Name tag) and the DB instance (by its ARN).
    assert_eq!(kinds, ["ec2.instance", "ec2.instance", "rds.db_instance"]);
    assert!(!verdicts(&report)
        .iter()
        .any(|r| r.0 == "rds/legacy-mysql" || r.0.starts_with("ec2/web-a ")));
}

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "ha-audit-sim-{}-{}",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

#[test]
fn bad_input_is_exit_2_with_a_clear_message_and_no_report() {
    let dir = tempdir();
    let report = dir.join("out.json");
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[[workload]]\nid = \"x\"\nstackz = [\"a\"]\n").unwrap();
    let empty = dir.join("empty.toml");
    std::fs::write(&empty, "[[workload]]\nid = \"x\"\n").unwrap();
    let out_path = report.to_str().unwrap();
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["--demo", "--fail-az", "use1-az9"],
            "--fail-az use1-az9: not an AZ ID or name of the snapshot; AZ IDs: use1-az1".into(),
        ),
        (
            vec!["--demo", "--fail-region", "eu-west-1"],
            "--fail-region eu-west-1: not a region of the snapshot (us-east-1, us-west-2)".into(),
        ),
        (
            vec!["--demo", "--all-azs", "--workloads", bad.to_str().unwrap()],
            format!("{}: not a workloads file", bad.display()),
        ),
        (
            vec![
                "--demo",
                "--all-azs",
                "--workloads",
                empty.to_str().unwrap(),
            ],
            format!(
                "{}: workload `x` selects nothing: give arns, stacks or tags",
                empty.display()
            ),
        ),
        (vec!["--demo"], "--fail-az".into()),
    ];
    for (args, message) in cases {
        let mut all = args.clone();
        all.extend(["--output", out_path]);
        let out = simulate(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&message),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(!report.exists(), "{args:?} wrote a report");
    }
    // The TOML error names the line.
    let out = simulate(&["--demo", "--all-azs", "--workloads", bad.to_str().unwrap()]);
    assert!(stderr(&out).contains("line 3"), "{}", stderr(&out));
}

#[test]
fn the_table_and_html_show_every_workload() {
    let out = simulate(&["--demo", "--all-azs", "--fail-on", "never"]);
    let table = stdout(&out);
    assert!(
        table.contains("Scenario: each of 10 AZs fails in turn; each workload shows its worst AZ"),
        "{table}"
    );
    assert!(
        table.contains("Worst AZ: use1-az6 (us-east-1), score 89"),
        "{table}"
    );
    assert!(
        table
            .contains("AZ-resilience score: 66/100 (worst AZ per workload) · rule score: 95.2/100"),
        "{table}"
    );
    let html = stdout(&simulate(&[
        "--demo",
        "--all-azs",
        "--format",
        "html",
        "--fail-on",
        "never",
    ]));
    assert_eq!(html.matches("<tr><td>").count(), 29);
    // One cell per (workload, AZ) whose failure is an outage in the per-AZ table: each web
    // instance in its AZ (6) and legacy-mysql in use1-az6.
    assert_eq!(html.matches("<td class=\"outage\"").count(), 7);
}
