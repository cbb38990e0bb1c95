//! Route 53 Resolver: inbound and outbound endpoints, with the subnets of their IP addresses.
//!
//! Per region: ListResolverEndpoints (paginated), then ListResolverEndpointIpAddresses
//! (paginated) per endpoint, concurrently within the scan's cap.

use super::fail::{mark_unreadable, Op};
use super::{drain, Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{CollectError, ResolverEndpoint, ResolverIpAddress, Route53Resolver};
use aws_sdk_route53resolver::Client;
use futures::StreamExt;

const LIST_ENDPOINTS: Op = Op::new(
    "ListResolverEndpoints",
    "route53resolver:ListResolverEndpoints",
);
const LIST_IP_ADDRESSES: Op = Op::new(
    "ListResolverEndpointIpAddresses",
    "route53resolver:ListResolverEndpointIpAddresses",
);

pub const ACTIONS: &[&str] = &[LIST_ENDPOINTS.action, LIST_IP_ADDRESSES.action];

pub(super) async fn collect(scope: Scope) -> Collected<Route53Resolver> {
    let client: Client = super::sdk_client!(aws_sdk_route53resolver, scope);
    let mut errors = Vec::new();
    let mut pages = client
        .list_resolver_endpoints()
        .into_paginator()
        .items()
        .send();
    let (listed, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    errors.extend(err.map(|e| LIST_ENDPOINTS.listing_failed(&[Kind::ResolverEndpoint], &e)));
    let endpoints: Vec<ResolverEndpoint> = listed
        .iter()
        .map(|e| ResolverEndpoint {
            region: scope.region.clone(),
            id: e.id().unwrap_or_default().to_string(),
            arn: e.arn().unwrap_or_default().to_string(),
            name: e.name().map(str::to_string).filter(|n| !n.is_empty()),
            direction: e.direction().map(|d| d.as_str().to_string()),
            status: e.status().map(|s| s.as_str().to_string()),
            status_message: e.status_message().map(str::to_string),
            host_vpc_id: e.host_vpc_id().map(str::to_string),
            ip_address_count: e.ip_address_count().map(i64::from),
            ..Default::default()
        })
        .collect();
    let (c, s) = (&client, &scope);
    let read = futures::stream::iter(endpoints.into_iter().map(|e| ip_addresses(c, s, e)))
        .buffer_unordered(scope.concurrency)
        .collect::<Vec<_>>()
        .await;
    let mut out = Route53Resolver::default();
    for (e, err) in read {
        out.endpoints.push(e);
        errors.extend(err);
    }
    (out, errors)
}

async fn ip_addresses(
    client: &Client,
    scope: &Scope,
    mut e: ResolverEndpoint,
) -> (ResolverEndpoint, Option<CollectError>) {
    let mut pages = client
        .list_resolver_endpoint_ip_addresses()
        .resolver_endpoint_id(&e.id)
        .into_paginator()
        .items()
        .send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    e.ip_addresses = items
        .iter()
        .map(|ip| ResolverIpAddress {
            ip_id: ip.ip_id().map(str::to_string),
            subnet_id: ip.subnet_id().unwrap_or_default().to_string(),
            ip: ip.ip().map(str::to_string),
            status: ip.status().map(|s| s.as_str().to_string()),
        })
        .collect();
    let err = err.map(|err| {
        let err = LIST_IP_ADDRESSES.detail_failed(&e.id, &err);
        mark_unreadable(&mut e.unreadable, &["ip_addresses"], &err);
        err
    });
    (e, err)
}
