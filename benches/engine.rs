//! Engine benchmark: synthetic snapshots of 10^4 to 10^6 resources evaluated with the full
//! catalogue by the release binary.
//!
//! ```text
//! cargo build --release && cargo bench --bench engine -- --sizes 10000,100000,1000000
//! cargo bench --bench engine -- --sizes 1000000 --accounts 600   # an organisation snapshot
//! cargo bench --bench engine -- --sizes 100000 --runs 5   # the median of five runs
//! cargo bench --bench engine -- --sizes 100000 --out /tmp/100k.json   # the snapshot only
//! ```
//!
//! A synthetic account is made of copies of the bundled demo account and the network
//! scenario (`fixtures/demo-account.json`, `fixtures/scenarios/network-topology.json`), each
//! copy with its own identifiers, so every cross-resource link (subnet to VPC, target to
//! instance, alias to load balancer, replica to source) stays inside its copy. The file is
//! written as a stream, then `ha-audit scan --snapshot FILE --format json --timings` runs
//! under `/usr/bin/time`, which gives wall time and peak memory of the whole run; the
//! `--timings` line splits it into phases. Every copy must give the same outcomes as the
//! base account, so the figures are checked for exactness too.
//!
//! With `--accounts N` each size is split over N accounts in one multi-account file (the
//! shape an organisation scan writes): every account is the same number of copies under its
//! own account id, so the outcomes must be exactly N times those of one such account.

use aho_corasick::{AhoCorasick, MatchKind};
use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const BASES: [&str; 2] = [
    "fixtures/demo-account.json",
    "fixtures/scenarios/network-topology.json",
];

/// Lists written once, not per copy: those that describe the region rather than the
/// account's resources, and the backup plans. The demo's plans select by wildcard ARNs
/// (`arn:aws:ec2:*:*:instance/*`), as real ones do; copied, every resource would be in every
/// copy's plans, thousands of them, where an account has a handful.
const SHARED_LISTS: [(&str, &str); 2] = [("ec2", "availability_zones"), ("backup", "plans")];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sizes: Vec<usize> = value_of(&args, "--sizes")
        .unwrap_or("10000,100000,1000000")
        .split(',')
        .map(|s| {
            s.trim()
                .parse()
                .expect("--sizes: comma-separated resource counts")
        })
        .collect();
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");

    let base = Base::load(&repo);
    // `--out FILE`: only write the snapshot of the first size, for profiling by hand.
    if let Some(out) = value_of(&args, "--out") {
        let copies = sizes[0].div_ceil(base.resources_per_copy).max(1);
        let file = base.write(dir.path(), copies);
        std::fs::copy(&file, out).expect("--out");
        println!("wrote {copies} copies ({} resources) to {out}", sizes[0]);
        return;
    }
    let accounts: usize = value_of(&args, "--accounts").map_or(1, |n| {
        n.parse()
            .ok()
            .filter(|&n| n > 0)
            .expect("--accounts: a positive number")
    });
    let runs: usize = value_of(&args, "--runs").map_or(1, |n| {
        n.parse()
            .ok()
            .filter(|&n| n > 0)
            .expect("--runs: a positive number")
    });
    let bin = release_binary(&repo);
    // `--simulate`: time `ha-audit simulate --all-azs` instead of the scan.
    if args.iter().any(|a| a == "--simulate") {
        simulate_bench(&bin, &base, dir.path(), &sizes, runs);
        return;
    }
    println!(
        "engine benchmark: {} resources per copy of the base account; {accounts} account(s); \
         {} cores; median of {runs} run(s); binary {}",
        base.resources_per_copy,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        bin.display()
    );
    // Outcomes grow linearly with the copies: a fixed part (region-level findings such as AZ
    // balance, judged once per region) plus a part per copy. Two small runs give both.
    let one = run_scan(&bin, &base.write(dir.path(), 1));
    let two = run_scan(&bin, &base.write(dir.path(), 2));
    println!(
        "| resources | accounts | copies each | file MB | wall s | peak RSS MB | read s | model s | \
         evaluate s | report s | rule evaluations | evaluations/s | threads |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for size in sizes {
        let copies = size.div_ceil(base.resources_per_copy * accounts).max(1);
        let started = Instant::now();
        let file = if accounts == 1 {
            base.write(dir.path(), copies)
        } else {
            base.write_organisation(dir.path(), accounts, copies)
        };
        let generated = started.elapsed().as_secs_f64();
        let mb = std::fs::metadata(&file).map_or(0, |m| m.len()) / 1_000_000;
        // The machine is noisy: the run of median wall time is the one reported.
        let mut all: Vec<Run> = (0..runs).map(|_| run_scan(&bin, &file)).collect();
        all.sort_by(|a, b| a.wall.total_cmp(&b.wall));
        let run = all.swap_remove(all.len() / 2);
        // Exactness: each copy adds exactly what the second copy added, in every account.
        for outcome in ["fail", "pass", "not_evaluated"] {
            let count = |r: &Run| r.summary[outcome].as_u64().unwrap();
            let per_copy = count(&two) - count(&one);
            let fixed = count(&one) - per_copy;
            assert_eq!(
                count(&run),
                (fixed + per_copy * copies as u64) * accounts as u64,
                "{outcome} count of {accounts} account(s) of {copies} copies"
            );
        }
        let phase = |p: &str| run.timings["phases_s"][p].as_f64().unwrap_or(f64::NAN);
        let evaluations = run.timings["rule_evaluations"].as_u64().unwrap_or(0);
        println!(
            "| {} | {accounts} | {copies} | {mb} | {:.2} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {} | {:.0} | {} |",
            run.timings["resources"],
            run.wall,
            run.max_rss_kb / 1024,
            phase("read"),
            phase("model"),
            phase("evaluate"),
            phase("report"),
            evaluations,
            evaluations as f64 / phase("evaluate"),
            run.timings["threads"],
        );
        eprintln!(
            "  (generated in {generated:.1} s; outcomes exactly {accounts} x {copies} copies' worth)"
        );
        let _ = std::fs::remove_file(&file);
    }
}

