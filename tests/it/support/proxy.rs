//! An HTTP/1.1 reverse proxy on 127.0.0.1 in front of moto, for the end-to-end tests.
//!
//! Why it exists:
//! 1. **Wire record.** Every request the binary makes is recorded with its AWS service, region
//!    and action, so tests can check that the API actions seen on the wire are exactly those
//!    declared by the collectors (the `iam-policy` contract) and count calls.
//! 2. **One moto bug fixed, nothing else changed.** moto 5.2.5 answers S3 GetBucketVersioning
//!    with the root element `<GetBucketVersioningResponse>` where AWS sends
//!    `<VersioningConfiguration>`; the Rust SDK's strict XML deserialiser rejects it
//!    ("invalid XML root"), boto3 does not notice. Product code must not bend to an emulator
//!    bug, so the proxy renames that root (open and close tag) and fixes `Content-Length`.
//!    Fields moto writes with the wrong JSON type or format are rewritten the same way: Lambda's
//!    `FunctionEventInvokeConfigs[].LastModified`, Direct Connect's `loaIssueTime` and DMS's
//!    `InstanceCreateTime` as text where AWS sends epoch seconds, Direct Connect's
//!    `hasLogicalRedundancy` as a boolean, and the timestamps of MSK and CloudHSM clusters in a
//!    format the service never sends.
//!
//! 3. **Faults and latency** ([`Faults`], set with [`Proxy::set_faults`]): throttling, 5xx,
//!    access denied, connection resets and truncated bodies, per service or action, each
//!    answered the way the real service answers; recorded with the request.
//!
//! Design: std threads only; one thread per client connection, which is kept alive as long as
//! the client wants; one upstream connection per request (`Connection: close`). Request bodies
//! may be `Content-Length` or chunked; `Expect: 100-continue` is answered by the proxy. I/O
//! errors end the connection quietly (never a panic). `Drop` stops the listener, shuts down all
//! open sockets and joins every thread.

use super::cbor;
use super::faults::{error_answer, Fault, Faults};
use super::http::{self, Head};
use std::collections::HashMap;
use std::io::{self, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// How long the proxy waits on moto for one response.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(120);

/// Longest a stalled request holds its connection.
const STALL_LIMIT: Duration = Duration::from_secs(60);

/// One request seen by the proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// From the SigV4 credential scope (`Authorization` header or `X-Amz-Credential` query
    /// parameter); `None` for an unsigned request.
    pub service: Option<String>,
    pub region: Option<String>,
    /// `X-Amz-Target` suffix (JSON protocols), `Action=` (query protocols: EC2, RDS, ELBv2,
    /// Auto Scaling, STS), or for REST services the method and a path pattern with ids
    /// replaced, e.g. `GET /{bucket}?versioning`, `GET /2013-04-01/hostedzone/{id}/rrset`.
    pub action: String,
    /// The API operation name when known: equal to `action` for JSON and query protocols, and
    /// resolved from the path pattern for the S3 and Route 53 reads ha-audit makes
    /// (`GetBucketVersioning`, `ListResourceRecordSets`, ...); `None` for an unknown pattern.
    pub operation: Option<String>,
    pub method: String,
    /// The request target as received (path and query).
    pub target: String,
    /// Status code returned to the client (502 when moto could not be reached).
    pub status: u16,
    /// Whether one of moto's answers was fixed (the GetBucketVersioning root element, or a
    /// field moto writes with the wrong type or format).
    pub rewritten: bool,
    /// The fault injected instead of (or, for a truncation, on top of) moto's answer.
    pub fault: Option<Fault>,
    /// The SDK's attempt number (`amz-sdk-request: attempt=N; max=M`): above 1 for a retry.
    pub attempt: Option<u32>,
    /// When the proxy had read the request head (before any added latency).
    pub started: Instant,
    /// When the answer was ready to send back (just before the client sees it).
    pub finished: Instant,
}

impl RecordedRequest {
    /// How long the client waited for this answer, added latency included.
    pub fn duration(&self) -> Duration {
        self.finished.saturating_duration_since(self.started)
    }
}

#[derive(Default)]
struct Shared {
    stop: AtomicBool,
    next_id: AtomicU64,
    requests: Mutex<Vec<RecordedRequest>>,
    /// Open sockets (client and upstream) by id, so `Drop` can shut them down.
    sockets: Mutex<HashMap<u64, TcpStream>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
    faults: Mutex<Arc<Faults>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A worker that panicked must not take the whole proxy down with a poisoned lock.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    fn register(&self, s: &TcpStream) -> Option<u64> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let clone = s.try_clone().ok()?;
        lock(&self.sockets).insert(id, clone);
        Some(id)
    }

    fn unregister(&self, id: Option<u64>) {
        if let Some(id) = id {
            lock(&self.sockets).remove(&id);
        }
    }
}

