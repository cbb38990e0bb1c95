//! ElastiCache replication groups and standalone cache clusters, with the AZs of their nodes
//! and of their cache subnet groups.

use super::{distinct, Always, Ctx, Known, Resource};
use crate::registry::{Kind, Service};
use crate::snapshot::{CacheCluster, CacheSubnetGroup, ReplicationGroup};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

crate::facts! {
    /// Derived facts of an ElastiCache replication group.
    pub struct ReplicationGroupFacts<'a> {
        /// Automatic failover: `enabled`, `disabled`, `enabling` ... (unknown when the API
        /// answer lacked it).
        pub automatic_failover: Known<Option<&'a str>>,
        /// Multi-AZ: `enabled` or `disabled` (unknown when the API answer lacked it).
        pub multi_az: Known<Option<&'a str>>,
        /// Days of automatic snapshots kept (unknown when the API answer lacked it).
        pub snapshot_retention_limit: Known<Option<i64>>,
        /// The AZs its nodes run in.
        pub node_azs: Known<Vec<String>>,
        /// How many AZs its nodes run in.
        pub node_az_count: Known<usize>,
        /// How many shards (node groups) it has.
        pub shard_count: Always<usize>,
        /// How many nodes it has.
        pub node_count: Always<usize>,
        /// How many of its nodes are replicas.
        pub replica_count: Always<usize>,
        /// Its shards with no replica.
        pub shards_without_replica: Always<Vec<&'a str>>,
        /// Its shards with replicas whose nodes all run in one AZ.
        pub single_az_shards: Known<Vec<&'a str>>,
        /// Replicas in the same AZ as their shard's primary.
        pub replicas_in_primary_az: Known<Vec<String>>,
        /// The cache subnet group of its member clusters.
        pub subnet_group: Known<Option<&'a str>>,
        /// The AZs of that subnet group's subnets.
        pub subnet_group_azs: Known<Vec<&'a str>>,
    }
}

crate::facts! {
    /// Derived facts of a standalone ElastiCache cluster.
    pub struct CacheClusterFacts<'a> {
        /// How many nodes it has (unknown when the API answer lacked it).
        pub num_cache_nodes: Known<Option<i64>>,
        /// Days of automatic snapshots kept (unknown when the API answer lacked it, except
        /// for Memcached, which keeps none).
        pub snapshot_retention_limit: Known<Option<i64>>,
        /// The AZs its nodes run in.
        pub node_azs: Known<Vec<&'a str>>,
        /// How many AZs its nodes run in.
        pub node_az_count: Known<usize>,
        /// The AZs of its cache subnet group's subnets.
        pub subnet_group_azs: Known<Vec<&'a str>>,
    }
}

/// The value `PreferredAvailabilityZone` takes for a Memcached cluster spread over AZs.
const MULTIPLE_AZS: &str = "Multiple";

type Key<'a> = (&'a str, &'a str);

struct Index<'a> {
    clusters: HashMap<Key<'a>, &'a CacheCluster>,
    subnet_groups: HashMap<Key<'a>, &'a CacheSubnetGroup>,
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    let s = &ctx.snapshot.elasticache;
    let index = Index {
        clusters: s
            .cache_clusters
            .iter()
            .map(|c| ((c.region.as_str(), c.cache_cluster_id.as_str()), c))
            .collect(),
        subnet_groups: s
            .subnet_groups
            .iter()
            .map(|g| ((g.region.as_str(), g.name.as_str()), g))
            .collect(),
    };
    for g in &s.replication_groups {
        out.push(replication_group(ctx, &index, g));
    }
    // Member clusters are judged through their replication group.
    for c in s
        .cache_clusters
        .iter()
        .filter(|c| c.replication_group_id.is_none())
    {
        out.push(cache_cluster(ctx, &index, c));
    }
}

/// A field the snapshot leaves absent only when the answer lacked it (or a hand-made
/// snapshot omits it): unknown, never a default.
fn present<T: Copy>(v: Option<T>) -> Known<Option<T>> {
    match v {
        Some(v) => Known::Is(Some(v)),
        None => Known::unknown("not in the API answer or the snapshot"),
    }
}

