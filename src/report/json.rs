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

/// Appends one finding as an element of the document's `findings` array: pretty-printed,
/// indented two levels, preceded by the separator from the element before (every element
/// but the first of the whole array writes `,\n` first; the caller strips the very first).
fn item(f: &Finding, buf: &mut Vec<u8>) {
    buf.extend_from_slice(b",\n    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut *buf, Nested::at(2));
    f.serialize(&mut ser).expect("findings serialise");
}

/// `serde_json`'s pretty layout (two spaces a level) for a value that starts `depth` levels
/// deep, written in place: a finding goes straight into the report's buffer instead of being
/// printed alone and re-indented.
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn at(depth: usize) -> Nested {
        Nested {
            depth,
            has_value: false,
        }
    }

    fn indent<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        const SPACES: &[u8] = b"                                                                ";
        let mut n = self.depth * 2;
        while n > 0 {
            let take = n.min(SPACES.len());
            w.write_all(&SPACES[..take])?;
            n -= take;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }

    fn next<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.next(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.next(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
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
