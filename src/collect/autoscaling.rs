//! Auto Scaling groups, with their instances and tags (one paginated call per region).

use crate::registry::Kind;
use super::fail::Op;
use super::{drain, tags, Collected, Scope};
use crate::snapshot::{AsgInstance, AutoScaling, AutoScalingGroup};
use aws_sdk_autoscaling::types::{AutoScalingGroup as SdkGroup, LaunchTemplateOverrides};
use aws_sdk_autoscaling::Client;

const DESCRIBE_GROUPS: Op = Op::new(
    "DescribeAutoScalingGroups",
    "autoscaling:DescribeAutoScalingGroups",
);

pub const ACTIONS: &[&str] = &[DESCRIBE_GROUPS.action];

/// Groups per DescribeAutoScalingGroups page: the API's maximum.
const MAX_RECORDS: i32 = 100;

pub(super) async fn collect(scope: Scope) -> Collected<AutoScaling> {
    let client: Client = super::sdk_client!(aws_sdk_autoscaling, scope);
    let mut pages = client
        .describe_auto_scaling_groups()
        // The largest page the API allows (the default is 50).
        .max_records(MAX_RECORDS)
        .into_paginator()
        .items()
        .send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let groups = items.iter().map(|g| group(&scope.region, g)).collect();
    let errors = err
        .map(|e| DESCRIBE_GROUPS.listing_failed(&[Kind::AutoScalingGroup], &e))
        .into_iter()
        .collect();
    (AutoScaling { groups }, errors)
}

/// Splits a comma-separated API field (`VPCZoneIdentifier`, `HealthCheckType`).
fn split_list(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The overrides of a group's mixed instances policy (none without one).
fn overrides(g: &SdkGroup) -> impl Iterator<Item = &LaunchTemplateOverrides> {
    g.mixed_instances_policy()
        .and_then(|p| p.launch_template())
        .map(|lt| lt.overrides())
        .unwrap_or_default()
        .iter()
}

/// What a group launches from. A mixed instances policy always names a launch template.
fn launch_source(g: &SdkGroup) -> &'static str {
    if g.launch_template().is_some()
        || g.mixed_instances_policy()
            .and_then(|p| p.launch_template())
            .is_some()
    {
        "launch_template"
    } else if g.launch_configuration_name().is_some() {
        "launch_configuration"
    } else {
        "none"
    }
}

fn group(region: &str, g: &SdkGroup) -> AutoScalingGroup {
    AutoScalingGroup {
        region: region.to_string(),
        name: g.auto_scaling_group_name().unwrap_or_default().to_string(),
        arn: g.auto_scaling_group_arn().unwrap_or_default().to_string(),
        availability_zones: g.availability_zones().to_vec(),
        subnet_ids: split_list(g.vpc_zone_identifier()),
        health_check_types: split_list(g.health_check_type()),
        health_check_grace_period: g.health_check_grace_period().map(i64::from),
        load_balancer_names: g.load_balancer_names().to_vec(),
        target_group_arns: g.target_group_arns().to_vec(),
        min_size: g.min_size().map(i64::from).unwrap_or(0),
        max_size: g.max_size().map(i64::from).unwrap_or(0),
        desired_capacity: g.desired_capacity().map(i64::from),
        suspended_processes: g
            .suspended_processes()
            .iter()
            .filter_map(|p| p.process_name())
            .map(str::to_string)
            .collect(),
        capacity_rebalance: g.capacity_rebalance().unwrap_or(false),
        zonal_shift_enabled: g
            .availability_zone_impairment_policy()
            .and_then(|p| p.zonal_shift_enabled()),
        mixed_instances_policy: g.mixed_instances_policy().is_some(),
        override_instance_types: Some({
            let mut types: Vec<String> = overrides(g)
                .filter_map(|o| o.instance_type())
                .map(str::to_string)
                .collect();
            types.sort();
            types.dedup();
            types
        }),
        attribute_based_instance_types: overrides(g).any(|o| o.instance_requirements().is_some()),
        launch_source: Some(launch_source(g).to_string()),
        capacity_distribution_strategy: g
            .availability_zone_distribution()
            .and_then(|d| d.capacity_distribution_strategy())
            .map(|s| s.as_str().to_string()),
        instances: g
            .instances()
            .iter()
            .map(|i| AsgInstance {
                instance_id: i.instance_id().unwrap_or_default().to_string(),
                availability_zone: i.availability_zone().unwrap_or_default().to_string(),
                lifecycle_state: i.lifecycle_state().map(|s| s.as_str().to_string()),
                health_status: i.health_status().map(str::to_string),
                instance_type: i.instance_type().map(str::to_string),
            })
            .collect(),
        tags: tags(g.tags().iter().map(|t| (t.key(), t.value()))),
    }
}

#[cfg(test)]
mod tests {
    use super::split_list;

    #[test]
    fn comma_lists() {
        assert_eq!(split_list(Some("ELB, EBS")), vec!["ELB", "EBS"]);
        assert_eq!(
            split_list(Some("subnet-1,subnet-2")),
            vec!["subnet-1", "subnet-2"]
        );
        assert!(split_list(Some("")).is_empty());
        assert!(split_list(None).is_empty());
    }
}