fn value_of<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

/// `HA_AUDIT_BIN`, else `release/ha-audit` in the target directory.
fn release_binary(repo: &Path) -> PathBuf {
    if let Some(bin) = std::env::var_os("HA_AUDIT_BIN") {
        return PathBuf::from(bin);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("target"));
    let bin = target.join("release/ha-audit");
    assert!(
        bin.exists(),
        "{} not found: run `cargo build --release` first (or set HA_AUDIT_BIN)",
        bin.display()
    );
    bin
}

struct Run {
    wall: f64,
    max_rss_kb: u64,
    timings: Value,
    summary: Value,
}

/// One scan of `file`, the report to a file (its summary is read back), under /usr/bin/time.
/// `ha-audit simulate --all-azs` over snapshots of each size: every AZ of every region
/// failed in turn. Prints the median run of `runs`.
fn simulate_bench(bin: &Path, base: &Base, dir: &Path, sizes: &[usize], runs: usize) {
    println!(
        "simulate benchmark: every AZ in turn; {} resources per copy; median of {runs} run(s); binary {}",
        base.resources_per_copy,
        bin.display()
    );
    println!("| resources | AZs | workloads | wall s | peak RSS MB |");
    println!("|---|---|---|---|---|");
    for size in sizes {
        let copies = size.div_ceil(base.resources_per_copy).max(1);
        let file = base.write(dir, copies);
        let report = file.with_extension("simulation.json");
        let mut all: Vec<(f64, u64)> = (0..runs)
            .map(|_| {
                let out = Command::new("/usr/bin/time")
                    .args(["-f", "time %e %M"])
                    .arg(bin)
                    .args([
                        "simulate",
                        "--all-azs",
                        "--format",
                        "json",
                        "--fail-on",
                        "never",
                    ])
                    .arg("--snapshot")
                    .arg(&file)
                    .arg("--output")
                    .arg(&report)
                    .output()
                    .expect("/usr/bin/time runs ha-audit");
                let err = String::from_utf8_lossy(&out.stderr);
                assert!(out.status.success(), "simulate failed: {err}");
                err.lines()
                    .find_map(|l| {
                        let mut it = l.strip_prefix("time ")?.split_whitespace();
                        Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
                    })
                    .unwrap_or_else(|| panic!("no /usr/bin/time line in: {err}"))
            })
            .collect();
        all.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (wall, rss) = all[all.len() / 2];
        let sim: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
        let resources = base.resources_per_copy * copies;
        println!(
            "| {resources} | {} | {} | {wall:.2} | {} |",
            sim["scenario"]["azs"].as_array().map_or(0, Vec::len),
            sim["summary"]["workloads"],
            rss / 1024
        );
        let _ = std::fs::remove_file(&report);
        let _ = std::fs::remove_file(&file);
    }
}

