use super::{Tags, Unreadable};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// AWS CloudHSM clusters and their HSMs.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CloudHsm {
    #[serde(default)]
    pub clusters: Vec<HsmCluster>,
}

impl CloudHsm {
    fn sort_lists(&mut self) {
        self.clusters
            .sort_by(|a, b| (&a.region, &a.cluster_id).cmp(&(&b.region, &b.cluster_id)));
        for c in &mut self.clusters {
            c.hsms.sort_by(|a, b| a.hsm_id.cmp(&b.hsm_id));
        }
    }
}

super::section!(CloudHsm { clusters => HsmCluster });
super::listed!(HsmCluster, HsmCluster, cluster_id);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HsmCluster {
    pub region: String,
    pub cluster_id: String,
    /// `ACTIVE`, `UNINITIALIZED`, `INITIALIZED`, `DEGRADED`, `DELETED` ...
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub hsm_type: Option<String>,
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// `SubnetMapping`: AZ -> the cluster's subnet in it, where HSMs can be created.
    #[serde(default)]
    pub subnet_mapping: BTreeMap<String, String>,
    #[serde(default)]
    pub hsms: Vec<Hsm>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Hsm {
    pub hsm_id: String,
    #[serde(default)]
    pub availability_zone: Option<String>,
    #[serde(default)]
    pub subnet_id: Option<String>,
    /// `CREATE_IN_PROGRESS`, `ACTIVE`, `DEGRADED`, `DELETE_IN_PROGRESS` or `DELETED`.
    #[serde(default)]
    pub state: Option<String>,
}
