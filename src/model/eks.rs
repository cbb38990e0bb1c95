//! EKS clusters and managed node groups: which AZs their subnets and worker capacity are in.

use super::ecs::{returned, subnet_azs};
use super::{distinct, Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::{EksCluster, EksNodegroup};
use std::borrow::Cow;
use std::collections::BTreeSet;

crate::facts! {
    /// Derived facts of an EKS cluster.
    pub struct ClusterFacts<'a> {
        /// The AZs of its subnets.
        pub subnet_azs: Known<Vec<&'a str>>,
        /// Whether deletion protection is on (unknown when DescribeCluster did not say).
        pub deletion_protection: Known<Option<bool>>,
        /// How many managed node groups it has.
        pub nodegroup_count: Known<usize>,
        /// The names of its managed node groups.
        pub nodegroup_names: Known<Vec<&'a str>>,
        /// How many Fargate profiles it has.
        pub fargate_profile_count: Known<usize>,
        /// The AZs of the subnets of its node groups and Fargate profiles together.
        pub compute_azs: Known<Vec<&'a str>>,
        /// The sum of its node groups' minimum sizes.
        pub total_min_nodes: Known<i64>,
    }
}

crate::facts! {
    /// Derived facts of an EKS managed node group.
    pub struct NodegroupFacts<'a> {
        /// The AZs of its subnets.
        pub subnet_azs: Known<Vec<&'a str>>,
        /// `ACTIVE`, `DEGRADED` ... (unknown when DescribeNodegroup did not say).
        pub status: Known<Option<&'a str>>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for c in &ctx.snapshot.eks.clusters {
        out.push(cluster(ctx, c));
    }
    for ng in &ctx.snapshot.eks.nodegroups {
        out.push(nodegroup(ctx, ng));
    }
}

fn cluster<'a>(ctx: &Ctx<'a>, c: &'a EksCluster) -> Resource<'a> {
    let s = ctx.snapshot;
    let region = c.region.as_str();
    let (azs, subnets_why) = subnet_azs(ctx, region, &c.subnet_ids);

    // The worker capacity: managed node groups and Fargate profiles, and the AZs of their
    // subnets together.
    let nodegroups: Vec<&EksNodegroup> = s
        .eks
        .nodegroups
        .iter()
        .filter(|n| n.region == c.region && n.cluster_name == c.name)
        .collect();
    let profiles: Vec<_> = s
        .eks
        .fargate_profiles
        .iter()
        .filter(|p| p.region == c.region && p.cluster_name == c.name)
        .collect();
    let mut compute_azs = BTreeSet::new();
    let mut compute_why: Option<String> = None;
    let mut min_nodes = 0;
    let mut min_why: Option<String> = None;
    for n in &nodegroups {
        if let Some(why) = n.unreadable.get("subnets") {
            compute_why.get_or_insert_with(|| format!("node group {}: {why}", n.nodegroup_name));
        }
        let (azs, why) = subnet_azs(ctx, region, &n.subnets);
        if let Some(why) = why {
            compute_why.get_or_insert(why.to_string());
        }
        compute_azs.extend(azs);
        match (n.min_size, n.unreadable.get("min_size")) {
            (Some(m), None) => min_nodes += m,
            (_, why) => {
                let why = why.cloned().unwrap_or_else(|| {
                    "DescribeNodegroup returned no scaling configuration".to_string()
                });
                min_why.get_or_insert_with(|| format!("node group {}: {why}", n.nodegroup_name));
            }
        }
    }
    for p in &profiles {
        if let Some(why) = p.unreadable.get("subnets") {
            compute_why
                .get_or_insert_with(|| format!("Fargate profile {}: {why}", p.fargate_profile_name));
        }
        let (azs, why) = subnet_azs(ctx, region, &p.subnets);
        if let Some(why) = why {
            compute_why.get_or_insert(why.to_string());
        }
        compute_azs.extend(azs);
    }
    let mut f = ClusterFacts {
        subnet_azs: Known::Is(azs.into_iter().collect()),
        deletion_protection: returned(
            c.deletion_protection,
            "DescribeCluster did not return deletionProtection",
        ),
        nodegroup_count: Known::Is(nodegroups.len()),
        nodegroup_names: Known::Is(distinct(nodegroups.iter().map(|n| n.nodegroup_name.as_str()))),
        fargate_profile_count: Known::Is(profiles.len()),
        compute_azs: Known::Is(compute_azs.into_iter().collect()),
        total_min_nodes: Known::Is(min_nodes),
    };
    crate::unknown_if!(subnets_why => f.subnet_azs);
    crate::unknown_if!(c.unreadable.get("subnet_ids") => f.subnet_azs);
    crate::unknown_if!(compute_why => f.compute_azs);
    crate::unknown_if!(min_why => f.total_min_nodes);
    crate::unknown_if!(c.unreadable.get("nodegroups") =>
        f.nodegroup_count, f.nodegroup_names, f.compute_azs, f.total_min_nodes);
    crate::unknown_if!(c.unreadable.get("fargate_profiles") =>
        f.fargate_profile_count, f.compute_azs);
    let arn = ctx.arn_or(&c.arn, "eks", &c.region, "cluster", &c.name);
    Resource {
        kind: Kind::EksCluster,
        id: Cow::Borrowed(&c.name),
        name: Some(Cow::Borrowed(&c.name)),
        arn,
        region: Cow::Borrowed(&c.region),
        source: Some(c),
        unreadable: Some(&c.unreadable),
        facts: Box::new(f),
    }
}

