//! What a new user meets first: the one-line errors of a scan without credentials or without
//! a region, and the shell completions and man page generated from the command line.

use crate::support::cli::{ha_audit, run, stderr, stdout};
use std::process::Output;

/// A closed loopback port: whatever the binary tries, nothing leaves the machine.
const NOWHERE: &str = "http://127.0.0.1:9";

const SUBCOMMANDS: &[&str] = &[
    "scan",
    "collect",
    "rules",
    "explain",
    "iam-policy",
    "diff",
    "merge",
    "completions",
    "man",
];

/// The error is exactly one line, names the problem, and says how to go on.
fn assert_one_line_error(out: &Output, problem: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(stdout(out).is_empty(), "{}", stdout(out));
    assert_eq!(err.lines().count(), 1, "not one line:\n{err}");
    assert!(err.starts_with("ha-audit: error: "), "{err}");
    assert!(err.contains(problem), "{err}");
    assert!(
        err.contains("ha-audit scan --snapshot fixtures/demo-account.json"),
        "{err}"
    );
    // The SDK's list of providers that were not enabled says nothing the line does not.
    assert!(!err.contains("not enabled"), "{err}");
}

#[test]
fn a_scan_without_credentials_says_so_in_one_line() {
    let out = run(ha_audit(None)
        .args(["scan", "--region", "us-east-1"])
        .env("AWS_ENDPOINT_URL", NOWHERE));
    assert_one_line_error(&out, "credentials: no AWS credentials found");
    assert!(stderr(&out).contains("--profile"), "{}", stderr(&out));

    // `collect` reads the same way and fails the same way.
    let tmp = tempfile::tempdir().unwrap();
    let snap = tmp.path().join("snap.json");
    let out = run(ha_audit(None)
        .args(["collect", "--region", "us-east-1", "--out"])
        .arg(&snap)
        .env("AWS_ENDPOINT_URL", NOWHERE));
    assert_one_line_error(&out, "no AWS credentials found");
    assert!(!snap.exists());
}

#[test]
fn a_profile_that_is_not_defined_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    std::fs::write(&config, "[profile other]\nregion = eu-west-1\n").unwrap();
    let out = run(ha_audit(None)
        .args([
            "scan",
            "--region",
            "us-east-1",
            "--profile",
            "missing-profile",
        ])
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_ENDPOINT_URL", NOWHERE));
    assert_one_line_error(&out, "missing-profile");
}

#[test]
fn a_scan_without_a_region_says_so_in_one_line() {
    // Credentials but no region anywhere (no --region, no AWS_REGION, no config file).
    let out = run(ha_audit(None)
        .arg("scan")
        .env("AWS_ACCESS_KEY_ID", "AKIAHAAUDITTESTKEY01")
        .env("AWS_SECRET_ACCESS_KEY", "ha-audit-test-secret")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env("AWS_ENDPOINT_URL", NOWHERE));
    assert_one_line_error(&out, "no region: pass --region");
}

fn completions(shell: &str) -> String {
    let out = run(ha_audit(None).args(["completions", shell]));
    assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
    stdout(&out)
}

