//! The simulation report: a table for people, the versioned JSON, SARIF for CI gates (one
//! result per workload that the failure reaches), and an HTML picture of AZs x workloads.

use super::RenderOptions;
use crate::simulate::{Simulation, Verdict, WorkloadResult};
use comfy_table::{presets, Attribute, Cell, Color, ContentArrangement, Table};
use serde_json::{json, Value};
use std::fmt::Write;

/// What the scenario fails, in words.
pub fn scenario_text(s: &Simulation) -> String {
    let sc = &s.scenario;
    match sc.kind {
        "az-power-loss" => {
            let names: Vec<String> = sc
                .az_names
                .iter()
                .map(|(account, name)| format!("{name} in {account}"))
                .collect();
            format!(
                "AZ {} ({}{}) fails",
                sc.az_id.as_deref().unwrap_or("?"),
                sc.region.as_deref().unwrap_or("?"),
                if names.is_empty() {
                    String::new()
                } else {
                    format!("; {}", names.join(", "))
                }
            )
        }
        "region-loss" => format!("region {} fails", sc.region.as_deref().unwrap_or("?")),
        _ => format!(
            "each of {} AZs fails in turn; each workload shows its worst AZ",
            sc.azs.len()
        ),
    }
}

fn verdict_cell(v: Verdict, text: &str, opts: &RenderOptions) -> Cell {
    let c = Cell::new(text);
    if !opts.color {
        return c;
    }
    match v {
        Verdict::Outage => c.fg(Color::Red).add_attribute(Attribute::Bold),
        Verdict::CapacityShort => c.fg(Color::Red),
        Verdict::NotEvaluated => c.fg(Color::Magenta),
        Verdict::Failover => c.fg(Color::Yellow),
        Verdict::Degraded => c.fg(Color::Cyan),
        Verdict::Unaffected => c.fg(Color::Green),
    }
}

/// The capacity on a workload's path that is left tightest: `before->after/required`.
pub fn capacity_text(w: &WorkloadResult) -> String {
    w.components
        .iter()
        .filter_map(|c| {
            let cap = c.capacity.as_ref()?;
            let before: u32 = cap.before.values().sum();
            let ratio = match cap.required {
                Some(r) if r > 0 => f64::from(cap.after) / f64::from(r),
                _ => f64::from(cap.after) / f64::from(before.max(1)),
            };
            let text = match cap.required {
                Some(r) => format!("{before}->{}/{r} {}", cap.after, cap.unit),
                None => format!("{before}->{} {}", cap.after, cap.unit),
            };
            Some((ratio, text))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map_or_else(|| "-".to_string(), |(_, t)| t)
}

pub fn downtime_text(w: &WorkloadResult) -> String {
    match (&w.verdict, &w.failover_estimate) {
        (Verdict::Unaffected, _) => "-".into(),
        (_, Some(e)) => e.text(),
        (Verdict::Outage, None) => "until recovery".into(),
        _ => "-".into(),
    }
}

pub fn table(s: &Simulation, opts: &RenderOptions) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "ha-audit {} simulate · account {} · regions {} · snapshot {}",
        s.tool_version,
        s.snapshot.accounts.join(", "),
        s.snapshot.regions.join(", "),
        s.snapshot.taken_at.join(", ")
    );
    let _ = writeln!(out, "Scenario: {}\n", scenario_text(s));
    for n in &s.notes {
        let _ = writeln!(out, "note: {n}");
    }
    if s.workloads.is_empty() {
        out.push_str("No workloads found in the snapshot.\n");
    } else {
        let mut t = new_table(opts);
        let every_az = s.scenario.kind == "every-az";
        let mut head = vec!["WORKLOAD", "VERDICT"];
        if every_az {
            head.push("WORST AZ");
        }
        head.extend(["CAPACITY", "DOWNTIME", "WHY"]);
        t.set_header(head.iter().map(|h| bold(h, opts)).collect::<Vec<_>>());
        for w in &s.workloads {
            let mut verdict = w.verdict.as_str().to_string();
            if w.data_loss {
                verdict.push_str(" +data loss");
            }
            let mut row = vec![Cell::new(&w.id), verdict_cell(w.verdict, &verdict, opts)];
            if every_az {
                row.push(Cell::new(w.az_id.as_deref().unwrap_or("-")));
            }
            row.extend([
                Cell::new(capacity_text(w)),
                Cell::new(downtime_text(w)),
                Cell::new(if w.why.is_empty() { "-" } else { &w.why }),
            ]);
            t.add_row(row);
        }
        let _ = writeln!(out, "{t}");
    }
    if !s.per_az.is_empty() {
        let mut t = new_table(opts);
        t.set_header(
            [
                "AZ", "REGION", "NAMES", "OUTAGE", "SHORT", "N/E", "FAILOVER", "DEGRADED", "SCORE",
            ]
            .iter()
            .map(|h| bold(h, opts))
            .collect::<Vec<_>>(),
        );
        for a in &s.per_az {
            let names: Vec<String> = a.az_names.values().cloned().collect();
            t.add_row(vec![
                Cell::new(&a.az_id),
                Cell::new(&a.region),
                Cell::new(names.join(", ")),
                Cell::new(a.summary.outage),
                Cell::new(a.summary.capacity_short),
                Cell::new(a.summary.not_evaluated),
                Cell::new(a.summary.failover),
                Cell::new(a.summary.degraded),
                Cell::new(score_text(a.summary.az_resilience_score)),
            ]);
        }
        let _ = writeln!(out, "\nPer AZ:\n{t}");
        if let Some(worst) = s
            .per_az
            .iter()
            .min_by_key(|a| (a.summary.az_resilience_score.unwrap_or(0), a.az_id.clone()))
        {
            let _ = writeln!(
                out,
                "Worst AZ: {} ({}), score {}",
                worst.az_id,
                worst.region,
                score_text(worst.summary.az_resilience_score)
            );
        }
    }
    let m = &s.summary;
    let _ = writeln!(
        out,
        "\nWorkloads: {} · outage {} · capacity_short {} · not_evaluated {} · failover {} · degraded {} · unaffected {} · data loss possible in {}",
        m.workloads, m.outage, m.capacity_short, m.not_evaluated, m.failover, m.degraded, m.unaffected, m.data_loss
    );
    let _ = writeln!(
        out,
        "AZ-resilience score: {}/100 (worst AZ per workload){}",
        score_text(m.az_resilience_score),
        s.rule_score
            .as_ref()
            .map(|r| format!(" · rule score: {r}/100"))
            .unwrap_or_default()
    );
    if !s.not_evaluated.is_empty() {
        let _ = writeln!(
            out,
            "Not read, so not seen by the simulation: {} scope(s), e.g. {} ({}) - see --format json",
            s.not_evaluated.len(),
            s.not_evaluated[0].scope,
            s.not_evaluated[0].region
        );
    }
    let _ = writeln!(
        out,
        "Not modelled: gray failures, control-plane impairment, launch and boot times."
    );
    out
}

