use serde::{Deserialize, Serialize};

/// CloudFront is global: its distributions are read once, from the partition's global region.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CloudFront {
    #[serde(default)]
    pub distributions: Vec<Distribution>,
}

impl CloudFront {
    fn sort_lists(&mut self) {
        self.distributions.sort_by(|a, b| a.id.cmp(&b.id));
    }
}

super::section!(CloudFront { distributions => Distribution });
super::listed!(global Distribution, Distribution, id);

/// One distribution as ListDistributions summarises it. Origins, origin groups and cache
/// behaviours keep the API's order: CloudFront matches cache behaviours in that order.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Distribution {
    pub id: String,
    pub arn: String,
    /// The `d111111abcdef8.cloudfront.net` name.
    pub domain_name: String,
    /// `Deployed` or `InProgress`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub enabled: bool,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub origins: Vec<Origin>,
    #[serde(default)]
    pub origin_groups: Vec<OriginGroup>,
    /// `DefaultCacheBehavior.TargetOriginId`: an origin id or an origin group id.
    pub default_target_origin_id: String,
    #[serde(default)]
    pub cache_behaviors: Vec<CacheBehavior>,
    /// `WebACLId`: the ARN of its AWS WAF (v2) web ACL, or the id of a WAF Classic one; absent
    /// when it has none, and in snapshots written before it was read (those have no `wafv2`
    /// coverage entry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub web_acl_id: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    pub id: String,
    pub domain_name: String,
    /// `s3` (an `S3OriginConfig`), `vpc` (a `VpcOriginConfig`) or `custom`. An S3 website
    /// endpoint is a `custom` origin whose domain name names the bucket.
    pub origin_type: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OriginGroup {
    pub id: String,
    /// Member origin ids, primary first.
    #[serde(default)]
    pub members: Vec<String>,
    /// `FailoverCriteria.StatusCodes`: the origin answers that fail over to the next member.
    #[serde(default)]
    pub failover_status_codes: Vec<i64>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CacheBehavior {
    pub path_pattern: String,
    pub target_origin_id: String,
}
