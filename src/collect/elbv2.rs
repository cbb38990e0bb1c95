//! ELBv2: load balancers (attributes, listener count, tags) and target groups (attributes,
//! target health). The listings are regional; the details are one call per resource, run
//! concurrently.

use crate::registry::Kind;
use super::fail::{mark_unreadable, Op};
use super::{drain, keep, tags, Collected, Listing, Scope};
use crate::snapshot::{CollectError, Elbv2, LbZone, LoadBalancer, Target, TargetGroup};
use aws_sdk_elasticloadbalancingv2::config::http::HttpResponse;
use aws_sdk_elasticloadbalancingv2::error::SdkError;
use aws_sdk_elasticloadbalancingv2::operation::describe_tags::{
    DescribeTagsError, DescribeTagsOutput,
};
use aws_sdk_elasticloadbalancingv2::Client;
use futures::StreamExt;
use std::collections::BTreeMap;

const DESCRIBE_LBS: Op = Op::new(
    "DescribeLoadBalancers",
    "elasticloadbalancing:DescribeLoadBalancers",
);
const DESCRIBE_LB_ATTRIBUTES: Op = Op::new(
    "DescribeLoadBalancerAttributes",
    "elasticloadbalancing:DescribeLoadBalancerAttributes",
);
const DESCRIBE_LISTENERS: Op = Op::new(
    "DescribeListeners",
    "elasticloadbalancing:DescribeListeners",
);
const DESCRIBE_TAGS: Op = Op::new("DescribeTags", "elasticloadbalancing:DescribeTags");
const DESCRIBE_TGS: Op = Op::new(
    "DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetGroups",
);
const DESCRIBE_TG_ATTRIBUTES: Op = Op::new(
    "DescribeTargetGroupAttributes",
    "elasticloadbalancing:DescribeTargetGroupAttributes",
);
const DESCRIBE_TARGET_HEALTH: Op = Op::new(
    "DescribeTargetHealth",
    "elasticloadbalancing:DescribeTargetHealth",
);

pub const ACTIONS: &[&str] = &[
    DESCRIBE_LBS.action,
    DESCRIBE_LB_ATTRIBUTES.action,
    DESCRIBE_LISTENERS.action,
    DESCRIBE_TAGS.action,
    DESCRIBE_TGS.action,
    DESCRIBE_TG_ATTRIBUTES.action,
    DESCRIBE_TARGET_HEALTH.action,
];

/// DescribeTags takes at most 20 resource ARNs per call.
const TAGS_BATCH: usize = 20;
/// Load balancers or target groups per listing page: the API's maximum.
const PAGE_SIZE: i32 = 400;

pub(super) async fn collect(scope: Scope) -> Collected<Elbv2> {
    let client: Client = super::sdk_client!(aws_sdk_elasticloadbalancingv2, scope);
    let s = &scope;
    let (lbs, tgs) = tokio::join!(load_balancers(&client, s), target_groups(&client, s));
    let mut errors = Vec::new();
    let lbs = keep(&mut errors, lbs);
    let tgs = keep(&mut errors, tgs);

    // Load balancer details, target group details and tags are independent: all three run
    // together, within the scan's cap on calls in flight.
    let n = scope.concurrency;
    let arns: Vec<String> = lbs.iter().map(|lb| lb.arn.clone()).collect();
    let lb_details = futures::stream::iter(lbs.into_iter().map(|lb| lb_detail(&client, s, lb)))
        .buffer_unordered(n)
        .collect::<Vec<_>>();
    let tg_details = futures::stream::iter(tgs.into_iter().map(|tg| tg_detail(&client, s, tg)))
        .buffer_unordered(n)
        .collect::<Vec<_>>();
    let (lb_details, tg_details, tags) =
        tokio::join!(lb_details, tg_details, lb_tags(&client, s, arns));

    let mut elbv2 = Elbv2::default();
    for (lb, errs) in lb_details {
        elbv2.load_balancers.push(lb);
        errors.extend(errs);
    }
    for (tg, errs) in tg_details {
        elbv2.target_groups.push(tg);
        errors.extend(errs);
    }
    errors.extend(apply_tags(&mut elbv2.load_balancers, tags));
    (elbv2, errors)
}

