//! Amazon FSx file systems: Multi-AZ or not, automatic backups, Lustre scratch storage, their
//! lifecycle and the AZs of their subnets.

use super::ecs::subnet_azs;
use super::mq::said;
use super::{name_tag, Always, Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::FsxFileSystem;
use std::borrow::Cow;

crate::facts! {
    /// Derived facts of an FSx file system.
    pub struct FileSystemFacts<'a> {
        /// `WINDOWS`, `LUSTRE`, `ONTAP` or `OPENZFS`.
        pub file_system_type: Known<&'a str>,
        /// Its type's deployment type (`SINGLE_AZ_2`, `MULTI_AZ_1`, `SCRATCH_2` ...).
        pub deployment_type: Known<&'a str>,
        /// Whether the deployment type keeps a standby file server in a second AZ
        /// (`MULTI_AZ_*`); Lustre file systems are always in one AZ.
        pub multi_az: Known<bool>,
        /// Whether it is a Lustre scratch file system, whose data is not replicated.
        pub scratch: Known<bool>,
        /// Whether it is a Lustre file system linked to an S3 data repository.
        pub linked_to_s3: Always<bool>,
        /// How many days automatic backups are kept (0: automatic backups are off).
        pub automatic_backup_retention_days: Known<i64>,
        /// Whether its backups carry its tags (`CopyTagsToBackups`). Unknown for ONTAP, which
        /// has no such setting.
        pub copy_tags_to_backups: Known<bool>,
        /// `AVAILABLE`, `FAILED`, `MISCONFIGURED`, `MISCONFIGURED_UNAVAILABLE` ...
        pub lifecycle: Known<&'a str>,
        /// The AZs of its subnets.
        pub subnet_azs: Known<Vec<&'a str>>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for fs in &ctx.snapshot.fsx.file_systems {
        out.push(file_system(ctx, fs));
    }
}

/// Whether backups carry the file system's tags: unknown for ONTAP, which has no such setting,
/// and for a snapshot written before it was read.
fn copy_tags(fs: &FsxFileSystem, fs_type: &Known<&str>) -> Known<bool> {
    match (fs.copy_tags_to_backups, fs_type.get()) {
        (Some(copy), _) => Known::Is(copy),
        (None, Some(&"ONTAP")) => Known::unknown("FSx for ONTAP has no CopyTagsToBackups setting"),
        (None, _) => Known::unknown("whether its backups copy its tags is not in the snapshot"),
    }
}

