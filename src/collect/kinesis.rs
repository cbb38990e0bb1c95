//! Kinesis Data Streams: each stream's retention period, mode, status and shard count.
//!
//! Per region: ListStreams (paginated), then DescribeStreamSummary per stream (concurrently,
//! within the scan's cap).

use super::fail::{mark_unreadable, Op};
use super::{drain, Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{CollectError, Kinesis, KinesisStream};
use aws_sdk_kinesis::error::ProvideErrorMetadata;
use aws_sdk_kinesis::Client;
use futures::StreamExt;

const LIST_STREAMS: Op = Op::new("ListStreams", "kinesis:ListStreams");
const DESCRIBE_STREAM_SUMMARY: Op =
    Op::new("DescribeStreamSummary", "kinesis:DescribeStreamSummary");

pub const ACTIONS: &[&str] = &[LIST_STREAMS.action, DESCRIBE_STREAM_SUMMARY.action];

const DETAIL_FIELDS: &[&str] = &[
    "stream_status",
    "stream_mode",
    "retention_period_hours",
    "open_shard_count",
];

/// DescribeStreamSummary's code for a stream deleted since the listing: gone, not unread.
const GONE: &str = "ResourceNotFoundException";

pub(super) async fn collect(scope: Scope) -> Collected<Kinesis> {
    let client: Client = super::sdk_client!(aws_sdk_kinesis, scope);
    let mut errors = Vec::new();
    // The pages carry the names; the stream details need one call each.
    let mut pages = client.list_streams().into_paginator().send();
    let (pages, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    errors.extend(err.map(|e| LIST_STREAMS.listing_failed(&[Kind::KinesisStream], &e)));
    let names: Vec<String> = pages
        .iter()
        .flat_map(|p| p.stream_names().iter().cloned())
        .collect();
    let (c, s) = (&client, &scope);
    let details = futures::stream::iter(names.into_iter().map(|n| stream(c, s, n)))
        .buffer_unordered(scope.concurrency)
        .collect::<Vec<_>>()
        .await;
    let mut kinesis = Kinesis::default();
    for (st, err) in details {
        kinesis.streams.extend(st);
        errors.extend(err);
    }
    (kinesis, errors)
}

async fn stream(
    client: &Client,
    scope: &Scope,
    name: String,
) -> (Option<KinesisStream>, Option<CollectError>) {
    let mut st = KinesisStream {
        region: scope.region.clone(),
        stream_name: name.clone(),
        ..Default::default()
    };
    let out = scope
        .call(client.describe_stream_summary().stream_name(&name).send())
        .await;
    match out {
        Ok(out) => {
            if let Some(d) = out.stream_description_summary() {
                st.arn = d.stream_arn().to_string();
                st.stream_status = Some(d.stream_status().as_str().to_string());
                st.stream_mode = d
                    .stream_mode_details()
                    .map(|m| m.stream_mode().as_str().to_string());
                st.retention_period_hours = Some(i64::from(d.retention_period_hours()));
                st.open_shard_count = Some(i64::from(d.open_shard_count()));
            }
            (Some(st), None)
        }
        Err(e) if e.code() == Some(GONE) => (None, None),
        Err(e) => {
            let err = DESCRIBE_STREAM_SUMMARY.detail_failed(&name, &e);
            mark_unreadable(&mut st.unreadable, DETAIL_FIELDS, &err);
            (Some(st), Some(err))
        }
    }
}
