//! Retry by error class, and circuit breakers: a scan that never waits on a broken API.
//!
//! The SDK's standard strategy retries every throttling answer, 5xx, timeout and broken
//! connection alike, with the same patience. That patience is right for throttling (AWS is
//! alive and asks us to slow down) and wrong for an endpoint that is broken: a persistent 500
//! retried 8 times with backoff up to 20 s costs a minute per call. The [`Guard`] interceptor,
//! attached to every client, classifies each attempt with the client's own retry classifiers
//! and then tells the standard strategy what to do with it, through the per-call retry config
//! it reads before deciding on a retry:
//!
//! | class         | what the endpoint did                              | retries            |
//! |---------------|----------------------------------------------------|--------------------|
//! | `throttled`   | asked us to slow down (codes, HTTP 429)            | `--max-retries`, patient backoff |
//! | `server_error`| answered 5xx (not throttling)                      | at most 2, short backoff |
//! | `unreachable` | refused the connection, no DNS name, connect timeout | at most 2, short backoff |
//! | `stalled`     | took the request, no answer within the attempt timeout | at most 2, short backoff |
//! | `interrupted` | dropped the connection or cut the answer short     | `--max-retries`, short backoff |
//!
//! Client errors (access denied, validation, not found) are never retried, as before.
//! Interrupted exchanges keep the full retry count: they are what a healthy endpoint does now
//! and then (a pooled connection closed by the server), each retry is quick, and a scan that
//! lost a call to them would lose findings for nothing.
//!
//! **Breakers.** One per (account, service, region) endpoint, and one per operation on it.
//! After [`TRIP_AFTER`] consecutive failed attempts, later calls are not sent: they fail at
//! once with [`Refused`], and what they would have read is `not_evaluated` with the reason.
//! - An operation's breaker counts its 5xx answers and its unanswered attempts.
//! - An endpoint's breaker counts unanswered attempts (unreachable or stalled) of any
//!   operation, or 5xx answers when they come from more than one operation: one operation
//!   answering 500 says that operation is broken, not the endpoint, and must not cost the
//!   other operations their reads.
//!
//! Any answer that is not a failure (success, client error) closes the count; throttling and
//! interrupted exchanges leave it as it is. An open breaker stays open for the rest of the
//! scan, which lasts seconds: probing a broken endpoint again would cost what it saves.

use super::meter::{operation_of, Meter};
use aws_smithy_runtime::client::retries::classifiers::run_classifiers_on_ctx;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef, InterceptorContext,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority, RetryReason,
};
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use aws_smithy_types::retry::{ErrorKind, RetryConfig};
use std::collections::{BTreeSet, HashMap};
use std::error::Error as StdError;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Consecutive failed attempts that open a breaker.
pub const TRIP_AFTER: u32 = 3;

/// Retries after a 5xx answer, a refused connection or a stalled attempt.
pub const FRAGILE_RETRIES: u32 = 2;

/// First backoff before retrying anything but throttling; doubles per retry, with full
/// jitter, up to [`SHORT_BACKOFF_CAP`].
const SHORT_BACKOFF: Duration = Duration::from_millis(100);
const SHORT_BACKOFF_CAP: Duration = Duration::from_millis(500);

/// Why an attempt failed, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    Throttled,
    ServerError,
    Unreachable,
    Stalled,
    Interrupted,
}

impl Class {
    pub const ALL: [Class; 5] = [
        Class::Throttled,
        Class::ServerError,
        Class::Unreachable,
        Class::Stalled,
        Class::Interrupted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Class::Throttled => "throttled",
            Class::ServerError => "server_error",
            Class::Unreachable => "unreachable",
            Class::Stalled => "stalled",
            Class::Interrupted => "interrupted",
        }
    }

    /// Retried only [`FRAGILE_RETRIES`] times: the endpoint, or this operation, is likely
    /// broken rather than busy.
    fn is_fragile(self) -> bool {
        matches!(
            self,
            Class::ServerError | Class::Unreachable | Class::Stalled
        )
    }

    /// No answer at all: says the endpoint is failing, whatever the operation.
    fn is_silent(self) -> bool {
        matches!(self, Class::Unreachable | Class::Stalled)
    }

    /// Plural noun for a breaker's reason: "3 consecutive server errors".
    fn plural(self) -> &'static str {
        match self {
            Class::Throttled => "throttling answers",
            Class::ServerError => "server errors",
            Class::Unreachable => "failed connections",
            Class::Stalled => "attempts without an answer",
            Class::Interrupted => "interrupted answers",
        }
    }
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Attempt {
    /// Success, or an answer that is final (a client error): the endpoint works.
    Answered,
    /// A failure of `class`, with a short detail for messages ("HTTP 500", "SlowDown").
    Failed(Class, String),
}

