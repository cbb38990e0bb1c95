//! Amazon Comprehend custom model endpoints, and the KMS key that encrypts the model each one
//! serves (the keys themselves are read by the KMS collector).
//!
//! Per region: ListEndpoints (paginated), then DescribeDocumentClassifier or
//! DescribeEntityRecognizer once per model the endpoints serve (concurrently, within the
//! scan's cap).

use super::fail::{mark_unreadable, Op};
use super::{drain, Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{CollectError, Comprehend, ComprehendEndpoint};
use aws_sdk_comprehend::config::http::HttpResponse;
use aws_sdk_comprehend::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_comprehend::Client;
use futures::StreamExt;
use std::collections::{BTreeMap, BTreeSet};

const LIST_ENDPOINTS: Op = Op::new("ListEndpoints", "comprehend:ListEndpoints");
const DESCRIBE_DOCUMENT_CLASSIFIER: Op = Op::new(
    "DescribeDocumentClassifier",
    "comprehend:DescribeDocumentClassifier",
);
const DESCRIBE_ENTITY_RECOGNIZER: Op = Op::new(
    "DescribeEntityRecognizer",
    "comprehend:DescribeEntityRecognizer",
);

pub const ACTIONS: &[&str] = &[
    LIST_ENDPOINTS.action,
    DESCRIBE_DOCUMENT_CLASSIFIER.action,
    DESCRIBE_ENTITY_RECOGNIZER.action,
];

/// The describe calls' code for a model that does not exist.
const GONE: &str = "ResourceNotFoundException";

pub(super) async fn collect(scope: Scope) -> Collected<Comprehend> {
    let client: Client = super::sdk_client!(aws_sdk_comprehend, scope);
    let mut errors = Vec::new();
    let mut pages = client.list_endpoints().into_paginator().send();
    let (pages, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    errors.extend(err.map(|e| LIST_ENDPOINTS.listing_failed(&[Kind::ComprehendEndpoint], &e)));
    let mut endpoints: Vec<ComprehendEndpoint> = pages
        .iter()
        .flat_map(|p| p.endpoint_properties_list())
        .filter_map(|e| {
            let arn = e.endpoint_arn()?;
            Some(ComprehendEndpoint {
                region: scope.region.clone(),
                endpoint_name: endpoint_name(arn).to_string(),
                arn: arn.to_string(),
                status: e.status().map(|s| s.as_str().to_string()),
                model_arn: e.model_arn().map(str::to_string),
                ..Default::default()
            })
        })
        .collect();

    // Several endpoints may serve one model: each is read once.
    let models: BTreeSet<String> = endpoints.iter().filter_map(|e| e.model_arn.clone()).collect();
    let (c, s) = (&client, &scope);
    let keys: BTreeMap<String, ModelKey> =
        futures::stream::iter(models.into_iter().map(|m| model_key(c, s, m)))
            .buffer_unordered(scope.concurrency)
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect();
    for ep in &mut endpoints {
        let Some(model) = ep.model_arn.as_ref() else {
            ep.unreadable.insert(
                "model_kms_key_id".to_string(),
                "ListEndpoints returned no ModelArn".to_string(),
            );
            continue;
        };
        match &keys[model] {
            ModelKey::Read(key) => ep.model_kms_key_id = key.clone(),
            ModelKey::Failed(err) => mark_unreadable(&mut ep.unreadable, &["model_kms_key_id"], err),
            ModelKey::Unknown(why) => {
                ep.unreadable
                    .insert("model_kms_key_id".to_string(), why.clone());
            }
        }
    }
    for key in keys.into_values() {
        if let ModelKey::Failed(err) = key {
            errors.push(err);
        }
    }
    (Comprehend { endpoints }, errors)
}

/// The endpoint's name: the first path segment of its ARN's resource
/// (`document-classifier-endpoint/<name>`, `entity-recognizer-endpoint/<name>`).
fn endpoint_name(arn: &str) -> &str {
    let resource = arn.splitn(6, ':').nth(5).unwrap_or(arn);
    resource.split('/').nth(1).unwrap_or(resource)
}

/// What a model's read said about its key.
enum ModelKey {
    /// `None`: an AWS owned key.
    Read(Option<String>),
    Failed(CollectError),
    Unknown(String),
}

async fn model_key(client: &Client, scope: &Scope, model: String) -> (String, ModelKey) {
    let resource = model.splitn(6, ':').nth(5).unwrap_or_default();
    let key = if resource.starts_with("document-classifier/") {
        let call = client
            .describe_document_classifier()
            .document_classifier_arn(&model)
            .send();
        let out = scope.call(call).await.map(|out| {
            out.document_classifier_properties()
                .and_then(|p| p.model_kms_key_id())
                .map(str::to_string)
        });
        model_key_of(DESCRIBE_DOCUMENT_CLASSIFIER, &model, out)
    } else if resource.starts_with("entity-recognizer/") {
        let call = client
            .describe_entity_recognizer()
            .entity_recognizer_arn(&model)
            .send();
        let out = scope.call(call).await.map(|out| {
            out.entity_recognizer_properties()
                .and_then(|p| p.model_kms_key_id())
                .map(str::to_string)
        });
        model_key_of(DESCRIBE_ENTITY_RECOGNIZER, &model, out)
    } else {
        ModelKey::Unknown(format!(
            "its model {model} is neither a document classifier nor an entity recognizer"
        ))
    };
    (model, key)
}

/// What a model's describe call said about its key.
fn model_key_of<E>(
    op: Op,
    model: &str,
    out: Result<Option<String>, SdkError<E, HttpResponse>>,
) -> ModelKey
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match out {
        Ok(key) => ModelKey::Read(key),
        Err(e) if e.code() == Some(GONE) => {
            ModelKey::Unknown(format!("its model {model} no longer exists"))
        }
        Err(e) => ModelKey::Failed(op.detail_failed(model, &e)),
    }
}

#[cfg(test)]
mod tests {
    use super::endpoint_name;

    #[test]
    fn endpoint_names_come_from_the_arn() {
        assert_eq!(
            endpoint_name("arn:aws:comprehend:us-east-1:111122223333:document-classifier-endpoint/spam"),
            "spam"
        );
        // The emulator appends the model's ARN.
        assert_eq!(
            endpoint_name(
                "arn:aws:comprehend:us-east-1:1:endpoint/ner/arn:aws:comprehend:us-east-1:1:entity-recognizer/x"
            ),
            "ner"
        );
    }
}
