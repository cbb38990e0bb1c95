//! AWS CloudHSM clusters: how many HSMs serve them and in which AZs.

use super::{name_tag, Always, Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::{Hsm, HsmCluster};
use std::borrow::Cow;
use std::collections::BTreeSet;

crate::facts! {
    /// Derived facts of a CloudHSM cluster.
    pub struct ClusterFacts<'a> {
        /// How many HSMs it has, leaving out those being deleted.
        pub hsm_count: Always<usize>,
        /// The AZs of those HSMs.
        pub hsm_azs: Known<Vec<&'a str>>,
    }
}

/// HSM states that serve no request.
const GONE: &[&str] = &["DELETE_IN_PROGRESS", "DELETED"];

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for c in &ctx.snapshot.cloudhsm.clusters {
        out.push(cluster(ctx, c));
    }
}

/// The AZ of an HSM: its own, else its subnet's in the cluster's subnet mapping or in EC2.
fn hsm_az<'a>(ctx: &Ctx<'a>, c: &'a HsmCluster, h: &'a Hsm) -> Option<&'a str> {
    h.availability_zone.as_deref().or_else(|| {
        let subnet = h.subnet_id.as_deref()?;
        c.subnet_mapping
            .iter()
            .find(|(_, s)| s.as_str() == subnet)
            .map(|(az, _)| az.as_str())
            .or_else(|| ctx.subnet_az(&c.region, subnet))
    })
}

fn cluster<'a>(ctx: &Ctx<'a>, c: &'a HsmCluster) -> Resource<'a> {
    let serving: Vec<&Hsm> = c
        .hsms
        .iter()
        .filter(|h| !h.state.as_deref().is_some_and(|s| GONE.contains(&s)))
        .collect();
    let mut azs = BTreeSet::new();
    let mut lost: Option<String> = None;
    for h in &serving {
        match hsm_az(ctx, c, h) {
            Some(az) => {
                azs.insert(az);
            }
            None => {
                lost.get_or_insert_with(|| format!("HSM {} has no known AZ", h.hsm_id));
            }
        }
    }
    let mut f = ClusterFacts {
        hsm_count: Always(serving.len()),
        hsm_azs: Known::Is(azs.into_iter().collect()),
    };
    crate::unknown_if!(lost => f.hsm_azs);
    let arn = Cow::Owned(ctx.arn("cloudhsm", &c.region, "cluster", &c.cluster_id));
    Resource {
        kind: Kind::HsmCluster,
        id: Cow::Borrowed(&c.cluster_id),
        name: name_tag(&c.tags).or(Some(Cow::Borrowed(&c.cluster_id))),
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

    fn hsm(id: &str, az: Option<&str>, subnet: &str, state: &str) -> Hsm {
        Hsm {
            hsm_id: id.into(),
            availability_zone: az.map(str::to_string),
            subnet_id: Some(subnet.into()),
            state: Some(state.into()),
        }
    }

    #[test]
    fn hsm_azs_leave_out_deleted_hsms_and_join_subnets() {
        let mut s = Snapshot::new("111122223333", vec!["r".into()], "t".into());
        s.cloudhsm.clusters.push(HsmCluster {
            region: "r".into(),
            cluster_id: "cluster-1".into(),
            subnet_mapping: [("rb".to_string(), "s-b".to_string())].into(),
            hsms: vec![
                hsm("hsm-a", Some("ra"), "s-a", "ACTIVE"),
                // No AZ of its own: its subnet's, from the subnet mapping.
                hsm("hsm-b", None, "s-b", "ACTIVE"),
                hsm("hsm-c", Some("rc"), "s-c", "DELETE_IN_PROGRESS"),
            ],
            ..Default::default()
        });
        s.cloudhsm.clusters.push(HsmCluster {
            region: "r".into(),
            cluster_id: "cluster-2".into(),
            hsms: vec![hsm("hsm-x", None, "s-x", "ACTIVE")],
            ..Default::default()
        });
        let m = Model::build(&s);
        let c = find(&m, "cloudhsm.cluster", "cluster-1");
        assert_eq!(c.fields()["hsm_count"], json!(2));
        assert_eq!(c.fields()["hsm_azs"], json!(["ra", "rb"]));
        assert_eq!(c.arn, "arn:aws:cloudhsm:r:111122223333:cluster/cluster-1");
        let c = find(&m, "cloudhsm.cluster", "cluster-2");
        assert_eq!(c.fields()["hsm_count"], json!(1));
        assert_eq!(c.unknown()["hsm_azs"], "HSM hsm-x has no known AZ");
    }
}
