//! S3: every bucket of the account (S3 is global), with versioning, replication and Object
//! Lock.
//!
//! The listing is one call; everything else is one call per bucket, sent to the bucket's
//! own region (S3 answers a request for another region's bucket with a redirect).

use crate::registry::Kind;
use super::fail::{mark_unreadable, Op};
use super::{drain, Collected, Scope};
use crate::snapshot::{Bucket, CollectError, Replication, ReplicationRule, S3};
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::primitives::DateTimeFormat;
use aws_sdk_s3::Client;
use futures::StreamExt;
use std::collections::HashMap;
use std::sync::Mutex;

const LIST_BUCKETS: Op = Op::new("ListBuckets", "s3:ListAllMyBuckets");
const GET_LOCATION: Op = Op::new("GetBucketLocation", "s3:GetBucketLocation");
const GET_VERSIONING: Op = Op::new("GetBucketVersioning", "s3:GetBucketVersioning");
const GET_REPLICATION: Op = Op::new("GetBucketReplication", "s3:GetReplicationConfiguration");
const GET_OBJECT_LOCK: Op = Op::new(
    "GetObjectLockConfiguration",
    "s3:GetBucketObjectLockConfiguration",
);

pub const ACTIONS: &[&str] = &[
    LIST_BUCKETS.action,
    GET_LOCATION.action,
    GET_VERSIONING.action,
    GET_REPLICATION.action,
    GET_OBJECT_LOCK.action,
];

/// The error code S3 uses for "this bucket has no replication configuration".
const NO_REPLICATION: &str = "ReplicationConfigurationNotFoundError";
/// The error code S3 uses for "this bucket has no Object Lock configuration".
const NO_OBJECT_LOCK: &str = "ObjectLockConfigurationNotFoundError";

pub(super) async fn collect(scope: Scope) -> Collected<S3> {
    let mut errors = Vec::new();
    let global = client(&scope);
    let mut pages = global.list_buckets().into_paginator().items().send();
    let (listed, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    errors.extend(err.map(|e| LIST_BUCKETS.listing_failed(&[Kind::Bucket], &e)));

    let buckets: Vec<Bucket> = listed
        .iter()
        .filter_map(|b| {
            let name = b.name()?.to_string();
            Some(Bucket {
                arn: format!("arn:{}:s3:::{name}", scope.partition),
                name,
                // Newer S3 endpoints name the region in the listing; else we ask below.
                region: b.bucket_region().unwrap_or_default().to_string(),
                creation_date: b
                    .creation_date()
                    .and_then(|d| d.fmt(DateTimeFormat::DateTime).ok()),
                ..Default::default()
            })
        })
        .collect();

    // Each bucket is located, then read from its region, without waiting for the others.
    let clients = Clients {
        scope: &scope,
        global: &global,
        by_region: Mutex::new(HashMap::new()),
    };
    let (clients, s, global) = (&clients, &scope, &global);
    let details = futures::stream::iter(buckets.into_iter().map(|b| async move {
        let (b, err) = locate(s, global, b).await;
        let c = clients.get(&b.region);
        detail(s, &c, b, err).await
    }))
    .buffer_unordered(scope.concurrency)
    .collect::<Vec<_>>()
    .await;

    let mut s3 = S3::default();
    for (bucket, errs) in details {
        s3.buckets.push(bucket);
        errors.extend(errs);
    }
    (s3, errors)
}

/// One client per bucket region, built on first use.
struct Clients<'a> {
    scope: &'a Scope,
    global: &'a Client,
    by_region: Mutex<HashMap<String, Client>>,
}

impl Clients<'_> {
    fn get(&self, region: &str) -> Client {
        // A bucket whose region is unknown is still tried from the global region, so its
        // detail errors say why.
        if region.is_empty() {
            return self.global.clone();
        }
        let mut by_region = self.by_region.lock().unwrap_or_else(|e| e.into_inner());
        by_region
            .entry(region.to_string())
            .or_insert_with(|| client(&self.scope.in_region(region)))
            .clone()
    }
}

/// An S3 client. Path-style addressing only behind an endpoint override (an emulator or a
/// proxy cannot serve `bucket.host` names); real AWS keeps virtual-hosted style.
fn client(scope: &Scope) -> Client {
    let config = scope.sdk_config();
    let path_style = config.endpoint_url().is_some();
    let builder = aws_sdk_s3::config::Builder::from(&config).force_path_style(path_style);
    let conf = super::watched!(builder, scope, "s3").build();
    Client::from_conf(conf)
}

