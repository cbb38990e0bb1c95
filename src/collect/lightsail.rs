//! Amazon Lightsail: each region's instances (GetInstances, with their add-ons) and managed
//! databases (GetRelationalDatabases), both paged by `pageToken`.

use super::fail::Op;
use super::{Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{CollectError, Lightsail, LightsailDatabase, LightsailInstance};
use aws_sdk_lightsail::types::{Instance, RelationalDatabase, Tag};
use aws_sdk_lightsail::Client;

const GET_INSTANCES: Op = Op::new("GetInstances", "lightsail:GetInstances");
const GET_RELATIONAL_DATABASES: Op =
    Op::new("GetRelationalDatabases", "lightsail:GetRelationalDatabases");

pub const ACTIONS: &[&str] = &[GET_INSTANCES.action, GET_RELATIONAL_DATABASES.action];

/// The add-on that takes the daily automatic snapshots.
const AUTO_SNAPSHOT: &str = "AutoSnapshot";

pub(super) async fn collect(scope: Scope) -> Collected<Lightsail> {
    let client: Client = super::sdk_client!(aws_sdk_lightsail, scope);
    let ((instances, e1), (databases, e2)) =
        futures::join!(instances(&client, &scope), databases(&client, &scope));
    let out = Lightsail {
        instances,
        databases,
    };
    (out, e1.into_iter().chain(e2).collect())
}

/// Reads every page of a `pageToken` listing: `call(token)` sends one request and returns
/// its items and the next token. Keeps what was read before a failure along with it.
async fn paged<T, Fut, E>(
    scope: &Scope,
    call: impl Fn(Option<String>) -> Fut,
) -> (Vec<T>, Option<E>)
where
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<String>), E>>,
    Result<(Vec<T>, Option<String>), E>: super::Abandon,
{
    let mut out = Vec::new();
    let mut token = None;
    loop {
        match scope.call(call(token.take())).await {
            Ok((items, next)) => {
                out.extend(items);
                match next {
                    Some(t) if !t.is_empty() => token = Some(t),
                    _ => return (out, None),
                }
            }
            Err(e) => return (out, Some(e)),
        }
    }
}

async fn instances(
    client: &Client,
    scope: &Scope,
) -> (Vec<LightsailInstance>, Option<CollectError>) {
    let (items, err) = paged(scope, |token| async move {
        // Matched, not `?`: the error type stays the SDK's, which the deadline can abandon.
        let page = match client.get_instances().set_page_token(token).send().await {
            Ok(page) => page,
            Err(e) => return Err(e),
        };
        let items = page.instances().iter().map(|i| instance(&scope.region, i));
        Ok((items.collect(), page.next_page_token().map(str::to_string)))
    })
    .await;
    let err = err.map(|e| GET_INSTANCES.listing_failed(&[Kind::LightsailInstance], &e));
    (items, err)
}

async fn databases(
    client: &Client,
    scope: &Scope,
) -> (Vec<LightsailDatabase>, Option<CollectError>) {
    let (items, err) = paged(scope, |token| async move {
        let call = client.get_relational_databases().set_page_token(token);
        let page = match call.send().await {
            Ok(page) => page,
            Err(e) => return Err(e),
        };
        let items = page
            .relational_databases()
            .iter()
            .map(|d| database(&scope.region, d));
        Ok((items.collect(), page.next_page_token().map(str::to_string)))
    })
    .await;
    let err =
        err.map(|e| GET_RELATIONAL_DATABASES.listing_failed(&[Kind::LightsailDatabase], &e));
    (items, err)
}

fn tags(t: &[Tag]) -> crate::snapshot::Tags {
    super::tags(t.iter().map(|t| (t.key(), t.value())))
}

fn instance(region: &str, i: &Instance) -> LightsailInstance {
    LightsailInstance {
        region: region.to_string(),
        name: i.name().unwrap_or_default().to_string(),
        arn: i.arn().unwrap_or_default().to_string(),
        availability_zone: i
            .location()
            .and_then(|l| l.availability_zone())
            .map(str::to_string),
        bundle_id: i.bundle_id().map(str::to_string),
        state: i.state().and_then(|s| s.name()).map(str::to_string),
        auto_snapshot_status: i
            .add_ons()
            .iter()
            .find(|a| a.name() == Some(AUTO_SNAPSHOT))
            .map(|a| a.status().unwrap_or_default().to_string()),
        tags: tags(i.tags()),
        unreadable: Default::default(),
    }
}

fn database(region: &str, d: &RelationalDatabase) -> LightsailDatabase {
    LightsailDatabase {
        region: region.to_string(),
        name: d.name().unwrap_or_default().to_string(),
        arn: d.arn().unwrap_or_default().to_string(),
        availability_zone: d
            .location()
            .and_then(|l| l.availability_zone())
            .map(str::to_string),
        secondary_availability_zone: d.secondary_availability_zone().map(str::to_string),
        bundle_id: d.relational_database_bundle_id().map(str::to_string),
        engine: d.engine().map(str::to_string),
        state: d.state().map(str::to_string),
        backup_retention_enabled: d.backup_retention_enabled(),
        tags: tags(d.tags()),
        unreadable: Default::default(),
    }
}
