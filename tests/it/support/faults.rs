//! What the test proxy does to a request instead of (or on top of) forwarding it: the ways AWS
//! misbehaves in real accounts, each answered the way the real service would answer it.
//!
//! ```ignore
//! let proxy = Proxy::start(&moto.addr());
//! proxy.set_faults(Faults::new(7)
//!     .share(0.30, Fault::Throttle)                       // every service
//!     .share(0.05, Fault::Reset)
//!     .on("elasticloadbalancing", None, 1.0, Fault::ServerError(503))
//!     .on("rds", Some("DescribeDBClusters"), 1.0, Fault::AccessDenied));
//! ```
//!
//! Each request draws one number in [0, 1) from a seeded generator; the rules that match the
//! request (service and action) are walked in order and their shares add up, so `0.30` of
//! throttling plus `0.05` of resets hit 35% of requests, never the same one twice. A retry is
//! a new request with a new draw.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// One way of failing a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// The service's own throttling answer: EC2 `RequestLimitExceeded` (503), S3 `SlowDown`
    /// (503), `Throttling` (400) for the query and Route 53 protocols, `ThrottlingException`
    /// (400) for the JSON protocols.
    Throttle,
    /// A 5xx answer with the service's error body (`InternalError` / `ServiceUnavailable`).
    ServerError(u16),
    /// The request is read, then the connection is closed without an answer.
    Reset,
    /// moto's answer is forwarded with its full `Content-Length` but only half of its body,
    /// then the connection is closed.
    Truncate,
    /// 403 with the service's access-denied body naming the IAM action
    /// (`UnauthorizedOperation` for EC2, `AccessDenied` elsewhere).
    AccessDenied,
    /// The request is read and never answered: the connection stays open until the client
    /// gives up (or a minute passes).
    Stall,
    /// A healthy answer in moto's place: 200 with this JSON body. Stands in for an operation
    /// moto does not implement, to time a scan where that operation works.
    Answer(&'static str),
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::Throttle => write!(f, "throttle"),
            Fault::ServerError(code) => write!(f, "{code}"),
            Fault::Reset => write!(f, "reset"),
            Fault::Truncate => write!(f, "truncate"),
            Fault::AccessDenied => write!(f, "access-denied"),
            Fault::Stall => write!(f, "stall"),
            Fault::Answer(_) => write!(f, "answer"),
        }
    }
}

#[derive(Debug)]
struct Rule {
    /// Signing name from the credential scope (`ec2`, `elasticloadbalancing`, `s3`, ...).
    service: Option<String>,
    /// Operation name (`DescribeDBClusters`, `GetBucketVersioning`, ...).
    action: Option<String>,
    /// Region from the credential scope.
    region: Option<String>,
    share: f64,
    fault: Fault,
    /// Only requests whose body contains this (e.g. one account id in an AssumeRole).
    body_contains: Option<String>,
    /// For a rule made by [`Faults::first`]: how many matching requests it fails, and how many
    /// it has failed so far. Such rules do not draw.
    first: Option<(u64, AtomicU64)>,
}

/// The faults a proxy injects, and the latency it adds to every request.
#[derive(Debug, Default)]
pub struct Faults {
    latency: Duration,
    rules: Vec<Rule>,
    seed: u64,
    draws: AtomicU64,
}

impl Faults {
    /// No faults, no latency; `seed` makes the sequence of draws repeatable.
    pub fn new(seed: u64) -> Faults {
        Faults {
            seed,
            ..Faults::default()
        }
    }