/// A call that was not sent, or was abandoned, and why. The collectors' error handling finds
/// it in the SDK error's source chain and records it as the call's coverage error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// A breaker was open: the message names the endpoint or operation and what tripped it.
    Breaker(String),
    /// The scan's `--deadline` passed before the call was answered.
    Deadline(String),
}

impl Refused {
    /// The coverage error code.
    pub fn code(&self) -> &'static str {
        match self {
            Refused::Breaker(_) => crate::snapshot::CIRCUIT_OPEN,
            Refused::Deadline(_) => crate::snapshot::DEADLINE,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Refused::Breaker(m) | Refused::Deadline(m) => m,
        }
    }

    /// The first `Refused` in an error's source chain.
    pub(crate) fn find<'a>(err: &'a (dyn StdError + 'static)) -> Option<&'a Refused> {
        let mut current = Some(err);
        while let Some(e) = current {
            if let Some(r) = e.downcast_ref::<Refused>() {
                return Some(r);
            }
            current = e.source();
        }
        None
    }
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl StdError for Refused {}

/// One endpoint: the AWS service (SDK name: `ec2` serves the EBS and VPN reads too) in one
/// region of one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Endpoint {
    pub account: String,
    pub service: &'static str,
    pub region: String,
}

/// A breaker that opened: where, after what, and how many calls it kept from being sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trip {
    pub endpoint: Endpoint,
    /// `None` for the whole endpoint.
    pub operation: Option<String>,
    /// "3 consecutive server errors (HTTP 500)".
    pub after: String,
    pub not_sent: u64,
}

impl Trip {
    /// The reason given for each call it refuses.
    pub fn reason(&self) -> String {
        let what = match &self.operation {
            Some(op) => format!("{} {op}", self.endpoint.service),
            None => self.endpoint.service.to_string(),
        };
        format!(
            "{what} in {}: {}, later calls not sent",
            self.endpoint.region, self.after
        )
    }
}

#[derive(Debug, Default)]
struct Count {
    n: u32,
    class: Option<Class>,
    last: String,
}

impl Count {
    fn add(&mut self, class: Class, detail: &str) {
        self.n += 1;
        self.class = Some(class);
        self.last = detail.to_string();
    }

    fn clear(&mut self) {
        *self = Count::default();
    }

    fn describe(&self) -> String {
        let class = self.class.unwrap_or(Class::ServerError);
        format!("{} consecutive {} ({})", self.n, class.plural(), self.last)
    }
}

#[derive(Debug, Default)]
struct OperationState {
    failures: Count,
    open: Option<usize>,
}

#[derive(Debug, Default)]
struct EndpointState {
    silent: Count,
    server: Count,
    server_operations: BTreeSet<String>,
    open: Option<usize>,
    operations: HashMap<String, OperationState>,
}

/// Every breaker of a scan.
#[derive(Debug, Default)]
pub struct Breakers {
    state: Mutex<BreakerState>,
}

#[derive(Debug, Default)]
struct BreakerState {
    endpoints: HashMap<Endpoint, EndpointState>,
    trips: Vec<Trip>,
}

