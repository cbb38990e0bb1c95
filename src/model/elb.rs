//! Classic Load Balancers: the AZs they are enabled in, and the AZs their in-service
//! instances really run in (from the EC2 instance listing).

use super::routing::Regional;
use super::{distinct, Always, Ctx, Known, Resource};
use crate::registry::{Kind, Service};
use crate::snapshot::ClassicLoadBalancer;
use std::borrow::Cow;
use std::collections::BTreeSet;

/// The DescribeInstanceHealth state of an instance that receives traffic.
const IN_SERVICE: &str = "InService";

crate::facts! {
    /// Derived facts of a Classic Load Balancer.
    pub struct ClassicLoadBalancerFacts<'a> {
        /// The AZs it is enabled in.
        pub azs: Always<Vec<&'a str>>,
        /// How many registered instances are `InService`.
        pub in_service_count: Known<usize>,
        /// The AZs of its `InService` instances (from the EC2 instance listing).
        pub in_service_azs: Known<Vec<&'a str>>,
        /// Its registered instances that are not `InService`, with their state.
        pub instances_not_in_service: Known<Vec<String>>,
        /// Whether the account subscribes to AWS Shield Advanced.
        pub shield_subscribed: Known<bool>,
        /// Whether a Shield Advanced protection names it.
        pub shield_protected: Known<bool>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    let s = ctx.snapshot;
    if s.elb.load_balancers.is_empty() {
        return;
    }
    let instance_az: Regional<&str> = s
        .ec2
        .instances
        .iter()
        .map(|i| {
            (
                (i.region.as_str(), i.instance_id.as_str()),
                i.availability_zone.as_str(),
            )
        })
        .collect();
    for lb in &s.elb.load_balancers {
        out.push(load_balancer(ctx, &instance_az, lb));
    }
}

fn load_balancer<'a>(
    ctx: &Ctx<'a>,
    instance_az: &Regional<'a, &'a str>,
    lb: &'a ClassicLoadBalancer,
) -> Resource<'a> {
    let region = lb.region.as_str();
    let in_service: Vec<&str> = lb
        .instance_states
        .iter()
        .filter(|st| st.state == IN_SERVICE)
        .map(|st| st.instance_id.as_str())
        .collect();
    let mut azs = BTreeSet::new();
    let mut not_listed = None;
    for id in &in_service {
        match instance_az.get(region, id) {
            Some(az) => {
                azs.insert(*az);
            }
            None => {
                not_listed.get_or_insert_with(|| {
                    format!("instance {id} is in service but not in the EC2 instance listing")
                });
            }
        }
    }
    let arn = ctx.arn("elasticloadbalancing", region, "loadbalancer", &lb.name);
    let shield = ctx.shield(&arn);
    let mut f = ClassicLoadBalancerFacts {
        azs: Always(distinct(lb.availability_zones.iter().map(String::as_str))),
        in_service_count: Known::Is(in_service.len()),
        in_service_azs: Known::Is(azs.into_iter().collect()),
        instances_not_in_service: Known::Is(
            lb.instance_states
                .iter()
                .filter(|st| st.state != IN_SERVICE)
                .map(|st| format!("{} ({})", st.instance_id, st.state))
                .collect(),
        ),
        shield_subscribed: shield.subscribed,
        shield_protected: shield.protected,
    };
    crate::unknown_if!(lb.unreadable.get("instance_states") =>
        f.in_service_count, f.in_service_azs, f.instances_not_in_service);
    if !in_service.is_empty() {
        crate::unknown_if!(ctx.not_collected(Service::ec2, region) => f.in_service_azs);
        crate::unknown_if!(ctx.incomplete(Kind::Instance, region) => f.in_service_azs);
        crate::unknown_if!(not_listed => f.in_service_azs);
    }
    Resource {
        kind: Kind::ClassicLoadBalancer,
        id: Cow::Borrowed(&lb.name),
        name: Some(Cow::Borrowed(&lb.name)),
        arn: Cow::Owned(arn),
        region: Cow::Borrowed(region),
        source: Some(lb),
        unreadable: Some(&lb.unreadable),
        facts: Box::new(f),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    const R: &str = "eu-west-1";

    fn snapshot() -> Snapshot {
        let mut s = Snapshot::new("111122223333", vec![R.into()], "t".into());
        for service in ["ec2", "elb"] {
            s.coverage.push(Coverage {
                service: service.into(),
                region: R.into(),
                errors: vec![],
            });
        }
        for (id, az) in [("i-a", "eu-west-1a"), ("i-a2", "eu-west-1a"), ("i-b", "eu-west-1b")] {
            s.ec2.instances.push(Instance {
                region: R.into(),
                instance_id: id.into(),
                availability_zone: az.into(),
                state: "running".into(),
                ..Default::default()
            });
        }
        s.elb.load_balancers.push(ClassicLoadBalancer {
            region: R.into(),
            name: "web".into(),
            availability_zones: vec!["eu-west-1b".into(), "eu-west-1a".into()],
            instance_states: [("i-a", "InService"), ("i-a2", "InService"), ("i-b", "OutOfService")]
                .iter()
                .map(|(id, st)| ClbInstanceState {
                    instance_id: id.to_string(),
                    state: st.to_string(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        });
        s
    }

    fn facts(m: &Model) -> (serde_json::Map<String, serde_json::Value>, Vec<String>) {
        let r = m
            .resources
            .iter()
            .find(|r| r.kind.key() == "elb.load_balancer")
            .unwrap();
        (r.fields(), r.unknown().into_keys().collect())
    }

    #[test]
    fn in_service_instances_are_placed_by_the_instance_listing() {
        let s = snapshot();
        let m = Model::build(&s);
        let (f, unknown) = facts(&m);
        assert_eq!(f["azs"], json!(["eu-west-1a", "eu-west-1b"]));
        assert_eq!(f["in_service_count"], json!(2));
        assert_eq!(f["in_service_azs"], json!(["eu-west-1a"]));
        assert_eq!(f["instances_not_in_service"], json!(["i-b (OutOfService)"]));
        assert_eq!(
            f["arn"],
            json!("arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/web")
        );
        // Shield was not collected in this snapshot.
        assert_eq!(unknown, ["shield_protected", "shield_subscribed"]);
    }

    #[test]
    fn unread_health_or_instances_leave_the_service_facts_unknown() {
        let mut s = snapshot();
        s.elb.load_balancers[0].unreadable.insert(
            "instance_states".into(),
            "DescribeInstanceHealth failed: Throttling: slow down".into(),
        );
        let m = Model::build(&s);
        let (_, unknown) = facts(&m);
        for f in ["in_service_count", "in_service_azs", "instances_not_in_service"] {
            assert!(unknown.contains(&f.to_string()), "{f}: {unknown:?}");
        }
        let mut s = snapshot();
        s.ec2.instances.retain(|i| i.instance_id != "i-a2");
        let m = Model::build(&s);
        let r = m.resources.iter().find(|r| r.kind.key() == "elb.load_balancer").unwrap();
        assert_eq!(
            r.unknown()["in_service_azs"],
            "instance i-a2 is in service but not in the EC2 instance listing"
        );
        assert_eq!(r.fields()["in_service_count"], json!(2));
        let mut s = snapshot();
        s.coverage.retain(|c| c.service != "ec2");
        let m = Model::build(&s);
        let r = m.resources.iter().find(|r| r.kind.key() == "elb.load_balancer").unwrap();
        assert!(r.unknown()["in_service_azs"].contains("ec2 was not collected in eu-west-1"));
    }
}
