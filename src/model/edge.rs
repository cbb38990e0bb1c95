//! The edge and DDoS layer joined to what it protects: the web ACL each Application Load
//! Balancer is associated with (AWS WAF), and whether AWS Shield Advanced protects a resource.
//! Built once per snapshot; the load balancer, distribution and hosted zone builders ask it.

use super::routing::Regional;
use super::{Ctx, Known, Reason};
use crate::registry::{Kind, Service};
use crate::snapshot::{Snapshot, WebAcl, GLOBAL_REGION};
use std::collections::{HashMap, HashSet};

/// The shield subscription state that makes protections possible.
const ACTIVE: &str = "ACTIVE";

pub(crate) struct Index<'a> {
    /// (region, load balancer ARN) -> the web ACL associated with it.
    acl_of: Regional<'a, &'a WebAcl>,
    /// Per region: why some web ACL's load balancers are unknown (the first that is).
    acls_unread: HashMap<&'a str, String>,
    /// The account's Shield Advanced subscription state, when it was read.
    subscription: Option<&'a str>,
    /// The ARNs of the resources Shield Advanced protects.
    protected: HashSet<&'a str>,
}

impl<'a> Index<'a> {
    pub fn new(s: &'a Snapshot) -> Index<'a> {
        let mut acl_of = Regional::default();
        let mut acls_unread = HashMap::new();
        for acl in &s.wafv2.web_acls {
            for arn in &acl.resource_arns {
                acl_of.insert(&acl.region, arn, acl);
            }
            if let Some(why) = acl.unreadable.get("resource_arns") {
                acls_unread.entry(acl.region.as_str()).or_insert_with(|| {
                    format!(
                        "the load balancers of web ACL {} could not be listed: {why}",
                        acl.name
                    )
                });
            }
        }
        Index {
            acl_of,
            acls_unread,
            subscription: s.shield.subscription.first().map(|st| st.state.as_str()),
            protected: s
                .shield
                .protections
                .iter()
                .map(|p| p.resource_arn.as_str())
                .collect(),
        }
    }
}

/// What Shield Advanced says of one resource.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Shielded {
    /// Whether the account subscribes to Shield Advanced.
    pub subscribed: Known<bool>,
    /// Whether a protection names the resource.
    pub protected: Known<bool>,
}