fn run_scan(bin: &Path, file: &Path) -> Run {
    let report = file.with_extension("report.json");
    let out = Command::new("/usr/bin/time")
        .args(["-f", "time %e %M"])
        .arg(bin)
        .args([
            "scan",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--timings",
        ])
        .arg("--snapshot")
        .arg(file)
        .arg("--output")
        .arg(&report)
        .output()
        .expect("/usr/bin/time runs ha-audit");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "scan failed: {err}");
    let timings: Value = err
        .lines()
        .find_map(|l| l.strip_prefix("ha-audit: timings "))
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_else(|| panic!("no timings line in: {err}"));
    let (wall, max_rss_kb) = err
        .lines()
        .find_map(|l| {
            let mut it = l.strip_prefix("time ")?.split_whitespace();
            Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
        })
        .unwrap_or_else(|| panic!("no /usr/bin/time line in: {err}"));
    let summary = summary_of(&report);
    let _ = std::fs::remove_file(&report);
    Run {
        wall,
        max_rss_kb,
        timings,
        summary,
    }
}

/// The `summary` object of a JSON report, read without loading the whole report.
fn summary_of(report: &Path) -> Value {
    use std::io::Read;
    let f = std::fs::File::open(report).expect("report written");
    // The summary comes after the accounts' headers and before the findings.
    let mut text = String::new();
    f.take(64 << 20).read_to_string(&mut text).unwrap();
    let start = text.find("\"summary\"").expect("summary in the report");
    let open = start + text[start..].find('{').unwrap();
    let mut depth = 0;
    for (i, c) in text[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return serde_json::from_str(&text[open..=open + i]).unwrap();
                }
            }
            _ => {}
        }
    }
    panic!("unterminated summary")
}

/// The base account, each list item turned into a template whose identifiers are holes.
struct Base {
    head: Map<String, Value>,
    /// The base account's id: a hole of its own, filled with each account's id.
    account: String,
    /// (service, list, items once, item templates)
    lists: Vec<(String, String, Vec<Template>)>,
    /// Written once per account, with the account's id (the backup plans' ARNs name it).
    shared: Vec<(String, String, Vec<Template>)>,
    resources_per_copy: usize,
}

/// Literal text and holes, alternating: `lits.len() == holes.len() + 1`.
struct Template {
    lits: Vec<String>,
    holes: Vec<Hole>,
}

enum Hole {
    /// An identifier, suffixed with the copy number.
    Id(String),
    /// The account id.
    Account,
}

impl Template {
    fn render(&self, copy: usize, account: &str, out: &mut String) {
        use std::fmt::Write;
        for (i, lit) in self.lits.iter().enumerate() {
            out.push_str(lit);
            match self.holes.get(i) {
                Some(Hole::Id(id)) if copy == 0 => out.push_str(id),
                Some(Hole::Id(id)) => write!(out, "{id}-c{copy}").unwrap(),
                Some(Hole::Account) => out.push_str(account),
                None => {}
            }
        }
    }
}

