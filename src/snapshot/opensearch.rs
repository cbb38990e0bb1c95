//! Amazon OpenSearch Service: domains (`ListDomainNames`, then `DescribeDomains` five names
//! at a time).

use super::Unreadable;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenSearch {
    #[serde(default)]
    pub domains: Vec<OpenSearchDomain>,
}

impl OpenSearch {
    fn sort_lists(&mut self) {
        self.domains
            .sort_by(|a, b| (&a.region, &a.domain_name).cmp(&(&b.region, &b.domain_name)));
        for d in &mut self.domains {
            d.subnet_ids.sort();
            d.vpc_availability_zones.sort();
        }
    }
}

super::section!(OpenSearch { domains => OpenSearchDomain });
super::listed!(OpenSearchDomain, OpenSearchDomain, domain_name);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenSearchDomain {
    pub region: String,
    pub domain_name: String,
    #[serde(default)]
    pub arn: String,
    /// `OpenSearch` or `Elasticsearch`, as `ListDomainNames` gives it.
    #[serde(default)]
    pub engine_type: Option<String>,
    /// `OpenSearch_2.11`, `Elasticsearch_7.10` ...
    #[serde(default)]
    pub engine_version: Option<String>,
    /// A configuration change is being applied.
    #[serde(default)]
    pub processing: Option<bool>,
    /// The domain is being deleted.
    #[serde(default)]
    pub deleted: Option<bool>,
    /// `ClusterConfig.InstanceType`: the data nodes' type, e.g. `r6g.large.search`.
    #[serde(default)]
    pub instance_type: Option<String>,
    /// `ClusterConfig.InstanceCount`: how many data nodes.
    #[serde(default)]
    pub instance_count: Option<i64>,
    #[serde(default)]
    pub dedicated_master_enabled: Option<bool>,
    #[serde(default)]
    pub dedicated_master_count: Option<i64>,
    #[serde(default)]
    pub dedicated_master_type: Option<String>,
    #[serde(default)]
    pub zone_awareness_enabled: Option<bool>,
    /// `ClusterConfig.ZoneAwarenessConfig.AvailabilityZoneCount`: 2 or 3.
    #[serde(default)]
    pub availability_zone_count: Option<i64>,
    #[serde(default)]
    pub multi_az_with_standby_enabled: Option<bool>,
    #[serde(default)]
    pub warm_enabled: Option<bool>,
    /// `VPCOptions`: set for a domain inside a VPC.
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    /// `VPCOptions.AvailabilityZones`, when the answer gives them.
    #[serde(default)]
    pub vpc_availability_zones: Vec<String>,
    /// Every `DescribeDomains` field when that call failed for the domain.
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}
