use super::{Tags, Unreadable};
use serde::{Deserialize, Serialize};

/// EKS clusters, their managed node groups and their Fargate profiles.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Eks {
    #[serde(default)]
    pub clusters: Vec<EksCluster>,
    #[serde(default)]
    pub nodegroups: Vec<EksNodegroup>,
    #[serde(default)]
    pub fargate_profiles: Vec<FargateProfile>,
}

impl Eks {
    fn sort_lists(&mut self) {
        self.clusters
            .sort_by(|a, b| (&a.region, &a.name).cmp(&(&b.region, &b.name)));
        self.nodegroups.sort_by(|a, b| {
            (&a.region, &a.cluster_name, &a.nodegroup_name).cmp(&(
                &b.region,
                &b.cluster_name,
                &b.nodegroup_name,
            ))
        });
        self.fargate_profiles.sort_by(|a, b| {
            (&a.region, &a.cluster_name, &a.fargate_profile_name).cmp(&(
                &b.region,
                &b.cluster_name,
                &b.fargate_profile_name,
            ))
        });
        for c in &mut self.clusters {
            c.subnet_ids.sort();
        }
        for n in &mut self.nodegroups {
            n.subnets.sort();
            n.health_issues.sort();
        }
        for p in &mut self.fargate_profiles {
            p.subnets.sort();
        }
    }
}

super::section!(Eks { clusters => EksCluster, nodegroups => EksNodegroup, fargate_profiles });
super::listed!(EksCluster, EksCluster, name);

impl super::Listed for EksNodegroup {
    const KIND: crate::registry::Kind = crate::registry::Kind::EksNodegroup;
    fn region(&self) -> &str {
        &self.region
    }
    /// Node group names are unique per cluster only.
    fn id(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Owned(format!("{}/{}", self.cluster_name, self.nodegroup_name))
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EksCluster {
    pub region: String,
    pub name: String,
    pub arn: String,
    /// `CREATING`, `ACTIVE`, `DELETING`, `FAILED`, `UPDATING` or `PENDING`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    /// `resourcesVpcConfig.subnetIds`: where the control plane's network interfaces go.
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    /// Absent when the API did not return it.
    #[serde(default)]
    pub deletion_protection: Option<bool>,
    #[serde(default)]
    pub tags: Tags,
    /// Besides the cluster's own fields, `nodegroups` and `fargate_profiles` when their
    /// listing failed for this cluster.
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EksNodegroup {
    pub region: String,
    pub cluster_name: String,
    pub nodegroup_name: String,
    #[serde(default)]
    pub arn: String,
    /// `CREATING`, `ACTIVE`, `UPDATING`, `DELETING`, `CREATE_FAILED`, `DELETE_FAILED` or
    /// `DEGRADED`.
    #[serde(default)]
    pub status: Option<String>,
    /// `ON_DEMAND`, `SPOT` or `CAPACITY_BLOCK`.
    #[serde(default)]
    pub capacity_type: Option<String>,
    #[serde(default)]
    pub subnets: Vec<String>,
    #[serde(default)]
    pub min_size: Option<i64>,
    #[serde(default)]
    pub max_size: Option<i64>,
    #[serde(default)]
    pub desired_size: Option<i64>,
    /// `health.issues[].code`, e.g. `AsgInstanceLaunchFailures`, `Ec2SubnetNotFound`.
    #[serde(default)]
    pub health_issues: Vec<String>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FargateProfile {
    pub region: String,
    pub cluster_name: String,
    pub fargate_profile_name: String,
    #[serde(default)]
    pub arn: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub subnets: Vec<String>,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}