fn nodegroup<'a>(ctx: &Ctx<'a>, n: &'a EksNodegroup) -> Resource<'a> {
    let (azs, why) = subnet_azs(ctx, &n.region, &n.subnets);
    let mut f = NodegroupFacts {
        subnet_azs: Known::Is(azs.into_iter().collect()),
        status: returned(n.status.as_deref(), "DescribeNodegroup returned no status"),
    };
    crate::unknown_if!(why => f.subnet_azs);
    crate::unknown_if!(n.unreadable.get("subnets") => f.subnet_azs);
    let id = crate::snapshot::Listed::id(n);
    let arn = ctx.arn_or(&n.arn, "eks", &n.region, "nodegroup", &id);
    Resource {
        kind: Kind::EksNodegroup,
        name: Some(id.clone()),
        id,
        arn,
        region: Cow::Borrowed(&n.region),
        source: Some(n),
        unreadable: Some(&n.unreadable),
        facts: Box::new(f),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::tests::find;
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    fn base() -> Snapshot {
        let mut s = Snapshot::new("111122223333", vec!["r".into()], "t".into());
        for service in ["ec2", "ecs", "eks"] {
            s.coverage.push(Coverage {
                service: service.into(),
                region: "r".into(),
                errors: vec![],
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
        s
    }


    fn task(n: &str, status: &str, az: Option<&str>, subnet: Option<&str>) -> EcsTask {
        EcsTask {
            task_arn: n.into(),
            last_status: Some(status.into()),
            availability_zone: az.map(str::to_string),
            subnet_id: subnet.map(str::to_string),
            launch_type: None,
        }
    }

    #[test]
    fn running_tasks_are_placed_by_their_az_or_their_subnet() {
        let mut s = base();
        s.ecs.services.push(EcsService {
            region: "r".into(),
            cluster_name: "c".into(),
            service_name: "web".into(),
            subnets: vec!["s-a".into(), "s-b".into(), "s-gone".into()],
            tasks: vec![
                task("t1", "RUNNING", Some("ra"), None),
                task("t2", "RUNNING", None, Some("s-a2")),
                task("t3", "STOPPED", Some("rb"), None),
            ],
            containers: vec![EcsContainer {
                name: "app".into(),
                log_driver: Some("awslogs".into()),
                log_mode: None,
            }],
            default_log_driver_mode: Some("blocking".into()),
            ..Default::default()
        });
        let m = Model::build(&s);
        let r = find(&m, "ecs.service", "c/web");
        assert_eq!(r.fields()["subnet_azs"], json!(["ra", "rb"]));
        assert_eq!(r.fields()["running_task_count"], json!(2));
        assert_eq!(r.fields()["running_task_azs"], json!(["ra"]));
        assert_eq!(r.fields()["running_tasks_by_az"], json!({"ra": 2}));
        assert_eq!(r.fields()["blocking_log_containers"], json!(["app"]));
        assert!(
            !r.unknown().contains_key("running_task_azs"),
            "{:?}",
            r.unknown()
        );
        // Settings the snapshot does not hold are unknown, not false.
        assert!(r.unknown().contains_key("availability_zone_rebalancing"));
        assert!(r.unknown().contains_key("circuit_breaker_enabled"));
    }

    #[test]
    fn task_and_subnet_facts_are_unknown_when_their_source_is() {
        let mut s = base();
        s.coverage.retain(|c| c.service != "ec2");
        let mut unread = Unreadable::new();
        unread.insert("tasks".into(), "DescribeTasks failed: x".into());
        s.ecs.services.push(EcsService {
            region: "r".into(),
            cluster_name: "c".into(),
            service_name: "api".into(),
            subnets: vec!["s-a".into()],
            unreadable: unread,
            containers: vec![EcsContainer {
                name: "app".into(),
                log_driver: Some("awslogs".into()),
                log_mode: None,
            }],
            ..Default::default()
        });
        s.ecs.services.push(EcsService {
            region: "r".into(),
            cluster_name: "c".into(),
            service_name: "lost".into(),
            tasks: vec![task("t1", "RUNNING", None, None)],
            ..Default::default()
        });
        let m = Model::build(&s);
        let api = find(&m, "ecs.service", "c/api");
        assert!(api.unknown()["subnet_azs"].contains("ec2 was not collected in r"));
        assert!(api.unknown()["running_task_count"].contains("DescribeTasks"));
        assert!(api.unknown()["blocking_log_containers"].contains("defaultLogDriverMode"));
        let lost = find(&m, "ecs.service", "c/lost");
        assert!(lost.unknown()["running_task_azs"].contains("task t1 has no known AZ"));
        assert!(!lost.unknown().contains_key("running_task_count"));
    }

    #[test]
    fn eks_compute_spans_node_groups_and_fargate_profiles() {
        let mut s = base();
        s.eks.clusters.push(EksCluster {
            region: "r".into(),
            name: "k".into(),
            subnet_ids: vec!["s-a".into(), "s-a2".into()],
            deletion_protection: Some(true),
            ..Default::default()
        });
        s.eks.nodegroups.push(EksNodegroup {
            region: "r".into(),
            cluster_name: "k".into(),
            nodegroup_name: "ng".into(),
            subnets: vec!["s-a".into()],
            min_size: Some(1),
            status: Some("ACTIVE".into()),
            ..Default::default()
        });
        let mut unread = Unreadable::new();
        unread.insert("subnets".into(), "DescribeNodegroup failed: x".into());
        unread.insert("min_size".into(), "DescribeNodegroup failed: x".into());
        s.eks.nodegroups.push(EksNodegroup {
            region: "r".into(),
            cluster_name: "other".into(),
            nodegroup_name: "ng".into(),
            unreadable: unread,
            ..Default::default()
        });
        s.eks.fargate_profiles.push(FargateProfile {
            region: "r".into(),
            cluster_name: "k".into(),
            fargate_profile_name: "fp".into(),
            subnets: vec!["s-b".into()],
            ..Default::default()
        });
        s.eks.clusters.push(EksCluster {
            region: "r".into(),
            name: "other".into(),
            ..Default::default()
        });
        let m = Model::build(&s);
        let k = find(&m, "eks.cluster", "k");
        assert_eq!(k.fields()["subnet_azs"], json!(["ra"]));
        assert_eq!(k.fields()["compute_azs"], json!(["ra", "rb"]));
        assert_eq!(k.fields()["total_min_nodes"], json!(1));
        assert_eq!(k.fields()["nodegroup_count"], json!(1));
        assert_eq!(k.fields()["fargate_profile_count"], json!(1));
        assert!(k.unknown().is_empty(), "{:?}", k.unknown());
        let other = find(&m, "eks.cluster", "other");
        assert!(other.unknown()["compute_azs"].contains("node group ng: DescribeNodegroup"));
        assert!(other.unknown()["total_min_nodes"].contains("DescribeNodegroup"));
        assert!(other.unknown()["deletion_protection"].contains("deletionProtection"));
        assert_eq!(
            find(&m, "eks.nodegroup", "k/ng").fields()["subnet_azs"],
            json!(["ra"])
        );
    }
}
