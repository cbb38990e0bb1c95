//! AWS Shield Advanced protections: what each protects, and whether it detects attacks by
//! the resource's health.

use super::{Always, Ctx, Resource};
use crate::registry::Kind;
use crate::snapshot::{ShieldProtection, GLOBAL_REGION};
use std::borrow::Cow;

crate::facts! {
    /// Derived facts of a Shield Advanced protection.
    pub struct ProtectionFacts {
        /// The protected resource's type as Shield names it (`APPLICATION_LOAD_BALANCER`,
        /// `CLASSIC_LOAD_BALANCER`, `CLOUDFRONT_DISTRIBUTION`, `ROUTE_53_HOSTED_ZONE`,
        /// `ELASTIC_IP_ALLOCATION`, `GLOBAL_ACCELERATOR`), from its ARN.
        pub resource_type: Always<&'static str>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for p in &ctx.snapshot.shield.protections {
        out.push(protection(ctx, p));
    }
}

/// Shield's resource type of an ARN: `arn:<partition>:<service>:<region>:<account>:<what>`.
pub(crate) fn resource_type(arn: &str) -> &'static str {
    let mut parts = arn.splitn(6, ':');
    let service = parts.nth(2).unwrap_or_default();
    let what = parts.nth(2).unwrap_or_default();
    match service {
        "cloudfront" => "CLOUDFRONT_DISTRIBUTION",
        "route53" => "ROUTE_53_HOSTED_ZONE",
        "globalaccelerator" => "GLOBAL_ACCELERATOR",
        "ec2" => "ELASTIC_IP_ALLOCATION",
        "elasticloadbalancing" if what.starts_with("loadbalancer/app/") => {
            "APPLICATION_LOAD_BALANCER"
        }
        // A Classic Load Balancer's ARN ends with its name; ALB and NLB ARNs name their type.
        "elasticloadbalancing"
            if what
                .strip_prefix("loadbalancer/")
                .is_some_and(|name| !name.contains('/')) =>
        {
            "CLASSIC_LOAD_BALANCER"
        }
        _ => "OTHER",
    }
}

fn protection<'a>(ctx: &Ctx<'a>, p: &'a ShieldProtection) -> Resource<'a> {
    let arn = match &p.protection_arn {
        Some(a) => Cow::Borrowed(a.as_str()),
        None => Cow::Owned(format!(
            "arn:{}:shield::{}:protection/{}",
            ctx.snapshot.partition, ctx.snapshot.account_id, p.id
        )),
    };
    Resource {
        kind: Kind::ShieldProtection,
        id: Cow::Borrowed(&p.id),
        name: Some(Cow::Borrowed(&p.name)),
        arn,
        region: Cow::Borrowed(GLOBAL_REGION),
        source: Some(p),
        unreadable: None,
        facts: Box::new(ProtectionFacts {
            resource_type: Always(resource_type(&p.resource_arn)),
        }),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn resource_types_come_from_the_arn() {
        for (arn, want) in [
            ("arn:aws:cloudfront::111122223333:distribution/E1", "CLOUDFRONT_DISTRIBUTION"),
            ("arn:aws:route53:::hostedzone/Z1", "ROUTE_53_HOSTED_ZONE"),
            (
                "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web/1",
                "APPLICATION_LOAD_BALANCER",
            ),
            (
                "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/web",
                "CLASSIC_LOAD_BALANCER",
            ),
            (
                "arn:aws:ec2:eu-west-1:111122223333:eip-allocation/eipalloc-1",
                "ELASTIC_IP_ALLOCATION",
            ),
            (
                "arn:aws:globalaccelerator::111122223333:accelerator/a-1",
                "GLOBAL_ACCELERATOR",
            ),
            ("not an arn", "OTHER"),
        ] {
            assert_eq!(super::resource_type(arn), want, "{arn}");
        }
    }
}
