//! Organisation scans end to end against moto: an organisation with three member accounts
//! (`fixtures/moto/seed_org.py`), read in one command through `--org-role-name` while the
//! recording proxy refuses one member's sts:AssumeRole; `--accounts FILE`; `--role-arn`;
//! `merge` of separately produced snapshots and reports; `--verbose` and `--quiet`.
//!
//! In moto 5 the credentials AssumeRole returns for `arn:aws:iam::<member>:role/X` act in the
//! member account (the seed script checks it with GetCallerIdentity), so each member holds
//! only its own resources.
//!
//! Needs `scripts/setup-moto`; fails (does not skip) when moto cannot start.

use crate::support::cli::{ha_audit, run, stderr, stdout, ungated_json_scan, BUILTIN_RULES};
use crate::support::emulator_gaps::{
    complete_beyond_emulator_gaps, not_evaluated_beyond_emulator_gaps,
};
use crate::support::faults::{Fault, Faults};
use crate::support::live::FAST_BACKOFF;
use crate::support::moto::Moto;
use crate::support::proxy::Proxy;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

const REGION: [&str; 2] = ["--region", "us-east-1"];

struct Org {
    moto: Moto,
    management: String,
    role: String,
    /// name -> account id
    members: BTreeMap<String, String>,
}

impl Org {
    fn start() -> Org {
        let moto = Moto::start();
        let ids = moto.seed("seed_org.py");
        let members = ids["members"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
        Org {
            management: ids["management"].as_str().unwrap().to_string(),
            role: ids["role"].as_str().unwrap().to_string(),
            members,
            moto,
        }
    }

    fn id(&self, name: &str) -> &str {
        &self.members[name]
    }
}

fn scan(endpoint: &str, args: &[&str]) -> (Output, Value) {
    let out = run(ha_audit(Some(endpoint))
        .args(["scan", "--format", "json"])
        .args(REGION)
        .args(FAST_BACKOFF)
        .args(args));
    let report = serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("JSON report ({e}); stderr: {}", stderr(&out)));
    (out, report)
}

/// (rule, account, resource id) -> finding
fn by_account(report: &Value) -> BTreeMap<(String, String, String), Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            ((s("rule_id"), s("account_id"), s("resource_id")), f.clone())
        })
        .collect()
}

fn outcome(report: &Value, rule: &str, account: &str, id: &str) -> String {
    by_account(report)
        .get(&(rule.to_string(), account.to_string(), id.to_string()))
        .map(|f| f["outcome"].as_str().unwrap().to_string())
        .unwrap_or_else(|| "absent".to_string())
}

/// The seeded resources of a healthy member: its DB instance and bucket, judged as seeded.
fn assert_member_findings(report: &Value, org: &Org, name: &str) {
    let id = org.id(name);
    let (multi_az, versioned) = match name {
        "alpha" => (false, true),
        "beta" => (true, false),
        _ => (false, false),
    };
    let judged = |ok: bool| if ok { "pass" } else { "fail" };
    assert_eq!(
        outcome(report, "HA-RDS-001", id, &format!("db-{name}")),
        judged(multi_az),
        "{name}"
    );
    assert_eq!(
        outcome(report, "HA-S3-001", id, &format!("bucket-{name}-{id}")),
        judged(versioned),
        "{name}"
    );
    // Nothing of another member leaks into this one.
    for other in org.members.keys().filter(|o| *o != name) {
        assert_eq!(
            outcome(report, "HA-RDS-001", id, &format!("db-{other}")),
            "absent"
        );
    }
}

