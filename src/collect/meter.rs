//! Counting what a scan asks of AWS: requests per (account, region) for the progress display,
//! and calls, failures and time per (service, operation) for `--verbose`.
//!
//! The count comes from an SDK interceptor attached to every service client a collector builds
//! with [`sdk_client!`](crate::collect::sdk_client): it sees each execution (one API call,
//! retries included) and each attempt (one HTTP request). The time of a call is measured
//! between its first and last hook; [`timed`] gives the hooks somewhere to keep the start,
//! because an interceptor instance is shared by every concurrent call of its client.

use aws_sdk_sts::config::interceptors::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef,
};
use aws_sdk_sts::config::{ConfigBag, Intercept, RuntimeComponents};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

tokio::task_local! {
    /// Calls started inside the current [`timed`] future: (operation, start).
    static STARTED: RefCell<Vec<(String, Instant)>>;
}

/// Runs one call (or one paginated listing, whose pages follow each other) so that the meter
/// can time each execution in it.
pub(crate) async fn timed<F: Future>(call: F) -> F::Output {
    STARTED.scope(RefCell::new(Vec::new()), call).await
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
}

/// Requests and services of one (account, region) of the scan.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScopeProgress {
    /// Services to read here, and how many are done.
    pub services: usize,
    pub services_done: usize,
    /// HTTP requests sent (attempts, so retries count).
    pub requests: u64,
}

/// Scan-wide counters, shared by every client's interceptor.
#[derive(Debug, Default)]
pub struct Meter {
    scopes: Mutex<BTreeMap<(String, String), ScopeProgress>>,
    operations: Mutex<BTreeMap<(String, String), OperationStats>>,
}

impl Meter {
    pub fn new() -> Arc<Meter> {
        Arc::new(Meter::default())
    }

    /// The interceptor for a client of `service` reading `account` in `region`.
    pub(crate) fn interceptor(
        self: &Arc<Meter>,
        service: &'static str,
        account: &str,
        region: &str,
    ) -> CountRequests {
        CountRequests {
            meter: Arc::clone(self),
            service,
            account: account.to_string(),
            region: region.to_string(),
        }
    }

    /// Declares that `service` will be read in (account, region).
    pub(crate) fn expect_service(&self, account: &str, region: &str) {
        self.scope(account, region, |s| s.services += 1);
    }

    pub(crate) fn service_done(&self, account: &str, region: &str) {
        self.scope(account, region, |s| s.services_done += 1);
    }

    fn scope(&self, account: &str, region: &str, f: impl FnOnce(&mut ScopeProgress)) {
        let mut scopes = self.scopes.lock().unwrap_or_else(|e| e.into_inner());
        f(scopes
            .entry((account.to_string(), region.to_string()))
            .or_default());
    }

    /// Every (account, region) so far, sorted.
    pub fn scopes(&self) -> Vec<((String, String), ScopeProgress)> {
        let scopes = self.scopes.lock().unwrap_or_else(|e| e.into_inner());
        scopes.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// Every (service, operation) called so far, sorted.
    pub fn operations(&self) -> Vec<((String, String), OperationStats)> {
        let ops = self.operations.lock().unwrap_or_else(|e| e.into_inner());
        ops.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// One line per (service, operation), for `--verbose`.
    pub fn summary_lines(&self) -> Vec<String> {
        let requests: u64 = self.scopes().iter().map(|(_, s)| s.requests).sum();
        let mut lines = Vec::new();
        for ((service, op), s) in self.operations() {
            let mut line = format!("ha-audit: api {service} {op}: {} calls", s.calls);
            if s.failed > 0 {
                let _ = write!(line, ", {} failed", s.failed);
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
            lines.push(line);
        }
        lines.push(format!(
            "ha-audit: api {requests} requests in all (retries included)"
        ));
        lines
    }

    /// A call made outside an SDK client this meter watches (the first AssumeRole of an
    /// account, made by the credentials provider).
    pub(crate) fn record(&self, service: &str, op: &str, failed: bool, took: Duration) {
        self.started(service, op);
        self.finished(service, op, failed, Some(took));
    }

    fn started(&self, service: &str, op: &str) {
        let mut ops = self.operations.lock().unwrap_or_else(|e| e.into_inner());
        ops.entry((service.to_string(), op.to_string()))
            .or_default()
            .calls += 1;
    }

    fn finished(&self, service: &str, op: &str, failed: bool, took: Option<Duration>) {
        let mut ops = self.operations.lock().unwrap_or_else(|e| e.into_inner());
        let s = ops
            .entry((service.to_string(), op.to_string()))
            .or_default();
        s.failed += u64::from(failed);
        if let Some(took) = took {
            s.timed += 1;
            s.total += took;
            s.max = s.max.max(took);
        }
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
        let _ = STARTED.try_with(|s| s.borrow_mut().push((op, Instant::now())));
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
                let mut s = s.borrow_mut();
                (!s.is_empty()).then(|| s.remove(0))
            })
            .ok()
            .flatten();
        match started {
            Some((op, at)) => self
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
fn operation_of(input: &impl std::fmt::Debug) -> String {
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
        let lines = m.summary_lines();
        assert_eq!(
            lines,
            vec![
                "ha-audit: api ec2 DescribeVpcs: 2 calls, 1 failed, 0.060 s in all, 0.030 s \
                 average, 0.040 s longest"
                    .to_string(),
                "ha-audit: api 3 requests in all (retries included)".to_string(),
            ]
        );
    }
}
