//! The one table of provider defaults: what AWS (through the `hashicorp/aws` provider) gives
//! an attribute the configuration does not set. A plan shows such an attribute as unknown
//! (`after_unknown`) or absent; the reader takes the default from here and the findings that
//! rely on it say `assumed default`. Each value is the one the provider's documentation of
//! the resource states (registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/
//! <type>); where the documentation and the API differ, the value that cannot turn a failure
//! into a pass is kept.

use serde_json::{json, Value};

/// A documented default of one attribute of one resource type.
pub struct Default {
    pub resource_type: &'static str,
    /// The attribute (a nested one as `block.attribute`).
    pub attribute: &'static str,
    pub value: fn() -> Value,
    /// Where it is documented.
    pub source: &'static str,
}

macro_rules! defaults {
    ($(($t:literal, $a:literal, $v:expr, $src:literal),)*) => {
        /// Every default the reader assumes.
        pub const DEFAULTS: &[Default] = &[$(Default {
            resource_type: $t,
            attribute: $a,
            value: || json!($v),
            source: $src,
        },)*];
    };
}

defaults! {
    // "multi_az - (Optional) Specifies if the RDS instance is multi-AZ"; the API's MultiAZ
    // defaults to false.
    ("aws_db_instance", "multi_az", false, "db_instance: multi_az"),
    // "backup_retention_period - (Optional) The days to retain backups for. ... Default is 0."
    // (The RDS API alone would take 1; 0 cannot turn a failure into a pass.)
    ("aws_db_instance", "backup_retention_period", 0, "db_instance: backup_retention_period"),
    ("aws_db_instance", "deletion_protection", false, "db_instance: deletion_protection"),
    ("aws_db_instance", "monitoring_interval", 0, "db_instance: monitoring_interval"),
    ("aws_db_instance", "publicly_accessible", false, "db_instance: publicly_accessible"),
    // "health_check_type - (Optional) \"EC2\" or \"ELB\". Controls how health checking is done."
    // The API's default is EC2.
    ("aws_autoscaling_group", "health_check_type", "EC2", "autoscaling_group: health_check_type"),
    ("aws_autoscaling_group", "health_check_grace_period", 300, "autoscaling_group: health_check_grace_period"),
    ("aws_autoscaling_group", "capacity_rebalance", false, "autoscaling_group: capacity_rebalance"),
    ("aws_lb", "load_balancer_type", "application", "lb: load_balancer_type"),
    ("aws_lb", "internal", false, "lb: internal"),
    ("aws_lb", "enable_deletion_protection", false, "lb: enable_deletion_protection"),
    // Network and Gateway Load Balancers: off unless enabled; always on for ALBs.
    ("aws_lb", "enable_cross_zone_load_balancing", false, "lb: enable_cross_zone_load_balancing"),
    ("aws_nat_gateway", "connectivity_type", "public", "nat_gateway: connectivity_type"),
    ("aws_subnet", "map_public_ip_on_launch", false, "subnet: map_public_ip_on_launch"),
    ("aws_route53_health_check", "disabled", false, "route53_health_check: disabled"),
    ("aws_route53_health_check", "invert_healthcheck", false, "route53_health_check: invert_healthcheck"),
    ("aws_route53_health_check", "failure_threshold", 3, "route53_health_check: failure_threshold"),
    ("aws_route53_health_check", "request_interval", 30, "route53_health_check: request_interval"),
    // "target_type - (Optional, Forces new resource) Type of target ... The default is
    // `instance`."
    ("aws_lb_target_group", "target_type", "instance", "lb_target_group: target_type"),
    // "load_balancing_cross_zone_enabled - (Optional) ... The value is "true", "false" or
    // "use_load_balancer_configuration". The default is "use_load_balancer_configuration"."
    ("aws_lb_target_group", "load_balancing_cross_zone_enabled", "use_load_balancer_configuration", "lb_target_group: load_balancing_cross_zone_enabled"),
    // health_check: "enabled - (Optional) Whether health checks are enabled. Defaults to
    // `true`."; "interval - ... Defaults to 30."; "unhealthy_threshold - ... Defaults to 3."
    ("aws_lb_target_group", "health_check.enabled", true, "lb_target_group: health_check.enabled"),
    ("aws_lb_target_group", "health_check.interval", 30, "lb_target_group: health_check.interval"),
    ("aws_lb_target_group", "health_check.unhealthy_threshold", 3, "lb_target_group: health_check.unhealthy_threshold"),
    // "reserved_concurrent_executions - (Optional) Amount of reserved concurrent executions
    // for this lambda function. A value of 0 disables lambda from being triggered and -1
    // removes any concurrency limitations. Defaults to Unreserved Concurrency Limits -1."
    ("aws_lambda_function", "reserved_concurrent_executions", -1, "lambda_function: reserved_concurrent_executions"),
    // "desired_count - (Optional) Number of instances of the task definition to place and
    // keep running. Defaults to 0."
    ("aws_ecs_service", "desired_count", 0, "ecs_service: desired_count"),
    // "scheduling_strategy - (Optional) ... The valid values are `REPLICA` and `DAEMON`.
    // Defaults to `REPLICA`."
    ("aws_ecs_service", "scheduling_strategy", "REPLICA", "ecs_service: scheduling_strategy"),
    // "launch_type - (Optional) ... The valid values are `EC2`, `FARGATE`, and `EXTERNAL`.
    // Defaults to `EC2`. Conflicts with `capacity_provider_strategy`." Taken only when the
    // service's cluster is in the plan without a default capacity provider strategy.
    ("aws_ecs_service", "launch_type", "EC2", "ecs_service: launch_type"),
    // deployment_controller: "type - (Optional) Type of deployment controller. Valid values:
    // `CODE_DEPLOY`, `ECS`, `EXTERNAL`. Default: `ECS`."
    ("aws_ecs_service", "deployment_controller.type", "ECS", "ecs_service: deployment_controller.type"),
    // deployment_circuit_breaker: "enable - (Required) Whether to enable the deployment
    // circuit breaker logic for the service."; without the block ECS creates the service with
    // the circuit breaker off (DeploymentCircuitBreaker `enable` false).
    ("aws_ecs_service", "deployment_circuit_breaker.enable", false, "ecs_service: deployment_circuit_breaker"),
    // EKS CreateCluster: "deletionProtection - Indicates whether to enable deletion protection
    // for the cluster. ... Default value is `false`." (the provider's argument passes it on).
    ("aws_eks_cluster", "deletion_protection", false, "eks_cluster: deletion_protection"),
    // "point_in_time_recovery - (Optional) ... If the block is not provided, this defaults to
    // false."
    ("aws_dynamodb_table", "point_in_time_recovery.enabled", false, "dynamodb_table: point_in_time_recovery"),
    ("aws_dynamodb_table", "deletion_protection_enabled", false, "dynamodb_table: deletion_protection_enabled"),
}

/// The default of `attribute` of `resource_type`, if the table has one. `aws_alb` is the
/// same resource as `aws_lb`, `aws_alb_target_group` as `aws_lb_target_group`.
pub fn of(resource_type: &str, attribute: &str) -> Option<Value> {
    let t = match resource_type {
        "aws_alb" => "aws_lb",
        "aws_alb_target_group" => "aws_lb_target_group",
        t => t,
    };
    DEFAULTS
        .iter()
        .find(|d| d.resource_type == t && d.attribute == attribute)
        .map(|d| (d.value)())
}
