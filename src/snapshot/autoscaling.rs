use super::Tags;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoScaling {
    #[serde(default)]
    pub groups: Vec<AutoScalingGroup>,
}

impl AutoScaling {
    fn sort_lists(&mut self) {
        self.groups
            .sort_by(|a, b| (&a.region, &a.name).cmp(&(&b.region, &b.name)));
        for g in &mut self.groups {
            g.instances
                .sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
        }
    }
}

super::section!(AutoScaling { groups => AutoScalingGroup });
super::listed!(AutoScalingGroup, AutoScalingGroup, name);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AutoScalingGroup {
    pub region: String,
    pub name: String,
    pub arn: String,
    #[serde(default)]
    pub availability_zones: Vec<String>,
    /// Subnets from `VPCZoneIdentifier`.
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    /// `HealthCheckType` split on commas: the API allows a list such as `ELB,EBS`.
    #[serde(default)]
    pub health_check_types: Vec<String>,
    #[serde(default)]
    pub health_check_grace_period: Option<i64>,
    #[serde(default)]
    pub load_balancer_names: Vec<String>,
    #[serde(default)]
    pub target_group_arns: Vec<String>,
    pub min_size: i64,
    pub max_size: i64,
    #[serde(default)]
    pub desired_capacity: Option<i64>,
    #[serde(default)]
    pub suspended_processes: Vec<String>,
    #[serde(default)]
    pub capacity_rebalance: bool,
    /// Zonal shift setting of the AZ impairment policy; absent when the group has no policy.
    #[serde(default)]
    pub zonal_shift_enabled: Option<bool>,
    /// True when the group uses a mixed instances policy.
    #[serde(default)]
    pub mixed_instances_policy: bool,
    /// `AvailabilityZoneDistribution.CapacityDistributionStrategy`: `balanced-best-effort`
    /// (the default: launches move to other AZs when one fails) or `balanced-only` (keeps
    /// trying the failed AZ). Absent in snapshots written before it was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_distribution_strategy: Option<String>,
    /// The instance types a mixed instances policy's overrides name, distinct and sorted; empty
    /// for a group that launches the one type of its launch template or configuration. Absent
    /// in snapshots written before it was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_instance_types: Option<Vec<String>>,
    /// True when an override selects instance types by attributes (any type that matches).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub attribute_based_instance_types: bool,
    /// What the group launches from: `launch_template` (directly or through a mixed instances
    /// policy), `launch_configuration`, or `none` when the answer names neither. Absent in
    /// snapshots written before it was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch_source: Option<String>,
    #[serde(default)]
    pub instances: Vec<AsgInstance>,
    #[serde(default)]
    pub tags: Tags,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AsgInstance {
    pub instance_id: String,
    pub availability_zone: String,
    #[serde(default)]
    pub lifecycle_state: Option<String>,
    #[serde(default)]
    pub health_status: Option<String>,
    #[serde(default)]
    pub instance_type: Option<String>,
}
