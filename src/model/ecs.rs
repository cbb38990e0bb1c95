//! ECS services: which AZs their subnets and running tasks are in, and how they place and
//! deploy tasks.

use super::{distinct, Always, Ctx, Known, MarkUnknown, Resource};
use crate::registry::{Kind, Service};
use crate::snapshot::EcsService;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

crate::facts! {
    /// Derived facts of an ECS service.
    pub struct ServiceFacts<'a> {
        /// The AZs of its subnets.
        pub subnet_azs: Known<Vec<&'a str>>,
        /// Whether its tasks run on EC2 container instances (not Fargate).
        pub runs_on_ec2: Always<bool>,
        /// Whether its first placement strategy spreads tasks over AZs.
        pub spreads_over_azs_first: Always<bool>,
        /// How many of its tasks are running.
        pub running_task_count: Known<usize>,
        /// The AZs of its running tasks.
        pub running_task_azs: Known<Vec<&'a str>>,
        /// Running tasks per AZ.
        pub running_tasks_by_az: Known<BTreeMap<&'a str, usize>>,
        /// Containers whose awslogs driver blocks the application when CloudWatch Logs is
        /// slow.
        pub blocking_log_containers: Known<Vec<&'a str>>,
        /// `ENABLED` or `DISABLED` (unknown when DescribeServices did not return it).
        pub availability_zone_rebalancing: Known<Option<&'a str>>,
        /// Whether the deployment circuit breaker is on (unknown without a deployment
        /// configuration).
        pub circuit_breaker_enabled: Known<Option<bool>>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for sv in &ctx.snapshot.ecs.services {
        out.push(service(ctx, sv));
    }
}

/// The AZs of `subnets`, looked up in the region's EC2 subnet listing, and why they may be
/// incomplete: EC2 was not collected, or not completely, in the region. A subnet missing
/// from a complete listing no longer exists and gives no AZ.
pub(crate) fn subnet_azs<'a>(
    ctx: &Ctx<'a>,
    region: &str,
    subnets: &[String],
) -> (BTreeSet<&'a str>, Option<crate::model::Reason>) {
    if subnets.is_empty() {
        return (BTreeSet::new(), None);
    }
    let why = ctx.not_collected(Service::ec2, region);
    let azs = subnets
        .iter()
        .filter_map(|id| ctx.subnet_az(region, id))
        .collect();
    (azs, why)
}

/// A value the API should have returned: unknown, with `why`, when it is absent.
pub(crate) fn returned<T: Copy>(v: Option<T>, why: &str) -> Known<Option<T>> {
    match v {
        Some(v) => Known::Is(Some(v)),
        None => Known::unknown(why.to_string()),
    }
}
/// True when the first placement strategy spreads tasks over AZs.
fn spreads_over_azs_first(sv: &EcsService) -> bool {
    sv.placement_strategy.first().is_some_and(|p| {
        p.strategy_type == "spread" && p.field.as_deref() == Some("attribute:ecs.availability-zone")
    })
}

/// True when the service's tasks are placed on EC2 container instances (where placement
/// strategies apply), not on Fargate.
fn runs_on_ec2(sv: &EcsService) -> bool {
    match sv.launch_type.as_deref() {
        Some(t) => t == "EC2",
        None => sv
            .capacity_provider_strategy
            .iter()
            .any(|p| !p.capacity_provider.starts_with("FARGATE")),
    }
}

fn service<'a>(ctx: &Ctx<'a>, sv: &'a EcsService) -> Resource<'a> {
    let region = sv.region.as_str();
    let (azs, subnets_why) = subnet_azs(ctx, region, &sv.subnets);

    // Where the running tasks are: the AZ DescribeTasks gives, else the AZ of the subnet of
    // the task's network interface.
    let mut by_az: BTreeMap<&str, usize> = BTreeMap::new();
    let mut running = 0;
    let mut task_az_unknown: Option<String> = None;
    for t in sv
        .tasks
        .iter()
        .filter(|t| t.last_status.as_deref() == Some("RUNNING"))
    {
        running += 1;
        let az = t.availability_zone.as_deref().or_else(|| {
            let subnet = t.subnet_id.as_deref()?;
            let (azs, why) = subnet_azs(ctx, region, &[subnet.to_string()]);
            if let Some(why) = why {
                task_az_unknown.get_or_insert(why.to_string());
            }
            azs.into_iter().next()
        });
        match az {
            Some(az) => *by_az.entry(az).or_default() += 1,
            None => {
                task_az_unknown.get_or_insert_with(|| format!("task {} has no known AZ", t.task_arn));
            }
        }
    }

    // Containers whose awslogs driver blocks the application when CloudWatch Logs is slow:
    // mode=blocking, or no mode and an account default of blocking.
    let mut blocking = Vec::new();
    let mut blocking_unknown: Option<String> = None;
    for c in &sv.containers {
        if c.log_driver.as_deref() != Some("awslogs") {
            continue;
        }
        let mode = match c.log_mode.as_deref() {
            Some(m) => Some(m),
            None => {
                if sv.default_log_driver_mode.is_none() {
                    if let Some(why) = sv.unreadable.get("default_log_driver_mode") {
                        blocking_unknown.get_or_insert_with(|| why.clone());
                    }
                    blocking_unknown.get_or_insert_with(|| {
                        format!(
                            "container {} leaves the awslogs mode to the account's \
                             defaultLogDriverMode, which is not in the snapshot",
                            c.name
                        )
                    });
                }
                sv.default_log_driver_mode.as_deref()
            }
        };
        if mode == Some("blocking") {
            blocking.push(c.name.as_str());
        }
    }

    let mut f = ServiceFacts {
        subnet_azs: Known::Is(azs.into_iter().collect()),
        runs_on_ec2: Always(runs_on_ec2(sv)),
        spreads_over_azs_first: Always(spreads_over_azs_first(sv)),
        running_task_count: Known::Is(running),
        running_task_azs: Known::Is(distinct(by_az.keys().copied())),
        running_tasks_by_az: Known::Is(by_az),
        blocking_log_containers: Known::Is(blocking),
        availability_zone_rebalancing: returned(
            sv.availability_zone_rebalancing.as_deref(),
            "DescribeServices did not return availabilityZoneRebalancing",
        ),
        circuit_breaker_enabled: returned(
            sv.circuit_breaker_enabled,
            "DescribeServices returned no deployment configuration",
        ),
    };
    crate::unknown_if!(subnets_why => f.subnet_azs);
    crate::unknown_if!(task_az_unknown => f.running_task_azs, f.running_tasks_by_az);
    crate::unknown_if!(sv.unreadable.get("tasks") =>
        f.running_task_count, f.running_task_azs, f.running_tasks_by_az);
    if let Some(why) = blocking_unknown {
        f.blocking_log_containers.mark_unknown(&why);
    }
    crate::unknown_if!(sv.unreadable.get("containers") => f.blocking_log_containers);
    Resource {
        kind: Kind::EcsService,
        id: crate::snapshot::Listed::id(sv),
        name: Some(crate::snapshot::Listed::id(sv)),
        arn: Cow::Borrowed(&sv.arn),
        region: Cow::Borrowed(&sv.region),
        source: Some(sv),
        unreadable: Some(&sv.unreadable),
        facts: Box::new(f),
    }
}
