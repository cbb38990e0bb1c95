//! AWS Backup: plans (rules, copy actions, resource assignments), vaults, and the resources
//! that have recovery points.
//!
//! Per region: the plan, vault and protected-resource listings; per plan, its rules and its
//! selections; per selection, its resources, exclusions and tag conditions.

use crate::registry::Kind;
use super::fail::{mark_unreadable, Op};
use super::{drain, Collected, Scope};
use crate::snapshot::{
    Backup, BackupPlan, BackupRegion, BackupRule, BackupSelection, BackupVault, CollectError,
    ConditionParameter, CopyAction, ProtectedResource, SelectionConditions, TagCondition,
};
use aws_sdk_backup::primitives::DateTimeFormat;
use aws_sdk_backup::types::{BackupPlansListMember, Condition, ConditionParameter as SdkParam};
use aws_sdk_backup::Client;
use futures::StreamExt;

const LIST_PLANS: Op = Op::new("ListBackupPlans", "backup:ListBackupPlans");
const GET_PLAN: Op = Op::new("GetBackupPlan", "backup:GetBackupPlan");
const LIST_SELECTIONS: Op = Op::new("ListBackupSelections", "backup:ListBackupSelections");
const GET_SELECTION: Op = Op::new("GetBackupSelection", "backup:GetBackupSelection");
const LIST_VAULTS: Op = Op::new("ListBackupVaults", "backup:ListBackupVaults");
const LIST_PROTECTED: Op = Op::new("ListProtectedResources", "backup:ListProtectedResources");

pub const ACTIONS: &[&str] = &[
    LIST_PLANS.action,
    GET_PLAN.action,
    LIST_SELECTIONS.action,
    GET_SELECTION.action,
    LIST_VAULTS.action,
    LIST_PROTECTED.action,
];

pub(super) async fn collect(scope: Scope) -> Collected<Backup> {
    let client: Client = super::sdk_client!(aws_sdk_backup, scope);
    let (plans, vaults, region) = tokio::join!(
        plans(&client, &scope),
        vaults(&client, &scope),
        protected(&client, &scope),
    );
    let mut errors = Vec::new();
    let mut backup = Backup::default();
    let (plans, errs) = plans;
    backup.plans = plans;
    errors.extend(errs);
    let (vaults, err) = vaults;
    backup.vaults = vaults;
    errors.extend(err);
    let (region, err) = region;
    backup.regions.push(region);
    errors.extend(err);
    (backup, errors)
}

