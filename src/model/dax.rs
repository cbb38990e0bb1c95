//! DAX clusters: how many nodes they have, the AZs those run in, and the AZs their subnet
//! group lets them use.

use super::{Ctx, Known, Resource};
use crate::registry::{Kind, Service};
use crate::snapshot::{DaxCluster, DaxSubnetGroup};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

crate::facts! {
    /// Derived facts of a DAX cluster.
    pub struct ClusterFacts<'a> {
        /// How many nodes it has: TotalNodes, else the nodes listed.
        pub node_count: Known<i64>,
        /// The AZs its nodes run in.
        pub node_azs: Known<Vec<&'a str>>,
        /// How many AZs its nodes run in.
        pub node_az_count: Known<usize>,
        /// The AZs of the subnets of its subnet group: where its nodes can be placed.
        pub subnet_group_azs: Known<Vec<&'a str>>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    let dax = &ctx.snapshot.dax;
    if dax.clusters.is_empty() {
        return;
    }
    let groups: HashMap<(&str, &str), &DaxSubnetGroup> = dax
        .subnet_groups
        .iter()
        .map(|g| ((g.region.as_str(), g.name.as_str()), g))
        .collect();
    for c in &dax.clusters {
        out.push(cluster(ctx, &groups, c));
    }
}

/// The AZs of a set of subnets, each as its service names it or else from the EC2 subnet
/// listing. `Err(why)` when a subnet's AZ is unknown and the known ones are fewer than
/// `enough`, the most AZs the answer could need to prove anything.
pub(super) fn subnet_zones<'a>(
    ctx: &Ctx<'a>,
    region: &str,
    owner: &str,
    subnets: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
    enough: usize,
) -> Result<BTreeSet<&'a str>, String> {
    let mut azs = BTreeSet::new();
    let mut missing = None;
    for (id, named) in subnets {
        match named.or_else(|| ctx.subnet_az(region, id)) {
            Some(az) => {
                azs.insert(az);
            }
            None if missing.is_none() => {
                let why = ctx
                    .incomplete(Kind::Subnet, region)
                    .or_else(|| ctx.not_collected(Service::ec2, region).map(|r| r.to_string()))
                    .unwrap_or_else(|| "it is not in the EC2 subnet listing".to_string());
                missing = Some(format!(
                    "the AZ of subnet {id} of {owner} is unknown: {why}"
                ));
            }
            None => {}
        }
    }
    match missing {
        Some(why) if azs.len() < enough => Err(why),
        _ => Ok(azs),
    }
}

