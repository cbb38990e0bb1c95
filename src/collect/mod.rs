//! Collectors: the only code that talks to AWS. They read the account into a [`Snapshot`].
//!
//! Regions x services fan out concurrently; every failed call becomes a [`CollectError`] in
//! the coverage entry of its (service, region), so a partial read is visible downstream and
//! never turns into a silent pass.

mod autoscaling;
mod ec2;
mod ecs;
mod eks;
mod elbv2;
mod fail;
mod identity;
mod rds;
mod route53;
mod s3;
mod vpn;

use crate::error::{Error, Result};
use crate::snapshot::{CollectError, Coverage, Snapshot, GLOBAL_REGION};
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt};
use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::Semaphore;

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
}

/// Retry policy for every call. Throttling, 5xx answers, timeouts and broken connections are
/// retried with exponential backoff and full jitter; what still fails after the last retry is
/// a coverage error, never a silent gap.
#[derive(Debug, Clone)]
pub struct RetryOptions {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Cap on one backoff wait.
    pub max_backoff: Duration,
    pub mode: RetryMode,
}

impl Default for RetryOptions {
    fn default() -> Self {
        RetryOptions {
            // A scan's value is completeness: a throttled read retried for up to ~2 minutes
            // (8 backoffs, capped at 20 s, bounded by the operation timeout) beats a hole.
            max_retries: 8,
            max_backoff: Duration::from_secs(20),
            mode: RetryMode::Standard,
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
        }
    }
}

/// Every IAM action the collectors may call, sorted and deduplicated: the least-privilege
/// read-only policy.
pub fn iam_actions() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = [
        identity::ACTIONS,
        ec2::ACTIONS,
        rds::ACTIONS,
        elbv2::ACTIONS,
        autoscaling::ACTIONS,
        s3::ACTIONS,
        route53::ACTIONS,
        vpn::ACTIONS,
        ecs::ACTIONS,
        eks::ACTIONS,
    ]
    .concat();
    all.sort_unstable();
    all.dedup();
    all
}

