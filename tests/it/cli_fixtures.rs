//! The real binary on snapshot fixtures: every format, the exit-code contract, atomic output,
//! not_evaluated reporting and clear errors for bad input.

use crate::support::cli::{
    self, ha_audit, repo, run, scan, stderr, stdout, BUILTIN_RULES, DEMO, DENIED,
};
use crate::support::report::{assert_valid_sarif, by_id};
use serde_json::Value;
use std::fs;

fn json_report(args: &[&str]) -> Value {
    let out = scan(&[args, &["--format", "json"]].concat());
    serde_json::from_str(&stdout(&out)).expect("JSON report")
}

#[test]
fn demo_table_lists_failures_by_severity_with_all_counts() {
    let out = scan(&["--snapshot", DEMO]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).is_empty(), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("account 123456789012 · regions us-east-1, us-west-2"));
    // The counts line agrees with the JSON report of the same snapshot.
    let summary = &json_report(&["--snapshot", DEMO])["summary"];
    let n = |k: &str| summary[k].as_u64().unwrap();
    let sev = |k: &str| summary["fail_by_severity"][k].as_u64().unwrap();
    let counts = format!(
        "{} fail ({} critical, {} high, {} medium, {} low) · {} pass · 0 suppressed · {} not evaluated",
        n("fail"), sev("critical"), sev("high"), sev("medium"), sev("low"), n("pass"), n("not_evaluated")
    );
    assert_eq!((n("fail"), n("pass")), (29, 421), "{counts}");
    assert!(text.contains(&counts), "{counts}\n{text}");
    // Grouped by severity: every HIGH row comes before the first MEDIUM, which precede LOW.
    let pos = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(pos("│ HIGH") < pos("│ MEDIUM") && pos("│ MEDIUM") < pos("│ LOW"));
    assert!(text.rfind("│ HIGH").unwrap() < pos("│ MEDIUM"));
    assert!(text.contains("legacy-mysql"));
    assert!(!text.contains('\u{1b}'), "no colour when not a terminal");
}

