//! `ha-audit merge`: joins the snapshots, or the JSON reports, of separate jobs (one per
//! account or per region, say) into one, as if one scan had read everything.

use crate::engine::OwnedFinding;
use crate::error::{Error, Result};
use crate::report::{AccountCoverage, AccountHeader, Report};
use crate::snapshot::{CollectError, Coverage, Snapshot};
use clap::Args;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// File to write the merged snapshot or JSON report to (atomically)
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: PathBuf,
    /// Snapshots (collect, scan --save-snapshot) or JSON reports (scan --format json); all
    /// of the same kind
    #[arg(required = true, num_args = 1.., value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Snapshot,
    Report,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Snapshot => "a snapshot",
            Kind::Report => "a JSON report",
        }
    }
}

pub fn run(a: MergeArgs) -> Result<u8> {
    let mut texts = Vec::with_capacity(a.inputs.len());
    let mut kind = None;
    for path in &a.inputs {
        let text = crate::error::read_text(path, "input")?;
        let k = kind_of(path, &text)?;
        match kind {
            None => kind = Some((k, path.clone())),
            Some((first, ref first_path)) if first != k => {
                return Err(input(
                    path,
                    format!(
                        "this is {} but {} is {}: merge joins inputs of one kind",
                        k.name(),
                        first_path.display(),
                        first.name()
                    ),
                ))
            }
            Some(_) => {}
        }
        texts.push((path.as_path(), text));
    }
    let out = match kind.map(|(k, _)| k) {
        Some(Kind::Report) => merge_reports(&texts)?,
        _ => merge_snapshots(&texts)?,
    };
    crate::output::write_atomically(&a.out, out.as_bytes())?;
    Ok(0)
}

fn input(path: &Path, detail: String) -> Error {
    Error::Input {
        path: path.to_path_buf(),
        detail,
    }
}

/// A JSON report has findings; a snapshot has a tool version and no findings.
fn kind_of(path: &Path, text: &str) -> Result<Kind> {
    #[derive(serde::Deserialize)]
    struct Probe {
        findings: Option<serde::de::IgnoredAny>,
        tool_version: Option<serde::de::IgnoredAny>,
    }
    let probe: Probe = serde_json::from_str(text).map_err(|e| {
        input(
            path,
            format!(
                "line {}, column {}: not an ha-audit snapshot or JSON report: {e}",
                e.line(),
                e.column()
            ),
        )
    })?;
    match (probe.findings, probe.tool_version) {
        (Some(_), _) => Ok(Kind::Report),
        (None, Some(_)) => Ok(Kind::Snapshot),
        (None, None) => Err(input(
            path,
            "not an ha-audit snapshot (no `tool_version`) or JSON report (no `findings`)"
                .to_string(),
        )),
    }
}

/// Which input read each (account, region, service) scope: a scope read twice is refused,
/// naming both files, since the two reads could disagree.
#[derive(Default)]
struct Scopes<'a>(BTreeMap<(String, String, String), &'a Path>);

impl<'a> Scopes<'a> {
    fn add(&mut self, path: &'a Path, account: &str, c: &Coverage) -> Result<()> {
        let key = (account.to_string(), c.region.clone(), c.service.clone());
        if let Some(first) = self.0.insert(key, path) {
            return Err(input(
                path,
                format!(
                    "account {account} has {} in {} already in {}: each (account, region, \
                     service) may come from one input only",
                    c.service,
                    c.region,
                    first.display()
                ),
            ));
        }
        Ok(())
    }
}

fn merge_snapshots(texts: &[(&Path, String)]) -> Result<String> {
    let mut scopes = Scopes::default();
    let mut accounts: BTreeMap<String, Snapshot> = BTreeMap::new();
    for (path, text) in texts {
        let snapshots = crate::snapshot::parse_all(text).map_err(|d| input(path, d))?;
        for s in snapshots {
            for c in &s.coverage {
                scopes.add(path, &s.account_id, c)?;
            }
            let joined = match accounts.remove(&s.account_id) {
                None => s,
                Some(before) => crate::snapshot::join_account(before, s)
                    .map_err(|d| input(path, format!("cannot join: {d}")))?,
            };
            accounts.insert(joined.account_id.clone(), joined);
        }
    }
    let all: Vec<Snapshot> = accounts.into_values().collect();
    Ok(crate::snapshot::to_json_all(&all))
}

/// The part of a JSON report that a merge reads; what is computed from the findings
/// (summary, `complete`) is computed again.
#[derive(serde::Deserialize)]
struct ReportIn {
    schema_version: u32,
    #[serde(default)]
    account_id: Option<String>,
    #[serde(default)]
    partition: String,
    #[serde(default)]
    regions: Vec<String>,
    #[serde(default)]
    taken_at: String,
    #[serde(default)]
    accounts: Vec<AccountHeader>,
    #[serde(default)]
    coverage: Vec<CoverageIn>,
    findings: Vec<OwnedFinding>,
}

impl crate::report::Versioned for ReportIn {
    fn schema_version(&self) -> u32 {
        self.schema_version
    }
}

#[derive(serde::Deserialize)]
struct CoverageIn {
    #[serde(default)]
    account_id: Option<String>,
    service: String,
    region: String,
    #[serde(default)]
    errors: Vec<CollectError>,
}

fn merge_reports(texts: &[(&Path, String)]) -> Result<String> {
    let mut scopes = Scopes::default();
    let mut accounts: BTreeMap<String, AccountHeader> = BTreeMap::new();
    let mut coverage = Vec::new();
    let mut findings = Vec::new();
    for (path, text) in texts {
        let r: ReportIn = crate::report::parse_report(path, text)?;
        let mut headers = r.accounts;
        if headers.is_empty() {
            // A report written before reports listed their accounts.
            let Some(id) = r.account_id.clone() else {
                return Err(input(
                    path,
                    "field `accounts`: the report names no account".to_string(),
                ));
            };
            headers.push(AccountHeader {
                account_id: id,
                partition: r.partition,
                regions: r.regions,
                taken_at: r.taken_at,
            });
        }
        for c in r.coverage {
            let Some(account) = c.account_id.or_else(|| r.account_id.clone()) else {
                return Err(input(
                    path,
                    format!(
                        "field `coverage`: {} in {} names no account",
                        c.service, c.region
                    ),
                ));
            };
            let c = AccountCoverage {
                account_id: account,
                coverage: Coverage {
                    service: c.service,
                    region: c.region,
                    errors: c.errors,
                },
            };
            scopes.add(path, &c.account_id, &c.coverage)?;
            coverage.push(c);
        }
        for h in headers {
            match accounts.get_mut(&h.account_id) {
                None => {
                    accounts.insert(h.account_id.clone(), h);
                }
                Some(known) => {
                    known.regions.extend(h.regions);
                    known.regions.sort();
                    known.regions.dedup();
                    if !h.taken_at.is_empty()
                        && (known.taken_at.is_empty() || h.taken_at < known.taken_at)
                    {
                        known.taken_at = h.taken_at;
                    }
                }
            }
        }
        findings.extend(r.findings);
    }
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let report = Report::of_accounts(
        accounts.into_values().collect(),
        coverage,
        &findings,
        vec![],
    );
    Ok(crate::report::render(
        &report,
        crate::report::Format::Json,
        &crate::report::RenderOptions {
            color: false,
            terminal: false,
            expand: false,
            show_not_evaluated: false,
            width: crate::report::PIPE_WIDTH,
        },
    ))
}
