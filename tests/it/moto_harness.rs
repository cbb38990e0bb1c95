//! The emulator harness itself: moto starts, the mixed account seeds and matches its expected
//! outcomes, the proxy forwards faithfully, records what it saw and fixes the one moto bug the
//! Rust SDK cannot parse, and reset empties the account.
//!
//! Needs `scripts/setup-moto` to have run; fails (does not skip) otherwise.

use crate::support::http;
use crate::support::moto::Moto;
use crate::support::proxy::Proxy;
use std::io::{BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

const T: Duration = Duration::from_secs(30);
const SEEDED_BUCKETS: [&str; 8] = [
    "ha-east-crr",
    "ha-east-replica",
    "ha-east-srr",
    "ha-east-suspended",
    "ha-east-unversioned",
    "ha-west-crr",
    "ha-west-crr-disabled",
    "ha-west-replica",
];

/// A SigV4 `Authorization` header with a fake signature: moto ignores signatures, the proxy
/// reads the credential scope.
fn fake_auth(region: &str, service: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential=testing/20260101/{region}/{service}/aws4_request, \
         SignedHeaders=host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000"
    )
}

fn get(addr: &str, target: &str, headers: &[(&str, &str)]) -> http::Response {
    http::request(addr, "GET", target, headers, b"", T)
        .unwrap_or_else(|e| panic!("GET {target} via {addr}: {e}"))
}

