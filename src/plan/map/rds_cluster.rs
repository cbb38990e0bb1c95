//! RDS and Aurora DB clusters: their member instances (`aws_rds_cluster_instance`, each a DB
//! instance of the cluster), the members' AZs, cross-region replica clusters and Aurora
//! global databases.

use super::reader::*;
use super::*;

/// Why a Multi-AZ DB cluster's members are not in a plan.
const RDS_MADE: &str = "RDS creates the instances of a Multi-AZ DB cluster itself; they are not \
                        in a plan";

/// Each cluster's members: (address, its AZ or why that is unknown).
type Members = BTreeMap<String, Vec<(String, Result<String, String>)>>;

/// One cluster as the other resources link to it.
struct Cluster {
    region: String,
    arn: String,
}

impl<'a, 'p> Builder<'a, 'p> {
    pub(super) fn db_clusters(&mut self, instances: &[&Inst<'p>], subnet_az: &SubnetAz) {
        let of = |t: &str| -> Vec<&Inst<'p>> {
            instances.iter().copied().filter(|i| i.rtype == t).collect()
        };
        let account = if self.snap.account_id.is_empty() {
            "unknown".to_string()
        } else {
            self.snap.account_id.clone()
        };
        // Each cluster's region and an ARN in the API's form: the model tells a cluster's
        // region from the ARNs that name it (replica sources, global database members).
        let mut clusters: BTreeMap<String, Cluster> = BTreeMap::new();
        for c in of("aws_rds_cluster") {
            let region = self.region(c);
            let arn = format!("arn:aws:rds:{region}:{account}:cluster:{}", c.address);
            clusters.insert(c.address.clone(), Cluster { region, arn });
        }
        let arn_of = |link: &str| -> String {
            clusters
                .get(link)
                .map_or_else(|| link.to_string(), |c| c.arn.clone())
        };

        // Members by cluster; a member whose cluster is not resolved may belong to any.
        let mut members = Members::new();
        let mut unresolved: Option<String> = None;
        for m in of("aws_rds_cluster_instance") {
            let region = self.region(m);
            let mut r = Reader::new(self.plan, m, self.view);
            let cluster = r
                .link("cluster_identifier", "db_cluster_identifier")
                .flatten();
            if cluster.is_none() {
                unresolved.get_or_insert_with(|| {
                    format!("the cluster of member {} is not resolved", m.address)
                });
            }
            let availability_zone = r.decided("availability_zone", "availability_zone");
            let publicly_accessible = r.bool("publicly_accessible", "publicly_accessible");
            // A member sits in its cluster's DB subnet group.
            let group = r
                .link("db_subnet_group_name", "subnet_group_azs")
                .flatten()
                .or_else(|| {
                    let c = cluster.as_deref().and_then(|c| self.plan.instance(c))?;
                    Reader::new(self.plan, c, self.view)
                        .link("db_subnet_group_name", "db_subnet_group")
                        .flatten()
                });
            let subnet_group_azs =
                self.db_subnet_group_azs(&mut r, group.as_deref(), instances, subnet_az);
            super::rds::not_in_plan(&mut r);
            if let Some(c) = &cluster {
                members
                    .entry(c.clone())
                    .or_default()
                    .push((m.address.clone(), availability_zone.clone()));
            }
            self.snap.rds.db_instances.push(DbInstance {
                region: region.clone(),
                db_instance_identifier: m.address.clone(),
                arn: m.address.clone(),
                engine: r.string("engine", "engine").unwrap_or_default(),
                engine_version: r.string("engine_version", "engine_version"),
                db_instance_class: r.string("instance_class", "db_instance_class"),
                status: None,
                multi_az: false,
                availability_zone: availability_zone.ok(),
                secondary_availability_zone: None,
                db_cluster_identifier: cluster,
                read_replica_source: None,
                read_replica_identifiers: Vec::new(),
                backup_retention_period: 0,
                deletion_protection: false,
                publicly_accessible,
                allocated_storage: None,
                max_allocated_storage: None,
                monitoring_interval: r.int("monitoring_interval", "monitoring_interval"),
                db_subnet_group: group,
                parameter_group: None,
                automated_backup_replication_regions: None,
                subnet_group_azs,
                tags: tags(m.after),
                unreadable: Unreadable::new(),
            });
            let out = r.finish();
            self.entry(m, "rds.db_instance", &region, out);
        }

        // Global databases: their member clusters, and which one is the writer.
        let mut globals: BTreeMap<String, GlobalCluster> = BTreeMap::new();
        for g in of("aws_rds_global_cluster") {
            let mut r = Reader::new(self.plan, g, self.view);
            let source = r
                .link(
                    "source_db_cluster_identifier",
                    "source_db_cluster_identifier",
                )
                .flatten();
            globals.insert(
                g.address.clone(),
                GlobalCluster {
                    global_cluster_identifier: g.address.clone(),
                    arn: g.address.clone(),
                    engine: r.string("engine", "engine"),
                    status: None,
                    members: source
                        .map(|s| GlobalClusterMember {
                            db_cluster_arn: arn_of(&s),
                            is_writer: true,
                        })
                        .into_iter()
                        .collect(),
                },
            );
        }
        // Replica clusters by the ARN of their source.
        let mut replicas: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut global_links: Vec<(String, Option<String>, bool)> = Vec::new();
        let mut built = Vec::new();
        for c in of("aws_rds_cluster") {
            let Cluster { region, arn } = &clusters[&c.address];
            let (region, arn) = (region.clone(), arn.clone());
            let mut r = Reader::new(self.plan, c, self.view);
            let engine = r.string("engine", "engine").unwrap_or_default();
            let engine_mode = r.string("engine_mode", "engine_mode");
            let replication_source = r
                .link("replication_source_identifier", "is_cross_region_replica")
                .flatten()
                .map(|s| arn_of(&s));
            if let Some(s) = &replication_source {
                replicas.entry(s.clone()).or_default().push(arn.clone());
            }
            // A secondary cluster of a global database cannot set master credentials: the
            // one that does is the primary.
            let credentials = ["master_username", "manage_master_user_password"]
                .iter()
                .any(|a| r.configured(a));
            match r.link("global_cluster_identifier", "global_cluster") {
                Some(Some(g)) if globals.contains_key(&g) => {
                    global_links.push((arn.clone(), Some(g), credentials))
                }
                Some(Some(g)) => {
                    let why = format!("its global database {g} is not in the plan");
                    for f in ["global_cluster", "global_regions", "is_global_secondary"] {
                        r.mark(f, why.clone());
                    }
                }
                Some(None) => {}
                None => {
                    let why = r.out.unknown["global_cluster"].clone();
                    for f in ["global_regions", "is_global_secondary"] {
                        r.mark(f, why.clone());
                    }
                }
            }
            let mut list = members.remove(&c.address).unwrap_or_default();
            list.sort_by(|a, b| a.0.cmp(&b.0));
            // Non-Aurora engines make a Multi-AZ DB cluster: one writer and two readers, in
            // three AZs, all created by RDS.
            let multi_az_cluster = matches!(engine.as_str(), "mysql" | "postgres");
            let mut multi_az = false;
            if multi_az_cluster {
                multi_az = true;
                for f in [
                    "member_count",
                    "reader_count",
                    "member_azs",
                    "reader_azs",
                    "public_member_count",
                ] {
                    r.mark(f, RDS_MADE.into());
                }
            } else {
                let azs: Vec<&str> = list
                    .iter()
                    .filter_map(|(_, az)| az.as_deref().ok())
                    .collect();
                let distinct: BTreeSet<&str> = azs.iter().copied().collect();
                match list.iter().find_map(|(_, az)| az.as_ref().err()) {
                    Some(why) if distinct.len() < 2 => {
                        for f in ["multi_az", "member_azs", "reader_azs"] {
                            r.mark(f, why.clone());
                        }
                    }
                    Some(why) => {
                        multi_az = true;
                        r.mark("reader_azs", why.clone());
                    }
                    None => {
                        multi_az = distinct.len() >= 2;
                        // Aurora makes one member the writer when it creates them; the reader
                        // AZs are known when every choice of writer leaves as many.
                        let spread = |writer: usize| {
                            azs.iter()
                                .enumerate()
                                .filter(|(i, _)| *i != writer)
                                .map(|(_, az)| *az)
                                .collect::<BTreeSet<_>>()
                                .len()
                        };
                        let counts: BTreeSet<usize> = (0..azs.len()).map(spread).collect();
                        if counts.len() > 1 {
                            r.mark(
                                "reader_azs",
                                format!(
                                    "which member of {} becomes the writer is decided at apply, \
                                     and the AZs left to its readers depend on it",
                                    c.address
                                ),
                            );
                        }
                    }
                }
            }
            if let Some(why) = &unresolved {
                for f in ["member_count", "reader_count", "member_azs", "reader_azs"] {
                    r.mark(f, why.clone());
                }
            }
            let cluster = DbCluster {
                region: region.clone(),
                db_cluster_identifier: c.address.clone(),
                arn,
                engine,
                engine_mode,
                status: None,
                multi_az,
                availability_zones: r.strings("availability_zones", "availability_zones"),
                members: list
                    .iter()
                    .enumerate()
                    .map(|(n, (id, _))| DbClusterMember {
                        db_instance_identifier: id.clone(),
                        is_writer: n == 0,
                        promotion_tier: None,
                    })
                    .collect(),
                backup_retention_period: r
                    .int("backup_retention_period", "backup_retention_period")
                    .unwrap_or(0),
                deletion_protection: r.bool("deletion_protection", "deletion_protection"),
                backtrack_window: r.int("backtrack_window", "backtrack_window"),
                db_subnet_group: r.link("db_subnet_group_name", "db_subnet_group").flatten(),
                // Every DB cluster has a parameter group (the engine's default when none is
                // set); the model reads a cluster without one as an older snapshot.
                parameter_group: Some(
                    r.string(
                        "db_cluster_parameter_group_name",
                        "db_cluster_parameter_group_name",
                    )
                    .unwrap_or_else(|| "default".to_string()),
                ),
                replication_source,
                read_replica_identifiers: Vec::new(),
                tags: tags(c.after),
            };
            r.out.unknown.remove("db_cluster_parameter_group_name");
            r.out.unknown.remove("availability_zones");
            built.push((c, region, cluster, r.finish()));
        }
        // The writer of each global database: the cluster it was made from, else the one
        // member that sets master credentials.
        for (g, gc) in &mut globals {
            let links: Vec<&(String, Option<String>, bool)> = global_links
                .iter()
                .filter(|(_, l, _)| l.as_deref() == Some(g.as_str()))
                .collect();
            let named = gc.members.first().map(|m| m.db_cluster_arn.clone());
            let writers = links.iter().filter(|(_, _, w)| *w).count();
            for (arn, _, creds) in &links {
                if named.as_deref() == Some(arn.as_str()) {
                    continue;
                }
                gc.members.push(GlobalClusterMember {
                    db_cluster_arn: arn.clone(),
                    is_writer: named.is_none() && writers == 1 && *creds,
                });
            }
        }
        for (c, region, mut cluster, mut out) in built {
            cluster.read_replica_identifiers = replicas.remove(&cluster.arn).unwrap_or_default();
            if let Some(gc) = globals
                .values()
                .find(|g| g.members.iter().any(|m| m.db_cluster_arn == cluster.arn))
            {
                if !gc.members.iter().any(|m| m.is_writer) {
                    out.unknown
                        .entry("is_global_secondary".into())
                        .or_insert_with(|| {
                            format!(
                                "global database {} names no source cluster, and not exactly \
                                 one of its clusters sets master credentials, so which is the \
                                 primary is unknown",
                                gc.global_cluster_identifier
                            )
                        });
                }
            }
            self.snap.rds.db_clusters.push(cluster);
            self.entry(c, "rds.db_cluster", &region, out);
        }
        self.snap.rds.global_clusters.extend(globals.into_values());
    }
}
