//! Collectors: the only code that talks to AWS. They read the account into a [`Snapshot`].
//!
//! Regions x services fan out concurrently; every failed call becomes a [`CollectError`] in
//! the coverage entry of its (service, region), so a partial read is visible downstream and
//! never turns into a silent pass.

mod accounts;
/// Application Auto Scaling targets, read for DynamoDB tables.
mod application_autoscaling;
mod fail;
mod guard;
mod identity;
mod meter;
mod progress;

/// One collector module per service of the registry (`collect/<key>.rs`), each with
/// `collect(Scope) -> Collected<Section>` and the IAM `ACTIONS` it calls.
macro_rules! collector_modules {
    ($($key:ident $section:ident $reach:ident $shape:ident [$($kinds:tt)*];)*) => {
        $(mod $key;)*

        /// Every IAM action a collector of the registry may call.
        const SERVICE_ACTIONS: &[&[&str]] = &[$($key::ACTIONS,)*];

        /// One job per (service, region), and one per global service.
        fn service_jobs(scope: &Scope, regions: &[String], global: &Scope) -> Vec<Job> {
            let mut jobs = Vec::new();
            $(
                match Service::$key.reach() {
                    Reach::Regional => {
                        for region in regions {
                            let s = scope.in_region(region);
                            jobs.push(Job::new(
                                Service::$key,
                                region,
                                $key::collect(s).map(|(read, errors)| Part {
                                    errors,
                                    merge: Box::new(move |snap: &mut Snapshot| snap.$key.append(read)),
                                }),
                            ));
                        }
                    }
                    Reach::Global => jobs.push(Job::new(
                        Service::$key,
                        GLOBAL_REGION,
                        $key::collect(global.clone()).map(|(read, errors)| Part {
                            errors,
                            merge: Box::new(move |snap: &mut Snapshot| snap.$key.append(read)),
                        }),
                    )),
                }
            )*
            jobs
        }
    };
}
crate::for_each_service!(collector_modules);

use crate::error::{Error, Result};
use crate::registry::{is_region_name, Reach, Service};
use crate::snapshot::{CollectError, Coverage, Section, Snapshot, GLOBAL_REGION};
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

pub use accounts::{is_account_id, parse_accounts_file, CALLER_ACTIONS, SESSION_NAME};
pub use guard::{Breakers, Class, Endpoint, Refused, Trip, FRAGILE_RETRIES, TRIP_AFTER};
pub use meter::{Meter, OperationStats, ScopeProgress};

/// A service client built from a [`Scope`], with the scan's request meter and guard attached:
/// every collector builds its clients with it, so that `--verbose` and the progress display
/// count its calls, and its retries follow the error classes and breakers of
/// [`guard`]. `sdk_client!(aws_sdk_rds, scope)`, or with an explicit config as third argument.
macro_rules! sdk_client {
    ($sdk:ident, $scope:expr) => {
        $crate::collect::sdk_client!($sdk, $scope, $scope.sdk_config())
    };
    ($sdk:ident, $scope:expr, $config:expr) => {
        $sdk::Client::from_conf(
            $crate::collect::watched!(
                $sdk::config::Builder::from(&$config),
                $scope,
                $crate::collect::service_of(stringify!($sdk))
            )
            .build(),
        )
    };
}
pub(crate) use sdk_client;

/// Attaches the meter, the guard and the HTTP 429 classifier to a service config builder.
macro_rules! watched {
    ($builder:expr, $scope:expr, $service:expr) => {{
        let service: &'static str = $service;
        $builder
            .interceptor($scope.count_requests(service))
            .interceptor($scope.guard(service))
            .retry_classifier($crate::collect::guard::TooManyRequests)
    }};
}
pub(crate) use watched;

/// Runs `call` on `items` in batches of at most `size` (an API's limit per request),
/// `scope.concurrency` batches at a time, and returns the answers in completion order. The
/// batches are owned: a future borrowing from its argument is not `Send` across the stream.
pub(crate) async fn in_batches<T, R, Fut>(
    scope: &Scope,
    items: &[T],
    size: usize,
    call: impl Fn(Vec<T>) -> Fut,
) -> Vec<R>
where
    T: Clone,
    Fut: Future<Output = R>,
{
    let batches: Vec<Vec<T>> = items.chunks(size).map(<[T]>::to_vec).collect();
    futures::stream::iter(batches.into_iter().map(call))
        .buffer_unordered(scope.concurrency)
        .collect()
        .await
}

