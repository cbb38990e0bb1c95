//! DynamoDB Accelerator (DAX): clusters with their nodes (`DescribeClusters`) and the subnet
//! groups they use (`DescribeSubnetGroups`).

use super::Unreadable;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dax {
    #[serde(default)]
    pub clusters: Vec<DaxCluster>,
    #[serde(default)]
    pub subnet_groups: Vec<DaxSubnetGroup>,
}

impl Dax {
    fn sort_lists(&mut self) {
        self.clusters.sort_by(|a, b| {
            (&a.region, &a.cluster_name).cmp(&(&b.region, &b.cluster_name))
        });
        for c in &mut self.clusters {
            c.nodes.sort_by(|a, b| a.node_id.cmp(&b.node_id));
        }
        self.subnet_groups
            .sort_by(|a, b| (&a.region, &a.name).cmp(&(&b.region, &b.name)));
        for g in &mut self.subnet_groups {
            g.subnets.sort_by(|a, b| a.subnet_id.cmp(&b.subnet_id));
        }
    }
}

super::section!(Dax { clusters => DaxCluster, subnet_groups });
super::listed!(DaxCluster, DaxCluster, cluster_name);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DaxCluster {
    pub region: String,
    pub cluster_name: String,
    #[serde(default)]
    pub arn: String,
    /// `creating`, `available`, `modifying`, `deleting` ...
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub node_type: Option<String>,
    /// `TotalNodes`: the nodes the cluster is meant to have.
    #[serde(default)]
    pub total_nodes: Option<i64>,
    /// The nodes the answer lists, with where they run.
    #[serde(default)]
    pub nodes: Vec<DaxNode>,
    /// The name of its subnet group.
    #[serde(default)]
    pub subnet_group: Option<String>,
    /// `subnet_groups` when the region's subnet groups could not be read.
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DaxNode {
    pub node_id: String,
    #[serde(default)]
    pub node_status: Option<String>,
    #[serde(default)]
    pub availability_zone: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DaxSubnetGroup {
    pub region: String,
    pub name: String,
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub subnets: Vec<DaxSubnet>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DaxSubnet {
    pub subnet_id: String,
    /// `SubnetAvailabilityZone`, when the answer gives it.
    #[serde(default)]
    pub availability_zone: Option<String>,
}
