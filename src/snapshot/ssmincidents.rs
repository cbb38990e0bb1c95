use super::Unreadable;
use serde::{Deserialize, Serialize};

/// AWS Systems Manager Incident Manager, as each region answers: the account's replication set
/// (one per account, listed from every region, described only from the regions it spans) and
/// the response plans.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SsmIncidents {
    /// ListReplicationSets, and GetReplicationSet when the region could describe it: one entry
    /// per (region, replication set).
    #[serde(default)]
    pub replication_sets: Vec<IncidentReplicationSet>,
    /// ListResponsePlans of each region.
    #[serde(default)]
    pub response_plans: Vec<IncidentResponsePlan>,
}

impl SsmIncidents {
    fn sort_lists(&mut self) {
        self.replication_sets
            .sort_by(|a, b| (&a.region, &a.arn).cmp(&(&b.region, &b.arn)));
        for set in &mut self.replication_sets {
            set.region_map.sort_by(|a, b| a.region.cmp(&b.region));
        }
        self.response_plans
            .sort_by(|a, b| (&a.region, &a.arn).cmp(&(&b.region, &b.arn)));
    }
}

super::section!(SsmIncidents {
    replication_sets,
    response_plans
});

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentReplicationSet {
    /// The region whose endpoint listed (and, if it is one of the set's regions, described) it.
    pub region: String,
    pub arn: String,
    /// GetReplicationSet: `ACTIVE`, `CREATING`, `UPDATING`, `DELETING` or `FAILED`; `None`
    /// when this region did not describe it.
    #[serde(default)]
    pub status: Option<String>,
    /// GetReplicationSet: the regions the set replicates Incident Manager's data to.
    #[serde(default)]
    pub region_map: Vec<IncidentReplicationRegion>,
    /// Why this region did not describe the set: it is not one of the set's regions (AWS
    /// answers ResourceNotFoundException there), or the call failed.
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentReplicationRegion {
    pub region: String,
    /// `ACTIVE`, `CREATING`, `DELETING` or `FAILED`.
    pub status: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentResponsePlan {
    /// The region whose endpoint listed it.
    pub region: String,
    pub arn: String,
    pub name: String,
}
