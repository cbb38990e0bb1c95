//! Elastic IP addresses: what each is associated with, and whether Shield Advanced protects
//! it. Built by the EC2 builder, which owns the `ec2.elastic_ip` kind.

use super::{name_tag, Always, Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::ElasticIp;
use std::borrow::Cow;

crate::facts! {
    /// Derived facts of an Elastic IP address.
    pub struct ElasticIpFacts<'a> {
        /// Whether it is associated (AssociationId set): with an instance, or with a network
        /// interface (of an instance, a NAT gateway, a Network Load Balancer ...).
        pub associated: Always<bool>,
        /// What it is associated with: `instance <id>`, `network interface <id>`, or none.
        pub associated_with: Always<Option<String>>,
        /// Whether the account subscribes to Shield Advanced (unknown when the subscription
        /// state could not be read).
        pub shield_subscribed: Known<bool>,
        /// Whether a Shield Advanced protection names its allocation.
        pub shield_protected: Known<bool>,
        /// Its public address, or its allocation id when none was returned.
        pub address: Always<&'a str>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for ip in &ctx.snapshot.ec2.elastic_ips {
        out.push(elastic_ip(ctx, ip));
    }
}

fn elastic_ip<'a>(ctx: &Ctx<'a>, ip: &'a ElasticIp) -> Resource<'a> {
    // The ARN Shield Advanced protections name an address by.
    let arn = ctx.arn("ec2", &ip.region, "eip-allocation", &ip.allocation_id);
    let shield = ctx.shield(&arn);
    let associated_with = match (&ip.instance_id, &ip.network_interface_id) {
        (Some(i), _) => Some(format!("instance {i}")),
        (None, Some(eni)) => Some(format!("network interface {eni}")),
        (None, None) => None,
    };
    let address = ip.public_ip.as_deref().unwrap_or(&ip.allocation_id);
    Resource {
        kind: Kind::ElasticIp,
        id: Cow::Borrowed(&ip.allocation_id),
        name: name_tag(&ip.tags).or(Some(Cow::Borrowed(address))),
        arn: Cow::Owned(arn),
        region: Cow::Borrowed(&ip.region),
        source: Some(ip),
        unreadable: None,
        facts: Box::new(ElasticIpFacts {
            associated: Always(ip.association_id.is_some()),
            associated_with: Always(associated_with.filter(|_| ip.association_id.is_some())),
            shield_subscribed: shield.subscribed,
            shield_protected: shield.protected,
            address: Always(address),
        }),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::tests::{facts_or_why, find};
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::{json, Value};

    const R: &str = "eu-west-1";

    fn eip(id: &str, association: Option<(&str, &str)>) -> ElasticIp {
        let (instance, eni) = association.unwrap_or_default();
        let some = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
        ElasticIp {
            region: R.into(),
            allocation_id: id.into(),
            public_ip: Some(format!("203.0.113.{}", id.len())),
            association_id: association.map(|_| format!("eipassoc-{id}")),
            instance_id: some(instance),
            network_interface_id: some(eni),
            ..Default::default()
        }
    }

    fn snapshot(state: Option<&str>, failed: Option<&str>) -> Snapshot {
        let mut s = Snapshot::new("111122223333", vec![R.into()], "t".into());
        s.coverage.push(Coverage {
            service: "shield".into(),
            region: "global".into(),
            errors: failed
                .map(|op| CollectError {
                    operation: op.into(),
                    iam_action: String::new(),
                    kinds: vec!["shield.protection".into()],
                    resource: None,
                    code: "AccessDeniedException".into(),
                    message: "denied".into(),
                })
                .into_iter()
                .collect(),
        });
        s.shield.subscription = state
            .map(|st| ShieldSubscription { state: st.into() })
            .into_iter()
            .collect();
        if state == Some("ACTIVE") && failed.is_none() {
            s.shield.protections.push(ShieldProtection {
                id: "p-1".into(),
                name: "web".into(),
                resource_arn: format!("arn:aws:ec2:{R}:111122223333:eip-allocation/eipalloc-web"),
                ..Default::default()
            });
        }
        s.ec2.elastic_ips = vec![
            eip("eipalloc-web", Some(("i-1", "eni-1"))),
            eip("eipalloc-nat", Some(("", "eni-2"))),
            eip("eipalloc-spare", None),
        ];
        s
    }

    fn facts(m: &Model, id: &str) -> Vec<Value> {
        let f = [
            "associated",
            "associated_with",
            "shield_subscribed",
            "shield_protected",
        ];
        facts_or_why(m, "ec2.elastic_ip", id, &f)
    }

    #[test]
    fn associations_and_protections_are_joined_by_allocation() {
        let s = snapshot(Some("ACTIVE"), None);
        let m = Model::build(&s);
        assert_eq!(
            facts(&m, "eipalloc-web"),
            [json!(true), json!("instance i-1"), json!(true), json!(true)]
        );
        assert_eq!(
            facts(&m, "eipalloc-nat"),
            [
                json!(true),
                json!("network interface eni-2"),
                json!(true),
                json!(false)
            ]
        );
        assert_eq!(
            facts(&m, "eipalloc-spare"),
            [json!(false), json!(null), json!(true), json!(false)]
        );
        let web = find(&m, "ec2.elastic_ip", "eipalloc-web");
        assert_eq!(
            web.arn,
            "arn:aws:ec2:eu-west-1:111122223333:eip-allocation/eipalloc-web"
        );
        assert_eq!(web.name.as_deref(), Some("203.0.113.12"));
    }

    #[test]
    fn shield_facts_follow_the_subscription_and_the_listing() {
        let m_inactive = snapshot(Some("INACTIVE"), None);
        let m = Model::build(&m_inactive);
        assert_eq!(facts(&m, "eipalloc-nat")[2..], [json!(false), json!(false)]);
        let s = snapshot(None, Some("GetSubscriptionState"));
        let m = Model::build(&s);
        let why = "unknown: shield.protection could not be listed in global: \
                   GetSubscriptionState failed: AccessDeniedException: denied";
        assert_eq!(facts(&m, "eipalloc-nat")[2..], [json!(why), json!(why)]);
        let s = snapshot(Some("ACTIVE"), Some("ListProtections"));
        let m = Model::build(&s);
        assert_eq!(
            facts(&m, "eipalloc-web")[2..],
            [
                json!(true),
                json!(
                    "unknown: shield.protection could not be listed in global: \
                     ListProtections failed: AccessDeniedException: denied"
                )
            ]
        );
    }
}
