//! EFS file systems: the AZs their mount targets serve, replication, the AZs where compute
//! in their VPC runs without a mount target of its own, and their backup coverage.

use super::{name_tag, Always, Ctx, Known, Resource};
use crate::registry::{Kind, Service};
use crate::snapshot::FileSystem;
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

crate::facts! {
    /// Derived facts of an EFS file system.
    pub struct FileSystemFacts<'a> {
        /// `ENABLED` or `DISABLED` (unknown when the snapshot lacks the backup policy).
        pub backup_policy_status: Known<Option<&'a str>>,
        /// Whether it is a One Zone file system.
        pub one_zone: Always<bool>,
        /// The AZs of its mount targets that serve clients.
        pub mount_target_azs: Known<Vec<&'a str>>,
        /// The VPCs of those mount targets.
        pub vpc_ids: Known<Vec<&'a str>>,
        /// The AZs where compute of those VPCs runs: running instances, and the subnets Auto
        /// Scaling groups launch into.
        pub consumer_azs: Known<Vec<&'a str>>,
        /// Those AZs without a mount target.
        pub consumer_azs_without_mount_target: Known<Vec<&'a str>>,
        /// Whether it replicates to a file system in another region.
        pub cross_region_replication: Known<bool>,
        /// File systems of this account in other regions that replicate into this one: it is
        /// their cross-region copy, not a primary.
        pub replica_of: Always<Vec<&'a str>>,
        /// The resource type AWS Backup gives it.
        pub backup_resource_type: Always<&'static str>,
        /// The AWS Backup plans whose selections assign it.
        pub backup_plans: Known<Vec<&'a str>>,
        /// Its newest recovery point (null: none).
        pub last_backup_time: Known<Option<&'a str>>,
        /// That recovery point's age when the snapshot was taken, in hours.
        pub backup_age_hours: Known<Option<i64>>,
    }
}

/// Mount target states that serve no client.
const GONE: &[&str] = &["deleting", "deleted", "error"];

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    if ctx.snapshot.efs.file_systems.is_empty() {
        return;
    }
    let compute = compute_azs(ctx);
    // (region, destination id) -> the file systems in other regions that replicate into it.
    let mut sources: HashMap<(&str, &str), Vec<&str>> = HashMap::new();
    for fs in &ctx.snapshot.efs.file_systems {
        for d in fs.replication_destinations.iter().filter(|d| d.region != fs.region) {
            sources
                .entry((d.region.as_str(), d.file_system_id.as_str()))
                .or_default()
                .push(&fs.file_system_id);
        }
    }
    for fs in &ctx.snapshot.efs.file_systems {
        let replica_of = sources
            .get(&(fs.region.as_str(), fs.file_system_id.as_str()))
            .cloned()
            .unwrap_or_default();
        out.push(file_system(ctx, &compute, fs, replica_of));
    }
}

/// The AZs where compute runs, by (region, VPC): running instances, and the subnets Auto
/// Scaling groups launch into (a group at zero still scales into them). Built once rather
/// than searched for each file system.
fn compute_azs<'a>(ctx: &Ctx<'a>) -> HashMap<(&'a str, &'a str), BTreeSet<&'a str>> {
    let s = ctx.snapshot;
    let mut out: HashMap<(&str, &str), BTreeSet<&str>> = HashMap::new();
    for i in s.ec2.instances.iter().filter(|i| i.state == "running") {
        if let Some(vpc) = i.vpc_id.as_deref() {
            out.entry((&i.region, vpc))
                .or_default()
                .insert(&i.availability_zone);
        }
    }
    for g in &s.autoscaling.groups {
        for id in &g.subnet_ids {
            if let Some(sn) = ctx.routing.subnet(&g.region, id) {
                out.entry((&g.region, &sn.vpc_id))
                    .or_default()
                    .insert(&sn.availability_zone);
            }
        }
    }
    out
}