fn accounts_of(report: &Value) -> Vec<String> {
    report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account_id"].as_str().unwrap().to_string())
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn one_command_reads_the_organisation_and_isolates_a_refused_role() {
    let org = Org::start();
    let proxy = Proxy::start(&org.moto.addr());
    let gamma = org.id("gamma").to_string();
    proxy.set_faults(Faults::new(1).on_body("sts", "AssumeRole", &gamma, Fault::AccessDenied));
    let dir = tempfile::tempdir().unwrap();
    let snapshot = dir.path().join("org.json");
    let (out, report) = scan(
        &proxy.endpoint,
        &[
            "--org-role-name",
            &org.role,
            "--fail-on",
            "never",
            "--verbose",
            "--save-snapshot",
            snapshot.to_str().unwrap(),
        ],
    );
    // Incomplete coverage alone does not fail the gate without --fail-on-incomplete.
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));

    let mut all: Vec<String> = org.members.values().cloned().collect();
    all.push(org.management.clone());
    assert_eq!(accounts_of(&report), sorted(all));
    assert!(report.get("account_id").is_none(), "several accounts");
    for name in ["alpha", "beta"] {
        assert_member_findings(&report, &org, name);
    }

    // The refused account: every coverage entry unread for the AssumeRole reason, every
    // finding not evaluated, none of its resources seen.
    let gamma_coverage: Vec<&Value> = report["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["account_id"] == gamma.as_str())
        .collect();
    // One entry per service.
    assert_eq!(gamma_coverage.len(), 20, "{gamma_coverage:?}");
    for c in &gamma_coverage {
        assert_eq!(c["complete"], false, "{c}");
        let e = &c["errors"][0];
        assert_eq!(e["operation"], "AssumeRole", "{c}");
        assert_eq!(e["iam_action"], "sts:AssumeRole", "{c}");
        assert_eq!(e["code"], "AccessDenied", "{c}");
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains(&format!("arn:aws:iam::{gamma}:role/{}", org.role)),
            "{c}"
        );
    }
    let gamma_findings: Vec<Value> = by_account(&report)
        .into_iter()
        .filter(|(k, _)| k.1 == gamma)
        .map(|(_, f)| f)
        .collect();
    // One per rule, in the one region.
    assert_eq!(gamma_findings.len(), BUILTIN_RULES);
    for f in &gamma_findings {
        assert_eq!(f["outcome"], "not_evaluated", "{f}");
        // Only whole scopes, and the per-region summaries built from the region list.
        assert!(
            f["resource_id"] == "*"
                || f["resource_kind"] == "ec2.region"
                || f["resource_kind"] == "backup.region",
            "{f}"
        );
        assert!(
            f["reason"].as_str().unwrap().contains("sts:AssumeRole"),
            "{f}"
        );
    }
    assert_eq!(outcome(&report, "HA-RDS-001", &gamma, "*"), "not_evaluated");
    assert_eq!(outcome(&report, "HA-S3-001", &gamma, "*"), "not_evaluated");

    // Every other account was read completely.
    for c in report["coverage"].as_array().unwrap() {
        if c["account_id"] != gamma.as_str() {
            assert!(complete_beyond_emulator_gaps(c), "{c}");
        }
    }
    let mut healthy = report.clone();
    healthy["findings"] = Value::Array(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["account_id"] != gamma.as_str())
            .cloned()
            .collect(),
    );
    assert_eq!(
        not_evaluated_beyond_emulator_gaps(&healthy),
        Vec::<String>::new()
    );

    // --verbose: one line per operation seen, the organisation and role calls included.
    let err = stderr(&out);
    for line in [
        "ha-audit: api organizations ListAccounts: 1 calls",
        "ha-audit: api sts AssumeRole: 3 calls, 1 failed",
        "ha-audit: api rds DescribeDbInstances: ",
        "ha-audit: api s3 ListBuckets: ",
        "ha-audit: api ec2 DescribeSubnets: ",
        "ha-audit: api sts GetCallerIdentity: 1 calls",
        "ha-audit: api ec2 DescribeRegions: 3 calls",
    ] {
        assert!(err.contains(line), "{line:?} missing from:\n{err}");
    }
    assert!(err.contains(" requests in all (retries included)"), "{err}");
    // stderr is not a terminal here: no progress display, no cursor movement.
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "{err:?}");

    // The saved snapshot holds every account and gives the same report offline, and the
    // incomplete account fails the gate with --fail-on-incomplete.
    let (out, offline) = ungated_json_scan(&snapshot, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(offline["findings"], report["findings"]);
    assert_eq!(offline["coverage"], report["coverage"]);
    let (gated, _) = ungated_json_scan(&snapshot, &["--fail-on-incomplete"]);
    assert_eq!(gated.status.code(), Some(1), "{}", stderr(&gated));

    // Every report format names the account of each finding.
    let alpha = org.id("alpha");
    for (format, needle) in [
        ("table", format!("┆ {alpha} ┆")),
        ("markdown", format!("{alpha} / db-alpha")),
        ("junit", format!("{alpha} us-east-1 db-alpha")),
        ("sarif", format!("\"accountId\": \"{alpha}\"")),
    ] {
        let out = run(ha_audit(None)
            .args([
                "scan",
                "--fail-on",
                "never",
                "--format",
                format,
                "--snapshot",
            ])
            .arg(&snapshot));
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        let text = stdout(&out);
        let row = text
            .lines()
            .find(|l| l.contains("db-alpha") && l.contains(&needle));
        assert!(
            row.is_some() || (format == "sarif" && text.contains(&needle)),
            "{format}: {needle:?} missing"
        );
    }
}

