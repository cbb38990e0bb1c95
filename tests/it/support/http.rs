//! Minimal HTTP/1.1 message reading and a one-shot client over `std::net::TcpStream`.
//!
//! Enough for the emulator harness (readiness checks, `POST /moto-api/reset`, raw S3 GETs) and
//! for the test proxy in `proxy.rs`; no TLS, no pooling, no dependency beyond std.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// Largest request/response head accepted (start line plus headers).
const MAX_HEAD: usize = 64 * 1024;

/// Start line and headers of one HTTP message, header names as received.
#[derive(Debug, Clone, Default)]
pub struct Head {
    pub start_line: String,
    pub headers: Vec<(String, String)>,
}

impl Head {
    /// First value of a header, case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether a comma-separated header (`Connection`, `Transfer-Encoding`) holds `token`.
    pub fn has_token(&self, name: &str, token: &str) -> bool {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .flat_map(|(_, v)| v.split(','))
            .any(|t| t.trim().eq_ignore_ascii_case(token))
    }

    pub fn is_chunked(&self) -> bool {
        self.has_token("transfer-encoding", "chunked")
    }

    /// `Content-Length`, or an error when present but not a number.
    pub fn content_length(&self) -> io::Result<Option<usize>> {
        match self.header("content-length") {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| invalid(format!("bad Content-Length: {v:?}"))),
        }
    }
}

pub fn invalid(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

/// Reads one line ending in `\n` (the `\r\n` or `\n` is stripped). `Ok(None)` on EOF before any byte.
fn read_line<R: BufRead>(r: &mut R, budget: &mut usize) -> io::Result<Option<String>> {
    let mut buf = Vec::new();
    let n = r
        .by_ref()
        .take(*budget as u64 + 1)
        .read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if n > *budget {
        return Err(invalid("HTTP head too large"));
    }
    *budget -= n;
    if buf.last() != Some(&b'\n') {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "connection closed mid-line",
        ));
    }
    buf.pop();
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|_| invalid("non-UTF-8 HTTP head"))
}

/// Reads a start line and headers. `Ok(None)` when the peer closed before sending anything,
/// which is how a keep-alive connection normally ends.
pub fn read_head<R: BufRead>(r: &mut R) -> io::Result<Option<Head>> {
    let mut budget = MAX_HEAD;
    // Tolerate stray empty lines between messages (RFC 9112 2.2).
    let start_line = loop {
        match read_line(r, &mut budget)? {
            None => return Ok(None),
            Some(l) if l.is_empty() => continue,
            Some(l) => break l,
        }
    };
    let mut headers = Vec::new();
    loop {
        let line = read_line(r, &mut budget)?
            .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "closed in headers"))?;
        if line.is_empty() {
            break;
        }
        let (k, v) = line
            .split_once(':')
            .ok_or_else(|| invalid(format!("bad header line: {line:?}")))?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    Ok(Some(Head {
        start_line,
        headers,
    }))
}

/// Decodes a `Transfer-Encoding: chunked` body (trailers are read and dropped).
pub fn read_chunked<R: BufRead>(r: &mut R) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut budget = MAX_HEAD;
        let line = read_line(r, &mut budget)?
            .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "closed in chunk size"))?;
        let size_hex = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16)
            .map_err(|_| invalid(format!("bad chunk size: {line:?}")))?;
        if size == 0 {
            // Trailer section, ends with an empty line.
            loop {
                match read_line(r, &mut budget)? {
                    None => return Ok(body),
                    Some(l) if l.is_empty() => return Ok(body),
                    Some(_) => {}
                }
            }
        }
        let start = body.len();
        body.resize(start + size, 0);
        r.read_exact(&mut body[start..])?;
        let mut crlf = [0u8; 2];
        r.read_exact(&mut crlf)?;
        if &crlf != b"\r\n" {
            return Err(invalid("chunk not followed by CRLF"));
        }
    }
}

/// Reads exactly `n` body bytes.
pub fn read_len<R: Read>(r: &mut R, n: usize) -> io::Result<Vec<u8>> {
    let mut body = vec![0u8; n];
    r.read_exact(&mut body)?;
    Ok(body)
}

/// A complete HTTP response.
#[derive(Debug, Clone, Default)]
pub struct Response {
    pub status: u16,
    pub head: Head,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.header(name)
    }
}

/// Status code of a response start line (`HTTP/1.1 200 OK`).
pub fn parse_status(start_line: &str) -> io::Result<u16> {
    let mut parts = start_line.split_whitespace();
    match (parts.next(), parts.next()) {
        (Some(v), Some(code)) if v.starts_with("HTTP/") => code
            .parse()
            .map_err(|_| invalid(format!("bad status line: {start_line:?}"))),
        _ => Err(invalid(format!("bad status line: {start_line:?}"))),
    }
}

/// Reads one response: skips interim 1xx responses, then reads the body by chunked encoding,
/// `Content-Length`, or until the peer closes. `head_request` means the request was `HEAD`
/// (no body whatever the headers say).
pub fn read_response<R: BufRead>(r: &mut R, head_request: bool) -> io::Result<Response> {
    loop {
        let head = read_head(r)?.ok_or_else(|| {
            io::Error::new(io::ErrorKind::UnexpectedEof, "closed before a response")
        })?;
        let status = parse_status(&head.start_line)?;
        if (100..200).contains(&status) && status != 101 {
            continue;
        }
        let body = if head_request || status == 204 || status == 304 || (100..200).contains(&status)
        {
            Vec::new()
        } else if head.is_chunked() {
            read_chunked(r)?
        } else if let Some(n) = head.content_length()? {
            read_len(r, n)?
        } else {
            let mut b = Vec::new();
            r.read_to_end(&mut b)?;
            b
        };
        return Ok(Response { status, head, body });
    }
}

/// One request on a fresh connection (`Connection: close`). `addr` is `host:port`; `target` is
/// the request target (`/path?query`). `Host` and `Content-Length` are added unless given.
pub fn request(
    addr: &str,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    timeout: Duration,
) -> io::Result<Response> {
    let sock = addr
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| invalid(format!("cannot resolve {addr}")))?;
    let mut stream = TcpStream::connect_timeout(&sock, timeout)?;
    stream.set_read_timeout(Some(timeout))?;
    stream.set_write_timeout(Some(timeout))?;
    let mut msg = format!("{method} {target} HTTP/1.1\r\n");
    let has = |n: &str| headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(n));
    if !has("host") {
        msg.push_str(&format!("Host: {addr}\r\n"));
    }
    for (k, v) in headers {
        msg.push_str(&format!("{k}: {v}\r\n"));
    }
    if !has("content-length") && !has("transfer-encoding") && (!body.is_empty() || method != "GET")
    {
        msg.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    if !has("connection") {
        msg.push_str("Connection: close\r\n");
    }
    msg.push_str("\r\n");
    stream.write_all(msg.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()?;
    let mut reader = BufReader::new(stream);
    read_response(&mut reader, method.eq_ignore_ascii_case("HEAD"))
}