fn file_system<'a>(
    ctx: &Ctx<'a>,
    compute: &HashMap<(&'a str, &'a str), BTreeSet<&'a str>>,
    fs: &'a FileSystem,
    replica_of: Vec<&'a str>,
) -> Resource<'a> {
    let serving: Vec<_> = fs
        .mount_targets
        .iter()
        .filter(|m| {
            !m.life_cycle_state
                .as_deref()
                .is_some_and(|st| GONE.contains(&st))
        })
        .collect();
    let azs: BTreeSet<&str> = serving
        .iter()
        .filter_map(|m| {
            m.availability_zone_name
                .as_deref()
                .or_else(|| ctx.subnet_az(&fs.region, &m.subnet_id))
        })
        .collect();
    let vpcs: BTreeSet<&str> = serving
        .iter()
        .filter_map(|m| {
            m.vpc_id.as_deref().or_else(|| {
                ctx.routing
                    .subnet(&fs.region, &m.subnet_id)
                    .map(|sn| sn.vpc_id.as_str())
            })
        })
        .collect();

    // Compute in the same VPCs.
    let consumers: BTreeSet<&str> = vpcs
        .iter()
        .filter_map(|vpc| compute.get(&(fs.region.as_str(), *vpc)))
        .flatten()
        .copied()
        .collect();
    let missing: Vec<&str> = consumers.difference(&azs).copied().collect();
    let arn = ctx.arn_or(&fs.arn, "elasticfilesystem", &fs.region, "file-system", &fs.file_system_id);
    let tags = (!fs.unreadable.contains_key("tags")).then_some(&fs.tags);
    let backup = ctx.backup_coverage(Kind::FileSystem, &fs.region, &arn, tags);
    let mut f = FileSystemFacts {
        backup_policy_status: match fs.backup_policy_status.as_deref() {
            Some(st) => Known::Is(Some(st)),
            None => Known::unknown("the backup policy is not in the snapshot"),
        },
        one_zone: Always(fs.availability_zone_name.is_some()),
        mount_target_azs: Known::Is(azs.iter().copied().collect()),
        vpc_ids: Known::Is(vpcs.iter().copied().collect()),
        consumer_azs: Known::Is(consumers.iter().copied().collect()),
        consumer_azs_without_mount_target: Known::Is(missing),
        cross_region_replication: Known::Is(
            fs.replication_destinations
                .iter()
                .any(|d| d.region != fs.region),
        ),
        replica_of: Always(replica_of),
        backup_resource_type: Always(backup.resource_type),
        backup_plans: backup.plans,
        last_backup_time: backup.last_backup_time,
        backup_age_hours: backup.age_hours,
    };
    for kind in [Kind::Instance, Kind::Subnet, Kind::AutoScalingGroup] {
        crate::unknown_if!(ctx.incomplete(kind, &fs.region) =>
            f.consumer_azs, f.consumer_azs_without_mount_target);
    }
    for service in [Service::ec2, Service::autoscaling] {
        crate::unknown_if!(ctx.not_collected(service, &fs.region) =>
            f.consumer_azs, f.consumer_azs_without_mount_target);
    }
    crate::unknown_if!(fs.unreadable.get("replication_destinations") => f.cross_region_replication);
    crate::unknown_if!(fs.unreadable.get("mount_targets") =>
        f.mount_target_azs, f.vpc_ids, f.consumer_azs, f.consumer_azs_without_mount_target);
    Resource {
        kind: Kind::FileSystem,
        id: Cow::Borrowed(&fs.file_system_id),
        name: name_tag(&fs.tags).or(Some(Cow::Borrowed(&fs.file_system_id))),
        arn,
        region: Cow::Borrowed(&fs.region),
        source: Some(fs),
        unreadable: Some(&fs.unreadable),
        facts: Box::new(f),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    const REGION: &str = "eu-west-1";

    fn instance(id: &str, vpc: &str, az: &str, state: &str) -> Instance {
        Instance {
            region: REGION.into(),
            instance_id: id.into(),
            availability_zone: az.into(),
            state: state.into(),
            vpc_id: Some(vpc.into()),
            monitoring: Some("disabled".into()),
            ..Default::default()
        }
    }

    fn mount_target(id: &str, az: &str, state: &str) -> MountTarget {
        MountTarget {
            mount_target_id: id.into(),
            subnet_id: format!("subnet-{id}"),
            vpc_id: Some("vpc-1".into()),
            availability_zone_name: Some(az.into()),
            life_cycle_state: Some(state.into()),
        }
    }

    fn snapshot() -> Snapshot {
        let mut s = Snapshot::new("111122223333", vec![REGION.into()], "t".into());
        for service in ["ec2", "autoscaling", "efs"] {
            s.coverage.push(Coverage {
                service: service.into(),
                region: REGION.into(),
                errors: vec![],
            });
        }
        s.ec2.instances = vec![
            instance("i-a", "vpc-1", "eu-west-1a", "running"),
            instance("i-c", "vpc-1", "eu-west-1c", "running"),
            // Stopped, or in another VPC: not a client.
            instance("i-b", "vpc-1", "eu-west-1b", "stopped"),
            instance("i-other", "vpc-2", "eu-west-1b", "running"),
        ];
        s.ec2.subnets.push(Subnet {
            region: REGION.into(),
            subnet_id: "subnet-asg".into(),
            vpc_id: "vpc-1".into(),
            availability_zone: "eu-west-1d".into(),
            ..Default::default()
        });
        s.autoscaling.groups.push(AutoScalingGroup {
            region: REGION.into(),
            name: "web".into(),
            subnet_ids: vec!["subnet-asg".into()],
            ..Default::default()
        });
        s.efs.file_systems.push(FileSystem {
            region: REGION.into(),
            file_system_id: "fs-1".into(),
            backup_policy_status: Some("ENABLED".into()),
            mount_targets: vec![
                mount_target("a", "eu-west-1a", "available"),
                mount_target("b", "eu-west-1b", "available"),
                // Being deleted: serves no one.
                mount_target("c", "eu-west-1c", "deleting"),
            ],
            ..Default::default()
        });
        s
    }

    #[test]
    fn compute_of_the_vpc_in_an_az_without_a_serving_mount_target() {
        let s = snapshot();
        let m = Model::build(&s);
        let fs = m.of_kind(crate::registry::Kind::from_key("efs.file_system").unwrap()).next().unwrap();
        assert_eq!(
            fs.fields()["mount_target_azs"],
            json!(["eu-west-1a", "eu-west-1b"])
        );
        assert_eq!(
            fs.fields()["consumer_azs"],
            json!(["eu-west-1a", "eu-west-1c", "eu-west-1d"])
        );
        assert_eq!(
            fs.fields()["consumer_azs_without_mount_target"],
            json!(["eu-west-1c", "eu-west-1d"])
        );
        assert_eq!(fs.fields()["one_zone"], json!(false));
        assert!(
            crate::model::backup::unknown_besides_backup(&fs.unknown()).is_empty(),
            "{:?}",
            fs.unknown()
        );
    }

    #[test]
    fn unread_mount_targets_or_compute_leave_the_consumer_facts_unknown() {
        let mut s = snapshot();
        s.efs.file_systems[0].unreadable.insert(
            "mount_targets".into(),
            "DescribeMountTargets failed: Throttling: slow down".into(),
        );
        let m = Model::build(&s);
        let fs = m.of_kind(crate::registry::Kind::from_key("efs.file_system").unwrap()).next().unwrap();
        for f in ["mount_target_azs", "consumer_azs_without_mount_target"] {
            assert!(fs.unknown()[f].contains("DescribeMountTargets"), "{f}");
        }
        let mut s = snapshot();
        s.coverage.retain(|c| c.service != "autoscaling");
        let m = Model::build(&s);
        let fs = m.of_kind(crate::registry::Kind::from_key("efs.file_system").unwrap()).next().unwrap();
        assert!(fs.unknown()["consumer_azs_without_mount_target"]
            .contains("autoscaling was not collected"));
        assert!(!fs.unknown().contains_key("mount_target_azs"));
    }
}
