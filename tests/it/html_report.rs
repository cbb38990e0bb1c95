//! The HTML report: self-contained (nothing fetched from the network), inert whatever the
//! account's names hold, deterministic, and rendered for real by headless Chromium (installed
//! by `scripts/setup-chromium`; these tests fail, not skip, without it).

use crate::support::cli::{ha_audit, json_scan, run, stderr, stdout, DEMO};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Two cores are shared with the rest of the suite: one browser at a time.
static BROWSER: Mutex<()> = Mutex::new(());

const WIDTH: u32 = 1280;
const HEIGHT: u32 = 2400;

fn html_of(snapshot: &Path, extra: &[&str]) -> String {
    let out = run(ha_audit(None)
        .args([
            "scan",
            "--format",
            "html",
            "--fail-on",
            "never",
            "--snapshot",
        ])
        .arg(snapshot)
        .args(extra));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

/// The demo's HTML report, written by `--output` to `dir/report.html`.
fn demo_html(dir: &Path) -> PathBuf {
    let path = dir.join("report.html");
    html_of(Path::new(DEMO), &["--output", path.to_str().unwrap()]);
    path
}

fn chromium() -> PathBuf {
    let bin = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        bin.exists(),
        "{} is missing: run scripts/setup-chromium (or set CHROMIUM)",
        bin.display()
    );
    bin
}

struct Rendered {
    stdout: String,
    log: String,
    /// Every request Chromium's network stack made on behalf of the page.
    page_requests: Vec<String>,
}

/// One headless Chromium run over `page` with `mode` (`--screenshot=…` or `--dump-dom`), name
/// resolution disabled and a network log, killed after a minute.
fn render(page: &Path, mode: &str) -> Rendered {
    let _one = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let netlog = dir.path().join("net.json");
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--window-size={WIDTH},{HEIGHT}"),
            "--enable-logging=stderr",
            "--v=0",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            mode,
        ])
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    // Read both pipes on threads so a chatty browser cannot block on a full pipe.
    let mut out_pipe = child.stdout.take().unwrap();
    let mut err_pipe = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut out_pipe, &mut s).ok();
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut err_pipe, &mut s).ok();
        s
    });
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let (stdout, log) = (out_reader.join().unwrap(), err_reader.join().unwrap());
    assert!(status.success(), "chromium failed ({status}):\n{log}");
    Rendered {
        stdout,
        page_requests: page_requests(&netlog),
        log,
    }
}

/// The URLs of the network requests made for a page opened from a file: their network
/// isolation key is the file:// site. Chromium's own background requests have none, and
/// file:// loads do not go through the network stack at all.
fn page_requests(netlog: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(netlog).expect("chromium wrote its network log");
    // An interrupted log lacks the closing brackets; this one ran to its end.
    let log: Value = serde_json::from_str(&text).expect("a complete network log");
    let start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
        .as_u64()
        .expect("the log names URL_REQUEST_START_JOB");
    log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"].as_u64() == Some(start_job))
        .filter(|e| {
            e["params"]["network_isolation_key"]
                .as_str()
                .is_some_and(|k| k.contains("file://"))
        })
        .filter_map(|e| e["params"]["url"].as_str().map(str::to_string))
        .collect()
}

/// Console messages (errors, CSP violations, uncaught exceptions) in Chromium's log. The
/// report's script writes nothing to the console, so any message is a problem.
fn console_messages(log: &str) -> Vec<&str> {
    log.lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect()
}

#[test]
fn chromium_renders_the_demo_report_to_a_full_non_blank_screenshot() {
    let dir = tempfile::tempdir().unwrap();
    let page = demo_html(dir.path());
    let png = dir.path().join("report.png");
    let r = render(&page, &format!("--screenshot={}", png.display()));
    assert!(console_messages(&r.log).is_empty(), "{}", r.log);
    assert!(r.page_requests.is_empty(), "{:?}", r.page_requests);

    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(&png).expect("a screenshot file"),
    ));
    let mut reader = decoder.read_info().expect("a valid PNG");
    let info = reader.info();
    assert_eq!((info.width, info.height), (WIDTH, HEIGHT));
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut buf).expect("the PNG decodes");
    let channels = frame.color_type.samples();
    assert!(channels >= 3, "{:?}", frame.color_type);
    let pixels: Vec<[u8; 3]> = buf[..frame.buffer_size()]
        .chunks(channels)
        .map(|p| [p[0], p[1], p[2]])
        .collect();
    assert_eq!(pixels.len(), (WIDTH * HEIGHT) as usize);
    // Not blank: many colours (text, badges, bars), and a good share of pixels that are not
    // the page background. Lower bounds, since the exact pixels depend on the browser's fonts
    // and rasteriser.
    let mut counts = std::collections::HashMap::new();
    for p in &pixels {
        *counts.entry(*p).or_insert(0usize) += 1;
    }
    let background = counts.values().max().copied().unwrap();
    assert!(counts.len() > 50, "only {} colours", counts.len());
    let ink = pixels.len() - background;
    assert!(
        ink * 10 > pixels.len(),
        "{ink} of {} pixels differ from the background",
        pixels.len()
    );
    // The dark header band is at the top, where the page starts.
    let top = pixels[10 * WIDTH as usize + 10];
    assert!(top.iter().all(|c| *c < 80), "header pixel {top:?}");
}