pub struct Proxy {
    pub port: u16,
    /// `http://127.0.0.1:<port>`: give this to the binary as `AWS_ENDPOINT_URL`.
    pub endpoint: String,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl Proxy {
    /// Starts a proxy on a free loopback port forwarding to `upstream` (`127.0.0.1:<port>`,
    /// e.g. `moto.addr()`).
    pub fn start(upstream: &str) -> Proxy {
        let upstream: SocketAddr = upstream
            .parse()
            .unwrap_or_else(|e| panic!("proxy upstream {upstream:?} is not host:port: {e}"));
        let listener = TcpListener::bind("127.0.0.1:0").expect("proxy: cannot bind 127.0.0.1:0");
        let port = listener.local_addr().expect("proxy: local_addr").port();
        let shared = Arc::new(Shared::default());
        let acceptor = {
            let shared = shared.clone();
            thread::Builder::new()
                .name("moto-proxy-accept".into())
                .spawn(move || accept_loop(listener, upstream, shared))
                .expect("proxy: cannot spawn the accept thread")
        };
        Proxy {
            port,
            endpoint: format!("http://127.0.0.1:{port}"),
            shared,
            acceptor: Some(acceptor),
        }
    }

    /// `127.0.0.1:<port>`
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// Every request forwarded so far, in the order moto's responses arrived.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// Forgets the recorded requests (e.g. after seeding through the proxy).
    pub fn clear(&self) {
        lock(&self.shared.requests).clear();
    }

    /// Replaces the faults and latency applied to the requests that follow.
    pub fn set_faults(&self, faults: Faults) {
        *lock(&self.shared.faults) = Arc::new(faults);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept() with a connection of our own.
        let _ = TcpStream::connect_timeout(
            &SocketAddr::from(([127, 0, 0, 1], self.port)),
            Duration::from_secs(1),
        );
        if let Some(h) = self.acceptor.take() {
            let _ = h.join();
        }
        // Unblock workers waiting on a client or on moto, then wait for them.
        for (_, s) in lock(&self.shared.sockets).drain() {
            let _ = s.shutdown(Shutdown::Both);
        }
        let workers: Vec<_> = lock(&self.shared.workers).drain(..).collect();
        for w in workers {
            let _ = w.join();
        }
    }
}

fn accept_loop(listener: TcpListener, upstream: SocketAddr, shared: Arc<Shared>) {
    for conn in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(client) = conn else { continue };
        let worker_shared = shared.clone();
        let spawned = thread::Builder::new()
            .name("moto-proxy-conn".into())
            .spawn(move || {
                let id = worker_shared.register(&client);
                // A socket registered after Drop drained the table would never be shut down.
                if !worker_shared.stop.load(Ordering::SeqCst) {
                    let _ = serve_connection(client, upstream, &worker_shared);
                }
                worker_shared.unregister(id);
            });
        let mut workers = lock(&shared.workers);
        workers.retain(|h| !h.is_finished());
        if let Ok(h) = spawned {
            workers.push(h);
        }
    }
}

