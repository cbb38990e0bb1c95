//! Where a plan's findings point: the resource's Terraform address, and the span of its entry
//! in the plan file (`resource_changes[]`, else its object in `prior_state` or
//! `planned_values`), for SARIF.
//!
//! The `.tf` file and line of a resource's block are not in a plan: Terraform's configuration
//! representation (`configuration.root_module.resources[]`) has an address, type, name,
//! provider key, expressions and count/for_each expressions, and no source range. So a
//! finding points at the plan entry only, unless a snapshot carries a `source` for the
//! resource (see [`crate::snapshot::PlanResource::source`]); nothing guesses a `.tf` line.

use crate::snapshot::Snapshot;
use std::collections::HashMap;

/// A span of the plan file, 1-based; columns count UTF-16 code units, SARIF's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// Where one plan resource's findings point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// Its absolute Terraform address.
    pub address: String,
    /// Its entry in the plan file, when the report points into the plan.
    pub span: Option<Span>,
    /// The `.tf` file (as written in the snapshot) and line of its block, when known.
    pub source: Option<(String, usize)>,
}

/// (resource kind, region, resource id) -> where its findings point.
pub type Places = HashMap<(String, String, String), Place>;

/// The places of every resource of a snapshot read from a plan (empty for any other
/// snapshot). `plan_text` is the plan file's text when the report points into it: a resource
/// whose entry is not found there gets no span (the file is not the plan it was read from).
pub fn places(snapshot: &Snapshot, plan_text: Option<&str>) -> Places {
    let Some(plan) = &snapshot.terraform_plan else {
        return Places::new();
    };
    let spans = plan_text.map(entry_spans).unwrap_or_default();
    plan.resources
        .iter()
        .map(|r| {
            let place = Place {
                address: r.address.clone(),
                span: spans.get(r.address.as_str()).copied(),
                source: r.source.as_deref().and_then(source_line),
            };
            ((r.kind.clone(), r.region.clone(), r.id.clone()), place)
        })
        .collect()
}

/// `main.tf:12` -> (`main.tf`, 12).
fn source_line(s: &str) -> Option<(String, usize)> {
    let (file, line) = s.rsplit_once(':')?;
    let line = line.parse().ok().filter(|&l| l > 0)?;
    (!file.is_empty()).then(|| (file.to_string(), line))
}

/// Which part of the plan an entry was found in; the lower wins for an address found twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum From {
    Changes,
    PriorState,
    PlannedValues,
}

/// What the value being scanned is, for the few paths that hold resource entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Other,
    Top,
    /// `$.resource_changes`.
    Changes,
    /// `$.prior_state`.
    State,
    /// `$.prior_state.values` or `$.planned_values`.
    Values(From),
    /// A module of a values representation (`root_module`, `child_modules[]`).
    Module(From),
    ModuleList(From),
    ResourceList(From),
    Entry(From),
}

/// The span of every resource entry of the plan text, by address: one pass over the text,
/// without building the document. Malformed text gives what was found before the fault.
fn entry_spans(text: &str) -> HashMap<String, Span> {
    let mut s = Scanner {
        b: text.as_bytes(),
        i: 0,
        found: Vec::new(),
    };
    s.value(Ctx::Top, 0);
    let mut best: HashMap<String, (From, usize, usize)> = HashMap::new();
    for (from, start, end, address) in s.found {
        match best.get(&address) {
            Some((f, ..)) if *f <= from => {}
            _ => {
                best.insert(address, (from, start, end));
            }
        }
    }
    let mut offsets: Vec<usize> = best.values().flat_map(|&(_, s, e)| [s, e]).collect();
    offsets.sort_unstable();
    offsets.dedup();
    let positions = line_columns(text, &offsets);
    best.into_iter()
        .map(|(address, (_, start, end))| {
            let (start_line, start_column) = positions[&start];
            let (end_line, end_column) = positions[&end];
            let span = Span {
                start_line,
                start_column,
                end_line,
                end_column,
            };
            (address, span)
        })
        .collect()
}

/// (line, UTF-16 column) of each byte offset in `sorted`, 1-based, in one pass.
fn line_columns(text: &str, sorted: &[usize]) -> HashMap<usize, (usize, usize)> {
    let mut out = HashMap::with_capacity(sorted.len());
    let (mut line, mut column) = (1usize, 1usize);
    let mut next = sorted.iter().peekable();
    for (at, c) in text.char_indices() {
        while next.peek().is_some_and(|&&o| o <= at) {
            out.insert(*next.next().unwrap(), (line, column));
        }
        if next.peek().is_none() {
            break;
        }
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += c.len_utf16();
        }
    }
    for &o in next {
        out.insert(o, (line, column));
    }
    out
}

struct Scanner<'t> {
    b: &'t [u8],
    i: usize,
    /// (where, start offset, end offset (exclusive), address) of each entry.
    found: Vec<(From, usize, usize, String)>,
}

