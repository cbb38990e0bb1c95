//! ECS services and EKS clusters: which AZs their subnets, tasks and worker nodes are in.

use super::{depends_on_service, distinct, fields_of, propagate, Ctx, Resource};
use crate::snapshot::{EcsService, EksCluster, EksNodegroup};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

pub(super) fn build(ctx: &Ctx, out: &mut Vec<Resource>) {
    let s = ctx.snapshot;
    for sv in &s.ecs.services {
        out.push(service(ctx, sv));
    }
    for c in &s.eks.clusters {
        out.push(eks_cluster(ctx, c));
    }
    for ng in &s.eks.nodegroups {
        out.push(nodegroup(ctx, ng));
    }
}

type Unknown = BTreeMap<String, String>;

/// The AZs of `subnets`, looked up in the region's EC2 subnet listing: `fields` are unknown
/// when EC2 was not collected, or not completely, in the region. A subnet missing from a
/// complete listing no longer exists and gives no AZ.
fn subnet_azs<'a>(
    ctx: &Ctx<'a>,
    region: &str,
    subnets: &[String],
    unknown: &mut Unknown,
    fields: &[&str],
) -> BTreeSet<&'a str> {
    if subnets.is_empty() {
        return BTreeSet::new();
    }
    depends_on_service(ctx, unknown, "ec2", region, fields);
    subnets
        .iter()
        .filter_map(|id| ctx.subnet_az(region, id))
        .collect()
}

/// Marks `field` unknown when a value the API should have returned is absent.
fn absent(unknown: &mut Unknown, missing: bool, field: &str, why: &str) {
    if missing {
        unknown
            .entry(field.to_string())
            .or_insert_with(|| why.to_string());
    }
}

/// True when the first placement strategy spreads tasks over AZs.
fn spreads_over_azs_first(sv: &EcsService) -> bool {
    sv.placement_strategy.first().is_some_and(|p| {
        p.strategy_type == "spread" && p.field.as_deref() == Some("attribute:ecs.availability-zone")
    })
}

/// True when the service's tasks are placed on EC2 container instances (where placement
/// strategies apply), not on Fargate.
fn runs_on_ec2(sv: &EcsService) -> bool {
    match sv.launch_type.as_deref() {
        Some(t) => t == "EC2",
        None => sv
            .capacity_provider_strategy
            .iter()
            .any(|p| !p.capacity_provider.starts_with("FARGATE")),
    }
}

