//! AWS Backup: plans, and each region's backup set-up. (The backup coverage of every
//! stateful resource is in `backup_coverage.rs`.)

use super::{distinct, Ctx, Known, Resource};
use crate::registry::{Kind, Service};
use crate::snapshot::BackupPlan;
use std::borrow::Cow;
use std::collections::BTreeSet;

crate::facts! {
    /// Derived facts of an AWS Backup plan.
    pub struct PlanFacts<'a> {
        /// Whether a rule copies recovery points to another region.
        pub cross_region_copy: Known<bool>,
        /// The regions the plan's rules copy recovery points to.
        pub copy_regions: Known<Vec<&'a str>>,
        /// The shortest retention of its rules, in days (null: kept forever).
        pub min_retention_days: Known<Option<i64>>,
        /// How many backup rules the plan has.
        pub rule_count: Known<usize>,
        /// How many resource selections assign resources to the plan.
        pub selection_count: Known<usize>,
    }
}

crate::facts! {
    /// Facts of one region's AWS Backup set-up.
    pub struct RegionFacts<'a> {
        /// How many backup plans the region has.
        pub plan_count: Known<usize>,
        /// The names of the region's backup plans.
        pub plan_names: Known<Vec<&'a str>>,
        /// How many resources have recovery points in the region.
        pub protected_resource_count: Known<usize>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for p in &ctx.snapshot.backup.plans {
        out.push(plan(p));
    }
    regions(ctx, out);
}

fn plan(p: &BackupPlan) -> Resource<'_> {
    let copies: Vec<_> = p.rules.iter().flat_map(|r| &r.copy_actions).collect();
    let copy_regions: BTreeSet<&str> = copies
        .iter()
        .filter_map(|c| c.destination_region.as_deref())
        .collect();
    let cross_region = copy_regions.iter().any(|r| *r != p.region);
    // Recovery points without an expiry are kept forever: they set no minimum.
    let min_retention = p.rules.iter().filter_map(|r| r.delete_after_days).min();
    let mut f = PlanFacts {
        cross_region_copy: Known::Is(cross_region),
        copy_regions: Known::Is(copy_regions.iter().copied().collect()),
        min_retention_days: Known::Is(min_retention),
        rule_count: Known::Is(p.rules.len()),
        selection_count: Known::Is(p.selections.len()),
    };
    if !cross_region {
        if let Some(c) = copies.iter().find(|c| c.destination_region.is_none()) {
            f.cross_region_copy = Known::unknown(format!(
                "the region of copy destination {} cannot be read from its ARN",
                c.destination_backup_vault_arn
            ));
        }
    }
    crate::unknown_if!(p.unreadable.get("rules") =>
        f.cross_region_copy, f.copy_regions, f.min_retention_days, f.rule_count);
    crate::unknown_if!(p.unreadable.get("selections") => f.selection_count);
    Resource {
        kind: Kind::BackupPlan,
        id: Cow::Borrowed(&p.backup_plan_id),
        name: Some(Cow::Borrowed(&p.name)),
        arn: Cow::Borrowed(&p.arn),
        region: Cow::Borrowed(&p.region),
        source: Some(p),
        unreadable: Some(&p.unreadable),
        facts: Box::new(f),
    }
}

/// One `backup.region` per region where AWS Backup was collected: whether it has any backup
/// plan at all. (A region without backup data has nothing to judge; the coverage of its
/// resources is unknown.)
fn regions<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    let s = ctx.snapshot;
    let names: BTreeSet<&str> = s
        .coverage
        .iter()
        .filter(|c| c.service == Service::backup.key())
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
        let state = s.backup.regions.iter().find(|r| r.region == region);
        let mut f = RegionFacts {
            plan_count: Known::Is(plans.len()),
            plan_names: Known::Is(distinct(plans)),
            protected_resource_count: Known::Is(state.map_or(0, |r| r.protected_resources.len())),
        };
        crate::unknown_if!(ctx.not_collected(Service::backup, region) => f.plan_count, f.plan_names);
        match state {
            Some(r) => {
                if let Some(why) = r.unreadable.get("protected_resources") {
                    f.protected_resource_count = Known::unknown(why.clone());
                }
            }
            None => {
                f.protected_resource_count = Known::unknown(format!(
                    "backup was not collected in {region}, so what it would show is unknown"
                ));
            }
        }
        out.push(Resource {
            kind: Kind::BackupRegion,
            id: Cow::Borrowed(region),
            name: Some(Cow::Borrowed(region)),
            arn: Cow::Owned(ctx.arn("backup", region, "region", region)),
            region: Cow::Borrowed(region),
            source: None,
            unreadable: None,
            facts: Box::new(f),
        });
    }
}

