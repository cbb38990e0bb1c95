//! AWS Backup: plans, each region's backup set-up, and the backup coverage of every stateful
//! resource (which plans assign it, and how old its newest recovery point is).

use super::backup_selection::selects;
use super::ebs::hours_before_taken;
use super::{depends_on_service, distinct, fields_of, Ctx, Resource};
use crate::snapshot::{BackupPlan, Tags};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The resource kinds AWS Backup protects, with the resource type it gives them, and whether
/// the snapshot holds their tags (a tag-based selection cannot be judged without them: the
/// S3 collector, for one, does not read bucket tags).
const STATEFUL: &[(&str, &str, bool)] = &[
    ("rds.db_instance", "RDS", true),
    ("rds.db_cluster", "Aurora", true),
    ("dynamodb.table", "DynamoDB", false),
    ("efs.file_system", "EFS", true),
    ("ebs.volume", "EBS", true),
    ("ec2.instance", "EC2", true),
    ("s3.bucket", "S3", false),
];

pub(super) fn build(ctx: &Ctx, out: &mut Vec<Resource>) {
    for p in &ctx.snapshot.backup.plans {
        out.push(plan(p));
    }
    regions(ctx, out);
}

fn plan(p: &BackupPlan) -> Resource {
    let mut fields = fields_of(p);
    let mut unknown = p.unreadable.clone();
    let copies: Vec<_> = p.rules.iter().flat_map(|r| &r.copy_actions).collect();
    let copy_regions: BTreeSet<&str> = copies
        .iter()
        .filter_map(|c| c.destination_region.as_deref())
        .collect();
    let cross_region = copy_regions.iter().any(|r| *r != p.region);
    if !cross_region {
        if let Some(c) = copies.iter().find(|c| c.destination_region.is_none()) {
            unknown.insert(
                "cross_region_copy".into(),
                format!(
                    "the region of copy destination {} cannot be read from its ARN",
                    c.destination_backup_vault_arn
                ),
            );
        }
    }
    // Recovery points without an expiry are kept forever: they set no minimum.
    let min_retention = p.rules.iter().filter_map(|r| r.delete_after_days).min();
    fields.insert("cross_region_copy".into(), Value::Bool(cross_region));
    fields.insert(
        "copy_regions".into(),
        distinct(copy_regions.iter().copied()),
    );
    fields.insert("min_retention_days".into(), json!(min_retention));
    fields.insert("rule_count".into(), Value::from(p.rules.len()));
    fields.insert("selection_count".into(), Value::from(p.selections.len()));
    super::propagate(
        &mut unknown,
        "rules",
        &[
            "cross_region_copy",
            "copy_regions",
            "min_retention_days",
            "rule_count",
        ],
    );
    super::propagate(&mut unknown, "selections", &["selection_count"]);
    Resource {
        kind: "backup.plan",
        id: p.backup_plan_id.clone(),
        name: Some(p.name.clone()),
        arn: p.arn.clone(),
        region: p.region.clone(),
        fields,
        unknown,
    }
}

/// One `backup.region` per region where AWS Backup was collected: whether it has any backup
/// plan at all. (A region without backup data has nothing to judge; the coverage of its
/// resources is unknown.)
fn regions(ctx: &Ctx, out: &mut Vec<Resource>) {
    let s = ctx.snapshot;
    let names: BTreeSet<&str> = s
        .coverage
        .iter()
        .filter(|c| c.service == "backup")
        .map(|c| &c.region)
        .chain(s.backup.regions.iter().map(|r| &r.region))
        .map(String::as_str)
        .collect();
    for region in names {
        let plans: Vec<&str> = s
            .backup
            .plans
            .iter()
            .filter(|p| p.region == region)
            .map(|p| p.name.as_str())
            .collect();
        let mut fields = serde_json::Map::new();
        let mut unknown = BTreeMap::new();
        fields.insert("plan_count".into(), Value::from(plans.len()));
        fields.insert("plan_names".into(), distinct(plans));
        let state = s.backup.regions.iter().find(|r| r.region == region);
        fields.insert(
            "protected_resource_count".into(),
            Value::from(state.map_or(0, |r| r.protected_resources.len())),
        );
        depends_on_service(
            ctx,
            &mut unknown,
            "backup",
            region,
            &["plan_count", "plan_names"],
        );
        match state {
            Some(r) => {
                if let Some(why) = r.unreadable.get("protected_resources") {
                    unknown.insert("protected_resource_count".into(), why.clone());
                }
            }
            None => {
                unknown.insert(
                    "protected_resource_count".into(),
                    format!(
                        "backup was not collected in {region}, so what it would show is unknown"
                    ),
                );
            }
        }
        out.push(Resource {
            kind: "backup.region",
            id: region.to_string(),
            name: Some(region.to_string()),
            arn: format!(
                "arn:{}:backup:{region}:{}:region/{region}",
                s.partition, s.account_id
            ),
            region: region.to_string(),
            fields,
            unknown,
        });
    }
}