#[test]
fn accounts_file_role_arn_and_merge_agree_with_one_command() {
    let org = Org::start();
    // Through the proxy, which also fixes moto's GetBucketVersioning answer (see proxy.rs).
    let proxy = Proxy::start(&org.moto.addr());
    let endpoint = proxy.endpoint.clone();
    let dir = tempfile::tempdir().unwrap();
    let (alpha, beta) = (org.id("alpha").to_string(), org.id("beta").to_string());
    let both = write(
        dir.path(),
        "both.txt",
        &format!("# the two healthy members\n{alpha}\n\n{beta}  # beta\n"),
    );
    let role = ["--org-role-name", org.role.as_str(), "--fail-on", "never"];

    // --accounts FILE: exactly the listed accounts.
    let both_snap = dir.path().join("both.json");
    let (out, together) = scan(
        &endpoint,
        &[
            &role[..],
            &[
                "--accounts",
                both.to_str().unwrap(),
                "--quiet",
                "--save-snapshot",
                both_snap.to_str().unwrap(),
            ],
        ]
        .concat(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // --quiet and a clean scan: nothing at all on stderr.
    assert_eq!(stderr(&out), "");
    assert_eq!(
        accounts_of(&together),
        sorted(vec![alpha.clone(), beta.clone()])
    );
    assert_member_findings(&together, &org, "alpha");
    assert_member_findings(&together, &org, "beta");

    // --role-arn: one account, read through the role; a single-account report.
    let (out, single) = scan(
        &endpoint,
        &[
            "--role-arn",
            &format!("arn:aws:iam::{alpha}:role/{}", org.role),
            "--fail-on",
            "never",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(single["account_id"], alpha.as_str());
    assert_eq!(accounts_of(&single), vec![alpha.clone()]);
    assert_member_findings(&single, &org, "alpha");

    // The same two accounts scanned by separate jobs, then merged.
    let mut snaps = Vec::new();
    let mut reports = Vec::new();
    for id in [&alpha, &beta] {
        let file = write(dir.path(), &format!("{id}.txt"), &format!("{id}\n"));
        let snap = dir.path().join(format!("{id}.snapshot.json"));
        let report = dir.path().join(format!("{id}.report.json"));
        let out = run(ha_audit(Some(&endpoint))
            .args(["scan", "--format", "json"])
            .args(REGION)
            .args(FAST_BACKOFF)
            .args(role)
            .arg("--accounts")
            .arg(&file)
            .arg("--save-snapshot")
            .arg(&snap)
            .arg("--output")
            .arg(&report));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        snaps.push(snap);
        reports.push(report);
    }
    let merged_snap = dir.path().join("merged.snapshot.json");
    let out = run(ha_audit(None)
        .args(["merge", "--out"])
        .arg(&merged_snap)
        .args(&snaps));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (_, from_merged) = ungated_json_scan(&merged_snap, &[]);
    assert_eq!(from_merged["findings"], together["findings"]);
    assert_eq!(from_merged["summary"], together["summary"]);
    assert_eq!(from_merged["coverage"], together["coverage"]);

    let merged_report = dir.path().join("merged.report.json");
    let out = run(ha_audit(None)
        .args(["merge", "--out"])
        .arg(&merged_report)
        .args(&reports));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let merged: Value =
        serde_json::from_str(&std::fs::read_to_string(&merged_report).unwrap()).unwrap();
    assert_eq!(merged["findings"], together["findings"]);
    assert_eq!(merged["summary"], together["summary"]);
    assert_eq!(merged["coverage"], together["coverage"]);
    assert_eq!(accounts_of(&merged), accounts_of(&together));
    assert!(merged.get("account_id").is_none());

    // Refused: the same scope twice, and a snapshot mixed with a report; nothing written.
    let refused = dir.path().join("refused.json");
    let out = run(ha_audit(None)
        .args(["merge", "--out"])
        .arg(&refused)
        .args([&snaps[0], &both_snap]));
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(both_snap.to_str().unwrap())
            && err.contains(&format!("account {alpha} has"))
            && err.contains(snaps[0].to_str().unwrap()),
        "{err}"
    );
    let out = run(ha_audit(None)
        .args(["merge", "--out"])
        .arg(&refused)
        .args([&snaps[0], &reports[1]]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is a JSON report but") && stderr(&out).contains("a snapshot"),
        "{}",
        stderr(&out)
    );
    assert!(!refused.exists());

    // A bad line of the accounts file: exit 2 naming the file and the line.
    let bad = write(dir.path(), "bad.txt", &format!("{alpha}\nnot-an-account\n"));
    let out = run(ha_audit(Some(&endpoint))
        .args(["scan"])
        .args(REGION)
        .args(["--org-role-name", &org.role, "--accounts"])
        .arg(&bad));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!(
            "{}: line 2: \"not-an-account\" is not an AWS account id",
            bad.display()
        )),
        "{}",
        stderr(&out)
    );
}