/// Fills the bucket's region from GetBucketLocation when the listing did not give it.
async fn locate(
    scope: &Scope,
    client: &Client,
    mut bucket: Bucket,
) -> (Bucket, Option<CollectError>) {
    if !bucket.region.is_empty() {
        return (bucket, None);
    }
    match scope
        .call(client.get_bucket_location().bucket(&bucket.name).send())
        .await
    {
        Ok(out) => {
            bucket.region = region_of(out.location_constraint().map(|c| c.as_str()));
            (bucket, None)
        }
        Err(e) => {
            let err = GET_LOCATION.detail_failed(&bucket.name, &e);
            mark_unreadable(&mut bucket.unreadable, &["region"], &err);
            (bucket, Some(err))
        }
    }
}

/// A location constraint as a region name: empty means us-east-1, and `EU` is the legacy
/// name of eu-west-1.
fn region_of(constraint: Option<&str>) -> String {
    match constraint.unwrap_or_default() {
        "" => "us-east-1".to_string(),
        "EU" => "eu-west-1".to_string(),
        other => other.to_string(),
    }
}

async fn detail(
    scope: &Scope,
    client: &Client,
    mut bucket: Bucket,
    location_err: Option<CollectError>,
) -> (Bucket, Vec<CollectError>) {
    let mut errors: Vec<CollectError> = location_err.into_iter().collect();
    let name = &bucket.name;
    let (versioning, replication, object_lock) = tokio::join!(
        scope.call(client.get_bucket_versioning().bucket(name).send()),
        scope.call(client.get_bucket_replication().bucket(name).send()),
        scope.call(client.get_object_lock_configuration().bucket(name).send()),
    );
    match versioning {
        Ok(out) => {
            bucket.versioning = out.status().map(|s| s.as_str().to_string());
            bucket.mfa_delete = out.mfa_delete().map(|s| s.as_str().to_string());
        }
        Err(e) => {
            let err = GET_VERSIONING.detail_failed(&bucket.name, &e);
            mark_unreadable(&mut bucket.unreadable, &["versioning", "mfa_delete"], &err);
            errors.push(err);
        }
    }
    match replication {
        Ok(out) => {
            bucket.replication = out.replication_configuration().map(|c| Replication {
                role: Some(c.role().to_string()).filter(|r| !r.is_empty()),
                rules: c
                    .rules()
                    .iter()
                    .map(|r| ReplicationRule {
                        id: r.id().map(str::to_string),
                        status: r.status().as_str().to_string(),
                        priority: r.priority().map(i64::from),
                        destination_bucket: r
                            .destination()
                            .map(|d| d.bucket().to_string())
                            .unwrap_or_default(),
                        destination_account: r
                            .destination()
                            .and_then(|d| d.account())
                            .map(str::to_string),
                        storage_class: r
                            .destination()
                            .and_then(|d| d.storage_class())
                            .map(|s| s.as_str().to_string()),
                    })
                    .collect(),
            });
        }
        // Not configured: a fact about the bucket, not a failure to read it.
        Err(e) if e.code() == Some(NO_REPLICATION) => bucket.replication = None,
        Err(e) => {
            let err = GET_REPLICATION.detail_failed(&bucket.name, &e);
            mark_unreadable(&mut bucket.unreadable, &["replication"], &err);
            errors.push(err);
        }
    }
    match object_lock {
        Ok(out) => {
            bucket.object_lock_enabled = Some(
                out.object_lock_configuration()
                    .and_then(|c| c.object_lock_enabled())
                    .is_some_and(|e| e.as_str() == "Enabled"),
            );
        }
        // Never configured: Object Lock is off, which is what the rule judges.
        Err(e) if e.code() == Some(NO_OBJECT_LOCK) => bucket.object_lock_enabled = Some(false),
        Err(e) => {
            let err = GET_OBJECT_LOCK.detail_failed(&bucket.name, &e);
            mark_unreadable(&mut bucket.unreadable, &["object_lock_enabled"], &err);
            errors.push(err);
        }
    }
    (bucket, errors)
}

#[cfg(test)]
mod tests {
    use super::region_of;

    #[test]
    fn location_constraints() {
        assert_eq!(region_of(None), "us-east-1");
        assert_eq!(region_of(Some("")), "us-east-1");
        assert_eq!(region_of(Some("EU")), "eu-west-1");
        assert_eq!(region_of(Some("us-west-2")), "us-west-2");
    }
}
