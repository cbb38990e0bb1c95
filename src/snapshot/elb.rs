use super::{Tags, Unreadable};
use serde::{Deserialize, Serialize};

/// Classic Load Balancers (Elastic Load Balancing's first API, `elasticloadbalancing`
/// 2012-06-01): each with its attributes, the health of its registered instances and its tags.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Elb {
    #[serde(default)]
    pub load_balancers: Vec<ClassicLoadBalancer>,
}

impl Elb {
    fn sort_lists(&mut self) {
        self.load_balancers
            .sort_by(|a, b| (&a.region, &a.name).cmp(&(&b.region, &b.name)));
        for lb in &mut self.load_balancers {
            lb.availability_zones.sort();
            lb.subnets.sort();
            lb.instances.sort();
            lb.instance_states
                .sort_by(|a, b| a.instance_id.cmp(&b.instance_id));
            lb.listeners.sort_by(|a, b| {
                (a.load_balancer_port, &a.protocol).cmp(&(b.load_balancer_port, &b.protocol))
            });
        }
    }
}

super::section!(Elb { load_balancers => ClassicLoadBalancer });
super::listed!(ClassicLoadBalancer, ClassicLoadBalancer, name);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassicLoadBalancer {
    pub region: String,
    pub name: String,
    #[serde(default)]
    pub dns_name: Option<String>,
    /// `internet-facing` or `internal`.
    #[serde(default)]
    pub scheme: Option<String>,
    /// The AZs it is enabled in (AWS derives them from the subnets in a VPC).
    #[serde(default)]
    pub availability_zones: Vec<String>,
    #[serde(default)]
    pub subnets: Vec<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// Ids of the instances registered with it.
    #[serde(default)]
    pub instances: Vec<String>,
    #[serde(default)]
    pub health_check: Option<ClbHealthCheck>,
    #[serde(default)]
    pub listeners: Vec<ClbListener>,
    /// `CrossZoneLoadBalancing.Enabled` (DescribeLoadBalancerAttributes).
    #[serde(default)]
    pub cross_zone: Option<bool>,
    /// `ConnectionDraining.Enabled` (DescribeLoadBalancerAttributes).
    #[serde(default)]
    pub connection_draining: Option<bool>,
    /// `ConnectionDraining.Timeout`, in seconds.
    #[serde(default)]
    pub connection_draining_timeout: Option<i64>,
    /// DescribeInstanceHealth: the state of each registered instance.
    #[serde(default)]
    pub instance_states: Vec<ClbInstanceState>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClbHealthCheck {
    /// `HTTP:80/health`, `TCP:443` ...
    pub target: String,
    pub interval: i64,
    pub timeout: i64,
    pub unhealthy_threshold: i64,
    pub healthy_threshold: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClbListener {
    pub protocol: String,
    pub load_balancer_port: i64,
    #[serde(default)]
    pub instance_protocol: Option<String>,
    pub instance_port: i64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClbInstanceState {
    pub instance_id: String,
    /// `InService`, `OutOfService` or `Unknown`.
    pub state: String,
    /// `ELB` or `Instance`: which side an `OutOfService` state comes from.
    #[serde(default)]
    pub reason_code: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}