#[test]
fn chromium_builds_the_dom_with_the_score_findings_and_az_view() {
    let dir = tempfile::tempdir().unwrap();
    let page = demo_html(dir.path());
    let r = render(&page, "--dump-dom");
    assert!(console_messages(&r.log).is_empty(), "{}", r.log);
    assert!(r.page_requests.is_empty(), "{:?}", r.page_requests);
    let dom = r.stdout;
    // The inline script ran (the policy allowed it by hash): the root got its class and the
    // filter box exists.
    assert!(dom.contains("<html lang=\"en\" class=\"js\">"), "{dom}");
    assert!(dom.contains("id=\"filter\""), "{dom}");

    let json = json_scan(DEMO);
    let score = format!("{:.1}", json["score"]["overall"]["score"].as_f64().unwrap());
    assert!(
        dom.contains(&format!("data-score=\"{score}\">{score}</div>")),
        "{score}"
    );
    // A failing finding: its rule, its resource and its message.
    let fail = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["outcome"] == "fail")
        .unwrap();
    assert!(dom.contains(&format!(
        "id=\"rule-{}\"",
        fail["rule_id"].as_str().unwrap()
    )));
    assert!(dom.contains(&html_escape(fail["message"].as_str().unwrap())));
    // The AZ view: the demo's regions, their AZs, and a load balancer in them.
    assert!(dom.contains("id=\"zones\""));
    assert!(dom.contains("data-az=\"us-east-1a\""), "{dom}");
    assert!(dom.contains("data-az=\"us-west-2a\""), "{dom}");
    assert!(dom.contains("load balancer: "), "{dom}");
}

/// The check above catches a page that fetches: a page with an image from the network.
#[test]
fn the_network_check_sees_a_page_that_fetches() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("fetching.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><body><p>x</p>\
         <img src=\"https://example.invalid/pixel.png\"></body></html>",
    )
    .unwrap();
    let r = render(&page, "--dump-dom");
    assert_eq!(r.page_requests, ["https://example.invalid/pixel.png"]);
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
}

#[test]
fn the_report_loads_nothing_from_anywhere() {
    let html = html_of(Path::new(DEMO), &[]);
    let lower = html.to_lowercase();
    // No external scripts, styles, frames, images, fonts or objects; links are plain anchors.
    for banned in [
        "<script src",
        "<link",
        "<iframe",
        "<img",
        "<object",
        "<embed",
        "<video",
        "<audio",
        "@import",
        "url(",
        "src=",
        "srcset=",
        "@font-face",
    ] {
        assert!(!lower.contains(banned), "{banned}");
    }
    // A web address inside a tag is only ever an anchor's target (addresses in text, such as
    // a remediation's, load nothing).
    for (i, _) in lower.match_indices("://") {
        let before = &lower[..i];
        let in_tag = before.rfind('<') > before.rfind('>');
        if in_tag {
            let tag = &before[before.rfind('<').unwrap()..];
            assert!(
                tag.starts_with("<a href=\"") && !tag[9..].contains('"'),
                "a web address in a tag that is not an anchor's href: {tag}"
            );
        }
    }
    // The policy forbids every load; only the one inline script, by hash, may run.
    assert!(html
        .contains("content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-"));
    assert_eq!(html.matches("<script>").count(), 1);
}

#[test]
fn names_from_the_account_cannot_inject_markup() {
    let mut snap: Value = serde_json::from_str(&std::fs::read_to_string(DEMO).unwrap()).unwrap();
    let evil = "<script>document.title='owned'</script><img src=x onerror=alert(1)>\"'&";
    // A VPC's Name tag (shown with its findings) and an Auto Scaling group's name (shown in
    // the AZ view and its findings).
    snap["ec2"]["vpcs"][0]["tags"]["Name"] = Value::from(evil);
    snap["autoscaling"]["groups"][0]["name"] = Value::from(format!("asg{evil}"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("evil.json");
    std::fs::write(&path, serde_json::to_string(&snap).unwrap()).unwrap();
    let html = html_of(&path, &[]);
    assert!(
        !html.contains("<script>document"),
        "raw markup came through"
    );
    assert!(!html.contains("<img"));
    assert!(!html.contains("onerror=alert(1)>"));
    let escaped = "&lt;script&gt;document.title=&#x27;owned&#x27;&lt;/script&gt;&lt;img src=x \
                   onerror=alert(1)&gt;&quot;&#x27;&amp;";
    assert!(html.contains(escaped), "the name is shown, escaped");
    // Shown in the AZ view too.
    let zones =
        &html[html.find("id=\"zones\"").unwrap()..html.find("id=\"not-evaluated\"").unwrap()];
    assert!(zones.contains(&format!("asg{escaped}")), "{zones}");
    assert_eq!(html.matches("<script>").count(), 1);
}

#[test]
fn the_same_scan_renders_byte_identical_html_written_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let a = demo_html(dir.path());
    let first = std::fs::read_to_string(&a).unwrap();
    assert_eq!(first, html_of(Path::new(DEMO), &[]));
    // Written by rename: nothing but the report is left in the directory.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["report.html"]);
    // The header names the account, the regions, the snapshot time and the version.
    for part in [
        "123456789012",
        "us-east-1, us-west-2",
        env!("CARGO_PKG_VERSION"),
    ] {
        assert!(first.contains(part), "{part}");
    }
}
