//! `ha-audit.toml`: parameter overrides and switches take effect, and every mistake is exit 2
//! naming the file and line.

use crate::support::cli::{self, ha_audit, repo, run, stderr, stdout, DEMO, DENIED};
use crate::support::report::{assert_valid_sarif, finding};
use serde_json::Value;
use std::fs;

/// A JSON report of the demo under `config` (written to `ha-audit.toml`): exit code, stdout,
/// stderr.
fn scan_with(config: &str) -> (Option<i32>, String, String) {
    scan_format(config, "json")
}

/// `[rules.ID] enabled = false` for every built-in rule but `keep`.
fn all_rules_off_but(keep: &str) -> String {
    cli::rule_ids()
        .iter()
        .filter(|id| *id != keep)
        .map(|id| format!("[rules.{id}]\nenabled = false\n"))
        .collect()
}

fn outcomes(report: &str, rule: &str) -> Vec<(String, String)> {
    let v: Value = serde_json::from_str(report).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .map(|f| {
            (
                f["resource_name"].as_str().unwrap_or("").to_string(),
                f["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_parameter_override_changes_the_verdict() {
    let (code, base, _) = scan_with("");
    assert_eq!(code, Some(1));
    // The shop's VPC spans 3 AZs: enough for the default of 2, not for 4.
    let shop = ("shop".to_string(), "pass".to_string());
    assert!(outcomes(&base, "HA-VPC-001").contains(&shop));

    let (code, out, err) = scan_with("[rules.HA-VPC-001]\nparams = { min_azs = 4 }\n");
    assert_eq!(code, Some(1), "{err}");
    let vpc = outcomes(&out, "HA-VPC-001");
    assert!(
        vpc.contains(&("shop".to_string(), "fail".to_string())),
        "{vpc:?}"
    );
    // The message shows the threshold in force.
    assert!(out.contains("in us-east-1a, us-east-1b, us-east-1c only, fewer than 4 AZs"));
}

#[test]
fn a_disabled_rule_gives_no_findings() {
    let (code, out, err) = scan_with("[rules.HA-ELB-002]\nenabled = false\n");
    assert_eq!(code, Some(1), "{err}");
    assert!(outcomes(&out, "HA-ELB-002").is_empty());
    // The other rules still judge the shop-web load balancer of each region.
    assert_eq!(outcomes(&out, "HA-ELB-001").len(), 2);
}

#[test]
fn config_mistakes_name_the_line() {
    let cases = [
        ("[rules.HA-VPC-001]\nparams = { min_azs = 3 }\n\n[rules.HA-NOPE-001]\nenabled = false\n", "line 4", "unknown rule `HA-NOPE-001`"),
        ("[rules.HA-VPC-001]\nparams = { min_az = 3 }\n", "line 2", "unknown parameter `min_az`"),
        ("[rules.HA-VPC-001]\nparams = { min_azs = \"three\" }\n", "line 2", "must be integer"),
        ("[rules.HA-ELB-002]\nenabled = false\nsevrity = \"low\"\n", "line 3", "unknown field `sevrity`"),
        ("[rules.HA-ELB-002]\nseverity = \"urgent\"\n", "line 2", "unknown variant `urgent`"),
        ("[rule.HA-ELB-002]\nenabled = false\n", "line 1", "unknown field `rule`"),
        ("[rules.HA-ELB-002\n", "line 1", ""),
    ];
    assert_each_is_exit_2_naming_the_line(&cases);
}

/// Each `(config, line, what)`: the config is exit 2, no report, and an error naming the file,
/// the line and what is wrong.
fn assert_each_is_exit_2_naming_the_line(cases: &[(&str, &str, &str)]) {
    for (text, line, what) in cases {
        let (code, out, err) = scan_with(text);
        assert_eq!(code, Some(2), "{text}: {err}");
        assert!(out.is_empty());
        assert!(err.contains("ha-audit.toml"), "{err}");
        assert!(err.contains(line), "{text}\nexpected {line}: {err}");
        assert!(err.contains(what), "{text}\nexpected {what}: {err}");
    }
}

#[test]
fn a_config_file_that_cannot_be_read_is_exit_2_naming_it_and_the_line_of_bad_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let not_utf8 = dir.path().join("latin1.toml");
    fs::write(
        &not_utf8,
        b"[rules.HA-VPC-001]\nenabled = false # d\xe9sactiv\xe9\n",
    )
    .unwrap();
    for (path, what) in [
        (dir.path().join("missing.toml"), "No such file"),
        (not_utf8, "line 2, column 20: not valid UTF-8"),
    ] {
        let out = run(ha_audit(None)
            .args(["scan", "--snapshot", DEMO, "--config"])
            .arg(&path));
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stdout(&out).is_empty());
        let err = stderr(&out);
        assert!(
            err.contains(&path.display().to_string())
                && err.contains("cannot read config")
                && err.contains(what),
            "{err}"
        );
    }
}

#[test]
fn ha_audit_toml_in_the_working_directory_is_found() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("ha-audit.toml"),
        "[rules.HA-ELB-002]\nenabled = false\n",
    )
    .unwrap();
    let demo = repo().join(DEMO);
    let out = run(ha_audit(None)
        .current_dir(dir.path())
        .args(["scan", "--format", "json", "--snapshot"])
        .arg(&demo));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(outcomes(&stdout(&out), "HA-ELB-002").is_empty());
}