    /// Healthy answers, in moto's place, to the two operations moto 5.2.5 answers with HTTP 500
    /// on every call (AWS Backup ListBackupSelections, EFS DescribeReplicationConfigurations):
    /// what AWS sends for an account without selections or replications. A scan through
    /// them is the healthy run to compare a broken one with.
    pub fn answering_moto_gaps(self) -> Faults {
        self.on(
            "backup",
            Some("ListBackupSelections"),
            1.0,
            Fault::Answer(r#"{"BackupSelectionsList":[]}"#),
        )
        .on(
            "elasticfilesystem",
            Some("DescribeReplicationConfigurations"),
            1.0,
            Fault::Answer(r#"{"Replications":[]}"#),
        )
    }

    /// Delay before each request is handled (answered or forwarded).
    pub fn latency(mut self, latency: Duration) -> Faults {
        self.latency = latency;
        self
    }

    /// `share` (0..=1) of all requests fail with `fault`.
    pub fn share(self, share: f64, fault: Fault) -> Faults {
        self.push(None, None, share, fault)
    }

    /// `share` of the requests to one service (and one action, if given) fail with `fault`.
    pub fn on(self, service: &str, action: Option<&str>, share: f64, fault: Fault) -> Faults {
        self.push(Some(service), action, share, fault)
    }

    fn push(
        mut self,
        service: Option<&str>,
        action: Option<&str>,
        share: f64,
        fault: Fault,
    ) -> Faults {
        assert!(
            (0.0..=1.0).contains(&share),
            "share {share} is not in 0..=1"
        );
        self.rules.push(Rule {
            service: service.map(str::to_string),
            action: action.map(str::to_string),
            region: None,
            share,
            fault,
            body_contains: None,
            first: None,
        });
        self
    }

    /// Every request to one service in one region fails with `fault`.
    pub fn in_region(mut self, service: &str, region: &str, fault: Fault) -> Faults {
        self = self.push(Some(service), None, 1.0, fault);
        if let Some(rule) = self.rules.last_mut() {
            rule.region = Some(region.to_string());
        }
        self
    }

    /// Every request to one service and action whose body contains `needle` fails with
    /// `fault`: e.g. the AssumeRole of one account's role (its id is in the body).
    pub fn on_body(mut self, service: &str, action: &str, needle: &str, fault: Fault) -> Faults {
        self.rules.push(Rule {
            service: Some(service.to_string()),
            action: Some(action.to_string()),
            region: None,
            share: 1.0,
            fault,
            body_contains: Some(needle.to_string()),
            first: None,
        });
        self
    }

    /// The first `n` requests to `service` fail with `fault`, whatever the draw: makes sure a
    /// fault is met where a share might by chance miss a service with few calls.
    pub fn first(mut self, service: &str, n: u64, fault: Fault) -> Faults {
        self.rules.push(Rule {
            service: Some(service.to_string()),
            action: None,
            region: None,
            share: 0.0,
            fault,
            body_contains: None,
            first: Some((n, AtomicU64::new(0))),
        });
        self
    }

    pub fn delay(&self) -> Duration {
        self.latency
    }

    /// The fault for one request, if any.
    pub fn pick(&self, service: Option<&str>, operation: Option<&str>) -> Option<Fault> {
        self.pick_request(service, None, operation, b"")
    }

    /// The fault for one request with this body, if any.
    pub fn pick_request(
        &self,
        service: Option<&str>,
        region: Option<&str>,
        operation: Option<&str>,
        body: &[u8],
    ) -> Option<Fault> {
        let body = String::from_utf8_lossy(body);
        let matching: Vec<&Rule> = self
            .rules
            .iter()
            .filter(|r| r.service.is_none() || r.service.as_deref() == service)
            .filter(|r| r.action.is_none() || r.action.as_deref() == operation)
            .filter(|r| r.region.is_none() || r.region.as_deref() == region)
            .filter(|r| {
                r.body_contains
                    .as_deref()
                    .is_none_or(|needle| body.contains(needle))
            })
            .collect();
        for r in &matching {
            if let Some((n, used)) = &r.first {
                if used.fetch_add(1, Ordering::Relaxed) < *n {
                    return Some(r.fault);
                }
            }
        }
        if matching.is_empty() {
            return None;
        }
        let n = self.draws.fetch_add(1, Ordering::Relaxed);
        let u = unit(splitmix64(
            self.seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15),
        ));
        let mut bound = 0.0;
        for r in matching {
            bound += r.share;
            if u < bound {
                return Some(r.fault);
            }
        }
        None
    }
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Uniform in [0, 1) from the top 53 bits.
fn unit(x: u64) -> f64 {
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// The wire protocol a service speaks, which decides the shape of its error answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    Ec2,
    /// awsQuery (RDS, ELBv2, Auto Scaling, STS, ...) and restXml Route 53.
    Query,
    S3,
    Json,
}

fn protocol(service: Option<&str>, json: bool) -> Protocol {
    match service {
        _ if json => Protocol::Json,
        // REST services whose errors are JSON documents.
        Some(
            "elasticfilesystem" | "backup" | "lambda" | "eks" | "mq" | "kafka" | "es" | "outposts"
            | "ssm-incidents" | "drs",
        ) => Protocol::Json,
        Some("ec2") => Protocol::Ec2,
        Some("s3") => Protocol::S3,
        _ => Protocol::Query,
    }
}

/// An error answer as `service` would send it: status, content type, body.
pub fn error_answer(
    fault: Fault,
    service: Option<&str>,
    operation: Option<&str>,
    json: bool,
) -> (u16, &'static str, String) {
    let proto = protocol(service, json);
    let action = format!(
        "{}:{}",
        service.unwrap_or("unknown"),
        operation.unwrap_or("Unknown")
    );
    let denied = format!(
        "User: arn:aws:iam::123456789012:user/ha-audit-test is not authorized to perform: \
         {action} because no identity-based policy allows the {action} action"
    );
    let (status, code, message) = match (fault, proto) {
        (Fault::Throttle, Protocol::Ec2) => (
            503,
            "RequestLimitExceeded",
            "Request limit exceeded.".to_string(),
        ),
        (Fault::Throttle, Protocol::S3) => (
            503,
            "SlowDown",
            "Please reduce your request rate.".to_string(),
        ),
        (Fault::Throttle, Protocol::Json) => {
            (400, "ThrottlingException", "Rate exceeded".to_string())
        }
        (Fault::Throttle, Protocol::Query) => (400, "Throttling", "Rate exceeded".to_string()),
        (Fault::ServerError(503), _) => (
            503,
            "ServiceUnavailable",
            "Service is unavailable. Please try again shortly.".to_string(),
        ),
        (Fault::ServerError(s), _) => (
            s,
            "InternalError",
            "We encountered an internal error. Please try again.".to_string(),
        ),
        (Fault::AccessDenied, Protocol::Ec2) => (
            403,
            "UnauthorizedOperation",
            format!("You are not authorized to perform this operation. {denied}"),
        ),
        (Fault::AccessDenied, Protocol::S3) => (403, "AccessDenied", "Access Denied".to_string()),
        (Fault::AccessDenied, Protocol::Json) => (400, "AccessDeniedException", denied),
        (Fault::AccessDenied, Protocol::Query) => (403, "AccessDenied", denied),
        (Fault::Reset | Fault::Truncate | Fault::Stall | Fault::Answer(_), _) => {
            unreachable!("{fault} is not an error answer")
        }
    };
    let request_id = "4a1e5c1e-0000-4000-8000-hatestproxy0";
    let (content_type, body) = match proto {
        Protocol::Ec2 => (
            "text/xml;charset=UTF-8",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code>\
                 <Message>{message}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"
            ),
        ),
        Protocol::S3 => (
            "application/xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message>\
                 <RequestId>{request_id}</RequestId></Error>"
            ),
        ),
        Protocol::Query => (
            "text/xml",
            format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>\
                 </Error><RequestId>{request_id}</RequestId></ErrorResponse>"
            ),
        ),
        Protocol::Json => (
            "application/x-amz-json-1.1",
            format!("{{\"__type\":\"{code}\",\"message\":\"{message}\"}}"),
        ),
    };
    (status, content_type, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_add_up_and_never_overlap() {
        let f = Faults::new(1)
            .share(0.30, Fault::Throttle)
            .share(0.05, Fault::Reset);
        let n = 20_000;
        let (mut throttled, mut reset) = (0, 0);
        for _ in 0..n {
            match f.pick(Some("ec2"), Some("DescribeVpcs")) {
                Some(Fault::Throttle) => throttled += 1,
                Some(Fault::Reset) => reset += 1,
                None => {}
                other => panic!("{other:?}"),
            }
        }
        let share = |k: i32| f64::from(k) / f64::from(n);
        assert!((share(throttled) - 0.30).abs() < 0.02, "{throttled}");
        assert!((share(reset) - 0.05).abs() < 0.01, "{reset}");
    }

    #[test]
    fn rules_match_service_and_action() {
        let f = Faults::new(1).on("rds", Some("DescribeDBClusters"), 1.0, Fault::AccessDenied);
        assert_eq!(
            f.pick(Some("rds"), Some("DescribeDBClusters")),
            Some(Fault::AccessDenied)
        );
        assert_eq!(f.pick(Some("rds"), Some("DescribeDBInstances")), None);
        assert_eq!(f.pick(Some("ec2"), Some("DescribeDBClusters")), None);
    }
}
