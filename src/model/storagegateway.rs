//! AWS Storage Gateway gateways: where the appliance runs. A gateway hosted on EC2 is one
//! instance, with no standby.

use super::{Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::Gateway;
use std::borrow::Cow;

crate::facts! {
    /// Derived facts of a Storage Gateway gateway.
    pub struct GatewayFacts<'a> {
        /// Where the appliance runs: `EC2`, `VMWARE`, `HYPER-V`, `KVM`, `SNOWBALL` or `OTHER`.
        pub host: Known<&'a str>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for g in &ctx.snapshot.storagegateway.gateways {
        out.push(gateway(ctx, g));
    }
}

/// The host environment, or `EC2` for a gateway the listing names an EC2 instance of.
fn host(g: &Gateway) -> Known<&str> {
    match (&g.host_environment, &g.ec2_instance_id) {
        (Some(h), _) => Known::Is(h.as_str()),
        (None, Some(_)) => Known::Is("EC2"),
        (None, None) => Known::unknown("ListGateways returned no HostEnvironment"),
    }
}

fn gateway<'a>(ctx: &Ctx<'a>, g: &'a Gateway) -> Resource<'a> {
    let arn = ctx.arn_or(&g.gateway_arn, "storagegateway", &g.region, "gateway", &g.gateway_id);
    Resource {
        kind: Kind::Gateway,
        id: Cow::Borrowed(&g.gateway_id),
        name: Some(Cow::Borrowed(
            g.gateway_name.as_deref().unwrap_or(&g.gateway_id),
        )),
        arn,
        region: Cow::Borrowed(&g.region),
        source: Some(g),
        unreadable: Some(&g.unreadable),
        facts: Box::new(GatewayFacts { host: host(g) }),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::tests::find;
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    #[test]
    fn the_host_comes_from_the_listing_or_its_ec2_instance() {
        let mut s = Snapshot::new("111122223333", vec!["r".into()], "t".into());
        for (id, host, instance) in [
            ("sgw-ec2", Some("EC2"), Some("i-1")),
            ("sgw-vmware", Some("VMWARE"), None),
            ("sgw-instance", None, Some("i-2")),
            ("sgw-silent", None, None),
        ] {
            s.storagegateway.gateways.push(Gateway {
                region: "r".into(),
                gateway_id: id.into(),
                host_environment: host.map(str::to_string),
                ec2_instance_id: instance.map(str::to_string),
                ..Default::default()
            });
        }
        let m = Model::build(&s);
        let host = |id: &str| {
            let g = find(&m, "storagegateway.gateway", id);
            match g.unknown().get("host") {
                Some(why) => json!(format!("unknown: {why}")),
                None => g.fields()["host"].clone(),
            }
        };
        assert_eq!(host("sgw-ec2"), json!("EC2"));
        assert_eq!(host("sgw-vmware"), json!("VMWARE"));
        assert_eq!(host("sgw-instance"), json!("EC2"));
        assert_eq!(
            host("sgw-silent"),
            json!("unknown: ListGateways returned no HostEnvironment")
        );
        assert_eq!(
            find(&m, "storagegateway.gateway", "sgw-vmware").arn,
            "arn:aws:storagegateway:r:111122223333:gateway/sgw-vmware"
        );
    }
}
