//! AWS Global Accelerator (global, read once per account): every accelerator
//! (ListAccelerators), its listeners (ListListeners) and each listener's endpoint groups
//! (ListEndpointGroups), all paginated; the listeners and endpoint groups concurrently, within
//! the scan's cap. The API is served from us-west-2 only, whatever the partition's global
//! region.

use super::fail::Op;
use super::{drain, Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{
    Accelerator, CollectError, GaEndpoint, GaEndpointGroup, GaListener, GlobalAccelerator,
};
use aws_sdk_globalaccelerator::error::ProvideErrorMetadata;
use aws_sdk_globalaccelerator::Client;
use futures::StreamExt;

const LIST_ACCELERATORS: Op = Op::new("ListAccelerators", "globalaccelerator:ListAccelerators");
const LIST_LISTENERS: Op = Op::new("ListListeners", "globalaccelerator:ListListeners");
const LIST_ENDPOINT_GROUPS: Op =
    Op::new("ListEndpointGroups", "globalaccelerator:ListEndpointGroups");

pub const ACTIONS: &[&str] = &[
    LIST_ACCELERATORS.action,
    LIST_LISTENERS.action,
    LIST_ENDPOINT_GROUPS.action,
];

/// The one region whose endpoint serves the Global Accelerator API.
const API_REGION: &str = "us-west-2";

/// Codes of an accelerator or a listener deleted since it was listed: gone, not unread.
const ACCELERATOR_GONE: &str = "AcceleratorNotFoundException";
const LISTENER_GONE: &str = "ListenerNotFoundException";

/// The fields the listeners' listing fills in.
const LISTENER_FIELDS: &[&str] = &["listeners"];

pub(super) async fn collect(scope: Scope) -> Collected<GlobalAccelerator> {
    // Other partitions have no Global Accelerator endpoint: their global region is called, and
    // its failure is the coverage entry.
    let scope = if scope.partition == "aws" {
        scope.calling(API_REGION)
    } else {
        scope
    };
    let client: Client = super::sdk_client!(aws_sdk_globalaccelerator, scope);
    let mut errors = Vec::new();
    let mut pages = client.list_accelerators().into_paginator().items().send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    errors.extend(err.map(|e| LIST_ACCELERATORS.listing_failed(&[Kind::Accelerator], &e)));
    let accelerators: Vec<Accelerator> = items
        .iter()
        .map(|a| {
            let arn = a.accelerator_arn().unwrap_or_default().to_string();
            Accelerator {
                id: last_part(&arn).to_string(),
                arn,
                name: a.name().unwrap_or_default().to_string(),
                enabled: a.enabled(),
                status: a.status().map(|s| s.as_str().to_string()),
                dns_name: a.dns_name().map(str::to_string),
                ..Default::default()
            }
        })
        .collect();
    let (c, s) = (&client, &scope);
    let read = futures::stream::iter(accelerators.into_iter().map(|a| listeners(c, s, a)))
        .buffer_unordered(scope.concurrency)
        .collect::<Vec<_>>()
        .await;
    let mut ga = GlobalAccelerator::default();
    for (a, errs) in read {
        ga.accelerators.extend(a);
        errors.extend(errs);
    }
    (ga, errors)
}

/// `arn:aws:globalaccelerator::111122223333:accelerator/<id>[/listener/<id>]` -> the last id.
fn last_part(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// An accelerator's listeners and their endpoint groups; `None` when it was deleted since
/// it was listed.
async fn listeners(
    client: &Client,
    scope: &Scope,
    mut a: Accelerator,
) -> (Option<Accelerator>, Vec<CollectError>) {
    let mut pages = client
        .list_listeners()
        .accelerator_arn(&a.arn)
        .into_paginator()
        .items()
        .send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    if let Some(e) = err {
        if e.code() == Some(ACCELERATOR_GONE) {
            return (None, Vec::new());
        }
        // A partial list of listeners would be judged as the whole: none is kept.
        let err = LIST_LISTENERS.detail_failed(&a.id, &e);
        super::fail::mark_unreadable(&mut a.unreadable, LISTENER_FIELDS, &err);
        return (Some(a), vec![err]);
    }
    let found: Vec<GaListener> = items
        .iter()
        .map(|l| {
            let arn = l.listener_arn().unwrap_or_default().to_string();
            GaListener {
                id: last_part(&arn).to_string(),
                arn,
                protocol: l.protocol().map(|p| p.as_str().to_string()),
                port_ranges: l
                    .port_ranges()
                    .iter()
                    .map(|r| {
                        format!(
                            "{}-{}",
                            r.from_port().unwrap_or_default(),
                            r.to_port().unwrap_or_default()
                        )
                    })
                    .collect(),
                ..Default::default()
            }
        })
        .collect();
    let read = futures::stream::iter(found.into_iter().map(|l| endpoint_groups(client, scope, l)))
        .buffer_unordered(scope.concurrency)
        .collect::<Vec<_>>()
        .await;
    let mut errors = Vec::new();
    for (l, err) in read {
        a.listeners.extend(l);
        errors.extend(err);
    }
    (Some(a), errors)
}

/// A listener's endpoint groups; `None` when it was deleted since it was listed.
async fn endpoint_groups(
    client: &Client,
    scope: &Scope,
    mut l: GaListener,
) -> (Option<GaListener>, Option<CollectError>) {
    let mut pages = client
        .list_endpoint_groups()
        .listener_arn(&l.arn)
        .into_paginator()
        .items()
        .send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    if let Some(e) = err {
        if e.code() == Some(LISTENER_GONE) {
            return (None, None);
        }
        let err = LIST_ENDPOINT_GROUPS.detail_failed(&l.arn, &e);
        l.endpoint_groups_unreadable = Some(err.reason());
        return (Some(l), Some(err));
    }
    l.endpoint_groups = items
        .iter()
        .map(|g| GaEndpointGroup {
            arn: g.endpoint_group_arn().unwrap_or_default().to_string(),
            region: g.endpoint_group_region().unwrap_or_default().to_string(),
            traffic_dial_percentage: g.traffic_dial_percentage().map(f64::from),
            health_check_protocol: g.health_check_protocol().map(|p| p.as_str().to_string()),
            health_check_interval_seconds: g.health_check_interval_seconds().map(i64::from),
            threshold_count: g.threshold_count().map(i64::from),
            endpoints: g
                .endpoint_descriptions()
                .iter()
                .map(|e| GaEndpoint {
                    endpoint_id: e.endpoint_id().unwrap_or_default().to_string(),
                    weight: e.weight().map(i64::from),
                    health_state: e.health_state().map(|h| h.as_str().to_string()),
                })
                .collect(),
        })
        .collect();
    (Some(l), None)
}