#[test]
fn completion_scripts_name_every_subcommand() {
    // Each shell's script in that shell's own idiom, completing every subcommand.
    let idioms = [
        ("bash", "complete -F _ha__audit"),
        ("zsh", "#compdef ha-audit"),
        ("fish", "complete -c ha-audit"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "set edit:completion:arg-completer[ha-audit]"),
    ];
    for (shell, idiom) in idioms {
        let script = completions(shell);
        assert!(script.contains(idiom), "{shell}: no {idiom:?}");
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell}: no {sub}");
        }
        // Options of a subcommand are there too, not only the names.
        assert!(script.contains("fail-on"), "{shell}: no --fail-on");
    }
    let out = run(ha_audit(None).args(["completions", "tcsh"]));
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bash_completes_subcommands_and_their_options() {
    // Loads the script into bash and calls the function it registered for `ha-audit`, as the
    // shell does on <Tab>.
    let script = completions("bash");
    let ask = |line: &str| -> Vec<String> {
        let words: Vec<&str> = line.split(' ').collect();
        let program = format!(
            "{script}\nCOMP_WORDS=({words}); COMP_CWORD={cword}; COMP_LINE='{line}'; \
             COMP_POINT=${{#COMP_LINE}}; \
             spec=$(complete -p ha-audit); fn=${{spec#*-F }}; fn=${{fn%% *}}; \
             \"$fn\" ha-audit '{cur}' '{prev}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            words = words
                .iter()
                .map(|w| format!("'{w}'"))
                .collect::<Vec<_>>()
                .join(" "),
            cword = words.len() - 1,
            cur = words[words.len() - 1],
            prev = words[words.len() - 2],
        );
        let out = std::process::Command::new("bash")
            .args(["--norc", "--noprofile", "-c", &program])
            .output()
            .expect("bash runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect()
    };
    let subs = ask("ha-audit ");
    for sub in SUBCOMMANDS {
        assert!(subs.iter().any(|s| s == sub), "{sub} not offered: {subs:?}");
    }
    assert_eq!(ask("ha-audit sc"), ["scan"]);
    // A subcommand's own options, and the values of one (clap-rs/clap#6421 broke both for a
    // binary with a hyphen in its name).
    let options = ask("ha-audit scan --fail");
    assert_eq!(options, ["--fail-on", "--fail-on-incomplete"]);
    assert_eq!(ask("ha-audit iam-policy --c"), ["--caller"]);
    let fail_on = ask("ha-audit scan --fail-on ");
    for level in ["critical", "high", "medium", "low", "never"] {
        assert!(fail_on.iter().any(|s| s == level), "{level}: {fail_on:?}");
    }
}

#[test]
fn the_man_page_renders_with_every_subcommand() {
    let out = run(ha_audit(None).arg("man"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let roff = stdout(&out);
    assert!(
        roff.starts_with(".ie \\n(.g .ds Aq \\(aq"),
        "{}",
        &roff[..80]
    );
    assert!(roff.contains(".TH ha-audit 1"), "no title line");

    // Rendered as `man` would, to plain text.
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("ha-audit.1");
    std::fs::write(&page, &roff).unwrap();
    let text = render(&page);
    for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "SUBCOMMANDS"] {
        assert!(text.contains(section), "no {section} in\n{text}");
    }
    for sub in SUBCOMMANDS {
        assert!(
            text.contains(&format!("ha-audit-{sub}(1)")),
            "{sub} missing from\n{text}"
        );
    }
    assert!(text.contains("Exit codes:"), "{text}");

    // --out-dir: a page per command, each of which renders.
    let dir = tmp.path().join("man1");
    let out = run(ha_audit(None).arg("man").arg("--out-dir").arg(&dir));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for sub in SUBCOMMANDS {
        let page = dir.join(format!("ha-audit-{sub}.1"));
        assert!(page.exists(), "no {}", page.display());
    }
    let scan = render(&dir.join("ha-audit-scan.1"));
    assert!(scan.contains("--fail-on"), "{scan}");
    assert!(scan.contains("--snapshot"), "{scan}");
}

/// The page as text, by groff (what `man` runs); groff's own warnings fail the test.
fn render(page: &std::path::Path) -> String {
    let out = std::process::Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(page)
        .output()
        .expect("groff runs (Debian package groff-base)");
    assert!(
        out.stderr.is_empty(),
        "groff warns about {}:\n{}",
        page.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let out = std::process::Command::new("groff")
        .args(["-man", "-Tutf8"])
        .arg(page)
        .env("GROFF_NO_SGR", "1")
        .output()
        .expect("groff runs");
    assert!(out.status.success());
    // Overstrike bold (`N\bNA\bA`) to plain text.
    let raw = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut text = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c == '\u{8}' {
            text.pop();
        } else {
            text.push(c);
        }
    }
    text
}
