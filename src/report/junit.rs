//! JUnit XML, for CI systems that show test reports: one test suite per rule, one test case
//! per (rule, resource). Failing findings are failures, not-evaluated ones are skipped with the
//! reason, so a dashboard never shows an unread resource as green.

use super::Report;
use crate::engine::{Finding, Outcome};
use std::collections::BTreeMap;
use std::fmt::Write;

pub fn render(r: &Report) -> String {
    let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in r.findings {
        by_rule.entry(&f.rule_id).or_default().push(f);
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"ha-audit\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">",
        r.findings.len(),
        r.summary.fail,
        r.summary.not_evaluated + r.summary.suppressed
    );
    properties(&mut out, r);
    for rule in &r.rules {
        let findings = by_rule.get(rule.id.as_str()).cloned().unwrap_or_default();
        let count = |o: Outcome| findings.iter().filter(|f| f.outcome == o).count();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\">",
            esc(&format!("{} {}", rule.id, rule.title)),
            findings.len(),
            count(Outcome::Fail),
            count(Outcome::NotEvaluated) + count(Outcome::Suppressed)
        );
        for f in findings {
            let mut name = match &f.resource_name {
                Some(n) if *n != f.resource_id => format!("{} {n} ({})", f.region, f.resource_id),
                _ => format!("{} {}", f.region, f.resource_id),
            };
            if r.single_account().is_none() {
                name = format!("{} {name}", f.account_id);
            }
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\"",
                esc(&rule.id),
                esc(&name)
            );
            match f.outcome {
                Outcome::Pass => out.push_str("/>\n"),
                Outcome::Fail => {
                    let _ = writeln!(
                        out,
                        ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>",
                        f.severity.as_str(),
                        esc(&f.message),
                        esc(f.arn.as_deref().unwrap_or(&f.resource_id))
                    );
                }
                Outcome::NotEvaluated | Outcome::Suppressed => {
                    let _ = writeln!(
                        out,
                        ">\n      <skipped message=\"{}: {}\"/>\n    </testcase>",
                        f.outcome.as_str(),
                        esc(f.reason.as_deref().unwrap_or(""))
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// The resilience score as properties of the whole run: overall, then per scope
/// (`resilience_score.region.us-east-1`); "n/a" when nothing was judged.
fn properties(out: &mut String, r: &Report) {
    let score = super::score::Score::of_report(r);
    let mut props = vec![
        ("resilience_score".to_string(), score.overall.score.text()),
        (
            "resilience_coverage".to_string(),
            score.overall.coverage.text(),
        ),
    ];
    for (scope, rows) in [
        ("account", &score.by_account),
        ("region", &score.by_region),
        ("service", &score.by_service),
    ] {
        for row in rows {
            props.push((
                format!("resilience_score.{scope}.{}", row.key.name()),
                row.tally.score.text(),
            ));
        }
    }
    out.push_str("  <properties>\n");
    for (name, value) in props {
        let _ = writeln!(
            out,
            "    <property name=\"{}\" value=\"{}\"/>",
            esc(&name),
            esc(&value)
        );
    }
    out.push_str("  </properties>\n");
}

fn esc(s: &str) -> String {
    // XML 1.0 forbids most control characters, even escaped: each becomes a space.
    let forbidden = |c: char| (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r');
    let text: std::borrow::Cow<str> = if s.contains(forbidden) {
        s.replace(forbidden, " ").into()
    } else {
        s.into()
    };
    quick_xml::escape::escape(text.as_ref()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn escapes_markup_quotes_and_control_characters() {
        assert_eq!(
            esc("<a href=\"x\">it's & more</a>\u{1}\t"),
            "&lt;a href=&quot;x&quot;&gt;it&apos;s &amp; more&lt;/a&gt; \t"
        );
    }
}
