//! Counting what a scan asks of AWS: requests and the services still being read per (account,
//! region) for the progress display, and calls, failures, failed attempts by class, calls not
//! sent and time lost per (service, operation) for `--verbose` and `--timings`.
//!
//! The count comes from an SDK interceptor attached to every service client a collector builds
//! with [`sdk_client!`](crate::collect::sdk_client): it sees each execution (one API call,
//! retries included) and each attempt (one HTTP request). The time of a call is measured
//! between its first and last hook; [`timed`] gives the hooks somewhere to keep the start,
//! because an interceptor instance is shared by every concurrent call of its client.

use super::guard::{Class, Trip};
use aws_sdk_sts::config::interceptors::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef,
};
use aws_sdk_sts::config::{ConfigBag, Intercept, RuntimeComponents};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Calls started inside one [`timed`] future and not yet finished: (service, operation,
/// start). Shared with the caller so that a call abandoned at the deadline can be named.
pub(crate) type OpenCalls = Arc<Mutex<Vec<(&'static str, String, Instant)>>>;

tokio::task_local! {
    static STARTED: OpenCalls;
}

/// Runs one call (or one paginated listing, whose pages follow each other) so that the meter
/// can time each execution in it; `open` holds the calls under way.
pub(crate) async fn timed<F: Future>(open: OpenCalls, call: F) -> F::Output {
    STARTED.scope(open, call).await
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What one (service, operation) cost over the scan.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OperationStats {
    /// Executions (each may have been retried).
    pub calls: u64,
    /// Executions that ended in an error after their retries.
    pub failed: u64,
    /// Executions whose time was measured (those run through `Scope::call`).
    pub timed: u64,
    pub total: Duration,
    pub max: Duration,
    /// Failed attempts by class (each followed by a retry, unless it was the last).
    pub failed_attempts: BTreeMap<Class, u64>,
    /// Calls refused by an open breaker.
    pub not_sent: u64,
    /// Calls abandoned in flight when the scan deadline passed.
    pub abandoned: u64,
    /// Time spent on failed attempts and the waits between them.
    pub lost: Duration,
}

/// Requests and services of one (account, region) of the scan.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScopeProgress {
    /// Services to read here, and how many are done.
    pub services: usize,
    pub services_done: usize,
    /// Services still being read.
    pub pending: BTreeSet<&'static str>,
    /// What a service's client is doing that is worth saying ("retrying DescribeX after
    /// HTTP 500"), by SDK service name.
    pub notes: BTreeMap<&'static str, String>,
    /// HTTP requests sent (attempts, so retries count).
    pub requests: u64,
}

/// Scan-wide counters, shared by every client's interceptor.
#[derive(Debug, Default)]
pub struct Meter {
    scopes: Mutex<BTreeMap<(String, String), ScopeProgress>>,
    operations: Mutex<BTreeMap<(String, String), OperationStats>>,
    /// Calls not started because the scan deadline had passed.
    late: Mutex<u64>,
}

impl Meter {
    pub fn new() -> Arc<Meter> {
        Arc::new(Meter::default())
    }

    /// The interceptor for a client of `service` reading `account`; its requests count
    /// towards the (account, `label`) row (`label` is the coverage region: `global` for
    /// the services read once per account).
    pub(crate) fn interceptor(
        self: &Arc<Meter>,
        service: &'static str,
        account: &str,
        label: &str,
    ) -> CountRequests {
        CountRequests {
            meter: Arc::clone(self),
            service,
            account: account.to_string(),
            region: label.to_string(),
        }
    }

    /// Declares that `service` (a coverage key) will be read in (account, region).
    pub(crate) fn expect_service(&self, account: &str, region: &str, service: &'static str) {
        self.scope(account, region, |s| {
            s.services += 1;
            s.pending.insert(service);
        });
    }

    pub(crate) fn service_done(&self, account: &str, region: &str, service: &'static str) {
        self.scope(account, region, |s| {
            s.services_done += 1;
            s.pending.remove(service);
        });
    }

    /// Sets (or with `None` clears) what a client of `service` is waiting on.
    pub(crate) fn note(
        &self,
        account: &str,
        region: &str,
        service: &'static str,
        note: Option<String>,
    ) {
        self.scope(account, region, |s| match note {
            Some(n) => {
                s.notes.insert(service, n);
            }
            None => {
                s.notes.remove(service);
            }
        });
    }

    fn scope(&self, account: &str, region: &str, f: impl FnOnce(&mut ScopeProgress)) {
        let mut scopes = lock(&self.scopes);
        f(scopes
            .entry((account.to_string(), region.to_string()))
            .or_default());
    }

    fn operation(&self, service: &str, op: &str, f: impl FnOnce(&mut OperationStats)) {
        let mut ops = lock(&self.operations);
        f(ops
            .entry((service.to_string(), op.to_string()))
            .or_default());
    }

    /// Every (account, region) so far, sorted.
    pub fn scopes(&self) -> Vec<((String, String), ScopeProgress)> {
        let scopes = lock(&self.scopes);
        scopes.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// Every (service, operation) called so far, sorted.
    pub fn operations(&self) -> Vec<((String, String), OperationStats)> {
        let ops = lock(&self.operations);
        ops.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// One line per (service, operation), then one per breaker that opened, for `--verbose`.
    pub fn summary_lines(&self, trips: &[Trip]) -> Vec<String> {
        let requests: u64 = self.scopes().iter().map(|(_, s)| s.requests).sum();
        let mut lines = Vec::new();
        for ((service, op), s) in self.operations() {
            let mut line = format!("ha-audit: api {service} {op}: {} calls", s.calls);
            if s.failed > 0 {
                let _ = write!(line, ", {} failed", s.failed);
            }
            if s.not_sent > 0 {
                let _ = write!(line, ", {} not sent (breaker open)", s.not_sent);
            }
            if s.abandoned > 0 {
                let _ = write!(line, ", {} abandoned at the deadline", s.abandoned);
            }
            if s.timed > 0 {
                let _ = write!(
                    line,
                    ", {:.3} s in all, {:.3} s average, {:.3} s longest",
                    s.total.as_secs_f64(),
                    s.total.as_secs_f64() / s.timed as f64,
                    s.max.as_secs_f64()
                );
            }
            if !s.failed_attempts.is_empty() {
                let classes: Vec<String> = s
                    .failed_attempts
                    .iter()
                    .map(|(c, n)| format!("{n} {}", c.as_str()))
                    .collect();
                let _ = write!(
                    line,
                    "; failed attempts: {}; {:.3} s lost",
                    classes.join(", "),
                    s.lost.as_secs_f64()
                );
            }
            lines.push(line);
        }
        for t in trips {
            let mut line = format!("ha-audit: breaker open: {}", t.reason());
            if t.not_sent > 0 {
                let _ = write!(line, " ({} calls not sent)", t.not_sent);
            }
            lines.push(line);
        }
        let late = *lock(&self.late);
        if late > 0 {
            lines.push(format!(
                "ha-audit: api {late} calls not sent: the scan deadline had passed"
            ));
        }
        lines.push(format!(
            "ha-audit: api {requests} requests in all (retries included)"
        ));
        lines
    }

    /// The figures of the read for `--timings`: requests, failed attempts by class, breakers,
    /// calls cut short and the time lost per operation.
    pub fn timings(&self, trips: &[Trip]) -> serde_json::Value {
        let requests: u64 = self.scopes().iter().map(|(_, s)| s.requests).sum();
        let ops = self.operations();
        let mut by_class = serde_json::Map::new();
        for class in Class::ALL {
            let n: u64 = ops
                .iter()
                .map(|(_, s)| s.failed_attempts.get(&class).copied().unwrap_or(0))
                .sum();
            by_class.insert(class.as_str().to_string(), n.into());
        }
        let lost: serde_json::Map<String, serde_json::Value> = ops
            .iter()
            .filter(|(_, s)| !s.lost.is_zero())
            .map(|((service, op), s)| {
                let ms = s.lost.as_millis() as f64;
                (format!("{service} {op}"), serde_json::json!(ms / 1000.0))
            })
            .collect();
        serde_json::json!({
            "requests": requests,
            "calls": ops.iter().map(|(_, s)| s.calls).sum::<u64>(),
            "failed_calls": ops.iter().map(|(_, s)| s.failed).sum::<u64>(),
            "failed_attempts": by_class,
            "breakers": trips.iter().map(|t| serde_json::json!({
                "opened": t.reason(),
                "not_sent": t.not_sent,
            })).collect::<Vec<_>>(),
            "not_sent": ops.iter().map(|(_, s)| s.not_sent).sum::<u64>(),
            "abandoned_at_deadline": ops.iter().map(|(_, s)| s.abandoned).sum::<u64>(),
            "not_started_at_deadline": *lock(&self.late),
            "lost_s": lost,
        })
    }

    pub(crate) fn failed_attempt(&self, service: &str, op: &str, class: Class) {
        self.operation(service, op, |s| {
            *s.failed_attempts.entry(class).or_default() += 1;
        });
    }

    pub(crate) fn not_sent(&self, service: &str, op: &str) {
        self.operation(service, op, |s| s.not_sent += 1);
    }

    pub(crate) fn lost(&self, service: &str, op: &str, lost: Duration) {
        if !lost.is_zero() {
            self.operation(service, op, |s| s.lost += lost);
        }
    }

    /// Calls cut off in flight at the deadline (from the open calls of a `timed` future).
    pub(crate) fn abandoned(&self, open: &OpenCalls) {
        for (service, op, started) in lock(open).drain(..) {
            self.operation(service, &op, |s| {
                s.abandoned += 1;
                s.failed += 1;
                s.lost += started.elapsed();
            });
        }
    }

    /// A call not started because the deadline had passed (its operation is not known yet).
    pub(crate) fn late(&self) {
        *lock(&self.late) += 1;
    }

    /// A call made outside an SDK client this meter watches (the first AssumeRole of an
    /// account, made by the credentials provider).
    pub(crate) fn record(&self, service: &str, op: &str, failed: bool, took: Duration) {
        self.started(service, op);
        self.finished(service, op, failed, Some(took));
    }

    fn started(&self, service: &str, op: &str) {
        self.operation(service, op, |s| s.calls += 1);
    }

    fn finished(&self, service: &str, op: &str, failed: bool, took: Option<Duration>) {
        self.operation(service, op, |s| {
            s.failed += u64::from(failed);
            if let Some(took) = took {
                s.timed += 1;
                s.total += took;
                s.max = s.max.max(took);
            }
        });
    }
}

/// The interceptor: one per client, all feeding the scan's [`Meter`].
#[derive(Debug, Clone)]
pub(crate) struct CountRequests {
    meter: Arc<Meter>,
    service: &'static str,
    account: String,
    region: String,
}

impl Intercept for CountRequests {
    fn name(&self) -> &'static str {
        "ha-audit-count-requests"
    }

    fn read_before_execution(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let op = operation_of(context.input());
        self.meter.started(self.service, &op);
        let _ = STARTED.try_with(|s| lock(s).push((self.service, op, Instant::now())));
        Ok(())
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.meter
            .scope(&self.account, &self.region, |s| s.requests += 1);
        Ok(())
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let failed = matches!(context.output_or_error(), Some(Err(_)));
        // Calls inside one `timed` future follow each other, so the oldest open one is this.
        let started = STARTED
            .try_with(|s| {
                let mut s = lock(s);
                (!s.is_empty()).then(|| s.remove(0))
            })
            .ok()
            .flatten();
        match started {
            Some((_, op, at)) => self
                .meter
                .finished(self.service, &op, failed, Some(at.elapsed())),
            None if failed => self.meter.finished(self.service, "unknown", true, None),
            None => {}
        }
        Ok(())
    }
}

/// The operation name of an SDK input, from its type name: the type-erased input prints as
/// `Input { .. TypeErasedBox[Clone]:DescribeInstancesInput { .. } }`. Only the start of the
/// debug text is produced: the writer stops after a few hundred bytes.
pub(crate) fn operation_of(input: &impl std::fmt::Debug) -> String {
    const ENOUGH: usize = 400;
    struct Head(String);
    impl Write for Head {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0.push_str(s);
            if self.0.len() >= ENOUGH {
                Err(std::fmt::Error)
            } else {
                Ok(())
            }
        }
    }
    let mut w = Head(String::new());
    let _ = write!(w, "{input:?}");
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let name = match w.0.find("]:") {
        Some(i) => ident(&w.0[i + 2..]),
        None => ident(&w.0),
    };
    match name.strip_suffix("Input") {
        Some(op) if !op.is_empty() => op.to_string(),
        _ => "unknown".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_come_from_input_types() {
        #[derive(Debug)]
        #[allow(dead_code)]
        struct DescribeInstancesInput {
            max_results: Option<i32>,
        }
        let input = DescribeInstancesInput {
            max_results: Some(5),
        };
        assert_eq!(operation_of(&input), "DescribeInstances");
        #[derive(Debug)]
        struct ListBucketsInput;
        assert_eq!(operation_of(&ListBucketsInput), "ListBuckets");
        // As the SDK hands it to interceptors.
        struct Erased;
        impl std::fmt::Debug for Erased {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("Input { inner: TypeErasedBox[Clone]:")?;
                f.debug_struct("DescribeVpcsInput")
                    .field("vpc_ids", &Some(vec!["vpc-1"]))
                    .finish()?;
                f.write_str(" }")
            }
        }
        assert_eq!(operation_of(&Erased), "DescribeVpcs");
        struct Opaque;
        impl std::fmt::Debug for Opaque {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("Input")
            }
        }
        assert_eq!(operation_of(&Opaque), "unknown");
    }

    #[test]
    fn summary_counts_calls_failures_and_requests() {
        let m = Meter::new();
        m.started("ec2", "DescribeVpcs");
        m.started("ec2", "DescribeVpcs");
        m.finished("ec2", "DescribeVpcs", true, Some(Duration::from_millis(20)));
        m.finished(
            "ec2",
            "DescribeVpcs",
            false,
            Some(Duration::from_millis(40)),
        );
        m.scope("1", "us-east-1", |s| s.requests += 3);
        m.failed_attempt("ec2", "DescribeVpcs", Class::ServerError);
        m.failed_attempt("ec2", "DescribeVpcs", Class::ServerError);
        m.failed_attempt("ec2", "DescribeVpcs", Class::Throttled);
        m.lost("ec2", "DescribeVpcs", Duration::from_millis(250));
        let lines = m.summary_lines(&[]);
        assert_eq!(
            lines,
            vec![
                "ha-audit: api ec2 DescribeVpcs: 2 calls, 1 failed, 0.060 s in all, 0.030 s \
                 average, 0.040 s longest; failed attempts: 1 throttled, 2 server_error; \
                 0.250 s lost"
                    .to_string(),
                "ha-audit: api 3 requests in all (retries included)".to_string(),
            ]
        );
    }
}