impl Base {
    fn load(repo: &Path) -> Base {
        let mut account: Option<String> = None;
        let docs: Vec<Value> = BASES
            .iter()
            .map(|f| {
                let mut text = std::fs::read_to_string(repo.join(f)).expect(f);
                let doc: Value = serde_json::from_str(&text).expect(f);
                let own = doc["account_id"].as_str().unwrap().to_string();
                // One account: the first file's id replaces the others' (in ARNs too).
                let first = account.get_or_insert_with(|| own.clone());
                if own != *first {
                    text = text.replace(&own, first);
                }
                serde_json::from_str(&text).expect(f)
            })
            .collect();
        // Identifiers: strings under id- and name-like keys, long enough to be unique, that
        // are not a region, zone or the account id. ARNs, DNS names and record names are not
        // identifiers themselves: the names and ids inside them are, so they follow.
        let mut ids = BTreeSet::new();
        for d in &docs {
            collect_ids(d, None, &mut ids);
        }
        let account = account.expect("a base file");
        ids.remove(&account);
        // The account id is the last pattern.
        let ids: Vec<String> = ids.into_iter().chain([account.clone()]).collect();
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&ids)
            .expect("identifier matcher");

        let mut head = docs[0].as_object().unwrap().clone();
        let mut lists: Vec<(String, String, Vec<Template>)> = Vec::new();
        let mut shared_texts: Vec<(String, String, Vec<String>)> = Vec::new();
        let mut resources_per_copy = 0;
        for d in &docs {
            assert_eq!(d["account_id"], docs[0]["account_id"], "one account");
            for (service, v) in d.as_object().unwrap() {
                let Some(obj) = v.as_object() else { continue };
                head.remove(service);
                for (list, items) in obj {
                    let items = items.as_array().expect("service lists");
                    let texts = items.iter().map(|i| serde_json::to_string(i).unwrap());
                    if SHARED_LISTS.contains(&(service.as_str(), list.as_str())) {
                        let entry = find_or_push(&mut shared_texts, service, list);
                        for t in texts {
                            if !entry.contains(&t) {
                                entry.push(t);
                            }
                        }
                        continue;
                    }
                    resources_per_copy += items.len();
                    let entry = find_or_push(&mut lists, service, list);
                    entry.extend(texts.map(|t| template(&matcher, &ids, &t)));
                }
            }
        }
        let shared = shared_texts
            .into_iter()
            .map(|(service, list, texts)| {
                let items = texts.iter().map(|t| template(&matcher, &ids, t)).collect();
                (service, list, items)
            })
            .collect();
        head.insert("coverage".into(), Value::Array(Vec::new()));
        let regions: BTreeSet<&str> = docs
            .iter()
            .flat_map(|d| d["regions"].as_array().unwrap())
            .filter_map(Value::as_str)
            .collect();
        head.insert("regions".into(), serde_json::json!(regions));
        Base {
            head,
            account,
            lists,
            shared,
            resources_per_copy,
        }
    }

    /// Streams a snapshot of `copies` copies to a file and returns its path.
    fn write(&self, dir: &Path, copies: usize) -> PathBuf {
        let path = dir.join(format!("synthetic-{copies}.json"));
        let mut w = BufWriter::new(std::fs::File::create(&path).unwrap());
        self.write_account(&mut w, copies, &self.account);
        w.write_all(b"\n").unwrap();
        w.flush().unwrap();
        path
    }

    /// Streams a multi-account snapshot of `accounts` accounts, each of `copies` copies under
    /// its own id, and returns its path.
    fn write_organisation(&self, dir: &Path, accounts: usize, copies: usize) -> PathBuf {
        let path = dir.join(format!("synthetic-{accounts}x{copies}.json"));
        let mut w = BufWriter::new(std::fs::File::create(&path).unwrap());
        write!(
            w,
            "{{\"schema_version\":{},\"tool_version\":{},\"taken_at\":{},\"accounts\":[",
            self.head["schema_version"], self.head["tool_version"], self.head["taken_at"]
        )
        .unwrap();
        for i in 0..accounts {
            if i > 0 {
                w.write_all(b",").unwrap();
            }
            self.write_account(&mut w, copies, &format!("{:012}", 200_000_000_000 + i));
        }
        w.write_all(b"]}\n").unwrap();
        w.flush().unwrap();
        path
    }

    /// One account's snapshot object.
    fn write_account(&self, w: &mut impl Write, copies: usize, account: &str) {
        let mut head = self.head.clone();
        head.insert("account_id".into(), Value::String(account.into()));
        let head = serde_json::to_string(&head).unwrap();
        w.write_all(&head.as_bytes()[..head.len() - 1]).unwrap();
        let services: BTreeSet<&str> = self
            .lists
            .iter()
            .map(|l| l.0.as_str())
            .chain(self.shared.iter().map(|l| l.0.as_str()))
            .collect();
        let mut buf = String::new();
        for service in services {
            write!(w, ",\"{service}\":{{").unwrap();
            let mut first_list = true;
            let mut sep = |w: &mut dyn Write| {
                if !std::mem::take(&mut first_list) {
                    w.write_all(b",").unwrap();
                }
            };
            for (_, list, items) in self.shared.iter().filter(|l| l.0 == service) {
                sep(w);
                buf.clear();
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        buf.push(',');
                    }
                    item.render(0, account, &mut buf);
                }
                write!(w, "\"{list}\":[{buf}]").unwrap();
            }
            for (_, list, items) in self.lists.iter().filter(|l| l.0 == service) {
                sep(w);
                write!(w, "\"{list}\":[").unwrap();
                let mut first = true;
                for copy in 0..copies {
                    for item in items {
                        buf.clear();
                        if !std::mem::take(&mut first) {
                            buf.push(',');
                        }
                        item.render(copy, account, &mut buf);
                        w.write_all(buf.as_bytes()).unwrap();
                    }
                }
                w.write_all(b"]").unwrap();
            }
            w.write_all(b"}").unwrap();
        }
        w.write_all(b"}").unwrap();
    }
}

