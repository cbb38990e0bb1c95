use super::Unreadable;
use serde::{Deserialize, Serialize};

/// AWS WAF (v2) web ACLs of scope `REGIONAL`, each with its rules and the Application Load
/// Balancers it is associated with. (CloudFront distributions name their web ACL themselves.)
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Wafv2 {
    #[serde(default)]
    pub web_acls: Vec<WebAcl>,
}

impl Wafv2 {
    fn sort_lists(&mut self) {
        self.web_acls
            .sort_by(|a, b| (&a.region, &a.name, &a.id).cmp(&(&b.region, &b.name, &b.id)));
        for acl in &mut self.web_acls {
            acl.resource_arns.sort();
        }
    }
}

super::section!(Wafv2 { web_acls => WebAcl });

impl super::Listed for WebAcl {
    const KIND: crate::registry::Kind = crate::registry::Kind::WebAcl;
    fn region(&self) -> &str {
        &self.region
    }
    /// `<name>/<id>`: a name is unique per scope and region, and the id tells a re-created
    /// ACL from the one before.
    fn id(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Owned(format!("{}/{}", self.name, self.id))
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebAcl {
    pub region: String,
    pub name: String,
    pub id: String,
    pub arn: String,
    #[serde(default)]
    pub description: Option<String>,
    /// GetWebACL: its own rules, in priority order (the API's).
    #[serde(default)]
    pub rules: Vec<WebAclRule>,
    /// Rule groups AWS Firewall Manager runs before and after its own rules.
    #[serde(default)]
    pub firewall_manager_rule_groups: Vec<WebAclRule>,
    /// ListResourcesForWebACL: the Application Load Balancers it protects.
    #[serde(default)]
    pub resource_arns: Vec<String>,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebAclRule {
    pub name: String,
    pub priority: i64,
    /// What its statement is: `rate_based`, `managed_rule_group`, `rule_group` (a reference to
    /// a rule group of the account) or `other`.
    pub statement: String,
    /// What it does with a match: `block`, `allow`, `count`, `captcha` or `challenge`; for a
    /// rule group, its override action (`none`: the group's own actions, or `count`).
    #[serde(default)]
    pub action: Option<String>,
    /// A rate-based rule's limit: requests per evaluation window from one aggregation key.
    #[serde(default)]
    pub rate_limit: Option<i64>,
    /// The rule group it runs: `<vendor>/<name>` of a managed one, the ARN of a reference.
    #[serde(default)]
    pub rule_group: Option<String>,
}
