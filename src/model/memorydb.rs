//! MemoryDB clusters: whether they run Multi-AZ, which shards lack a replica or keep every
//! node in one AZ, and their snapshot retention.

use super::{Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::{MemoryDbCluster, MemoryDbShard};
use std::borrow::Cow;
use std::collections::BTreeSet;

crate::facts! {
    /// Derived facts of a MemoryDB cluster.
    pub struct ClusterFacts<'a> {
        /// Whether its AvailabilityMode is Multi-AZ (unknown when the answer lacked it or gave
        /// a value AWS does not document).
        pub multi_az: Known<bool>,
        /// Days automatic snapshots are kept; 0 means none (unknown when the answer lacked
        /// it).
        pub snapshot_retention_limit: Known<i64>,
        /// How many shards it has.
        pub shard_count: Known<usize>,
        /// How many nodes its shards have together.
        pub node_count: Known<usize>,
        /// The AZs its nodes run in.
        pub node_azs: Known<Vec<&'a str>>,
        /// How many of its shards have at least one replica.
        pub replicated_shard_count: Known<usize>,
        /// Its shards with no replica: their primary is their only copy.
        pub shards_without_replica: Known<Vec<&'a str>>,
        /// Its shards with replicas whose nodes all run in one AZ.
        pub single_az_shards: Known<Vec<&'a str>>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for c in &ctx.snapshot.memorydb.clusters {
        out.push(cluster(ctx, c));
    }
}

/// `AvailabilityMode` as a flag. The API model spells the values `multiaz` and `singleaz`;
/// other sources spell them `MultiAZ` and `SingleAZ`. The case carries no meaning.
fn multi_az(mode: Option<&str>) -> Known<bool> {
    match mode {
        Some(m) if m.eq_ignore_ascii_case("multiaz") => Known::Is(true),
        Some(m) if m.eq_ignore_ascii_case("singleaz") => Known::Is(false),
        Some(m) => Known::unknown(format!(
            "AvailabilityMode {m:?} is neither multiaz nor singleaz"
        )),
        None => Known::unknown("DescribeClusters did not return AvailabilityMode"),
    }
}

/// How many nodes a shard has: the nodes listed, else the count the answer gives.
fn shard_nodes(s: &MemoryDbShard) -> Option<usize> {
    if s.nodes.is_empty() {
        s.number_of_nodes.and_then(|n| usize::try_from(n).ok())
    } else {
        Some(s.nodes.len())
    }
}

