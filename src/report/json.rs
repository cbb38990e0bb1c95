//! The JSON report. Its shape is documented in README.md ("JSON report"); any change that an
//! existing consumer could misread bumps `REPORT_SCHEMA_VERSION`.

use super::Report;
use serde_json::json;

pub const REPORT_SCHEMA_VERSION: u32 = 1;

pub fn render(r: &Report) -> String {
    let coverage: Vec<_> = r
        .coverage
        .iter()
        .map(|c| {
            json!({
                "service": c.service,
                "region": c.region,
                "complete": c.is_complete(),
                "errors": c.errors,
            })
        })
        .collect();
    let doc = json!({
        "schema_version": REPORT_SCHEMA_VERSION,
        "tool": { "name": "ha-audit", "version": env!("CARGO_PKG_VERSION") },
        "account_id": r.account_id,
        "partition": r.partition,
        "regions": r.regions,
        "taken_at": r.taken_at,
        "summary": r.summary,
        "coverage": coverage,
        "findings": r.findings,
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("report serialises");
    s.push('\n');
    s
}
