use super::Unreadable;
use serde::{Deserialize, Serialize};

/// CloudTrail trails, as each region lists them (`DescribeTrails` with shadow trails).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CloudTrail {
    /// The account's own trails, in their home region: the trails the trail rules judge.
    #[serde(default)]
    pub trails: Vec<Trail>,
    /// The other trails that apply to a region: multi-region trails listed outside their
    /// home region (shadow trails), and organization trails of another (management) account.
    #[serde(default)]
    pub other_trails: Vec<Trail>,
}

impl CloudTrail {
    fn sort_lists(&mut self) {
        for list in [&mut self.trails, &mut self.other_trails] {
            list.sort_by(|a, b| (&a.region, &a.trail_arn).cmp(&(&b.region, &b.trail_arn)));
        }
    }
}

super::section!(CloudTrail { trails => Trail, other_trails });
super::listed!(Trail, Trail, name);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Trail {
    /// The region whose listing holds it.
    pub region: String,
    pub name: String,
    pub trail_arn: String,
    /// The region it was created in; it is a shadow trail everywhere else.
    #[serde(default)]
    pub home_region: Option<String>,
    /// Whether it records events of every region.
    #[serde(default)]
    pub is_multi_region_trail: bool,
    #[serde(default)]
    pub is_organization_trail: bool,
    /// Whether CloudTrail writes signed digest files to prove its log files unchanged.
    #[serde(default)]
    pub log_file_validation_enabled: bool,
    #[serde(default)]
    pub include_global_service_events: Option<bool>,
    #[serde(default)]
    pub s3_bucket_name: Option<String>,
    /// `GetTrailStatus.IsLogging`, read in the trail's home region only.
    #[serde(default)]
    pub is_logging: Option<bool>,
    /// `GetTrailStatus.LatestDeliveryError`: why the last delivery to S3 failed.
    #[serde(default)]
    pub latest_delivery_error: Option<String>,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}
