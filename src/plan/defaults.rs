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
    // "backup_retention_period - (Optional) Days to retain backups for. Default `1`."
    ("aws_rds_cluster", "backup_retention_period", 1, "rds_cluster: backup_retention_period"),
    // "deletion_protection - (Optional) If the DB cluster should have deletion protection
    // enabled. ... The default is `false`."
    ("aws_rds_cluster", "deletion_protection", false, "rds_cluster: deletion_protection"),
    // "engine_mode - (Optional) Database engine mode. Valid values: `global` ...,
    // `parallelquery`, `provisioned`, `serverless`. Defaults to: `provisioned`."
    ("aws_rds_cluster", "engine_mode", "provisioned", "rds_cluster: engine_mode"),
    // "backtrack_window - (Optional) Target backtrack window, in seconds. Only available for
    // `aurora` and `aurora-mysql` engines currently. To disable backtracking, set this value
    // to `0`. Defaults to `0`."
    ("aws_rds_cluster", "backtrack_window", 0, "rds_cluster: backtrack_window"),
    // "publicly_accessible - (Optional) Bool to control if instance is publicly accessible.
    // Default `false`."
    ("aws_rds_cluster_instance", "publicly_accessible", false, "rds_cluster_instance: publicly_accessible"),
    // "monitoring_interval - (Optional) Interval, in seconds, between points when Enhanced
    // Monitoring metrics are collected for the DB instance. To disable collecting Enhanced
    // Monitoring metrics, specify 0. The default is 0."
    ("aws_rds_cluster_instance", "monitoring_interval", 0, "rds_cluster_instance: monitoring_interval"),
    // "automatic_failover_enabled - (Optional) Specifies whether a read-only replica will be
    // automatically promoted to read/write primary if the existing primary fails. ... Defaults
    // to `false`."
    ("aws_elasticache_replication_group", "automatic_failover_enabled", false, "elasticache_replication_group: automatic_failover_enabled"),
    // "multi_az_enabled - (Optional) Specifies whether to enable Multi-AZ Support for the
    // replication group. If true, `automatic_failover_enabled` must also be enabled. Defaults
    // to `false`."
    ("aws_elasticache_replication_group", "multi_az_enabled", false, "elasticache_replication_group: multi_az_enabled"),
    // "num_cache_clusters - (Optional) Number of cache clusters (primary and replicas) this
    // replication group will have. ... Defaults to `1`." (when cluster mode is not used)
    ("aws_elasticache_replication_group", "num_cache_clusters", 1, "elasticache_replication_group: num_cache_clusters"),
    // "snapshot_retention_limit - (Optional, Redis only) Number of days for which ElastiCache
    // will retain automatic cache cluster snapshots before deleting them. ... If the value of
    // SnapshotRetentionLimit is set to zero (0), backups are turned off." The API's default is 0.
    ("aws_elasticache_replication_group", "snapshot_retention_limit", 0, "elasticache_replication_group: snapshot_retention_limit"),
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
    // "billing_mode - (Optional) Controls how you are charged for read and write throughput and
    // how you manage capacity. The valid values are `PROVISIONED` and `PAY_PER_REQUEST`.
    // Defaults to `PROVISIONED`."
    ("aws_dynamodb_table", "billing_mode", "PROVISIONED", "dynamodb_table: billing_mode"),
    ("aws_dynamodb_table", "deletion_protection_enabled", false, "dynamodb_table: deletion_protection_enabled"),
    // No `aws_efs_backup_policy`: "When you use the CLI or API to create a file system,
    // automatic backups are enabled by default only for One Zone file systems" (EFS User
    // Guide, Backing up EFS file systems; CreateFileSystem `Backup`: "Default is false.
    // However, if you specify an AvailabilityZoneName, the default is true"). The reader
    // assumes it for Regional file systems only.
    ("aws_efs_file_system", "backup_policy.status", "DISABLED", "efs_file_system: (aws_efs_backup_policy) backup_policy.status"),
    // "object_lock_enabled - (Optional, Forces new resource) Indicates whether this bucket has
    // an Object Lock configuration enabled. Valid values are `true` or `false`." Unset, the
    // provider leaves CreateBucket's ObjectLockEnabledForBucket out, and the bucket has no
    // Object Lock unless an `aws_s3_bucket_object_lock_configuration` adds it.
    ("aws_s3_bucket", "object_lock_enabled", false, "s3_bucket: object_lock_enabled"),
    // Neither an `aws_s3_bucket_versioning` nor the inline `versioning` block: "Buckets can be
    // in one of three states: unversioned (the default), versioning-enabled, or
    // versioning-suspended" (S3 User Guide, Versioning); the inline block's "enabled -
    // (Optional) Enable versioning" defaults to `false`.
    ("aws_s3_bucket", "versioning.enabled", false, "s3_bucket: versioning.enabled"),
    // "snapshot_retention_limit - (Optional, Redis only) Number of days for which ElastiCache
    // will retain automatic cache cluster snapshots before deleting them. ... If the value of
    // SnapshotRetentionLimit is set to zero (0), backups are turned off." The API's default is 0.
    ("aws_elasticache_cluster", "snapshot_retention_limit", 0, "elasticache_cluster: snapshot_retention_limit"),
    // "az_mode - (Optional, Memcached only) Whether the nodes in this Memcached node group are
    // created in a single Availability Zone or created across multiple Availability Zones in
    // the cluster's region. Valid values for this parameter are `single-az` or `cross-az`,
    // default is `single-az`."
    ("aws_elasticache_cluster", "az_mode", "single-az", "elasticache_cluster: az_mode"),
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