#[test]
fn moto_seeds_the_mixed_account_and_the_proxy_forwards_records_and_fixes() {
    let moto = Moto::start();
    let started = Instant::now();
    let ids = moto.seed("seed_mixed.py");
    eprintln!("seed_mixed.py took {:?}", started.elapsed());

    // The ids moto generated, by logical name.
    let id = |k: &str| -> String {
        ids[k]
            .as_str()
            .unwrap_or_else(|| panic!("seed output has no {k:?}: {ids:#}"))
            .to_string()
    };
    for region in ["us-east-1", "us-west-2"] {
        for vpc in ["vpc-one-az", "vpc-multi-az"] {
            assert!(id(&format!("{region}/{vpc}")).starts_with("vpc-"));
        }
        for subnet in [
            "vpc-one-az-a1",
            "vpc-one-az-a2",
            "vpc-multi-az-a",
            "vpc-multi-az-b",
        ] {
            assert!(id(&format!("{region}/{subnet}")).starts_with("subnet-"));
        }
    }
    assert!(!id("global/example-ha.com.").is_empty());
    assert!(!id("global/hc-app").is_empty());

    // The expected-outcomes file agrees with what moto actually holds (an independent boto3
    // read-back judges every resource; see fixtures/moto/check_expected.py).
    let check = Command::new(Moto::repo_root().join(".venv/bin/python"))
        .arg(Moto::repo_root().join("fixtures/moto/check_expected.py"))
        .args(["--endpoint", &moto.endpoint])
        .output()
        .expect("run check_expected.py");
    assert!(
        check.status.success(),
        "fixtures/moto/mixed.expected.json disagrees with moto:\n{}",
        String::from_utf8_lossy(&check.stderr)
    );

    let proxy = Proxy::start(&moto.addr());
    let p = proxy.addr();

    // (a) GetBucketVersioning, unsigned: moto's wrong root element is renamed.
    let direct = get(&moto.addr(), "/ha-east-crr?versioning", &[]);
    assert!(
        direct.text().contains("<GetBucketVersioningResponse"),
        "moto no longer has the GetBucketVersioning root bug; the proxy fix can go: {}",
        direct.text()
    );
    let fixed = get(&p, "/ha-east-crr?versioning", &[]);
    assert_eq!(fixed.status, 200);
    let text = fixed.text();
    assert!(text.contains("<VersioningConfiguration"), "{text}");
    assert!(text.contains("</VersioningConfiguration>"), "{text}");
    assert!(text.contains("<Status>Enabled</Status>"), "{text}");
    assert!(!text.contains("GetBucketVersioningResponse"), "{text}");
    assert_eq!(
        fixed.header("content-length"),
        Some(fixed.body.len().to_string().as_str())
    );
    assert_eq!(
        text,
        direct
            .text()
            .replace("GetBucketVersioningResponse", "VersioningConfiguration"),
        "only the root element may change"
    );

    // Never-enabled versioning: moto sends a self-closing root, renamed too.
    let never = get(&p, "/ha-east-unversioned?versioning", &[]).text();
    assert!(never.contains("<VersioningConfiguration xmlns="), "{never}");
    assert!(!never.contains("Status"), "{never}");
    let suspended = get(&p, "/ha-east-suspended?versioning", &[]).text();
    assert!(
        suspended.contains("<Status>Suspended</Status>"),
        "{suspended}"
    );

    // Everything else passes through byte for byte.
    for target in ["/ha-west-crr?location", "/"] {
        assert_eq!(
            get(&p, target, &[]).body,
            get(&moto.addr(), target, &[]).body,
            "{target}"
        );
    }
    let unsigned = proxy.requests();
    assert!(unsigned
        .iter()
        .all(|r| r.service.is_none() && r.region.is_none()));
    assert_eq!(unsigned[0].action, "GET /{bucket}?versioning");
    assert!(unsigned[0].rewritten);
    assert_eq!(
        unsigned.last().unwrap().operation.as_deref(),
        Some("ListBuckets")
    );
    assert!(!unsigned.last().unwrap().rewritten);

    // (b) Attribution from the SigV4 credential scope, per protocol.
    proxy.clear();
    let s3_auth = fake_auth("us-east-1", "s3");
    let r = get(
        &p,
        "/ha-east-crr?versioning",
        &[("Authorization", &s3_auth)],
    );
    assert!(r.text().contains("<VersioningConfiguration"));

    let ec2_auth = fake_auth("us-west-2", "ec2");
    let form = b"Action=DescribeVpcs&Version=2016-11-15";
    let vpcs = http::request(
        &p,
        "POST",
        "/",
        &[
            ("Authorization", &ec2_auth),
            (
                "Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8",
            ),
        ],
        form,
        T,
    )
    .unwrap();
    assert_eq!(vpcs.status, 200, "{}", vpcs.text());
    assert!(vpcs.text().contains(&id("us-west-2/vpc-one-az")));
    assert!(
        !vpcs.text().contains(&id("us-east-1/vpc-one-az")),
        "regions are separate"
    );

    let r53_auth = fake_auth("us-east-1", "route53");
    let rrset = get(
        &p,
        &format!(
            "/2013-04-01/hostedzone/{}/rrset",
            id("global/example-ha.com.")
        ),
        &[("Authorization", &r53_auth)],
    );
    assert!(
        rrset.text().contains("lonely-primary.example-ha.com."),
        "{}",
        rrset.text()
    );

    let ddb_auth = fake_auth("us-east-1", "dynamodb");
    let tables = http::request(
        &p,
        "POST",
        "/",
        &[
            ("Authorization", &ddb_auth),
            ("X-Amz-Target", "DynamoDB_20120810.ListTables"),
            ("Content-Type", "application/x-amz-json-1.0"),
        ],
        b"{}",
        T,
    )
    .unwrap();
    assert_eq!(tables.status, 200, "{}", tables.text());

    let seen: Vec<_> = proxy
        .requests()
        .into_iter()
        .map(|r| {
            (
                r.service.unwrap_or_default(),
                r.region.unwrap_or_default(),
                r.action,
                r.operation,
            )
        })
        .collect();
    let s = |x: &str| x.to_string();
    assert_eq!(
        seen,
        vec![
            (
                s("s3"),
                s("us-east-1"),
                s("GET /{bucket}?versioning"),
                Some(s("GetBucketVersioning"))
            ),
            (
                s("ec2"),
                s("us-west-2"),
                s("DescribeVpcs"),
                Some(s("DescribeVpcs"))
            ),
            (
                s("route53"),
                s("us-east-1"),
                s("GET /2013-04-01/hostedzone/{id}/rrset"),
                Some(s("ListResourceRecordSets"))
            ),
            (
                s("dynamodb"),
                s("us-east-1"),
                s("ListTables"),
                Some(s("ListTables"))
            ),
        ]
    );

    // Keep-alive, Expect: 100-continue and a chunked request body on one client connection,
    // the way SDK clients talk.
    proxy.clear();
    let mut conn = TcpStream::connect(&p).unwrap();
    conn.set_read_timeout(Some(T)).unwrap();
    write!(
        conn,
        "POST / HTTP/1.1\r\nHost: {p}\r\nAuthorization: {ec2_auth}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\
         Expect: 100-continue\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let cont = http::read_head(&mut reader).unwrap().unwrap();
    assert_eq!(cont.start_line, "HTTP/1.1 100 Continue");
    for part in ["Action=DescribeS", "ubnets&Version=2016-11-15"] {
        write!(conn, "{:x}\r\n{part}\r\n", part.len()).unwrap();
    }
    conn.write_all(b"0\r\n\r\n").unwrap();
    let subnets = http::read_response(&mut reader, false).unwrap();
    assert_eq!(subnets.status, 200, "{}", subnets.text());
    assert!(subnets.text().contains(&id("us-west-2/vpc-multi-az-b")));
    assert_eq!(subnets.header("connection"), Some("keep-alive"));
    write!(
        conn,
        "GET /ha-west-crr?versioning HTTP/1.1\r\nHost: {p}\r\n\r\n"
    )
    .unwrap();
    let again = http::read_response(&mut reader, false).unwrap();
    assert!(
        again.text().contains("<VersioningConfiguration"),
        "{}",
        again.text()
    );
    write!(
        conn,
        "HEAD /ha-west-crr HTTP/1.1\r\nHost: {p}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let head = http::read_response(&mut reader, true).unwrap();
    assert_eq!(head.status, 200);
    let mut rest = Vec::new();
    reader.read_to_end(&mut rest).unwrap(); // the proxy closes as asked
    assert!(rest.is_empty(), "no body after a HEAD response");
    let actions: Vec<_> = proxy.requests().into_iter().map(|r| r.action).collect();
    assert_eq!(
        actions,
        [
            "DescribeSubnets",
            "GET /{bucket}?versioning",
            "HEAD /{bucket}"
        ]
    );

    // A client that disappears mid-request does not hurt the proxy.
    let mut rude = TcpStream::connect(&p).unwrap();
    rude.write_all(b"GET /ha-east-crr?versio").unwrap();
    drop(rude);
    let mut rude = TcpStream::connect(&p).unwrap();
    rude.write_all(b"POST / HTTP/1.1\r\nContent-Length: 100\r\n\r\nAction=")
        .unwrap();
    rude.shutdown(Shutdown::Both).unwrap();
    assert_eq!(get(&p, "/", &[]).status, 200);

    // reset() empties the account.
    moto.reset();
    let after = get(&p, "/", &[]).text();
    assert!(after.contains("ListAllMyBucketsResult"), "{after}");
    for b in SEEDED_BUCKETS {
        assert!(!after.contains(b), "{b} survived reset: {after}");
    }
    // ... and the scenario seeds again on the reset server with the same logical names.
    let again = moto.seed("seed_mixed.py");
    let keys =
        |v: &serde_json::Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(keys(&again), keys(&ids));
    let listed = get(&p, "/", &[]).text();
    for b in SEEDED_BUCKETS {
        assert!(
            listed.contains(&format!("<Name>{b}</Name>")),
            "{b} missing: {listed}"
        );
    }
}

#[test]
#[should_panic(expected = "run scripts/setup-moto")]
fn moto_without_the_venv_fails_with_a_hint() {
    let empty = tempfile::tempdir().unwrap();
    let _ = Moto::start_in(empty.path());
}

/// A one-connection-per-request fake upstream that answers every request with `respond(target)`.
fn fake_upstream(respond: fn(&str) -> Vec<u8>) -> (String, thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let h = thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { break };
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let Ok(Some(head)) = http::read_head(&mut reader) else {
                continue;
            };
            let target = head.start_line.split(' ').nth(1).unwrap_or("").to_string();
            if target == "/quit" {
                break;
            }
            let _ = conn.write_all(&respond(&target));
        }
    });
    (addr, h)
}

