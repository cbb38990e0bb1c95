//! AWS Systems Manager Incident Manager: the account's replication set and response plans.
//!
//! The replication set is account-wide: every region lists its ARN (ListReplicationSets),
//! but only the regions it spans describe it (GetReplicationSet answers
//! ResourceNotFoundException elsewhere), so each region lists it and tries to describe it,
//! and the model joins what the regions answered. ListResponsePlans (paginated) per region.

use super::fail::{mark_unreadable, Op};
use super::{drain, Collected, Scope};
use crate::snapshot::{
    CollectError, IncidentReplicationRegion, IncidentReplicationSet, IncidentResponsePlan,
    SsmIncidents,
};
use aws_sdk_ssmincidents::error::ProvideErrorMetadata;
use aws_sdk_ssmincidents::Client;

pub(crate) const LIST_REPLICATION_SETS: Op =
    Op::new("ListReplicationSets", "ssm-incidents:ListReplicationSets");
const GET_REPLICATION_SET: Op = Op::new("GetReplicationSet", "ssm-incidents:GetReplicationSet");
pub(crate) const LIST_RESPONSE_PLANS: Op =
    Op::new("ListResponsePlans", "ssm-incidents:ListResponsePlans");

pub const ACTIONS: &[&str] = &[
    LIST_REPLICATION_SETS.action,
    GET_REPLICATION_SET.action,
    LIST_RESPONSE_PLANS.action,
];

/// GetReplicationSet's answer in a region the set does not span (and for a set deleted since
/// the listing): this region cannot describe it, which is not a failed read.
const ELSEWHERE: &str = "ResourceNotFoundException";

pub(super) async fn collect(scope: Scope) -> Collected<SsmIncidents> {
    let client: Client = super::sdk_client!(aws_sdk_ssmincidents, scope);
    let mut errors = Vec::new();
    let mut out = SsmIncidents::default();
    // The listings fail without naming a kind: the account-wide replication set is judged
    // from what every region answered, so one region's failure need not hide it.
    let mut pages = client.list_replication_sets().into_paginator().items().send();
    let (arns, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    errors.extend(err.map(|e| LIST_REPLICATION_SETS.listing_failed(&[], &e)));
    for arn in arns {
        let (set, err) = describe(&client, &scope, arn).await;
        out.replication_sets.push(set);
        errors.extend(err);
    }
    let mut pages = client.list_response_plans().into_paginator().items().send();
    let (plans, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    errors.extend(err.map(|e| LIST_RESPONSE_PLANS.listing_failed(&[], &e)));
    out.response_plans = plans
        .iter()
        .map(|p| IncidentResponsePlan {
            region: scope.region.clone(),
            arn: p.arn().to_string(),
            name: p.name().to_string(),
        })
        .collect();
    (out, errors)
}

async fn describe(
    client: &Client,
    scope: &Scope,
    arn: String,
) -> (IncidentReplicationSet, Option<CollectError>) {
    let mut set = IncidentReplicationSet {
        region: scope.region.clone(),
        arn: arn.clone(),
        ..Default::default()
    };
    match scope
        .call(client.get_replication_set().arn(&arn).send())
        .await
    {
        Ok(out) => {
            if let Some(rs) = out.replication_set() {
                set.status = Some(rs.status().as_str().to_string());
                set.region_map = rs
                    .region_map()
                    .iter()
                    .map(|(region, info)| IncidentReplicationRegion {
                        region: region.clone(),
                        status: info.status().as_str().to_string(),
                    })
                    .collect();
            }
            (set, None)
        }
        Err(e) if e.code() == Some(ELSEWHERE) => (set, None),
        Err(e) => {
            let err = GET_REPLICATION_SET.detail_failed(&arn, &e);
            mark_unreadable(&mut set.unreadable, &["status", "region_map"], &err);
            (set, Some(err))
        }
    }
}
