//! Where each resource starts in a snapshot file written by ha-audit, so that SARIF results
//! can point at the resource's line in a snapshot saved next to the report.

use super::{to_json, Snapshot, GLOBAL_REGION};
use std::collections::HashMap;

/// (resource kind, region, resource id) -> 1-based line of the object's opening brace.
pub type ResourceLines = HashMap<(String, String, String), usize>;

/// Lines of every resource in `text`, or None when `text` is not exactly how ha-audit writes
/// `snapshot` (a hand-edited or older file): positions would then be guesses.
pub fn resource_lines(snapshot: &Snapshot, text: &str) -> Option<ResourceLines> {
    if to_json(snapshot) != text {
        return None;
    }
    // Pretty JSON with two-space indents: services at 2, lists at 4, list items at 6.
    let mut starts: HashMap<(String, String), Vec<usize>> = HashMap::new();
    let (mut service, mut list) = (String::new(), String::new());
    for (i, line) in text.lines().enumerate() {
        if let Some(key) = line
            .strip_prefix("  \"")
            .and_then(|l| l.split_once("\": {"))
        {
            service = key.0.to_string();
        } else if let Some(key) = line
            .strip_prefix("    \"")
            .and_then(|l| l.split_once("\": ["))
        {
            list = key.0.to_string();
        } else if line == "      {" {
            starts
                .entry((service.clone(), list.clone()))
                .or_default()
                .push(i + 1);
        }
    }
    let mut out = ResourceLines::new();
    let mut put = |service: &str, list: &str, keys: Vec<(&'static str, String, String)>| {
        if let Some(lines) = starts.get(&(service.to_string(), list.to_string())) {
            for ((kind, region, id), line) in keys.into_iter().zip(lines) {
                out.insert((kind.to_string(), region, id), *line);
            }
        }
    };
    let s = snapshot;
    let g = || GLOBAL_REGION.to_string();
    put(
        "ec2",
        "vpcs",
        s.ec2
            .vpcs
            .iter()
            .map(|x| ("ec2.vpc", x.region.clone(), x.vpc_id.clone()))
            .collect(),
    );
    put(
        "ec2",
        "subnets",
        s.ec2
            .subnets
            .iter()
            .map(|x| ("ec2.subnet", x.region.clone(), x.subnet_id.clone()))
            .collect(),
    );
    put(
        "ec2",
        "route_tables",
        s.ec2
            .route_tables
            .iter()
            .map(|x| {
                (
                    "ec2.route_table",
                    x.region.clone(),
                    x.route_table_id.clone(),
                )
            })
            .collect(),
    );
    put(
        "ec2",
        "nat_gateways",
        s.ec2
            .nat_gateways
            .iter()
            .map(|x| {
                (
                    "ec2.nat_gateway",
                    x.region.clone(),
                    x.nat_gateway_id.clone(),
                )
            })
            .collect(),
    );
    put(
        "ec2",
        "instances",
        s.ec2
            .instances
            .iter()
            .map(|x| ("ec2.instance", x.region.clone(), x.instance_id.clone()))
            .collect(),
    );
    put(
        "ec2",
        "vpc_endpoints",
        s.ec2
            .vpc_endpoints
            .iter()
            .map(|x| {
                (
                    "ec2.vpc_endpoint",
                    x.region.clone(),
                    x.vpc_endpoint_id.clone(),
                )
            })
            .collect(),
    );
    put(
        "rds",
        "db_instances",
        s.rds
            .db_instances
            .iter()
            .map(|x| {
                (
                    "rds.db_instance",
                    x.region.clone(),
                    x.db_instance_identifier.clone(),
                )
            })
            .collect(),
    );
    put(
        "rds",
        "db_clusters",
        s.rds
            .db_clusters
            .iter()
            .map(|x| {
                (
                    "rds.db_cluster",
                    x.region.clone(),
                    x.db_cluster_identifier.clone(),
                )
            })
            .collect(),
    );
    put(
        "elbv2",
        "load_balancers",
        s.elbv2
            .load_balancers
            .iter()
            .map(|x| ("elbv2.load_balancer", x.region.clone(), x.name.clone()))
            .collect(),
    );
    put(
        "elbv2",
        "target_groups",
        s.elbv2
            .target_groups
            .iter()
            .map(|x| ("elbv2.target_group", x.region.clone(), x.name.clone()))
            .collect(),
    );
    put(
        "autoscaling",
        "groups",
        s.autoscaling
            .groups
            .iter()
            .map(|x| ("autoscaling.group", x.region.clone(), x.name.clone()))
            .collect(),
    );
    put(
        "s3",
        "buckets",
        s.s3.buckets
            .iter()
            .map(|x| ("s3.bucket", x.region.clone(), x.name.clone()))
            .collect(),
    );
    put(
        "efs",
        "file_systems",
        s.efs
            .file_systems
            .iter()
            .map(|x| {
                (
                    "efs.file_system",
                    x.region.clone(),
                    x.file_system_id.clone(),
                )
            })
            .collect(),
    );
    put(
        "ebs",
        "volumes",
        s.ebs
            .volumes
            .iter()
            .map(|x| ("ebs.volume", x.region.clone(), x.volume_id.clone()))
            .collect(),
    );
    put(
        "backup",
        "plans",
        s.backup
            .plans
            .iter()
            .map(|x| ("backup.plan", x.region.clone(), x.backup_plan_id.clone()))
            .collect(),
    );
    put(
        "route53",
        "hosted_zones",
        s.route53
            .hosted_zones
            .iter()
            .map(|x| ("route53.hosted_zone", g(), x.id.clone()))
            .collect(),
    );
    put(
        "route53",
        "health_checks",
        s.route53
            .health_checks
            .iter()
            .map(|x| ("route53.health_check", g(), x.id.clone()))
            .collect(),
    );
    put(
        "route53",
        "record_sets",
        s.route53
            .record_sets
            .iter()
            .map(|x| {
                let id = format!(
                    "{}/{}/{}/{}",
                    x.hosted_zone_id,
                    x.name,
                    x.record_type,
                    x.set_identifier.as_deref().unwrap_or("")
                );
                ("route53.record", g(), id)
            })
            .collect(),
    );
    put(
        "elasticache",
        "replication_groups",
        s.elasticache
            .replication_groups
            .iter()
            .map(|x| {
                (
                    "elasticache.replication_group",
                    x.region.clone(),
                    x.replication_group_id.clone(),
                )
            })
            .collect(),
    );
    put(
        "elasticache",
        "cache_clusters",
        s.elasticache
            .cache_clusters
            .iter()
            .map(|x| {
                (
                    "elasticache.cache_cluster",
                    x.region.clone(),
                    x.cache_cluster_id.clone(),
                )
            })
            .collect(),
    );
    put(
        "dynamodb",
        "tables",
        s.dynamodb
            .tables
            .iter()
            .map(|x| ("dynamodb.table", x.region.clone(), x.table_name.clone()))
            .collect(),
    );
    put(
        "lambda",
        "functions",
        s.lambda
            .functions
            .iter()
            .map(|x| ("lambda.function", x.region.clone(), x.function_name.clone()))
            .collect(),
    );
    put(
        "cloudfront",
        "distributions",
        s.cloudfront
            .distributions
            .iter()
            .map(|x| ("cloudfront.distribution", g(), x.id.clone()))
            .collect(),
    );
    put(
        "cloudwatch",
        "alarms",
        s.cloudwatch
            .alarms
            .iter()
            .map(|x| ("cloudwatch.alarm", x.region.clone(), x.alarm_name.clone()))
            .collect(),
    );
    put(
        "vpn",
        "vpn_connections",
        s.vpn
            .vpn_connections
            .iter()
            .map(|x| {
                (
                    "vpn.connection",
                    x.region.clone(),
                    x.vpn_connection_id.clone(),
                )
            })
            .collect(),
    );
    put(
        "ecs",
        "services",
        s.ecs
            .services
            .iter()
            .map(|x| {
                let id = format!("{}/{}", x.cluster_name, x.service_name);
                ("ecs.service", x.region.clone(), id)
            })
            .collect(),
    );
    put(
        "eks",
        "clusters",
        s.eks
            .clusters
            .iter()
            .map(|x| ("eks.cluster", x.region.clone(), x.name.clone()))
            .collect(),
    );
    put(
        "eks",
        "nodegroups",
        s.eks
            .nodegroups
            .iter()
            .map(|x| {
                let id = format!("{}/{}", x.cluster_name, x.nodegroup_name);
                ("eks.nodegroup", x.region.clone(), id)
            })
            .collect(),
    );
    Some(out)
}