/// Serves requests on one client connection until it closes or asks to close.
fn serve_connection(client: TcpStream, upstream: SocketAddr, shared: &Shared) -> io::Result<()> {
    let mut writer = client.try_clone()?;
    let mut reader = BufReader::new(client);
    loop {
        let Some(head) = http::read_head(&mut reader)? else {
            return Ok(()); // client closed between requests
        };
        let started = Instant::now();
        if shared.stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        let (method, target, version) = parse_request_line(&head.start_line)?;
        let keep_alive = wants_keep_alive(&head, &version);

        if head
            .header("expect")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("100-continue"))
        {
            writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
            writer.flush()?;
        }
        let body = if head.is_chunked() {
            http::read_chunked(&mut reader)?
        } else {
            http::read_len(&mut reader, head.content_length()?.unwrap_or(0))?
        };

        let (service, region) = credential_scope(&head, &target);
        let attempt = sdk_attempt(&head);
        let (action, operation) = action_of(&head, &method, &target, &body, service.as_deref());

        let faults = lock(&shared.faults).clone();
        if !faults.delay().is_zero() {
            thread::sleep(faults.delay());
        }
        let fault = faults.pick_request(
            service.as_deref(),
            region.as_deref(),
            operation.as_deref(),
            &body,
        );
        let record = |status: u16, rewritten: bool| {
            // Recorded before the client sees the response, so a test that reads
            // `requests()` right after its call finds it there.
            lock(&shared.requests).push(RecordedRequest {
                service: service.clone(),
                region: region.clone(),
                action: action.clone(),
                operation: operation.clone(),
                method: method.clone(),
                target: target.clone(),
                status,
                rewritten,
                fault,
                attempt,
                started,
                finished: Instant::now(),
            });
        };
        if fault == Some(Fault::Reset) {
            record(0, false);
            let _ = writer.shutdown(Shutdown::Both);
            return Ok(());
        }
        if fault == Some(Fault::Stall) {
            record(0, false);
            // Hold the connection without answering until the client closes it (its attempt
            // timeout) or the proxy stops.
            let _ = reader.get_ref().set_read_timeout(Some(STALL_LIMIT));
            let _ = io::copy(&mut reader, &mut io::sink());
            return Ok(());
        }
        let rpc = rpc_v2_cbor(&head, &target);
        let (resp, rewritten) = match fault {
            Some(Fault::Answer(body)) => {
                let r = http::Response {
                    status: 200,
                    head: Head {
                        start_line: "HTTP/1.1 200 OK".into(),
                        headers: vec![
                            ("Content-Type".into(), "application/json".into()),
                            ("x-amzn-RequestId".into(), "hatestproxy".into()),
                        ],
                    },
                    body: body.as_bytes().to_vec(),
                };
                (r, false)
            }
            Some(f @ (Fault::Throttle | Fault::ServerError(_) | Fault::AccessDenied)) => {
                let json = head.header("x-amz-target").is_some() || rpc.is_some();
                let (status, content_type, body) =
                    error_answer(f, service.as_deref(), operation.as_deref(), json);
                let mut r = http::Response {
                    status,
                    head: Head {
                        start_line: format!("HTTP/1.1 {status} Error"),
                        headers: vec![
                            ("Content-Type".into(), content_type.into()),
                            ("x-amzn-RequestId".into(), "hatestproxy".into()),
                        ],
                    },
                    body: body.into_bytes(),
                };
                if rpc.is_some() {
                    to_cbor_answer(&mut r);
                }
                (r, false)
            }
            _ => match match rpc {
                Some((prefix, op)) => forward_as_json(upstream, prefix, op, &head, &body, shared),
                None => forward(upstream, &method, &target, &head, &body, shared),
            } {
                Ok(mut resp) => {
                    let rewritten = (method == "GET"
                        && is_bucket_versioning_get(&target)
                        && rename_versioning_root(&mut resp.body))
                        || (operation.as_deref() == Some("ListFunctionEventInvokeConfigs")
                            && epoch_last_modified(&mut resp.body))
                        || (operation.as_deref() == Some("DescribeConnections")
                            && fix_dx_connections(&mut resp.body))
                        || (operation.as_deref() == Some("ListClustersV2")
                            && utc_creation_time(&mut resp.body))
                        || (service.as_deref() == Some("cloudhsm")
                            && operation.as_deref() == Some("DescribeClusters")
                            && epoch_create_timestamp(&mut resp.body))
                        || (operation.as_deref() == Some("DescribeReplicationInstances")
                            && epoch_instance_create_time(&mut resp.body));
                    (resp, rewritten)
                }
                Err(e) => {
                    let msg = format!("ha-audit test proxy: upstream error: {e}\n");
                    let r = http::Response {
                        status: 502,
                        head: Head {
                            start_line: "HTTP/1.1 502 Bad Gateway".into(),
                            headers: vec![("Content-Type".into(), "text/plain".into())],
                        },
                        body: msg.into_bytes(),
                    };
                    (r, false)
                }
            },
        };
        let status = resp.status;
        record(status, rewritten);
        if fault == Some(Fault::Truncate) {
            send_truncated(&mut writer, &resp, &method)?;
            let _ = writer.shutdown(Shutdown::Both);
            return Ok(());
        }
        let keep_alive = keep_alive && status != 502;
        send_response(&mut writer, &resp, &method, keep_alive)?;
        if !keep_alive {
            let _ = writer.shutdown(Shutdown::Both);
            return Ok(());
        }
    }
}

/// `attempt=2; max=9` -> 2.
fn sdk_attempt(head: &Head) -> Option<u32> {
    head.header("amz-sdk-request")?
        .split(';')
        .find_map(|kv| kv.trim().strip_prefix("attempt="))?
        .trim()
        .parse()
        .ok()
}

fn parse_request_line(line: &str) -> io::Result<(String, String, String)> {
    let mut it = line.split_whitespace();
    match (it.next(), it.next(), it.next()) {
        (Some(m), Some(t), Some(v)) if v.starts_with("HTTP/") => {
            Ok((m.to_string(), t.to_string(), v.to_string()))
        }
        _ => Err(http::invalid(format!("bad request line: {line:?}"))),
    }
}