fn score_text(s: Option<u32>) -> String {
    s.map_or_else(|| "n/a".to_string(), |v| v.to_string())
}

fn bold(h: &str, opts: &RenderOptions) -> Cell {
    let c = Cell::new(h);
    if opts.color {
        c.add_attribute(Attribute::Bold)
    } else {
        c
    }
}

fn new_table(opts: &RenderOptions) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if !opts.terminal {
        t.force_no_tty().set_width(160);
    }
    t
}

pub fn json(s: &Simulation) -> String {
    let mut text = serde_json::to_string_pretty(s).expect("a simulation serialises");
    text.push('\n');
    text
}

fn level(v: Verdict) -> &'static str {
    match v {
        Verdict::Outage | Verdict::CapacityShort => "error",
        Verdict::Failover | Verdict::NotEvaluated => "warning",
        _ => "note",
    }
}

fn rule_id(s: &Simulation, v: Verdict) -> String {
    let scope = if s.scenario.kind == "region-loss" {
        "region"
    } else {
        "az"
    };
    format!("sim/{scope}-{}", v.as_str().replace('_', "-"))
}

/// One result per workload the failure reaches. Physical locations point at the snapshot
/// file when there is one (GitHub needs a file), else at a stable synthetic path.
pub fn sarif(s: &Simulation, snapshot_uri: Option<&str>) -> String {
    let verdicts = [
        Verdict::Outage,
        Verdict::CapacityShort,
        Verdict::NotEvaluated,
        Verdict::Failover,
        Verdict::Degraded,
    ];
    let rules: Vec<Value> = verdicts
        .iter()
        .map(|v| {
            json!({
                "id": rule_id(s, *v),
                "name": format!("workload-{}", v.as_str().replace('_', "-")),
                "shortDescription": { "text": format!("A workload is {} when {}", v.as_str(), scenario_text(s)) },
                "fullDescription": { "text": verdict_help(*v) },
                "defaultConfiguration": { "level": level(*v) },
                "properties": { "tags": ["reliability", "availability", "simulation"] },
            })
        })
        .collect();
    let results: Vec<Value> = s
        .workloads
        .iter()
        .filter(|w| w.verdict != Verdict::Unaffected)
        .map(|w| {
            let index = verdicts.iter().position(|v| *v == w.verdict).unwrap_or(0);
            let uri = snapshot_uri.map_or_else(
                || format!("aws/simulate/{}", super::sarif::encode(&w.id)),
                str::to_string,
            );
            let locations: Vec<Value> = w
                .components
                .iter()
                .filter(|c| c.verdict != Verdict::Unaffected)
                .take(10)
                .map(|c| json!({ "name": c.id, "fullyQualifiedName": c.arn, "kind": "resource" }))
                .collect();
            let az = w
                .az_id
                .clone()
                .or_else(|| s.scenario.az_id.clone())
                .or_else(|| s.scenario.region.clone())
                .unwrap_or_default();
            json!({
                "ruleId": rule_id(s, w.verdict),
                "ruleIndex": index,
                "level": level(w.verdict),
                "message": { "text": format!("Workload {} is {} when {}: {}", w.id, w.verdict, scenario_text(s), w.why) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": { "startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1 },
                    },
                    "logicalLocations": locations,
                }],
                "partialFingerprints": { "workload/az": format!("{}/{az}", w.id) },
                "properties": {
                    "workload": w.id,
                    "verdict": w.verdict,
                    "dataLoss": w.data_loss,
                    "failoverEstimate": w.failover_estimate,
                    "scenario": az,
                },
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "ha-audit",
                "version": s.tool_version,
                "informationUri": "https://github.com/ha-audit/ha-audit",
                "rules": rules,
            }},
            "automationDetails": { "id": format!("ha-audit/simulate/{}/", s.scenario.kind) },
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&doc).expect("SARIF serialises");
    text.push('\n');
    text
}

