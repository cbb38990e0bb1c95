//! The KMS keys that encrypt the region's Amazon Comprehend custom models: their state.
//! No other key is read.
//!
//! Per region: ListDocumentClassifiers and ListEntityRecognizers (paginated; each model's
//! properties name its key), then DescribeKey once per key (concurrently, within the scan's
//! cap). The models are listed here rather than taken from the Comprehend collector so that
//! the two run independently; the listing is two paginated calls.

use super::fail::{mark_unreadable, Op};
use super::{drain, Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{CollectError, Kms, KmsKey};
use aws_sdk_kms::error::ProvideErrorMetadata;
use futures::StreamExt;
use std::collections::BTreeSet;

const LIST_DOCUMENT_CLASSIFIERS: Op = Op::new(
    "ListDocumentClassifiers",
    "comprehend:ListDocumentClassifiers",
);
const LIST_ENTITY_RECOGNIZERS: Op =
    Op::new("ListEntityRecognizers", "comprehend:ListEntityRecognizers");
const DESCRIBE_KEY: Op = Op::new("DescribeKey", "kms:DescribeKey");

pub const ACTIONS: &[&str] = &[
    LIST_DOCUMENT_CLASSIFIERS.action,
    LIST_ENTITY_RECOGNIZERS.action,
    DESCRIBE_KEY.action,
];

const KEY_FIELDS: &[&str] = &["key_state", "enabled", "key_manager"];

/// DescribeKey's code for a key that does not exist (deleted after its waiting period).
const MISSING: &str = "NotFoundException";

pub(super) async fn collect(scope: Scope) -> Collected<Kms> {
    let comprehend: aws_sdk_comprehend::Client = super::sdk_client!(aws_sdk_comprehend, scope);
    let kms: aws_sdk_kms::Client = super::sdk_client!(aws_sdk_kms, scope);
    let mut errors = Vec::new();
    let mut refs = BTreeSet::new();

    let mut pages = comprehend
        .list_document_classifiers()
        .into_paginator()
        .send();
    let (pages, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    errors.extend(err.map(|e| LIST_DOCUMENT_CLASSIFIERS.listing_failed(&[Kind::KmsKey], &e)));
    refs.extend(
        pages
            .iter()
            .flat_map(|p| p.document_classifier_properties_list())
            .filter_map(|m| m.model_kms_key_id().map(str::to_string)),
    );
    let mut pages = comprehend.list_entity_recognizers().into_paginator().send();
    let (pages, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    errors.extend(err.map(|e| LIST_ENTITY_RECOGNIZERS.listing_failed(&[Kind::KmsKey], &e)));
    refs.extend(
        pages
            .iter()
            .flat_map(|p| p.entity_recognizer_properties_list())
            .filter_map(|m| m.model_kms_key_id().map(str::to_string)),
    );

    let (c, s) = (&kms, &scope);
    let keys = futures::stream::iter(refs.into_iter().map(|r| key(c, s, r)))
        .buffer_unordered(scope.concurrency)
        .collect::<Vec<_>>()
        .await;
    let mut out = Kms::default();
    for (k, err) in keys {
        out.keys.push(k);
        errors.extend(err);
    }
    (out, errors)
}

async fn key(
    client: &aws_sdk_kms::Client,
    scope: &Scope,
    key_ref: String,
) -> (KmsKey, Option<CollectError>) {
    let mut k = KmsKey {
        region: scope.region.clone(),
        key_ref: key_ref.clone(),
        ..Default::default()
    };
    let out = scope
        .call(client.describe_key().key_id(&key_ref).send())
        .await;
    match out {
        Ok(out) => {
            if let Some(m) = out.key_metadata() {
                k.key_id = Some(m.key_id().to_string());
                k.arn = m.arn().map(str::to_string);
                k.key_state = m.key_state().map(|s| s.as_str().to_string());
                k.enabled = Some(m.enabled());
                k.key_manager = m.key_manager().map(|s| s.as_str().to_string());
            }
            (k, None)
        }
        // A model still names the key: its absence is what the rule judges, not a gap.
        Err(e) if e.code() == Some(MISSING) => {
            k.missing = true;
            (k, None)
        }
        Err(e) => {
            let err = DESCRIBE_KEY.detail_failed(&key_ref, &e);
            mark_unreadable(&mut k.unreadable, KEY_FIELDS, &err);
            (k, Some(err))
        }
    }
}