impl<'a> Ctx<'a> {
    /// The web ACL associated with the Application Load Balancer `arn` in `region`: its name,
    /// or none; unknown when the region's web ACLs or their load balancers were not all read.
    pub fn web_acl_of_load_balancer(&self, region: &str, arn: &str) -> Known<Option<&'a str>> {
        if let Some(why) = self.not_collected(Service::wafv2, region) {
            return Known::Unknown(why);
        }
        // A load balancer has at most one web ACL: found, it is known whatever else failed.
        if let Some(acl) = self.edge.acl_of.get(region, arn) {
            return Known::Is(Some(acl.name.as_str()));
        }
        match self.edge.acls_unread.get(region) {
            Some(why) => Known::unknown(why),
            None => Known::Is(None),
        }
    }

    /// Whether the account subscribes to Shield Advanced and whether it protects the
    /// resource `arn`.
    pub fn shield(&self, arn: &str) -> Shielded {
        // A failed GetSubscriptionState or ListProtections leaves the protections unlisted.
        let unread: Option<Reason> = self
            .incomplete(Kind::ShieldProtection, GLOBAL_REGION)
            .map(Reason::from)
            .or_else(|| self.not_collected(Service::shield, GLOBAL_REGION));
        let Some(state) = self.edge.subscription else {
            let why = unread.unwrap_or_else(|| {
                Reason::from("the Shield Advanced subscription state is not in the snapshot")
            });
            return Shielded {
                subscribed: Known::Unknown(why.clone()),
                protected: Known::Unknown(why),
            };
        };
        if state != ACTIVE {
            // Protections need a subscription: none can name the resource.
            return Shielded {
                subscribed: Known::Is(false),
                protected: Known::Is(false),
            };
        }
        Shielded {
            subscribed: Known::Is(true),
            protected: match unread {
                Some(why) => Known::Unknown(why),
                None => Known::Is(self.edge.protected.contains(arn)),
            },
        }
    }

    /// Whether the snapshot was written by a version that reads the web ACL of CloudFront
    /// distributions: those read the regional web ACLs too, so they have `wafv2` coverage.
    pub fn reads_distribution_web_acls(&self) -> bool {
        self.snapshot.coverage.iter().any(|c| c.service == "wafv2")
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    const R: &str = "eu-west-1";

    fn coverage(service: &str, region: &str, failed: Option<(&str, &str)>) -> Coverage {
        Coverage {
            service: service.into(),
            region: region.into(),
            errors: failed
                .map(|(op, kind)| CollectError {
                    operation: op.into(),
                    iam_action: String::new(),
                    kinds: vec![kind.into()],
                    resource: None,
                    code: "AccessDeniedException".into(),
                    message: "denied".into(),
                })
                .into_iter()
                .collect(),
        }
    }

    fn alb(name: &str) -> LoadBalancer {
        LoadBalancer {
            region: R.into(),
            arn: format!("arn:aws:elasticloadbalancing:{R}:111122223333:loadbalancer/app/{name}/1"),
            name: name.into(),
            lb_type: "application".into(),
            scheme: Some("internet-facing".into()),
            ..Default::default()
        }
    }

    fn snapshot() -> Snapshot {
        let mut s = Snapshot::new("111122223333", vec![R.into()], "t".into());
        s.coverage = vec![
            coverage("wafv2", R, None),
            coverage("shield", "global", None),
        ];
        s.elbv2.load_balancers = vec![alb("guarded"), alb("open"), alb("shielded")];
        s.wafv2.web_acls.push(WebAcl {
            region: R.into(),
            name: "edge".into(),
            id: "1".into(),
            arn: format!("arn:aws:wafv2:{R}:111122223333:regional/webacl/edge/1"),
            resource_arns: vec![alb("guarded").arn],
            ..Default::default()
        });
        s.shield.subscription.push(ShieldSubscription {
            state: "ACTIVE".into(),
        });
        s.shield.protections.push(ShieldProtection {
            id: "p-1".into(),
            name: "shielded".into(),
            resource_arn: alb("shielded").arn,
            ..Default::default()
        });
        s
    }

    fn lb_facts(m: &Model, name: &str, facts: &[&str]) -> Vec<serde_json::Value> {
        crate::model::tests::facts_or_why(m, "elbv2.load_balancer", name, facts)
    }

    #[test]
    fn load_balancers_are_joined_to_their_web_acl_and_their_protection() {
        let s = snapshot();
        let m = Model::build(&s);
        let f = ["web_acl", "shield_subscribed", "shield_protected"];
        assert_eq!(
            lb_facts(&m, "guarded", &f),
            [json!("edge"), json!(true), json!(false)]
        );
        assert_eq!(
            lb_facts(&m, "open", &f),
            [json!(null), json!(true), json!(false)]
        );
        assert_eq!(
            lb_facts(&m, "shielded", &f),
            [json!(null), json!(true), json!(true)]
        );
    }

    #[test]
    fn unread_associations_leave_only_the_load_balancers_without_a_known_acl_unknown() {
        let mut s = snapshot();
        s.wafv2.web_acls.push(WebAcl {
            region: R.into(),
            name: "other".into(),
            id: "2".into(),
            unreadable: [(
                "resource_arns".to_string(),
                "ListResourcesForWebACL failed: WAFInternalErrorException: oops".to_string(),
            )]
            .into(),
            ..Default::default()
        });
        let m = Model::build(&s);
        assert_eq!(lb_facts(&m, "guarded", &["web_acl"]), [json!("edge")]);
        assert_eq!(
            lb_facts(&m, "open", &["web_acl"]),
            [json!(
                "unknown: the load balancers of web ACL other could not be listed: \
                 ListResourcesForWebACL failed: WAFInternalErrorException: oops"
            )]
        );
        // Without wafv2 coverage in the region, nothing is known.
        drop(m);
        s.coverage.retain(|c| c.service != "wafv2");
        let m = Model::build(&s);
        assert_eq!(
            lb_facts(&m, "guarded", &["web_acl"]),
            [json!(
                "unknown: wafv2 was not collected in eu-west-1, so what it would show is unknown"
            )]
        );
    }

    #[test]
    fn shield_facts_follow_the_subscription_and_the_listing() {
        let f = ["shield_subscribed", "shield_protected"];
        // Not subscribed: nothing can be protected.
        let mut s = snapshot();
        s.shield.subscription[0].state = "INACTIVE".into();
        s.shield.protections.clear();
        let m = Model::build(&s);
        assert_eq!(lb_facts(&m, "open", &f), [json!(false), json!(false)]);
        // The state could not be read.
        let mut s = snapshot();
        s.shield = Shield::default();
        s.coverage[1] = coverage(
            "shield",
            "global",
            Some(("GetSubscriptionState", "shield.protection")),
        );
        let m = Model::build(&s);
        let why = "unknown: shield.protection could not be listed in global: \
                   GetSubscriptionState failed: AccessDeniedException: denied";
        assert_eq!(lb_facts(&m, "open", &f), [json!(why), json!(why)]);
        // Subscribed, but the protections could not be listed.
        let mut s = snapshot();
        s.coverage[1] = coverage(
            "shield",
            "global",
            Some(("ListProtections", "shield.protection")),
        );
        let m = Model::build(&s);
        assert_eq!(
            lb_facts(&m, "shielded", &f),
            [
                json!(true),
                json!(
                    "unknown: shield.protection could not be listed in global: \
                       ListProtections failed: AccessDeniedException: denied"
                )
            ]
        );
        // An older snapshot, without Shield.
        let mut s = snapshot();
        s.shield = Shield::default();
        s.coverage.truncate(1);
        let m = Model::build(&s);
        let why = "unknown: shield was not collected in global, so what it would show is unknown";
        assert_eq!(lb_facts(&m, "open", &f), [json!(why), json!(why)]);
    }
}