fn find_or_push<'a, T>(
    v: &'a mut Vec<(String, String, Vec<T>)>,
    service: &str,
    list: &str,
) -> &'a mut Vec<T> {
    let i = match v.iter().position(|e| e.0 == service && e.1 == list) {
        Some(i) => i,
        None => {
            v.push((service.to_string(), list.to_string(), Vec::new()));
            v.len() - 1
        }
    };
    &mut v[i].2
}

fn template(matcher: &AhoCorasick, ids: &[String], text: &str) -> Template {
    let mut t = Template {
        lits: Vec::new(),
        holes: Vec::new(),
    };
    let mut at = 0;
    for m in matcher.find_iter(text) {
        t.lits.push(text[at..m.start()].to_string());
        let i = m.pattern().as_usize();
        t.holes.push(if i == ids.len() - 1 {
            Hole::Account
        } else {
            Hole::Id(ids[i].clone())
        });
        at = m.end();
    }
    t.lits.push(text[at..].to_string());
    t
}

fn is_id_key(key: &str) -> bool {
    const NOT_IDS: [&str; 7] = [
        "account_id",
        "zone_id",
        "zone_name",
        "availability_zone",
        "availability_zone_id",
        "region",
        "owner_id",
    ];
    !NOT_IDS.contains(&key)
        && (["id", "name", "identifier", "Name"].contains(&key)
            || [
                "_id",
                "_ids",
                "_name",
                "_names",
                "_identifier",
                "_identifiers",
            ]
            .iter()
            .any(|s| key.ends_with(s)))
}

fn collect_ids(v: &Value, key: Option<&str>, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(o) => {
            for (k, v) in o {
                collect_ids(v, Some(k), out);
            }
        }
        Value::Array(a) => {
            for v in a {
                collect_ids(v, key, out);
            }
        }
        Value::String(s) if key.is_some_and(is_id_key) && is_identifier(s) => {
            out.insert(s.clone());
        }
        _ => {}
    }
}

/// Long enough not to occur by chance, and shaped like an id or a name, not like a region,
/// a zone, a path or a DNS name.
fn is_identifier(s: &str) -> bool {
    let region_like =
        s.starts_with("us-") || s.starts_with("eu-") || s.starts_with("ap-") || s.contains("-az");
    s.len() >= 5
        && !region_like
        && !s.contains([':', '/', '.', ' '])
        && s.bytes().any(|b| b == b'-' || b.is_ascii_digit())
}
