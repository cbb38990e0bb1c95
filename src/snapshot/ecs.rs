use super::{Tags, Unreadable};
use serde::{Deserialize, Serialize};

/// ECS clusters and their services, with each service's running tasks and the logging of its
/// task definition's containers.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ecs {
    #[serde(default)]
    pub clusters: Vec<EcsCluster>,
    #[serde(default)]
    pub services: Vec<EcsService>,
}

impl Ecs {
    fn sort_lists(&mut self) {
        self.clusters
            .sort_by(|a, b| (&a.region, &a.cluster_name).cmp(&(&b.region, &b.cluster_name)));
        self.services.sort_by(|a, b| {
            (&a.region, &a.cluster_name, &a.service_name).cmp(&(
                &b.region,
                &b.cluster_name,
                &b.service_name,
            ))
        });
        for s in &mut self.services {
            s.tasks.sort_by(|a, b| a.task_arn.cmp(&b.task_arn));
            s.containers.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }
}

super::section!(Ecs { clusters, services => EcsService });

impl super::Listed for EcsService {
    const KIND: crate::registry::Kind = crate::registry::Kind::EcsService;
    fn region(&self) -> &str {
        &self.region
    }
    /// Service names are unique per cluster only.
    fn id(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Owned(format!("{}/{}", self.cluster_name, self.service_name))
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EcsCluster {
    pub region: String,
    pub cluster_name: String,
    pub arn: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub capacity_providers: Vec<String>,
    #[serde(default)]
    pub default_capacity_provider_strategy: Vec<CapacityProviderItem>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CapacityProviderItem {
    pub capacity_provider: String,
    #[serde(default)]
    pub weight: i64,
    #[serde(default)]
    pub base: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlacementStrategy {
    /// `random`, `spread` or `binpack`.
    #[serde(rename = "type")]
    pub strategy_type: String,
    /// e.g. `attribute:ecs.availability-zone`, `instanceId`, `memory`.
    #[serde(default)]
    pub field: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlacementConstraint {
    /// `distinctInstance` or `memberOf`.
    #[serde(rename = "type")]
    pub constraint_type: String,
    #[serde(default)]
    pub expression: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EcsService {
    pub region: String,
    pub cluster_name: String,
    pub service_name: String,
    pub arn: String,
    /// `ACTIVE`, `DRAINING` or `INACTIVE`.
    #[serde(default)]
    pub status: Option<String>,
    pub desired_count: i64,
    pub running_count: i64,
    #[serde(default)]
    pub pending_count: i64,
    /// `EC2`, `FARGATE` or `EXTERNAL`; absent when the service uses capacity providers.
    #[serde(default)]
    pub launch_type: Option<String>,
    #[serde(default)]
    pub capacity_provider_strategy: Vec<CapacityProviderItem>,
    /// `REPLICA` or `DAEMON`.
    #[serde(default)]
    pub scheduling_strategy: Option<String>,
    /// `ECS` (rolling update), `CODE_DEPLOY` or `EXTERNAL`.
    #[serde(default)]
    pub deployment_controller: Option<String>,
    #[serde(default)]
    pub placement_strategy: Vec<PlacementStrategy>,
    #[serde(default)]
    pub placement_constraints: Vec<PlacementConstraint>,
    /// `networkConfiguration.awsvpcConfiguration.subnets` (awsvpc network mode only).
    #[serde(default)]
    pub subnets: Vec<String>,
    /// `deploymentConfiguration.deploymentCircuitBreaker.enable`; absent when the API
    /// returned no deployment configuration.
    #[serde(default)]
    pub circuit_breaker_enabled: Option<bool>,
    #[serde(default)]
    pub circuit_breaker_rollback: Option<bool>,
    /// `ENABLED` or `DISABLED`; absent when the API did not return it.
    #[serde(default)]
    pub availability_zone_rebalancing: Option<String>,
    #[serde(default)]
    pub task_definition: Option<String>,
    /// `loadBalancers[].targetGroupArn`: the target groups its tasks register in. Absent in
    /// snapshots written before it was read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub target_group_arns: Vec<String>,
    /// The service's tasks (ListTasks + DescribeTasks, matched by group `service:<name>`).
    #[serde(default)]
    pub tasks: Vec<EcsTask>,
    /// The containers of the task definition and how they log (DescribeTaskDefinition).
    #[serde(default)]
    pub containers: Vec<EcsContainer>,
    /// The region's effective `defaultLogDriverMode` account setting, read only when a
    /// container's awslogs configuration leaves the mode to it.
    #[serde(default)]
    pub default_log_driver_mode: Option<String>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EcsTask {
    pub task_arn: String,
    /// `PROVISIONING`, `PENDING`, `RUNNING`, `STOPPED`...
    #[serde(default)]
    pub last_status: Option<String>,
    #[serde(default)]
    pub availability_zone: Option<String>,
    /// The subnet of the task's network interface (awsvpc network mode).
    #[serde(default)]
    pub subnet_id: Option<String>,
    #[serde(default)]
    pub launch_type: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EcsContainer {
    pub name: String,
    /// `logConfiguration.logDriver`, e.g. `awslogs`.
    #[serde(default)]
    pub log_driver: Option<String>,
    /// `logConfiguration.options.mode`: `blocking` or `non-blocking`; absent when unset.
    #[serde(default)]
    pub log_mode: Option<String>,
}
