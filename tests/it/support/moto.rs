//! A moto server (the AWS emulator) for end-to-end tests, started per test and killed on drop.
//!
//! moto is installed by `scripts/setup-moto` into `<repo>/.venv`. Without it the tests FAIL
//! (they never skip): an end-to-end suite that silently skips proves nothing.
//!
//! ```ignore
//! let moto = Moto::start();                        // 127.0.0.1:<free port>, ready
//! let ids = moto.seed("seed_mixed.py");            // JSON printed by the seed script
//! // point the product at moto.endpoint (AWS_ENDPOINT_URL), or at a Proxy in front of it
//! moto.reset();                                    // POST /moto-api/reset: empty account
//! ```

use super::http;
use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How long moto may take to answer its first request (imports take ~2 s on this machine).
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs `.venv/bin/moto_server` inside the venv's python with a watchdog thread that exits the
/// process when its stdin closes. The test process holds the other end of that pipe, so moto
/// dies with the test binary even when `Drop` never runs (a SIGKILLed or timed-out test), and
/// the process we kill in `Drop` is the python process serving the port (no wrapper shell; see
/// moto-notes P10).
const LAUNCHER: &str = r#"
import os, runpy, sys, threading
def _watch():
    try:
        sys.stdin.buffer.read()
    finally:
        os._exit(0)
threading.Thread(target=_watch, daemon=True).start()
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"#;

pub struct Moto {
    pub port: u16,
    /// `http://127.0.0.1:<port>`
    pub endpoint: String,
    child: Child,
    /// Held open for the watchdog; closing it stops moto.
    _stdin: Option<ChildStdin>,
    log_path: PathBuf,
    repo: PathBuf,
}

impl Moto {
    /// The repository root (where `.venv`, `fixtures` and `scripts` live).
    pub fn repo_root() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    /// Starts moto from `<repo>/.venv` on a free loopback port and waits until it answers.
    /// Panics (never skips) when moto is not installed or does not come up.
    pub fn start() -> Moto {
        Self::start_in(&Self::repo_root())
    }

    /// As [`Moto::start`], with the venv and fixtures of another checkout.
    pub fn start_in(repo: &Path) -> Moto {
        let server = repo.join(".venv/bin/moto_server");
        let python = repo.join(".venv/bin/python");
        for path in [&server, &python] {
            if !path.exists() {
                panic!(
                    "moto is not installed: {} is missing; run scripts/setup-moto \
                     (the end-to-end tests need the emulator and do not skip without it)",
                    path.display()
                );
            }
        }
        // The port is picked by binding :0 and released before moto binds it, so another
        // process can take it in between: retry on a fresh port when moto cannot bind.
        let mut last_error = String::new();
        for _ in 0..3 {
            match Self::try_start(repo, &server, &python) {
                Ok(moto) => return moto,
                Err((msg, retry)) => {
                    if !retry {
                        panic!("{msg}");
                    }
                    last_error = msg;
                }
            }
        }
        panic!("{last_error}");
    }