impl Scanner<'_> {
    fn ws(&mut self) {
        while self.b.get(self.i).is_some_and(u8::is_ascii_whitespace) {
            self.i += 1;
        }
    }

    /// Skips a string at the cursor and returns its raw span, quotes included.
    fn string(&mut self) -> Option<(usize, usize)> {
        let start = self.i;
        if self.b.get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        loop {
            match self.b.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some((start, self.i));
                }
                b'\\' => self.i += 2,
                _ => self.i += 1,
            }
        }
    }

    fn decode(&self, (start, end): (usize, usize)) -> Option<String> {
        let raw = std::str::from_utf8(&self.b[start..end]).ok()?;
        serde_json::from_str(raw).ok()
    }

    /// Skips the value at the cursor, noting resource entries; None on malformed text.
    fn value(&mut self, ctx: Ctx, depth: usize) -> Option<()> {
        // serde_json refuses deeper documents, so the plan was never read from one.
        if depth > 128 {
            return None;
        }
        self.ws();
        match *self.b.get(self.i)? {
            b'{' => self.object(ctx, depth),
            b'[' => {
                self.i += 1;
                let item = match ctx {
                    Ctx::Changes => Ctx::Entry(From::Changes),
                    Ctx::ModuleList(f) => Ctx::Module(f),
                    Ctx::ResourceList(f) => Ctx::Entry(f),
                    _ => Ctx::Other,
                };
                self.ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.value(item, depth + 1)?;
                    self.ws();
                    match self.b.get(self.i)? {
                        b',' => self.i += 1,
                        b']' => {
                            self.i += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'"' => self.string().map(|_| ()),
            _ => {
                while self
                    .b
                    .get(self.i)
                    .is_some_and(|c| !b",]}".contains(c) && !c.is_ascii_whitespace())
                {
                    self.i += 1;
                }
                Some(())
            }
        }
    }

    fn object(&mut self, ctx: Ctx, depth: usize) -> Option<()> {
        let start = self.i;
        self.i += 1;
        let mut address = None;
        let mut deposed = false;
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Some(());
        }
        loop {
            self.ws();
            let key_span = self.string()?;
            let key = &self.b[key_span.0 + 1..key_span.1 - 1];
            self.ws();
            if self.b.get(self.i) != Some(&b':') {
                return None;
            }
            self.i += 1;
            let child = match (ctx, key) {
                (Ctx::Top, b"resource_changes") => Ctx::Changes,
                (Ctx::Top, b"prior_state") => Ctx::State,
                (Ctx::Top, b"planned_values") => Ctx::Values(From::PlannedValues),
                (Ctx::State, b"values") => Ctx::Values(From::PriorState),
                (Ctx::Values(f), b"root_module") => Ctx::Module(f),
                (Ctx::Module(f), b"resources") => Ctx::ResourceList(f),
                (Ctx::Module(f), b"child_modules") => Ctx::ModuleList(f),
                _ => Ctx::Other,
            };
            match (ctx, key) {
                (Ctx::Entry(_), b"address") => {
                    self.ws();
                    let span = self.string()?;
                    address = self.decode(span);
                }
                // A deposed object is being destroyed: the entry of the address is the other.
                (Ctx::Entry(_), b"deposed") => {
                    deposed = true;
                    self.value(child, depth + 1)?;
                }
                _ => self.value(child, depth + 1)?,
            }
            self.ws();
            match self.b.get(self.i)? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    break;
                }
                _ => return None,
            }
        }
        if let (Ctx::Entry(from), Some(address), false) = (ctx, address, deposed) {
            self.found.push((from, start, self.i, address));
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_found_by_address_and_changes_win() {
        let text = "{\"planned_values\": {\"root_module\": {\"resources\": [{\"address\": \"aws_vpc.a\"}]}},\n\
                    \"resource_changes\": [\n  {\"address\": \"aws_vpc.a\", \"change\": {}},\n  \
                    {\"address\": \"module.m.aws_subnet.s[\\\"é\\\"]\", \"deposed\": \"x\"},\n  \
                    {\"address\": \"module.m.aws_subnet.s[\\\"é\\\"]\"}\n],\n\
                    \"prior_state\": {\"values\": {\"root_module\": {\"child_modules\": [{\"resources\": \
                    [{\"address\": \"data.aws_subnet.x\"}]}]}}},\n\
                    \"configuration\": {\"root_module\": {\"resources\": [{\"address\": \"aws_vpc.b\"}]}}}";
        let spans = entry_spans(text);
        assert_eq!(
            spans["aws_vpc.a"],
            Span {
                start_line: 3,
                start_column: 3,
                end_line: 3,
                end_column: 41
            }
        );
        // Decoded from its escapes; the deposed object's entry is not the address's.
        assert_eq!(spans["module.m.aws_subnet.s[\"é\"]"].start_line, 5);
        assert_eq!(spans["data.aws_subnet.x"].start_line, 7);
        assert!(
            !spans.contains_key("aws_vpc.b"),
            "configuration is not an entry"
        );
        assert_eq!(spans.len(), 3);
    }

    #[test]
    fn malformed_text_is_not_a_panic() {
        for t in [
            "",
            "{",
            "{\"resource_changes\": [{\"address\": ",
            "[1,",
            "\"\\",
        ] {
            let _ = entry_spans(t);
        }
    }
}
