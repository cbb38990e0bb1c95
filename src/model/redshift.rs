//! Redshift clusters: Multi-AZ, node count, automated and cross-region snapshots, and AZ
//! relocation.

use super::{Always, Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::RedshiftCluster;
use std::borrow::Cow;

crate::facts! {
    /// Derived facts of a Redshift cluster.
    pub struct ClusterFacts {
        /// Whether it is deployed in two AZs (unknown when the answer lacked MultiAZ).
        pub multi_az: Known<bool>,
        /// Days automated snapshots are kept; 0 means none (unknown when the answer lacked
        /// it).
        pub automated_snapshot_retention_period: Known<i64>,
        /// How many compute nodes it has (unknown when the answer lacked it).
        pub node_count: Known<i64>,
        /// Whether it runs on RA3 nodes, the only type that supports Multi-AZ and AZ
        /// relocation (unknown when the answer lacked the node type).
        pub ra3: Known<bool>,
        /// Whether automated snapshots are copied to another region.
        pub cross_region_snapshot_copy: Always<bool>,
        /// Whether AZ relocation is on (unknown when the answer lacked its status).
        pub az_relocation: Known<bool>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for c in &ctx.snapshot.redshift.clusters {
        out.push(cluster(ctx, c));
    }
}

/// A value the answer should have held: unknown, naming the API field, when absent.
fn given<T: Copy>(v: Option<T>, field: &str) -> Known<T> {
    match v {
        Some(v) => Known::Is(v),
        None => Known::unknown(format!("DescribeClusters did not return {field}")),
    }
}

fn cluster<'a>(ctx: &Ctx<'a>, c: &'a RedshiftCluster) -> Resource<'a> {
    let multi_az = match c.multi_az.as_deref() {
        Some(m) if m.eq_ignore_ascii_case("enabled") => Known::Is(true),
        Some(m) if m.eq_ignore_ascii_case("disabled") => Known::Is(false),
        Some(m) => Known::unknown(format!("MultiAZ {m:?} is neither Enabled nor Disabled")),
        None => Known::unknown("DescribeClusters did not return MultiAZ"),
    };
    let f = ClusterFacts {
        multi_az,
        automated_snapshot_retention_period: given(
            c.automated_snapshot_retention_period,
            "AutomatedSnapshotRetentionPeriod",
        ),
        node_count: given(c.number_of_nodes, "NumberOfNodes"),
        ra3: given(c.node_type.as_deref(), "NodeType").map(|t| t.starts_with("ra3.")),
        cross_region_snapshot_copy: Always(c.snapshot_copy_destination_region.is_some()),
        // Pending changes are not in effect yet.
        az_relocation: given(
            c.availability_zone_relocation_status.as_deref(),
            "AvailabilityZoneRelocationStatus",
        )
        .map(|s| *s == "enabled"),
    };
    let arn = if c.arn.is_empty() {
        Cow::Owned(format!(
            "arn:{}:redshift:{}:{}:cluster:{}",
            ctx.snapshot.partition, c.region, ctx.snapshot.account_id, c.cluster_identifier
        ))
    } else {
        Cow::Borrowed(c.arn.as_str())
    };
    Resource {
        kind: Kind::RedshiftCluster,
        id: Cow::Borrowed(&c.cluster_identifier),
        name: Some(Cow::Borrowed(&c.cluster_identifier)),
        arn,
        region: Cow::Borrowed(&c.region),
        source: Some(c),
        unreadable: None,
        facts: Box::new(f),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::tests::find;
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    #[test]
    fn flags_from_the_answer_and_unknown_when_it_lacks_them() {
        let mut s = Snapshot::new("111122223333", vec!["eu-west-1".into()], "t".into());
        s.redshift.clusters = vec![
            RedshiftCluster {
                region: "eu-west-1".into(),
                cluster_identifier: "warehouse".into(),
                node_type: Some("ra3.4xlarge".into()),
                number_of_nodes: Some(2),
                availability_zone: Some("eu-west-1a".into()),
                multi_az: Some("Enabled".into()),
                secondary_availability_zone: Some("eu-west-1b".into()),
                automated_snapshot_retention_period: Some(7),
                snapshot_copy_destination_region: Some("eu-central-1".into()),
                availability_zone_relocation_status: Some("pending_enabling".into()),
                ..Default::default()
            },
            RedshiftCluster {
                region: "eu-west-1".into(),
                cluster_identifier: "legacy".into(),
                node_type: Some("dc2.large".into()),
                number_of_nodes: Some(1),
                availability_zone: Some("eu-west-1c".into()),
                automated_snapshot_retention_period: Some(0),
                ..Default::default()
            },
        ];
        let m = Model::build(&s);
        let w = find(&m, "redshift.cluster", "warehouse");
        assert_eq!(w.fields()["multi_az"], json!(true));
        assert_eq!(w.fields()["ra3"], json!(true));
        assert_eq!(w.fields()["cross_region_snapshot_copy"], json!(true));
        assert_eq!(w.fields()["az_relocation"], json!(false));
        assert_eq!(w.arn, "arn:aws:redshift:eu-west-1:111122223333:cluster:warehouse");
        assert!(w.unknown().is_empty(), "{:?}", w.unknown());
        let l = find(&m, "redshift.cluster", "legacy");
        assert_eq!(l.fields()["ra3"], json!(false));
        assert_eq!(l.fields()["node_count"], json!(1));
        assert_eq!(l.fields()["automated_snapshot_retention_period"], json!(0));
        assert_eq!(l.fields()["cross_region_snapshot_copy"], json!(false));
        assert!(l.unknown()["multi_az"].contains("did not return MultiAZ"));
        assert!(l.unknown()["az_relocation"].contains("AvailabilityZoneRelocationStatus"));
    }
}