/// The unknown fields of a resource other than its backup coverage: what model tests on
/// snapshots without AWS Backup data check.
#[cfg(test)]
pub(crate) fn unknown_besides_backup(
    unknown: &std::collections::BTreeMap<String, String>,
) -> std::collections::BTreeMap<&str, &str> {
    const COVERAGE: [&str; 5] = [
        "backup_plans",
        "continuous_backup_plans",
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
    use crate::model::tests::find;
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    const ACCOUNT: &str = "111122223333";
    const REGION: &str = "eu-west-1";


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
                automated_backup_replication_regions: Some(vec![]),
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
    fn continuous_backup_plans_are_those_with_a_continuous_rule() {
        let mut s = snapshot();
        let rule = |continuous: Option<bool>| BackupRule {
            rule_name: "r".into(),
            enable_continuous_backup: continuous,
            ..Default::default()
        };
        let mut daily = plan("daily", vec![by_tag()]);
        daily.rules = vec![rule(None), rule(Some(false))];
        let mut pitr = plan("pitr", vec![by_tag()]);
        pitr.rules = vec![rule(Some(true))];
        s.backup.plans = vec![daily, pitr];
        {
            let m = Model::build(&s);
            let tagged = find(&m, "rds.db_instance", "tagged");
            assert_eq!(tagged.fields()["backup_plans"], json!(["daily", "pitr"]));
            assert_eq!(tagged.fields()["continuous_backup_plans"], json!(["pitr"]));
        }
        // Without the continuous plan, unreadable rules of another leave the answer open.
        s.backup.plans.pop();
        s.backup.plans[0].unreadable.insert(
            "rules".into(),
            "GetBackupPlan failed: Throttling".into(),
        );
        let m = Model::build(&s);
        let tagged = find(&m, "rds.db_instance", "tagged");
        assert_eq!(
            tagged.unknown()["continuous_backup_plans"],
            "the rules of backup plan daily could not be read: GetBackupPlan failed: Throttling"
        );
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
        assert_eq!(tagged.fields()["backup_plans"], json!(["daily"]));
        assert_eq!(
            tagged.fields()["last_backup_time"],
            json!("2026-11-19T12:00:00Z")
        );
        assert_eq!(tagged.fields()["backup_age_hours"], json!(24));
        assert_eq!(tagged.fields()["backup_resource_type"], json!("RDS"));
        // The plan's one rule takes snapshots only.
        assert_eq!(tagged.fields()["continuous_backup_plans"], json!([]));
        assert!(tagged.unknown().is_empty(), "{:?}", tagged.unknown());
        let plain = find(&m, "rds.db_instance", "plain");
        assert_eq!(plain.fields()["backup_plans"], json!([]));
        assert_eq!(plain.fields()["last_backup_time"], json!(null));
        assert!(plain.unknown().is_empty(), "{:?}", plain.unknown());
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
        assert_eq!(tagged.fields()["backup_plans"], json!(["daily"]));
        assert!(!tagged.unknown().contains_key("backup_plans"));
        // In no readable plan: `lost` might select it.
        let plain = find(&m, "rds.db_instance", "plain");
        assert!(plain.unknown()["backup_plans"].contains("backup plan lost"));
        assert!(plain.unknown()["backup_plans"].contains("ListBackupSelections"));
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
        assert!(plain.unknown()["backup_plans"].contains("backup was not collected in eu-west-1"));
        assert!(plain.unknown()["last_backup_time"].contains("ListProtectedResources"));
        assert!(plain.unknown()["backup_age_hours"].contains("ListProtectedResources"));
        let region = find(&m, "backup.region", REGION);
        assert!(region.unknown().contains_key("plan_count"));
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
        assert_eq!(v.fields()["backup_plans"], json!([]));
        assert_eq!(v.fields()["attached_instance_backup_plans"], json!(["daily"]));
        assert_eq!(
            find(&m, "ec2.instance", "i-1").fields()["backup_plans"],
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
        assert_eq!(p.fields()["cross_region_copy"], json!(false));
        assert_eq!(p.fields()["copy_regions"], json!([REGION]));
        assert_eq!(p.fields()["min_retention_days"], json!(7));
        assert_eq!(
            find(&m, "backup.region", REGION).fields()["plan_count"],
            json!(1)
        );
    }
}
