//! EKS clusters, managed node groups and Fargate profiles: the AZs of the control plane's
//! subnets and of the worker capacity, and the node groups' minimum sizes.

use super::reader::*;
use super::*;

/// What the worker capacity of each cluster leaves unknown, gathered from its node groups
/// and Fargate profiles before the clusters are mapped.
#[derive(Default)]
pub(super) struct Workers {
    /// Cluster -> (fact, why) pairs.
    unknown: HashMap<String, Vec<(&'static str, String)>>,
    /// Why a node group or profile belongs to a cluster the plan does not tell.
    any_unknown: Option<String>,
}

impl<'a, 'p> Builder<'a, 'p> {
    /// The cluster a node group or Fargate profile names, or why it is unknown.
    fn eks_cluster_of(r: &mut Reader, i: &Inst, w: &mut Workers) -> Option<String> {
        match r.link("cluster_name", "cluster_name") {
            Some(Some(c)) => Some(c),
            _ => {
                let why = r
                    .out
                    .unknown
                    .get("cluster_name")
                    .cloned()
                    .unwrap_or_default();
                w.any_unknown
                    .get_or_insert(format!("the cluster of {} is unknown: {why}", i.address));
                None
            }
        }
    }

    pub(super) fn eks_workers(&mut self, instances: &[&Inst<'p>], subnet_az: &SubnetAz) -> Workers {
        let mut w = Workers::default();
        for i in of_types(instances, &["aws_eks_node_group"]) {
            let region = self.region(i);
            let mut r = Reader::new(self.plan, i, self.view);
            let cluster = Self::eks_cluster_of(&mut r, i, &mut w);
            let ids = r.links("subnet_ids", "subnet_azs");
            let (subnets, azs_why) = Self::subnet_links(&mut r, subnet_az, ids, "subnets");
            let min_size = r.nested_int("scaling_config", "min_size", "min_size");
            if let Some(c) = &cluster {
                let facts = w.unknown.entry(c.clone()).or_default();
                if let Some(why) = azs_why {
                    facts.push(("compute_azs", format!("node group {}: {why}", i.address)));
                }
                if let Some(why) = r.out.unknown.get("min_size") {
                    facts.push((
                        "total_min_nodes",
                        format!("node group {}: {why}", i.address),
                    ));
                }
            }
            r.mark_all(&["status", "health_issues"], RUNTIME);
            let ng = EksNodegroup {
                region: region.clone(),
                cluster_name: cluster.unwrap_or_else(|| "unknown".into()),
                nodegroup_name: i.address.clone(),
                arn: i.address.clone(),
                status: None,
                capacity_type: r.string("capacity_type", "capacity_type"),
                subnets,
                min_size,
                max_size: r.nested_int("scaling_config", "max_size", "max_size"),
                desired_size: r.nested_int("scaling_config", "desired_size", "desired_size"),
                health_issues: Vec::new(),
                tags: tags(i.after),
                unreadable: Unreadable::new(),
            };
            let id = Listed::id(&ng).into_owned();
            self.snap.eks.nodegroups.push(ng);
            let out = r.finish();
            self.entry_id(i, "eks.nodegroup", &region, id, out);
        }
        for i in of_types(instances, &["aws_eks_fargate_profile"]) {
            let mut r = Reader::new(self.plan, i, self.view);
            let cluster = Self::eks_cluster_of(&mut r, i, &mut w);
            let ids = r.links("subnet_ids", "subnet_azs");
            let (subnets, azs_why) = Self::subnet_links(&mut r, subnet_az, ids, "subnets");
            if let (Some(c), Some(why)) = (&cluster, azs_why) {
                w.unknown.entry(c.clone()).or_default().push((
                    "compute_azs",
                    format!("Fargate profile {}: {why}", i.address),
                ));
            }
            self.snap.eks.fargate_profiles.push(FargateProfile {
                region: self.region(i),
                cluster_name: cluster.unwrap_or_else(|| "unknown".into()),
                fargate_profile_name: i.address.clone(),
                arn: i.address.clone(),
                status: Some("ACTIVE".into()),
                subnets,
                unreadable: Unreadable::new(),
            });
        }
        w
    }

    pub(super) fn eks_cluster(&mut self, i: &Inst<'p>, subnet_az: &SubnetAz, w: &Workers) {
        let region = self.region(i);
        let mut r = Reader::new(self.plan, i, self.view);
        let ids = r.nested_links("vpc_config", "subnet_ids", "subnet_azs");
        let (subnet_ids, _) = Self::subnet_links(&mut r, subnet_az, ids, "subnet_ids");
        for (fact, why) in w.unknown.get(&i.address).into_iter().flatten() {
            r.mark(fact, why.clone());
        }
        if let Some(why) = &w.any_unknown {
            r.mark_all(
                &[
                    "nodegroup_count",
                    "nodegroup_names",
                    "fargate_profile_count",
                    "compute_azs",
                    "total_min_nodes",
                ],
                why,
            );
        }
        self.snap.eks.clusters.push(EksCluster {
            region: region.clone(),
            name: i.address.clone(),
            arn: i.address.clone(),
            status: Some("ACTIVE".into()),
            version: r.string("version", "version"),
            subnet_ids,
            deletion_protection: r
                .scalar("deletion_protection", "deletion_protection")
                .and_then(|v| v.as_bool()),
            tags: tags(i.after),
            unreadable: Unreadable::new(),
        });
        let out = r.finish();
        self.entry(i, "eks.cluster", &region, out);
    }
}
