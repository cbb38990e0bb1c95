//! ECS clusters (with `aws_ecs_cluster_capacity_providers`) and services: the AZs of a
//! service's subnets, its desired count, placement, deployment circuit breaker and where its
//! tasks run (its launch type, its capacity providers, or its cluster's default strategy).

use super::reader::*;
use super::*;

/// Cluster address -> its default capacity provider strategy, or why it is unknown.
pub(super) type ClusterStrategies = HashMap<String, Result<Vec<CapacityProviderItem>, String>>;

/// Capacity provider strategy blocks as the plan holds them.
fn strategy(blocks: &[Value]) -> Vec<CapacityProviderItem> {
    blocks
        .iter()
        .filter_map(|b| {
            Some(CapacityProviderItem {
                capacity_provider: b.get("capacity_provider")?.as_str()?.to_string(),
                weight: b.get("weight").and_then(Value::as_i64).unwrap_or(0),
                base: b.get("base").and_then(Value::as_i64).unwrap_or(0),
            })
        })
        .collect()
}

/// A list of nested blocks, or why it is unknown (noted under `field`).
fn blocks<'p>(r: &mut Reader<'_, 'p>, attr: &str, field: &str) -> Result<&'p [Value], String> {
    match r.get(attr) {
        Got::Known(Value::Array(a)) => Ok(a),
        Got::Unknown => {
            let why = r.after_apply(attr);
            r.mark(field, why.clone());
            Err(why)
        }
        _ => Ok(&[]),
    }
}

/// Task definition address -> its containers and how they log, or why they are unknown.
pub(super) type TaskDefinitions = HashMap<String, Result<Vec<EcsContainer>, String>>;

/// The containers of a task definition's `container_definitions` (a JSON document, as
/// `jsonencode` writes it): each one's log driver and awslogs `mode`.
fn containers(doc: &str) -> Option<Vec<EcsContainer>> {
    let defs: Vec<Value> = serde_json::from_str(doc).ok()?;
    Some(
        defs.iter()
            .map(|c| {
                let log = c.get("logConfiguration");
                let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
                EcsContainer {
                    name: text(c.get("name")).unwrap_or_default(),
                    log_driver: text(log.and_then(|l| l.get("logDriver"))),
                    log_mode: text(log.and_then(|l| l.get("options")?.get("mode"))),
                }
            })
            .collect(),
    )
}

