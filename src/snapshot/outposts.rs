use super::Unreadable;
use serde::{Deserialize, Serialize};

/// AWS Outposts homed in each region, with the racks their assets sit on.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Outposts {
    #[serde(default)]
    pub outposts: Vec<Outpost>,
}

impl Outposts {
    fn sort_lists(&mut self) {
        self.outposts
            .sort_by(|a, b| (&a.region, &a.outpost_id).cmp(&(&b.region, &b.outpost_id)));
        for o in &mut self.outposts {
            o.assets.sort_by(|a, b| a.asset_id.cmp(&b.asset_id));
        }
    }
}

super::section!(Outposts { outposts => Outpost });
super::listed!(Outpost, Outpost, outpost_id);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Outpost {
    pub region: String,
    pub outpost_id: String,
    #[serde(default)]
    pub outpost_arn: String,
    #[serde(default)]
    pub name: Option<String>,
    /// The account that owns it (an Outpost can be shared with other accounts).
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub site_id: Option<String>,
    /// `ACTIVE`, `PENDING`, `RETIRED` ...
    #[serde(default)]
    pub life_cycle_status: Option<String>,
    #[serde(default)]
    pub availability_zone: Option<String>,
    /// `RACK` or `SERVER`.
    #[serde(default)]
    pub supported_hardware_type: Option<String>,
    /// ListAssets, read for rack Outposts only: each asset with the rack it is on.
    #[serde(default)]
    pub assets: Vec<OutpostAsset>,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutpostAsset {
    pub asset_id: String,
    /// The rack it is installed in.
    #[serde(default)]
    pub rack_id: Option<String>,
    /// `COMPUTE` ...
    #[serde(default)]
    pub asset_type: Option<String>,
}