/// What one region's plans say about one resource.
struct Coverage {
    /// Plans known to assign it.
    plans: BTreeSet<String>,
    /// Why another plan might assign it too, when that cannot be decided.
    undecided: Option<String>,
}

/// Adds backup coverage to every stateful resource: `backup_plans` (the plans whose
/// selections assign it), `last_backup_time` (its newest recovery point, from
/// `ListProtectedResources`) and `backup_age_hours` (that point's age when the snapshot was
/// taken). Runs after every builder, over whatever kinds they produced.
pub(super) fn annotate(ctx: &Ctx, resources: &mut [Resource]) {
    let s = ctx.snapshot;
    let mut plans_by_region: HashMap<&str, Vec<&BackupPlan>> = HashMap::new();
    for p in &s.backup.plans {
        plans_by_region.entry(&p.region).or_default().push(p);
    }
    let protected: HashMap<(&str, &str), Option<&str>> = s
        .backup
        .regions
        .iter()
        .flat_map(|r| {
            r.protected_resources.iter().map(move |p| {
                (
                    (r.region.as_str(), p.resource_arn.as_str()),
                    p.last_backup_time.as_deref(),
                )
            })
        })
        .collect();
    // Plans of attached instances, for volumes: an EC2 backup snapshots every volume of the
    // instance.
    let mut instance_plans: HashMap<(String, String), Coverage> = HashMap::new();

    for r in resources.iter_mut() {
        let Some((_, resource_type, tags_known)) = STATEFUL.iter().find(|k| k.0 == r.kind) else {
            continue;
        };
        let tags: Option<Tags> = if *tags_known && !r.unknown.contains_key("tags") {
            r.fields
                .get("tags")
                .and_then(|t| serde_json::from_value(t.clone()).ok())
        } else {
            None
        };
        let plans = plans_by_region
            .get(r.region.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        let cov = coverage(plans, &r.arn, tags.as_ref(), &r.region);
        r.fields
            .insert("backup_resource_type".into(), Value::from(*resource_type));
        r.fields.insert(
            "backup_plans".into(),
            distinct(cov.plans.iter().map(String::as_str)),
        );
        if cov.plans.is_empty() {
            if let Some(why) = &cov.undecided {
                r.unknown
                    .entry("backup_plans".into())
                    .or_insert_with(|| why.clone());
            }
            depends_on_service(ctx, &mut r.unknown, "backup", &r.region, &["backup_plans"]);
        }

        let state = s.backup.regions.iter().find(|b| b.region == r.region);
        let last = protected
            .get(&(r.region.as_str(), r.arn.as_str()))
            .copied()
            .flatten();
        r.fields.insert("last_backup_time".into(), json!(last));
        let age = match last.map(|t| hours_before_taken(ctx, t)) {
            None => Value::Null,
            Some(Ok(h)) => Value::from(h),
            Some(Err(why)) => {
                r.unknown.insert("backup_age_hours".into(), why);
                Value::Null
            }
        };
        r.fields.insert("backup_age_hours".into(), age);
        if last.is_none() {
            let why = match state {
                None => Some(format!(
                    "backup was not collected in {}, so what it would show is unknown",
                    r.region
                )),
                Some(b) => b.unreadable.get("protected_resources").cloned(),
            };
            if let Some(why) = why {
                for f in ["last_backup_time", "backup_age_hours"] {
                    r.unknown.entry(f.into()).or_insert_with(|| why.clone());
                }
            }
        }
        if r.kind == "ec2.instance" {
            let why = r.unknown.get("backup_plans").cloned();
            instance_plans.insert(
                (r.region.clone(), r.id.clone()),
                Coverage {
                    plans: cov.plans,
                    undecided: why,
                },
            );
        }
    }

    for r in resources.iter_mut().filter(|r| r.kind == "ebs.volume") {
        let attached: Vec<String> = r
            .fields
            .get("attached_instance_ids")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default();
        let mut plans = BTreeSet::new();
        let mut undecided = None;
        for id in &attached {
            if let Some(c) = instance_plans.get(&(r.region.clone(), id.clone())) {
                plans.extend(c.plans.iter().cloned());
                undecided = undecided.or_else(|| {
                    c.undecided
                        .as_ref()
                        .map(|why| format!("the backup plans of instance {id} are unknown: {why}"))
                });
            }
        }
        r.fields.insert(
            "attached_instance_backup_plans".into(),
            distinct(plans.iter().map(String::as_str)),
        );
        if plans.is_empty() {
            if let Some(why) = undecided {
                r.unknown
                    .insert("attached_instance_backup_plans".into(), why);
            }
            if !attached.is_empty() {
                super::depends_on(
                    ctx,
                    &mut r.unknown,
                    "ec2.instance",
                    &r.region.clone(),
                    &["attached_instance_backup_plans"],
                );
            }
        }
    }
}

/// The plans of a region that assign the resource.
fn coverage(plans: &[&BackupPlan], arn: &str, tags: Option<&Tags>, region: &str) -> Coverage {
    let mut out = Coverage {
        plans: BTreeSet::new(),
        undecided: None,
    };
    for p in plans {
        let mut decided = true;
        let mut assigned = false;
        for sel in &p.selections {
            match selects(sel, arn, tags) {
                Some(true) => assigned = true,
                Some(false) => {}
                None => decided = false,
            }
        }
        if assigned {
            out.plans.insert(p.name.clone());
        } else if let Some(why) = p.unreadable.get("selections") {
            out.undecided.get_or_insert_with(|| {
                format!(
                    "the selections of backup plan {} in {region} could not be read: {why}",
                    p.name
                )
            });
        } else if !decided {
            out.undecided.get_or_insert_with(|| {
                format!(
                    "backup plan {} selects resources by tag, and this resource's tags are not collected",
                    p.name
                )
            });
        }
    }
    out
}

/// The unknown fields of a resource other than its backup coverage: what model tests on
/// snapshots without AWS Backup data check.
#[cfg(test)]
pub(crate) fn unknown_besides_backup(unknown: &BTreeMap<String, String>) -> BTreeMap<&str, &str> {
    const COVERAGE: [&str; 4] = [
        "backup_plans",
        "last_backup_time",
        "backup_age_hours",
        "attached_instance_backup_plans",
    ];
    unknown
        .iter()
        .filter(|(k, _)| !COVERAGE.contains(&k.as_str()))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::model::{Model, Resource};
    use crate::snapshot::*;
    use serde_json::json;

    const ACCOUNT: &str = "111122223333";
    const REGION: &str = "eu-west-1";

    fn find<'a>(m: &'a Model, kind: &'a str, id: &str) -> &'a Resource {
        m.of_kind(kind)
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("no {kind} {id}"))
    }

    fn snapshot() -> Snapshot {
        let mut s = Snapshot::new(ACCOUNT, vec![REGION.into()], "2026-11-20T12:00:00Z".into());
        s.coverage.push(Coverage {
            service: "backup".into(),
            region: REGION.into(),
            errors: vec![],
        });
        s.backup.regions.push(BackupRegion {
            region: REGION.into(),
            protected_resources: vec![ProtectedResource {
                resource_arn: format!("arn:aws:rds:{REGION}:{ACCOUNT}:db:tagged"),
                resource_type: Some("RDS".into()),
                last_backup_time: Some("2026-11-19T12:00:00Z".into()),
            }],
            unreadable: Default::default(),
        });
        for (id, tags) in [("tagged", vec![("backup", "daily")]), ("plain", vec![])] {
            s.rds.db_instances.push(DbInstance {
                region: REGION.into(),
                db_instance_identifier: id.into(),
                arn: format!("arn:aws:rds:{REGION}:{ACCOUNT}:db:{id}"),
                monitoring_interval: Some(0),
                tags: tags
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                ..Default::default()
            });
        }
        s
    }

    fn plan(name: &str, selections: Vec<BackupSelection>) -> BackupPlan {
        BackupPlan {
            region: REGION.into(),
            backup_plan_id: format!("id-{name}"),
            arn: format!("arn:aws:backup:{REGION}:{ACCOUNT}:backup-plan:id-{name}"),
            name: name.into(),
            selections,
            ..Default::default()
        }
    }

    fn by_tag() -> BackupSelection {
        BackupSelection {
            selection_id: "s".into(),
            selection_name: "by-tag".into(),
            list_of_tags: vec![TagCondition {
                condition_type: "STRINGEQUALS".into(),
                condition_key: "backup".into(),
                condition_value: "daily".into(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn plans_and_recovery_points_of_a_resource() {
        let mut s = snapshot();
        s.backup.plans.push(plan("daily", vec![by_tag()]));
        // CloudWatch read too, so that nothing but the backup facts is derived here.
        s.coverage.push(crate::snapshot::Coverage {
            service: "cloudwatch".into(),
            region: "eu-west-1".into(),
            errors: Vec::new(),
        });
        let m = Model::build(&s);
        let tagged = find(&m, "rds.db_instance", "tagged");
        assert_eq!(tagged.fields["backup_plans"], json!(["daily"]));
        assert_eq!(
            tagged.fields["last_backup_time"],
            json!("2026-11-19T12:00:00Z")
        );
        assert_eq!(tagged.fields["backup_age_hours"], json!(24));
        assert_eq!(tagged.fields["backup_resource_type"], json!("RDS"));
        assert!(tagged.unknown.is_empty(), "{:?}", tagged.unknown);
        let plain = find(&m, "rds.db_instance", "plain");
        assert_eq!(plain.fields["backup_plans"], json!([]));
        assert_eq!(plain.fields["last_backup_time"], json!(null));
        assert!(plain.unknown.is_empty(), "{:?}", plain.unknown);
    }

    #[test]
    fn unreadable_selections_leave_coverage_unknown_unless_another_plan_decides() {
        let mut s = snapshot();
        let mut lost = plan("lost", vec![]);
        lost.unreadable.insert(
            "selections".into(),
            "ListBackupSelections failed: http-500: boom".into(),
        );
        s.backup.plans = vec![lost, plan("daily", vec![by_tag()])];
        let m = Model::build(&s);
        // Known to be in `daily`: that is enough to say it is in a plan.
        let tagged = find(&m, "rds.db_instance", "tagged");
        assert_eq!(tagged.fields["backup_plans"], json!(["daily"]));
        assert!(!tagged.unknown.contains_key("backup_plans"));
        // In no readable plan: `lost` might select it.
        let plain = find(&m, "rds.db_instance", "plain");
        assert!(plain.unknown["backup_plans"].contains("backup plan lost"));
        assert!(plain.unknown["backup_plans"].contains("ListBackupSelections"));
    }

    #[test]
    fn coverage_is_unknown_where_backup_was_not_collected_or_recovery_points_unread() {
        let mut s = snapshot();
        s.coverage.clear();
        s.backup.regions[0].unreadable.insert(
            "protected_resources".into(),
            "ListProtectedResources failed: AccessDeniedException: denied".into(),
        );
        s.backup.regions[0].protected_resources.clear();
        let m = Model::build(&s);
        let plain = find(&m, "rds.db_instance", "plain");
        assert!(plain.unknown["backup_plans"].contains("backup was not collected in eu-west-1"));
        assert!(plain.unknown["last_backup_time"].contains("ListProtectedResources"));
        assert!(plain.unknown["backup_age_hours"].contains("ListProtectedResources"));
        let region = find(&m, "backup.region", REGION);
        assert!(region.unknown.contains_key("plan_count"));
    }

    #[test]
    fn a_volume_is_covered_through_its_instance() {
        let mut s = snapshot();
        s.coverage.push(Coverage {
            service: "ec2".into(),
            region: REGION.into(),
            errors: vec![],
        });
        s.ec2.instances.push(Instance {
            region: REGION.into(),
            instance_id: "i-1".into(),
            availability_zone: "eu-west-1a".into(),
            state: "running".into(),
            monitoring: Some("disabled".into()),
            tags: [("backup".to_string(), "daily".to_string())].into(),
            ..Default::default()
        });
        s.ebs.volumes.push(Volume {
            region: REGION.into(),
            volume_id: "vol-1".into(),
            attached_instance_ids: vec!["i-1".into()],
            ..Default::default()
        });
        s.backup.plans.push(plan("daily", vec![by_tag()]));
        let m = Model::build(&s);
        let v = find(&m, "ebs.volume", "vol-1");
        assert_eq!(v.fields["backup_plans"], json!([]));
        assert_eq!(v.fields["attached_instance_backup_plans"], json!(["daily"]));
        assert_eq!(
            find(&m, "ec2.instance", "i-1").fields["backup_plans"],
            json!(["daily"])
        );
    }

    #[test]
    fn plan_copies_and_retention() {
        let mut s = snapshot();
        let mut p = plan("daily", vec![]);
        p.rules = vec![
            BackupRule {
                rule_name: "a".into(),
                delete_after_days: Some(35),
                copy_actions: vec![CopyAction {
                    destination_backup_vault_arn: format!(
                        "arn:aws:backup:{REGION}:{ACCOUNT}:backup-vault:local"
                    ),
                    destination_region: Some(REGION.into()),
                    delete_after_days: None,
                }],
                ..Default::default()
            },
            BackupRule {
                rule_name: "b".into(),
                delete_after_days: Some(7),
                ..Default::default()
            },
        ];
        s.backup.plans.push(p);
        let m = Model::build(&s);
        let p = find(&m, "backup.plan", "id-daily");
        assert_eq!(p.fields["cross_region_copy"], json!(false));
        assert_eq!(p.fields["copy_regions"], json!([REGION]));
        assert_eq!(p.fields["min_retention_days"], json!(7));
        assert_eq!(
            find(&m, "backup.region", REGION).fields["plan_count"],
            json!(1)
        );
    }
}
