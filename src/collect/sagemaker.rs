//! Amazon SageMaker real-time endpoints: the production variants each endpoint runs, with
//! their current instance counts, and those of the endpoint configuration it runs.
//!
//! Per region: ListEndpoints (paginated), DescribeEndpoint per endpoint, then
//! DescribeEndpointConfig once per configuration the endpoints run (concurrently, within the
//! scan's cap). Configurations no endpoint runs are not read: they serve nothing (see
//! HA-SGM-001).

use super::fail::{mark_unreadable, Op};
use super::{drain, Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{
    CollectError, SageMaker, SageMakerConfigVariant, SageMakerEndpoint, SageMakerVariant,
};
use aws_sdk_sagemaker::error::ProvideErrorMetadata;
use aws_sdk_sagemaker::Client;
use futures::StreamExt;
use std::collections::{BTreeMap, BTreeSet};

const LIST_ENDPOINTS: Op = Op::new("ListEndpoints", "sagemaker:ListEndpoints");
const DESCRIBE_ENDPOINT: Op = Op::new("DescribeEndpoint", "sagemaker:DescribeEndpoint");
const DESCRIBE_ENDPOINT_CONFIG: Op =
    Op::new("DescribeEndpointConfig", "sagemaker:DescribeEndpointConfig");

pub const ACTIONS: &[&str] = &[
    LIST_ENDPOINTS.action,
    DESCRIBE_ENDPOINT.action,
    DESCRIBE_ENDPOINT_CONFIG.action,
];

const ENDPOINT_FIELDS: &[&str] = &[
    "endpoint_status",
    "endpoint_config_name",
    "variants",
    "config_variants",
];

/// SageMaker answers a describe of a resource that does not exist with a
/// `ValidationException` saying "Could not find ...".
fn gone(e: &impl ProvideErrorMetadata) -> bool {
    e.code() == Some("ValidationException")
        && e.message().is_some_and(|m| m.contains("Could not find"))
}

pub(super) async fn collect(scope: Scope) -> Collected<SageMaker> {
    let client: Client = super::sdk_client!(aws_sdk_sagemaker, scope);
    let mut errors = Vec::new();
    let mut pages = client.list_endpoints().into_paginator().send();
    let (pages, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    errors.extend(err.map(|e| LIST_ENDPOINTS.listing_failed(&[Kind::SageMakerEndpoint], &e)));
    let names: Vec<String> = pages
        .iter()
        .flat_map(|p| p.endpoints())
        .filter_map(|e| e.endpoint_name().map(str::to_string))
        .collect();
    let (c, s) = (&client, &scope);
    let described = futures::stream::iter(names.into_iter().map(|n| endpoint(c, s, n)))
        .buffer_unordered(scope.concurrency)
        .collect::<Vec<_>>()
        .await;
    let mut endpoints = Vec::new();
    for (ep, err) in described {
        endpoints.extend(ep);
        errors.extend(err);
    }

    // Several endpoints may run one configuration: each is read once.
    let config_names: BTreeSet<String> = endpoints
        .iter()
        .filter_map(|e| e.endpoint_config_name.clone())
        .collect();
    let configs: BTreeMap<String, ConfigRead> =
        futures::stream::iter(config_names.into_iter().map(|n| config(c, s, n)))
            .buffer_unordered(scope.concurrency)
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect();
    for ep in &mut endpoints {
        let Some(read) = ep.endpoint_config_name.as_ref().and_then(|n| configs.get(n)) else {
            continue;
        };
        match read {
            ConfigRead::Variants(v) => ep.config_variants = v.clone(),
            ConfigRead::Failed(err) => {
                mark_unreadable(&mut ep.unreadable, &["config_variants"], err);
            }
            ConfigRead::Gone(name) => {
                ep.unreadable.insert(
                    "config_variants".to_string(),
                    format!("its endpoint configuration {name} no longer exists"),
                );
            }
        }
    }
    for read in configs.into_values() {
        if let ConfigRead::Failed(err) = read {
            errors.push(err);
        }
    }
    (
        SageMaker {
            endpoints,
        },
        errors,
    )
}

async fn endpoint(
    client: &Client,
    scope: &Scope,
    name: String,
) -> (Option<SageMakerEndpoint>, Option<CollectError>) {
    let mut ep = SageMakerEndpoint {
        region: scope.region.clone(),
        endpoint_name: name.clone(),
        ..Default::default()
    };
    let out = scope
        .call(client.describe_endpoint().endpoint_name(&name).send())
        .await;
    match out {
        Ok(out) => {
            ep.arn = out.endpoint_arn().unwrap_or_default().to_string();
            ep.endpoint_status = out.endpoint_status().map(|s| s.as_str().to_string());
            ep.endpoint_config_name = out.endpoint_config_name().map(str::to_string);
            ep.variants = out
                .production_variants()
                .iter()
                .map(|v| SageMakerVariant {
                    variant_name: v.variant_name().unwrap_or_default().to_string(),
                    current_instance_count: v.current_instance_count().map(i64::from),
                    serverless: v.current_serverless_config().is_some(),
                })
                .collect();
            (Some(ep), None)
        }
        Err(e) if gone(&e) => (None, None),
        Err(e) => {
            let err = DESCRIBE_ENDPOINT.detail_failed(&name, &e);
            mark_unreadable(&mut ep.unreadable, ENDPOINT_FIELDS, &err);
            (Some(ep), Some(err))
        }
    }
}

/// What the read of one endpoint configuration gave.
enum ConfigRead {
    Variants(Vec<SageMakerConfigVariant>),
    Failed(CollectError),
    /// Deleted while an endpoint still runs it (SageMaker allows that).
    Gone(String),
}

async fn config(client: &Client, scope: &Scope, name: String) -> (String, ConfigRead) {
    let out = scope
        .call(
            client
                .describe_endpoint_config()
                .endpoint_config_name(&name)
                .send(),
        )
        .await;
    let read = match out {
        Ok(out) => ConfigRead::Variants(
            out.production_variants()
                .iter()
                .map(|v| SageMakerConfigVariant {
                    variant_name: v.variant_name().unwrap_or_default().to_string(),
                    instance_type: v.instance_type().map(|t| t.as_str().to_string()),
                    initial_instance_count: v.initial_instance_count().map(i64::from),
                    serverless: v.serverless_config().is_some(),
                })
                .collect(),
        ),
        Err(e) if gone(&e) => ConfigRead::Gone(name.clone()),
        Err(e) => ConfigRead::Failed(DESCRIBE_ENDPOINT_CONFIG.detail_failed(&name, &e)),
    };
    (name, read)
}
