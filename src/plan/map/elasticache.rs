//! ElastiCache replication groups (cluster mode disabled: one shard of
//! `num_cache_clusters` nodes placed by `preferred_cache_cluster_azs`), with their cache
//! subnet groups.

use super::reader::*;
use super::*;

impl<'a, 'p> Builder<'a, 'p> {
    pub(super) fn replication_group(
        &mut self,
        i: &Inst<'p>,
        subnet_az: &SubnetAz,
        instances: &[&Inst<'p>],
    ) {
        let region = self.region(i);
        let mut r = Reader::new(self.plan, i, self.view);
        let on = |b: bool| if b { "enabled" } else { "disabled" }.to_string();
        let automatic_failover = r
            .scalar("automatic_failover_enabled", "automatic_failover")
            .and_then(|v| v.as_bool())
            .map(on);
        let multi_az = r
            .scalar("multi_az_enabled", "multi_az")
            .and_then(|v| v.as_bool())
            .map(on);
        let snapshot_retention_limit =
            r.int("snapshot_retention_limit", "snapshot_retention_limit");
        let nodes = r.int("num_cache_clusters", "node_count");
        let azs = r.strings("preferred_cache_cluster_azs", "node_azs");
        let sharded = [
            "num_node_groups",
            "replicas_per_node_group",
            "node_group_configuration",
        ]
        .iter()
        .any(|a| r.configured(a));
        let shard_facts = [
            "node_count",
            "replica_count",
            "shard_count",
            "shards_without_replica",
            "node_azs",
            "node_az_count",
            "single_az_shards",
            "replicas_in_primary_az",
        ];
        let mut members = Vec::new();
        if sharded {
            // Cluster mode: the shards and where their nodes go are decided by ElastiCache.
            for f in shard_facts {
                r.mark(
                    f,
                    format!(
                        "the shards of {} (cluster mode) are not read from a plan",
                        i.address
                    ),
                );
            }
        } else if let Some(n) = nodes {
            // The first preferred AZ is the primary's; nodes without one are placed by AWS.
            if (azs.len() as i64) < n {
                let why = r.after_apply("preferred_cache_cluster_azs");
                for f in [
                    "node_azs",
                    "node_az_count",
                    "single_az_shards",
                    "replicas_in_primary_az",
                ] {
                    r.mark(f, why.clone());
                }
            }
            for k in 0..n.max(0) as usize {
                members.push(NodeGroupMember {
                    cache_cluster_id: format!("{}/{:03}", i.address, k + 1),
                    cache_node_id: Some("0001".into()),
                    preferred_availability_zone: azs.get(k).cloned(),
                    current_role: Some(if k == 0 { "primary" } else { "replica" }.into()),
                });
            }
        } else {
            for f in shard_facts {
                r.mark(f, r.after_apply("num_cache_clusters"));
            }
        }
        let group = r.link("subnet_group_name", "subnet_group").flatten();
        self.cache_subnet_group(&mut r, group.as_deref(), &region, subnet_az, instances);
        let engine = r.string("engine", "engine");
        // The group's nodes, listed as its member clusters: the subnet group is theirs.
        for m in &members {
            self.snap.elasticache.cache_clusters.push(CacheCluster {
                region: region.clone(),
                cache_cluster_id: m.cache_cluster_id.clone(),
                arn: m.cache_cluster_id.clone(),
                engine: engine.clone().unwrap_or_default(),
                num_cache_nodes: Some(1),
                replication_group_id: Some(i.address.clone()),
                preferred_availability_zone: m.preferred_availability_zone.clone(),
                cache_subnet_group_name: group.clone(),
                ..Default::default()
            });
        }
        self.snap
            .elasticache
            .replication_groups
            .push(ReplicationGroup {
                region: region.clone(),
                replication_group_id: i.address.clone(),
                arn: i.address.clone(),
                status: None,
                engine,
                automatic_failover,
                multi_az,
                snapshot_retention_limit,
                cluster_enabled: Some(sharded),
                cache_node_type: r.string("node_type", "cache_node_type"),
                global_replication_group_id: r
                    .string("global_replication_group_id", "global_replication_group_id"),
                member_clusters: members.iter().map(|m| m.cache_cluster_id.clone()).collect(),
                node_groups: if members.is_empty() {
                    Vec::new()
                } else {
                    vec![NodeGroup {
                        node_group_id: "0001".into(),
                        status: None,
                        members,
                    }]
                },
            });
        r.out.unknown.remove("global_replication_group_id");
        r.out.unknown.remove("cache_node_type");
        let out = r.finish();
        self.entry(i, "elasticache.replication_group", &region, out);
    }

    /// Lists a cache subnet group of the plan with its subnets' AZs (once), or notes under
    /// `subnet_group_azs` why they are unknown.
    fn cache_subnet_group(
        &mut self,
        r: &mut Reader,
        group: Option<&str>,
        region: &str,
        subnet_az: &SubnetAz,
        instances: &[&Inst<'p>],
    ) {
        let Some(g) = group else {
            return;
        };
        let Some(subnets) = self.group_subnets(
            r,
            g,
            "aws_elasticache_subnet_group",
            instances,
            subnet_az,
            "subnet_group_azs",
        ) else {
            return;
        };
        if self
            .snap
            .elasticache
            .subnet_groups
            .iter()
            .any(|x| x.name == g)
        {
            return;
        }
        self.snap.elasticache.subnet_groups.push(CacheSubnetGroup {
            region: region.to_string(),
            name: g.to_string(),
            arn: None,
            vpc_id: None,
            subnets: subnets
                .into_iter()
                .map(|(subnet_id, az)| CacheSubnet {
                    subnet_id,
                    availability_zone: Some(az),
                })
                .collect(),
        });
    }

    /// A cache cluster: standalone (one Redis OSS or Valkey node, or Memcached nodes placed
    /// by `az_mode` and `preferred_availability_zones`), or a node of a replication group,
    /// judged through its group.
    pub(super) fn cache_cluster(
        &mut self,
        i: &Inst<'p>,
        subnet_az: &SubnetAz,
        instances: &[&Inst<'p>],
    ) {
        let region = self.region(i);
        let mut r = Reader::new(self.plan, i, self.view);
        let replication_group_id = r
            .link("replication_group_id", "replication_group_id")
            .flatten();
        let engine = r.string("engine", "engine");
        let nodes = r.int("num_cache_nodes", "num_cache_nodes");
        let snapshot_retention_limit =
            r.int("snapshot_retention_limit", "snapshot_retention_limit");
        // Each node's AZ: the preferred AZs in order, else the one AZ of the cluster.
        let preferred = r.strings("preferred_availability_zones", "node_azs");
        let single = match r.get("availability_zone") {
            Got::Known(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            _ => None,
        };
        let mut cache_nodes = Vec::new();
        if let Some(n) = nodes {
            for k in 0..n.max(0) as usize {
                cache_nodes.push(CacheNode {
                    cache_node_id: format!("{:04}", k + 1),
                    status: None,
                    availability_zone: preferred.get(k).cloned().or_else(|| single.clone()),
                });
            }
            if cache_nodes.iter().any(|c| c.availability_zone.is_none()) {
                let why = match r.string("az_mode", "node_az_count").as_deref() {
                    Some("cross-az") => format!(
                        "ElastiCache places the nodes of {} (cross-az) that \
                         `preferred_availability_zones` leaves out at apply",
                        i.address
                    ),
                    Some(_) => format!(
                        "ElastiCache picks the one AZ of {} at apply (`availability_zone` is not \
                         set)",
                        i.address
                    ),
                    None => r
                        .out
                        .unknown
                        .get("node_az_count")
                        .cloned()
                        .unwrap_or_else(|| r.after_apply("az_mode")),
                };
                r.mark("node_azs", why.clone());
                r.mark("node_az_count", why);
            }
        }
        let group = r.link("subnet_group_name", "subnet_group").flatten();
        self.cache_subnet_group(&mut r, group.as_deref(), &region, subnet_az, instances);
        r.out.unknown.remove("subnet_group");
        self.snap.elasticache.cache_clusters.push(CacheCluster {
            region: region.clone(),
            cache_cluster_id: i.address.clone(),
            arn: i.address.clone(),
            engine: engine.unwrap_or_default(),
            engine_version: None,
            status: None,
            cache_node_type: r.string("node_type", "cache_node_type"),
            num_cache_nodes: nodes,
            replication_group_id,
            preferred_availability_zone: single,
            cache_nodes,
            cache_subnet_group_name: group,
            snapshot_retention_limit,
        });
        r.out.unknown.remove("cache_node_type");
        let out = r.finish();
        self.entry(i, "elasticache.cache_cluster", &region, out);
    }
}