fn service(ctx: &Ctx, sv: &EcsService) -> Resource {
    let mut fields = fields_of(sv);
    let mut unknown = sv.unreadable.clone();
    let region = sv.region.as_str();

    let azs = subnet_azs(ctx, region, &sv.subnets, &mut unknown, &["subnet_azs"]);
    fields.insert("subnet_azs".into(), distinct(azs.iter().copied()));
    fields.insert("runs_on_ec2".into(), Value::Bool(runs_on_ec2(sv)));
    fields.insert(
        "spreads_over_azs_first".into(),
        Value::Bool(spreads_over_azs_first(sv)),
    );

    // Where the running tasks are: the AZ DescribeTasks gives, else the AZ of the subnet of
    // the task's network interface.
    let task_fields = [
        "running_task_count",
        "running_task_azs",
        "running_tasks_by_az",
    ];
    let mut by_az: BTreeMap<&str, usize> = BTreeMap::new();
    let mut running = 0;
    for t in sv
        .tasks
        .iter()
        .filter(|t| t.last_status.as_deref() == Some("RUNNING"))
    {
        running += 1;
        let az = t.availability_zone.as_deref().or_else(|| {
            let subnet = t.subnet_id.as_deref()?;
            subnet_azs(
                ctx,
                region,
                &[subnet.to_string()],
                &mut unknown,
                &task_fields[1..],
            )
            .into_iter()
            .next()
        });
        match az {
            Some(az) => *by_az.entry(az).or_default() += 1,
            None => {
                let why = format!("task {} has no known AZ", t.task_arn);
                for f in &task_fields[1..] {
                    unknown.entry(f.to_string()).or_insert_with(|| why.clone());
                }
            }
        }
    }
    propagate(&mut unknown, "running_task_azs", &["running_tasks_by_az"]);
    fields.insert("running_task_count".into(), Value::from(running));
    fields.insert("running_task_azs".into(), distinct(by_az.keys().copied()));
    fields.insert("running_tasks_by_az".into(), json!(by_az));
    propagate(&mut unknown, "tasks", &task_fields);

    // Containers whose awslogs driver blocks the application when CloudWatch Logs is slow:
    // mode=blocking, or no mode and an account default of blocking.
    let mut blocking = Vec::new();
    for c in &sv.containers {
        if c.log_driver.as_deref() != Some("awslogs") {
            continue;
        }
        let mode = match c.log_mode.as_deref() {
            Some(m) => Some(m),
            None => {
                if sv.default_log_driver_mode.is_none() {
                    propagate(
                        &mut unknown,
                        "default_log_driver_mode",
                        &["blocking_log_containers"],
                    );
                    unknown
                        .entry("blocking_log_containers".into())
                        .or_insert_with(|| {
                            format!(
                                "container {} leaves the awslogs mode to the account's defaultLogDriverMode, which is not in the snapshot",
                                c.name
                            )
                        });
                }
                sv.default_log_driver_mode.as_deref()
            }
        };
        if mode == Some("blocking") {
            blocking.push(c.name.as_str());
        }
    }
    fields.insert("blocking_log_containers".into(), json!(blocking));
    propagate(&mut unknown, "containers", &["blocking_log_containers"]);

    absent(
        &mut unknown,
        sv.availability_zone_rebalancing.is_none(),
        "availability_zone_rebalancing",
        "DescribeServices did not return availabilityZoneRebalancing",
    );
    absent(
        &mut unknown,
        sv.circuit_breaker_enabled.is_none(),
        "circuit_breaker_enabled",
        "DescribeServices returned no deployment configuration",
    );

    let id = format!("{}/{}", sv.cluster_name, sv.service_name);
    Resource {
        kind: "ecs.service",
        id: id.clone(),
        name: Some(id),
        arn: sv.arn.clone(),
        region: sv.region.clone(),
        fields,
        unknown,
    }
}

fn eks_cluster(ctx: &Ctx, c: &EksCluster) -> Resource {
    let s = ctx.snapshot;
    let mut fields = fields_of(c);
    let mut unknown = c.unreadable.clone();
    let region = c.region.as_str();

    let azs = subnet_azs(ctx, region, &c.subnet_ids, &mut unknown, &["subnet_azs"]);
    propagate(&mut unknown, "subnet_ids", &["subnet_azs"]);
    fields.insert("subnet_azs".into(), distinct(azs.iter().copied()));
    absent(
        &mut unknown,
        c.deletion_protection.is_none(),
        "deletion_protection",
        "DescribeCluster did not return deletionProtection",
    );

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
    let compute = ["compute_azs"];
    let mut compute_azs = BTreeSet::new();
    let mut min_nodes = 0;
    for n in &nodegroups {
        if let Some(why) = n.unreadable.get("subnets") {
            unknown
                .entry("compute_azs".into())
                .or_insert_with(|| format!("node group {}: {why}", n.nodegroup_name));
        }
        compute_azs.extend(subnet_azs(ctx, region, &n.subnets, &mut unknown, &compute));
        match (n.min_size, n.unreadable.get("min_size")) {
            (Some(m), None) => min_nodes += m,
            (_, why) => {
                let why = why.cloned().unwrap_or_else(|| {
                    "DescribeNodegroup returned no scaling configuration".to_string()
                });
                unknown
                    .entry("total_min_nodes".into())
                    .or_insert_with(|| format!("node group {}: {why}", n.nodegroup_name));
            }
        }
    }
    for p in &profiles {
        if let Some(why) = p.unreadable.get("subnets") {
            unknown
                .entry("compute_azs".into())
                .or_insert_with(|| format!("Fargate profile {}: {why}", p.fargate_profile_name));
        }
        compute_azs.extend(subnet_azs(ctx, region, &p.subnets, &mut unknown, &compute));
    }
    fields.insert("nodegroup_count".into(), Value::from(nodegroups.len()));
    fields.insert(
        "nodegroup_names".into(),
        distinct(nodegroups.iter().map(|n| n.nodegroup_name.as_str())),
    );
    fields.insert("fargate_profile_count".into(), Value::from(profiles.len()));
    fields.insert("compute_azs".into(), distinct(compute_azs.iter().copied()));
    fields.insert("total_min_nodes".into(), Value::from(min_nodes));
    propagate(
        &mut unknown,
        "nodegroups",
        &[
            "nodegroup_count",
            "nodegroup_names",
            "compute_azs",
            "total_min_nodes",
        ],
    );
    propagate(
        &mut unknown,
        "fargate_profiles",
        &["fargate_profile_count", "compute_azs"],
    );

    let arn = if c.arn.is_empty() {
        format!(
            "arn:{}:eks:{}:{}:cluster/{}",
            s.partition, c.region, s.account_id, c.name
        )
    } else {
        c.arn.clone()
    };
    Resource {
        kind: "eks.cluster",
        id: c.name.clone(),
        name: Some(c.name.clone()),
        arn,
        region: c.region.clone(),
        fields,
        unknown,
    }
}