fn wants_keep_alive(head: &Head, version: &str) -> bool {
    if head.has_token("connection", "close") {
        return false;
    }
    version == "HTTP/1.1" || head.has_token("connection", "keep-alive")
}

/// Hop-by-hop headers and the framing headers the proxy recomputes.
fn is_hop_header(name: &str) -> bool {
    [
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "expect",
        "content-length",
    ]
    .iter()
    .any(|h| name.eq_ignore_ascii_case(h))
}

/// Sends one request to moto on a fresh connection and reads the whole response.
fn forward(
    upstream: SocketAddr,
    method: &str,
    target: &str,
    head: &Head,
    body: &[u8],
    shared: &Shared,
) -> io::Result<http::Response> {
    let stream = TcpStream::connect_timeout(&upstream, Duration::from_secs(10))?;
    stream.set_read_timeout(Some(UPSTREAM_TIMEOUT))?;
    stream.set_write_timeout(Some(UPSTREAM_TIMEOUT))?;
    let id = shared.register(&stream);
    let result = (|| {
        let mut msg = format!("{method} {target} HTTP/1.1\r\n");
        for (k, v) in head.headers.iter().filter(|(k, _)| !is_hop_header(k)) {
            msg.push_str(&format!("{k}: {v}\r\n"));
        }
        // A body decoded from chunked encoding is forwarded with its length.
        if !body.is_empty() || !matches!(method, "GET" | "HEAD" | "DELETE" | "OPTIONS") {
            msg.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        msg.push_str("Connection: close\r\n\r\n");
        let mut w = &stream;
        w.write_all(msg.as_bytes())?;
        w.write_all(body)?;
        w.flush()?;
        let mut reader = BufReader::new(&stream);
        http::read_response(&mut reader, method == "HEAD")
    })();
    shared.unregister(id);
    result
}

fn send_response(
    w: &mut TcpStream,
    resp: &http::Response,
    method: &str,
    keep_alive: bool,
) -> io::Result<()> {
    let reason = resp
        .head
        .start_line
        .splitn(3, ' ')
        .nth(2)
        .unwrap_or("")
        .to_string();
    let mut msg = format!("HTTP/1.1 {} {reason}\r\n", resp.status);
    for (k, v) in resp.head.headers.iter() {
        // A HEAD response keeps moto's Content-Length (it describes the GET entity).
        let keep_len = method == "HEAD" && k.eq_ignore_ascii_case("content-length");
        if !is_hop_header(k) || keep_len {
            msg.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    if method != "HEAD" && resp.status != 204 && resp.status != 304 {
        msg.push_str(&format!("Content-Length: {}\r\n", resp.body.len()));
    }
    msg.push_str(if keep_alive {
        "Connection: keep-alive\r\n\r\n"
    } else {
        "Connection: close\r\n\r\n"
    });
    w.write_all(msg.as_bytes())?;
    if method != "HEAD" {
        w.write_all(&resp.body)?;
    }
    w.flush()
}

/// The head of `resp` with its full `Content-Length`, then only the first half of its body.
fn send_truncated(w: &mut TcpStream, resp: &http::Response, method: &str) -> io::Result<()> {
    let mut msg = format!("HTTP/1.1 {} Truncated\r\n", resp.status);
    for (k, v) in resp.head.headers.iter().filter(|(k, _)| !is_hop_header(k)) {
        msg.push_str(&format!("{k}: {v}\r\n"));
    }
    msg.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        resp.body.len()
    ));
    w.write_all(msg.as_bytes())?;
    if method != "HEAD" {
        w.write_all(&resp.body[..resp.body.len() / 2])?;
    }
    w.flush()
}

// ------------------------------------------------------------------ the GetBucketVersioning fix

/// `GET /<bucket>?versioning` in path style (the only style an IP endpoint allows).
fn is_bucket_versioning_get(target: &str) -> bool {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    segments.len() == 1
        && query
            .split('&')
            .any(|p| p.split('=').next() == Some("versioning"))
}

/// Renames the document's root element `GetBucketVersioningResponse` to
/// `VersioningConfiguration` (open tag, and close tag unless self-closing). Returns whether it
/// did; any other body is left byte-for-byte unchanged.
fn rename_versioning_root(body: &mut Vec<u8>) -> bool {
    const WRONG: &str = "GetBucketVersioningResponse";
    const RIGHT: &str = "VersioningConfiguration";
    let Ok(text) = std::str::from_utf8(body) else {
        return false;
    };
    // Skip the XML declaration, comments and whitespace to reach the root element.
    let mut rest = text;
    let mut offset = 0;
    loop {
        let trimmed = rest.trim_start();
        offset += rest.len() - trimmed.len();
        rest = trimmed;
        let end = if rest.starts_with("<?") {
            rest.find("?>").map(|i| i + 2)
        } else if rest.starts_with("<!--") {
            rest.find("-->").map(|i| i + 3)
        } else {
            break;
        };
        let Some(end) = end else { return false };
        offset += end;
        rest = &rest[end..];
    }
    let open = format!("<{WRONG}");
    let after = rest.as_bytes().get(open.len()).copied();
    if !rest.starts_with(&open)
        || !matches!(after, Some(b' ' | b'>' | b'/' | b'\t' | b'\r' | b'\n'))
    {
        return false;
    }
    let close = format!("</{WRONG}>");
    let mut fixed = String::with_capacity(text.len());
    fixed.push_str(&text[..offset]);
    fixed.push('<');
    fixed.push_str(RIGHT);
    let body_rest = &text[offset + open.len()..];
    match body_rest.rfind(&close) {
        Some(i) => {
            fixed.push_str(&body_rest[..i]);
            fixed.push_str(&format!("</{RIGHT}>"));
            fixed.push_str(&body_rest[i + close.len()..]);
        }
        None => fixed.push_str(body_rest), // self-closing root: `<... />`
    }
    *body = fixed.into_bytes();
    true
}

// ------------------------------------------------------------------ request attribution

/// `(service, region)` from the SigV4 credential scope `<key>/<date>/<region>/<service>/aws4_request`.
fn credential_scope(head: &Head, target: &str) -> (Option<String>, Option<String>) {
    let from_header = head.header("authorization").and_then(|auth| {
        let i = auth.find("Credential=")?;
        let cred = &auth[i + "Credential=".len()..];
        Some(cred.split([',', ' ']).next().unwrap_or("").to_string())
    });
    let from_query = || {
        let query = target.split_once('?')?.1;
        query.split('&').find_map(|p| {
            let (k, v) = p.split_once('=')?;
            k.eq_ignore_ascii_case("X-Amz-Credential")
                .then(|| percent_decode(v))
        })
    };
    let Some(cred) = from_header.or_else(from_query) else {
        return (None, None);
    };
    let parts: Vec<&str> = cred.split('/').collect();
    if parts.len() >= 5 && parts[parts.len() - 1] == "aws4_request" {
        let n = parts.len();
        (
            Some(parts[n - 2].to_string()),
            Some(parts[n - 3].to_string()),
        )
    } else {
        (None, None)
    }
}

/// `(action, operation)`; see [`RecordedRequest`].
fn action_of(
    head: &Head,
    method: &str,
    target: &str,
    body: &[u8],
    service: Option<&str>,
) -> (String, Option<String>) {
    if let Some(t) = head.header("x-amz-target") {
        let op = t.rsplit('.').next().unwrap_or(t).to_string();
        return (op.clone(), Some(op));
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let is_form = head.header("content-type").is_some_and(|c| {
        c.to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded")
    });
    let form = if is_form {
        std::str::from_utf8(body).unwrap_or("")
    } else {
        ""
    };
    for params in [query, form] {
        if let Some(a) = params.split('&').find_map(|p| p.strip_prefix("Action=")) {
            let op = percent_decode(a);
            return (op.clone(), Some(op));
        }
    }
    if let Some((_, op)) = cbor::rpc_target(path) {
        return (op.to_string(), Some(op.to_string()));
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if let Some(op) = rest_json_operation(service, method, &segments) {
        return (format!("{method} {path}"), Some(op.to_string()));
    }
    if service == Some("eks") {
        let action = format!("{method} {path}");
        return (action, eks_operation(method, &segments).map(str::to_string));
    }
    let is_route53 =
        service == Some("route53") || segments.first().is_some_and(|s| *s == "2013-04-01");
    if is_route53 {
        let pattern: Vec<String> = segments
            .iter()
            .map(|s| {
                let literal = s.chars().all(|c| c.is_ascii_lowercase())
                    || (s.len() == 10 && s.chars().all(|c| c.is_ascii_digit() || c == '-'));
                if literal {
                    s.to_string()
                } else {
                    "{id}".to_string()
                }
            })
            .collect();
        let action = format!("{method} /{}", pattern.join("/"));
        let op = route53_operation(
            method,
            &pattern.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        return (action, op.map(str::to_string));
    }
    if let Some(op) = storage_operation(service, method, &segments) {
        return (op.to_string(), Some(op.to_string()));
    }
    // S3 (the default REST service against moto): bucket and key are ids, the query's keys
    // name the sub-resource.
    let mut keys: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| p.split('=').next().unwrap_or(p))
        .filter(|k| !k.to_ascii_lowercase().starts_with("x-amz-"))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let shape = match segments.len() {
        0 => "/".to_string(),
        1 => "/{bucket}".to_string(),
        _ => "/{bucket}/{key}".to_string(),
    };
    let q = if keys.is_empty() {
        String::new()
    } else {
        format!("?{}", keys.join("&"))
    };
    let op = s3_operation(method, segments.len(), &keys);
    (format!("{method} {shape}{q}"), op.map(str::to_string))
}

fn s3_operation(method: &str, depth: usize, keys: &[&str]) -> Option<&'static str> {
    let sub = |k: &str| keys.contains(&k);
    Some(match (method, depth) {
        ("GET", 0) => "ListBuckets",
        ("GET", 1) if sub("versioning") => "GetBucketVersioning",
        ("GET", 1) if sub("location") => "GetBucketLocation",
        ("GET", 1) if sub("replication") => "GetBucketReplication",
        ("GET", 1) if sub("tagging") => "GetBucketTagging",
        ("GET", 1) if sub("lifecycle") => "GetBucketLifecycleConfiguration",
        ("GET", 1) if sub("object-lock") => "GetObjectLockConfiguration",
        ("GET", 1) if sub("encryption") => "GetBucketEncryption",
        ("GET", 1) if sub("policy") => "GetBucketPolicy",
        ("GET", 1) if sub("publicAccessBlock") => "GetPublicAccessBlock",
        ("GET", 1) if sub("list-type") => "ListObjectsV2",
        ("GET", 1) if keys.is_empty() => "ListObjects",
        ("HEAD", 1) => "HeadBucket",
        _ => return None,
    })
}

/// EFS and AWS Backup (REST-JSON): the operation from the signing service, method and path.
fn storage_operation(service: Option<&str>, method: &str, p: &[&str]) -> Option<&'static str> {
    Some(match (service?, method, p) {
        ("elasticfilesystem", "GET", [_, "file-systems"]) => "DescribeFileSystems",
        ("elasticfilesystem", "GET", [_, "file-systems", "replication-configurations"]) => {
            "DescribeReplicationConfigurations"
        }
        ("elasticfilesystem", "GET", [_, "file-systems", _, "backup-policy"]) => {
            "DescribeBackupPolicy"
        }
        ("elasticfilesystem", "GET", [_, "mount-targets"]) => "DescribeMountTargets",
        ("backup", "GET", ["backup", "plans"]) => "ListBackupPlans",
        ("backup", "GET", ["backup", "plans", _]) => "GetBackupPlan",
        ("backup", "GET", ["backup", "plans", _, "selections"]) => "ListBackupSelections",
        ("backup", "GET", ["backup", "plans", _, "selections", _]) => "GetBackupSelection",
        ("backup", "GET", ["backup-vaults"]) => "ListBackupVaults",
        ("backup", "GET", ["resources"]) => "ListProtectedResources",
        _ => return None,
    })
}

/// The Lambda, CloudFront, Amazon MQ, MSK, OpenSearch Service, AWS Outposts, Incident Manager
/// and Elastic Disaster Recovery reads ha-audit makes (REST protocols, ids in the path).
fn rest_json_operation(service: Option<&str>, method: &str, p: &[&str]) -> Option<&'static str> {
    Some(match (service?, method, p) {
        ("outposts", "GET", ["outposts"]) => "ListOutposts",
        ("outposts", "GET", ["outposts", _, "assets"]) => "ListAssets",
        ("mq", "GET", ["v1", "brokers"]) => "ListBrokers",
        ("mq", "GET", ["v1", "brokers", _]) => "DescribeBroker",
        ("kafka", "GET", ["api", "v2", "clusters"]) => "ListClustersV2",
        ("lambda", "GET", [_, "functions"]) => "ListFunctions",
        ("lambda", "GET", [_, "functions", _]) => "GetFunction",
        ("lambda", "GET", [_, "functions", _, "concurrency"]) => "GetFunctionConcurrency",
        ("lambda", "GET", [_, "functions", _, "event-invoke-config", "list"]) => {
            "ListFunctionEventInvokeConfigs"
        }
        ("cloudfront", "GET", [_, "distribution"]) => "ListDistributions",
        // OpenSearch Service signs as `es`.
        ("es", "GET", ["2021-01-01", "domain"]) => "ListDomainNames",
        ("es", "POST", ["2021-01-01", "opensearch", "domain-info"]) => "DescribeDomains",
        ("ssm-incidents", "POST", ["listReplicationSets"]) => "ListReplicationSets",
        ("ssm-incidents", "GET", ["getReplicationSet"]) => "GetReplicationSet",
        ("ssm-incidents", "POST", ["listResponsePlans"]) => "ListResponsePlans",
        ("drs", "POST", ["DescribeSourceServers"]) => "DescribeSourceServers",
        ("drs", "POST", ["DescribeJobs"]) => "DescribeJobs",
        _ => return None,
    })
}