/// AZs known for a set of nodes: the distinct AZs, or why they cannot be told apart from one.
/// A node of unknown AZ leaves the answer open only while the known ones are in fewer than
/// two AZs: two known AZs already prove the spread.
fn az_spread(known: &BTreeSet<&str>, missing: Option<String>) -> Result<(), String> {
    match missing {
        Some(why) if known.len() < 2 => Err(why),
        _ => Ok(()),
    }
}

/// The AZs of a cache subnet group's subnets: as ElastiCache names them, else from the EC2
/// subnet listing (some answers leave `SubnetAvailabilityZone` empty).
fn subnet_group_azs<'a>(
    ctx: &Ctx<'a>,
    index: &Index<'a>,
    region: &'a str,
    name: &'a str,
) -> Result<BTreeSet<&'a str>, String> {
    let Some(group) = index.subnet_groups.get(&(region, name)) else {
        return Err(ctx
            .incomplete(Kind::CacheSubnetGroup, region)
            .unwrap_or_else(|| {
                format!("cache subnet group {name} is not in the subnet group listing of {region}")
            }));
    };
    let mut azs = BTreeSet::new();
    let mut missing = None;
    for sn in &group.subnets {
        match sn
            .availability_zone
            .as_deref()
            .or_else(|| ctx.subnet_az(region, &sn.subnet_id))
        {
            Some(az) => {
                azs.insert(az);
            }
            None if missing.is_none() => {
                let why = ctx
                    .incomplete(Kind::Subnet, region)
                    .or_else(|| ctx.not_collected(Service::ec2, region).map(|r| r.to_string()))
                    .unwrap_or_else(|| "it is not in the EC2 subnet listing".to_string());
                missing = Some(format!(
                    "the AZ of subnet {} of cache subnet group {name} is unknown: {why}",
                    sn.subnet_id
                ));
            }
            None => {}
        }
    }
    az_spread(&azs, missing)?;
    Ok(azs)
}

/// The AZs of a cache subnet group, empty for none, or why they are unknown.
fn group_azs<'a>(ctx: &Ctx<'a>, index: &Index<'a>, region: &'a str, group: Option<&'a str>) -> Known<Vec<&'a str>> {
    let azs = match group {
        Some(name) => subnet_group_azs(ctx, index, region, name),
        None => Ok(BTreeSet::new()),
    };
    match azs {
        Ok(azs) => Known::Is(azs.into_iter().collect()),
        Err(why) => Known::unknown(why),
    }
}

/// Where a listed cache cluster's nodes run: the nodes' own AZs, else the cluster's
/// preferred AZ unless it is spread over several.
fn cluster_node_azs(c: &CacheCluster) -> Vec<Option<&str>> {
    let fallback = c
        .preferred_availability_zone
        .as_deref()
        .filter(|az| *az != MULTIPLE_AZS);
    if c.cache_nodes.is_empty() {
        let n = c.num_cache_nodes.unwrap_or(1).max(1) as usize;
        return vec![fallback; n];
    }
    c.cache_nodes
        .iter()
        .map(|n| n.availability_zone.as_deref().or(fallback))
        .collect()
}

