//! AWS Network Firewall: firewalls with their subnets, deletion protection and the endpoint
//! each has in its AZs.
//!
//! Per region: ListFirewalls (paginated), then DescribeFirewall per firewall (concurrently,
//! within the scan's cap).

use super::fail::{mark_unreadable, Op};
use super::{drain, tags, Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{CollectError, Firewall, FirewallEndpoint, NetworkFirewall};
use aws_sdk_networkfirewall::operation::describe_firewall::DescribeFirewallOutput;
use aws_sdk_networkfirewall::Client;
use futures::StreamExt;

const LIST_FIREWALLS: Op = Op::new("ListFirewalls", "network-firewall:ListFirewalls");
const DESCRIBE_FIREWALL: Op = Op::new("DescribeFirewall", "network-firewall:DescribeFirewall");

pub const ACTIONS: &[&str] = &[LIST_FIREWALLS.action, DESCRIBE_FIREWALL.action];

/// What DescribeFirewall fills in.
const DETAIL_FIELDS: &[&str] = &[
    "vpc_id",
    "subnet_ids",
    "availability_zones",
    "transit_gateway_id",
    "delete_protection",
    "status",
    "endpoints",
    "tags",
];

pub(super) async fn collect(scope: Scope) -> Collected<NetworkFirewall> {
    let client: Client = super::sdk_client!(aws_sdk_networkfirewall, scope);
    let mut errors = Vec::new();
    let mut pages = client.list_firewalls().into_paginator().items().send();
    let (listed, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    errors.extend(err.map(|e| LIST_FIREWALLS.listing_failed(&[Kind::Firewall], &e)));
    let firewalls: Vec<Firewall> = listed
        .iter()
        .map(|f| Firewall {
            region: scope.region.clone(),
            firewall_name: f.firewall_name().unwrap_or_default().to_string(),
            firewall_arn: f.firewall_arn().unwrap_or_default().to_string(),
            ..Default::default()
        })
        .collect();
    let (c, s) = (&client, &scope);
    let described = futures::stream::iter(firewalls.into_iter().map(|f| describe(c, s, f)))
        .buffer_unordered(scope.concurrency)
        .collect::<Vec<_>>()
        .await;
    let mut out = NetworkFirewall::default();
    for (f, err) in described {
        out.firewalls.push(f);
        errors.extend(err);
    }
    (out, errors)
}

async fn describe(
    client: &Client,
    scope: &Scope,
    mut f: Firewall,
) -> (Firewall, Option<CollectError>) {
    let mut req = client.describe_firewall();
    // The ARN names the firewall unambiguously; the name is the fallback of an odd listing.
    req = if f.firewall_arn.is_empty() {
        req.firewall_name(&f.firewall_name)
    } else {
        req.firewall_arn(&f.firewall_arn)
    };
    match scope.call(req.send()).await {
        Ok(out) => {
            fill(&mut f, &out);
            (f, None)
        }
        Err(e) => {
            let err = DESCRIBE_FIREWALL.detail_failed(&f.firewall_name, &e);
            mark_unreadable(&mut f.unreadable, DETAIL_FIELDS, &err);
            (f, Some(err))
        }
    }
}

fn fill(f: &mut Firewall, out: &DescribeFirewallOutput) {
    if let Some(fw) = out.firewall() {
        f.vpc_id = Some(fw.vpc_id().to_string()).filter(|v| !v.is_empty());
        f.subnet_ids = fw
            .subnet_mappings()
            .iter()
            .map(|m| m.subnet_id().to_string())
            .collect();
        f.availability_zones = fw
            .availability_zone_mappings()
            .iter()
            .map(|m| m.availability_zone().to_string())
            .collect();
        f.transit_gateway_id = fw.transit_gateway_id().map(str::to_string);
        f.delete_protection = Some(fw.delete_protection());
        f.tags = tags(fw.tags().iter().map(|t| (Some(t.key()), Some(t.value()))));
    }
    if let Some(st) = out.firewall_status() {
        f.status = Some(st.status().as_str().to_string());
        f.endpoints = st.sync_states().map(|states| {
            states
                .iter()
                .map(|(az, state)| {
                    let a = state.attachment();
                    FirewallEndpoint {
                        availability_zone: az.clone(),
                        subnet_id: a.and_then(|a| a.subnet_id()).map(str::to_string),
                        endpoint_id: a.and_then(|a| a.endpoint_id()).map(str::to_string),
                        status: a.and_then(|a| a.status()).map(|s| s.as_str().to_string()),
                    }
                })
                .collect()
        });
    }
}