/// moto 5.2.5 writes `FunctionEventInvokeConfigs[].LastModified` as an ISO 8601 string where
/// Lambda sends epoch seconds; the Rust SDK rejects the string. Rewrites it as the same instant
/// in epoch seconds. Returns whether it did.
fn epoch_last_modified(body: &mut Vec<u8>) -> bool {
    let Ok(mut doc) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    let mut changed = false;
    if let Some(items) = doc["FunctionEventInvokeConfigs"].as_array_mut() {
        for item in items {
            let Some(text) = item["LastModified"].as_str() else {
                continue;
            };
            if let Ok(t) = chrono::DateTime::parse_from_rfc3339(text) {
                item["LastModified"] = serde_json::json!(t.timestamp_millis() as f64 / 1000.0);
                changed = true;
            }
        }
    }
    if changed {
        *body = serde_json::to_vec(&doc).expect("JSON serialises");
    }
    changed
}

/// moto 5.2.5 writes two fields of Direct Connect's `connections[]` with the wrong JSON type,
/// which the Rust SDK rejects (boto3 does not notice): `loaIssueTime` as `YYYY-MM-DD HH:MM:SS`
/// where AWS sends epoch seconds, and `hasLogicalRedundancy` as a boolean where AWS sends
/// `yes`, `no` or `unknown`. Rewrites them as AWS writes the same values (moto's clock is UTC).
/// Returns whether it did.
fn fix_dx_connections(body: &mut Vec<u8>) -> bool {
    let Ok(mut doc) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    let mut changed = false;
    if let Some(items) = doc["connections"].as_array_mut() {
        for item in items {
            if let Some(text) = item["loaIssueTime"].as_str() {
                if let Ok(t) = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S") {
                    item["loaIssueTime"] = serde_json::json!(t.and_utc().timestamp());
                    changed = true;
                }
            }
            if let Some(b) = item["hasLogicalRedundancy"].as_bool() {
                item["hasLogicalRedundancy"] = serde_json::json!(if b { "yes" } else { "no" });
                changed = true;
            }
        }
    }
    if changed {
        *body = serde_json::to_vec(&doc).expect("JSON serialises");
    }
    changed
}

