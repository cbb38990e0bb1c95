//! ECS: clusters, their services (placement, deployment and AZ settings), each service's
//! tasks with the AZ they run in, and the logging of its task definition's containers.
//!
//! Per region: ListClusters, then per cluster (concurrently, within the scan's cap)
//! DescribeClusters, ListServices + DescribeServices (10 per call) and ListTasks +
//! DescribeTasks (100 per call); then one DescribeTaskDefinition per task definition in use,
//! and ListAccountSettings only when a container leaves its awslogs mode to the account's
//! default.

use crate::registry::Kind;
use super::fail::{mark_unreadable, Op};
use super::{drain, tags, Collected, Scope};
use crate::snapshot::{
    CapacityProviderItem, CollectError, Ecs, EcsCluster, EcsContainer, EcsService, EcsTask,
    PlacementConstraint, PlacementStrategy,
};
use aws_sdk_ecs::types::{
    CapacityProviderStrategyItem, ServiceField, SettingName, Task, TaskDefinition,
};
use aws_sdk_ecs::Client;
use futures::StreamExt;
use std::collections::{BTreeMap, BTreeSet};

const LIST_CLUSTERS: Op = Op::new("ListClusters", "ecs:ListClusters");
const DESCRIBE_CLUSTERS: Op = Op::new("DescribeClusters", "ecs:DescribeClusters");
const LIST_SERVICES: Op = Op::new("ListServices", "ecs:ListServices");
const DESCRIBE_SERVICES: Op = Op::new("DescribeServices", "ecs:DescribeServices");
const LIST_TASKS: Op = Op::new("ListTasks", "ecs:ListTasks");
const DESCRIBE_TASKS: Op = Op::new("DescribeTasks", "ecs:DescribeTasks");
const DESCRIBE_TASK_DEFINITION: Op =
    Op::new("DescribeTaskDefinition", "ecs:DescribeTaskDefinition");
const LIST_ACCOUNT_SETTINGS: Op = Op::new("ListAccountSettings", "ecs:ListAccountSettings");

pub const ACTIONS: &[&str] = &[
    LIST_CLUSTERS.action,
    DESCRIBE_CLUSTERS.action,
    LIST_SERVICES.action,
    DESCRIBE_SERVICES.action,
    LIST_TASKS.action,
    DESCRIBE_TASKS.action,
    DESCRIBE_TASK_DEFINITION.action,
    LIST_ACCOUNT_SETTINGS.action,
];

/// DescribeServices takes at most 10 services per call.
const SERVICES_BATCH: usize = 10;
/// DescribeTasks takes at most 100 tasks per call.
const TASKS_BATCH: usize = 100;
/// The task group ECS gives every task a service starts.
const SERVICE_GROUP_PREFIX: &str = "service:";