#[test]
fn demo_json_report_is_stable() {
    let out = scan(&["--snapshot", DEMO, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("demo_json", stdout(&out));
}

#[test]
fn the_demo_flag_judges_the_bundled_demo_snapshot() {
    // The README's first command: the same report as the demo file, in every format that
    // does not point at the file's lines; no credentials, no file.
    for format in ["json", "table", "markdown"] {
        let from_file = scan(&["--snapshot", DEMO, "--format", format]);
        let built_in = scan(&["--demo", "--format", format]);
        assert_eq!(built_in.status.code(), Some(1), "{}", stderr(&built_in));
        assert_eq!(stdout(&built_in), stdout(&from_file), "{format}");
    }
    let out = run(ha_audit(None).args(["scan", "--demo", "--snapshot", DEMO]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--snapshot"), "{}", stderr(&out));
}

#[test]
fn json_findings_are_in_a_deterministic_order_and_counted() {
    let report = json_report(&["--snapshot", DEMO]);
    assert_eq!(report["schema_version"], 1);
    let findings = report["findings"].as_array().unwrap();
    let keys: Vec<(String, String, String)> = findings
        .iter()
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().into(),
                f["region"].as_str().unwrap().into(),
                f["resource_id"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    let count = |o: &str| findings.iter().filter(|f| f["outcome"] == o).count();
    assert_eq!(report["summary"]["fail"], count("fail"));
    assert_eq!(report["summary"]["pass"], count("pass"));
}

#[test]
fn unreadable_scopes_are_not_evaluated_in_every_format() {
    let report = json_report(&["--snapshot", DENIED]);
    let find = |rule: &str, id: &str| by_id(&report, rule, id);
    // A listing denied: one not_evaluated per rule for the whole scope.
    for rule in ["HA-RDS-001", "HA-RDS-003"] {
        let f = find(rule, "*");
        assert_eq!(f["outcome"], "not_evaluated");
        assert_eq!(f["region"], "eu-west-1");
        assert!(f["reason"].as_str().unwrap().contains("AccessDenied"));
    }
    // A detail call denied: the resource is not evaluated by the rules that need the field...
    assert_eq!(find("HA-S3-001", "shop-assets")["outcome"], "not_evaluated");
    assert_eq!(find("HA-ELB-002", "shop")["outcome"], "not_evaluated");
    // ...and still judged by the rules that do not.
    assert_eq!(find("HA-ELB-001", "shop")["outcome"], "pass");
    assert_eq!(find("HA-S3-002", "shop-assets")["outcome"], "fail");
    // A cluster that RDS reports Multi-AZ passes even though its members could not be listed.
    assert_eq!(find("HA-RDS-002", "shop-db")["outcome"], "pass");
    // Replication to a bucket of this account in another region counts.
    assert_eq!(find("HA-S3-002", "shop-backups")["outcome"], "pass");
    // Every rule over DB instances is not evaluated once, for the whole region; the counts
    // agree across formats.
    let findings = report["findings"].as_array().unwrap();
    let not_evaluated = findings
        .iter()
        .filter(|f| f["outcome"] == "not_evaluated")
        .count();
    assert_eq!(report["summary"]["not_evaluated"], not_evaluated);
    let whole_region: Vec<&Value> = findings
        .iter()
        .filter(|f| f["resource_id"] == "*")
        .collect();
    let instance_rules = cli::rules()
        .iter()
        .filter(|r| r["resource"] == "rds.db_instance")
        .count();
    assert_eq!(whole_region.len(), instance_rules);
    assert!(whole_region
        .iter()
        .all(|f| f["outcome"] == "not_evaluated" && f["resource_kind"] == "rds.db_instance"));

    let table = stdout(&scan(&["--snapshot", DENIED, "--show-not-evaluated"]));
    assert!(
        table.contains(&format!("Not evaluated ({not_evaluated}):")),
        "{table}"
    );
    assert!(table.contains("every DB instance in eu-west-1"), "{table}");
    assert!(
        table.contains("Coverage: 3 of 6 service scopes read completely."),
        "{table}"
    );
    assert!(table.contains("[needs rds:DescribeDBInstances]"), "{table}");
    assert!(
        table.contains(&format!("· {not_evaluated} not evaluated")),
        "{table}"
    );

    let sarif: Value =
        serde_json::from_str(&stdout(&scan(&["--snapshot", DENIED, "--format", "sarif"]))).unwrap();
    assert_valid_sarif(&sarif);
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), not_evaluated);
    assert!(notes
        .iter()
        .any(|n| n["associatedRule"]["id"] == "HA-RDS-001"
            && n["message"]["text"]
                .as_str()
                .unwrap()
                .contains("AccessDenied")));
    assert_eq!(
        sarif["runs"][0]["properties"]["summary"]["not_evaluated"],
        not_evaluated
    );
}

#[test]
fn sarif_is_valid_and_shaped_for_code_scanning() {
    let out = scan(&["--snapshot", DEMO, "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_valid_sarif(&doc);
    let run0 = &doc["runs"][0];
    assert_eq!(
        run0["automationDetails"]["id"],
        "ha-audit/123456789012/us-east-1+us-west-2/"
    );
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), BUILTIN_RULES);
    for r in rules {
        assert!(r["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .is_ok());
        assert!(r["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("Remediation"));
    }
    let results = run0["results"].as_array().unwrap();
    let report = json_report(&["--snapshot", DEMO]);
    assert_eq!(
        results.len() as u64,
        report["summary"]["fail"].as_u64().unwrap()
    );
    let mut fingerprints = std::collections::BTreeSet::new();
    for r in results {
        let loc = &r["locations"][0];
        let uri = loc["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        // The demo is a snapshot as ha-audit writes it: results point at the resource's line.
        assert_eq!(uri, DEMO);
        let arn = loc["logicalLocations"][0]["fullyQualifiedName"]
            .as_str()
            .unwrap();
        assert!(arn.starts_with("arn:aws:"), "{arn}");
        assert!(r["message"]["text"].as_str().unwrap().contains(arn));
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], r["ruleId"]);
        fingerprints.insert(r["partialFingerprints"]["primaryLocationLineHash"].to_string());
    }
    assert_eq!(
        fingerprints.len(),
        results.len(),
        "fingerprints are unique per finding"
    );
    // ...and stable across runs.
    let again: Value =
        serde_json::from_str(&stdout(&scan(&["--snapshot", DEMO, "--format", "sarif"]))).unwrap();
    assert_eq!(again, doc);
}

#[test]
fn fail_on_sets_the_exit_code() {
    let code = |level: &str| {
        scan(&["--snapshot", DEMO, "--fail-on", level])
            .status
            .code()
    };
    assert_eq!(code("low"), Some(1));
    assert_eq!(code("high"), Some(1));
    // The worst is high (legacy-mysql runs in one AZ, HA-RDS-001): no critical failure.
    assert_eq!(code("critical"), Some(0));
    assert_eq!(code("never"), Some(0));
    let denied = |level: &str| {
        scan(&["--snapshot", DENIED, "--fail-on", level])
            .status
            .code()
    };
    assert_eq!(denied("medium"), Some(1));
    assert_eq!(denied("high"), Some(0), "only medium failures");
}

#[test]
fn output_file_is_written_whole_and_stdout_stays_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.sarif");
    let out = scan(&[
        "--snapshot",
        DEMO,
        "--format",
        "sarif",
        "--output",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    let written = fs::read_to_string(&path).unwrap();
    let direct = stdout(&scan(&["--snapshot", DEMO, "--format", "sarif"]));
    assert_eq!(written, direct);
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
}

#[test]
fn unwritable_output_is_an_input_error_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing-dir/report.json");
    let out = scan(&["--snapshot", DEMO, "--output", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("missing-dir/report.json"),
        "{}",
        stderr(&out)
    );
    assert!(!path.exists());
}

fn bad_snapshot(text: &str) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("snap.json");
    fs::write(&path, text).unwrap();
    let out = scan(&["--snapshot", path.to_str().unwrap()]);
    assert!(stdout(&out).is_empty(), "no report on bad input");
    (out.status.code(), stderr(&out))
}

#[test]
fn bad_snapshots_are_exit_2_with_file_line_and_field() {
    let (code, err) = bad_snapshot("{\n  \"schema_version\": 1,\n  \"account_id\": \n");
    assert_eq!(code, Some(2));
    assert!(err.contains("snap.json") && err.contains("line 4"), "{err}");

    let demo = fs::read_to_string(repo().join(DEMO)).unwrap();
    let (code, err) =
        bad_snapshot(&demo.replacen("\"schema_version\": 1", "\"schema_version\": 7", 1));
    assert_eq!(code, Some(2));
    assert!(
        err.contains("schema_version") && err.contains("upgrade ha-audit"),
        "{err}"
    );

    let (code, err) = bad_snapshot(&demo.replacen("\"multi_az\":", "\"multi_azz\":", 1));
    assert_eq!(code, Some(2));
    assert!(
        err.contains("unknown field `multi_azz`") && err.contains("line"),
        "{err}"
    );

    let (code, err) = bad_snapshot("[]");
    assert_eq!(code, Some(2));
    assert!(err.contains("schema_version"), "{err}");

    let out = scan(&["--snapshot", "fixtures/no-such-file.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no-such-file.json"));
}

#[test]
fn a_snapshot_cut_in_the_middle_is_exit_2_naming_the_file_and_last_line() {
    let demo = fs::read_to_string(repo().join(DEMO)).unwrap();
    let mut half = demo.len() / 2;
    while !demo.is_char_boundary(half) {
        half -= 1;
    }
    let cut = &demo[..half];
    let (code, err) = bad_snapshot(cut);
    assert_eq!(code, Some(2), "{err}");
    // The document ends early: the error is at the end of the last (partial) line.
    let last_line = cut.matches('\n').count() + 1;
    assert!(
        err.contains("snap.json")
            && err.contains(&format!("line {last_line},"))
            && err.contains("not valid JSON"),
        "{err}"
    );
}

#[test]
fn an_old_or_malformed_schema_version_is_exit_2_naming_the_field() {
    let demo = fs::read_to_string(repo().join(DEMO)).unwrap();
    let with_version = |v: &str| {
        let text = demo.replacen(
            "\"schema_version\": 1",
            &format!("\"schema_version\": {v}"),
            1,
        );
        assert_ne!(text, demo);
        bad_snapshot(&text)
    };
    let (code, err) = with_version("0");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("snap.json")
            && err.contains("field `schema_version`")
            && err.contains("schema version 0")
            && err.contains("collect it again"),
        "{err}"
    );
    for v in ["\"1\"", "1.5", "-1", "true", "null", "[1]"] {
        let (code, err) = with_version(v);
        assert_eq!(code, Some(2), "{v}: {err}");
        assert!(
            err.contains("snap.json")
                && err.contains("field `schema_version`: missing or not a number"),
            "{v}: {err}"
        );
    }
}

fn with_rule(file: &str, text: &str) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(file), text).unwrap();
    let out = scan(&[
        "--snapshot",
        DEMO,
        "--format",
        "json",
        "--rules",
        dir.path().to_str().unwrap(),
    ]);
    (out.status.code(), stdout(&out), stderr(&out))
}

const CUSTOM: &str = r#"
id = "ACME-RDS-001"
name = "acme-rds-deletion-protection"
title = "Production databases have deletion protection"
resource = "rds.db_instance"
severity = "low"
category = "redundancy"
applies = "!resource.is_cluster_member"
compliant = "resource.deletion_protection"
message = "DB instance {id} can be deleted by one API call"
[docs]
why = "Deleting a database by mistake is an outage."
remediation = "aws rds modify-db-instance --deletion-protection"
"#;

#[test]
fn user_rules_from_a_directory_are_evaluated() {
    let (code, out, err) = with_rule("acme.toml", CUSTOM);
    assert_eq!(code, Some(1), "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    let custom: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "ACME-RDS-001")
        .collect();
    // One standalone instance in the demo, legacy-mysql, without deletion protection (the
    // shop's Aurora instances are cluster members).
    assert_eq!(custom.len(), 1);
    assert!(custom.iter().all(|f| f["outcome"] == "fail"));
}

#[test]
fn broken_rules_are_exit_2_naming_the_file_and_rule() {
    let cases = [
        (
            CUSTOM.replace(
                "resource.deletion_protection\"",
                "resource.deletion_protection &&\"",
            ),
            "does not compile",
        ),
        (
            CUSTOM.replace(
                "resource.deletion_protection\"",
                "resource.deletion_protecton\"",
            ),
            "deletion_protecton",
        ),
        (
            CUSTOM.replace("\"rds.db_instance\"", "\"rds.db_instanse\""),
            "unknown resource kind",
        ),
        (
            CUSTOM.replace("severity = \"low\"", "severity = \"urgent\""),
            "urgent",
        ),
        (
            CUSTOM.replace("resource.deletion_protection\"", "resource.engine\""),
            "expected a bool",
        ),
        (
            CUSTOM.replace(
                "\"!resource.is_cluster_member\"",
                "\"!resource.is_cluster_member ||\"",
            ),
            "field `applies`: CEL does not compile",
        ),
        (
            CUSTOM.replace("ACME-RDS-001", "HA-RDS-001"),
            "duplicate rule id",
        ),
        (
            CUSTOM.replace("id = \"ACME-RDS-001\"", "id = \"acme 1\""),
            "not a valid id",
        ),
    ];
    for (text, expect) in cases {
        let (code, out, err) = with_rule("acme.toml", &text);
        assert_eq!(code, Some(2), "{expect}: {err}");
        assert!(out.is_empty());
        assert!(err.contains("acme.toml"), "{expect}: {err}");
        assert!(err.contains(expect), "{expect}: {err}");
    }
    let (code, _, err) = with_rule("acme.toml", "id = \"X-1\"\nname = [\n");
    assert_eq!(code, Some(2));
    assert!(err.contains("acme.toml") && err.contains("line"), "{err}");
}

#[test]
fn rules_and_explain_describe_the_catalogue() {
    let rules = cli::rules();
    assert_eq!(rules.len(), BUILTIN_RULES);
    assert!(rules
        .iter()
        .all(|r| r["mappings"].is_object() && r["docs"]["why"].is_string()));

    let table = stdout(&run(ha_audit(None).arg("rules")));
    assert!(table.contains("HA-RDS-001") && table.contains("high") && table.contains("SH RDS.5"));

    let out = run(ha_audit(None).args(["explain", "ha-s3-002"]));
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.contains("HA-S3-002")
            && text.contains("Remediation")
            && text.contains("put-bucket-replication")
    );

    let out = run(ha_audit(None).args(["explain", "HA-NOPE-1"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("HA-NOPE-1"));
}

#[test]
fn explain_fields_lists_what_a_kind_offers_to_rules() {
    let out = run(ha_audit(None).args(["explain", "--fields", "rds.db_instance"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("rds.db_instance (DB instance, regional): 45 fields")
    );
    // One line per field (descriptions may wrap onto lines that start with blanks).
    let rows: Vec<Vec<&str>> = text
        .lines()
        .filter(|l| l.starts_with(' ') && l.as_bytes().get(1).is_some_and(|b| *b != b' '))
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 45, "{text}");
    let row = |name: &str| {
        rows.iter()
            .find(|r| r[0] == name)
            .unwrap_or_else(|| panic!("no {name} in {text}"))
    };
    assert_eq!(row("multi_az")[1], "bool");
    assert_eq!(row("subnet_group_azs")[1..3], ["list<string>", "The"]);
    assert_eq!(row("account_id")[1], "string");
    // Snapshot fields are typed from their Rust types, not from an empty example value.
    assert_eq!(row("engine_version")[1..], ["string", "or", "null"]);
    assert_eq!(row("allocated_storage")[1..], ["int", "or", "null"]);
    assert_eq!(row("read_replica_identifiers")[1..], ["list<string>"]);
    assert_eq!(row("tags")[1..], ["map<string,", "string>"]);
    let derived = text.find("Derived by ha-audit").unwrap();
    let api = text.find("As read from the AWS API").unwrap();
    let at = |name: &str| text.find(&format!(" {name} ")).unwrap();
    assert!(derived < at("is_cluster_member") && at("is_cluster_member") < api);
    assert!(api < at("multi_az"));

    let out = run(ha_audit(None).args(["explain", "--fields", "rds.instance"]));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("no kind `rds.instance`") && err.contains("rds.db_instance, "),
        "{err}"
    );
    let out = run(ha_audit(None).arg("explain"));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn checked_in_rule_catalogue_is_current() {
    let out = run(ha_audit(None).args(["rules", "--format", "markdown"]));
    let current = fs::read_to_string(repo().join("rules/README.md")).unwrap();
    assert_eq!(
        stdout(&out),
        current,
        "rules/README.md is stale: run `ha-audit rules --format markdown > rules/README.md`"
    );
}

/// The README's counts are the binary's: services read, rules shipped, and the anchors' checks
/// covered as `rules --coverage` prints them.
#[test]
fn readme_counts_are_current() {
    let readme = fs::read_to_string(repo().join("README.md"))
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let services = ha_audit::registry::Service::ALL.len();
    assert!(
        readme.contains(&format!(
            "read-only API calls to {services} AWS services, evaluates {BUILTIN_RULES} declarative rules"
        )),
        "README counts are stale: {services} services, {BUILTIN_RULES} rules"
    );
    for (anchor, phrase) in [
        (
            "trusted-advisor",
            "of Trusted Advisor's 91 fault-tolerance checks",
        ),
        ("prowler", "of Prowler's 89 resilience checks"),
    ] {
        let c: Value = serde_json::from_str(&stdout(&run(ha_audit(None).args([
            "rules",
            "--coverage",
            anchor,
            "--format",
            "json",
        ]))))
        .unwrap();
        let covered = c["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| !x["rules"].as_array().unwrap().is_empty())
            .count();
        assert!(
            readme.contains(&format!("{covered} {phrase}")),
            "README: {covered} {phrase}"
        );
    }
}

#[test]
fn usage_errors_are_exit_2() {
    let out = run(ha_audit(None).args(["scan", "--format", "xml", "--snapshot", DEMO]));
    assert_eq!(out.status.code(), Some(2));
    let out = run(ha_audit(None)
        .args(["scan", "--region", "us-east-9x"])
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9"));
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("us-east-9x"), "{}", stderr(&out));
}

#[test]
fn missing_credentials_are_exit_2_with_a_clear_message() {
    // The endpoint is a closed loopback port: nothing leaves the machine whatever happens.
    let out = run(ha_audit(None)
        .args(["scan", "--region", "us-east-1"])
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9"));
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("credentials"), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
}

#[test]
fn iam_policy_is_read_only() {
    let out = run(ha_audit(None).arg("iam-policy"));
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let actions = doc["Statement"][0]["Action"].as_array().unwrap();
    // The read actions of every collector.
    assert_eq!(actions.len(), 127);
    for a in actions {
        let a = a.as_str().unwrap();
        let (_, verb) = a.split_once(':').unwrap();
        assert!(
            verb.starts_with("Describe") || verb.starts_with("List") || verb.starts_with("Get"),
            "{a} is not a read action"
        );
    }
    // The README shows the same policy.
    let readme = fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(
        readme.contains(stdout(&out).trim()),
        "README policy is stale"
    );
}

#[test]
fn fail_on_incomplete_turns_coverage_gaps_into_exit_1() {
    let code = |args: &[&str]| scan(args).status.code();
    // access-denied fails only medium rules: with a high threshold it passes the gate...
    assert_eq!(code(&["--snapshot", DENIED, "--fail-on", "high"]), Some(0));
    // ...unless incomplete coverage must fail it.
    let out = scan(&[
        "--snapshot",
        DENIED,
        "--fail-on",
        "high",
        "--fail-on-incomplete",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("incomplete"), "{}", stderr(&out));
    // Fields missing from a snapshot are incomplete coverage too.
    let older = "fixtures/scenarios/monitoring-and-zonal-shift.json";
    assert_eq!(code(&["--snapshot", older, "--fail-on", "never"]), Some(0));
    assert_eq!(
        code(&[
            "--snapshot",
            older,
            "--fail-on",
            "never",
            "--fail-on-incomplete"
        ]),
        Some(1)
    );
    // A snapshot read completely is not affected.
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.json");
    fs::write(
        &empty,
        r#"{"schema_version": 1, "tool_version": "0.1.0", "account_id": "1", "taken_at": "t",
            "regions": ["eu-west-1"],
            "coverage": [{"service": "ec2", "region": "eu-west-1", "errors": []}]}"#,
    )
    .unwrap();
    let empty = empty.to_str().unwrap();
    assert_eq!(
        code(&["--snapshot", empty, "--fail-on-incomplete"]),
        Some(0)
    );
}

#[test]
fn sarif_points_at_each_resource_in_a_saved_snapshot() {
    let doc: Value =
        serde_json::from_str(&stdout(&scan(&["--snapshot", DEMO, "--format", "sarif"]))).unwrap();
    let text = fs::read_to_string(repo().join(DEMO)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    for r in doc["runs"][0]["results"].as_array().unwrap() {
        let loc = &r["locations"][0]["physicalLocation"];
        let line = loc["region"]["startLine"].as_u64().unwrap() as usize;
        assert_eq!(
            lines[line - 1],
            "      {",
            "a resource object starts at line {line}"
        );
        // The object that starts there is the resource the result is about.
        let end = (line..lines.len())
            .find(|i| lines[*i] == "      }" || lines[*i] == "      },")
            .unwrap();
        let object = lines[line - 1..=end].join("\n");
        let id = r["properties"]["resourceId"].as_str().unwrap();
        // A record is known by its name; an ECS service (`cluster/service`) by both parts.
        let keys: Vec<&str> = if r["properties"]["resourceType"] == "route53.record" {
            vec![id.split('/').nth(1).unwrap()]
        } else {
            id.split('/').collect()
        };
        assert!(
            keys.iter().all(|k| object.contains(&format!("\"{k}\""))),
            "{id} not at line {line}"
        );
    }
    // A hand-written snapshot (not laid out as ha-audit writes it) gets stable synthetic paths.
    let doc: Value =
        serde_json::from_str(&stdout(&scan(&["--snapshot", DENIED, "--format", "sarif"]))).unwrap();
    assert_valid_sarif(&doc);
    for r in doc["runs"][0]["results"].as_array().unwrap() {
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(
            uri.starts_with("aws/210987654321/") && !uri.contains(':'),
            "{uri}"
        );
        assert_eq!(loc["region"]["startLine"], 1);
    }
}

#[test]
fn rules_coverage_lists_every_check_of_an_anchor() {
    let out = run(ha_audit(None).args(["rules", "--coverage", "prowler", "--format", "json"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let c: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let checks = c["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 89);
    let covered = checks
        .iter()
        .filter(|x| !x["rules"].as_array().unwrap().is_empty())
        .count();
    assert_eq!(covered, 84);
    // Every check is covered or says why not, never both.
    assert!(checks
        .iter()
        .all(|x| x["rules"].as_array().unwrap().is_empty() == x["uncovered"].is_string()));
    let table = stdout(&run(ha_audit(None).args([
        "rules",
        "--coverage",
        "trusted-advisor",
    ])));
    assert!(table.ends_with("81 of 91 checks covered by ha-audit rules (https://docs.aws.amazon.com/awssupport/latest/user/fault-tolerance-checks.html)\n"), "{table}");
    let bad = run(ha_audit(None).args(["rules", "--coverage", "checkov"]));
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn the_table_folds_repeated_failures_and_groups_reasons_unless_asked() {
    let report = json_report(&["--snapshot", DEMO]);
    let failing: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["outcome"] == "fail")
        .collect();
    let of = |rule: &str| failing.iter().filter(|f| f["rule_id"] == rule).count();
    // HA-S3-003 fails on 5 buckets (none has Object Lock): one row by default, five with
    // --expand.
    assert_eq!(of("HA-S3-003"), 5);
    let folded = stdout(&scan(&["--snapshot", DEMO]));
    assert_eq!(folded.matches("┆ HA-S3-003  ┆").count(), 1, "{folded}");
    assert!(folded.contains("5 resources: shop-assets,"), "{folded}");
    let expanded = stdout(&scan(&["--snapshot", DEMO, "--expand"]));
    assert_eq!(expanded.matches("┆ HA-S3-003  ┆").count(), 5);
    // A rule failing on three resources or fewer keeps a row each: with 4 AZs required,
    // HA-VPC-001 fails on the legacy VPC and the shop VPC of each region.
    let dir = tempfile::tempdir().unwrap();
    let later = dir.path().join("later.toml");
    fs::write(&later, cli::LATER_CONFIG).unwrap();
    let later = later.to_str().unwrap();
    let strict = json_report(&["--snapshot", DEMO, "--config", later]);
    let vpc_fails = strict["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "HA-VPC-001" && f["outcome"] == "fail")
        .count();
    assert_eq!(vpc_fails, 3);
    let strict_table = stdout(&scan(&["--snapshot", DEMO, "--config", later]));
    assert_eq!(
        strict_table.matches("┆ HA-VPC-001 ┆").count(),
        3,
        "{strict_table}"
    );
    // Not-evaluated findings: one row per reason, each with its count, by default.
    assert!(
        folded.contains("Not evaluated (31, 14 reason(s))"),
        "{folded}"
    );
    assert!(folded.lines().count() < expanded.lines().count());
    // The machine formats are the same whatever the table shows.
    let json = |extra: &[&str]| {
        let mut args = vec!["--snapshot", DEMO, "--format", "json"];
        args.extend_from_slice(extra);
        stdout(&scan(&args))
    };
    assert_eq!(json(&["--expand", "--show-not-evaluated"]), json(&[]));
}

/// The README's first command: a table short enough to read, every not-evaluated reason on one
/// row with its count, and a finding for every service whose resources rules judge.
#[test]
fn the_demo_table_is_short_and_shows_every_judged_service() {
    // A table in a pipe takes its width from COLUMNS: a 120-column terminal's, here. Lines
    // longer than that (the score breakdown) wrap, and count as the terminal shows them.
    let out = run(ha_audit(None)
        .env("COLUMNS", "120")
        .args(["scan", "--demo"]));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let table = stdout(&out);
    let width = table
        .lines()
        .filter(|l| l.starts_with('┌'))
        .map(|l| l.chars().count())
        .max();
    assert_eq!(width, Some(120));
    let screen_lines: usize = table
        .lines()
        .map(|l| l.chars().count().div_ceil(120).max(1))
        .sum();
    assert_eq!(screen_lines, 128, "{table}");

    // Not evaluated: one row per reason (its cell joined back across wrapped lines), whose
    // count is how many findings give that reason.
    let report = json_report(&["--demo"]);
    let findings = report["findings"].as_array().unwrap();
    let mut expected: std::collections::BTreeMap<String, usize> = Default::default();
    for f in findings.iter().filter(|f| f["outcome"] == "not_evaluated") {
        *expected
            .entry(f["reason"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    assert!(!expected.is_empty());
    let section = &table[table
        .find("Not evaluated (")
        .expect("a not-evaluated section")..];
    let section = &section[section.find('╞').unwrap()..section.find('└').unwrap()];
    let mut rows: Vec<(usize, String)> = Vec::new();
    for line in section.lines().skip(1) {
        let cells: Vec<&str> = line.trim_matches('│').split('┆').map(str::trim).collect();
        let [count, _rules, reason] = cells[..] else {
            panic!("{line}")
        };
        if count.is_empty() {
            let last = &mut rows.last_mut().unwrap().1;
            last.push(' ');
            last.push_str(reason);
        } else {
            rows.push((count.parse().unwrap(), reason.to_string()));
        }
    }
    let mut shown: std::collections::BTreeMap<String, usize> = Default::default();
    for (count, reason) in rows {
        assert!(
            shown.insert(reason.clone(), count).is_none(),
            "{reason} twice"
        );
    }
    assert_eq!(shown, expected);

    // Every service with a kind that rules judge has at least one finding, pass or fail, and
    // no other service has any (KMS keys are judged only as parts of other resources).
    use ha_audit::registry::{Kind, Service};
    let judged: std::collections::BTreeSet<&str> = Service::ALL
        .iter()
        .filter(|s| s.kinds().iter().any(|k| k.is_judged()))
        .map(|s| s.key())
        .collect();
    let with_findings: std::collections::BTreeSet<&str> = findings
        .iter()
        .map(|f| {
            let kind = f["resource_kind"].as_str().unwrap();
            Kind::from_key(kind)
                .unwrap_or_else(|| panic!("{kind}"))
                .service()
                .key()
        })
        .collect();
    assert_eq!(with_findings, judged);
}