const SUPPRESS: &str = r#"
[[suppressions]]
rule = "HA-RDS-001"
resource = "arn:aws:rds:us-east-1:*:db:legacy-mysql"
reason = "being replaced by an Aurora cluster"
expires = 2099-12-31

[[suppressions]]
rule = "*"
resource = "shop-legacy-*"
reason = "old export bucket, deleted next sprint"
expires = 2020-01-31
"#;

fn scan_format(config: &str, format: &str) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ha-audit.toml");
    fs::write(&path, config).unwrap();
    let out = run(ha_audit(None)
        .args(["scan", "--snapshot", DEMO, "--format", format, "--config"])
        .arg(&path));
    (out.status.code(), stdout(&out), stderr(&out))
}

#[test]
fn suppressions_are_reported_in_every_format_and_expired_ones_fail_again() {
    let (_, out, err) = scan_with(SUPPRESS);
    let report: Value = serde_json::from_str(&out).unwrap();
    let find = |rule: &str, name: &str| {
        finding(
            &report,
            &[
                ("rule_id", rule),
                ("resource_name", name),
                ("region", "us-east-1"),
            ],
        )
    };
    let s = find("HA-RDS-001", "legacy-mysql");
    assert_eq!(s["outcome"], "suppressed");
    assert_eq!(
        s["reason"],
        "being replaced by an Aurora cluster (suppressed until 2099-12-31)"
    );
    assert_eq!(report["summary"]["suppressed"], 1);
    // The expired one no longer suppresses, and says so in the finding and on stderr.
    let e = find("HA-S3-001", "shop-legacy-exports");
    assert_eq!(e["outcome"], "fail");
    assert!(e["reason"]
        .as_str()
        .unwrap()
        .contains("expired on 2020-01-31"));
    assert!(err.contains("expired on 2020-01-31"), "{err}");

    let (_, table, _) = scan_format(SUPPRESS, "table");
    assert!(
        table.contains("Suppressed (1)") && table.contains("being replaced by an Aurora"),
        "{table}"
    );
    assert!(table.contains("· 1 suppressed ·"), "{table}");
    let (_, sarif, _) = scan_format(SUPPRESS, "sarif");
    let doc: Value = serde_json::from_str(&sarif).unwrap();
    assert_valid_sarif(&doc);
    let suppressed: Vec<&Value> = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["suppressions"].is_array())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "external");
    let (_, md, _) = scan_format(SUPPRESS, "markdown");
    assert!(md.contains("### Suppressed"), "{md}");
    let (_, junit, _) = scan_format(SUPPRESS, "junit");
    assert!(
        junit.contains("suppressed: being replaced by an Aurora cluster"),
        "{junit}"
    );
}

#[test]
fn a_suppressed_finding_does_not_fail_the_gate() {
    // Turn every other rule off so the gate sees only HA-S3-003's failures, then suppress them.
    let all_off = all_rules_off_but("HA-S3-003");
    let (code, _, _) = scan_format(&all_off, "json");
    assert_eq!(code, Some(1), "five buckets without Object Lock fail");
    let suppress_all = format!(
        "{all_off}\n[[suppressions]]\nrule = \"HA-S3-003\"\nresource = \"shop-*\"\nreason = \"accepted risk\"\n"
    );
    let (code, out, err) = scan_format(&suppress_all, "json");
    assert_eq!(code, Some(0), "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["summary"]["fail"], 0);
    assert_eq!(report["summary"]["suppressed"], 5);
}

#[test]
fn suppression_mistakes_name_the_line() {
    let cases = [
        ("[[suppressions]]\nrule = \"HA-NOPE-1\"\nresource = \"x\"\nreason = \"r\"\n", "line 1", "unknown rule `HA-NOPE-1`"),
        ("[[suppressions]]\nrule = \"HA-RDS-001\"\nresource = \"x\"\nreason = \" \"\n", "line 1", "`reason` must say why"),
        ("[[suppressions]]\nrule = \"HA-RDS-001\"\nresource = \"x\"\n", "line 1", "missing field `reason`"),
        ("[[suppressions]]\nrule = \"HA-RDS-001\"\nresource = \"x\"\nreason = \"r\"\nexpires = \"soon\"\n", "line 5", "must be a date like 2027-03-31"),
        ("[[suppressions]]\nrule = \"HA-RDS-001\"\nresource = \"x\"\nreason = \"r\"\nuntil = 2027-01-01\n", "line 5", "unknown field `until`"),
    ];
    assert_each_is_exit_2_naming_the_line(&cases);
}

#[test]
fn a_severity_override_changes_reports_and_the_gate() {
    // HA-RDS-004 (low) fails on the demo (legacy-mysql has no deletion protection); raised to
    // critical it trips a critical gate.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ha-audit.toml");
    let run_gate = |config: &str| {
        fs::write(&path, config).unwrap();
        run(ha_audit(None)
            .args(["scan", "--format", "json", "--snapshot", DEMO])
            .args(["--fail-on", "critical", "--config"])
            .arg(&path))
    };
    let off = all_rules_off_but("HA-RDS-004");
    assert_eq!(run_gate(&off).status.code(), Some(0));
    let out = run_gate(&format!(
        "{off}[rules.HA-RDS-004]\nseverity = \"critical\"\n"
    ));
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["severity"] == "critical"));
}