/// moto 5.2.5 writes MSK's `clusterInfoList[].creationTime` without a UTC offset
/// (`2026-01-01T12:00:00.123456`); MSK sends an ISO 8601 time with one, and the Rust SDK rejects
/// the other. Adds the `Z` (moto's clock is UTC). Returns whether it did.
fn utc_creation_time(body: &mut Vec<u8>) -> bool {
    let Ok(mut doc) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    let mut changed = false;
    if let Some(items) = doc["clusterInfoList"].as_array_mut() {
        for item in items {
            let Some(text) = item["creationTime"].as_str() else {
                continue;
            };
            if chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").is_ok() {
                item["creationTime"] = serde_json::json!(format!("{text}Z"));
                changed = true;
            }
        }
    }
    if changed {
        *body = serde_json::to_vec(&doc).expect("JSON serialises");
    }
    changed
}

/// moto 5.2.5 writes CloudHSM's `Clusters[].CreateTimestamp` as an ISO 8601 string without a
/// UTC offset where the service (AWS JSON 1.1) sends epoch seconds; the Rust SDK rejects it
/// ("invalid RFC-3339 date-time"). Rewrites it as the same instant (UTC) in epoch seconds.
/// Returns whether it did.
fn epoch_create_timestamp(body: &mut Vec<u8>) -> bool {
    let Ok(mut doc) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    let mut changed = false;
    if let Some(items) = doc["Clusters"].as_array_mut() {
        for item in items {
            let Some(text) = item["CreateTimestamp"].as_str() else {
                continue;
            };
            if let Ok(t) = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
                let millis = t.and_utc().timestamp_millis();
                item["CreateTimestamp"] = serde_json::json!(millis as f64 / 1000.0);
                changed = true;
            }
        }
    }
    if changed {
        *body = serde_json::to_vec(&doc).expect("JSON serialises");
    }
    changed
}

