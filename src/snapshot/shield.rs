use serde::{Deserialize, Serialize};

/// AWS Shield Advanced (global): whether the account subscribes, and its protections.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Shield {
    /// GetSubscriptionState: one entry, the account's, when it could be read.
    #[serde(default)]
    pub subscription: Vec<ShieldSubscription>,
    /// ListProtections: read only when the subscription is `ACTIVE` (there are none without).
    #[serde(default)]
    pub protections: Vec<ShieldProtection>,
}

impl Shield {
    fn sort_lists(&mut self) {
        self.protections.sort_by(|a, b| a.id.cmp(&b.id));
        for p in &mut self.protections {
            p.health_check_ids.sort();
        }
    }
}

super::section!(Shield { subscription, protections => ShieldProtection });
super::listed!(global ShieldProtection, ShieldProtection, id);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShieldSubscription {
    /// `ACTIVE` or `INACTIVE`.
    pub state: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShieldProtection {
    pub id: String,
    pub name: String,
    /// The protected resource: a CloudFront distribution, Route 53 hosted zone, load balancer,
    /// Elastic IP allocation or Global Accelerator accelerator.
    pub resource_arn: String,
    #[serde(default)]
    pub protection_arn: Option<String>,
    /// Route 53 health checks associated for health-based detection.
    #[serde(default)]
    pub health_check_ids: Vec<String>,
}