/// Reads the account into a normalised snapshot.
pub async fn collect(opts: &CollectOptions) -> Result<Snapshot> {
    let taken_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    for r in &opts.regions {
        if !is_region_name(r) {
            return Err(Error::Usage(format!(
                "--region {r:?} is not a valid AWS region name (expected e.g. us-east-1)"
            )));
        }
    }
    let config = load_config(opts).await;
    // The region that account-level calls (STS, DescribeRegions) go to.
    let home = opts
        .regions
        .first()
        .cloned()
        .or_else(|| config.region().map(|r| r.to_string()))
        .ok_or_else(|| Error::Usage("no region: pass --region or set AWS_REGION".to_string()))?;

    let who = identity::caller(&config, &home).await?;
    let regions = if !opts.regions.is_empty() {
        ec2::check_regions(&config, &home, &opts.regions).await?;
        opts.regions.clone()
    } else if opts.all_regions {
        ec2::enabled_regions(&config, &home).await?
    } else {
        vec![home.clone()]
    };

    let mut snapshot = Snapshot::new(who.account_id, regions.clone(), taken_at);
    snapshot.partition = who.partition.clone();
    let concurrency = opts.concurrency.max(1);
    let scope = Scope {
        config,
        region: home,
        partition: who.partition,
        concurrency,
        in_flight: Arc::new(Semaphore::new(concurrency)),
    };

    let mut jobs: Vec<Job> = Vec::new();
    for region in &regions {
        let s = scope.in_region(region);
        jobs.push(Job::new(
            "ec2",
            region,
            ec2::collect(s.clone()).map(Part::Ec2),
        ));
        jobs.push(Job::new(
            "rds",
            region,
            rds::collect(s.clone()).map(Part::Rds),
        ));
        jobs.push(Job::new(
            "elbv2",
            region,
            elbv2::collect(s.clone()).map(Part::Elbv2),
        ));
        jobs.push(Job::new(
            "vpn",
            region,
            vpn::collect(s.clone()).map(Part::Vpn),
        ));
        jobs.push(Job::new(
            "ecs",
            region,
            ecs::collect(s.clone()).map(Part::Ecs),
        ));
        jobs.push(Job::new(
            "eks",
            region,
            eks::collect(s.clone()).map(Part::Eks),
        ));
        jobs.push(Job::new(
            "autoscaling",
            region,
            autoscaling::collect(s).map(Part::AutoScaling),
        ));
    }
    // Global services: read once, from the partition's global region.
    let g = scope.in_region(&global_region(&scope.partition, &scope.region));
    jobs.push(Job::new(
        "s3",
        GLOBAL_REGION,
        s3::collect(g.clone()).map(Part::S3),
    ));
    jobs.push(Job::new(
        "route53",
        GLOBAL_REGION,
        route53::collect(g).map(Part::Route53),
    ));

    // Every job starts at once: the scope's semaphore, not the number of jobs, bounds the
    // calls in flight, so that a job waiting on a slow listing leaves its share to the others.
    let all = jobs.len();
    let done: Vec<(Coverage, Option<Part>)> = futures::stream::iter(jobs.into_iter().map(Job::run))
        .buffer_unordered(all.max(1))
        .collect()
        .await;
    for (coverage, part) in done {
        snapshot.coverage.push(coverage);
        if let Some(part) = part {
            part.merge_into(&mut snapshot);
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
    pub region: String,
    pub partition: String,
    /// How many per-resource detail futures a collector keeps going at once; the calls they
    /// make still wait for [`Scope::call`].
    pub concurrency: usize,
    /// `concurrency` permits shared by every collector of the scan.
    in_flight: Arc<Semaphore>,
}

impl Scope {
    pub(crate) fn in_region(&self, region: &str) -> Scope {
        Scope {
            region: region.to_string(),
            ..self.clone()
        }
    }

    /// Runs one API call, or one paginated listing (its pages follow each other, so it has one
    /// request in flight at a time), once fewer than `concurrency` are in flight scan-wide.
    /// Retries and their backoff happen inside the call and keep its permit.
    pub(crate) async fn call<F: Future>(&self, call: F) -> F::Output {
        // The semaphore is never closed.
        let _permit = self.in_flight.acquire().await.ok();
        call.await
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

enum Part {
    Ec2(Collected<crate::snapshot::Ec2>),
    Rds(Collected<crate::snapshot::Rds>),
    Elbv2(Collected<crate::snapshot::Elbv2>),
    AutoScaling(Collected<crate::snapshot::AutoScaling>),
    S3(Collected<crate::snapshot::S3>),
    Route53(Collected<crate::snapshot::Route53>),
    Vpn(Collected<crate::snapshot::Vpn>),
    Ecs(Collected<crate::snapshot::Ecs>),
    Eks(Collected<crate::snapshot::Eks>),
}

impl Part {
    fn errors(&mut self) -> Vec<CollectError> {
        match self {
            Part::Ec2((_, e))
            | Part::Rds((_, e))
            | Part::Elbv2((_, e))
            | Part::AutoScaling((_, e))
            | Part::S3((_, e))
            | Part::Route53((_, e))
            | Part::Vpn((_, e))
            | Part::Ecs((_, e))
            | Part::Eks((_, e)) => std::mem::take(e),
        }
    }

    fn merge_into(self, s: &mut Snapshot) {
        match self {
            Part::Ec2((p, _)) => {
                s.ec2.availability_zones.extend(p.availability_zones);
                s.ec2.vpcs.extend(p.vpcs);
                s.ec2.subnets.extend(p.subnets);
                s.ec2.route_tables.extend(p.route_tables);
                s.ec2.nat_gateways.extend(p.nat_gateways);
                s.ec2.instances.extend(p.instances);
                s.ec2.vpc_endpoints.extend(p.vpc_endpoints);
            }
            Part::Rds((p, _)) => {
                s.rds.db_instances.extend(p.db_instances);
                s.rds.db_clusters.extend(p.db_clusters);
            }
            Part::Elbv2((p, _)) => {
                s.elbv2.load_balancers.extend(p.load_balancers);
                s.elbv2.target_groups.extend(p.target_groups);
            }
            Part::AutoScaling((p, _)) => s.autoscaling.groups.extend(p.groups),
            Part::S3((p, _)) => s.s3.buckets.extend(p.buckets),
            Part::Route53((p, _)) => {
                s.route53.hosted_zones.extend(p.hosted_zones);
                s.route53.record_sets.extend(p.record_sets);
                s.route53.health_checks.extend(p.health_checks);
            }
            Part::Vpn((p, _)) => {
                s.vpn.vpn_connections.extend(p.vpn_connections);
                s.vpn.customer_gateways.extend(p.customer_gateways);
            }
            Part::Ecs((p, _)) => {
                s.ecs.clusters.extend(p.clusters);
                s.ecs.services.extend(p.services);
            }
            Part::Eks((p, _)) => {
                s.eks.clusters.extend(p.clusters);
                s.eks.nodegroups.extend(p.nodegroups);
                s.eks.fargate_profiles.extend(p.fargate_profiles);
            }
        }
    }
}

/// One (service, region) collector, run on its own task so that response parsing can use
/// every core.
struct Job {
    service: &'static str,
    region: String,
    work: BoxFuture<'static, Part>,
}

impl Job {
    fn new(
        service: &'static str,
        region: &str,
        work: impl std::future::Future<Output = Part> + Send + 'static,
    ) -> Job {
        Job {
            service,
            region: region.to_string(),
            work: work.boxed(),
        }
    }

    async fn run(self) -> (Coverage, Option<Part>) {
        let mut coverage = Coverage {
            service: self.service.to_string(),
            region: self.region,
            errors: Vec::new(),
        };
        match tokio::spawn(self.work).await {
            Ok(mut part) => {
                coverage.errors = part.errors();
                (coverage, Some(part))
            }
            // A bug in a collector must not abort the scan nor pass silently: the whole
            // service is marked unread for that region.
            Err(e) => {
                coverage.errors.push(CollectError {
                    operation: "collect".to_string(),
                    iam_action: String::new(),
                    kinds: service_kinds(self.service),
                    resource: None,
                    code: "internal".to_string(),
                    message: format!("collector failed: {e}"),
                });
                (coverage, None)
            }
        }
    }
}

fn service_kinds(service: &str) -> Vec<String> {
    let kinds: &[&str] = match service {
        "ec2" => &[
            "ec2.availability_zone",
            "ec2.vpc",
            "ec2.subnet",
            "ec2.route_table",
            "ec2.nat_gateway",
            "ec2.instance",
            "ec2.vpc_endpoint",
        ],
        "rds" => &["rds.db_instance", "rds.db_cluster"],
        "elbv2" => &["elbv2.load_balancer", "elbv2.target_group"],
        "autoscaling" => &["autoscaling.group"],
        "s3" => &["s3.bucket"],
        "route53" => &[
            "route53.hosted_zone",
            "route53.record",
            "route53.health_check",
        ],
        "vpn" => &["vpn.connection", crate::snapshot::CUSTOMER_GATEWAY_KIND],
        "ecs" => &["ecs.service"],
        "eks" => &["eks.cluster", "eks.nodegroup"],
        _ => &[],
    };
    kinds.iter().map(|k| k.to_string()).collect()
}

async fn load_config(opts: &CollectOptions) -> SdkConfig {
    let retry = match opts.retry.mode {
        RetryMode::Standard => RetryConfig::standard(),
        RetryMode::Adaptive => RetryConfig::adaptive(),
    }
    .with_max_attempts(opts.retry.max_retries.saturating_add(1))
    .with_max_backoff(opts.retry.max_backoff);
    // Bounded so that an unreachable or stalled endpoint ends the scan with coverage errors
    // instead of hanging it.
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .operation_attempt_timeout(Duration::from_secs(30))
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

/// `^[a-z]{2}(-[a-z]+)+-\d+$`, e.g. `us-east-1`, `us-gov-west-1`, `ap-southeast-3`.
pub(crate) fn is_region_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    let n = parts.len();
    n >= 3
        && parts[0].len() == 2
        && parts[..n - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && !parts[n - 1].is_empty()
        && parts[n - 1].bytes().all(|b| b.is_ascii_digit())
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
    fn region_names() {
        for ok in [
            "us-east-1",
            "us-gov-west-1",
            "ap-southeast-3",
            "eu-central-2",
        ] {
            assert!(is_region_name(ok), "{ok}");
        }
        for bad in [
            "us-east-9x",
            "us-east",
            "useast-1",
            "US-EAST-1",
            "u-east-1",
            "us--1",
            "",
        ] {
            assert!(!is_region_name(bad), "{bad}");
        }
    }

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
