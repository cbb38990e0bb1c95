//! scripts/install.sh against a fake GitHub release served on 127.0.0.1: it installs the
//! archive whose checksum matches, and installs nothing when the checksum does not.

use sha2::{Digest, Sha256};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

const REPO: &str = "example-org/ha-audit";
const TARGET: &str = "x86_64-unknown-linux-musl";

/// Serves the files under `root` over HTTP on a free loopback port, forever (the test process
/// ends it); records every requested path.
fn serve(root: PathBuf) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut start = String::new();
            if reader.read_line(&mut start).is_err() {
                continue;
            }
            // Skip the headers; the request has no body.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = start.split(' ').nth(1).unwrap_or("/").to_string();
            log.lock().unwrap().push(path.clone());
            let file = root.join(path.trim_start_matches('/'));
            let (status, body) = match std::fs::read(&file) {
                Ok(body) if !path.contains("..") => ("200 OK", body),
                _ => ("404 Not Found", b"not found".to_vec()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    (url, seen)
}

fn sh(cmd: &mut Command) -> Output {
    cmd.output().expect("the command runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A release directory `<root>/<REPO>/releases/download/<tag>/` (and `latest/download`) with
/// the archive of a stand-in binary that prints `marker`, and its `.sha256` as the release
/// workflow writes it.
fn fake_release(root: &Path, tag: &str, marker: &str) -> String {
    let stage = root.join("stage").join(format!("ha-audit-{TARGET}"));
    std::fs::create_dir_all(&stage).unwrap();
    let bin = stage.join("ha-audit");
    std::fs::write(&bin, format!("#!/bin/sh\necho {marker}\n")).unwrap();
    let status = Command::new("chmod").arg("755").arg(&bin).status().unwrap();
    assert!(status.success());
    let archive = format!("ha-audit-{TARGET}.tar.gz");
    let mut sums = String::new();
    for dir in [
        format!("{REPO}/releases/download/{tag}"),
        format!("{REPO}/releases/latest/download"),
    ] {
        let dir = root.join(dir);
        std::fs::create_dir_all(&dir).unwrap();
        let out = sh(Command::new("tar")
            .arg("-czf")
            .arg(dir.join(&archive))
            .arg("-C")
            .arg(root.join("stage"))
            .arg(format!("ha-audit-{TARGET}")));
        assert!(out.status.success(), "tar: {}", text(&out.stderr));
        let digest = Sha256::digest(std::fs::read(dir.join(&archive)).unwrap());
        sums = format!("{digest:x}  {archive}\n");
        std::fs::write(dir.join(format!("{archive}.sha256")), &sums).unwrap();
    }
    sums
}

fn install(github: &str, home: &Path, args: &[&str]) -> Output {
    sh(Command::new("sh")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/install.sh"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .env("HOME", home)
        .env("HA_AUDIT_REPO", REPO)
        .env("HA_AUDIT_GITHUB_URL", github)
        .env("HA_AUDIT_TARGET", TARGET))
}

#[test]
fn installs_the_release_whose_checksum_matches() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("www");
    fake_release(&root, "v1.2.3", "ha-audit-1.2.3");
    let (url, seen) = serve(root.clone());
    let home = tmp.path().join("home");

    // The latest release, into the default directory.
    let out = install(&url, &home, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bin = home.join(".local/bin/ha-audit");
    let run = sh(&mut Command::new(&bin));
    assert_eq!(text(&run.stdout), "ha-audit-1.2.3\n");
    assert!(text(&out.stderr).contains("checksum verified"));
    assert_eq!(
        *seen.lock().unwrap(),
        [
            format!("/{REPO}/releases/latest/download/ha-audit-{TARGET}.tar.gz"),
            format!("/{REPO}/releases/latest/download/ha-audit-{TARGET}.tar.gz.sha256"),
        ]
    );

    // A given version (with or without its `v`), into a given directory.
    seen.lock().unwrap().clear();
    let dir = tmp.path().join("opt/bin");
    let out = install(
        &url,
        &home,
        &["--version", "1.2.3", "--dir", dir.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&sh(&mut Command::new(dir.join("ha-audit"))).stdout),
        "ha-audit-1.2.3\n"
    );
    assert!(seen.lock().unwrap()[0].contains("/releases/download/v1.2.3/"));
    // Nothing but the binary is left behind: no temporary file in the install directory.
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["ha-audit"]);

    // A release that does not exist fails and says what it tried.
    let out = install(
        &url,
        &home,
        &["--version", "v9.9.9", "--dir", dir.to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("cannot download"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_checksum_mismatch_installs_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("www");
    fake_release(&root, "v1.2.3", "tampered");
    // The published checksum is of another archive.
    let sums = root.join(format!(
        "{REPO}/releases/download/v1.2.3/ha-audit-{TARGET}.tar.gz.sha256"
    ));
    let other = format!(
        "{:x}  ha-audit-{TARGET}.tar.gz\n",
        Sha256::digest(b"the real one")
    );
    std::fs::write(&sums, other).unwrap();
    let (url, _) = serve(root);

    // An ha-audit installed earlier stays as it was.
    let home = tmp.path().join("home");
    let dir = home.join(".local/bin");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("ha-audit"), "previous").unwrap();

    let out = install(&url, &home, &["--version", "v1.2.3"]);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("checksum mismatch"), "{err}");
    assert!(err.contains("nothing was installed"), "{err}");
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, ["ha-audit"]);
    assert_eq!(
        std::fs::read_to_string(dir.join("ha-audit")).unwrap(),
        "previous"
    );
}

#[test]
fn picks_the_archive_for_this_machine() {
    // Without HA_AUDIT_TARGET the script names the archive from `uname`; on the machines the
    // tests run on (Linux, x86_64 or aarch64) that is the static musl build.
    let tmp = tempfile::tempdir().unwrap();
    let (url, seen) = serve(tmp.path().join("empty"));
    let out = sh(Command::new("sh")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/install.sh"))
        .args(["--base-url", &url, "--dir"])
        .arg(tmp.path().join("bin"))
        .env_remove("HA_AUDIT_TARGET"));
    assert!(!out.status.success());
    let arch = match std::env::consts::ARCH {
        "x86_64" => "x86_64",
        "aarch64" => "aarch64",
        other => panic!("no release for {other}"),
    };
    let expected = match std::env::consts::OS {
        "linux" => format!("/ha-audit-{arch}-unknown-linux-musl.tar.gz"),
        "macos" => format!("/ha-audit-{arch}-apple-darwin.tar.gz"),
        other => panic!("the install script test runs on Linux or macOS, not {other}"),
    };
    assert_eq!(*seen.lock().unwrap(), [expected]);
    assert!(!tmp.path().join("bin").exists());
}
