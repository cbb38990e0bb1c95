//! Amazon MSK clusters: how many brokers a provisioned cluster has and in which AZs they run.

use super::ecs::subnet_azs;
use super::mq::said;
use super::{Ctx, Known, Resource};
use crate::registry::{Kind, Service};
use crate::snapshot::MskCluster;
use std::borrow::Cow;
use std::collections::BTreeSet;

crate::facts! {
    /// Derived facts of an MSK cluster.
    pub struct ClusterFacts<'a> {
        /// `PROVISIONED` or `SERVERLESS`.
        pub cluster_type: Known<&'a str>,
        /// How many broker nodes a provisioned cluster has.
        pub number_of_broker_nodes: Known<i64>,
        /// The AZs of its brokers (a provisioned cluster): from the broker zone IDs when the
        /// API gives them, else from its client subnets. Empty for a serverless cluster.
        pub broker_azs: Known<Vec<&'a str>>,
        /// How many AZs its brokers are in.
        pub broker_az_count: Known<usize>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for c in &ctx.snapshot.msk.clusters {
        out.push(cluster(ctx, c));
    }
}

/// The AZ names of `zone_ids`, from the region's AZ listing; unknown if one is not there.
fn zone_names<'a>(
    ctx: &Ctx<'a>,
    region: &str,
    zone_ids: &'a [String],
) -> Known<Vec<&'a str>> {
    let zones = &ctx.snapshot.ec2.availability_zones;
    let mut names = BTreeSet::new();
    for id in zone_ids {
        match zones
            .iter()
            .find(|z| z.region == region && z.zone_id == *id)
        {
            Some(z) => {
                names.insert(z.zone_name.as_str());
            }
            None => {
                let why = ctx
                    .not_collected(Service::ec2, region)
                    .map(|r| r.to_string())
                    .unwrap_or_else(|| format!("AZ ID {id} is not in the AZ listing of {region}"));
                return Known::unknown(why);
            }
        }
    }
    Known::Is(names.into_iter().collect())
}

fn cluster<'a>(ctx: &Ctx<'a>, c: &'a MskCluster) -> Resource<'a> {
    let provisioned = c.cluster_type.as_deref() == Some("PROVISIONED");
    let (broker_azs, az_count) = if !provisioned {
        (Known::Is(Vec::new()), Known::Is(0))
    } else if !c.zone_ids.is_empty() {
        // The zone IDs count the AZs by themselves; their names need the AZ listing.
        let ids: BTreeSet<&str> = c.zone_ids.iter().map(String::as_str).collect();
        (zone_names(ctx, &c.region, &c.zone_ids), Known::Is(ids.len()))
    } else if c.client_subnets.is_empty() {
        let why = "the cluster listing returned neither the brokers' zone IDs nor their client subnets";
        (Known::unknown(why), Known::unknown(why))
    } else {
        let (azs, why) = subnet_azs(ctx, &c.region, &c.client_subnets);
        let n = azs.len();
        let (mut azs, mut n) = (Known::Is(azs.into_iter().collect()), Known::Is(n));
        crate::unknown_if!(why => azs, n);
        (azs, n)
    };
    let f = ClusterFacts {
        cluster_type: said(
            c.cluster_type.as_deref(),
            "the cluster listing returned no clusterType",
        ),
        number_of_broker_nodes: said(
            c.number_of_broker_nodes,
            "the cluster listing returned no numberOfBrokerNodes",
        ),
        broker_azs,
        broker_az_count: az_count,
    };
    let arn = ctx.arn_or(&c.arn, "kafka", &c.region, "cluster", &c.cluster_name);
    Resource {
        kind: Kind::MskCluster,
        id: Cow::Borrowed(&c.cluster_name),
        name: Some(Cow::Borrowed(&c.cluster_name)),
        arn,
        region: Cow::Borrowed(&c.region),
        source: Some(c),
        unreadable: Some(&c.unreadable),
        facts: Box::new(f),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::tests::find;
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    fn snapshot() -> Snapshot {
        let mut s = Snapshot::new("111122223333", vec!["r".into()], "t".into());
        for service in ["ec2", "msk"] {
            s.coverage.push(Coverage {
                service: service.into(),
                region: "r".into(),
                errors: vec![],
            });
        }
        for (name, id) in [("ra", "r-az1"), ("rb", "r-az2"), ("rc", "r-az3")] {
            s.ec2.availability_zones.push(AvailabilityZone {
                region: "r".into(),
                zone_name: name.into(),
                zone_id: id.into(),
                state: "available".into(),
                zone_type: None,
            });
        }
        for (id, az) in [("s-a", "ra"), ("s-a2", "ra"), ("s-b", "rb")] {
            s.ec2.subnets.push(Subnet {
                region: "r".into(),
                subnet_id: id.into(),
                availability_zone: az.into(),
                ..Default::default()
            });
        }
        let cluster = |name: &str, subnets: &[&str], zones: &[&str]| MskCluster {
            region: "r".into(),
            cluster_name: name.into(),
            cluster_type: Some("PROVISIONED".into()),
            number_of_broker_nodes: Some(2),
            client_subnets: subnets.iter().map(|s| s.to_string()).collect(),
            zone_ids: zones.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        };
        s.msk.clusters = vec![
            cluster("by-subnet", &["s-a", "s-a2", "s-b"], &[]),
            cluster("by-zone", &["s-a"], &["r-az3", "r-az1", "r-az2"]),
            cluster("zone-unlisted", &[], &["r-az1", "r-az9"]),
            MskCluster {
                region: "r".into(),
                cluster_name: "serverless".into(),
                cluster_type: Some("SERVERLESS".into()),
                ..Default::default()
            },
        ];
        s
    }

    #[test]
    fn broker_azs_come_from_zone_ids_else_client_subnets() {
        let s = snapshot();
        let m = Model::build(&s);
        let c = find(&m, "msk.cluster", "by-subnet");
        assert_eq!(c.fields()["broker_azs"], json!(["ra", "rb"]));
        assert_eq!(c.fields()["broker_az_count"], json!(2));
        assert_eq!(c.fields()["number_of_broker_nodes"], json!(2));
        let c = find(&m, "msk.cluster", "by-zone");
        assert_eq!(c.fields()["broker_azs"], json!(["ra", "rb", "rc"]));
        assert_eq!(c.fields()["broker_az_count"], json!(3));
        // An AZ ID missing from the listing: the names are unknown, the count is not.
        let c = find(&m, "msk.cluster", "zone-unlisted");
        assert!(c.unknown()["broker_azs"].contains("AZ ID r-az9 is not in the AZ listing"));
        assert_eq!(c.fields()["broker_az_count"], json!(2));
        let c = find(&m, "msk.cluster", "serverless");
        assert_eq!(c.fields()["broker_azs"], json!([]));
        assert!(c.unknown()["number_of_broker_nodes"].contains("numberOfBrokerNodes"));
    }

    #[test]
    fn broker_azs_are_unknown_without_ec2_but_zone_ids_still_count() {
        let mut s = snapshot();
        s.coverage.retain(|c| c.service != "ec2");
        s.ec2 = Ec2::default();
        let m = Model::build(&s);
        let c = find(&m, "msk.cluster", "by-subnet");
        for f in ["broker_azs", "broker_az_count"] {
            assert!(c.unknown()[f].contains("ec2 was not collected in r"), "{f}");
        }
        let c = find(&m, "msk.cluster", "by-zone");
        assert_eq!(c.fields()["broker_az_count"], json!(3));
        assert!(c.unknown()["broker_azs"].contains("ec2 was not collected in r"));
    }
}