fn attribute_map<'a>(
    pairs: impl Iterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> BTreeMap<String, String> {
    pairs
        .filter_map(|(k, v)| Some((k?.to_string(), v.unwrap_or_default().to_string())))
        .collect()
}

async fn load_balancers(client: &Client, scope: &Scope) -> Listing<LoadBalancer> {
    let mut pages = client
        .describe_load_balancers()
        .page_size(PAGE_SIZE)
        .into_paginator()
        .items()
        .send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let lbs = items
        .iter()
        .map(|lb| LoadBalancer {
            region: scope.region.clone(),
            arn: lb.load_balancer_arn().unwrap_or_default().to_string(),
            name: lb.load_balancer_name().unwrap_or_default().to_string(),
            lb_type: lb
                .r#type()
                .map(|t| t.as_str())
                .unwrap_or_default()
                .to_string(),
            scheme: lb.scheme().map(|s| s.as_str().to_string()),
            state: lb
                .state()
                .and_then(|s| s.code())
                .map(|c| c.as_str().to_string()),
            vpc_id: lb.vpc_id().map(str::to_string),
            dns_name: lb.dns_name().map(str::to_string),
            availability_zones: lb
                .availability_zones()
                .iter()
                .map(|z| LbZone {
                    zone_name: z.zone_name().unwrap_or_default().to_string(),
                    subnet_id: z.subnet_id().map(str::to_string),
                })
                .collect(),
            ..Default::default()
        })
        .collect();
    let err = err.map(|e| DESCRIBE_LBS.listing_failed(&[Kind::LoadBalancer], &e));
    (lbs, err)
}

async fn target_groups(client: &Client, scope: &Scope) -> Listing<TargetGroup> {
    let mut pages = client
        .describe_target_groups()
        .page_size(PAGE_SIZE)
        .into_paginator()
        .items()
        .send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let tgs = items
        .iter()
        .map(|tg| TargetGroup {
            region: scope.region.clone(),
            arn: tg.target_group_arn().unwrap_or_default().to_string(),
            name: tg.target_group_name().unwrap_or_default().to_string(),
            target_type: tg.target_type().map(|t| t.as_str().to_string()),
            protocol: tg.protocol().map(|p| p.as_str().to_string()),
            port: tg.port().map(i64::from),
            vpc_id: tg.vpc_id().map(str::to_string),
            load_balancer_arns: tg.load_balancer_arns().to_vec(),
            health_check_enabled: tg.health_check_enabled(),
            health_check_interval_seconds: tg.health_check_interval_seconds().map(i64::from),
            unhealthy_threshold_count: tg.unhealthy_threshold_count().map(i64::from),
            ..Default::default()
        })
        .collect();
    let err = err.map(|e| DESCRIBE_TGS.listing_failed(&[Kind::TargetGroup], &e));
    (tgs, err)
}

/// Attributes and listener count of one load balancer.
async fn lb_detail(
    client: &Client,
    scope: &Scope,
    mut lb: LoadBalancer,
) -> (LoadBalancer, Vec<CollectError>) {
    let attributes = scope.call(
        client
            .describe_load_balancer_attributes()
            .load_balancer_arn(&lb.arn)
            .send(),
    );
    let mut pages = client
        .describe_listeners()
        .load_balancer_arn(&lb.arn)
        .into_paginator()
        .items()
        .send();
    let listeners = scope.call(drain(|cx| pages.poll_next(cx)));
    let (attributes, (listeners, listeners_err)) = tokio::join!(attributes, listeners);

    let mut errors = Vec::new();
    match attributes {
        Ok(out) => {
            lb.attributes = attribute_map(out.attributes().iter().map(|a| (a.key(), a.value())));
        }
        Err(e) => {
            let err = DESCRIBE_LB_ATTRIBUTES.detail_failed(&lb.arn, &e);
            mark_unreadable(&mut lb.unreadable, &["attributes"], &err);
            errors.push(err);
        }
    }
    match listeners_err {
        None => lb.listener_count = Some(listeners.len() as i64),
        Some(e) => {
            let err = DESCRIBE_LISTENERS.detail_failed(&lb.arn, &e);
            mark_unreadable(&mut lb.unreadable, &["listener_count"], &err);
            errors.push(err);
        }
    }
    (lb, errors)
}