impl Breakers {
    pub fn new() -> Arc<Breakers> {
        Arc::new(Breakers::default())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BreakerState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The breaker that refuses a new call of `operation`, if one is open; counts the refusal.
    pub(crate) fn refuse(&self, endpoint: &Endpoint, operation: &str) -> Option<Refused> {
        let mut s = self.lock();
        let BreakerState { endpoints, trips } = &mut *s;
        let e = endpoints.get(endpoint)?;
        let open = e
            .open
            .or_else(|| e.operations.get(operation).and_then(|o| o.open))?;
        let trip = &mut trips[open];
        trip.not_sent += 1;
        Some(Refused::Breaker(trip.reason()))
    }

    /// Counts one attempt; returns whether a breaker covering `operation` is now open.
    pub(crate) fn record(&self, endpoint: &Endpoint, operation: &str, attempt: &Attempt) -> bool {
        let mut s = self.lock();
        let BreakerState { endpoints, trips } = &mut *s;
        let e = endpoints.entry(endpoint.clone()).or_default();
        let op = e.operations.entry(operation.to_string()).or_default();
        match attempt {
            Attempt::Answered => {
                op.failures.clear();
                e.silent.clear();
                e.server.clear();
                e.server_operations.clear();
            }
            Attempt::Failed(class, detail) => {
                if class.is_fragile() {
                    op.failures.add(*class, detail);
                    if op.open.is_none() && op.failures.n >= TRIP_AFTER {
                        op.open = Some(trips.len());
                        trips.push(Trip {
                            endpoint: endpoint.clone(),
                            operation: Some(operation.to_string()),
                            after: op.failures.describe(),
                            not_sent: 0,
                        });
                    }
                }
                if class.is_silent() {
                    e.silent.add(*class, detail);
                } else if *class == Class::ServerError {
                    // An answer, even a 5xx: the endpoint is reachable.
                    e.silent.clear();
                    e.server.add(*class, detail);
                    e.server_operations.insert(operation.to_string());
                }
                let tripped = e.silent.n >= TRIP_AFTER
                    || (e.server.n >= TRIP_AFTER && e.server_operations.len() > 1);
                if e.open.is_none() && tripped {
                    let count = if e.silent.n >= TRIP_AFTER {
                        &e.silent
                    } else {
                        &e.server
                    };
                    e.open = Some(trips.len());
                    trips.push(Trip {
                        endpoint: endpoint.clone(),
                        operation: None,
                        after: count.describe(),
                        not_sent: 0,
                    });
                }
            }
        }
        let op_open = e
            .operations
            .get(operation)
            .is_some_and(|o| o.open.is_some());
        e.open.is_some() || op_open
    }

    /// Every breaker that opened, in the order they opened.
    pub fn trips(&self) -> Vec<Trip> {
        self.lock().trips.clone()
    }
}

/// How the guard treats each class; set from the command line.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Policy {
    /// Retries after a fragile failure (at most [`FRAGILE_RETRIES`]).
    pub fragile_retries: u32,
}

/// What the guard keeps about one call (one execution, all its attempts), in the call's own
/// config bag.
#[derive(Debug, Clone)]
struct CallState {
    operation: String,
    started: Instant,
    last_attempt: Instant,
    /// The retry config the call began with: throttling goes back to it.
    base: Option<RetryConfig>,
    fragile: u32,
    /// The class of the last attempt, if it failed.
    failed: Option<Class>,
    /// Some attempt failed (and, if the call succeeded, was retried).
    retried: bool,
}

impl Storable for CallState {
    type Storer = StoreReplace<CallState>;
}

/// The interceptor: classifies attempts, feeds the breakers, and sets each call's retry
/// budget by class. One per client.
#[derive(Debug, Clone)]
pub(crate) struct Guard {
    pub breakers: Arc<Breakers>,
    pub meter: Arc<Meter>,
    pub endpoint: Endpoint,
    /// The coverage region the client reads for (`global` for S3, Route 53, CloudFront).
    pub label: String,
    pub policy: Policy,
}

impl Intercept for Guard {
    fn name(&self) -> &'static str {
        "ha-audit-guard"
    }

    fn read_before_execution(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = operation_of(context.input());
        if let Some(refused) = self.breakers.refuse(&self.endpoint, &operation) {
            self.meter.not_sent(self.endpoint.service, &operation);
            return Err(Box::new(refused));
        }
        let now = Instant::now();
        cfg.interceptor_state().store_put(CallState {
            operation,
            started: now,
            last_attempt: now,
            base: None,
            fragile: 0,
            failed: None,
            retried: false,
        });
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(mut state) = cfg.load::<CallState>().cloned() {
            state.last_attempt = Instant::now();
            cfg.interceptor_state().store_put(state);
        }
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(mut state) = cfg.load::<CallState>().cloned() else {
            return Ok(());
        };
        let action = run_classifiers_on_ctx(rc.retry_classifiers(), context.inner());
        let attempt = classify(context.inner(), &action);
        let open = self
            .breakers
            .record(&self.endpoint, &state.operation, &attempt);
        let Attempt::Failed(class, detail) = attempt else {
            state.failed = None;
            cfg.interceptor_state().store_put(state);
            return Ok(());
        };
        state.failed = Some(class);
        state.retried = true;
        self.meter
            .failed_attempt(self.endpoint.service, &state.operation, class);
        let attempts = cfg.load::<RequestAttempts>().map_or(1, |a| a.attempts());
        let base = state
            .base
            .get_or_insert_with(|| {
                cfg.load::<RetryConfig>()
                    .cloned()
                    .unwrap_or_else(RetryConfig::standard)
            })
            .clone();
        if class.is_fragile() {
            state.fragile += 1;
        }
        let stop = (class.is_fragile() && state.fragile > self.policy.fragile_retries)
            || (open && class != Class::Throttled);
        let next = if stop {
            // The standard strategy retries while attempts < max_attempts.
            base.with_max_attempts(attempts)
        } else if class == Class::Throttled {
            base
        } else {
            let cap = base.max_backoff().min(SHORT_BACKOFF_CAP);
            base.with_initial_backoff(SHORT_BACKOFF.min(cap))
                .with_max_backoff(cap)
        };
        let retrying = next.max_attempts() > attempts && action.should_retry();
        cfg.interceptor_state().store_put(next);
        self.meter.note(
            &self.endpoint.account,
            &self.label,
            self.endpoint.service,
            retrying.then(|| format!("retrying {} after {detail}", state.operation)),
        );
        cfg.interceptor_state().store_put(state);
        Ok(())
    }

    fn read_after_execution(
        &self,
        _context: &FinalizerInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(state) = cfg.load::<CallState>() else {
            return Ok(());
        };
        // Time lost: all of a call that failed; up to its last attempt for one that needed
        // retries to succeed.
        let lost = match state.failed {
            Some(_) => state.started.elapsed(),
            None if state.retried => state.last_attempt.duration_since(state.started),
            None => return Ok(()),
        };
        self.meter
            .lost(self.endpoint.service, &state.operation, lost);
        self.meter.note(
            &self.endpoint.account,
            &self.label,
            self.endpoint.service,
            None,
        );
        Ok(())
    }
}

