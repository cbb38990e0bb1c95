//! SARIF 2.1.0, shaped for GitHub code scanning: every result has a physical location with a
//! scheme-less relative URI (GitHub rejects results with only logical locations, and an ARN
//! would parse as a URI scheme), the ARN goes in `logicalLocations` and the message, and
//! `partialFingerprints` are stable per (rule, resource) because GitHub cannot compute them for
//! paths that are not files in the repository. A Terraform plan's resource has no ARN: its
//! address is the logical location, and the physical one is its entry in the plan file.

use super::Report;
use crate::engine::{Finding, Outcome, Rule, Severity};
use crate::plan::locate::Span;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub fn render(r: &Report) -> String {
    let rule_index = |id: &str| r.rules.iter().position(|x| x.id == id);
    let reported: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| matches!(f.outcome, Outcome::Fail | Outcome::Suppressed))
        .collect();
    let (kept, left_out) = most_severe(reported, MAX_RESULTS);
    let results: Vec<Value> = kept
        .iter()
        .map(|f| result(f, rule_index(&f.rule_id), r))
        .collect();
    // Resources that could not be judged are not results (they are not problems found), but
    // they must not disappear: they are execution notifications of the run.
    let notifications: Vec<Value> = r
        .findings
        .iter()
        .filter(|f| f.outcome == Outcome::NotEvaluated)
        .map(|f| {
            let mut n = json!({
                "level": "warning",
                "message": { "text": format!(
                    "{} not evaluated for {}: {}",
                    f.rule_id,
                    f.resource_name.as_deref().unwrap_or(&f.resource_id),
                    f.reason.as_deref().unwrap_or("unknown reason")
                )},
                "associatedRule": { "id": f.rule_id },
                "properties": {
                    "outcome": "not_evaluated",
                    "accountId": f.account_id,
                    "region": f.region,
                    "resourceType": f.resource_kind,
                    "resourceId": f.resource_id,
                },
            });
            if let Some(i) = rule_index(&f.rule_id) {
                n["associatedRule"]["index"] = json!(i);
            }
            n
        })
        .collect();
    let mut notifications = notifications;
    if left_out > 0 {
        notifications.insert(
            0,
            json!({
                "level": "warning",
                "message": { "text": format!(
                    "{left_out} less severe results were left out: GitHub code scanning accepts at \
                     most {MAX_RESULTS} results per run. The JSON report lists every finding."
                )},
            }),
        );
    }
    let accounts = r
        .accounts
        .iter()
        .map(|a| a.account_id.as_str())
        .collect::<Vec<_>>()
        .join("+");
    let regions = if r.regions.is_empty() {
        "none".to_string()
    } else {
        r.regions.join("+")
    };
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "ha-audit",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": r.rules.iter().map(|x| rule(x)).collect::<Vec<_>>(),
            }},
            // One category per set of accounts and regions: code scanning replaces the alerts
            // of the same category, so each organisation scan's set is tracked on its own.
            "automationDetails": { "id": format!("ha-audit/{}/{}/", accounts, regions) },
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
            "properties": {
                "accountId": r.single_account(),
                "accounts": r.accounts.iter().map(|a| &a.account_id).collect::<Vec<_>>(),
                "regions": r.regions,
                "takenAt": r.taken_at,
                "summary": r.summary,
                "resilienceScore": super::score::Score::of_report(r),
            },
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("sarif serialises");
    s.push('\n');
    s
}

/// GitHub code scanning rejects a run with more results than this.
const MAX_RESULTS: usize = 25_000;

/// Keeps at most `max` findings, the most severe first (the order within a severity is kept),
/// and says how many were left out.
fn most_severe<'f, 'a>(
    mut findings: Vec<&'f Finding<'a>>,
    max: usize,
) -> (Vec<&'f Finding<'a>>, usize) {
    if findings.len() <= max {
        return (findings, 0);
    }
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let left_out = findings.len() - max;
    findings.truncate(max);
    // Back to the report's order, so output stays deterministic and grouped by rule.
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    (findings, left_out)
}

