use super::{Tags, Unreadable};
use serde::{Deserialize, Serialize};

/// Amazon MSK clusters (provisioned and serverless).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Msk {
    #[serde(default)]
    pub clusters: Vec<MskCluster>,
}

impl Msk {
    fn sort_lists(&mut self) {
        self.clusters.sort_by(|a, b| {
            (&a.region, &a.cluster_name, &a.arn).cmp(&(&b.region, &b.cluster_name, &b.arn))
        });
        for c in &mut self.clusters {
            c.client_subnets.sort();
            c.zone_ids.sort();
        }
    }
}

super::section!(Msk { clusters => MskCluster });
super::listed!(MskCluster, MskCluster, cluster_name);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MskCluster {
    pub region: String,
    pub cluster_name: String,
    #[serde(default)]
    pub arn: String,
    /// `PROVISIONED` or `SERVERLESS`.
    #[serde(default)]
    pub cluster_type: Option<String>,
    /// `ACTIVE`, `CREATING`, `HEALING`, `MAINTENANCE`, `REBOOTING_BROKER`, `UPDATING` ...
    #[serde(default)]
    pub state: Option<String>,
    /// `provisioned.numberOfBrokerNodes`.
    #[serde(default)]
    pub number_of_broker_nodes: Option<i64>,
    /// `provisioned.brokerNodeGroupInfo.clientSubnets`: MSK spreads the brokers evenly over
    /// the AZs of these subnets.
    #[serde(default)]
    pub client_subnets: Vec<String>,
    /// `provisioned.brokerNodeGroupInfo.zoneIds`: the AZ IDs of the brokers, when the API
    /// gives them.
    #[serde(default)]
    pub zone_ids: Vec<String>,
    #[serde(default)]
    pub instance_type: Option<String>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}
