//! `scan --terraform-plan` on the storage plans of `fixtures/terraform/`
//! (`make_storage_plans.py`): EFS file systems with their mount targets, backup policies and
//! replication configurations; S3 buckets with their versioning and replication, split
//! resources and an older provider's inline blocks; standalone ElastiCache clusters. Every failure of the failing plan is pinned, the fixed plan
//! passes each of them, and values unknown until apply say so.

use crate::support::plan::{pairs, passes_all, reason, scan_plan as scan, with};

const SHARED: &str = "module.efs.aws_efs_file_system.this";
const SCRATCH: &str = "aws_efs_file_system.scratch";
const DATA: &str = "aws_s3_bucket.data";
const COPY: &str = "aws_s3_bucket.copy";
const LOGS: &str = "module.logs.aws_s3_bucket.this";
const MEMO: &str = "aws_elasticache_cluster.memo";
const JOBS: &str = "aws_elasticache_cluster.jobs";

/// Every failure of `storage.fail.json`, each defect once.
const FAILS: &[(&str, &str)] = &[
    // A Regional file system (made in a module) with one mount target, and a One Zone one;
    // neither replicated to another region.
    ("HA-EFS-001", SCRATCH),
    ("HA-EFS-001", SHARED),
    ("HA-EFS-003", SCRATCH),
    ("HA-EFS-003", SHARED),
    // Buckets left unversioned and without Object Lock (the provider's defaults), the older
    // module's with `versioning { enabled = false }`; data replicates to a bucket in its own
    // region (served by the default provider), which is unversioned.
    ("HA-S3-001", COPY),
    ("HA-S3-001", DATA),
    ("HA-S3-001", LOGS),
    ("HA-S3-002", COPY),
    ("HA-S3-002", DATA),
    ("HA-S3-003", COPY),
    ("HA-S3-003", DATA),
    ("HA-S3-003", LOGS),
    ("HA-S3-005", DATA),
    // Memcached nodes all in eu-west-1a (`availability_zone`), on a subnet group of one AZ.
    ("HA-ELC-009", MEMO),
    ("HA-ELC-011", MEMO),
];

/// The failures of a standalone Redis OSS node (snapshot retention left at the provider's
/// default): its fix is a replication group, so the fixed plan drops it.
const JOBS_FAILS: &[(&str, &str)] = &[("HA-ELC-007", JOBS), ("HA-ELC-008", JOBS)];

fn default_said(field: &str, attr: &str, address: &str) -> String {
    format!(
        "assumed default: `{field}` = false: `{attr}` is not set in the configuration of \
         {address}, so the provider's default applies"
    )
}