fn level(sev: Severity) -> &'static str {
    match sev {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

fn rule(x: &Rule) -> Value {
    let mut markdown = format!(
        "**{}** ({} severity, {})\n\n### Why it matters\n{}\n\n### Remediation\n{}\n",
        x.title,
        x.severity.as_str(),
        x.id,
        x.docs.why.trim(),
        x.docs.remediation.trim()
    );
    if !x.docs.references.is_empty() {
        markdown.push_str("\n### References\n");
        for link in &x.docs.references {
            markdown.push_str(&format!("- {link}\n"));
        }
    }
    let mut v = json!({
        "id": x.id,
        "name": x.name,
        "shortDescription": { "text": x.title },
        "fullDescription": { "text": truncate(x.docs.why.trim(), 1000) },
        "help": { "text": x.docs.remediation.trim(), "markdown": markdown },
        "defaultConfiguration": { "level": level(x.severity) },
        "properties": {
            // GitHub reads security-severity only on rules tagged `security`; availability is
            // part of security in the CIA sense, and the score orders alerts by severity.
            "tags": ["security", "reliability", "availability",
                     format!("aws/{}", x.service()), format!("{:?}", x.category).to_lowercase()],
            "security-severity": x.severity.score(),
            "precision": "very-high",
            "problem.severity": match x.severity {
                Severity::Critical | Severity::High => "error",
                Severity::Medium => "warning",
                Severity::Low => "recommendation",
            },
        },
    });
    if let Some(uri) = x.docs.references.first() {
        v["helpUri"] = json!(uri);
    }
    v
}

fn result(f: &Finding, index: Option<usize>, r: &Report) -> Value {
    let key = (
        f.resource_kind.to_string(),
        f.region.to_string(),
        f.resource_id.to_string(),
    );
    let place = r.plan_places.get(&key);
    // Point at the resource's entry in the plan, or its line in the saved snapshot, when there
    // is one; otherwise at a stable synthetic path (GitHub shows "preview unavailable" but
    // tracks the alert).
    let in_plan = r
        .plan_uri
        .as_ref()
        .zip(place.and_then(|p| p.span))
        .map(|(uri, span)| physical(uri, span));
    let in_snapshot = r.snapshot_lines.as_ref().and_then(|(path, lines)| {
        lines.get(&key).map(|&line| {
            physical(
                path,
                Span {
                    start_line: line,
                    start_column: 1,
                    end_line: line,
                    end_column: 1,
                },
            )
        })
    });
    // The block in a `.tf` file, when the snapshot says where it is (a plan does not).
    let in_source = place
        .and_then(|p| p.source.as_ref())
        .and_then(|(file, line)| {
            let uri = crate::pipeline::relative_uri(std::path::Path::new(file))?;
            Some(physical(
                &uri,
                Span {
                    start_line: *line,
                    start_column: 1,
                    end_line: *line,
                    end_column: 1,
                },
            ))
        });
    let at_resource = in_plan.clone().or(in_snapshot).unwrap_or_else(|| {
        physical(
            &location_uri(f),
            Span {
                start_line: 1,
                start_column: 1,
                end_line: 1,
                end_column: 1,
            },
        )
    });
    // A plan resource has no ARN yet: its address names it.
    let (identity, logical) = match place {
        Some(p) => (
            p.address.clone(),
            json!({ "name": p.address, "fullyQualifiedName": p.address, "kind": "resource" }),
        ),
        None => {
            let arn = f.arn.as_deref().unwrap_or_default().to_string();
            let logical =
                json!({ "name": f.resource_id, "fullyQualifiedName": arn, "kind": "resource" });
            (arn, logical)
        }
    };
    let mut message = f.message.to_string();
    if !identity.is_empty() {
        message.push_str(&format!(" ({identity})"));
    }
    // A failure's reason is what a plan made of it: a default it assumed, or how a change
    // makes it worse. Code-scanning tools show only the message, so it goes there too.
    if let Some(why) = f.reason.as_deref().filter(|w| !w.is_empty()) {
        message.push_str(&format!(". {why}"));
    }
    let mut v = json!({
        "ruleId": f.rule_id,
        "level": level(f.severity),
        "message": { "text": message },
        "locations": [{
            "physicalLocation": in_source.clone().unwrap_or_else(|| at_resource.clone()),
            "logicalLocations": [logical],
        }],
        "partialFingerprints": { "primaryLocationLineHash": fingerprint(f, place.map(|p| p.address.as_str())) },
        "properties": {
            "accountId": f.account_id,
            "region": f.region,
            "resourceType": f.resource_kind,
            "resourceId": f.resource_id,
            "outcome": f.outcome.as_str(),
        },
    });
    if let Some(p) = place {
        v["properties"]["terraformAddress"] = json!(p.address);
    }
    if in_source.is_some() {
        if let Some(entry) = in_plan {
            v["relatedLocations"] = json!([{
                "id": 1,
                "physicalLocation": entry,
                "message": { "text": "its entry in the Terraform plan" },
            }]);
        }
    }
    if let Some(i) = index {
        v["ruleIndex"] = json!(i);
    }
    if f.outcome == Outcome::Suppressed {
        // Code-scanning tools show these as dismissed, with the configured reason.
        v["suppressions"] = json!([{
            "kind": "external",
            "status": "accepted",
            "justification": f.reason.as_deref().unwrap_or(""),
        }]);
    }
    v
}

fn physical(uri: &str, s: Span) -> Value {
    json!({
        "artifactLocation": { "uri": uri },
        "region": {
            "startLine": s.start_line,
            "startColumn": s.start_column,
            "endLine": s.end_line,
            "endColumn": s.end_column,
        },
    })
}

/// `aws/<account>/<region>/<kind>/<id>`, each segment percent-encoded so the URI is a valid
/// relative reference with no scheme.
pub fn location_uri(f: &Finding) -> String {
    [
        "aws",
        &f.account_id,
        &f.region,
        &f.resource_kind,
        &f.resource_id,
    ]
    .iter()
    .map(|s| encode(s))
    .collect::<Vec<_>>()
    .join("/")
}

pub(crate) fn encode(segment: &str) -> String {
    let mut out = String::new();
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if out.is_empty() {
        out.push('_');
    }
    out
}

/// Stable across runs and machines: a hash of the rule and the resource identity only (a plan
/// resource's address: it has no ARN before apply, and its address is what stays the same
/// from one plan to the next).
fn fingerprint(f: &Finding, address: Option<&str>) -> String {
    let identity = address.or(f.arn.as_deref()).unwrap_or(&f.resource_id);
    let digest = Sha256::digest(format!("{}|{}|{}", f.rule_id, f.region, identity).as_bytes());
    let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    format!("{hex}:1")
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &str, severity: Severity) -> Finding<'_> {
        Finding {
            rule_id: rule.into(),
            rule_name: "r".into(),
            severity,
            outcome: Outcome::Fail,
            resource_kind: "s3.bucket".into(),
            resource_id: rule.to_lowercase().into(),
            resource_name: None,
            arn: None,
            region: "eu-west-1".into(),
            account_id: "1".into(),
            message: "m".into(),
            reason: None,
            in_baseline: false,
        }
    }

    #[test]
    fn a_plan_resource_with_a_source_points_at_its_block_and_its_plan_entry() {
        let findings = [finding("A-1", Severity::High)];
        let mut r = Report::of_accounts(Vec::new(), Vec::new(), &findings, Vec::new());
        let span = Span {
            start_line: 7,
            start_column: 5,
            end_line: 9,
            end_column: 6,
        };
        r.plan_uri = Some("plan.json".into());
        r.plan_places.insert(
            ("s3.bucket".into(), "eu-west-1".into(), "a-1".into()),
            crate::plan::locate::Place {
                address: "module.m.aws_s3_bucket.b[0]".into(),
                span: Some(span),
                source: Some(("infra/main.tf".into(), 12)),
            },
        );
        let doc: Value = serde_json::from_str(&render(&r)).unwrap();
        let result = &doc["runs"][0]["results"][0];
        let loc = &result["locations"][0];
        assert_eq!(
            loc["physicalLocation"],
            physical(
                "infra/main.tf",
                Span {
                    start_line: 12,
                    start_column: 1,
                    end_line: 12,
                    end_column: 1,
                }
            )
        );
        assert_eq!(
            loc["logicalLocations"][0]["fullyQualifiedName"],
            "module.m.aws_s3_bucket.b[0]"
        );
        assert_eq!(
            result["relatedLocations"][0]["physicalLocation"],
            physical("plan.json", span)
        );
        assert_eq!(result["message"]["text"], "m (module.m.aws_s3_bucket.b[0])");
    }

    #[test]
    fn over_the_limit_the_most_severe_results_are_kept() {
        let all = [
            finding("A-1", Severity::Low),
            finding("B-1", Severity::Critical),
            finding("C-1", Severity::Medium),
            finding("D-1", Severity::High),
        ];
        let refs: Vec<&Finding> = all.iter().collect();
        let (kept, left_out) = most_severe(refs.clone(), 2);
        assert_eq!(left_out, 2);
        let ids: Vec<&str> = kept.iter().map(|f| f.rule_id.as_ref()).collect();
        assert_eq!(ids, ["B-1", "D-1"]);
        assert_eq!(most_severe(refs, 4).1, 0);
    }
}
