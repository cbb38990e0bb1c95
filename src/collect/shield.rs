//! AWS Shield Advanced (global, read once per account): whether the account subscribes
//! (GetSubscriptionState), and when it does, every protection (ListProtections). Without a
//! subscription there are no protections to list.

use super::fail::Op;
use super::{drain, Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{Shield, ShieldProtection, ShieldSubscription};
use aws_sdk_shield::types::SubscriptionState;
use aws_sdk_shield::Client;

const GET_SUBSCRIPTION_STATE: Op =
    Op::new("GetSubscriptionState", "shield:GetSubscriptionState");
const LIST_PROTECTIONS: Op = Op::new("ListProtections", "shield:ListProtections");

pub const ACTIONS: &[&str] = &[GET_SUBSCRIPTION_STATE.action, LIST_PROTECTIONS.action];

pub(super) async fn collect(scope: Scope) -> Collected<Shield> {
    let client: Client = super::sdk_client!(aws_sdk_shield, scope);
    let mut shield = Shield::default();
    let state = match scope.call(client.get_subscription_state().send()).await {
        Ok(out) => out.subscription_state().clone(),
        // Without the state nothing is known: the protections are not listed either.
        Err(e) => {
            let err = GET_SUBSCRIPTION_STATE.listing_failed(&[Kind::ShieldProtection], &e);
            return (shield, vec![err]);
        }
    };
    shield.subscription.push(ShieldSubscription {
        state: state.as_str().to_string(),
    });
    if state != SubscriptionState::Active {
        return (shield, Vec::new());
    }
    let mut pages = client.list_protections().into_paginator().items().send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    shield.protections = items
        .iter()
        .map(|p| ShieldProtection {
            id: p.id().unwrap_or_default().to_string(),
            name: p.name().unwrap_or_default().to_string(),
            resource_arn: p.resource_arn().unwrap_or_default().to_string(),
            protection_arn: p.protection_arn().map(str::to_string),
            health_check_ids: p.health_check_ids().to_vec(),
        })
        .collect();
    let errors = err
        .map(|e| LIST_PROTECTIONS.listing_failed(&[Kind::ShieldProtection], &e))
        .into_iter()
        .collect();
    (shield, errors)
}