/// The service key of an SDK crate, as coverage names it: `aws_sdk_ec2` -> `ec2`.
pub(crate) fn service_of(krate: &'static str) -> &'static str {
    match krate.strip_prefix("aws_sdk_").unwrap_or(krate) {
        "elasticloadbalancingv2" => "elbv2",
        "kafka" => "msk",
        "cloudhsmv2" => "cloudhsm",
        "databasemigration" => "dms",
        "elasticloadbalancing" => "elb",
        "directory" => "directoryservice",
        "cognitoidentityprovider" => "cognito",
        other => other,
    }
}

/// How to collect: which regions, which credentials, how hard to push.
#[derive(Debug, Clone)]
pub struct CollectOptions {
    /// Regions given with `--region`; empty means "see `all_regions`, else the default region".
    pub regions: Vec<String>,
    /// Scan every region enabled for the account (EC2 DescribeRegions).
    pub all_regions: bool,
    /// Named profile from the shared config files.
    pub profile: Option<String>,
    /// Most API calls in flight at once, over the whole scan.
    pub concurrency: usize,
    /// How failed calls are retried.
    pub retry: RetryOptions,
    /// Read through this role (assumed with the configured credentials) instead.
    pub role_arn: Option<String>,
    /// External id for every AssumeRole of the scan.
    pub external_id: Option<String>,
    /// Accounts to read through `org_role_name` (from `--accounts FILE`); empty with
    /// `org_role_name` means every ACTIVE account of the organisation.
    pub accounts: Vec<String>,
    /// The role to assume in each account of an organisation scan.
    pub org_role_name: Option<String>,
    /// Most accounts read at once (their calls still share `concurrency`).
    pub account_concurrency: usize,
    /// Draw the progress display on stderr.
    pub progress: bool,
    /// Print one line per (service, operation) called, with counts and times, on stderr.
    pub verbose: bool,
    /// Stop reading this long after the start: calls still outstanding are abandoned and
    /// what they would have read is `not_evaluated`.
    pub deadline: Option<Duration>,
}

/// Retry policy for every call, by error class (see [`guard`]): throttling is retried
/// patiently, with exponential backoff and full jitter; server errors, refused connections and
/// stalled attempts at most [`FRAGILE_RETRIES`] times with a short backoff. What still fails
/// after the last retry is a coverage error, never a silent gap.
#[derive(Debug, Clone)]
pub struct RetryOptions {
    /// Retries after the first attempt, for throttling and interrupted answers.
    pub max_retries: u32,
    /// Cap on one backoff wait.
    pub max_backoff: Duration,
    pub mode: RetryMode,
    /// Longest wait for one attempt's answer.
    pub attempt_timeout: Duration,
}

/// A stalled endpoint costs at most three of these per call, and a breaker stops it after
/// three. 10 s is several times the slowest healthy answer seen from the describe/list calls
/// ha-audit makes (large DescribeInstances pages take 1-3 s).
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

impl Default for RetryOptions {
    fn default() -> Self {
        RetryOptions {
            // A scan's value is completeness: a throttled read retried for up to ~2 minutes
            // (8 backoffs, capped at 20 s, bounded by the operation timeout) beats a hole.
            max_retries: 8,
            max_backoff: Duration::from_secs(20),
            mode: RetryMode::Standard,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RetryMode {
    /// Backoff with full jitter; the pressure on each API is bounded by `--concurrency`.
    Standard,
    /// Backoff, plus the SDK's client-side rate limiter, one per service and region (the
    /// SDK's default retry partition is `<service>-<region>`): it stays open until AWS first
    /// throttles that partition, then paces requests to the rate AWS accepted. It is not the
    /// default because it slows down hard after sporadic throttling (measured: 30% random
    /// throttling made a 1.3 s scan take 17 s, against 1.7 s with `standard`); it suits
    /// accounts where other tools share the same API limits.
    Adaptive,
}

impl Default for CollectOptions {
    fn default() -> Self {
        CollectOptions {
            regions: Vec::new(),
            all_regions: false,
            profile: None,
            concurrency: 16,
            retry: RetryOptions::default(),
            role_arn: None,
            external_id: None,
            accounts: Vec::new(),
            org_role_name: None,
            account_concurrency: 4,
            progress: false,
            verbose: false,
            deadline: None,
        }
    }
}

/// Every IAM action the collectors may call, sorted and deduplicated: the least-privilege
/// read-only policy.
pub fn iam_actions() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = SERVICE_ACTIONS.concat();
    all.extend(identity::ACTIONS);
    // Read for the DynamoDB tables, by a helper of that collector.
    all.extend(application_autoscaling::ACTIONS);
    all.sort_unstable();
    all.dedup();
    all
}

/// What a read gave: a normalised snapshot per account (sorted by account id), and the
/// figures of the API calls for `--timings`.
#[derive(Debug)]
pub struct Read {
    pub snapshots: Vec<Snapshot>,
    /// Requests, failed attempts by class, breakers, calls cut short, time lost.
    pub api: serde_json::Value,
}

/// Reads the account, or every account of an organisation scan.
pub async fn collect(opts: &CollectOptions) -> Result<Read> {
    for r in &opts.regions {
        if !is_region_name(r) {
            return Err(Error::Usage(format!(
                "--region {r:?} is not a valid AWS region name (expected e.g. us-east-1)"
            )));
        }
    }
    let meter = Meter::new();
    let breakers = Breakers::new();
    let deadline = opts.deadline.map(Deadline::from_now);
    let display = opts
        .progress
        .then(|| progress::Display::start(Arc::clone(&meter)));
    let result = collect_accounts(opts, &meter, &breakers, deadline).await;
    if let Some(d) = display {
        d.stop();
    }
    let trips = breakers.trips();
    if opts.verbose {
        for line in meter.summary_lines(&trips) {
            eprintln!("{line}");
        }
    }
    Ok(Read {
        snapshots: result?,
        api: meter.timings(&trips),
    })
}

/// The end of the read (`--deadline`), and how long it was.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    at: Instant,
    budget: Duration,
}

impl Deadline {
    fn from_now(budget: Duration) -> Deadline {
        Deadline {
            at: Instant::now() + budget,
            budget,
        }
    }

    fn passed(&self) -> bool {
        Instant::now() >= self.at
    }

    fn refused(&self, in_flight: bool) -> Refused {
        let what = if in_flight { "abandoned" } else { "not sent" };
        Refused::Deadline(format!(
            "{what}: scan deadline reached (--deadline {})",
            humantime::format_duration(self.budget)
        ))
    }

    /// Runs an account-level call (identity, regions) that must end by the deadline too.
    async fn bound<T>(
        deadline: Option<Deadline>,
        call: impl Future<Output = Result<T>>,
    ) -> Result<T> {
        let Some(d) = deadline else {
            return call.await;
        };
        match tokio::time::timeout_at(d.at.into(), call).await {
            Ok(out) => out,
            Err(_) => Err(Error::Credentials(format!(
                "the scan deadline ({}) passed before the account could be read",
                humantime::format_duration(d.budget)
            ))),
        }
    }
}

/// The output of a call run by [`Scope::call`] that can stand for a call cut short: an SDK
/// result, or a paginated listing's items and error.
pub(crate) trait Abandon {
    fn abandoned(why: Refused) -> Self;
}

impl<T, E, R> Abandon for std::result::Result<T, aws_sdk_sts::error::SdkError<E, R>> {
    fn abandoned(why: Refused) -> Self {
        Err(aws_sdk_sts::error::SdkError::timeout_error(why))
    }
}

impl<T, E, R> Abandon for (Vec<T>, Option<aws_sdk_sts::error::SdkError<E, R>>) {
    /// What a listing read before the deadline is dropped: incomplete, it would be judged
    /// as if it were the whole list.
    fn abandoned(why: Refused) -> Self {
        (
            Vec::new(),
            Some(aws_sdk_sts::error::SdkError::timeout_error(why)),
        )
    }
}

/// Runs one of the account-level calls made before the collectors (with clients of their
/// own, outside the meter's interceptor), by the deadline, and records it for `--verbose`.
async fn counted<T>(
    meter: &Meter,
    deadline: Option<Deadline>,
    service: &str,
    operation: &str,
    call: impl Future<Output = Result<T>>,
) -> Result<T> {
    let started = std::time::Instant::now();
    let out = Deadline::bound(deadline, call).await;
    meter.record(service, operation, out.is_err(), started.elapsed());
    out
}

/// What every account of a scan shares.
struct Shared {
    taken_at: String,
    home: String,
    partition: String,
    concurrency: usize,
    in_flight: Arc<Semaphore>,
    meter: Arc<Meter>,
    breakers: Arc<Breakers>,
    deadline: Option<Deadline>,
    policy: guard::Policy,
    /// Regions recorded for an account that could not be read at all.
    fallback_regions: Vec<String>,
}

async fn collect_accounts(
    opts: &CollectOptions,
    meter: &Arc<Meter>,
    breakers: &Arc<Breakers>,
    deadline: Option<Deadline>,
) -> Result<Vec<Snapshot>> {
    let taken_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut config = load_config(opts).await;
    // The region that account-level calls (STS, DescribeRegions) go to.
    let home = opts
        .regions
        .first()
        .cloned()
        .or_else(|| config.region().map(|r| r.to_string()))
        .ok_or_else(|| {
            Error::Usage(format!(
                "no region: pass --region REGION (or set AWS_REGION, or use a --profile that \
                 has one), {}",
                identity::TRY_INSTEAD
            ))
        })?;
    if let Some(arn) = &opts.role_arn {
        let assumed = async {
            accounts::assume(&config, &home, arn, opts.external_id.as_deref(), meter)
                .await
                .map_err(|e| Error::Credentials(e.reason()))
        };
        config = Deadline::bound(deadline, assumed).await?;
    }
    let who = counted(
        meter,
        deadline,
        "sts",
        "GetCallerIdentity",
        identity::caller(&config, &home, opts.profile.as_deref()),
    )
    .await?;
    let concurrency = opts.concurrency.max(1);
    let mut shared = Shared {
        taken_at,
        home: home.clone(),
        partition: who.partition.clone(),
        concurrency,
        in_flight: Arc::new(Semaphore::new(concurrency)),
        meter: Arc::clone(meter),
        breakers: Arc::clone(breakers),
        deadline,
        policy: guard::Policy {
            fragile_retries: opts.retry.max_retries.min(FRAGILE_RETRIES),
        },
        fallback_regions: Vec::new(),
    };
    let Some(role) = &opts.org_role_name else {
        let only = accounts::Target {
            account_id: who.account_id,
            config,
            unreachable: None,
        };
        return Ok(vec![collect_account(opts, &shared, only).await?]);
    };

    let ids = if opts.accounts.is_empty() {
        Deadline::bound(
            deadline,
            accounts::organization_accounts(&config, &home, &who.account_id, meter),
        )
        .await?
    } else {
        opts.accounts.clone()
    };
    // An account whose role is refused cannot list its own regions: it is recorded with the
    // regions the caller's account would be scanned in.
    shared.fallback_regions = if !opts.regions.is_empty() {
        opts.regions.clone()
    } else if opts.all_regions {
        counted(
            meter,
            deadline,
            "ec2",
            "DescribeRegions",
            ec2::enabled_regions(&config, &home),
        )
        .await?
    } else {
        vec![home.clone()]
    };
    let shared = &shared;
    let (config, who) = (&config, &who);
    let mut snapshots: Vec<Snapshot> = futures::stream::iter(ids)
        .map(|id| async move {
            // The caller's own account is read with the caller's credentials.
            let target = if id == who.account_id {
                accounts::Target {
                    account_id: id,
                    config: config.clone(),
                    unreachable: None,
                }
            } else {
                let arn = accounts::role_arn(&shared.partition, &id, role);
                let assumed = accounts::assume(
                    config,
                    &shared.home,
                    &arn,
                    opts.external_id.as_deref(),
                    &shared.meter,
                )
                .await;
                let (config, unreachable) = match assumed {
                    Ok(c) => (c, None),
                    Err(e) => (config.clone(), Some(e)),
                };
                accounts::Target {
                    account_id: id,
                    config,
                    unreachable,
                }
            };
            let account_id = target.account_id.clone();
            match collect_account(opts, shared, target).await {
                Ok(s) => Ok(s),
                // One account's failure (its regions cannot be listed, say) is that account's
                // coverage, not the end of the scan.
                Err(e) => {
                    let unreachable = CollectError {
                        operation: "collect".to_string(),
                        iam_action: String::new(),
                        kinds: Vec::new(),
                        resource: None,
                        code: "account".to_string(),
                        message: e.to_string(),
                    };
                    collect_account(
                        opts,
                        shared,
                        accounts::Target {
                            account_id,
                            config: config.clone(),
                            unreachable: Some(unreachable),
                        },
                    )
                    .await
                }
            }
        })
        .buffer_unordered(opts.account_concurrency.max(1))
        .collect::<Vec<Result<Snapshot>>>()
        .await
        .into_iter()
        .collect::<Result<_>>()?;
    snapshots.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    Ok(snapshots)
}

/// Reads one account; an unreachable one gets every (service, region) scope recorded as
/// unread, with the reason.
async fn collect_account(
    opts: &CollectOptions,
    shared: &Shared,
    target: accounts::Target,
) -> Result<Snapshot> {
    let config = target.config;
    let home = shared.home.clone();
    let regions = if target.unreachable.is_some() {
        shared.fallback_regions.clone()
    } else if !opts.regions.is_empty() {
        counted(
            &shared.meter,
            shared.deadline,
            "ec2",
            "DescribeRegions",
            ec2::check_regions(&config, &home, &opts.regions),
        )
        .await?;
        opts.regions.clone()
    } else if opts.all_regions {
        counted(
            &shared.meter,
            shared.deadline,
            "ec2",
            "DescribeRegions",
            ec2::enabled_regions(&config, &home),
        )
        .await?
    } else {
        vec![home.clone()]
    };

    let mut snapshot = Snapshot::new(
        target.account_id.clone(),
        regions.clone(),
        shared.taken_at.clone(),
    );
    snapshot.partition = shared.partition.clone();
    let scope = Scope {
        config,
        label: home.clone(),
        region: home,
        partition: shared.partition.clone(),
        account: target.account_id.clone(),
        concurrency: shared.concurrency,
        in_flight: Arc::clone(&shared.in_flight),
        meter: Arc::clone(&shared.meter),
        breakers: Arc::clone(&shared.breakers),
        deadline: shared.deadline,
        policy: shared.policy,
    };

    // Global services: read once, from the partition's global region; their requests count
    // towards the `global` row.
    let mut global = scope.in_region(&global_region(&scope.partition, &scope.region));
    global.label = GLOBAL_REGION.to_string();
    let jobs = service_jobs(&scope, &regions, &global);

    // Every job starts at once: the scope's semaphore, not the number of jobs, bounds the
    // calls in flight, so that a job waiting on a slow listing leaves its share to the others.
    let all = jobs.len();
    for job in &jobs {
        shared
            .meter
            .expect_service(&scope.account, &job.region, job.service.key());
    }
    let done: Vec<(Coverage, Option<Part>)> = match &target.unreachable {
        Some(why) => jobs
            .into_iter()
            .map(|job| job.unreachable(why, &scope))
            .collect(),
        None => {
            futures::stream::iter(jobs.into_iter().map(|job| job.run(&scope)))
                .buffer_unordered(all.max(1))
                .collect()
                .await
        }
    };
    for (coverage, part) in done {
        snapshot.coverage.push(coverage);
        if let Some(part) = part {
            (part.merge)(&mut snapshot);
        }
    }
    snapshot.normalize();
    Ok(snapshot)
}

/// What a collector needs: the shared config (one HTTP client and credential cache for all),
/// the region to call, the partition for building ARNs, and the scan-wide cap on calls in
/// flight.
#[derive(Clone)]
pub(crate) struct Scope {
    pub config: SdkConfig,
    /// The region whose endpoints are called.
    pub region: String,
    /// The coverage region the calls read for: `region`, or `global` for the services read
    /// once per account.
    label: String,
    pub partition: String,
    /// How many per-resource detail futures a collector keeps going at once; the calls they
    /// make still wait for [`Scope::call`].
    pub concurrency: usize,
    /// `concurrency` permits shared by every collector of the scan.
    in_flight: Arc<Semaphore>,
    /// The account being read.
    pub account: String,
    /// Counts the requests of every client built with [`sdk_client!`].
    meter: Arc<Meter>,
    breakers: Arc<Breakers>,
    deadline: Option<Deadline>,
    policy: guard::Policy,
}

impl Scope {
    pub(crate) fn in_region(&self, region: &str) -> Scope {
        Scope {
            region: region.to_string(),
            label: region.to_string(),
            ..self.clone()
        }
    }

    /// The same scope, calling `region`'s endpoints: for a global service whose API is served
    /// from one region only (its calls still count towards the scope's coverage region).
    pub(crate) fn calling(&self, region: &str) -> Scope {
        Scope {
            region: region.to_string(),
            ..self.clone()
        }
    }

    /// Runs one API call, or one paginated listing (its pages follow each other, so it has one
    /// request in flight at a time), once fewer than `concurrency` are in flight scan-wide.
    /// Retries and their backoff happen inside the call and keep its permit. After the scan
    /// deadline a call is not sent, and one still in flight is abandoned: either way it
    /// returns an error whose source is [`Refused::Deadline`].
    pub(crate) async fn call<F>(&self, call: F) -> F::Output
    where
        F: Future,
        F::Output: Abandon,
    {
        let open: meter::OpenCalls = Arc::new(Mutex::new(Vec::new()));
        let work = async {
            // The semaphore is never closed.
            let _permit = self.in_flight.acquire().await.ok();
            meter::timed(Arc::clone(&open), call).await
        };
        let Some(deadline) = self.deadline else {
            return work.await;
        };
        if deadline.passed() {
            self.meter.late();
            return F::Output::abandoned(deadline.refused(false));
        }
        tokio::select! {
            out = work => out,
            () = tokio::time::sleep_until(deadline.at.into()) => {
                let in_flight = !open.lock().unwrap_or_else(|e| e.into_inner()).is_empty();
                if in_flight {
                    self.meter.abandoned(&open);
                } else {
                    self.meter.late();
                }
                F::Output::abandoned(deadline.refused(in_flight))
            }
        }
    }

    /// The interceptor that counts a `service` client's calls for this account and region.
    pub(crate) fn count_requests(&self, service: &'static str) -> meter::CountRequests {
        self.meter.interceptor(service, &self.account, &self.label)
    }

    /// The interceptor that retries a `service` client's calls by class and keeps its
    /// breakers.
    pub(crate) fn guard(&self, service: &'static str) -> guard::Guard {
        guard::Guard {
            breakers: Arc::clone(&self.breakers),
            meter: Arc::clone(&self.meter),
            endpoint: Endpoint {
                account: self.account.clone(),
                service,
                region: self.region.clone(),
            },
            label: self.label.clone(),
            policy: self.policy,
        }
    }

    /// The shared config pointed at this scope's region, for building service clients.
    pub(crate) fn sdk_config(&self) -> SdkConfig {
        self.config
            .to_builder()
            .region(Region::new(self.region.clone()))
            .build()
    }
}

/// What one (service, region) collector read, plus its failed calls.
type Collected<T> = (T, Vec<CollectError>);

/// What one job read: its failed calls, and how to add what it read to the snapshot.
struct Part {
    errors: Vec<CollectError>,
    merge: Box<dyn FnOnce(&mut Snapshot) + Send>,
}

/// One (service, region) collector, run on its own task so that response parsing can use
/// every core.
struct Job {
    service: Service,
    region: String,
    work: BoxFuture<'static, Part>,
}

impl Job {
    fn new(
        service: Service,
        region: &str,
        work: impl std::future::Future<Output = Part> + Send + 'static,
    ) -> Job {
        Job {
            service,
            region: region.to_string(),
            work: work.boxed(),
        }
    }

    /// The coverage of a job that cannot run because its account could not be entered: every
    /// kind of the service is unread, for the account's reason.
    fn unreachable(self, why: &CollectError, scope: &Scope) -> (Coverage, Option<Part>) {
        scope
            .meter
            .service_done(&scope.account, &self.region, self.service.key());
        let error = CollectError {
            kinds: listed_kinds(self.service),
            ..why.clone()
        };
        let coverage = Coverage {
            service: self.service.key().to_string(),
            region: self.region,
            errors: vec![error],
        };
        (coverage, None)
    }

    async fn run(self, scope: &Scope) -> (Coverage, Option<Part>) {
        let meter = Arc::clone(&scope.meter);
        let (account, region, service) = (
            scope.account.clone(),
            self.region.clone(),
            self.service.key(),
        );
        let done = self.run_alone().await;
        meter.service_done(&account, &region, service);
        done
    }

    async fn run_alone(self) -> (Coverage, Option<Part>) {
        let mut coverage = Coverage {
            service: self.service.key().to_string(),
            region: self.region,
            errors: Vec::new(),
        };
        match tokio::spawn(self.work).await {
            Ok(mut part) => {
                coverage.errors = std::mem::take(&mut part.errors);
                (coverage, Some(part))
            }
            // A bug in a collector must not abort the scan nor pass silently: the whole
            // service is marked unread for that region.
            Err(e) => {
                coverage.errors.push(CollectError {
                    operation: "collect".to_string(),
                    iam_action: String::new(),
                    kinds: listed_kinds(self.service),
                    resource: None,
                    code: "internal".to_string(),
                    message: format!("collector failed: {e}"),
                });
                (coverage, None)
            }
        }
    }
}

/// The kinds of a service that its reads list (not those the model derives): what an
/// unread service leaves unknown.
fn listed_kinds(service: Service) -> Vec<String> {
    service
        .kinds()
        .iter()
        .filter(|k| k.role() != crate::registry::Role::Derived)
        .map(|k| k.key().to_string())
        .collect()
}

async fn load_config(opts: &CollectOptions) -> SdkConfig {
    let retry = match opts.retry.mode {
        RetryMode::Standard => RetryConfig::standard(),
        RetryMode::Adaptive => RetryConfig::adaptive(),
    }
    .with_max_attempts(opts.retry.max_retries.saturating_add(1))
    .with_max_backoff(opts.retry.max_backoff);
    // Bounded so that an unreachable or stalled endpoint ends the scan with coverage errors
    // instead of hanging it: a stalled attempt is cut after `attempt_timeout`, and the guard
    // retries it at most twice. The operation timeout bounds a patiently retried call.
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5).min(opts.retry.attempt_timeout))
        .operation_attempt_timeout(opts.retry.attempt_timeout)
        .operation_timeout(Duration::from_secs(120))
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry)
        .timeout_config(timeouts);
    if let Some(profile) = &opts.profile {
        loader = loader.profile_name(profile);
    }
    loader.load().await
}