    fn try_start(repo: &Path, server: &Path, python: &Path) -> Result<Moto, (String, bool)> {
        let port = free_port();
        let log_path =
            std::env::temp_dir().join(format!("ha-audit-moto-{}-{port}.log", std::process::id()));
        let log = File::create(&log_path)
            .map_err(|e| (format!("cannot create {}: {e}", log_path.display()), false))?;
        let log_err = log
            .try_clone()
            .map_err(|e| (format!("cannot clone log file handle: {e}"), false))?;
        let mut child = Command::new(python)
            .arg("-c")
            .arg(LAUNCHER)
            .arg(server)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
            .env("PYTHONUNBUFFERED", "1")
            .current_dir(repo)
            .stdin(Stdio::piped())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(log_err))
            .spawn()
            .map_err(|e| (format!("cannot spawn {}: {e}", server.display()), false))?;
        let stdin = child.stdin.take();
        let mut moto = Moto {
            port,
            endpoint: format!("http://127.0.0.1:{port}"),
            child,
            _stdin: stdin,
            log_path,
            repo: repo.to_path_buf(),
        };
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Ok(Some(status)) = moto.child.try_wait() {
                let tail = moto.log_tail(40);
                let retry = tail.contains("Address already in use");
                return Err((
                    format!(
                        "moto exited during start-up ({status}); is the venv intact? \
                         (run scripts/setup-moto)\n--- {} (tail) ---\n{tail}",
                        moto.log_path.display()
                    ),
                    retry,
                ));
            }
            let ready = http::request(
                &moto.addr(),
                "GET",
                "/moto-api/data.json",
                &[],
                b"",
                Duration::from_secs(2),
            )
            .map(|r| r.status == 200)
            .unwrap_or(false);
            if ready {
                return Ok(moto);
            }
            if Instant::now() > deadline {
                return Err((
                    format!(
                        "moto did not answer on {} within {START_TIMEOUT:?}\n--- {} (tail) ---\n{}",
                        moto.endpoint,
                        moto.log_path.display(),
                        moto.log_tail(40)
                    ),
                    false,
                ));
            }
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// `127.0.0.1:<port>`
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The server log (requests and tracebacks; `NotImplementedError` shows up here).
    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// The last `lines` lines of the server log.
    pub fn log_tail(&self, lines: usize) -> String {
        let mut text = String::new();
        if let Ok(mut f) = File::open(&self.log_path) {
            let len = f.metadata().map(|m| m.len()).unwrap_or(0);
            let _ = f.seek(SeekFrom::Start(len.saturating_sub(64 * 1024)));
            let _ = f.read_to_string(&mut text);
        }
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }

    /// Drops every resource in every region (`POST /moto-api/reset`).
    pub fn reset(&self) {
        let res = http::request(
            &self.addr(),
            "POST",
            "/moto-api/reset",
            &[],
            b"",
            Duration::from_secs(30),
        );
        match res {
            Ok(r) if r.status == 200 => {}
            Ok(r) => panic!("moto reset answered {}: {}", r.status, r.text()),
            Err(e) => panic!("moto reset failed: {e}\n{}", self.log_tail(20)),
        }
    }

    /// Runs `<repo>/.venv/bin/python fixtures/moto/<script> --endpoint <endpoint>` and returns
    /// the JSON it prints on stdout (the ids moto generated). Panics with the script's stderr
    /// and the server log tail when it fails.
    pub fn seed(&self, script: &str) -> serde_json::Value {
        self.seed_with(script, &[])
    }

    /// As [`Moto::seed`], with more arguments for the script (e.g. `["--scale", "0.1"]`).
    pub fn seed_with(&self, script: &str, args: &[&str]) -> serde_json::Value {
        let path = self.repo.join("fixtures/moto").join(script);
        assert!(path.exists(), "no seed script {}", path.display());
        let out = Command::new(self.repo.join(".venv/bin/python"))
            .arg(&path)
            .args(["--endpoint", &self.endpoint])
            .args(args)
            .current_dir(&self.repo)
            // The script passes its own dummy credentials; a profile from the developer's
            // environment must not be looked up (or fail the run if it does not exist).
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_DEFAULT_PROFILE")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", path.display()));
        if !out.status.success() {
            panic!(
                "seeding with {script} failed ({})\n--- stderr ---\n{}\n--- moto log (tail) ---\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr),
                self.log_tail(30)
            );
        }
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{script} printed no JSON ({e}):\n{}",
                String::from_utf8_lossy(&out.stdout)
            )
        })
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        // SIGKILL to the python process itself (spawned directly, not through a shell).
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Keep the log of a failed test for inspection; remove it otherwise.
        if thread::panicking() {
            eprintln!("moto log kept at {}", self.log_path.display());
        } else {
            let _ = fs::remove_file(&self.log_path);
        }
    }
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("cannot bind 127.0.0.1:0")
}
