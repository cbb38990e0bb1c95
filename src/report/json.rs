//! The JSON report. Its shape is documented in README.md ("JSON report"); any change that an
//! existing consumer could misread bumps `REPORT_SCHEMA_VERSION`.
//!
//! It is written as a stream: the head (everything but the findings) in one piece, then the
//! findings rule by rule, each rule's serialised on whichever core is free and written in
//! order. A report of ten million findings never exists in memory at once.

use super::Report;
use crate::engine::{Finding, Row};
use serde::Serialize;
use std::io::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

pub const REPORT_SCHEMA_VERSION: u32 = 1;

/// Findings serialised as one piece of work: about 1.5 MB of text.
const PART: usize = 4096;

/// Everything but the findings, as serialised.
#[derive(Serialize)]
struct Head<'a> {
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
    /// Written apart, after the head.
    findings: [(); 0],
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

/// The whole report as text.
pub fn render(r: &Report) -> String {
    let mut out = Vec::new();
    write_json(r, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Writes the report to `out`.
pub fn write_json(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let head = Head {
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
        score: super::score::Score::of_report(r),
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
        findings: [],
    };
    let text = serde_json::to_string_pretty(&head).map_err(io::Error::other)?;
    // The head ends with `"findings": []` and the closing brace: the findings go in between.
    let open = text
        .strip_suffix("\"findings\": []\n}")
        .expect("`findings` is the head's last field");
    out.write_all(open.as_bytes())?;
    let count = match r.judged {
        Some(j) => j.len(),
        None => r.findings.len(),
    };
    if count == 0 {
        out.write_all(b"\"findings\": []\n}\n")?;
        return Ok(());
    }
    out.write_all(b"\"findings\": [\n")?;
    match r.judged {
        Some(j) => {
            // A rule's findings are cut into parts of `PART`, so that every core has work
            // and no buffer grows past a few MB. The rows of a rule with scope findings are
            // merged once (those are few); the others are the judged rows in order.
            let rules = j.rules.rules.len();
            let merged: Vec<Option<Vec<Row>>> = (0..rules)
                .map(|r| (!j.scopes[r].is_empty()).then(|| j.rows(r)))
                .collect();
            let parts: Vec<(usize, usize, usize)> = (0..rules)
                .flat_map(|r| {
                    let len = j.per_rule[r].len() + j.scopes[r].len();
                    (0..len)
                        .step_by(PART)
                        .map(move |start| (r, start, (start + PART).min(len)))
                })
                .collect();
            write_parts(parts.len(), out, &|p, buf| {
                let (r, start, end) = parts[p];
                for i in start..end {
                    let row = match &merged[r] {
                        Some(rows) => rows[i],
                        None => Row::Judged(i),
                    };
                    item(&j.finding(r, row), buf);
                }
            })?;
        }
        None => {
            let parts = r.findings.len().div_ceil(PART);
            write_parts(parts, out, &|p, buf| {
                let end = (p * PART + PART).min(r.findings.len());
                for f in &r.findings[p * PART..end] {
                    item(f, buf);
                }
            })?;
        }
    }
    out.write_all(b"\n  ]\n}\n")
}

/// Appends one finding as an element of the document's `findings` array, exactly as
/// `serde_json`'s pretty printer lays it out two levels deep, preceded by the separator from
/// the element before (every element but the first of the whole array writes `,\n` first;
/// the caller strips the very first).
///
/// Written by hand rather than through `Serialize`: at millions of findings the report is
/// most of a scan's time, and most strings in it need no escaping, which a whole-string check
/// finds faster than `serde_json`'s byte-by-byte escaper. `item_matches_serde` in the tests
/// holds the two to the same bytes, so a field added to [`Finding`] must be added here too.
fn item(f: &Finding, buf: &mut Vec<u8>) {
    buf.extend_from_slice(b",\n    {\n      \"rule_id\": ");
    string(buf, &f.rule_id);
    field(buf, "rule_name");
    string(buf, &f.rule_name);
    field(buf, "severity");
    string(buf, f.severity.as_str());
    field(buf, "outcome");
    string(buf, f.outcome.as_str());
    field(buf, "resource_kind");
    string(buf, &f.resource_kind);
    field(buf, "resource_id");
    string(buf, &f.resource_id);
    field(buf, "resource_name");
    optional(buf, f.resource_name.as_deref());
    field(buf, "arn");
    optional(buf, f.arn.as_deref());
    field(buf, "region");
    string(buf, &f.region);
    field(buf, "account_id");
    string(buf, &f.account_id);
    field(buf, "message");
    string(buf, &f.message);
    if let Some(reason) = &f.reason {
        field(buf, "reason");
        string(buf, reason);
    }
    if f.in_baseline {
        field(buf, "in_baseline");
        buf.extend_from_slice(b"true");
    }
    buf.extend_from_slice(b"\n    }");
}

/// The separator and key of a finding's field after its first.
fn field(buf: &mut Vec<u8>, key: &str) {
    buf.extend_from_slice(b",\n      \"");
    buf.extend_from_slice(key.as_bytes());
    buf.extend_from_slice(b"\": ");
}

fn optional(buf: &mut Vec<u8>, s: Option<&str>) {
    match s {
        Some(s) => string(buf, s),
        None => buf.extend_from_slice(b"null"),
    }
}

/// A JSON string: as it is when nothing in it needs escaping, else through `serde_json`.
fn string(buf: &mut Vec<u8>, s: &str) {
    // No early exit, so that the check runs over whole vectors of bytes at a time.
    let escaped = s.bytes().fold(false, |any, b| {
        any | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if escaped {
        serde_json::to_writer(&mut *buf, s).expect("a string serialises");
    } else {
        buf.push(b'"');
        buf.extend_from_slice(s.as_bytes());
        buf.push(b'"');
    }
}

/// Serialises parts `0..parts` with `fill` on every core and writes them to `out` in order,
/// keeping only a few parts in memory at once.
fn write_parts(
    parts: usize,
    out: &mut dyn Write,
    fill: &(dyn Fn(usize, &mut Vec<u8>) + Sync),
) -> io::Result<()> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(parts);
    // Parts serialised but not yet written, by index; a worker waits when it is too far
    // ahead of the writer.
    let ready: Mutex<std::collections::BTreeMap<usize, Vec<u8>>> = Mutex::default();
    // Buffers already written, kept for the next parts: a fresh one would be grown (and its
    // pages touched) all over again.
    let spare: Mutex<Vec<Vec<u8>>> = Mutex::default();
    let written = AtomicUsize::new(0);
    let signal = Condvar::new();
    let next = AtomicUsize::new(0);
    let ahead = 4 * threads.max(1);
    let mut first = true;
    let mut result = Ok(());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let p = next.fetch_add(1, Ordering::Relaxed);
                if p >= parts {
                    break;
                }
                let mut buf = spare
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .pop()
                    .unwrap_or_default();
                fill(p, &mut buf);
                let mut ready = ready.lock().unwrap_or_else(|e| e.into_inner());
                while p >= written.load(Ordering::Acquire) + ahead {
                    ready = signal.wait(ready).unwrap_or_else(|e| e.into_inner());
                }
                ready.insert(p, buf);
                signal.notify_all();
            });
        }
        for p in 0..parts {
            let buf = {
                let mut ready = ready.lock().unwrap_or_else(|e| e.into_inner());
                loop {
                    if let Some(buf) = ready.remove(&p) {
                        break buf;
                    }
                    ready = signal.wait(ready).unwrap_or_else(|e| e.into_inner());
                }
            };
            written.store(p + 1, Ordering::Release);
            signal.notify_all();
            if result.is_err() {
                continue;
            }
            let mut bytes = buf.as_slice();
            if first && !bytes.is_empty() {
                bytes = &bytes[2..];
                first = false;
            }
            result = out.write_all(bytes);
            let mut buf = buf;
            buf.clear();
            spare.lock().unwrap_or_else(|e| e.into_inner()).push(buf);
        }
    });
    result
}