fn replication_group<'a>(ctx: &Ctx<'a>, index: &Index<'a>, g: &'a ReplicationGroup) -> Resource<'a> {
    let region = g.region.as_str();
    // A member's AZ: as the group names it, else from its cache cluster.
    let member_az = |id: &str, named: Option<&str>| -> Result<String, String> {
        if let Some(az) = named {
            return Ok(az.to_string());
        }
        match index.clusters.get(&(region, id)) {
            Some(c) => cluster_node_azs(c)
                .into_iter()
                .flatten()
                .next()
                .map(str::to_string)
                .ok_or_else(|| format!("the AZ of member {id} is in neither the group nor its cache cluster")),
            None => Err(ctx
                .incomplete(Kind::CacheCluster, region)
                .unwrap_or_else(|| {
                    format!("the group does not name the AZ of member {id}, which is not in the cache cluster listing of {region}")
                })),
        }
    };

    let mut node_azs: BTreeSet<String> = BTreeSet::new();
    let mut node_missing = None;
    let mut shards_without_replica = Vec::new();
    let mut single_az_shards = Vec::new();
    let mut shard_missing = None;
    let mut replicas_in_primary_az = Vec::new();
    let mut roles_missing = None;
    let mut node_count = 0;
    let mut replica_count = 0;
    for ng in &g.node_groups {
        node_count += ng.members.len();
        replica_count += ng.members.len().saturating_sub(1);
        if ng.members.len() <= 1 {
            shards_without_replica.push(ng.node_group_id.as_str());
        }
        let azs: Vec<(&str, Option<&str>, Result<String, String>)> = ng
            .members
            .iter()
            .map(|m| {
                (
                    m.cache_cluster_id.as_str(),
                    m.current_role.as_deref(),
                    member_az(
                        &m.cache_cluster_id,
                        m.preferred_availability_zone.as_deref(),
                    ),
                )
            })
            .collect();
        let mut shard_azs = BTreeSet::new();
        let mut missing_here = None;
        for (_, _, az) in &azs {
            match az {
                Ok(az) => {
                    node_azs.insert(az.clone());
                    shard_azs.insert(az.clone());
                }
                Err(why) => {
                    node_missing.get_or_insert_with(|| why.clone());
                    missing_here.get_or_insert_with(|| why.clone());
                }
            }
        }
        if ng.members.len() >= 2 {
            match (shard_azs.len(), missing_here) {
                (n, _) if n >= 2 => {}
                (_, Some(why)) => {
                    shard_missing.get_or_insert(format!("shard {}: {why}", ng.node_group_id));
                }
                _ => single_az_shards.push(ng.node_group_id.as_str()),
            }
            // Roles tell which node is the primary; AWS names them only without cluster mode.
            let primary = azs.iter().find(|(_, role, _)| *role == Some("primary"));
            match primary {
                Some((_, _, Ok(primary_az))) => {
                    for (id, role, az) in &azs {
                        if *role == Some("replica") && az.as_ref().is_ok_and(|az| az == primary_az)
                        {
                            replicas_in_primary_az.push(id.to_string());
                        }
                    }
                }
                _ => {
                    roles_missing.get_or_insert(format!(
                        "shard {} does not say which node is its primary, or where it runs",
                        ng.node_group_id
                    ));
                }
            }
        }
    }
    let node_az_refs: BTreeSet<&str> = node_azs.iter().map(String::as_str).collect();
    let spread = az_spread(&node_az_refs, node_missing);
    let mut f = ReplicationGroupFacts {
        automatic_failover: present(g.automatic_failover.as_deref()),
        multi_az: present(g.multi_az.as_deref()),
        snapshot_retention_limit: present(g.snapshot_retention_limit),
        node_az_count: Known::Is(node_azs.len()),
        node_azs: Known::Is(node_azs.into_iter().collect()),
        shard_count: Always(g.node_groups.len()),
        node_count: Always(node_count),
        replica_count: Always(replica_count),
        shards_without_replica: Always(distinct(shards_without_replica)),
        single_az_shards: Known::Is(distinct(single_az_shards.iter().copied())),
        replicas_in_primary_az: Known::Is(
            distinct(replicas_in_primary_az.iter().map(String::as_str))
                .into_iter()
                .map(str::to_string)
                .collect(),
        ),
        subnet_group: Known::Is(None),
        subnet_group_azs: Known::Is(Vec::new()),
    };
    if let Err(why) = spread {
        f.node_azs = Known::unknown(why.clone());
        f.node_az_count = Known::unknown(why);
    }
    // One shard known to be in one AZ decides; otherwise an unknown AZ leaves it open.
    if let (true, Some(why)) = (single_az_shards.is_empty(), shard_missing) {
        f.single_az_shards = Known::unknown(why);
    }
    if let Some(why) = roles_missing {
        f.replicas_in_primary_az = Known::unknown(why);
    }

    // The subnet group is a setting of the member clusters, not of the group.
    let listed: Vec<&CacheCluster> = g
        .member_clusters
        .iter()
        .filter_map(|id| index.clusters.get(&(region, id.as_str())).copied())
        .collect();
    let subnet_group = listed
        .iter()
        .find_map(|c| c.cache_subnet_group_name.as_deref());
    f.subnet_group = Known::Is(subnet_group);
    if listed.is_empty() && !g.member_clusters.is_empty() {
        let why = ctx
            .incomplete(Kind::CacheCluster, region)
            .unwrap_or_else(|| {
                format!(
                    "no member of the group ({}) is in the cache cluster listing of {region}",
                    g.member_clusters.join(", ")
                )
            });
        f.subnet_group = Known::unknown(why.clone());
        f.subnet_group_azs = Known::unknown(why);
    } else {
        f.subnet_group_azs = group_azs(ctx, index, region, subnet_group);
    }
    Resource {
        kind: Kind::ReplicationGroup,
        id: Cow::Borrowed(&g.replication_group_id),
        name: Some(Cow::Borrowed(&g.replication_group_id)),
        arn: Cow::Borrowed(&g.arn),
        region: Cow::Borrowed(&g.region),
        source: Some(g),
        unreadable: None,
        facts: Box::new(f),
    }
}