/// moto 5.2.5 writes DMS `ReplicationInstances[].InstanceCreateTime` as a naive ISO 8601
/// string (`2026-12-05T18:45:47.820184`, UTC) where DMS sends epoch seconds; the Rust SDK
/// rejects the string, so the whole listing fails. Rewrites it as the same instant in epoch
/// seconds. Returns whether it did.
fn epoch_instance_create_time(body: &mut Vec<u8>) -> bool {
    let Ok(mut doc) = serde_json::from_slice::<serde_json::Value>(body) else {
        return false;
    };
    let mut changed = false;
    if let Some(items) = doc["ReplicationInstances"].as_array_mut() {
        for item in items {
            let Some(text) = item["InstanceCreateTime"].as_str() else {
                continue;
            };
            if let Ok(t) = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f") {
                let t = t.and_utc();
                item["InstanceCreateTime"] =
                    serde_json::json!(t.timestamp_millis() as f64 / 1000.0);
                changed = true;
            }
        }
    }
    if changed {
        *body = serde_json::to_vec(&doc).expect("JSON serialises");
    }
    changed
}

// ------------------------------------------------------------------ RPC v2 CBOR to JSON 1.0

/// `(target prefix, operation)` of a Smithy RPC v2 CBOR request (CloudWatch), which moto does
/// not serve: see [`cbor`].
fn rpc_v2_cbor<'a>(head: &Head, target: &'a str) -> Option<(&'a str, &'a str)> {
    head.header("smithy-protocol")
        .filter(|p| p.eq_ignore_ascii_case("rpc-v2-cbor"))?;
    cbor::rpc_target(target.split('?').next().unwrap_or(target))
}

