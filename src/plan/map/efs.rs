//! EFS file systems, with their mount targets (each in the AZ of its subnet), their automatic
//! backup policies (`aws_efs_backup_policy`) and replication configurations
//! (`aws_efs_replication_configuration`), each joined to its file system through its
//! reference.

use super::reader::*;
use super::*;

/// What the other resources tell of one file system.
#[derive(Default)]
struct Parts {
    mount_targets: Vec<MountTarget>,
    /// Why one of its mount targets' AZ is unknown.
    mount_unknown: Option<String>,
    /// Its backup policy's status, or why it is unknown.
    backup_policy: Option<Result<String, String>>,
    destinations: Vec<EfsReplicationDestination>,
    /// Why the region of one of its replicas is unknown.
    destination_unknown: Option<String>,
}

/// Why the compute of a file system's VPC is unknown.
const CONSUMERS: &str = "the EC2 instances running in its VPC are not read from a plan";

impl<'a, 'p> Builder<'a, 'p> {
    pub(super) fn efs(&mut self, instances: &[&Inst<'p>], subnet_az: &SubnetAz) {
        let of = |t: &str| -> Vec<&Inst<'p>> {
            instances.iter().copied().filter(|i| i.rtype == t).collect()
        };
        let mut parts: BTreeMap<String, Parts> = BTreeMap::new();
        // A part whose file system is not resolved may belong to any: (field, why).
        let mut unresolved: Vec<(&'static str, String)> = Vec::new();

        for m in of("aws_efs_mount_target") {
            let mut r = Reader::new(self.plan, m, self.view);
            let Some(fs) = file_system(
                &mut r,
                "file_system_id",
                "mount target",
                "mount_target_azs",
                &mut unresolved,
            ) else {
                continue;
            };
            let p = parts.entry(fs).or_default();
            let az = match r.link("subnet_id", "subnet_id").flatten() {
                Some(s) => Self::azs_of(std::slice::from_ref(&s), subnet_az)
                    .map(|azs| (s, azs[0].1.clone())),
                None => Err(r
                    .out
                    .unknown
                    .get("subnet_id")
                    .cloned()
                    .unwrap_or_else(|| format!("mount target {} names no subnet", m.address))),
            };
            match az {
                Ok((subnet_id, az)) => p.mount_targets.push(MountTarget {
                    mount_target_id: m.address.clone(),
                    subnet_id,
                    vpc_id: None,
                    availability_zone_name: Some(az),
                    life_cycle_state: None,
                }),
                Err(why) => {
                    p.mount_unknown.get_or_insert(why);
                }
            }
        }

        for b in of("aws_efs_backup_policy") {
            let mut r = Reader::new(self.plan, b, self.view);
            let Some(fs) = file_system(
                &mut r,
                "file_system_id",
                "backup policy",
                "backup_policy_status",
                &mut unresolved,
            ) else {
                continue;
            };
            let status = match r.nested_str("backup_policy", "status") {
                Ok(Some(s)) => Ok(s.to_string()),
                _ => Err(r.after_apply("backup_policy.status")),
            };
            parts.entry(fs).or_default().backup_policy = Some(status);
        }

        for c in of("aws_efs_replication_configuration") {
            let mut r = Reader::new(self.plan, c, self.view);
            let Some(fs) = file_system(
                &mut r,
                "source_file_system_id",
                "replication configuration",
                "cross_region_replication",
                &mut unresolved,
            ) else {
                continue;
            };
            // EFS makes a new file system unless the destination names one.
            let id = match self
                .plan
                .resolve_nested(c, "destination", "file_system_id", None)
            {
                Ok(t) => r.targets(t).into_iter().next(),
                Err(_) => None,
            }
            .unwrap_or_else(|| format!("{}.destination", c.address));
            let region = r.nested_str("destination", "region").ok().flatten();
            let p = parts.entry(fs).or_default();
            match region {
                Some(region) => p.destinations.push(EfsReplicationDestination {
                    region: region.to_string(),
                    file_system_id: id,
                    status: None,
                }),
                None => {
                    p.destination_unknown
                        .get_or_insert_with(|| r.after_apply("destination.region"));
                }
            }
        }

        for i in of("aws_efs_file_system") {
            let region = self.region(i);
            let mut r = Reader::new(self.plan, i, self.view);
            let p = parts.remove(&i.address).unwrap_or_default();
            let own_policy = p.backup_policy.is_some();
            // Set, the file system is One Zone; unset, Regional (the provider computes it).
            let az = match r.get("availability_zone_name") {
                Got::Known(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                Got::Unknown if r.configured("availability_zone_name") => {
                    let why = r.after_apply("availability_zone_name");
                    r.mark("one_zone", why.clone());
                    r.mark("availability_zone_name", why);
                    None
                }
                _ => None,
            };
            let backup_policy_status = match p.backup_policy {
                Some(Ok(status)) => Some(status),
                Some(Err(why)) => {
                    r.mark("backup_policy_status", why);
                    None
                }
                // CreateFileSystem turns automatic backups on by default for One Zone file
                // systems only.
                None if az.is_some() || r.out.unknown.contains_key("one_zone") => {
                    r.mark(
                        "backup_policy_status",
                        format!(
                            "{} has no aws_efs_backup_policy in the plan, and EFS decides the \
                             automatic backups of a One Zone file system itself",
                            i.address
                        ),
                    );
                    None
                }
                None => r
                    .assume("backup_policy.status", "backup_policy_status")
                    .and_then(|v| v.as_str().map(str::to_string)),
            };
            if let Some(why) = p.mount_unknown {
                r.mark("mount_target_azs", why);
            }
            if let Some(why) = p.destination_unknown {
                r.mark("cross_region_replication", why);
            }
            for (field, why) in &unresolved {
                if *field != "backup_policy_status" || !own_policy {
                    r.mark(field, why.clone());
                }
            }
            for f in ["consumer_azs", "consumer_azs_without_mount_target"] {
                r.mark(f, CONSUMERS.into());
            }
            self.snap.efs.file_systems.push(FileSystem {
                region: region.clone(),
                file_system_id: i.address.clone(),
                arn: i.address.clone(),
                life_cycle_state: None,
                availability_zone_name: az,
                number_of_mount_targets: p.mount_targets.len() as i64,
                mount_targets: p.mount_targets,
                backup_policy_status,
                replication_destinations: p.destinations,
                tags: tags(i.after),
                unreadable: Unreadable::new(),
            });
            let out = r.finish();
            self.entry(i, "efs.file_system", &region, out);
        }
    }
}

/// The file system a part of it links to, or `None` (noted in `unresolved` under the fact
/// `field` of every file system, as it may be any of them).
fn file_system(
    r: &mut Reader,
    attr: &str,
    what: &str,
    field: &'static str,
    unresolved: &mut Vec<(&'static str, String)>,
) -> Option<String> {
    let fs = r.link(attr, attr).flatten();
    if fs.is_none() {
        unresolved.push((
            field,
            format!(
                "the file system of {what} {} is not resolved",
                r.inst.address
            ),
        ));
    }
    fs
}