fn file_system<'a>(ctx: &Ctx<'a>, fs: &'a FsxFileSystem) -> Resource<'a> {
    let (azs, subnets_why) = subnet_azs(ctx, &fs.region, &fs.subnet_ids);
    let fs_type = said(
        fs.file_system_type.as_deref(),
        "DescribeFileSystems returned no FileSystemType",
    );
    let deployment = said(
        fs.deployment_type.as_deref(),
        "DescribeFileSystems returned no DeploymentType for the file system's type",
    );
    let lustre = fs_type.get().map(|t| *t == "LUSTRE");
    let multi_az = match (lustre, deployment.get()) {
        (Some(true), _) => Known::Is(false),
        (_, Some(d)) => Known::Is(d.starts_with("MULTI_AZ")),
        _ => Known::unknown(deployment.reason().or(fs_type.reason()).unwrap_or_default()),
    };
    let scratch = match (lustre, deployment.get()) {
        (Some(false), _) => Known::Is(false),
        (Some(true), Some(d)) => Known::Is(d.starts_with("SCRATCH")),
        _ => Known::unknown(fs_type.reason().or(deployment.reason()).unwrap_or_default()),
    };
    let mut f = FileSystemFacts {
        file_system_type: fs_type.clone(),
        deployment_type: deployment.clone(),
        multi_az,
        scratch,
        linked_to_s3: Always(fs.data_repository_path.is_some()),
        automatic_backup_retention_days: said(
            fs.automatic_backup_retention_days,
            "DescribeFileSystems returned no AutomaticBackupRetentionDays",
        ),
        copy_tags_to_backups: copy_tags(fs, &fs_type),
        lifecycle: said(fs.lifecycle.as_deref(), "DescribeFileSystems returned no Lifecycle"),
        subnet_azs: Known::Is(azs.into_iter().collect()),
    };
    crate::unknown_if!(subnets_why => f.subnet_azs);
    let arn = ctx.arn_or(&fs.arn, "fsx", &fs.region, "file-system", &fs.file_system_id);
    Resource {
        kind: Kind::FsxFileSystem,
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
    use crate::model::tests::find;
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    fn fs(id: &str, ty: &str, deployment: Option<&str>, retention: Option<i64>) -> FsxFileSystem {
        FsxFileSystem {
            region: "r".into(),
            file_system_id: id.into(),
            file_system_type: Some(ty.into()),
            deployment_type: deployment.map(str::to_string),
            automatic_backup_retention_days: retention,
            lifecycle: Some("AVAILABLE".into()),
            subnet_ids: vec!["s-a".into(), "s-b".into()],
            ..Default::default()
        }
    }

    #[test]
    fn backups_copy_tags_only_where_the_setting_exists_and_was_read() {
        let mut s = Snapshot::new("111122223333", vec!["r".into()], "t".into());
        let mut win = fs("fs-win", "WINDOWS", Some("MULTI_AZ_1"), Some(7));
        win.copy_tags_to_backups = Some(false);
        s.fsx.file_systems = vec![
            win,
            fs("fs-ontap", "ONTAP", Some("MULTI_AZ_1"), Some(7)),
            fs("fs-old", "LUSTRE", Some("PERSISTENT_2"), Some(7)),
        ];
        let m = Model::build(&s);
        assert_eq!(
            find(&m, "fsx.file_system", "fs-win").fields()["copy_tags_to_backups"],
            json!(false)
        );
        assert_eq!(
            find(&m, "fsx.file_system", "fs-ontap").unknown()["copy_tags_to_backups"],
            "FSx for ONTAP has no CopyTagsToBackups setting"
        );
        assert_eq!(
            find(&m, "fsx.file_system", "fs-old").unknown()["copy_tags_to_backups"],
            "whether its backups copy its tags is not in the snapshot"
        );
    }

    #[test]
    fn deployment_types_say_multi_az_and_scratch() {
        let mut s = Snapshot::new("111122223333", vec!["r".into()], "t".into());
        for service in ["ec2", "fsx"] {
            s.coverage.push(Coverage {
                service: service.into(),
                region: "r".into(),
                errors: vec![],
            });
        }
        for (id, az) in [("s-a", "ra"), ("s-b", "rb")] {
            s.ec2.subnets.push(Subnet {
                region: "r".into(),
                subnet_id: id.into(),
                availability_zone: az.into(),
                ..Default::default()
            });
        }
        s.fsx.file_systems = vec![
            fs("fs-win", "WINDOWS", Some("MULTI_AZ_1"), Some(7)),
            fs("fs-zfs", "OPENZFS", Some("SINGLE_AZ_HA_2"), Some(0)),
            fs("fs-scratch", "LUSTRE", Some("SCRATCH_2"), None),
            fs("fs-ontap", "ONTAP", None, None),
        ];
        let m = Model::build(&s);
        let win = find(&m, "fsx.file_system", "fs-win");
        assert_eq!(win.fields()["multi_az"], json!(true));
        assert_eq!(win.fields()["scratch"], json!(false));
        assert_eq!(win.fields()["subnet_azs"], json!(["ra", "rb"]));
        let zfs = find(&m, "fsx.file_system", "fs-zfs");
        assert_eq!(zfs.fields()["multi_az"], json!(false));
        assert_eq!(zfs.fields()["automatic_backup_retention_days"], json!(0));
        let scratch = find(&m, "fsx.file_system", "fs-scratch");
        assert_eq!(scratch.fields()["multi_az"], json!(false));
        assert_eq!(scratch.fields()["scratch"], json!(true));
        assert!(scratch.unknown()["automatic_backup_retention_days"]
            .contains("AutomaticBackupRetentionDays"));
        let ontap = find(&m, "fsx.file_system", "fs-ontap");
        assert!(ontap.unknown()["multi_az"].contains("no DeploymentType"));
        assert_eq!(ontap.fields()["scratch"], json!(false));
    }
}