/// The class of one attempt's outcome. `action` is what the client's retry classifiers said
/// of it (they know each protocol's throttling codes).
pub(crate) fn classify(ctx: &InterceptorContext, action: &RetryAction) -> Attempt {
    let status = ctx.response().map(|r| r.status().as_u16());
    let Some(Err(err)) = ctx.output_or_error() else {
        return Attempt::Answered;
    };
    if let RetryAction::RetryIndicated(RetryReason::RetryableError {
        kind: ErrorKind::ThrottlingError,
        ..
    }) = action
    {
        let detail = match status {
            Some(s) => format!("throttling (HTTP {s})"),
            None => "throttling".to_string(),
        };
        return Attempt::Failed(Class::Throttled, detail);
    }
    if err.is_timeout_error() {
        return Attempt::Failed(
            Class::Stalled,
            "no answer within the attempt timeout".into(),
        );
    }
    if let Some(c) = err.as_connector_error() {
        // The client's only connector timeout is the connect timeout.
        if c.is_timeout() {
            return Attempt::Failed(Class::Unreachable, "connect timeout".into());
        }
        if connect_phase(c) {
            return Attempt::Failed(Class::Unreachable, "cannot connect".into());
        }
        return Attempt::Failed(Class::Interrupted, "connection dropped".into());
    }
    if err.is_response_error() {
        return Attempt::Failed(Class::Interrupted, "answer cut short".into());
    }
    match status {
        // Counted even when the SDK would not retry it (501): the operation is broken.
        Some(s) if s >= 500 => Attempt::Failed(Class::ServerError, format!("HTTP {s}")),
        _ if action.should_retry() => Attempt::Failed(Class::Interrupted, "transient".into()),
        _ => Attempt::Answered,
    }
}

/// The connection could not be made: refused, no route, no such host, or the name did not
/// resolve. (After the connection is made, a failure is an interrupted exchange.)
fn connect_phase(err: &(dyn StdError + 'static)) -> bool {
    use std::io::ErrorKind as K;
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if matches!(
                io.kind(),
                K::ConnectionRefused
                    | K::HostUnreachable
                    | K::NetworkUnreachable
                    | K::AddrNotAvailable
                    | K::NotFound
            ) {
                return true;
            }
        }
        // hyper-util's connector names its connect-phase errors.
        let text = e.to_string();
        if text.contains("tcp connect error")
            || text.contains("dns error")
            || text == "client error (Connect)"
        {
            return true;
        }
        current = e.source();
    }
    false
}

/// HTTP 429 is throttling, whatever the protocol: none of the SDK's own classifiers says so
/// for a 429 without a throttling error code.
#[derive(Debug, Default)]
pub(crate) struct TooManyRequests;