impl<'a, 'p> Builder<'a, 'p> {
    pub(super) fn ecs_task_definitions(&self, instances: &[&Inst<'p>]) -> TaskDefinitions {
        of_types(instances, &["aws_ecs_task_definition"])
            .into_iter()
            .map(|i| {
                let r = Reader::new(self.plan, i, self.view);
                let got = match r.get("container_definitions") {
                    Got::Known(Value::String(doc)) => containers(doc).ok_or_else(|| {
                        format!(
                            "the container_definitions of {} are not a JSON array",
                            i.address
                        )
                    }),
                    _ => Err(r.after_apply("container_definitions")),
                };
                (i.address.clone(), got)
            })
            .collect()
    }

    /// The clusters of the plan and their default capacity provider strategies.
    pub(super) fn ecs_clusters(&mut self, instances: &[&Inst<'p>]) -> ClusterStrategies {
        let mut out = ClusterStrategies::new();
        for i in of_types(instances, &["aws_ecs_cluster"]) {
            let mut r = Reader::new(self.plan, i, self.view);
            // Older providers set the strategy on the cluster itself.
            let own =
                blocks(&mut r, "default_capacity_provider_strategy", "strategy").map(strategy);
            let providers = r.strings("capacity_providers", "capacity_providers");
            self.snap.ecs.clusters.push(EcsCluster {
                region: self.region(i),
                cluster_name: i.address.clone(),
                arn: i.address.clone(),
                status: Some("ACTIVE".into()),
                capacity_providers: providers,
                default_capacity_provider_strategy: own.clone().unwrap_or_default(),
            });
            out.insert(i.address.clone(), own);
        }
        for i in of_types(instances, &["aws_ecs_cluster_capacity_providers"]) {
            let mut r = Reader::new(self.plan, i, self.view);
            let Some(Some(cluster)) = r.link("cluster_name", "cluster_name") else {
                continue;
            };
            let own =
                blocks(&mut r, "default_capacity_provider_strategy", "strategy").map(strategy);
            let providers = r.strings("capacity_providers", "capacity_providers");
            if let Some(c) = self
                .snap
                .ecs
                .clusters
                .iter_mut()
                .find(|c| c.cluster_name == cluster)
            {
                c.capacity_providers.extend(providers);
                if let Ok(s) = &own {
                    c.default_capacity_provider_strategy
                        .extend(s.iter().cloned());
                }
            }
            match (out.get_mut(&cluster), own) {
                (Some(Ok(s)), Ok(more)) => s.extend(more),
                (Some(slot), Err(why)) => *slot = Err(why),
                _ => {}
            }
        }
        out
    }

    pub(super) fn ecs_service(
        &mut self,
        i: &Inst<'p>,
        subnet_az: &SubnetAz,
        clusters: &ClusterStrategies,
        task_defs: &TaskDefinitions,
    ) {
        let region = self.region(i);
        let mut r = Reader::new(self.plan, i, self.view);
        // Without `cluster`, ECS uses the region's `default` cluster.
        let cluster = r.link("cluster", "cluster");
        let cluster_name = match &cluster {
            Some(Some(c)) => c.clone(),
            Some(None) => "default".to_string(),
            None => "unknown".to_string(),
        };
        let ids = r.nested_links("network_configuration", "subnets", "subnet_azs");
        let (subnets, _) = Self::subnet_links(&mut r, subnet_az, ids, "subnets");
        // Where tasks run: the launch type, the service's capacity providers, else (neither
        // set) the cluster's default strategy, and EC2 when the cluster has none.
        let mut capacity_provider_strategy =
            blocks(&mut r, "capacity_provider_strategy", "runs_on_ec2")
                .map(strategy)
                .unwrap_or_default();
        let mut launch_type = match r.get("launch_type") {
            Got::Known(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Got::Unknown if r.configured("launch_type") => {
                let why = r.after_apply("launch_type");
                r.mark_all(&["launch_type", "runs_on_ec2"], &why);
                None
            }
            _ => None,
        };
        let neither = launch_type.is_none()
            && capacity_provider_strategy.is_empty()
            && !r.configured("launch_type")
            && !r.configured("capacity_provider_strategy");
        if neither {
            let from_cluster = match &cluster {
                Some(Some(c)) => clusters.get(c).cloned().unwrap_or_else(|| {
                    Err(format!(
                        "cluster {c} is not in the plan, so whether its default capacity \
                         provider strategy applies is unknown"
                    ))
                }),
                Some(None) => Err(
                    "the region's default cluster is not in the plan, so whether its default \
                     capacity provider strategy applies is unknown"
                        .to_string(),
                ),
                None => Err(r.out.unknown.get("cluster").cloned().unwrap_or_default()),
            };
            match from_cluster {
                Ok(s) if !s.is_empty() => capacity_provider_strategy = s,
                Ok(_) => {
                    launch_type = r.string("launch_type", "launch_type");
                    if let Some(why) = r.out.assumed.get("launch_type").cloned() {
                        r.out.assumed.insert("runs_on_ec2".into(), why);
                    }
                }
                Err(why) => r.mark_all(
                    &["launch_type", "capacity_provider_strategy", "runs_on_ec2"],
                    &why,
                ),
            }
        }
        let placement_strategy = blocks(&mut r, "ordered_placement_strategy", "placement_strategy")
            .map(|b| {
                b.iter()
                    .filter_map(|p| {
                        Some(PlacementStrategy {
                            strategy_type: p.get("type")?.as_str()?.to_string(),
                            field: p.get("field").and_then(Value::as_str).map(str::to_string),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        if let Some(why) = r.out.unknown.get("placement_strategy").cloned() {
            r.mark("spreads_over_azs_first", why);
        }
        let placement_constraints =
            blocks(&mut r, "placement_constraints", "placement_constraints")
                .map(|b| {
                    b.iter()
                        .filter_map(|p| {
                            Some(PlacementConstraint {
                                constraint_type: p.get("type")?.as_str()?.to_string(),
                                expression: p
                                    .get("expression")
                                    .and_then(Value::as_str)
                                    .filter(|e| !e.is_empty())
                                    .map(str::to_string),
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
        let circuit_breaker_enabled = r.nested_bool(
            "deployment_circuit_breaker",
            "enable",
            "circuit_breaker_enabled",
        );
        let circuit_breaker_rollback = r.nested_bool(
            "deployment_circuit_breaker",
            "rollback",
            "circuit_breaker_rollback",
        );
        let deployment_controller = r
            .nested("deployment_controller", "type", "deployment_controller")
            .and_then(|v| v.as_str().map(str::to_string));
        // ECS turns rebalancing on at creation only for a service it deems compatible: unset,
        // the value is the service's after apply.
        let availability_zone_rebalancing = match r.get("availability_zone_rebalancing") {
            Got::Known(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            _ => {
                let why = r.after_apply("availability_zone_rebalancing");
                r.mark("availability_zone_rebalancing", why);
                None
            }
        };
        let target_group_arns = r
            .nested_links("load_balancer", "target_group_arn", "target_group_arns")
            .unwrap_or_default();
        r.mark_all(
            &[
                "running_count",
                "pending_count",
                "running_task_count",
                "running_task_azs",
                "running_tasks_by_az",
            ],
            RUNTIME,
        );
        // The containers of its task definition, and how they log.
        let task_definition = r.link("task_definition", "task_definition").flatten();
        let containers = match task_definition.as_ref().map(|t| (t, task_defs.get(t))) {
            Some((_, Some(Ok(c)))) => c.clone(),
            Some((_, Some(Err(why)))) => {
                r.mark("blocking_log_containers", why.clone());
                Vec::new()
            }
            Some((t, None)) => {
                r.mark(
                    "blocking_log_containers",
                    format!("task definition {t} is not in the plan"),
                );
                Vec::new()
            }
            None => {
                let why = r.out.unknown.get("task_definition").cloned();
                r.mark(
                    "blocking_log_containers",
                    why.unwrap_or_else(|| "it names no task definition".into()),
                );
                Vec::new()
            }
        };
        let service = EcsService {
            region: region.clone(),
            cluster_name,
            service_name: i.address.clone(),
            arn: i.address.clone(),
            status: Some("ACTIVE".into()),
            desired_count: r.int("desired_count", "desired_count").unwrap_or(0),
            running_count: 0,
            pending_count: 0,
            launch_type,
            capacity_provider_strategy,
            scheduling_strategy: r.string("scheduling_strategy", "scheduling_strategy"),
            deployment_controller,
            placement_strategy,
            placement_constraints,
            subnets,
            circuit_breaker_enabled,
            circuit_breaker_rollback,
            availability_zone_rebalancing,
            task_definition,
            target_group_arns,
            tasks: Vec::new(),
            containers,
            default_log_driver_mode: None,
            tags: tags(i.after),
            unreadable: Unreadable::new(),
        };
        let id = Listed::id(&service).into_owned();
        self.snap.ecs.services.push(service);
        let out = r.finish();
        self.entry_id(i, "ecs.service", &region, id, out);
    }
}