fn cluster<'a>(
    ctx: &Ctx<'a>,
    groups: &HashMap<(&str, &str), &'a DaxSubnetGroup>,
    c: &'a DaxCluster,
) -> Resource<'a> {
    let region = c.region.as_str();
    let azs: BTreeSet<&str> = c
        .nodes
        .iter()
        .filter_map(|n| n.availability_zone.as_deref())
        .collect();
    let unplaced = c.nodes.iter().find(|n| n.availability_zone.is_none());
    let node_count = match (c.total_nodes, c.nodes.len()) {
        (Some(n), _) => Known::Is(n),
        (None, 0) => Known::unknown("DescribeClusters returned neither TotalNodes nor nodes"),
        (None, n) => Known::Is(i64::try_from(n).unwrap_or(i64::MAX)),
    };
    let mut f = ClusterFacts {
        node_count,
        node_az_count: Known::Is(azs.len()),
        node_azs: Known::Is(azs.iter().copied().collect()),
        subnet_group_azs: Known::Is(Vec::new()),
    };
    let placement_why = if c.nodes.is_empty() {
        Some(format!(
            "DescribeClusters listed no nodes for the cluster (status {})",
            c.status.as_deref().unwrap_or("not given")
        ))
    } else {
        unplaced
            .filter(|_| azs.len() < 2)
            .map(|n| format!("the AZ of node {} is not in the answer", n.node_id))
    };
    crate::unknown_if!(placement_why => f.node_azs, f.node_az_count);
    f.subnet_group_azs = match (c.unreadable.get("subnet_groups"), c.subnet_group.as_deref()) {
        (Some(why), _) => Known::unknown(why),
        (None, None) => Known::unknown("DescribeClusters did not name the cluster's subnet group"),
        (None, Some(name)) => match groups.get(&(region, name)) {
            None => Known::unknown(format!(
                "subnet group {name} is not in the DescribeSubnetGroups answer of {region}"
            )),
            Some(g) => {
                let owner = format!("subnet group {name}");
                let subnets = g
                    .subnets
                    .iter()
                    .map(|s| (s.subnet_id.as_str(), s.availability_zone.as_deref()));
                match subnet_zones(ctx, region, &owner, subnets, 2) {
                    Ok(azs) => Known::Is(azs.into_iter().collect()),
                    Err(why) => Known::unknown(why),
                }
            }
        },
    };
    let arn = ctx.arn_or(&c.arn, "dax", region, "cache", &c.cluster_name);
    Resource {
        kind: Kind::DaxCluster,
        id: Cow::Borrowed(&c.cluster_name),
        name: Some(Cow::Borrowed(&c.cluster_name)),
        arn,
        region: Cow::Borrowed(region),
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

    const R: &str = "eu-west-1";

    fn cluster(name: &str, azs: &[Option<&str>], group: &str) -> DaxCluster {
        DaxCluster {
            region: R.into(),
            cluster_name: name.into(),
            status: Some("available".into()),
            total_nodes: Some(azs.len() as i64),
            nodes: azs
                .iter()
                .enumerate()
                .map(|(i, az)| DaxNode {
                    node_id: format!("{name}-{i}"),
                    node_status: Some("available".into()),
                    availability_zone: az.map(str::to_string),
                })
                .collect(),
            subnet_group: Some(group.into()),
            ..Default::default()
        }
    }

    fn group(name: &str, subnets: &[(&str, Option<&str>)]) -> DaxSubnetGroup {
        DaxSubnetGroup {
            region: R.into(),
            name: name.into(),
            vpc_id: None,
            subnets: subnets
                .iter()
                .map(|(id, az)| DaxSubnet {
                    subnet_id: id.to_string(),
                    availability_zone: az.map(str::to_string),
                })
                .collect(),
        }
    }

    fn snapshot() -> Snapshot {
        let mut s = Snapshot::new("111122223333", vec![R.into()], "t".into());
        for service in ["ec2", "dax"] {
            s.coverage.push(Coverage {
                service: service.into(),
                region: R.into(),
                errors: vec![],
            });
        }
        s.ec2.subnets.push(Subnet {
            region: R.into(),
            subnet_id: "subnet-b".into(),
            availability_zone: "eu-west-1b".into(),
            ..Default::default()
        });
        s.dax.subnet_groups = vec![
            // The second subnet's AZ comes from EC2.
            group("spread", &[("subnet-a", Some("eu-west-1a")), ("subnet-b", None)]),
            group("one-az", &[("subnet-a", Some("eu-west-1a"))]),
            group("lost", &[("subnet-a", Some("eu-west-1a")), ("subnet-gone", None)]),
        ];
        s
    }

    #[test]
    fn node_and_subnet_group_azs() {
        let (a, b) = (Some("eu-west-1a"), Some("eu-west-1b"));
        let mut s = snapshot();
        s.dax.clusters = vec![
            cluster("spread", &[a, b, a], "spread"),
            cluster("packed", &[a], "one-az"),
            cluster("lost", &[a, None], "lost"),
            cluster("nowhere", &[a], "missing"),
        ];
        let m = Model::build(&s);
        let spread = find(&m, "dax.cluster", "spread");
        assert_eq!(spread.fields()["node_count"], json!(3));
        assert_eq!(spread.fields()["node_azs"], json!(["eu-west-1a", "eu-west-1b"]));
        assert_eq!(spread.fields()["node_az_count"], json!(2));
        assert_eq!(
            spread.fields()["subnet_group_azs"],
            json!(["eu-west-1a", "eu-west-1b"])
        );
        assert!(spread.unknown().is_empty(), "{:?}", spread.unknown());
        let packed = find(&m, "dax.cluster", "packed");
        assert_eq!(packed.fields()["node_az_count"], json!(1));
        assert_eq!(packed.fields()["subnet_group_azs"], json!(["eu-west-1a"]));
        let lost = find(&m, "dax.cluster", "lost");
        assert!(lost.unknown()["node_az_count"].contains("node lost-1"));
        assert!(lost.unknown()["subnet_group_azs"]
            .contains("subnet subnet-gone of subnet group lost is unknown: it is not in the EC2 subnet listing"));
        let nowhere = find(&m, "dax.cluster", "nowhere");
        assert!(nowhere.unknown()["subnet_group_azs"]
            .contains("subnet group missing is not in the DescribeSubnetGroups answer"));
    }

    #[test]
    fn unread_subnet_groups_and_a_cluster_without_nodes() {
        let mut s = snapshot();
        let mut creating = cluster("creating", &[], "spread");
        creating.status = Some("creating".into());
        creating.total_nodes = Some(3);
        let mut denied = cluster("denied", &[Some("eu-west-1a")], "spread");
        denied
            .unreadable
            .insert("subnet_groups".into(), "DescribeSubnetGroups failed: AccessDenied".into());
        s.dax.clusters = vec![creating, denied];
        let m = Model::build(&s);
        let creating = find(&m, "dax.cluster", "creating");
        assert_eq!(creating.fields()["node_count"], json!(3));
        assert!(creating.unknown()["node_azs"].contains("no nodes for the cluster (status creating)"));
        let denied = find(&m, "dax.cluster", "denied");
        assert!(denied.unknown()["subnet_group_azs"].contains("AccessDenied"));
        assert_eq!(denied.fields()["node_az_count"], json!(1));
    }
}
