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
                    .starts_with("bucket shop-assets ")
        })
        .unwrap();
    assert_eq!(
        failure.attribute("message"),
        Some("bucket shop-assets <is> & 'odd'")
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
    // moto, which recorded the demo, leaves some fields out of its answers (the zonal shift
    // attribute, VPN tunnel telemetry, ECS and EKS settings...): those are the only reasons a
    // rule is not evaluated there. Every collected service was recorded, so no rule waits for a
    // service or a part the snapshot lacks.
    let section = demo.split("### Not evaluated").nth(1).unwrap_or("");
    let rows: Vec<&str> = section.lines().filter(|l| l.starts_with("| HA-")).collect();
    assert!(
        rows.iter().any(|l| l.starts_with("| HA-ELB-011 ")),
        "{section}"
    );
    assert!(
        rows.iter().all(|l| l.contains("could not be read")
            && !l.contains("was not collected")
            && !l.contains("not in the snapshot")),
        "{section}"
    );
}