fn findings(config: &str) -> Vec<Value> {
    let (code, out, err) = scan_with(config);
    assert!(code == Some(0) || code == Some(1), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    v["findings"].as_array().unwrap().clone()
}

#[test]
fn scope_limits_what_is_judged() {
    let all = findings("");
    assert!(all.iter().any(|f| f["region"] == "us-east-1"));
    assert!(all.iter().any(|f| f["region"] == "global"));

    let west = findings("[scope]\nregions = [\"us-west-2\"]\n");
    // The disaster-recovery region holds 199 of the demo's 481 findings.
    assert_eq!(west.len(), 199);
    assert!(west.iter().all(|f| f["region"] == "us-west-2"));

    // Name=shop tags the shop's VPC of each region: HA-VPC-001 and HA-NAT-002 judge each.
    let tagged = findings("[scope]\ninclude_tags = { Name = \"shop\" }\n");
    assert_eq!(tagged.len(), 4);
    assert!(
        tagged.iter().all(|f| f["resource_name"] == "shop"),
        "{tagged:?}"
    );

    // The CloudFormation stack and the incident replication set named `shop` are not tagged
    // so: they stay.
    let untagged = findings("[scope]\nexclude_tags = { Name = \"shop\" }\n");
    assert_eq!(untagged.len(), all.len() - tagged.len());
    assert!(untagged.iter().all(|f| !tagged.contains(f)));

    assert!(findings("[scope]\naccounts = [\"999999999999\"]\n").is_empty());
    assert_eq!(
        findings("[scope]\naccounts = [\"123456789012\"]\n").len(),
        all.len()
    );

    let no_dns = findings("[services]\nroute53 = false\n");
    // The 10 findings on Route 53 resources go: 9 on the failover records, HA-SHD-004 on the zone.
    assert_eq!(no_dns.len(), 471);
    assert!(no_dns
        .iter()
        .all(|f| !f["rule_id"].as_str().unwrap().starts_with("HA-R53")));
}

#[test]
fn scope_and_service_mistakes_name_the_line() {
    let cases = [
        (
            "[services]\nroute53 = false\ndynamo = false\n",
            "line 3",
            "unknown service `dynamo`",
        ),
        (
            "[scope]\nregion = [\"us-east-1\"]\n",
            "line 2",
            "unknown field `region`",
        ),
        (
            "[scope]\nregions = \"us-east-1\"\n",
            "line 2",
            "invalid type",
        ),
    ];
    assert_each_is_exit_2_naming_the_line(&cases);
}

#[test]
fn fail_on_from_the_config_is_the_default_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ha-audit.toml");
    let code = |config: &str, flag: Option<&str>| {
        fs::write(&path, config).unwrap();
        let mut c = ha_audit(None);
        c.args(["scan", "--snapshot", DENIED, "--config"])
            .arg(&path);
        if let Some(level) = flag {
            c.args(["--fail-on", level]);
        }
        run(&mut c).status.code()
    };
    // The access-denied account fails only medium and low rules.
    assert_eq!(code("", None), Some(1));
    assert_eq!(code("fail_on = \"high\"\n", None), Some(0));
    assert_eq!(code("fail_on = \"never\"\n", None), Some(0));
    // The flag wins over the file.
    assert_eq!(code("fail_on = \"high\"\n", Some("low")), Some(1));
    let (c, _, err) = scan_with("fail_on = \"severe\"\n");
    assert_eq!(c, Some(2));
    assert!(err.contains("line 1") && err.contains("severe"), "{err}");
}