fn verdict_help(v: Verdict) -> &'static str {
    match v {
        Verdict::Outage => "No surviving path: the workload stops until the AZ or region recovers, or someone acts.",
        Verdict::CapacityShort => "The workload keeps serving with less capacity than it requires until replacements arrive, if they can.",
        Verdict::NotEvaluated => "Part of the workload's path could not be placed or read, so its fate is unknown.",
        Verdict::Failover => "A component fails over automatically, after an interruption of the estimated duration.",
        Verdict::Degraded => "Capacity or redundancy is lost; what remains carries the required load.",
        Verdict::Unaffected => "Nothing on the workload's path is in the failed AZ or region.",
    }
}

/// One page: for every workload, a cell per AZ (or the one scenario) coloured by verdict,
/// before (all serving) and after.
pub fn html(s: &Simulation) -> String {
    use html_escape::encode_text as esc;
    let mut out = String::new();
    let columns: Vec<String> = if s.per_az.is_empty() {
        vec!["before".to_string(), "after".to_string()]
    } else {
        s.per_az.iter().map(|a| a.az_id.clone()).collect()
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ha-audit simulate: {}</title>\n<style>\
body{{font-family:system-ui,sans-serif;margin:2em;color:#222}}table{{border-collapse:collapse}}\
td,th{{border:1px solid #ccc;padding:4px 8px;font-size:14px;text-align:left}}\
.unaffected{{background:#d9f2d9}}.degraded{{background:#d6eef5}}.failover{{background:#fff2c2}}\
.capacity_short{{background:#fbd3b0}}.not_evaluated{{background:#e8dcf2}}.outage{{background:#f5b5b5}}\
.why{{color:#555;max-width:60em}}</style></head><body>\n",
        esc(&scenario_text(s))
    );
    let _ = writeln!(
        out,
        "<h1>What breaks when {}</h1>\n<p>AZ-resilience score <b>{}</b>/100{} · {} workloads · outage {} · capacity short {} · not evaluated {} · failover {} · degraded {} · unaffected {}</p>",
        esc(&scenario_text(s)),
        score_text(s.summary.az_resilience_score),
        s.rule_score.as_ref().map(|r| format!(" · rule score {r}/100")).unwrap_or_default(),
        s.summary.workloads,
        s.summary.outage,
        s.summary.capacity_short,
        s.summary.not_evaluated,
        s.summary.failover,
        s.summary.degraded,
        s.summary.unaffected
    );
    out.push_str("<table><thead><tr><th>workload</th>");
    for c in &columns {
        let _ = write!(out, "<th>{}</th>", esc(c));
    }
    out.push_str("<th>downtime</th><th>why</th></tr></thead><tbody>\n");
    for w in &s.workloads {
        let _ = write!(out, "<tr><td>{}</td>", esc(&w.id));
        if s.per_az.is_empty() {
            let _ = write!(
                out,
                "<td class=\"unaffected\">serving</td><td class=\"{0}\">{0}</td>",
                w.verdict.as_str()
            );
        } else {
            for a in &s.per_az {
                let v = a
                    .verdicts
                    .get(&w.id)
                    .copied()
                    .unwrap_or(Verdict::NotEvaluated);
                let _ = write!(out, "<td class=\"{0}\" title=\"{0}\">{0}</td>", v.as_str());
            }
        }
        let _ = writeln!(
            out,
            "<td>{}</td><td class=\"why\">{}</td></tr>",
            esc(&downtime_text(w)),
            esc(&w.why)
        );
    }
    out.push_str("</tbody></table>\n<p>Assumptions: ");
    out.push_str(&esc(&s.scenario.assumptions.join("; ")));
    out.push_str(".</p>\n</body></html>\n");
    out
}
