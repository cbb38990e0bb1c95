//! Route 53 (global): hosted zones, their record sets, and health checks.

use crate::registry::Kind;
use super::fail::Op;
use super::{drain, Collected, Scope};
use crate::snapshot::{AliasTarget, CollectError, HealthCheck, HostedZone, RecordSet, Route53};
use aws_sdk_route53::types::ResourceRecordSet;
use aws_sdk_route53::Client;
use futures::StreamExt;

const LIST_ZONES: Op = Op::new("ListHostedZones", "route53:ListHostedZones");
const LIST_RECORDS: Op = Op::new("ListResourceRecordSets", "route53:ListResourceRecordSets");
const LIST_HEALTH_CHECKS: Op = Op::new("ListHealthChecks", "route53:ListHealthChecks");

pub const ACTIONS: &[&str] = &[
    LIST_ZONES.action,
    LIST_RECORDS.action,
    LIST_HEALTH_CHECKS.action,
];

pub(super) async fn collect(scope: Scope) -> Collected<Route53> {
    let client: Client = super::sdk_client!(aws_sdk_route53, scope);
    let (zones, checks) = tokio::join!(
        hosted_zones(&client, &scope),
        health_checks(&client, &scope)
    );
    let mut errors: Vec<CollectError> = Vec::new();
    let mut r53 = Route53 {
        hosted_zones: super::keep(&mut errors, zones),
        health_checks: super::keep(&mut errors, checks),
        ..Default::default()
    };
    // Owned ids: a future borrowing from its argument is not `Send` across the stream.
    let ids: Vec<String> = r53.hosted_zones.iter().map(|z| z.id.clone()).collect();
    let (client, s) = (&client, &scope);
    let records = futures::stream::iter(
        ids.into_iter()
            .map(|id| async move { records(client, s, &id).await }),
    )
    .buffer_unordered(scope.concurrency)
    .collect::<Vec<_>>()
    .await;
    for (sets, err) in records {
        r53.record_sets.extend(sets);
        errors.extend(err);
    }
    (r53, errors)
}

/// `/hostedzone/Z123` -> `Z123` (the API returns the prefixed form).
fn zone_id(id: &str) -> String {
    id.trim_start_matches("/hostedzone/").to_string()
}

async fn hosted_zones(client: &Client, scope: &Scope) -> super::Listing<HostedZone> {
    let mut pages = client.list_hosted_zones().into_paginator().items().send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let zones = items
        .iter()
        .map(|z| HostedZone {
            id: zone_id(z.id()),
            name: z.name().to_string(),
            private_zone: z.config().is_some_and(|c| c.private_zone()),
            record_count: z.resource_record_set_count(),
            linked_service: z
                .linked_service()
                .and_then(|l| l.service_principal())
                .map(str::to_string),
        })
        .collect();
    let err = err.map(|e| LIST_ZONES.listing_failed(&[Kind::HostedZone], &e));
    (zones, err)
}

async fn health_checks(client: &Client, scope: &Scope) -> super::Listing<HealthCheck> {
    let mut pages = client.list_health_checks().into_paginator().items().send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let checks = items
        .iter()
        .map(|h| {
            let c = h.health_check_config();
            HealthCheck {
                id: h.id().to_string(),
                check_type: c
                    .map(|c| c.r#type().as_str())
                    .unwrap_or_default()
                    .to_string(),
                fqdn: c
                    .and_then(|c| c.fully_qualified_domain_name())
                    .map(str::to_string),
                ip_address: c.and_then(|c| c.ip_address()).map(str::to_string),
                port: c.and_then(|c| c.port()).map(i64::from),
                resource_path: c.and_then(|c| c.resource_path()).map(str::to_string),
                request_interval: c.and_then(|c| c.request_interval()).map(i64::from),
                failure_threshold: c.and_then(|c| c.failure_threshold()).map(i64::from),
                disabled: c.and_then(|c| c.disabled()).unwrap_or(false),
                inverted: c.and_then(|c| c.inverted()).unwrap_or(false),
                child_health_checks: c
                    .map(|c| c.child_health_checks().to_vec())
                    .unwrap_or_default(),
            }
        })
        .collect();
    let err = err.map(|e| LIST_HEALTH_CHECKS.listing_failed(&[Kind::HealthCheck], &e));
    (checks, err)
}

/// Every record set of one zone. The SDK has no paginator for this call (it continues on a
/// name/type/identifier triple), so pages are followed by hand.
async fn records(client: &Client, scope: &Scope, zone: &str) -> super::Listing<RecordSet> {
    let mut sets = Vec::new();
    let mut next: Option<(
        String,
        Option<aws_sdk_route53::types::RrType>,
        Option<String>,
    )> = None;
    loop {
        let mut req = client.list_resource_record_sets().hosted_zone_id(zone);
        if let Some((name, rtype, identifier)) = next.take() {
            req = req
                .start_record_name(name)
                .set_start_record_type(rtype)
                .set_start_record_identifier(identifier);
        }
        let out = match scope.call(req.send()).await {
            Ok(out) => out,
            Err(e) => {
                let err = LIST_RECORDS.detail_failed(zone, &e);
                let err = CollectError {
                    kinds: vec![Kind::Record.key().to_string()],
                    ..err
                };
                return (sets, Some(err));
            }
        };
        sets.extend(out.resource_record_sets().iter().map(|r| record(zone, r)));
        match (out.is_truncated(), out.next_record_name()) {
            (true, Some(name)) => {
                next = Some((
                    name.to_string(),
                    out.next_record_type().cloned(),
                    out.next_record_identifier().map(str::to_string),
                ));
            }
            _ => return (sets, None),
        }
    }
}

fn record(zone: &str, r: &ResourceRecordSet) -> RecordSet {
    RecordSet {
        hosted_zone_id: zone.to_string(),
        name: r.name().to_string(),
        record_type: r.r#type().as_str().to_string(),
        set_identifier: r.set_identifier().map(str::to_string),
        failover: r.failover().map(|f| f.as_str().to_string()),
        health_check_id: r.health_check_id().map(str::to_string),
        ttl: r.ttl(),
        alias_target: r.alias_target().map(|a| AliasTarget {
            dns_name: a.dns_name().to_string(),
            hosted_zone_id: a.hosted_zone_id().to_string(),
            evaluate_target_health: a.evaluate_target_health(),
        }),
        routing_region: r.region().map(|g| g.as_str().to_string()),
        weight: r.weight(),
        multi_value_answer: r.multi_value_answer(),
        geolocation: r.geo_location().map(|g| {
            let parts: Vec<String> = [
                ("continent", g.continent_code()),
                ("country", g.country_code()),
                ("subdivision", g.subdivision_code()),
            ]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}={v}")))
            .collect();
            if parts.is_empty() || g.country_code() == Some("*") {
                "*".to_string()
            } else {
                parts.join(" ")
            }
        }),
        geoproximity_region: r.geo_proximity_location().and_then(|g| {
            g.aws_region()
                .or(g.local_zone_group())
                .map(str::to_string)
                .or_else(|| {
                    g.coordinates()
                        .map(|c| format!("{},{}", c.latitude(), c.longitude()))
                })
        }),
        values: r
            .resource_records()
            .iter()
            .map(|v| v.value().to_string())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::zone_id;

    #[test]
    fn zone_ids_lose_their_prefix() {
        assert_eq!(zone_id("/hostedzone/Z1ABC"), "Z1ABC");
        assert_eq!(zone_id("Z1ABC"), "Z1ABC");
    }
}
