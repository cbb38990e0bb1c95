//! The CI formats: JUnit XML (well-formed, one test case per rule and resource, failures and
//! skips that match the JSON report) and the Markdown summary.

use crate::support::cli::{scan, stdout, DEMO, DENIED};
use serde_json::Value;

fn report(snapshot: &str, format: &str) -> String {
    stdout(&scan(&["--snapshot", snapshot, "--format", format]))
}

#[test]
fn junit_matches_the_json_report() {
    for snap in [DEMO, DENIED] {
        let xml = report(snap, "junit");
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let json: Value = serde_json::from_str(&report(snap, "json")).unwrap();
        let s = &json["summary"];
        let cases: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        let findings = json["findings"].as_array().unwrap();
        assert_eq!(cases.len(), findings.len());
        let failures = doc
            .descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count();
        let skipped = doc
            .descendants()
            .filter(|n| n.has_tag_name("skipped"))
            .count();
        assert_eq!(failures as u64, s["fail"].as_u64().unwrap());
        assert_eq!(skipped as u64, s["not_evaluated"].as_u64().unwrap());
        let root = doc.root_element();
        assert_eq!(
            root.attribute("failures"),
            Some(s["fail"].to_string().as_str())
        );
        // Every failure names its severity and carries the finding's message.
        for f in doc.descendants().filter(|n| n.has_tag_name("failure")) {
            assert!(["critical", "high", "medium", "low"].contains(&f.attribute("type").unwrap()));
            let msg = f.attribute("message").unwrap();
            assert!(findings.iter().any(|x| x["message"] == msg), "{msg}");
        }
    }
    let xml = report(DENIED, "junit");
    assert!(
        xml.contains("not_evaluated: `versioning` could not be read"),
        "{xml}"
    );
}

#[test]
fn junit_escapes_what_xml_cannot_hold() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("odd.toml"),
        r#"
id = "ODD-001"
name = "odd"
title = "Odd <characters> & \"quotes\""
resource = "s3.bucket"
severity = "low"
category = "backup"
compliant = "false"
message = "bucket {id} <is> & 'odd'"
[docs]
why = "w"
remediation = "r"
"#,
    )
    .unwrap();
    let rules = dir.path().to_str().unwrap();
    let out = scan(&["--snapshot", DEMO, "--format", "junit", "--rules", rules]);
    let xml = stdout(&out);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let failure = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("failure")
                && n.attribute("message")
                    .unwrap()
                    .starts_with("bucket ha-east-crr")
        })
        .unwrap();
    assert_eq!(
        failure.attribute("message"),
        Some("bucket ha-east-crr <is> & 'odd'")
    );
}

#[test]
fn markdown_summary_leads_with_the_counts_and_lists_gaps() {
    let md = report(DENIED, "markdown");
    let json: Value = serde_json::from_str(&report(DENIED, "json")).unwrap();
    let n = |k: &str| json["summary"][k].as_u64().unwrap();
    let head = format!(
        "## ❌ ha-audit: {} failing, {} passing, 0 suppressed, {} not evaluated",
        n("fail"),
        n("pass"),
        n("not_evaluated")
    );
    assert_eq!(n("not_evaluated"), 39);
    assert!(md.starts_with(&head), "{head}\n{md}");
    assert!(
        md.contains("| medium | HA-S3-002 | shop-assets | eu-west-1 |"),
        "{md}"
    );
    assert!(md.contains("### Not evaluated"));
    assert!(
        md.contains("| HA-RDS-001 | every DB instance in eu-west-1 | eu-west-1 |"),
        "{md}"
    );
    assert!(md.contains("(needs `rds:DescribeDBInstances`)"));
    // Severity order: high before medium before low.
    let demo = report(DEMO, "markdown");
    let pos = |s: &str| demo.find(s).unwrap_or_else(|| panic!("{s}"));
    assert!(pos("| high |") < pos("| medium |") && pos("| medium |") < pos("| low |"));
    // moto, which recorded the demo, does not return the zonal shift attribute: only that rule
    // is not evaluated there, and neither are the backup coverage, alarm, WAF and Shield
    // checks: the demo was recorded before AWS Backup, CloudWatch, WAF and Shield were
    // collected, and before RDS parameter groups, automated backup replications and Auto
    // Scaling instance types and launch sources were read.
    let section = demo.split("### Not evaluated").nth(1).unwrap_or("");
    assert!(
        section
            .lines()
            .filter(|l| l.starts_with("| HA-"))
            .all(|l| l.starts_with("| HA-ELB-011 ")
                || (l.starts_with("| HA-BAK-") && l.contains("backup was not collected in"))
                || (l.starts_with("| HA-CW-") && l.contains("cloudwatch was not collected"))
                || ((l.starts_with("| HA-RDS-")
                    || l.starts_with("| HA-CW-007 ")
                    || l.starts_with("| HA-ASG-011 ")
                    || l.starts_with("| HA-ASG-012 "))
                    && l.contains("not in the snapshot"))
                || (l.starts_with("| HA-WAF-") && l.contains("wafv2 was not collected"))
                || (l.starts_with("| HA-SHD-") && l.contains("shield was not collected"))),
        "{section}"
    );
}