#[test]
fn proxy_handles_chunked_and_close_delimited_responses_and_stops_on_drop() {
    let (upstream, server) = fake_upstream(|target| {
        match target {
            // Chunked response with the moto root bug, split mid-tag.
            "/bucket-a?versioning" => chunked(&[
                "<?xml version=\"1.0\"?>\n<GetBucke",
                "tVersioningResponse><Status>Enabled</Status></GetBucketVersioni",
                "ngResponse>",
            ]),
            // Close-delimited response: no length, no chunking.
            "/bucket-a?tagging" => {
                b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n\r\n<Tagging><TagSet/></Tagging>"
                    .to_vec()
            }
            // The same root under another path is not S3 GetBucketVersioning: left alone.
            _ => b"HTTP/1.1 200 OK\r\nContent-Length: 31\r\n\r\n<GetBucketVersioningResponse/>\n"
                .to_vec(),
        }
    });
    let proxy = Proxy::start(&upstream);
    let p = proxy.addr();

    let v = get(&p, "/bucket-a?versioning", &[]);
    assert_eq!(
        v.text(),
        "<?xml version=\"1.0\"?>\n<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"
    );
    assert_eq!(v.header("transfer-encoding"), None);
    assert_eq!(
        v.header("content-length"),
        Some(v.body.len().to_string().as_str())
    );

    let t = get(&p, "/bucket-a?tagging", &[]);
    assert_eq!(t.text(), "<Tagging><TagSet/></Tagging>");
    assert_eq!(t.header("content-length"), Some("28"));

    let other = get(&p, "/bucket-a/key?versioning", &[]);
    assert_eq!(other.text(), "<GetBucketVersioningResponse/>\n");
    let rec = proxy.requests();
    assert_eq!(
        rec.iter().map(|r| r.rewritten).collect::<Vec<_>>(),
        [true, false, false]
    );
    assert_eq!(rec[1].operation.as_deref(), Some("GetBucketTagging"));
    assert_eq!(rec[2].action, "GET /{bucket}/{key}?versioning");

    // An idle keep-alive client must not keep Drop waiting.
    let mut idle = TcpStream::connect(&p).unwrap();
    idle.set_read_timeout(Some(T)).unwrap();
    write!(idle, "GET /bucket-a?tagging HTTP/1.1\r\nHost: {p}\r\n\r\n").unwrap();
    let mut reader = BufReader::new(idle.try_clone().unwrap());
    assert_eq!(http::read_response(&mut reader, false).unwrap().status, 200);
    let started = Instant::now();
    drop(proxy);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "drop took {:?}",
        started.elapsed()
    );
    let mut buf = [0u8; 1];
    assert_eq!(
        reader.read(&mut buf).unwrap_or(0),
        0,
        "the client sees the close"
    );

    // A stopped proxy refuses connections; the upstream is unaffected.
    assert!(TcpStream::connect(&p).is_err() || get_fails(&p));
    let _ = http::request(&upstream, "GET", "/quit", &[], b"", T);
    server.join().unwrap();
}

/// A chunked `200 OK` response with one chunk per part.
fn chunked(parts: &[&str]) -> Vec<u8> {
    let mut r = String::from(
        "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    for p in parts {
        r.push_str(&format!("{:x};ext=1\r\n{p}\r\n", p.len()));
    }
    r.push_str("0\r\nX-Trailer: t\r\n\r\n");
    r.into_bytes()
}

fn get_fails(addr: &str) -> bool {
    http::request(addr, "GET", "/", &[], b"", Duration::from_secs(2)).is_err()
}
