//! The resilience score: the JSON report's value is the formula applied to its own findings,
//! every format shows the very same digits, and `diff` / `scan --previous` show how it moved.

use crate::support::cli::{ha_audit, run, scan, stderr, stdout, DEMO, LATER_CONFIG};
use serde_json::{json, Value};
use std::fs;
use std::path::Path;

fn report(format: &str) -> String {
    let out = scan(&["--snapshot", DEMO, "--fail-on", "never", "--format", format]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

fn text(v: &Value) -> String {
    match v.as_f64() {
        Some(x) => format!("{x:.1}"),
        None => "n/a".to_string(),
    }
}

/// (scope kind, name, score text) for every row of the JSON report's breakdowns.
fn rows(score: &Value) -> Vec<(&'static str, String, String)> {
    let mut out = Vec::new();
    for (list, key, scope) in [
        ("by_account", "account_id", "account"),
        ("by_region", "region", "region"),
        ("by_service", "service", "service"),
    ] {
        for row in score[list].as_array().unwrap() {
            out.push((
                scope,
                row[key].as_str().unwrap().to_string(),
                text(&row["score"]),
            ));
        }
    }
    out
}

#[test]
fn the_json_score_is_the_formula_over_its_own_findings() {
    let doc: Value = serde_json::from_str(&report("json")).unwrap();
    let weight = |sev: &str| match sev {
        "critical" => 10u64,
        "high" => 5,
        "medium" => 2,
        "low" => 1,
        other => panic!("{other}"),
    };
    let (mut judged, mut failing, mut not_evaluated, mut all) = (0, 0, 0, 0);
    for f in doc["findings"].as_array().unwrap() {
        let w = weight(f["severity"].as_str().unwrap());
        all += 1;
        match f["outcome"].as_str().unwrap() {
            "pass" => judged += w,
            "fail" => {
                judged += w;
                failing += w;
            }
            "not_evaluated" => not_evaluated += 1,
            _ => {}
        }
    }
    let o = &doc["score"]["overall"];
    assert_eq!(o["judged_weight"], json!(judged));
    assert_eq!(o["failing_weight"], json!(failing));
    let expected = 100.0 * (1.0 - failing as f64 / judged as f64);
    assert_eq!(text(&o["score"]), format!("{expected:.1}"));
    let coverage = 100.0 * (all - not_evaluated) as f64 / all as f64;
    assert_eq!(text(&o["coverage"]), format!("{coverage:.1}"));
    // The demo has failures and passes: a score strictly between the bounds.
    let s = o["score"].as_f64().unwrap();
    assert!(s > 0.0 && s < 100.0, "{s}");
    assert_eq!(
        doc["score"]["weights"],
        json!({"critical": 10, "high": 5, "medium": 2, "low": 1})
    );
    let regions: Vec<&str> = doc["score"]["by_region"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["region"].as_str().unwrap())
        .collect();
    assert_eq!(regions, ["global", "us-east-1", "us-west-2"]);
}

#[test]
fn every_format_shows_the_identical_score() {
    let json: Value = serde_json::from_str(&report("json")).unwrap();
    let score = &json["score"];
    let overall = text(&score["overall"]["score"]);
    let coverage = text(&score["overall"]["coverage"]);
    let rows = rows(score);
    let line = |scope: &str| {
        rows.iter()
            .filter(|r| r.0 == scope)
            .map(|r| format!("{} {}", r.1, r.2))
            .collect::<Vec<_>>()
            .join(" · ")
    };

    let table = report("table");
    assert!(
        table.contains(&format!(
            "Resilience score {overall} of 100 (failing weight {} of {}) · coverage {coverage}%",
            score["overall"]["failing_weight"], score["overall"]["judged_weight"]
        )),
        "{table}"
    );
    for scope in ["account", "region"] {
        assert!(
            table.contains(&format!("  by {scope}: {}\n", line(scope))),
            "{scope}: {table}"
        );
    }
    // The demo's 46 services: the table lists those below 100 and counts the others.
    let services: Vec<&(&str, String, String)> = rows.iter().filter(|r| r.0 == "service").collect();
    assert_eq!(services.len(), 46);
    let below: Vec<String> = services
        .iter()
        .filter(|r| r.2 != "100.0")
        .map(|r| format!("{} {}", r.1, r.2))
        .collect();
    assert_eq!(below.len(), 10);
    assert!(
        table.contains(&format!(
            "  by service: {} · 36 more at 100.0\n",
            below.join(" · ")
        )),
        "{table}"
    );

    let md = report("markdown");
    assert!(
        md.contains(&format!(
            "**Resilience score: {overall}** of 100 · coverage {coverage}%"
        )),
        "{md}"
    );
    assert!(
        md.contains(&format!("by region: {};", line("region"))),
        "{md}"
    );
    assert!(
        md.contains(&format!("by service: {})", line("service"))),
        "{md}"
    );

    let sarif: Value = serde_json::from_str(&report("sarif")).unwrap();
    assert_eq!(&sarif["runs"][0]["properties"]["resilienceScore"], score);

    let xml = report("junit");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let props: Vec<(&str, &str)> = doc
        .root_element()
        .children()
        .filter(|n| n.has_tag_name("properties"))
        .flat_map(|p| p.children().filter(|n| n.has_tag_name("property")))
        .map(|p| (p.attribute("name").unwrap(), p.attribute("value").unwrap()))
        .collect();
    let mut expected = vec![
        ("resilience_score".to_string(), overall.clone()),
        ("resilience_coverage".to_string(), coverage.clone()),
    ];
    expected.extend(
        rows.iter()
            .map(|(scope, name, s)| (format!("resilience_score.{scope}.{name}"), s.clone())),
    );
    let props: Vec<(String, String)> = props
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(props, expected);

    let html = report("html");
    assert!(
        html.contains("id=\"overall-score\"><div class=\"muted\">Resilience score</div>")
            && html.contains(&format!("data-score=\"{overall}\">{overall}</div>")),
        "{overall}"
    );
    for (_, name, s) in &rows {
        assert!(
            html.contains(&format!("<tr><td><code>{name}</code></td><td class=\"")),
            "{name}"
        );
        let row = &html[html
            .find(&format!("<tr><td><code>{name}</code></td><td class=\""))
            .unwrap()..];
        let row = &row[..row.find("</tr>").unwrap()];
        assert!(
            row.contains(&format!("data-score=\"{s}\"")) && row.contains(&format!("<b>{s}</b>")),
            "{row}"
        );
    }
}

/// A minimal JSON report with the given (rule, severity, outcome, resource) findings.
fn hand_report(dir: &Path, name: &str, findings: &[(&str, &str, &str, &str)]) -> String {
    let findings: Vec<Value> = findings
        .iter()
        .map(|(rule, sev, outcome, id)| {
            json!({
                "rule_id": rule, "rule_name": "r", "severity": sev, "outcome": outcome,
                "resource_kind": "s3.bucket", "resource_id": id, "resource_name": id,
                "arn": null, "region": "eu-west-1", "account_id": "111111111111",
                "message": format!("{rule} on {id}"),
            })
        })
        .collect();
    let doc =
        json!({"schema_version": 1, "taken_at": format!("{name}-time"), "findings": findings});
    let path = dir.join(format!("{name}.json"));
    fs::write(&path, doc.to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn diff_shows_the_hand_computed_score_change() {
    let dir = tempfile::tempdir().unwrap();
    // Before: A critical fails, B high passes, D medium fails.
    //   judged 10 + 5 + 2 = 17, failing 12 -> 100 × 5/17 = 29.41… -> 29.4
    let old = hand_report(
        dir.path(),
        "old",
        &[
            ("A-1", "critical", "fail", "a"),
            ("B-1", "high", "pass", "b"),
            ("D-1", "medium", "fail", "d"),
        ],
    );
    // After: A passes (resolved), B fails (new), C low fails (new), D still fails, E not
    // evaluated. judged 10 + 5 + 1 + 2 = 18, failing 8 -> 100 × 10/18 = 55.55… -> 55.6;
    // coverage 4 of 5 = 80.0.
    let new = hand_report(
        dir.path(),
        "new",
        &[
            ("A-1", "critical", "pass", "a"),
            ("B-1", "high", "fail", "b"),
            ("C-1", "low", "fail", "c"),
            ("D-1", "medium", "fail", "d"),
            ("E-1", "critical", "not_evaluated", "e"),
        ],
    );
    let out = run(ha_audit(None).args(["diff", "--format", "json", &old, &new]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let d: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(d["score"]["old"]["score"], json!(29.4));
    assert_eq!(d["score"]["new"]["score"], json!(55.6));
    assert_eq!(d["score"]["new"]["coverage"], json!(80.0));
    assert_eq!(d["score"]["change"], json!(26.2));
    let ids = |k: &str| -> Vec<&str> {
        d[k].as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule_id"].as_str().unwrap())
            .collect()
    };
    assert_eq!(ids("new"), ["B-1", "C-1"]);
    assert_eq!(ids("resolved"), ["A-1"]);
    assert_eq!(ids("unchanged"), ["D-1"]);

    let table = stdout(&run(ha_audit(None).args(["diff", &old, &new])));
    assert!(
        table.contains("Resilience score 29.4 → 55.6 (+26.2); coverage 100.0 → 80.0"),
        "{table}"
    );
    // The other way round the score falls by as much.
    let back = stdout(&run(
        ha_audit(None).args(["diff", "--format", "markdown", &new, &old])
    ));
    assert!(
        back.contains("Resilience score 55.6 → 29.4 (-26.2)"),
        "{back}"
    );
    // Nothing judged afterwards: no score, so no change either.
    let unread = hand_report(
        dir.path(),
        "unread",
        &[("A-1", "critical", "not_evaluated", "a")],
    );
    let out = run(ha_audit(None).args(["diff", "--format", "json", &old, &unread]));
    let d: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(d["score"]["new"]["score"], Value::Null);
    assert_eq!(d["score"]["change"], Value::Null);
}

#[test]
fn an_html_report_with_previous_shows_the_trend() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("old.json");
    let out = scan(&[
        "--format",
        "json",
        "--fail-on",
        "never",
        "--snapshot",
        DEMO,
        "--output",
        old.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Later: a stricter VPC rule (two new failures), no rule on Elastic IPs outside Shield
    // Advanced (seven resolved).
    let cfg = dir.path().join("later.toml");
    fs::write(&cfg, LATER_CONFIG).unwrap();
    let (cfg, old) = (cfg.to_str().unwrap(), old.to_str().unwrap());
    let later = |format: &str| {
        scan(&[
            "--fail-on",
            "never",
            "--snapshot",
            DEMO,
            "--format",
            format,
            "--config",
            cfg,
            "--previous",
            old,
        ])
    };
    let out = later("html");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let html = stdout(&out);
    let new = dir.path().join("new.json");
    let new = new.to_str().unwrap();
    scan(&[
        "--format",
        "json",
        "--fail-on",
        "never",
        "--snapshot",
        DEMO,
        "--config",
        cfg,
        "--output",
        new,
    ]);
    let d: Value = serde_json::from_str(&stdout(&run(
        ha_audit(None).args(["diff", "--format", "json", old, new])
    )))
    .unwrap();
    let (before, after) = (
        text(&d["score"]["old"]["score"]),
        text(&d["score"]["new"]["score"]),
    );
    assert_ne!(before, after, "the score moves");
    let change = d["score"]["change"].as_f64().unwrap();
    let change = if change > 0.0 {
        format!("+{change:.1}")
    } else {
        format!("{change:.1}")
    };
    let trend = &html[html
        .find("<section id=\"trend\">")
        .expect("a trend section")..];
    let trend = &trend[..trend.find("</section>").unwrap()];
    assert!(trend.contains(&format!("{before} → {after}")), "{trend}");
    assert!(
        trend.contains(&format!("id=\"score-change\">{change}</div>")),
        "{trend}"
    );
    assert!(
        trend.contains("<summary>New failures (2)</summary>"),
        "{trend}"
    );
    assert!(trend.contains("<summary>Resolved (7)</summary>"), "{trend}");
    let persisting = d["summary"]["unchanged"].as_u64().unwrap();
    assert!(
        trend.contains(&format!("<summary>Persisting ({persisting})</summary>")),
        "{trend}"
    );
    let new_table =
        &trend[trend.find("New failures (2)").unwrap()..trend.find("Resolved (7)").unwrap()];
    assert_eq!(
        new_table.matches("<code>HA-VPC-001</code>").count(),
        2,
        "{new_table}"
    );

    // Only the HTML report has a trend section: elsewhere the flag is a usage error.
    let out = later("json");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--format html"), "{}", stderr(&out));
}