/// The region that serves a partition's global services (S3 listing, Route 53).
fn global_region(partition: &str, home: &str) -> String {
    match partition {
        "aws" => "us-east-1".to_string(),
        // China, GovCloud and isolated partitions: their own regions serve the global APIs.
        _ => home.to_string(),
    }
}

/// Drains an SDK paginator (`.into_paginator().items().send()` or `.send()`), keeping what
/// was read before a failure along with the failure.
pub(crate) async fn drain<T, E>(
    mut poll: impl FnMut(&mut Context<'_>) -> Poll<Option<std::result::Result<T, E>>>,
) -> (Vec<T>, Option<E>) {
    let mut items = Vec::new();
    while let Some(item) = std::future::poll_fn(&mut poll).await {
        match item {
            Ok(item) => items.push(item),
            Err(e) => return (items, Some(e)),
        }
    }
    (items, None)
}

/// What a listing read, and why it stopped early if it did.
pub(crate) type Listing<T> = (Vec<T>, Option<CollectError>);

/// Moves a listing's error into `errors` and returns its items.
pub(crate) fn keep<T>(errors: &mut Vec<CollectError>, (items, err): Listing<T>) -> Vec<T> {
    errors.extend(err);
    items
}

/// Converts AWS tag pairs into the snapshot's sorted map, skipping keyless tags.
pub(crate) fn tags<'a>(
    pairs: impl IntoIterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> crate::snapshot::Tags {
    pairs
        .into_iter()
        .filter_map(|(k, v)| Some((k?.to_string(), v.unwrap_or_default().to_string())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_are_sorted_unique_and_read_only() {
        let actions = iam_actions();
        let mut sorted = actions.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(actions, sorted);
        for a in actions {
            let (_, op) = a.split_once(':').expect("service:Action");
            assert!(
                ["Describe", "List", "Get"]
                    .iter()
                    .any(|p| op.starts_with(p)),
                "{a} is not a read action"
            );
        }
    }
}
