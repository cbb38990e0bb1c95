//! The JSON report. Its shape is documented in README.md ("JSON report"); any change that an
//! existing consumer could misread bumps `REPORT_SCHEMA_VERSION`.

use super::Report;
use serde::Serialize;

pub const REPORT_SCHEMA_VERSION: u32 = 1;

/// The report as serialised: borrowed, so that the findings are written straight to text
/// rather than first copied into a JSON tree (which doubled the memory of a large report).
#[derive(Serialize)]
struct Doc<'a> {
    schema_version: u32,
    tool: Tool,
    /// The account, when the report covers exactly one (every account is in `accounts`).
    #[serde(skip_serializing_if = "Option::is_none")]
    account_id: Option<&'a str>,
    partition: &'a str,
    regions: &'a [String],
    taken_at: &'a str,
    accounts: &'a [super::AccountHeader],
    summary: &'a crate::engine::Summary,
    score: super::score::Score,
    coverage: Vec<Coverage<'a>>,
    findings: &'a [crate::engine::Finding],
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Coverage<'a> {
    account_id: &'a str,
    service: &'a str,
    region: &'a str,
    complete: bool,
    errors: &'a [crate::snapshot::CollectError],
}

pub fn render(r: &Report) -> String {
    let doc = Doc {
        schema_version: REPORT_SCHEMA_VERSION,
        tool: Tool {
            name: "ha-audit",
            version: env!("CARGO_PKG_VERSION"),
        },
        account_id: r.single_account(),
        partition: &r.partition,
        regions: &r.regions,
        taken_at: &r.taken_at,
        accounts: &r.accounts,
        summary: &r.summary,
        score: super::score::Score::of(r.findings),
        coverage: r
            .coverage
            .iter()
            .map(|c| Coverage {
                account_id: &c.account_id,
                service: &c.coverage.service,
                region: &c.coverage.region,
                complete: c.coverage.is_complete(),
                errors: &c.coverage.errors,
            })
            .collect(),
        findings: r.findings,
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("report serialises");
    s.push('\n');
    s
}