/// Sends an RPC v2 CBOR request to moto as AWS JSON 1.0 and turns the answer back into CBOR.
fn forward_as_json(
    upstream: SocketAddr,
    prefix: &str,
    op: &str,
    head: &Head,
    body: &[u8],
    shared: &Shared,
) -> io::Result<http::Response> {
    let json = cbor::to_json(body).ok_or_else(|| http::invalid("request body is not CBOR"))?;
    let mut headers: Vec<(String, String)> = head
        .headers
        .iter()
        .filter(|(k, _)| {
            !["content-type", "smithy-protocol", "accept"]
                .iter()
                .any(|h| k.eq_ignore_ascii_case(h))
        })
        .cloned()
        .collect();
    headers.push(("Content-Type".into(), "application/x-amz-json-1.0".into()));
    headers.push(("X-Amz-Target".into(), format!("{prefix}.{op}")));
    let json_head = Head {
        start_line: head.start_line.clone(),
        headers,
    };
    let body = serde_json::to_vec(&json).expect("JSON serialises");
    let mut resp = forward(upstream, "POST", "/", &json_head, &body, shared)?;
    to_cbor_answer(&mut resp);
    Ok(resp)
}

/// A JSON answer (moto's, or an injected error) re-encoded as RPC v2 CBOR.
fn to_cbor_answer(resp: &mut http::Response) {
    let json: serde_json::Value = if resp.body.is_empty() {
        serde_json::json!({})
    } else {
        serde_json::from_slice(&resp.body).unwrap_or_else(|_| {
            serde_json::json!({
                "__type": "InternalFailure",
                "message": String::from_utf8_lossy(&resp.body),
            })
        })
    };
    resp.body = cbor::from_json(&json);
    resp.head.headers.retain(|(k, _)| {
        !["content-type", "smithy-protocol", "x-amz-crc32"]
            .iter()
            .any(|h| k.eq_ignore_ascii_case(h))
    });
    resp.head
        .headers
        .push(("Content-Type".into(), "application/cbor".into()));
    resp.head
        .headers
        .push(("smithy-protocol".into(), "rpc-v2-cbor".into()));
}

fn route53_operation(method: &str, p: &[&str]) -> Option<&'static str> {
    Some(match (method, p) {
        ("GET", [_, "hostedzone"]) => "ListHostedZones",
        ("GET", [_, "hostedzone", _]) => "GetHostedZone",
        ("GET", [_, "hostedzone", _, "rrset"]) => "ListResourceRecordSets",
        ("GET", [_, "healthcheck"]) => "ListHealthChecks",
        ("GET", [_, "healthcheck", _]) => "GetHealthCheck",
        ("GET", [_, "healthcheck", _, "status"]) => "GetHealthCheckStatus",
        ("GET", [_, "tags", _, _]) => "ListTagsForResource",
        ("POST", [_, "tags", _]) => "ListTagsForResources",
        ("GET", [_, "hostedzonecount"]) => "GetHostedZoneCount",
        _ => return None,
    })
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// EKS (REST-JSON): the path names the operation.
fn eks_operation(method: &str, p: &[&str]) -> Option<&'static str> {
    Some(match (method, p) {
        ("GET", ["clusters"]) => "ListClusters",
        ("GET", ["clusters", _]) => "DescribeCluster",
        ("GET", ["clusters", _, "node-groups"]) => "ListNodegroups",
        ("GET", ["clusters", _, "node-groups", _]) => "DescribeNodegroup",
        ("GET", ["clusters", _, "fargate-profiles"]) => "ListFargateProfiles",
        ("GET", ["clusters", _, "fargate-profiles", _]) => "DescribeFargateProfile",
        _ => return None,
    })
}