async fn plans(client: &Client, scope: &Scope) -> (Vec<BackupPlan>, Vec<CollectError>) {
    let mut pages = client.list_backup_plans().into_paginator().items().send();
    let (listed, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let mut errors: Vec<CollectError> = err
        .map(|e| LIST_PLANS.listing_failed(&[Kind::BackupPlan], &e))
        .into_iter()
        .collect();
    let details = futures::stream::iter(listed.into_iter().map(|p| plan(client, scope, p)))
        .buffer_unordered(scope.concurrency)
        .collect::<Vec<_>>()
        .await;
    let mut plans = Vec::new();
    for (p, errs) in details {
        plans.push(p);
        errors.extend(errs);
    }
    (plans, errors)
}

/// The destination vault's region: `arn:<partition>:backup:<region>:<account>:backup-vault:<name>`.
fn vault_region(arn: &str) -> Option<String> {
    let parts: Vec<&str> = arn.split(':').collect();
    match parts.as_slice() {
        ["arn", _, "backup", region, ..] if !region.is_empty() => Some(region.to_string()),
        _ => None,
    }
}

async fn plan(
    client: &Client,
    scope: &Scope,
    listed: BackupPlansListMember,
) -> (BackupPlan, Vec<CollectError>) {
    let id = listed.backup_plan_id().unwrap_or_default().to_string();
    let mut plan = BackupPlan {
        region: scope.region.clone(),
        backup_plan_id: id.clone(),
        arn: listed.backup_plan_arn().unwrap_or_default().to_string(),
        name: listed.backup_plan_name().unwrap_or_default().to_string(),
        ..Default::default()
    };
    let mut errors = Vec::new();
    let mut pages = client
        .list_backup_selections()
        .backup_plan_id(&id)
        .into_paginator()
        .items()
        .send();
    let (detail, (selections, err)) = tokio::join!(
        scope.call(client.get_backup_plan().backup_plan_id(&id).send()),
        scope.call(drain(|cx| pages.poll_next(cx))),
    );
    match detail {
        Ok(out) => {
            plan.rules = out
                .backup_plan()
                .map(|p| p.rules())
                .unwrap_or_default()
                .iter()
                .map(|r| BackupRule {
                    rule_name: r.rule_name().to_string(),
                    schedule_expression: r.schedule_expression().map(str::to_string),
                    target_backup_vault_name: r.target_backup_vault_name().to_string(),
                    delete_after_days: r.lifecycle().and_then(|l| l.delete_after_days()),
                    enable_continuous_backup: r.enable_continuous_backup(),
                    copy_actions: r
                        .copy_actions()
                        .iter()
                        .map(|c| CopyAction {
                            destination_backup_vault_arn: c
                                .destination_backup_vault_arn()
                                .to_string(),
                            destination_region: vault_region(c.destination_backup_vault_arn()),
                            delete_after_days: c.lifecycle().and_then(|l| l.delete_after_days()),
                        })
                        .collect(),
                })
                .collect();
        }
        Err(e) => {
            let err = GET_PLAN.detail_failed(&id, &e);
            mark_unreadable(&mut plan.unreadable, &["rules"], &err);
            errors.push(err);
        }
    }
    if let Some(e) = err {
        let err = LIST_SELECTIONS.detail_failed(&id, &e);
        mark_unreadable(&mut plan.unreadable, &["selections"], &err);
        errors.push(err);
    }
    let ids: Vec<(String, String)> = selections
        .iter()
        .map(|s| {
            (
                s.selection_id().unwrap_or_default().to_string(),
                s.selection_name().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let read = futures::stream::iter(ids.into_iter().map(|(sid, name)| {
        let id = &id;
        async move {
            let out = scope
                .call(
                    client
                        .get_backup_selection()
                        .backup_plan_id(id)
                        .selection_id(&sid)
                        .send(),
                )
                .await;
            (sid, name, out)
        }
    }))
    .buffer_unordered(scope.concurrency)
    .collect::<Vec<_>>()
    .await;
    for (sid, name, out) in read {
        match out {
            Ok(out) => {
                let Some(s) = out.backup_selection() else {
                    continue;
                };
                let strings = |v: &[String]| v.to_vec();
                plan.selections.push(BackupSelection {
                    selection_id: sid,
                    selection_name: if name.is_empty() {
                        s.selection_name().to_string()
                    } else {
                        name
                    },
                    resources: strings(s.resources()),
                    not_resources: strings(s.not_resources()),
                    list_of_tags: s.list_of_tags().iter().map(tag_condition).collect(),
                    conditions: s
                        .conditions()
                        .map(|c| SelectionConditions {
                            string_equals: params(c.string_equals()),
                            string_not_equals: params(c.string_not_equals()),
                            string_like: params(c.string_like()),
                            string_not_like: params(c.string_not_like()),
                        })
                        .unwrap_or_default(),
                });
            }
            // One unread selection leaves what the plan covers unknown.
            Err(e) => {
                let err = GET_SELECTION.detail_failed(&format!("{id}/{sid}"), &e);
                mark_unreadable(&mut plan.unreadable, &["selections"], &err);
                errors.push(err);
            }
        }
    }
    (plan, errors)
}

fn tag_condition(c: &Condition) -> TagCondition {
    TagCondition {
        condition_type: c.condition_type().as_str().to_string(),
        condition_key: c.condition_key().to_string(),
        condition_value: c.condition_value().to_string(),
    }
}

fn params(p: &[SdkParam]) -> Vec<ConditionParameter> {
    p.iter()
        .map(|p| ConditionParameter {
            condition_key: p.condition_key().unwrap_or_default().to_string(),
            condition_value: p.condition_value().unwrap_or_default().to_string(),
        })
        .collect()
}

async fn vaults(client: &Client, scope: &Scope) -> (Vec<BackupVault>, Option<CollectError>) {
    let mut pages = client.list_backup_vaults().into_paginator().items().send();
    let (listed, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let vaults = listed
        .iter()
        .map(|v| BackupVault {
            region: scope.region.clone(),
            name: v.backup_vault_name().unwrap_or_default().to_string(),
            arn: v.backup_vault_arn().unwrap_or_default().to_string(),
            number_of_recovery_points: v.number_of_recovery_points(),
            locked: v.locked(),
        })
        .collect();
    // Vaults are no rule's subject; a failed listing is recorded, not a kind left incomplete.
    (vaults, err.map(|e| LIST_VAULTS.listing_failed(&[], &e)))
}

async fn protected(client: &Client, scope: &Scope) -> (BackupRegion, Option<CollectError>) {
    let mut pages = client
        .list_protected_resources()
        .into_paginator()
        .items()
        .send();
    let (listed, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let mut region = BackupRegion {
        region: scope.region.clone(),
        protected_resources: listed
            .iter()
            .map(|r| ProtectedResource {
                resource_arn: r.resource_arn().unwrap_or_default().to_string(),
                resource_type: r.resource_type().map(str::to_string),
                last_backup_time: r
                    .last_backup_time()
                    .and_then(|t| t.fmt(DateTimeFormat::DateTime).ok()),
            })
            .collect(),
        unreadable: Default::default(),
    };
    // What was listed before a failure is kept, but the list as a whole is unknown.
    let err = err.map(|e| LIST_PROTECTED.listing_failed(&[], &e));
    if let Some(e) = &err {
        mark_unreadable(&mut region.unreadable, &["protected_resources"], e);
    }
    (region, err)
}

#[cfg(test)]
mod tests {
    use super::vault_region;

    #[test]
    fn vault_regions_come_from_the_arn() {
        assert_eq!(
            vault_region("arn:aws:backup:us-west-2:111122223333:backup-vault:dr").as_deref(),
            Some("us-west-2")
        );
        assert_eq!(vault_region("not-an-arn"), None);
    }
}
