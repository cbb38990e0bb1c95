//! Amazon Cognito user pools: whether each is protected against deletion.
//!
//! Per region: ListUserPools (paginated, 60 a page, the most the API allows), then
//! DescribeUserPool per pool (concurrently, within the scan's cap): the listing carries no
//! deletion protection.

use super::fail::{mark_unreadable, Op};
use super::{drain, Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{CognitoUserPool, CollectError, Cognito};
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::Client;
use futures::StreamExt;

const LIST_USER_POOLS: Op = Op::new("ListUserPools", "cognito-idp:ListUserPools");
const DESCRIBE_USER_POOL: Op = Op::new("DescribeUserPool", "cognito-idp:DescribeUserPool");

pub const ACTIONS: &[&str] = &[LIST_USER_POOLS.action, DESCRIBE_USER_POOL.action];

/// ListUserPools requires MaxResults; 60 is its maximum.
const PAGE_SIZE: i32 = 60;

const DETAIL_FIELDS: &[&str] = &["deletion_protection"];

/// DescribeUserPool's code for a pool deleted since the listing: gone, not unread.
const GONE: &str = "ResourceNotFoundException";

pub(super) async fn collect(scope: Scope) -> Collected<Cognito> {
    let client: Client = super::sdk_client!(aws_sdk_cognitoidentityprovider, scope);
    let mut errors = Vec::new();
    let mut pages = client
        .list_user_pools()
        .max_results(PAGE_SIZE)
        .into_paginator()
        .items()
        .send();
    let (listed, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    errors.extend(err.map(|e| LIST_USER_POOLS.listing_failed(&[Kind::CognitoUserPool], &e)));
    let pools: Vec<(String, String)> = listed
        .iter()
        .map(|p| {
            (
                p.id().unwrap_or_default().to_string(),
                p.name().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let (c, s) = (&client, &scope);
    let details = futures::stream::iter(pools.into_iter().map(|(id, name)| pool(c, s, id, name)))
        .buffer_unordered(scope.concurrency)
        .collect::<Vec<_>>()
        .await;
    let mut cognito = Cognito::default();
    for (p, err) in details {
        cognito.user_pools.extend(p);
        errors.extend(err);
    }
    (cognito, errors)
}

async fn pool(
    client: &Client,
    scope: &Scope,
    id: String,
    name: String,
) -> (Option<CognitoUserPool>, Option<CollectError>) {
    let mut p = CognitoUserPool {
        region: scope.region.clone(),
        id: id.clone(),
        name,
        ..Default::default()
    };
    match scope
        .call(client.describe_user_pool().user_pool_id(&id).send())
        .await
    {
        Ok(out) => {
            if let Some(d) = out.user_pool() {
                p.arn = d.arn().unwrap_or_default().to_string();
                p.deletion_protection = d.deletion_protection().map(|v| v.as_str().to_string());
                if let Some(tags) = d.user_pool_tags() {
                    p.tags = tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                }
            }
            (Some(p), None)
        }
        Err(e) if e.code() == Some(GONE) => (None, None),
        Err(e) => {
            let err = DESCRIBE_USER_POOL.detail_failed(&id, &e);
            mark_unreadable(&mut p.unreadable, DETAIL_FIELDS, &err);
            (Some(p), Some(err))
        }
    }
}
