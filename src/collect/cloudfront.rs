//! CloudFront: every distribution of the account (CloudFront is global), with its origins,
//! origin groups and the origin each cache behaviour sends requests to. ListDistributions
//! carries all of it; no per-distribution call is needed.

use crate::registry::Kind;
use super::fail::Op;
use super::{drain, Collected, Scope};
use crate::snapshot::{CacheBehavior, CloudFront, Distribution, Origin, OriginGroup};
use aws_sdk_cloudfront::types::{DistributionSummary, Origin as SdkOrigin};
use aws_sdk_cloudfront::Client;

const LIST_DISTRIBUTIONS: Op = Op::new("ListDistributions", "cloudfront:ListDistributions");

pub const ACTIONS: &[&str] = &[LIST_DISTRIBUTIONS.action];

pub(super) async fn collect(scope: Scope) -> Collected<CloudFront> {
    let client: Client = super::sdk_client!(aws_sdk_cloudfront, scope);
    let mut pages = client.list_distributions().into_paginator().items().send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let distributions = items.iter().map(distribution).collect();
    let errors = err
        .map(|e| LIST_DISTRIBUTIONS.listing_failed(&[Kind::Distribution], &e))
        .into_iter()
        .collect();
    (CloudFront { distributions }, errors)
}

fn origin_type(o: &SdkOrigin) -> &'static str {
    if o.s3_origin_config().is_some() {
        "s3"
    } else if o.vpc_origin_config().is_some() {
        "vpc"
    } else {
        "custom"
    }
}

fn distribution(d: &DistributionSummary) -> Distribution {
    Distribution {
        id: d.id().to_string(),
        arn: d.arn().to_string(),
        domain_name: d.domain_name().to_string(),
        status: Some(d.status().to_string()).filter(|s| !s.is_empty()),
        enabled: d.enabled(),
        aliases: d.aliases().map(|a| a.items().to_vec()).unwrap_or_default(),
        comment: Some(d.comment().to_string()).filter(|c| !c.is_empty()),
        origins: d
            .origins()
            .map(|o| o.items())
            .unwrap_or_default()
            .iter()
            .map(|o| Origin {
                id: o.id().to_string(),
                domain_name: o.domain_name().to_string(),
                origin_type: origin_type(o).to_string(),
            })
            .collect(),
        origin_groups: d
            .origin_groups()
            .map(|g| g.items())
            .unwrap_or_default()
            .iter()
            .map(|g| OriginGroup {
                id: g.id().to_string(),
                members: g
                    .members()
                    .map(|m| m.items())
                    .unwrap_or_default()
                    .iter()
                    .map(|m| m.origin_id().to_string())
                    .collect(),
                failover_status_codes: g
                    .failover_criteria()
                    .and_then(|c| c.status_codes())
                    .map(|s| s.items())
                    .unwrap_or_default()
                    .iter()
                    .map(|c| i64::from(*c))
                    .collect(),
            })
            .collect(),
        default_target_origin_id: d
            .default_cache_behavior()
            .map(|b| b.target_origin_id().to_string())
            .unwrap_or_default(),
        cache_behaviors: d
            .cache_behaviors()
            .map(|c| c.items())
            .unwrap_or_default()
            .iter()
            .map(|b| CacheBehavior {
                path_pattern: b.path_pattern().to_string(),
                target_origin_id: b.target_origin_id().to_string(),
            })
            .collect(),
        // An empty string when no web ACL is associated.
        web_acl_id: Some(d.web_acl_id().to_string()).filter(|id| !id.is_empty()),
    }
}