fn nodegroup(ctx: &Ctx, n: &EksNodegroup) -> Resource {
    let s = ctx.snapshot;
    let mut fields = fields_of(n);
    let mut unknown = n.unreadable.clone();
    let azs = subnet_azs(ctx, &n.region, &n.subnets, &mut unknown, &["subnet_azs"]);
    propagate(&mut unknown, "subnets", &["subnet_azs"]);
    fields.insert("subnet_azs".into(), distinct(azs.iter().copied()));
    absent(
        &mut unknown,
        n.status.is_none(),
        "status",
        "DescribeNodegroup returned no status",
    );
    let id = format!("{}/{}", n.cluster_name, n.nodegroup_name);
    let arn = if n.arn.is_empty() {
        format!(
            "arn:{}:eks:{}:{}:nodegroup/{id}",
            s.partition, n.region, s.account_id
        )
    } else {
        n.arn.clone()
    };
    Resource {
        kind: "eks.nodegroup",
        id: id.clone(),
        name: Some(id),
        arn,
        region: n.region.clone(),
        fields,
        unknown,
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Model, Resource};
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

    fn find<'a>(m: &'a Model, kind: &'a str, id: &str) -> &'a Resource {
        m.of_kind(kind)
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("no {kind} {id}"))
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
        assert_eq!(r.fields["subnet_azs"], json!(["ra", "rb"]));
        assert_eq!(r.fields["running_task_count"], json!(2));
        assert_eq!(r.fields["running_task_azs"], json!(["ra"]));
        assert_eq!(r.fields["running_tasks_by_az"], json!({"ra": 2}));
        assert_eq!(r.fields["blocking_log_containers"], json!(["app"]));
        assert!(
            !r.unknown.contains_key("running_task_azs"),
            "{:?}",
            r.unknown
        );
        // Settings the snapshot does not hold are unknown, not false.
        assert!(r.unknown.contains_key("availability_zone_rebalancing"));
        assert!(r.unknown.contains_key("circuit_breaker_enabled"));
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
        assert!(api.unknown["subnet_azs"].contains("ec2 was not collected in r"));
        assert!(api.unknown["running_task_count"].contains("DescribeTasks"));
        assert!(api.unknown["blocking_log_containers"].contains("defaultLogDriverMode"));
        let lost = find(&m, "ecs.service", "c/lost");
        assert!(lost.unknown["running_task_azs"].contains("task t1 has no known AZ"));
        assert!(!lost.unknown.contains_key("running_task_count"));
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
        assert_eq!(k.fields["subnet_azs"], json!(["ra"]));
        assert_eq!(k.fields["compute_azs"], json!(["ra", "rb"]));
        assert_eq!(k.fields["total_min_nodes"], json!(1));
        assert_eq!(k.fields["nodegroup_count"], json!(1));
        assert_eq!(k.fields["fargate_profile_count"], json!(1));
        assert!(k.unknown.is_empty(), "{:?}", k.unknown);
        let other = find(&m, "eks.cluster", "other");
        assert!(other.unknown["compute_azs"].contains("node group ng: DescribeNodegroup"));
        assert!(other.unknown["total_min_nodes"].contains("DescribeNodegroup"));
        assert!(other.unknown["deletion_protection"].contains("deletionProtection"));
        assert_eq!(
            find(&m, "eks.nodegroup", "k/ng").fields["subnet_azs"],
            json!(["ra"])
        );
    }
}
