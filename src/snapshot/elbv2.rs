use super::{Tags, Unreadable};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Elbv2 {
    #[serde(default)]
    pub load_balancers: Vec<LoadBalancer>,
    #[serde(default)]
    pub target_groups: Vec<TargetGroup>,
}

impl Elbv2 {
    fn sort_lists(&mut self) {
        self.load_balancers
            .sort_by(|a, b| (&a.region, &a.arn).cmp(&(&b.region, &b.arn)));
        self.target_groups
            .sort_by(|a, b| (&a.region, &a.arn).cmp(&(&b.region, &b.arn)));
        for lb in &mut self.load_balancers {
            lb.availability_zones
                .sort_by(|a, b| (&a.zone_name, &a.subnet_id).cmp(&(&b.zone_name, &b.subnet_id)));
        }
        for tg in &mut self.target_groups {
            tg.load_balancer_arns.sort();
            tg.targets
                .sort_by(|a, b| (&a.id, &a.port).cmp(&(&b.id, &b.port)));
        }
    }
}

super::section!(Elbv2 { load_balancers => LoadBalancer, target_groups => TargetGroup });
super::listed!(LoadBalancer, LoadBalancer, name);
super::listed!(TargetGroup, TargetGroup, name);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancer {
    pub region: String,
    pub arn: String,
    pub name: String,
    /// `application`, `network` or `gateway`.
    #[serde(rename = "type")]
    pub lb_type: String,
    /// `internet-facing` or `internal`.
    #[serde(default)]
    pub scheme: Option<String>,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub dns_name: Option<String>,
    #[serde(default)]
    pub availability_zones: Vec<LbZone>,
    /// DescribeLoadBalancerAttributes as key -> value, e.g.
    /// `load_balancing.cross_zone.enabled` -> `true`.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// Number of listeners (DescribeListeners).
    #[serde(default)]
    pub listener_count: Option<i64>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LbZone {
    pub zone_name: String,
    #[serde(default)]
    pub subnet_id: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetGroup {
    pub region: String,
    pub arn: String,
    pub name: String,
    /// `instance`, `ip`, `lambda` or `alb`.
    #[serde(default)]
    pub target_type: Option<String>,
    #[serde(default)]
    pub protocol: Option<String>,
    #[serde(default)]
    pub port: Option<i64>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub load_balancer_arns: Vec<String>,
    #[serde(default)]
    pub health_check_enabled: Option<bool>,
    /// Seconds between health checks of a target. Absent in snapshots written before it
    /// was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check_interval_seconds: Option<i64>,
    /// Failed checks in a row that make a target unhealthy. Absent in snapshots written
    /// before it was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unhealthy_threshold_count: Option<i64>,
    /// DescribeTargetGroupAttributes as key -> value.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// DescribeTargetHealth.
    #[serde(default)]
    pub targets: Vec<Target>,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Instance id, IP address, Lambda ARN or ALB ARN.
    pub id: String,
    #[serde(default)]
    pub port: Option<i64>,
    /// As returned by the API (set for IP targets, `all` for IPs outside the VPC); instance
    /// targets get their AZ from the instance's placement in the model.
    #[serde(default)]
    pub availability_zone: Option<String>,
    /// `initial`, `healthy`, `unhealthy`, `unused`, `draining`, `unavailable`...
    pub state: String,
    #[serde(default)]
    pub reason: Option<String>,
}