/// Attributes and registered targets (with health) of one target group.
async fn tg_detail(
    client: &Client,
    scope: &Scope,
    mut tg: TargetGroup,
) -> (TargetGroup, Vec<CollectError>) {
    let attributes = scope.call(
        client
            .describe_target_group_attributes()
            .target_group_arn(&tg.arn)
            .send(),
    );
    // Not paginated by the API.
    let health = scope.call(
        client
            .describe_target_health()
            .target_group_arn(&tg.arn)
            .send(),
    );
    let (attributes, health) = tokio::join!(attributes, health);

    let mut errors = Vec::new();
    match attributes {
        Ok(out) => {
            tg.attributes = attribute_map(out.attributes().iter().map(|a| (a.key(), a.value())));
        }
        Err(e) => {
            let err = DESCRIBE_TG_ATTRIBUTES.detail_failed(&tg.arn, &e);
            mark_unreadable(&mut tg.unreadable, &["attributes"], &err);
            errors.push(err);
        }
    }
    match health {
        Ok(out) => {
            tg.targets = out
                .target_health_descriptions()
                .iter()
                .filter_map(|d| {
                    let target = d.target()?;
                    let health = d.target_health();
                    Some(Target {
                        id: target.id().unwrap_or_default().to_string(),
                        port: target.port().map(i64::from),
                        // Only what the API says; instance targets get their AZ from the
                        // instance's placement in the model.
                        availability_zone: target.availability_zone().map(str::to_string),
                        state: health
                            .and_then(|h| h.state())
                            .map(|s| s.as_str())
                            .unwrap_or_default()
                            .to_string(),
                        reason: health
                            .and_then(|h| h.reason())
                            .map(|r| r.as_str().to_string()),
                    })
                })
                .collect();
        }
        Err(e) => {
            let err = DESCRIBE_TARGET_HEALTH.detail_failed(&tg.arn, &e);
            mark_unreadable(&mut tg.unreadable, &["targets"], &err);
            errors.push(err);
        }
    }
    (tg, errors)
}

/// What one DescribeTags call answered, for the ARNs it asked about.
type TagsAnswer = (
    Vec<String>,
    Result<DescribeTagsOutput, SdkError<DescribeTagsError, HttpResponse>>,
);

/// Tags of every load balancer, 20 per call.
async fn lb_tags(client: &Client, scope: &Scope, arns: Vec<String>) -> Vec<TagsAnswer> {
    super::in_batches(scope, &arns, TAGS_BATCH, |chunk| async move {
        let out = scope
            .call(
                client
                    .describe_tags()
                    .set_resource_arns(Some(chunk.clone()))
                    .send(),
            )
            .await;
        (chunk, out)
    })
    .await
}

/// Puts the tags on their load balancers; a failed call marks the tags of each load balancer
/// it asked about unreadable.
fn apply_tags(lbs: &mut [LoadBalancer], answers: Vec<TagsAnswer>) -> Vec<CollectError> {
    let mut errors = Vec::new();
    for (chunk, out) in answers {
        match out {
            Ok(out) => {
                for d in out.tag_descriptions() {
                    let arn = d.resource_arn().unwrap_or_default();
                    if let Some(lb) = lbs.iter_mut().find(|lb| lb.arn == arn) {
                        lb.tags = tags(d.tags().iter().map(|t| (t.key(), t.value())));
                    }
                }
            }
            Err(e) => {
                // One error per load balancer, so each names the resource it leaves unread.
                for arn in &chunk {
                    let err = DESCRIBE_TAGS.detail_failed(arn, &e);
                    if let Some(lb) = lbs.iter_mut().find(|lb| &lb.arn == arn) {
                        mark_unreadable(&mut lb.unreadable, &["tags"], &err);
                    }
                    errors.push(err);
                }
            }
        }
    }
    errors
}