fn cluster<'a>(ctx: &Ctx<'a>, c: &'a MemoryDbCluster) -> Resource<'a> {
    let mut node_azs: BTreeSet<&str> = BTreeSet::new();
    let mut node_missing: Option<String> = None;
    let mut node_count = 0;
    let mut count_missing: Option<String> = None;
    let mut replicated = 0;
    let mut without_replica = Vec::new();
    let mut single_az = Vec::new();
    let mut shard_missing: Option<String> = None;
    for s in &c.shards {
        let Some(n) = shard_nodes(s) else {
            count_missing.get_or_insert(format!("shard {} lists no nodes and no node count", s.name));
            continue;
        };
        node_count += n;
        if n <= 1 {
            without_replica.push(s.name.as_str());
        } else {
            replicated += 1;
        }
        let known: BTreeSet<&str> = s
            .nodes
            .iter()
            .filter_map(|n| n.availability_zone.as_deref())
            .collect();
        let unplaced = s.nodes.len() < n || s.nodes.iter().any(|n| n.availability_zone.is_none());
        node_azs.extend(&known);
        if unplaced {
            node_missing.get_or_insert(format!(
                "the AZ of a node of shard {} is not in the answer",
                s.name
            ));
        }
        if n > 1 {
            match (known.len(), unplaced) {
                (1, false) => single_az.push(s.name.as_str()),
                (k, true) if k < 2 => {
                    shard_missing.get_or_insert(format!(
                        "shard {}: the AZs of its nodes are not all in the answer",
                        s.name
                    ));
                }
                _ => {}
            }
        }
    }
    let shard_count = match c.number_of_shards {
        Some(n) if c.shards.is_empty() => usize::try_from(n).unwrap_or(0),
        _ => c.shards.len(),
    };
    let mut f = ClusterFacts {
        multi_az: multi_az(c.availability_mode.as_deref()),
        snapshot_retention_limit: match c.snapshot_retention_limit {
            Some(d) => Known::Is(d),
            None => Known::unknown("DescribeClusters did not return SnapshotRetentionLimit"),
        },
        shard_count: Known::Is(shard_count),
        node_count: Known::Is(node_count),
        node_azs: Known::Is(node_azs.iter().copied().collect()),
        replicated_shard_count: Known::Is(replicated),
        shards_without_replica: Known::Is(without_replica),
        single_az_shards: Known::Is(single_az.clone()),
    };
    // Two known AZs prove the spread whatever the unknown nodes' AZs.
    if node_azs.len() < 2 {
        crate::unknown_if!(node_missing => f.node_azs);
    }
    // One shard known to be in one AZ decides; otherwise an unplaced node leaves it open.
    if single_az.is_empty() {
        crate::unknown_if!(shard_missing => f.single_az_shards);
    }
    crate::unknown_if!(count_missing.clone() =>
        f.node_count, f.replicated_shard_count, f.shards_without_replica, f.single_az_shards);
    crate::unknown_if!(count_missing => f.node_azs);
    // A cluster said to have shards whose details are absent: nothing about them is known.
    if c.shards.is_empty() && c.number_of_shards != Some(0) {
        crate::unknown_if!(Some("DescribeClusters returned no shard details for the cluster") =>
            f.node_count, f.node_azs, f.replicated_shard_count, f.shards_without_replica,
            f.single_az_shards);
        if c.number_of_shards.is_none() {
            f.shard_count = Known::unknown("DescribeClusters returned neither shards nor their number");
        }
    }
    let arn = ctx.arn_or(&c.arn, "memorydb", &c.region, "cluster", &c.name);
    Resource {
        kind: Kind::MemoryDbCluster,
        id: Cow::Borrowed(&c.name),
        name: Some(Cow::Borrowed(&c.name)),
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

    const R: &str = "eu-west-1";

    fn shard(name: &str, azs: &[Option<&str>]) -> MemoryDbShard {
        MemoryDbShard {
            name: name.into(),
            status: Some("available".into()),
            number_of_nodes: Some(azs.len() as i64),
            nodes: azs
                .iter()
                .enumerate()
                .map(|(i, az)| MemoryDbNode {
                    name: format!("{name}-{:03}", i + 1),
                    status: Some("available".into()),
                    availability_zone: az.map(str::to_string),
                })
                .collect(),
        }
    }

    fn cluster(name: &str, mode: Option<&str>, shards: Vec<MemoryDbShard>) -> MemoryDbCluster {
        MemoryDbCluster {
            region: R.into(),
            name: name.into(),
            availability_mode: mode.map(str::to_string),
            number_of_shards: Some(shards.len() as i64),
            snapshot_retention_limit: Some(1),
            shards,
            ..Default::default()
        }
    }

    fn model_of(clusters: Vec<MemoryDbCluster>) -> Snapshot {
        let mut s = Snapshot::new("111122223333", vec![R.into()], "t".into());
        s.memorydb.clusters = clusters;
        s
    }

    #[test]
    fn shards_without_replica_or_spread_and_the_node_azs() {
        let (a, b, c) = (Some("eu-west-1a"), Some("eu-west-1b"), Some("eu-west-1c"));
        let s = model_of(vec![
            cluster(
                "orders",
                Some("multiaz"),
                vec![shard("0001", &[a, b]), shard("0002", &[c, c]), shard("0003", &[b])],
            ),
            // The case of the mode carries no meaning.
            cluster("spread", Some("MultiAZ"), vec![shard("0001", &[a, b, c])]),
            cluster("solo", Some("singleaz"), vec![shard("0001", &[a])]),
        ]);
        let m = Model::build(&s);
        let orders = find(&m, "memorydb.cluster", "orders");
        assert_eq!(orders.fields()["multi_az"], json!(true));
        assert_eq!(orders.fields()["shard_count"], json!(3));
        assert_eq!(orders.fields()["node_count"], json!(5));
        assert_eq!(
            orders.fields()["node_azs"],
            json!(["eu-west-1a", "eu-west-1b", "eu-west-1c"])
        );
        assert_eq!(orders.fields()["replicated_shard_count"], json!(2));
        assert_eq!(orders.fields()["shards_without_replica"], json!(["0003"]));
        assert_eq!(orders.fields()["single_az_shards"], json!(["0002"]));
        assert!(orders.unknown().is_empty(), "{:?}", orders.unknown());
        let spread = find(&m, "memorydb.cluster", "spread");
        assert_eq!(spread.fields()["multi_az"], json!(true));
        assert_eq!(spread.fields()["single_az_shards"], json!([]));
        let solo = find(&m, "memorydb.cluster", "solo");
        assert_eq!(solo.fields()["multi_az"], json!(false));
        assert_eq!(solo.fields()["replicated_shard_count"], json!(0));
        assert_eq!(solo.fields()["shards_without_replica"], json!(["0001"]));
        assert_eq!(
            solo.arn,
            "arn:aws:memorydb:eu-west-1:111122223333:cluster/solo"
        );
    }

    #[test]
    fn unplaced_nodes_and_missing_shard_details_leave_their_facts_unknown() {
        let (a, b) = (Some("eu-west-1a"), Some("eu-west-1b"));
        let mut bare = cluster("bare", Some("multiaz"), vec![]);
        bare.number_of_shards = Some(2);
        bare.snapshot_retention_limit = None;
        let s = model_of(vec![
            // One node's AZ unknown, the other's known: one AZ proves nothing.
            cluster("open", Some("multiaz"), vec![shard("0001", &[a, None])]),
            // Two known AZs prove the spread.
            cluster("decided", Some("multiaz"), vec![shard("0001", &[a, b, None])]),
            cluster("odd", Some("triple"), vec![shard("0001", &[a, b])]),
            bare,
        ]);
        let m = Model::build(&s);
        let open = find(&m, "memorydb.cluster", "open");
        assert!(open.unknown()["single_az_shards"].contains("shard 0001"));
        assert!(open.unknown()["node_azs"].contains("not in the answer"));
        assert_eq!(open.fields()["shards_without_replica"], json!([]));
        let decided = find(&m, "memorydb.cluster", "decided");
        assert_eq!(decided.fields()["single_az_shards"], json!([]));
        assert_eq!(decided.fields()["node_azs"], json!(["eu-west-1a", "eu-west-1b"]));
        assert!(decided.unknown().is_empty(), "{:?}", decided.unknown());
        let odd = find(&m, "memorydb.cluster", "odd");
        assert!(odd.unknown()["multi_az"].contains("\"triple\""));
        let bare = find(&m, "memorydb.cluster", "bare");
        assert_eq!(bare.fields()["shard_count"], json!(2));
        for f in ["node_azs", "shards_without_replica", "single_az_shards", "node_count"] {
            assert!(bare.unknown()[f].contains("no shard details"), "{f}");
        }
        assert!(bare.unknown()["snapshot_retention_limit"].contains("SnapshotRetentionLimit"));
    }
}