#[cfg(test)]
mod tests {
    use super::item;
    use crate::engine::{Finding, Outcome, Severity};
    use std::borrow::Cow;

    /// What `serde_json`'s pretty printer makes of a finding two levels deep.
    fn serde_item(f: &Finding) -> String {
        let text = serde_json::to_string_pretty(f).unwrap();
        format!(",\n    {}", text.replace('\n', "\n    "))
    }

    fn finding(text: &'static str, optional: bool) -> Finding<'static> {
        let t = Cow::Borrowed(text);
        Finding {
            rule_id: t.clone(),
            rule_name: t.clone(),
            severity: Severity::Critical,
            outcome: Outcome::NotEvaluated,
            resource_kind: t.clone(),
            resource_id: t.clone(),
            resource_name: optional.then(|| t.clone()),
            arn: optional.then(|| t.clone()),
            region: t.clone(),
            account_id: t.clone(),
            message: t.clone(),
            reason: optional.then(|| t.clone()),
            in_baseline: optional,
        }
    }

    #[test]
    fn item_matches_serde() {
        let texts = [
            "plain",
            "",
            "quote \" backslash \\ slash / tab \t newline \n nul \u{0} del \u{7f}",
            "unicode é ✓ \u{2028}",
        ];
        for text in texts {
            for optional in [false, true] {
                let f = finding(text, optional);
                let mut buf = Vec::new();
                item(&f, &mut buf);
                assert_eq!(String::from_utf8(buf).unwrap(), serde_item(&f), "{text:?}");
            }
        }
    }
}