pub(super) async fn collect(scope: Scope) -> Collected<Ecs> {
    let client: Client = super::sdk_client!(aws_sdk_ecs, scope);
    let mut errors = Vec::new();
    let mut pages = client.list_clusters().into_paginator().items().send();
    let (arns, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    if let Some(e) = err {
        errors.push(LIST_CLUSTERS.listing_failed(&[Kind::EcsService], &e));
    }

    let s = &scope;
    let c = &client;
    let clusters = futures::stream::iter(arns.into_iter().map(|arn| cluster(c, s, arn)))
        .buffer_unordered(scope.concurrency)
        .collect::<Vec<_>>()
        .await;
    let mut ecs = Ecs::default();
    for (cluster, services, errs) in clusters {
        ecs.clusters.extend(cluster);
        ecs.services.extend(services);
        errors.extend(errs);
    }
    errors.extend(task_definitions(c, s, &mut ecs.services).await);
    errors.extend(default_log_mode(c, s, &mut ecs.services).await);
    (ecs, errors)
}

/// The name at the end of a cluster ARN (`arn:aws:ecs:<region>:<account>:cluster/<name>`).
fn cluster_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

fn strategy(items: &[CapacityProviderStrategyItem]) -> Vec<CapacityProviderItem> {
    items
        .iter()
        .map(|i| CapacityProviderItem {
            capacity_provider: i.capacity_provider().to_string(),
            weight: i64::from(i.weight()),
            base: i64::from(i.base()),
        })
        .collect()
}

/// Marks the listing of one cluster's services incomplete.
fn services_incomplete(mut err: CollectError, cluster_arn: &str) -> CollectError {
    err.resource = Some(cluster_arn.to_string());
    err
}

/// One cluster: its description, its services and their tasks.
async fn cluster(
    client: &Client,
    scope: &Scope,
    arn: String,
) -> (Option<EcsCluster>, Vec<EcsService>, Vec<CollectError>) {
    let name = cluster_name(&arn).to_string();
    let mut errors = Vec::new();
    let described = scope.call(client.describe_clusters().clusters(&arn).send());
    let mut pages = client
        .list_services()
        .cluster(&arn)
        .into_paginator()
        .items()
        .send();
    let listed = scope.call(drain(|cx| pages.poll_next(cx)));
    let (described, (service_arns, list_err), tasks) =
        tokio::join!(described, listed, cluster_tasks(client, scope, &arn));

    // The cluster itself: no rule judges it, so a failed description costs nothing else.
    let cluster = match described {
        Ok(out) => out.clusters().first().map(|c| EcsCluster {
            region: scope.region.clone(),
            cluster_name: c.cluster_name().unwrap_or(&name).to_string(),
            arn: arn.clone(),
            status: c.status().map(str::to_string),
            capacity_providers: c.capacity_providers().to_vec(),
            default_capacity_provider_strategy: strategy(c.default_capacity_provider_strategy()),
        }),
        Err(e) => {
            errors.push(DESCRIBE_CLUSTERS.detail_failed(&arn, &e));
            None
        }
    };
    if let Some(e) = list_err {
        errors.push(services_incomplete(
            LIST_SERVICES.listing_failed(&[Kind::EcsService], &e),
            &arn,
        ));
    }

    let batches: Vec<Vec<String>> = service_arns
        .chunks(SERVICES_BATCH)
        .map(<[String]>::to_vec)
        .collect();
    let described = futures::future::join_all(batches.into_iter().map(|batch| {
        scope.call(
            client
                .describe_services()
                .cluster(&arn)
                .set_services(Some(batch))
                .include(ServiceField::Tags)
                .send(),
        )
    }))
    .await;
    let mut services = Vec::new();
    for out in described {
        match out {
            Ok(out) => services.extend(out.services().iter().map(|sv| {
                EcsService {
                    region: scope.region.clone(),
                    cluster_name: name.clone(),
                    service_name: sv.service_name().unwrap_or_default().to_string(),
                    arn: sv.service_arn().unwrap_or_default().to_string(),
                    status: sv.status().map(str::to_string),
                    desired_count: i64::from(sv.desired_count()),
                    running_count: i64::from(sv.running_count()),
                    pending_count: i64::from(sv.pending_count()),
                    launch_type: sv.launch_type().map(|l| l.as_str().to_string()),
                    capacity_provider_strategy: strategy(sv.capacity_provider_strategy()),
                    scheduling_strategy: sv.scheduling_strategy().map(|s| s.as_str().to_string()),
                    deployment_controller: sv
                        .deployment_controller()
                        .map(|d| d.r#type().as_str().to_string()),
                    placement_strategy: sv
                        .placement_strategy()
                        .iter()
                        .map(|p| PlacementStrategy {
                            strategy_type: p
                                .r#type()
                                .map(|t| t.as_str())
                                .unwrap_or_default()
                                .to_string(),
                            field: p.field().map(str::to_string),
                        })
                        .collect(),
                    placement_constraints: sv
                        .placement_constraints()
                        .iter()
                        .map(|p| PlacementConstraint {
                            constraint_type: p
                                .r#type()
                                .map(|t| t.as_str())
                                .unwrap_or_default()
                                .to_string(),
                            expression: p.expression().map(str::to_string),
                        })
                        .collect(),
                    subnets: sv
                        .network_configuration()
                        .and_then(|n| n.awsvpc_configuration())
                        .map(|a| a.subnets().to_vec())
                        .unwrap_or_default(),
                    // ECS returns a deployment configuration for every rolling-update service;
                    // within it, a missing circuit breaker is the documented default: off.
                    circuit_breaker_enabled: sv
                        .deployment_configuration()
                        .map(|d| d.deployment_circuit_breaker().is_some_and(|b| b.enable())),
                    circuit_breaker_rollback: sv
                        .deployment_configuration()
                        .map(|d| d.deployment_circuit_breaker().is_some_and(|b| b.rollback())),
                    availability_zone_rebalancing: sv
                        .availability_zone_rebalancing()
                        .map(|a| a.as_str().to_string()),
                    task_definition: sv.task_definition().map(str::to_string),
                    target_group_arns: sv
                        .load_balancers()
                        .iter()
                        .filter_map(|l| l.target_group_arn().map(str::to_string))
                        .collect(),
                    tags: tags(sv.tags().iter().map(|t| (t.key(), t.value()))),
                    ..Default::default()
                }
            })),
            Err(e) => errors.push(services_incomplete(
                DESCRIBE_SERVICES.listing_failed(&[Kind::EcsService], &e),
                &arn,
            )),
        }
    }

    match tasks {
        Ok(tasks) => {
            let mut by_group: BTreeMap<String, Vec<EcsTask>> = BTreeMap::new();
            for t in &tasks {
                if let Some(group) = t.group() {
                    by_group.entry(group.to_string()).or_default().push(task(t));
                }
            }
            for sv in &mut services {
                let group = format!("{SERVICE_GROUP_PREFIX}{}", sv.service_name);
                sv.tasks = by_group.remove(&group).unwrap_or_default();
            }
        }
        Err(err) => {
            for sv in &mut services {
                mark_unreadable(&mut sv.unreadable, &["tasks"], &err);
            }
            errors.push(err);
        }
    }
    (cluster, services, errors)
}

fn task(t: &Task) -> EcsTask {
    let subnet_id = t
        .attachments()
        .iter()
        .filter(|a| a.r#type() == Some("ElasticNetworkInterface"))
        .flat_map(|a| a.details())
        .find(|d| d.name() == Some("subnetId"))
        .and_then(|d| d.value())
        .map(str::to_string);
    EcsTask {
        task_arn: t.task_arn().unwrap_or_default().to_string(),
        last_status: t.last_status().map(str::to_string),
        availability_zone: t.availability_zone().map(str::to_string),
        subnet_id,
        launch_type: t.launch_type().map(|l| l.as_str().to_string()),
    }
}

/// Every task of a cluster (ListTasks lists those whose desired status is RUNNING), or the
/// failure that leaves the tasks of its services unknown.
async fn cluster_tasks(
    client: &Client,
    scope: &Scope,
    cluster_arn: &str,
) -> Result<Vec<Task>, CollectError> {
    let mut pages = client
        .list_tasks()
        .cluster(cluster_arn)
        .into_paginator()
        .items()
        .send();
    let (arns, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    if let Some(e) = err {
        return Err(LIST_TASKS.detail_failed(cluster_arn, &e));
    }
    let mut tasks = Vec::new();
    for batch in arns.chunks(TASKS_BATCH) {
        let out = scope
            .call(
                client
                    .describe_tasks()
                    .cluster(cluster_arn)
                    .set_tasks(Some(batch.to_vec()))
                    .send(),
            )
            .await
            .map_err(|e| DESCRIBE_TASKS.detail_failed(cluster_arn, &e))?;
        tasks.extend(out.tasks().iter().cloned());
    }
    Ok(tasks)
}

fn containers(td: &TaskDefinition) -> Vec<EcsContainer> {
    td.container_definitions()
        .iter()
        .map(|c| {
            let log = c.log_configuration();
            EcsContainer {
                name: c.name().unwrap_or_default().to_string(),
                log_driver: log.map(|l| l.log_driver().as_str().to_string()),
                log_mode: log
                    .and_then(|l| l.options())
                    .and_then(|o| o.get("mode"))
                    .cloned(),
            }
        })
        .collect()
}

/// The containers of every task definition in use, one call per definition.
async fn task_definitions(
    client: &Client,
    scope: &Scope,
    services: &mut [EcsService],
) -> Vec<CollectError> {
    let arns: BTreeSet<String> = services
        .iter()
        .filter_map(|s| s.task_definition.clone())
        .collect();
    let answers = futures::stream::iter(arns.into_iter().map(|arn| async move {
        let out = scope
            .call(
                client
                    .describe_task_definition()
                    .task_definition(&arn)
                    .send(),
            )
            .await;
        (arn, out)
    }))
    .buffer_unordered(scope.concurrency)
    .collect::<Vec<_>>()
    .await;
    let mut errors = Vec::new();
    for (arn, out) in answers {
        let users = services
            .iter_mut()
            .filter(|s| s.task_definition.as_deref() == Some(arn.as_str()));
        match out {
            Ok(out) => {
                let found = out.task_definition().map(containers).unwrap_or_default();
                for s in users {
                    s.containers = found.clone();
                }
            }
            Err(e) => {
                let err = DESCRIBE_TASK_DEFINITION.detail_failed(&arn, &e);
                for s in users {
                    mark_unreadable(&mut s.unreadable, &["containers"], &err);
                }
                errors.push(err);
            }
        }
    }
    errors
}

/// True when a container logs through awslogs without choosing a mode, so that the account's
/// `defaultLogDriverMode` decides whether it blocks.
pub(crate) fn leaves_mode_to_account(c: &EcsContainer) -> bool {
    c.log_driver.as_deref() == Some("awslogs") && c.log_mode.is_none()
}

/// The region's effective default awslogs mode, read once and only when a container needs it.
async fn default_log_mode(
    client: &Client,
    scope: &Scope,
    services: &mut [EcsService],
) -> Vec<CollectError> {
    let needs = |s: &EcsService| s.containers.iter().any(leaves_mode_to_account);
    if !services.iter().any(needs) {
        return Vec::new();
    }
    let out = scope
        .call(
            client
                .list_account_settings()
                .name(SettingName::DefaultLogDriverMode)
                .effective_settings(true)
                .send(),
        )
        .await;
    match out {
        Ok(out) => {
            let value = out
                .settings()
                .iter()
                .find(|s| s.name() == Some(&SettingName::DefaultLogDriverMode))
                .and_then(|s| s.value())
                .map(str::to_string);
            for s in services.iter_mut().filter(|s| needs(s)) {
                s.default_log_driver_mode = value.clone();
            }
            Vec::new()
        }
        Err(e) => {
            let err = LIST_ACCOUNT_SETTINGS.listing_failed(&[], &e);
            for s in services.iter_mut().filter(|s| needs(s)) {
                mark_unreadable(&mut s.unreadable, &["default_log_driver_mode"], &err);
            }
            vec![err]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_names_come_from_their_arns() {
        assert_eq!(
            cluster_name("arn:aws:ecs:eu-west-1:111122223333:cluster/prod"),
            "prod"
        );
        assert_eq!(cluster_name("prod"), "prod");
    }

    #[test]
    fn only_awslogs_without_a_mode_defers_to_the_account() {
        let c = |driver: Option<&str>, mode: Option<&str>| EcsContainer {
            name: "app".into(),
            log_driver: driver.map(str::to_string),
            log_mode: mode.map(str::to_string),
        };
        assert!(leaves_mode_to_account(&c(Some("awslogs"), None)));
        assert!(!leaves_mode_to_account(&c(
            Some("awslogs"),
            Some("blocking")
        )));
        assert!(!leaves_mode_to_account(&c(Some("splunk"), None)));
        assert!(!leaves_mode_to_account(&c(None, None)));
    }
}
