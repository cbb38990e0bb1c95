//! The HTML report: one self-contained page for a person reading a weekly report. Inline CSS
//! and one small inline script (a findings filter), nothing fetched from anywhere: a Content
//! Security Policy forbids every network load, so the file reads the same offline, in a mail
//! attachment or an artifact store. Every piece of text from the account (names, tags,
//! messages) is escaped; the script only runs because its hash is in the policy, so markup
//! smuggled into a name could not run even if it escaped.
//!
//! The output depends only on the report (the time shown is the snapshot's), so two renders of
//! the same scan are byte-identical.

use super::score::{change_text, Scoped, Score, Tally, Tenths};
use super::Report;
use super::{Placement, ResourceView as Resource};
use crate::engine::{Finding, Outcome, Rule, Severity};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

pub fn render(r: &Report) -> String {
    let score = Score::of_report(r);
    let rules: BTreeMap<&str, &Rule> = r.rules.iter().map(|x| (x.id.as_str(), *x)).collect();
    let mut out = String::with_capacity(64 * 1024);
    head(&mut out, r);
    out.push_str("<body>\n");
    header(&mut out, r);
    out.push_str("<main>\n");
    summary(&mut out, r, &score);
    if let Some(prev) = r.previous {
        trend(&mut out, r, prev);
    }
    scores(&mut out, &score);
    failing(&mut out, r, &rules);
    frameworks(&mut out, r, &rules);
    zones(&mut out, r.resources);
    not_evaluated(&mut out, r);
    coverage(&mut out, r);
    suppressed(&mut out, r);
    out.push_str("</main>\n");
    let _ = writeln!(
        out,
        "<footer>ha-audit {} · whatever could not be read is reported as not evaluated, never \
         as a pass · rule documentation: <code>ha-audit explain RULE-ID</code></footer>",
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>");
    out
}

/// Progressive enhancement: a filter box over the failing findings. The page is complete
/// without it; the `js` class on the root tells that the script ran.
const SCRIPT: &str = "(function(){var d=document;d.documentElement.className='js';\
var s=d.getElementById('failing');if(!s)return;var b=d.createElement('input');\
b.type='search';b.id='filter';b.placeholder='Filter failing findings: rule, resource, region, text';\
s.insertBefore(b,s.children[1]||null);b.addEventListener('input',function(){\
var q=b.value.toLowerCase();s.querySelectorAll('tr[data-row]').forEach(function(t){\
t.hidden=q!==''&&t.textContent.toLowerCase().indexOf(q)<0;});});})();";

const STYLE: &str = "
:root{--fg:#1d2433;--muted:#5b6478;--line:#d9dee8;--bg:#f6f7fb;--card:#fff;
--critical:#8e1b6b;--high:#c0262d;--medium:#b26b00;--low:#2f6db5;--good:#1e7b3c;--fair:#b26b00;--poor:#c0262d}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{background:#1d2433;color:#fff;padding:18px 28px}
header h1{margin:0 0 6px;font-size:22px}
header dl{display:flex;flex-wrap:wrap;gap:4px 22px;margin:0}
header dt{opacity:.7}header dd{margin:0 0 0 6px;font-weight:600}
header div{display:flex}
nav{margin-top:10px;display:flex;flex-wrap:wrap;gap:6px 14px}nav a{color:#cfe0ff}
main{padding:12px 28px 28px;max-width:1400px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 18px;margin:14px 0}
h2{margin:0 0 10px;font-size:18px}h3{margin:14px 0 8px;font-size:15px}h4{margin:0 0 6px;font-size:14px}
table{border-collapse:collapse;width:100%;margin:6px 0 10px}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
td.region,td.rule{white-space:nowrap}
th{background:#eef1f7;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{white-space:pre-wrap;background:#f2f4f8;border:1px solid var(--line);border-radius:6px;padding:8px;margin:6px 0;font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.muted{color:var(--muted)}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:150px;background:#fbfcfe}
.card .big{font-size:30px;font-weight:700}
.good{color:var(--good)}.fair{color:var(--fair)}.poor{color:var(--poor)}.na{color:var(--muted)}
.bar{display:inline-block;width:120px;height:9px;background:#e4e8f0;border-radius:5px;overflow:hidden;vertical-align:middle;margin-right:6px}
.bar span{display:block;height:100%;background:var(--good)}
.bar.fair span{background:var(--fair)}.bar.poor span{background:var(--poor)}
.sev{display:inline-block;border-radius:4px;padding:0 6px;color:#fff;font-size:12px;font-weight:600;text-transform:uppercase}
.sev.critical{background:var(--critical)}.sev.high{background:var(--high)}.sev.medium{background:var(--medium)}.sev.low{background:var(--low)}
article.rule{border-left:4px solid var(--line);padding:4px 0 4px 12px;margin:12px 0}
article.rule.critical{border-color:var(--critical)}article.rule.high{border-color:var(--high)}
article.rule.medium{border-color:var(--medium)}article.rule.low{border-color:var(--low)}
.tag{display:inline-block;border:1px solid var(--line);border-radius:10px;padding:0 7px;margin:0 4px 2px 0;font-size:12px;background:#f2f4f8}
.zones{display:flex;flex-wrap:wrap;gap:10px}
.zone{border:1px solid var(--line);border-radius:8px;padding:8px 10px;min-width:220px;flex:1 1 220px;background:#fbfcfe}
.zone h4 code{font-size:13px}
.zone ul{margin:0;padding-left:16px}
.single{color:var(--poor);font-weight:600;font-size:12px}
#filter{width:100%;max-width:520px;padding:6px 9px;border:1px solid var(--line);border-radius:6px;margin:0 0 8px}
footer{padding:0 28px 24px;color:var(--muted);font-size:12px}
";

fn head(out: &mut String, r: &Report) {
    // Standard base64 with padding, as the Content Security Policy's hash source wants.
    let script_hash = STANDARD.encode(Sha256::digest(SCRIPT.as_bytes()));
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'; base-uri 'none'; \
         form-action 'none'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"ha-audit {}\">\n\
         <title>ha-audit resilience report · {} · {}</title>\n<style>{STYLE}</style>\n</head>\n",
        env!("CARGO_PKG_VERSION"),
        esc(&accounts(r).join(", ")),
        esc(&r.taken_at),
    );
}

/// The accounts the report covers: the scanned one plus any a finding names.
fn accounts(r: &Report) -> Vec<String> {
    let mut set: BTreeSet<String> = r
        .findings
        .iter()
        .map(|f| f.account_id.to_string())
        .collect();
    set.extend(r.accounts.iter().map(|a| a.account_id.clone()));
    set.into_iter().collect()
}

fn header(out: &mut String, r: &Report) {
    let regions = if r.regions.is_empty() {
        "none".to_string()
    } else {
        r.regions.join(", ")
    };
    let _ = write!(
        out,
        "<header>\n<h1>High-availability report</h1>\n<dl>\
         <div><dt>Account</dt><dd>{}</dd></div>\
         <div><dt>Regions</dt><dd>{}</dd></div>\
         <div><dt>Snapshot taken</dt><dd><time>{}</time></dd></div>\
         <div><dt>ha-audit</dt><dd>{}</dd></div></dl>\n<nav>",
        esc(&accounts(r).join(", ")),
        esc(&regions),
        esc(&r.taken_at),
        env!("CARGO_PKG_VERSION"),
    );
    let mut links = vec![("summary", "Summary")];
    if r.previous.is_some() {
        links.push(("trend", "Trend"));
    }
    links.extend([
        ("scores", "Scores"),
        ("failing", "Failing"),
        ("frameworks", "Frameworks"),
        ("zones", "Availability Zones"),
        ("not-evaluated", "Not evaluated"),
        ("coverage", "Coverage"),
        ("suppressed", "Suppressed"),
    ]);
    for (id, label) in links {
        let _ = write!(out, "<a href=\"#{id}\">{label}</a>");
    }
    out.push_str("</nav>\n</header>\n");
}

/// `good`, `fair` or `poor` for a score, `na` without one.
fn grade(t: Tenths) -> &'static str {
    match t.0 {
        None => "na",
        Some(x) if x >= 900 => "good",
        Some(x) if x >= 700 => "fair",
        Some(_) => "poor",
    }
}

fn bar(t: Tenths) -> String {
    match t.0 {
        Some(_) => format!(
            "<span class=\"bar {}\"><span style=\"width:{}%\"></span></span>",
            grade(t),
            t.text()
        ),
        None => String::new(),
    }
}

fn summary(out: &mut String, r: &Report, score: &Score) {
    let s = &r.summary;
    let o = &score.overall;
    let _ = write!(
        out,
        "<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">\
         <div class=\"card\" id=\"overall-score\"><div class=\"muted\">Resilience score</div>\
         <div class=\"big {}\" data-score=\"{}\">{}</div><div class=\"muted\">of 100 · failing weight {} \
         of {}</div></div>\
         <div class=\"card\"><div class=\"muted\">Coverage</div><div class=\"big\">{}</div>\
         <div class=\"muted\">of rule-resource pairs judged</div></div>\
         <div class=\"card\"><div class=\"muted\">Failing</div><div class=\"big poor\">{}</div>\
         <div class=\"muted\">",
        grade(o.score),
        o.score.text(),
        o.score.text(),
        o.failing_weight,
        o.judged_weight,
        percent(o.coverage),
        s.fail,
    );
    let by_sev: Vec<String> = Severity::ALL
        .iter()
        .map(|v| {
            format!(
                "<span class=\"sev {0}\">{1} {0}</span>",
                v.as_str(),
                s.fail_by_severity.get(v.as_str()).copied().unwrap_or(0)
            )
        })
        .collect();
    out.push_str(&by_sev.join(" "));
    let _ = writeln!(
        out,
        "</div></div>\
         <div class=\"card\"><div class=\"muted\">Passing</div><div class=\"big good\">{}</div></div>\
         <div class=\"card\"><div class=\"muted\">Not evaluated</div><div class=\"big na\">{}</div></div>\
         <div class=\"card\"><div class=\"muted\">Suppressed</div><div class=\"big na\">{}</div></div>\
         </div>",
        s.pass, s.not_evaluated, s.suppressed
    );
    if s.fail_in_baseline > 0 {
        let _ = writeln!(
            out,
            "<p>{} of the failures are already in the baseline; {} are new.</p>",
            s.fail_in_baseline,
            s.fail - s.fail_in_baseline
        );
    }
    out.push_str(
        "<p class=\"muted\">Score = 100 × (1 − failing weight ÷ judged weight) over the \
         (rule, resource) pairs that passed or failed, each weighing its rule's severity: \
         critical 10, high 5, medium 2, low 1. Suppressed and not-evaluated pairs are in neither \
         sum; coverage is the share of pairs that could be judged. No score (n/a) when nothing \
         was judged.</p>\n</section>\n",
    );
}

fn percent(t: Tenths) -> String {
    match t.0 {
        Some(_) => format!("{}%", t.text()),
        None => t.text(),
    }
}

fn trend(out: &mut String, r: &Report, prev: &super::ReportFindings) {
    let d = crate::engine::diff(&prev.findings, r.findings);
    let (old, new) = (Tally::of(&prev.findings), Tally::of(r.findings));
    let change = new.score.change_from(old.score);
    let class = match change {
        Some(c) if c > 0 => "good",
        Some(c) if c < 0 => "poor",
        _ => "na",
    };
    let _ = write!(
        out,
        "<section id=\"trend\">\n<h2>Trend since {}</h2>\n<div class=\"cards\">\
         <div class=\"card\"><div class=\"muted\">Score then → now</div><div class=\"big\">{} → {}</div>\
         <div class=\"big {class}\" id=\"score-change\">{}</div></div>\
         <div class=\"card\"><div class=\"muted\">New failures</div><div class=\"big poor\">{}</div></div>\
         <div class=\"card\"><div class=\"muted\">Resolved</div><div class=\"big good\">{}</div></div>\
         <div class=\"card\"><div class=\"muted\">Persisting</div><div class=\"big\">{}</div></div>\
         </div>\n",
        esc(if prev.taken_at.is_empty() {
            "the previous report"
        } else {
            &prev.taken_at
        }),
        old.score.text(),
        new.score.text(),
        change_text(change),
        d.new.len(),
        d.resolved.len(),
        d.unchanged.len(),
    );
    for (title, list, open) in [
        ("New failures", &d.new, true),
        ("Resolved", &d.resolved, true),
        ("Persisting", &d.unchanged, false),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = write!(
            out,
            "<details{}><summary>{title} ({})</summary>\n<table><tr><th>Severity</th><th>Rule</th>\
             <th>Resource</th><th>Region</th><th>Finding</th></tr>\n",
            if open { " open" } else { "" },
            list.len()
        );
        for f in list.iter() {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"rule\"><code>{}</code></td><td>{}</td><td class=\"region\">{}</td><td>{}</td></tr>",
                sev_badge(f.severity),
                esc(&f.rule_id),
                resource_cell(f),
                esc(&f.region),
                esc(&f.message)
            );
        }
        out.push_str("</table></details>\n");
    }
    out.push_str("</section>\n");
}

fn scores(out: &mut String, score: &Score) {
    out.push_str("<section id=\"scores\">\n<h2>Resilience score by scope</h2>\n");
    for (title, head, rows) in [
        ("By account", "Account", &score.by_account),
        ("By region", "Region", &score.by_region),
        ("By service", "Service", &score.by_service),
    ] {
        let _ = write!(
            out,
            "<h3>{title}</h3>\n<table class=\"scores\"><tr><th>{head}</th><th>Score</th>\
             <th class=\"num\">Coverage</th><th class=\"num\">Failing / judged weight</th>\
             <th class=\"num\">Fail</th><th class=\"num\">Pass</th><th class=\"num\">Suppressed</th>\
             <th class=\"num\">Not evaluated</th></tr>\n"
        );
        for row in rows.iter() {
            score_row(out, row);
        }
        out.push_str("</table>\n");
    }
    out.push_str("</section>\n");
}

fn score_row(out: &mut String, row: &Scoped) {
    let t = &row.tally;
    let _ = writeln!(
        out,
        "<tr><td><code>{}</code></td><td class=\"{}\" data-score=\"{}\">{}<b>{}</b></td>\
         <td class=\"num\">{}</td><td class=\"num\">{} / {}</td><td class=\"num\">{}</td>\
         <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
        esc(row.key.name()),
        grade(t.score),
        t.score.text(),
        bar(t.score),
        t.score.text(),
        percent(t.coverage),
        t.failing_weight,
        t.judged_weight,
        t.fail,
        t.pass,
        t.suppressed,
        t.not_evaluated
    );
}

fn sev_badge(s: Severity) -> String {
    format!("<span class=\"sev {0}\">{0}</span>", s.as_str())
}

/// Name and id, then the ARN in small print.
fn resource_cell(f: &Finding) -> String {
    let label = match &f.resource_name {
        Some(n) if *n != f.resource_id && f.resource_id != "*" => {
            format!("{} <code>{}</code>", esc(n), esc(&f.resource_id))
        }
        Some(n) => esc(n),
        None => format!("<code>{}</code>", esc(&f.resource_id)),
    };
    match &f.arn {
        Some(arn) if !arn.is_empty() => {
            format!("{label}<br><code class=\"muted\">{}</code>", esc(arn))
        }
        _ => label,
    }
}

fn failing(out: &mut String, r: &Report, rules: &BTreeMap<&str, &Rule>) {
    let _ = writeln!(
        out,
        "<section id=\"failing\">\n<h2>Failing findings ({})</h2>",
        r.summary.fail
    );
    if r.summary.fail == 0 {
        out.push_str("<p>No failing findings.</p>\n</section>\n");
        return;
    }
    for sev in Severity::ALL {
        let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for f in r
            .findings
            .iter()
            .filter(|f| f.outcome == Outcome::Fail && f.severity == sev)
        {
            by_rule.entry(&f.rule_id).or_default().push(f);
        }
        if by_rule.is_empty() {
            continue;
        }
        let n: usize = by_rule.values().map(Vec::len).sum();
        let _ = writeln!(
            out,
            "<h3>{} <span class=\"muted\">{n} failing</span></h3>",
            sev_badge(sev)
        );
        for (id, list) in by_rule {
            let rule = rules.get(id);
            let _ = write!(
                out,
                "<article class=\"rule {}\" id=\"rule-{}\">\n<h4><code>{}</code> {}</h4>\n",
                sev.as_str(),
                esc(id),
                esc(id),
                esc(rule.map_or(list[0].rule_name.as_ref(), |x| x.title.as_str()))
            );
            if let Some(rule) = rule {
                let _ = writeln!(
                    out,
                    "<p>{}</p>\n{}<details open><summary>Remediation</summary><pre>{}</pre>{}</details>",
                    esc(rule.docs.why.trim()),
                    mapping_tags(rule),
                    esc(rule.docs.remediation.trim()),
                    references(rule)
                );
            }
            out.push_str(
                "<table><tr><th>Resource</th><th>Region</th><th>Account</th><th>Finding</th></tr>\n",
            );
            for f in list {
                let _ = writeln!(
                    out,
                    "<tr data-row><td>{}</td><td class=\"region\">{}</td><td>{}</td><td>{}{}</td></tr>",
                    resource_cell(f),
                    esc(&f.region),
                    esc(&f.account_id),
                    esc(&f.message),
                    if f.in_baseline {
                        " <span class=\"tag\">in baseline</span>"
                    } else {
                        ""
                    }
                );
            }
            out.push_str("</table>\n</article>\n");
        }
    }
    out.push_str("</section>\n");
}

fn mapping_tags(rule: &Rule) -> String {
    let m = &rule.mappings;
    let mut tags = String::new();
    for (name, ids) in [
        ("Well-Architected", &m.well_architected),
        ("Security Hub", &m.security_hub),
        ("Config rule", &m.config_rule),
        ("Trusted Advisor", &m.trusted_advisor),
    ] {
        for id in ids {
            let _ = write!(tags, "<span class=\"tag\">{name} {}</span>", esc(id));
        }
    }
    if tags.is_empty() {
        tags
    } else {
        format!("<p>{tags}</p>\n")
    }
}

/// Documentation links: plain anchors, only for web addresses (a rule file from `--rules`
/// could hold anything).
fn references(rule: &Rule) -> String {
    let links: Vec<String> = rule
        .docs
        .references
        .iter()
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(|u| {
            format!(
                "<li><a href=\"{0}\" rel=\"noreferrer\">{0}</a></li>",
                esc(u)
            )
        })
        .collect();
    if links.is_empty() {
        String::new()
    } else {
        format!("<ul>{}</ul>", links.join(""))
    }
}

fn frameworks(out: &mut String, r: &Report, rules: &BTreeMap<&str, &Rule>) {
    out.push_str("<section id=\"frameworks\">\n<h2>By framework</h2>\n");
    // Findings per rule, then summed per framework control the rule maps to.
    let mut per_rule: BTreeMap<&str, [usize; 3]> = BTreeMap::new();
    for f in r.findings {
        let c = per_rule.entry(&f.rule_id).or_default();
        match f.outcome {
            Outcome::Fail => c[0] += 1,
            Outcome::Pass => c[1] += 1,
            Outcome::NotEvaluated => c[2] += 1,
            Outcome::Suppressed => {}
        }
    }
    type Pick = fn(&Rule) -> &Vec<String>;
    let picks: [(&str, Pick); 2] = [
        (
            "AWS Well-Architected, Reliability pillar best practice",
            |x| &x.mappings.well_architected,
        ),
        ("AWS Security Hub control", |x| &x.mappings.security_hub),
    ];
    for (title, pick) in picks {
        let mut controls: BTreeMap<&str, (Vec<&str>, [usize; 3])> = BTreeMap::new();
        for (id, counts) in &per_rule {
            let Some(rule) = rules.get(id) else { continue };
            for control in pick(rule) {
                let e = controls.entry(control).or_default();
                e.0.push(id);
                for (sum, n) in e.1.iter_mut().zip(counts) {
                    *sum += n;
                }
            }
        }
        let _ = writeln!(out, "<h3>{title}</h3>");
        if controls.is_empty() {
            out.push_str("<p class=\"muted\">No evaluated rule maps to this framework.</p>\n");
            continue;
        }
        out.push_str(
            "<table><tr><th>Control</th><th>Rules</th><th class=\"num\">Fail</th>\
             <th class=\"num\">Pass</th><th class=\"num\">Not evaluated</th></tr>\n",
        );
        for (control, (ids, c)) in controls {
            let ids: Vec<String> = ids
                .iter()
                .map(|id| {
                    // Failing rules link to their findings above.
                    if per_rule.get(id).is_some_and(|n| n[0] > 0) {
                        format!("<a href=\"#rule-{0}\"><code>{0}</code></a>", esc(id))
                    } else {
                        format!("<code>{}</code>", esc(id))
                    }
                })
                .collect();
            let _ = writeln!(
                out,
                "<tr><td><b>{}</b></td><td>{}</td><td class=\"num {}\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td></tr>",
                esc(control),
                ids.join(" "),
                if c[0] > 0 { "poor" } else { "" },
                c[0],
                c[1],
                c[2]
            );
        }
        out.push_str("</table>\n");
    }
    out.push_str("</section>\n");
}

fn resource_label(res: &Resource) -> String {
    match &res.name {
        Some(n) if *n != res.id => format!("{} <code>{}</code>", esc(n), esc(&res.id)),
        _ => format!("<code>{}</code>", esc(&res.id)),
    }
}

fn zones(out: &mut String, resources: &[Resource]) {
    out.push_str(
        "<section id=\"zones\">\n<h2>Where workloads run, by Availability Zone</h2>\n\
         <p class=\"muted\">Each resource is listed in every AZ it occupies. A group, load \
         balancer, cluster or endpoint marked single AZ goes down with that AZ.</p>\n",
    );
    // (account, region) -> AZ -> resources (and whether each is a single-AZ one that could
    // span more), and the resources whose AZs are unknown.
    type Zoned<'a> = BTreeMap<String, Vec<(&'a Resource, bool)>>;
    type Unplaced<'a> = Vec<(&'a Resource, String)>;
    let mut by_region: BTreeMap<(String, &str), (Zoned, Unplaced)> = BTreeMap::new();
    for res in resources {
        let account = res.account_id.clone();
        let entry = by_region.entry((account, &res.region)).or_default();
        match &res.placement {
            Placement::Zones(zs, spans) => {
                let single = *spans && zs.len() == 1;
                for z in zs {
                    entry.0.entry(z.clone()).or_default().push((res, single));
                }
            }
            Placement::Unknown(reason) => entry.1.push((res, reason.clone())),
        }
    }
    if by_region.is_empty() {
        out.push_str("<p>No resource with an Availability Zone placement was found.</p>\n");
    }
    let many_accounts = by_region
        .keys()
        .map(|k| &k.0)
        .collect::<BTreeSet<_>>()
        .len()
        > 1;
    for ((account, region), (zoned, unknown)) in by_region {
        let _ = writeln!(
            out,
            "<h3>{}<code>{}</code> <span class=\"muted\">{} AZ(s) in use</span></h3>\n<div class=\"zones\">",
            if many_accounts {
                format!("<code>{}</code> · ", esc(&account))
            } else {
                String::new()
            },
            esc(region),
            zoned.len()
        );
        for (az, list) in zoned {
            let _ = write!(
                out,
                "<div class=\"zone\" data-az=\"{0}\"><h4><code>{0}</code> <span class=\"muted\">{1} resource(s)</span></h4><ul>",
                esc(&az),
                list.len()
            );
            for (res, single) in list {
                let _ = write!(
                    out,
                    "<li>{}: {}{}</li>",
                    esc(res.kind.label()),
                    resource_label(res),
                    if single {
                        " <span class=\"single\">single AZ</span>"
                    } else {
                        ""
                    }
                );
            }
            out.push_str("</ul></div>\n");
        }
        if !unknown.is_empty() {
            out.push_str("<div class=\"zone\" data-az=\"unknown\"><h4>AZ unknown</h4><ul>");
            for (res, reason) in unknown {
                let _ = write!(
                    out,
                    "<li>{}: {} <span class=\"muted\">{}</span></li>",
                    esc(res.kind.label()),
                    resource_label(res),
                    esc(&reason)
                );
            }
            out.push_str("</ul></div>\n");
        }
        out.push_str("</div>\n");
    }
    out.push_str("</section>\n");
}

fn reason_rows(out: &mut String, findings: &[&Finding]) {
    out.push_str(
        "<table><tr><th>Rule</th><th>Resource</th><th>Region</th><th>Account</th><th>Reason</th></tr>\n",
    );
    for f in findings {
        let _ = writeln!(
            out,
            "<tr><td class=\"rule\"><code>{}</code></td><td>{}</td><td class=\"region\">{}</td><td>{}</td><td>{}</td></tr>",
            esc(&f.rule_id),
            resource_cell(f),
            esc(&f.region),
            esc(&f.account_id),
            esc(f.reason.as_deref().unwrap_or(""))
        );
    }
    out.push_str("</table>\n");
}

fn not_evaluated(out: &mut String, r: &Report) {
    let list: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.outcome == Outcome::NotEvaluated)
        .collect();
    let _ = writeln!(
        out,
        "<section id=\"not-evaluated\">\n<h2>Not evaluated ({})</h2>",
        list.len()
    );
    if list.is_empty() {
        out.push_str("<p>Every rule could judge every resource it applies to.</p>\n");
    } else {
        out.push_str(
            "<p>These were not judged: they are neither passes nor fails, and they lower the \
             coverage, not the score. A resource id <code>*</code> stands for a whole scope \
             that could not be listed.</p>\n",
        );
        reason_rows(out, &list);
    }
    out.push_str("</section>\n");
}

fn coverage(out: &mut String, r: &Report) {
    let incomplete = r
        .coverage
        .iter()
        .filter(|c| !c.coverage.is_complete())
        .count();
    let _ = writeln!(
        out,
        "<section id=\"coverage\">\n<h2>Coverage</h2>\n<p>{} of {} service scopes read completely.</p>",
        r.coverage.len() - incomplete,
        r.coverage.len()
    );
    if r.coverage.is_empty() {
        out.push_str("</section>\n");
        return;
    }
    out.push_str(
        "<table><tr><th>Account</th><th>Service</th><th>Region</th><th>Status</th><th>Failed calls</th></tr>\n",
    );
    for ac in &r.coverage {
        let c = &ac.coverage;
        let errors: Vec<String> = c
            .errors
            .iter()
            .map(|e| {
                if e.is_plan_gap() {
                    return esc(&e.reason());
                }
                format!(
                    "<code>{}</code>{}: {}: {} <span class=\"muted\">(needs <code>{}</code>)</span>",
                    esc(&e.operation),
                    e.resource
                        .as_deref()
                        .map(|x| format!(" ({})", esc(x)))
                        .unwrap_or_default(),
                    esc(&e.code),
                    esc(&e.message),
                    esc(&e.iam_action)
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td class=\"{}\">{}</td><td>{}</td></tr>",
            esc(&ac.account_id),
            esc(&c.service),
            esc(&c.region),
            if c.is_complete() { "good" } else { "poor" },
            if c.is_complete() {
                "complete"
            } else {
                "incomplete"
            },
            errors.join("<br>")
        );
    }
    out.push_str("</table>\n</section>\n");
}

fn suppressed(out: &mut String, r: &Report) {
    let list: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.outcome == Outcome::Suppressed)
        .collect();
    let _ = writeln!(
        out,
        "<section id=\"suppressed\">\n<h2>Suppressed ({})</h2>",
        list.len()
    );
    if list.is_empty() {
        out.push_str("<p>None.</p>\n");
    } else {
        out.push_str("<p>Failing, but accepted in the configuration.</p>\n");
        reason_rows(out, &list);
    }
    out.push_str("</section>\n");
}

/// Escapes text for HTML element content and double- or single-quoted attributes.
fn esc(s: &str) -> String {
    // Control characters are not allowed in HTML text: each becomes U+FFFD.
    let forbidden = |c: char| c.is_control() && !matches!(c, '\t' | '\n' | '\r');
    let text: std::borrow::Cow<str> = if s.contains(forbidden) {
        s.chars()
            .map(|c| if forbidden(c) { '\u{FFFD}' } else { c })
            .collect::<String>()
            .into()
    } else {
        s.into()
    };
    html_escape::encode_quoted_attribute(&text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(esc("a\u{0}b\u{7f}"), "a\u{FFFD}b\u{FFFD}");
    }
}