impl ClassifyRetry for TooManyRequests {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let throttled = matches!(ctx.output_or_error(), Some(Err(_)))
            && ctx.response().map(|r| r.status().as_u16()) == Some(429);
        if throttled {
            RetryAction::throttling_error()
        } else {
            RetryAction::NoActionIndicated
        }
    }

    fn name(&self) -> &'static str {
        "HTTP 429 is throttling"
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(service: &'static str) -> Endpoint {
        Endpoint {
            account: "123456789012".into(),
            service,
            region: "us-east-1".into(),
        }
    }

    fn fail(class: Class, detail: &str) -> Attempt {
        Attempt::Failed(class, detail.into())
    }

    #[test]
    fn one_broken_operation_opens_its_own_breaker_only() {
        let b = Breakers::default();
        let efs = endpoint("efs");
        let op = "DescribeReplicationConfigurations";
        assert!(!b.record(&efs, op, &fail(Class::ServerError, "HTTP 500")));
        assert!(!b.record(&efs, op, &fail(Class::ServerError, "HTTP 500")));
        assert!(b.record(&efs, op, &fail(Class::ServerError, "HTTP 500")));
        assert_eq!(
            b.refuse(&efs, op),
            Some(Refused::Breaker(
                "efs DescribeReplicationConfigurations in us-east-1: 3 consecutive server \
                 errors (HTTP 500), later calls not sent"
                    .into()
            ))
        );
        // Other operations of the endpoint are still sent.
        assert_eq!(b.refuse(&efs, "DescribeFileSystems"), None);
        assert!(!b.record(&efs, "DescribeFileSystems", &Attempt::Answered));
        let trips = b.trips();
        assert_eq!(trips.len(), 1);
        assert_eq!(trips[0].operation.as_deref(), Some(op));
        assert_eq!(trips[0].not_sent, 1);
    }

    #[test]
    fn server_errors_from_two_operations_open_the_endpoint() {
        let b = Breakers::default();
        let elb = endpoint("elbv2");
        b.record(
            &elb,
            "DescribeLoadBalancers",
            &fail(Class::ServerError, "HTTP 503"),
        );
        b.record(
            &elb,
            "DescribeTargetGroups",
            &fail(Class::ServerError, "HTTP 503"),
        );
        assert!(b.record(
            &elb,
            "DescribeLoadBalancers",
            &fail(Class::ServerError, "HTTP 503")
        ));
        let refused = b
            .refuse(&elb, "DescribeTags")
            .expect("the endpoint is open");
        assert_eq!(
            refused.message(),
            "elbv2 in us-east-1: 3 consecutive server errors (HTTP 503), later calls not sent"
        );
        assert_eq!(refused.code(), "circuit-open");
    }

    #[test]
    fn silence_opens_the_endpoint_whatever_the_operation() {
        let b = Breakers::default();
        let asg = endpoint("autoscaling");
        let stalled = fail(Class::Stalled, "no answer within the attempt timeout");
        b.record(&asg, "DescribeAutoScalingGroups", &stalled);
        b.record(&asg, "DescribeAutoScalingGroups", &stalled);
        b.record(&asg, "DescribeAutoScalingGroups", &stalled);
        assert!(b.refuse(&asg, "DescribeLifecycleHooks").is_some());
    }

    #[test]
    fn answers_close_the_count_and_throttling_leaves_it() {
        let b = Breakers::default();
        let ec2 = endpoint("ec2");
        let op = "DescribeSubnets";
        b.record(&ec2, op, &fail(Class::ServerError, "HTTP 500"));
        b.record(&ec2, op, &fail(Class::ServerError, "HTTP 500"));
        b.record(&ec2, op, &Attempt::Answered);
        b.record(&ec2, op, &fail(Class::ServerError, "HTTP 500"));
        b.record(&ec2, op, &fail(Class::Throttled, "RequestLimitExceeded"));
        b.record(&ec2, op, &fail(Class::Interrupted, "connection dropped"));
        assert!(!b.record(&ec2, op, &fail(Class::ServerError, "HTTP 500")));
        assert_eq!(b.refuse(&ec2, op), None);
        assert!(b.record(&ec2, op, &fail(Class::ServerError, "HTTP 500")));
        assert!(b.refuse(&ec2, op).is_some());
        // Breakers are per account and region.
        let other = Endpoint {
            region: "us-west-2".into(),
            ..ec2
        };
        assert_eq!(b.refuse(&other, op), None);
    }

    #[test]
    fn refusals_are_found_in_an_error_chain() {
        #[derive(Debug)]
        struct Outer(Refused);
        impl fmt::Display for Outer {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("interceptor error")
            }
        }
        impl StdError for Outer {
            fn source(&self) -> Option<&(dyn StdError + 'static)> {
                Some(&self.0)
            }
        }
        let e = Outer(Refused::Deadline("scan deadline reached".into()));
        assert_eq!(Refused::find(&e).map(Refused::code), Some("deadline"));
    }
}
