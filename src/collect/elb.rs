//! Classic Load Balancers: the listing (AZs, subnets, registered instances, health check,
//! listeners), then per load balancer its attributes (cross-zone load balancing, connection
//! draining) and the health of its instances, and the tags of 20 load balancers per call.
//! The listing is regional; the details run concurrently, within the scan's cap.

use super::fail::{mark_unreadable, Op};
use super::{drain, tags, Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{
    ClassicLoadBalancer, ClbHealthCheck, ClbInstanceState, ClbListener, CollectError, Elb,
};
use aws_sdk_elasticloadbalancing::config::http::HttpResponse;
use aws_sdk_elasticloadbalancing::error::SdkError;
use aws_sdk_elasticloadbalancing::operation::describe_tags::{
    DescribeTagsError, DescribeTagsOutput,
};
use aws_sdk_elasticloadbalancing::types::LoadBalancerDescription;
use aws_sdk_elasticloadbalancing::Client;
use futures::StreamExt;

const DESCRIBE_LBS: Op = Op::new(
    "DescribeLoadBalancers",
    "elasticloadbalancing:DescribeLoadBalancers",
);
const DESCRIBE_LB_ATTRIBUTES: Op = Op::new(
    "DescribeLoadBalancerAttributes",
    "elasticloadbalancing:DescribeLoadBalancerAttributes",
);
const DESCRIBE_INSTANCE_HEALTH: Op = Op::new(
    "DescribeInstanceHealth",
    "elasticloadbalancing:DescribeInstanceHealth",
);
const DESCRIBE_TAGS: Op = Op::new("DescribeTags", "elasticloadbalancing:DescribeTags");

pub const ACTIONS: &[&str] = &[
    DESCRIBE_LBS.action,
    DESCRIBE_LB_ATTRIBUTES.action,
    DESCRIBE_INSTANCE_HEALTH.action,
    DESCRIBE_TAGS.action,
];

/// DescribeTags takes at most 20 load balancer names per call.
const TAGS_BATCH: usize = 20;
/// Load balancers per listing page: the API's maximum.
const PAGE_SIZE: i32 = 400;
/// What DescribeLoadBalancerAttributes fills.
const ATTRIBUTE_FIELDS: &[&str] = &[
    "cross_zone",
    "connection_draining",
    "connection_draining_timeout",
];

pub(super) async fn collect(scope: Scope) -> Collected<Elb> {
    let client: Client = super::sdk_client!(aws_sdk_elasticloadbalancing, scope);
    let s = &scope;
    let mut pages = client
        .describe_load_balancers()
        .page_size(PAGE_SIZE)
        .into_paginator()
        .items()
        .send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let mut errors: Vec<CollectError> = err
        .map(|e| DESCRIBE_LBS.listing_failed(&[Kind::ClassicLoadBalancer], &e))
        .into_iter()
        .collect();
    let lbs: Vec<ClassicLoadBalancer> = items
        .iter()
        .map(|d| load_balancer(&scope.region, d))
        .collect();

    let names: Vec<String> = lbs.iter().map(|lb| lb.name.clone()).collect();
    let details = futures::stream::iter(lbs.into_iter().map(|lb| detail(&client, s, lb)))
        .buffer_unordered(scope.concurrency)
        .collect::<Vec<_>>();
    let (details, tags) = tokio::join!(details, lb_tags(&client, s, names));
    let mut elb = Elb::default();
    for (lb, errs) in details {
        elb.load_balancers.push(lb);
        errors.extend(errs);
    }
    errors.extend(apply_tags(&mut elb.load_balancers, tags));
    (elb, errors)
}

fn load_balancer(region: &str, d: &LoadBalancerDescription) -> ClassicLoadBalancer {
    ClassicLoadBalancer {
        region: region.to_string(),
        name: d.load_balancer_name().unwrap_or_default().to_string(),
        dns_name: d.dns_name().map(str::to_string),
        scheme: d.scheme().map(str::to_string),
        availability_zones: d.availability_zones().to_vec(),
        subnets: d.subnets().to_vec(),
        vpc_id: d.vpc_id().map(str::to_string),
        instances: d
            .instances()
            .iter()
            .filter_map(|i| i.instance_id().map(str::to_string))
            .collect(),
        health_check: d.health_check().map(|h| ClbHealthCheck {
            target: h.target().to_string(),
            interval: i64::from(h.interval()),
            timeout: i64::from(h.timeout()),
            unhealthy_threshold: i64::from(h.unhealthy_threshold()),
            healthy_threshold: i64::from(h.healthy_threshold()),
        }),
        listeners: d
            .listener_descriptions()
            .iter()
            .filter_map(|l| l.listener())
            .map(|l| ClbListener {
                protocol: l.protocol().to_string(),
                load_balancer_port: i64::from(l.load_balancer_port()),
                instance_protocol: l.instance_protocol().map(str::to_string),
                instance_port: i64::from(l.instance_port()),
            })
            .collect(),
        ..Default::default()
    }
}

/// Attributes and instance health of one load balancer.
async fn detail(
    client: &Client,
    scope: &Scope,
    mut lb: ClassicLoadBalancer,
) -> (ClassicLoadBalancer, Vec<CollectError>) {
    let attributes = scope.call(
        client
            .describe_load_balancer_attributes()
            .load_balancer_name(&lb.name)
            .send(),
    );
    // Not paginated by the API: without instance ids it answers for every registered one.
    let health = scope.call(
        client
            .describe_instance_health()
            .load_balancer_name(&lb.name)
            .send(),
    );
    let (attributes, health) = tokio::join!(attributes, health);

    let mut errors = Vec::new();
    match attributes {
        Ok(out) => {
            let attrs = out.load_balancer_attributes();
            match attrs.and_then(|a| a.cross_zone_load_balancing()) {
                Some(c) => lb.cross_zone = Some(c.enabled()),
                None => missing(&mut lb, "cross_zone", "CrossZoneLoadBalancing"),
            }
            match attrs.and_then(|a| a.connection_draining()) {
                Some(c) => {
                    lb.connection_draining = Some(c.enabled());
                    lb.connection_draining_timeout = c.timeout().map(i64::from);
                }
                None => {
                    for field in ["connection_draining", "connection_draining_timeout"] {
                        missing(&mut lb, field, "ConnectionDraining");
                    }
                }
            }
        }
        Err(e) => {
            let err = DESCRIBE_LB_ATTRIBUTES.detail_failed(&lb.name, &e);
            mark_unreadable(&mut lb.unreadable, ATTRIBUTE_FIELDS, &err);
            errors.push(err);
        }
    }
    match health {
        Ok(out) => {
            lb.instance_states = out
                .instance_states()
                .iter()
                .filter_map(|s| {
                    Some(ClbInstanceState {
                        instance_id: s.instance_id()?.to_string(),
                        state: s.state().unwrap_or_default().to_string(),
                        reason_code: s.reason_code().map(str::to_string),
                        description: s.description().map(str::to_string),
                    })
                })
                .collect();
        }
        Err(e) => {
            let err = DESCRIBE_INSTANCE_HEALTH.detail_failed(&lb.name, &e);
            mark_unreadable(&mut lb.unreadable, &["instance_states"], &err);
            errors.push(err);
        }
    }
    (lb, errors)
}

/// An attribute AWS always returns was left out of the answer: its value is unknown, not off.
fn missing(lb: &mut ClassicLoadBalancer, field: &str, attribute: &str) {
    lb.unreadable.insert(
        field.to_string(),
        format!("DescribeLoadBalancerAttributes did not return {attribute}"),
    );
}

/// What one DescribeTags call answered, for the names it asked about.
type TagsAnswer = (
    Vec<String>,
    Result<DescribeTagsOutput, SdkError<DescribeTagsError, HttpResponse>>,
);

/// Tags of every load balancer, 20 per call.
async fn lb_tags(client: &Client, scope: &Scope, names: Vec<String>) -> Vec<TagsAnswer> {
    super::in_batches(scope, &names, TAGS_BATCH, |chunk| async move {
        let out = scope
            .call(
                client
                    .describe_tags()
                    .set_load_balancer_names(Some(chunk.clone()))
                    .send(),
            )
            .await;
        (chunk, out)
    })
    .await
}

/// Puts the tags on their load balancers; a failed call marks the tags of each load balancer
/// it asked about unreadable.
fn apply_tags(lbs: &mut [ClassicLoadBalancer], answers: Vec<TagsAnswer>) -> Vec<CollectError> {
    let mut errors = Vec::new();
    for (chunk, out) in answers {
        match out {
            Ok(out) => {
                for d in out.tag_descriptions() {
                    let name = d.load_balancer_name().unwrap_or_default();
                    if let Some(lb) = lbs.iter_mut().find(|lb| lb.name == name) {
                        lb.tags = tags(d.tags().iter().map(|t| (Some(t.key()), t.value())));
                    }
                }
            }
            Err(e) => {
                // One error per load balancer, so each names the resource it leaves unread.
                for name in &chunk {
                    let err = DESCRIBE_TAGS.detail_failed(name, &e);
                    if let Some(lb) = lbs.iter_mut().find(|lb| &lb.name == name) {
                        mark_unreadable(&mut lb.unreadable, &["tags"], &err);
                    }
                    errors.push(err);
                }
            }
        }
    }
    errors
}