fn cache_cluster<'a>(ctx: &Ctx<'a>, index: &Index<'a>, c: &'a CacheCluster) -> Resource<'a> {
    let per_node = cluster_node_azs(c);
    let known: BTreeSet<&str> = per_node.iter().flatten().copied().collect();
    let missing = per_node
        .iter()
        .any(Option::is_none)
        .then(|| "the answer names the AZ of neither the nodes nor the cluster".to_string());
    let mut f = CacheClusterFacts {
        num_cache_nodes: present(c.num_cache_nodes),
        snapshot_retention_limit: present(c.snapshot_retention_limit),
        node_az_count: Known::Is(known.len()),
        node_azs: Known::Is(known.iter().copied().collect()),
        subnet_group_azs: group_azs(ctx, index, &c.region, c.cache_subnet_group_name.as_deref()),
    };
    // Memcached clusters keep no snapshots: the field means nothing for them.
    if c.engine == "memcached" {
        f.snapshot_retention_limit = Known::Is(c.snapshot_retention_limit);
    }
    if let Err(why) = az_spread(&known, missing) {
        f.node_azs = Known::unknown(why.clone());
        f.node_az_count = Known::unknown(why);
    }
    Resource {
        kind: Kind::CacheCluster,
        id: Cow::Borrowed(&c.cache_cluster_id),
        name: Some(Cow::Borrowed(&c.cache_cluster_id)),
        arn: Cow::Borrowed(&c.arn),
        region: Cow::Borrowed(&c.region),
        source: Some(c),
        unreadable: None,
        facts: Box::new(f),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::tests::find;
    use crate::model::tests::coverage_error;
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    const R: &str = "eu-west-1";


    fn member(id: &str, az: Option<&str>, role: Option<&str>) -> NodeGroupMember {
        NodeGroupMember {
            cache_cluster_id: id.into(),
            cache_node_id: None,
            preferred_availability_zone: az.map(str::to_string),
            current_role: role.map(str::to_string),
        }
    }

    fn group(id: &str, shards: Vec<Vec<NodeGroupMember>>) -> ReplicationGroup {
        ReplicationGroup {
            region: R.into(),
            replication_group_id: id.into(),
            automatic_failover: Some("enabled".into()),
            multi_az: Some("enabled".into()),
            snapshot_retention_limit: Some(1),
            member_clusters: shards
                .iter()
                .flatten()
                .map(|m| m.cache_cluster_id.clone())
                .collect(),
            node_groups: shards
                .into_iter()
                .enumerate()
                .map(|(i, members)| NodeGroup {
                    node_group_id: format!("{:04}", i + 1),
                    status: None,
                    members,
                })
                .collect(),
            ..Default::default()
        }
    }

    fn member_cluster(id: &str, group: &str, az: &str, subnet_group: &str) -> CacheCluster {
        CacheCluster {
            region: R.into(),
            cache_cluster_id: id.into(),
            engine: "redis".into(),
            num_cache_nodes: Some(1),
            replication_group_id: Some(group.into()),
            cache_nodes: vec![CacheNode {
                cache_node_id: "0001".into(),
                status: None,
                availability_zone: Some(az.into()),
            }],
            cache_subnet_group_name: Some(subnet_group.into()),
            snapshot_retention_limit: Some(0),
            ..Default::default()
        }
    }

    fn subnet(id: &str, az: &str) -> Subnet {
        Subnet {
            region: R.into(),
            subnet_id: id.into(),
            availability_zone: az.into(),
            ..Default::default()
        }
    }

    fn snapshot() -> Snapshot {
        let mut s = Snapshot::new("111122223333", vec![R.into()], "t".into());
        for service in ["ec2", "elasticache"] {
            s.coverage.push(Coverage {
                service: service.into(),
                region: R.into(),
                errors: Vec::new(),
            });
        }
        s.ec2.subnets = vec![
            subnet("subnet-a", "eu-west-1a"),
            subnet("subnet-b", "eu-west-1b"),
        ];
        s.elasticache.subnet_groups = vec![
            CacheSubnetGroup {
                region: R.into(),
                name: "spread".into(),
                // The AZs are left out, as moto does: they come from EC2.
                subnets: vec![
                    CacheSubnet {
                        subnet_id: "subnet-a".into(),
                        availability_zone: None,
                    },
                    CacheSubnet {
                        subnet_id: "subnet-b".into(),
                        availability_zone: None,
                    },
                ],
                ..Default::default()
            },
            CacheSubnetGroup {
                region: R.into(),
                name: "half-known".into(),
                subnets: vec![
                    CacheSubnet {
                        subnet_id: "subnet-a".into(),
                        availability_zone: Some("eu-west-1a".into()),
                    },
                    CacheSubnet {
                        subnet_id: "subnet-gone".into(),
                        availability_zone: None,
                    },
                ],
                ..Default::default()
            },
        ];
        s
    }

    #[test]
    fn shard_and_node_azs_come_from_the_group_or_its_member_clusters() {
        let mut s = snapshot();
        s.elasticache.replication_groups = vec![
            // The second shard names no AZ: its member clusters do.
            group(
                "sharded",
                vec![
                    vec![
                        member("s-1-1", Some("eu-west-1a"), None),
                        member("s-1-2", Some("eu-west-1b"), None),
                    ],
                    vec![member("s-2-1", None, None), member("s-2-2", None, None)],
                ],
            ),
            group(
                "classic",
                vec![vec![
                    member("c-1", Some("eu-west-1a"), Some("primary")),
                    member("c-2", Some("eu-west-1a"), Some("replica")),
                    member("c-3", Some("eu-west-1b"), Some("replica")),
                ]],
            ),
            group(
                "lonely",
                vec![vec![member("l-1", Some("eu-west-1a"), Some("primary"))]],
            ),
        ];
        s.elasticache.cache_clusters = vec![
            member_cluster("s-2-1", "sharded", "eu-west-1b", "spread"),
            member_cluster("s-2-2", "sharded", "eu-west-1b", "spread"),
            member_cluster("c-1", "classic", "eu-west-1a", "half-known"),
        ];
        let m = Model::build(&s);
        let sharded = find(&m, "elasticache.replication_group", "sharded");
        assert_eq!(
            sharded.fields()["node_azs"],
            json!(["eu-west-1a", "eu-west-1b"])
        );
        assert_eq!(sharded.fields()["single_az_shards"], json!(["0002"]));
        assert_eq!(sharded.fields()["replica_count"], json!(2));
        assert_eq!(sharded.fields()["subnet_group"], json!("spread"));
        assert_eq!(
            sharded.fields()["subnet_group_azs"],
            json!(["eu-west-1a", "eu-west-1b"])
        );
        // Cluster mode names no roles: which replica shares the primary's AZ is unknown.
        assert!(sharded.unknown()["replicas_in_primary_az"].contains("does not say"));
        assert!(
            !sharded.unknown().contains_key("node_azs"),
            "{:?}",
            sharded.unknown()
        );

        let classic = find(&m, "elasticache.replication_group", "classic");
        assert_eq!(classic.fields()["replicas_in_primary_az"], json!(["c-2"]));
        assert_eq!(classic.fields()["single_az_shards"], json!([]));
        assert_eq!(classic.fields()["shards_without_replica"], json!([]));
        // One subnet is in no listing and the other is in one AZ: the spread is unknown.
        assert!(classic.unknown()["subnet_group_azs"].contains("subnet-gone"));

        let lonely = find(&m, "elasticache.replication_group", "lonely");
        assert_eq!(lonely.fields()["shards_without_replica"], json!(["0001"]));
        // No member cluster listed (moto hides them): the subnet group is unknown.
        assert!(lonely.unknown()["subnet_group"].contains("no member of the group"));
        // Member clusters are not judged on their own.
        assert!(m.of_kind(crate::registry::Kind::from_key("elasticache.cache_cluster").unwrap()).next().is_none());
    }

    #[test]
    fn an_unknown_member_az_leaves_the_spread_open_unless_two_azs_are_known() {
        let mut s = snapshot();
        s.coverage[1] = coverage_error(
            "elasticache",
            R,
            "DescribeCacheClusters",
            &["elasticache.cache_cluster"],
        );
        s.elasticache.replication_groups = vec![
            group(
                "open",
                vec![vec![
                    member("o-1", Some("eu-west-1a"), None),
                    member("o-2", None, None),
                ]],
            ),
            group(
                "decided",
                vec![vec![
                    member("d-1", Some("eu-west-1a"), None),
                    member("d-2", Some("eu-west-1b"), None),
                    member("d-3", None, None),
                ]],
            ),
        ];
        let m = Model::build(&s);
        let open = find(&m, "elasticache.replication_group", "open");
        assert!(open.unknown()["node_azs"].contains("DescribeCacheClusters"));
        assert!(open.unknown()["single_az_shards"].contains("shard 0001"));
        let decided = find(&m, "elasticache.replication_group", "decided");
        assert_eq!(decided.fields()["node_az_count"], json!(2));
        assert!(!decided.unknown().contains_key("node_azs"));
        assert!(!decided.unknown().contains_key("single_az_shards"));
    }

    #[test]
    fn standalone_node_azs_from_nodes_or_the_preferred_az() {
        let mut s = snapshot();
        let memcached = |id: &str, preferred: Option<&str>, nodes: &[Option<&str>]| CacheCluster {
            region: R.into(),
            cache_cluster_id: id.into(),
            engine: "memcached".into(),
            num_cache_nodes: Some(nodes.len() as i64),
            preferred_availability_zone: preferred.map(str::to_string),
            cache_nodes: nodes
                .iter()
                .enumerate()
                .map(|(i, az)| CacheNode {
                    cache_node_id: format!("{:04}", i + 1),
                    status: None,
                    availability_zone: az.map(str::to_string),
                })
                .collect(),
            ..Default::default()
        };
        s.elasticache.cache_clusters = vec![
            memcached(
                "spread",
                Some("Multiple"),
                &[Some("eu-west-1a"), Some("eu-west-1b")],
            ),
            memcached("pinned", Some("eu-west-1b"), &[None, None]),
            memcached("blind", Some("Multiple"), &[None, None]),
        ];
        let m = Model::build(&s);
        let f = |id: &str| find(&m, "elasticache.cache_cluster", id);
        assert_eq!(f("spread").fields()["node_az_count"], json!(2));
        assert_eq!(f("pinned").fields()["node_azs"], json!(["eu-west-1b"]));
        assert!(f("pinned").unknown().is_empty(), "{:?}", f("pinned").unknown());
        assert!(f("blind").unknown()["node_az_count"].contains("neither the nodes nor the cluster"));
    }
}
