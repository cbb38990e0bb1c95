//! EFS file systems: the AZs their mount targets serve, replication, and the AZs where
//! compute in their VPC runs without a mount target of its own.

use super::{
    depends_on, depends_on_service, distinct, fields_of, name_tag, propagate, Ctx, Resource,
};
use crate::snapshot::FileSystem;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Mount target states that serve no client.
const GONE: &[&str] = &["deleting", "deleted", "error"];

pub(super) fn build(ctx: &Ctx, out: &mut Vec<Resource>) {
    for fs in &ctx.snapshot.efs.file_systems {
        out.push(file_system(ctx, fs));
    }
}

fn file_system(ctx: &Ctx, fs: &FileSystem) -> Resource {
    let s = ctx.snapshot;
    let mut fields = fields_of(fs);
    let mut unknown = fs.unreadable.clone();
    if fs.backup_policy_status.is_none() {
        unknown
            .entry("backup_policy_status".into())
            .or_insert_with(|| "the backup policy is not in the snapshot".into());
    }
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
    fields.insert(
        "one_zone".into(),
        Value::Bool(fs.availability_zone_name.is_some()),
    );
    fields.insert("mount_target_azs".into(), distinct(azs.iter().copied()));
    fields.insert("vpc_ids".into(), distinct(vpcs.iter().copied()));

    // Compute in the same VPCs: running instances, and the subnets Auto Scaling groups
    // launch into (a group at zero still scales into them).
    let mut consumers: BTreeSet<&str> = BTreeSet::new();
    for i in &s.ec2.instances {
        if i.region == fs.region
            && i.state == "running"
            && i.vpc_id.as_deref().is_some_and(|v| vpcs.contains(v))
        {
            consumers.insert(i.availability_zone.as_str());
        }
    }
    for g in s
        .autoscaling
        .groups
        .iter()
        .filter(|g| g.region == fs.region)
    {
        for id in &g.subnet_ids {
            if let Some(sn) = ctx.routing.subnet(&g.region, id) {
                if vpcs.contains(sn.vpc_id.as_str()) {
                    consumers.insert(sn.availability_zone.as_str());
                }
            }
        }
    }
    let missing: Vec<&str> = consumers.difference(&azs).copied().collect();
    fields.insert("consumer_azs".into(), distinct(consumers.iter().copied()));
    fields.insert("consumer_azs_without_mount_target".into(), json!(missing));
    let consumer_facts = ["consumer_azs", "consumer_azs_without_mount_target"];
    for kind in ["ec2.instance", "ec2.subnet", "autoscaling.group"] {
        depends_on(ctx, &mut unknown, kind, &fs.region, &consumer_facts);
    }
    for service in ["ec2", "autoscaling"] {
        depends_on_service(ctx, &mut unknown, service, &fs.region, &consumer_facts);
    }

    let cross_region = fs
        .replication_destinations
        .iter()
        .any(|d| d.region != fs.region);
    fields.insert("cross_region_replication".into(), Value::Bool(cross_region));
    propagate(
        &mut unknown,
        "replication_destinations",
        &["cross_region_replication"],
    );
    propagate(
        &mut unknown,
        "mount_targets",
        &[
            "mount_target_azs",
            "vpc_ids",
            "consumer_azs",
            "consumer_azs_without_mount_target",
        ],
    );
    Resource {
        kind: "efs.file_system",
        id: fs.file_system_id.clone(),
        name: name_tag(&fs.tags).or_else(|| Some(fs.file_system_id.clone())),
        arn: if fs.arn.is_empty() {
            format!(
                "arn:{}:elasticfilesystem:{}:{}:file-system/{}",
                s.partition, fs.region, s.account_id, fs.file_system_id
            )
        } else {
            fs.arn.clone()
        },
        region: fs.region.clone(),
        fields,
        unknown,
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
        let m = Model::build(&snapshot());
        let fs = m.of_kind("efs.file_system").next().unwrap();
        assert_eq!(
            fs.fields["mount_target_azs"],
            json!(["eu-west-1a", "eu-west-1b"])
        );
        assert_eq!(
            fs.fields["consumer_azs"],
            json!(["eu-west-1a", "eu-west-1c", "eu-west-1d"])
        );
        assert_eq!(
            fs.fields["consumer_azs_without_mount_target"],
            json!(["eu-west-1c", "eu-west-1d"])
        );
        assert_eq!(fs.fields["one_zone"], json!(false));
        assert!(
            crate::model::backup::unknown_besides_backup(&fs.unknown).is_empty(),
            "{:?}",
            fs.unknown
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
        let fs = m.of_kind("efs.file_system").next().unwrap();
        for f in ["mount_target_azs", "consumer_azs_without_mount_target"] {
            assert!(fs.unknown[f].contains("DescribeMountTargets"), "{f}");
        }
        let mut s = snapshot();
        s.coverage.retain(|c| c.service != "autoscaling");
        let m = Model::build(&s);
        let fs = m.of_kind("efs.file_system").next().unwrap();
        assert!(fs.unknown["consumer_azs_without_mount_target"]
            .contains("autoscaling was not collected"));
        assert!(!fs.unknown.contains_key("mount_target_azs"));
    }
}
