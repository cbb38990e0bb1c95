//! AWS Outposts: the Outposts homed in each region and, for rack Outposts, the rack of each
//! of their assets.
//!
//! Per region: ListOutposts (paginated), then ListAssets (paginated) per Outpost that is not
//! a server, concurrently within the scan's cap.

use super::fail::{mark_unreadable, Op};
use super::{drain, Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{CollectError, Outpost, OutpostAsset, Outposts};
use aws_sdk_outposts::error::ProvideErrorMetadata;
use aws_sdk_outposts::Client;
use futures::StreamExt;

const LIST_OUTPOSTS: Op = Op::new("ListOutposts", "outposts:ListOutposts");
const LIST_ASSETS: Op = Op::new("ListAssets", "outposts:ListAssets");

pub const ACTIONS: &[&str] = &[LIST_OUTPOSTS.action, LIST_ASSETS.action];

/// The hardware type whose assets are not read: a server is not installed in a rack.
pub(crate) const SERVER: &str = "SERVER";

/// ListAssets's code for an Outpost it does not know: one of the account's deleted since the
/// listing is gone; for one shared by another account it is an unread answer.
const NOT_FOUND: &str = "NotFoundException";

pub(super) async fn collect(scope: Scope) -> Collected<Outposts> {
    let client: Client = super::sdk_client!(aws_sdk_outposts, scope);
    let mut errors = Vec::new();
    let mut pages = client.list_outposts().into_paginator().items().send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    errors.extend(err.map(|e| LIST_OUTPOSTS.listing_failed(&[Kind::Outpost], &e)));
    let listed: Vec<Outpost> = items
        .iter()
        .map(|o| Outpost {
            region: scope.region.clone(),
            outpost_id: o.outpost_id().unwrap_or_default().to_string(),
            outpost_arn: o.outpost_arn().unwrap_or_default().to_string(),
            name: o.name().map(str::to_string),
            owner_id: o.owner_id().map(str::to_string),
            site_id: o.site_id().map(str::to_string),
            life_cycle_status: o.life_cycle_status().map(str::to_string),
            availability_zone: o.availability_zone().map(str::to_string),
            supported_hardware_type: o.supported_hardware_type().map(|t| t.as_str().to_string()),
            ..Default::default()
        })
        .collect();
    let (c, s) = (&client, &scope);
    let read = futures::stream::iter(listed.into_iter().map(|o| assets(c, s, o)))
        .buffer_unordered(scope.concurrency)
        .collect::<Vec<_>>()
        .await;
    let mut outposts = Outposts::default();
    for (o, err) in read {
        outposts.outposts.extend(o);
        errors.extend(err);
    }
    (outposts, errors)
}

/// The assets of a rack Outpost; `None` when it was deleted since it was listed.
async fn assets(
    client: &Client,
    scope: &Scope,
    mut o: Outpost,
) -> (Option<Outpost>, Option<CollectError>) {
    if o.supported_hardware_type.as_deref() == Some(SERVER) {
        return (Some(o), None);
    }
    let mut pages = client
        .list_assets()
        .outpost_identifier(&o.outpost_id)
        .into_paginator()
        .items()
        .send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    match err {
        None => {
            o.assets = items
                .iter()
                .map(|a| OutpostAsset {
                    asset_id: a.asset_id().unwrap_or_default().to_string(),
                    rack_id: a.rack_id().map(str::to_string),
                    asset_type: a.asset_type().map(|t| t.as_str().to_string()),
                })
                .collect();
            (Some(o), None)
        }
        Some(e)
            if e.code() == Some(NOT_FOUND)
                && o.owner_id.as_deref() == Some(scope.account.as_str()) =>
        {
            (None, None)
        }
        // A partial list of assets could miss a rack: none is kept.
        Some(e) => {
            let err = LIST_ASSETS.detail_failed(&o.outpost_id, &e);
            mark_unreadable(&mut o.unreadable, &["assets"], &err);
            (Some(o), Some(err))
        }
    }
}
