//! Route 53 Resolver endpoints: the AZs their IP addresses serve from.

use super::networkfirewall::ec2_not_read;
use super::{Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::ResolverEndpoint;
use std::borrow::Cow;
use std::collections::BTreeSet;

crate::facts! {
    /// Derived facts of a Route 53 Resolver endpoint.
    pub struct EndpointFacts<'a> {
        /// The AZs of the subnets of its IP addresses that serve queries (not failed, detaching
        /// or being deleted).
        pub ip_azs: Known<Vec<&'a str>>,
        /// How many of its IP addresses serve queries.
        pub serving_ip_count: Known<usize>,
    }
}

/// IP address states in which the address answers no query.
const NOT_SERVING: &[&str] = &[
    "FAILED_CREATION",
    "FAILED_RESOURCE_GONE",
    "DETACHING",
    "DELETING",
    "DELETE_FAILED_FAS_EXPIRED",
];

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for e in &ctx.snapshot.route53resolver.endpoints {
        out.push(endpoint(ctx, e));
    }
}

fn endpoint<'a>(ctx: &Ctx<'a>, e: &'a ResolverEndpoint) -> Resource<'a> {
    let region = e.region.as_str();
    let serving: Vec<_> = e
        .ip_addresses
        .iter()
        .filter(|ip| {
            !ip.status
                .as_deref()
                .is_some_and(|st| NOT_SERVING.contains(&st))
        })
        .collect();
    let mut azs = BTreeSet::new();
    let mut unplaced = Vec::new();
    for ip in &serving {
        match ctx.subnet_az(region, &ip.subnet_id) {
            Some(az) => {
                azs.insert(az);
            }
            None => unplaced.push(ip.subnet_id.as_str()),
        }
    }
    let mut f = EndpointFacts {
        ip_azs: Known::Is(azs.into_iter().collect()),
        serving_ip_count: Known::Is(serving.len()),
    };
    crate::unknown_if!(e.unreadable.get("ip_addresses") => f.ip_azs, f.serving_ip_count);
    crate::unknown_if!(ctx.incomplete(Kind::Subnet, region) => f.ip_azs);
    crate::unknown_if!(ec2_not_read(ctx, region) => f.ip_azs);
    if !unplaced.is_empty() {
        crate::unknown_if!(Some(format!(
            "subnet(s) {} of resolver endpoint {} are not in the subnet listing, so the AZs \
             of its IP addresses there are unknown",
            unplaced.join(", "),
            e.id
        )) => f.ip_azs);
    }
    Resource {
        kind: Kind::ResolverEndpoint,
        id: Cow::Borrowed(&e.id),
        name: e.name.as_deref().map(Cow::Borrowed),
        arn: ctx.arn_or(&e.arn, "route53resolver", region, "resolver-endpoint", &e.id),
        region: Cow::Borrowed(region),
        source: Some(e),
        unreadable: Some(&e.unreadable),
        facts: Box::new(f),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::tests::find;
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    const R: &str = "eu-west-1";

    fn ip(subnet: &str, status: &str) -> ResolverIpAddress {
        ResolverIpAddress {
            ip_id: None,
            subnet_id: subnet.into(),
            ip: None,
            status: Some(status.into()),
        }
    }

    fn snapshot() -> Snapshot {
        let mut s = Snapshot::new("111122223333", vec![R.into()], "t".into());
        s.coverage.push(Coverage {
            service: "ec2".into(),
            region: R.into(),
            errors: vec![],
        });
        for (id, az) in [("subnet-a", "eu-west-1a"), ("subnet-b", "eu-west-1b")] {
            s.ec2.subnets.push(Subnet {
                region: R.into(),
                subnet_id: id.into(),
                vpc_id: "vpc-1".into(),
                availability_zone: az.into(),
                ..Default::default()
            });
        }
        let endpoint = |id: &str, ips: Vec<ResolverIpAddress>| ResolverEndpoint {
            region: R.into(),
            id: id.into(),
            status: Some("OPERATIONAL".into()),
            ip_addresses: ips,
            ..Default::default()
        };
        s.route53resolver.endpoints = vec![
            endpoint(
                "rslvr-in-1",
                vec![ip("subnet-a", "ATTACHED"), ip("subnet-b", "ATTACHED")],
            ),
            // The address in b failed: only a serves.
            endpoint(
                "rslvr-out-1",
                vec![
                    ip("subnet-a", "ATTACHED"),
                    ip("subnet-a", "ATTACHED"),
                    ip("subnet-b", "FAILED_CREATION"),
                ],
            ),
            endpoint(
                "rslvr-out-2",
                vec![ip("subnet-a", "ATTACHED"), ip("subnet-gone", "ATTACHED")],
            ),
        ];
        s
    }

    #[test]
    fn serving_addresses_give_the_azs() {
        let s = snapshot();
        let m = Model::build(&s);
        let both = find(&m, "route53resolver.endpoint", "rslvr-in-1").fields();
        assert_eq!(both["ip_azs"], json!(["eu-west-1a", "eu-west-1b"]));
        let one = find(&m, "route53resolver.endpoint", "rslvr-out-1").fields();
        assert_eq!(one["ip_azs"], json!(["eu-west-1a"]));
        assert_eq!(one["serving_ip_count"], json!(2));
        assert_eq!(
            one["arn"],
            json!("arn:aws:route53resolver:eu-west-1:111122223333:resolver-endpoint/rslvr-out-1")
        );
        let gone = find(&m, "route53resolver.endpoint", "rslvr-out-2").unknown();
        assert!(gone["ip_azs"].contains("subnet(s) subnet-gone"), "{gone:?}");
    }

    #[test]
    fn unread_addresses_or_subnets_leave_the_azs_unknown() {
        let mut s = snapshot();
        s.route53resolver.endpoints[0].unreadable.insert(
            "ip_addresses".into(),
            "ListResolverEndpointIpAddresses failed: AccessDeniedException: no".into(),
        );
        s.coverage.clear();
        let m = Model::build(&s);
        let r = find(&m, "route53resolver.endpoint", "rslvr-in-1").unknown();
        for fact in ["ip_azs", "serving_ip_count"] {
            assert!(
                r[fact].contains("ListResolverEndpointIpAddresses failed"),
                "{r:?}"
            );
        }
        let r = find(&m, "route53resolver.endpoint", "rslvr-out-1").unknown();
        assert!(r["ip_azs"].contains("ec2 was not collected"), "{r:?}");
        assert!(!r.contains_key("serving_ip_count"));
    }
}