/// The reason given when AWS Backup, which the plan does not hold, decides a rule.
fn no_backup(fields: &[&str]) -> String {
    fields
        .iter()
        .map(|f| {
            format!(
                "`{f}` could not be read: backup was not collected in eu-west-1, so what it \
                 would show is unknown"
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

const CONSUMERS: &str = "`consumer_azs` could not be read: the EC2 instances running in its VPC \
                         are not read from a plan; `consumer_azs_without_mount_target` could not \
                         be read: the EC2 instances running in its VPC are not read from a plan";

#[test]
fn the_storage_plan_fails_exactly_its_defects() {
    let r = scan("storage.fail.json", 1);
    let mut fails = pairs(FAILS);
    fails.extend(pairs(JOBS_FAILS));
    fails.sort();
    let mut found = with("fail", &r);
    found.sort();
    assert_eq!(found, fails);
    assert_eq!(
        reason(&r, "HA-ELC-007", JOBS),
        "assumed default: `snapshot_retention_limit` = 0: `snapshot_retention_limit` is not set \
         in the configuration of aws_elasticache_cluster.jobs, so the provider's default applies"
    );
    assert_eq!(reason(&r, "HA-ELC-009", MEMO), "");
    assert_eq!(reason(&r, "HA-EFS-001", SHARED), "");
    // Without an aws_efs_backup_policy, EFS turns automatic backups on for One Zone file
    // systems only: a Regional one is assumed off, a One Zone one is not guessed.
    let one_zone = "`backup_policy_status` could not be read: aws_efs_file_system.scratch has \
                    no aws_efs_backup_policy in the plan, and EFS decides the automatic backups \
                    of a One Zone file system itself";
    assert_eq!(
        reason(&r, "HA-EFS-005", SCRATCH),
        format!("{}; {one_zone}", no_backup(&["backup_plans"]))
    );
    assert_eq!(
        reason(&r, "HA-EFS-002", SHARED),
        no_backup(&["backup_plans"])
    );
    assert_eq!(reason(&r, "HA-EFS-004", SHARED), CONSUMERS);
    assert_eq!(
        reason(&r, "HA-BAK-011", SHARED),
        no_backup(&["backup_age_hours", "backup_plans"])
    );
    assert_eq!(
        reason(&r, "HA-S3-001", DATA),
        default_said("versioning", "versioning.enabled", DATA)
    );
    assert_eq!(
        reason(&r, "HA-S3-003", LOGS),
        default_said("object_lock_enabled", "object_lock_enabled", LOGS)
    );
    // The inline block says it.
    assert_eq!(reason(&r, "HA-S3-001", LOGS), "");
    assert_eq!(reason(&r, "HA-S3-005", DATA), "");
    // A destination outside the plan: neither its region nor that it exists is known.
    let outside = "destination bucket acme-archive is not in the plan, so its region and \
                   versioning are unknown";
    assert_eq!(
        reason(&r, "HA-S3-002", LOGS),
        format!("`cross_region_copy` could not be read: {outside}")
    );
    assert_eq!(
        reason(&r, "HA-S3-004", LOGS),
        format!("`replication_missing_destinations` could not be read: {outside}")
    );
    assert_eq!(reason(&r, "HA-BAK-008", DATA), no_backup(&["backup_plans"]));
    assert_eq!(r["summary"]["pass"], 3);
    assert_eq!(r["summary"]["not_evaluated"], 17);
}

#[test]
fn the_fixed_storage_plan_passes_them() {
    let r = scan("storage.pass.json", 0);
    passes_all(&r, FAILS);
    let passed = with("pass", &r);
    // Backup policies ENABLED: passed without AWS Backup's plans.
    for id in [SHARED, SCRATCH] {
        assert!(passed.contains(&("HA-EFS-002".into(), id.into())), "{id}");
    }
    // The copy in us-west-2 (through its provider alias) is the cross-region replica of both,
    // and its Object Lock comes from an aws_s3_bucket_object_lock_configuration.
    for id in [DATA, LOGS] {
        assert!(passed.contains(&("HA-S3-004".into(), id.into())), "{id}");
        assert!(passed.contains(&("HA-S3-005".into(), id.into())), "{id}");
    }
    assert!(passed.contains(&("HA-S3-003".into(), COPY.into())));
    assert_eq!(r["summary"]["pass"], 25);
    assert_eq!(r["summary"]["not_evaluated"], 11);
}

#[test]
fn unknown_storage_values_are_not_evaluated_naming_the_attribute() {
    let r = scan("storage.unknown.json", 1);
    assert_eq!(
        reason(&r, "HA-EFS-003", SHARED),
        "`cross_region_replication` could not be read: known only after apply \
         (aws_efs_replication_configuration.shared: destination.region)"
    );
    assert_eq!(
        reason(&r, "HA-EFS-002", SHARED),
        format!(
            "{}; `backup_policy_status` could not be read: known only after apply \
             (aws_efs_backup_policy.shared: backup_policy.status)",
            no_backup(&["backup_plans"])
        )
    );
    let fails = with("fail", &r);
    assert!(fails.contains(&("HA-EFS-001".into(), SCRATCH.into())));
    assert!(!fails.contains(&("HA-EFS-003".into(), SHARED.into())));
    assert_eq!(
        reason(&r, "HA-S3-001", DATA),
        "`versioning` could not be read: known only after apply \
         (aws_s3_bucket_versioning.data: versioning_configuration.status)"
    );
    // The copy's provider alias takes its region from a variable the plan has no value of.
    assert_eq!(
        reason(&r, "HA-S3-002", DATA),
        "`cross_region_copy` could not be read: the region of destination bucket \
         aws_s3_bucket.copy is not known from its provider"
    );
    assert_eq!(
        reason(&r, "HA-S3-002", COPY),
        "`cross_region_copy` could not be read: the region of aws_s3_bucket.copy is not known \
         from its provider"
    );
    assert_eq!(
        reason(&r, "HA-ELC-007", JOBS),
        "`snapshot_retention_limit` could not be read: known only after apply \
         (aws_elasticache_cluster.jobs: snapshot_retention_limit)"
    );
    assert_eq!(
        reason(&r, "HA-ELC-009", MEMO),
        "`node_az_count` could not be read: known only after apply \
         (aws_elasticache_cluster.memo: az_mode)"
    );
    assert!(!fails.contains(&("HA-S3-001".into(), DATA.into())));
    assert!(!fails.contains(&("HA-S3-002".into(), DATA.into())));
    assert!(reason(&r, "HA-EFS-005", SCRATCH).ends_with(
        "`one_zone` could not be read: known only after apply (aws_efs_file_system.scratch: \
         availability_zone_name)"
    ));
}
