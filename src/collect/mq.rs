//! Amazon MQ: brokers with their deployment mode, engine, subnets and state.
//!
//! Per region: ListBrokers (paginated), then DescribeBroker per broker (concurrently, within
//! the scan's cap). The listing already says each broker's deployment mode, engine and state,
//! so a failed DescribeBroker leaves only its subnets, engine version, required actions and
//! tags unknown.

use super::fail::{mark_unreadable, Op};
use super::{drain, Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{CollectError, Mq, MqBroker, Tags};
use aws_sdk_mq::error::ProvideErrorMetadata;
use aws_sdk_mq::types::BrokerSummary;
use aws_sdk_mq::Client;
use futures::StreamExt;

const LIST_BROKERS: Op = Op::new("ListBrokers", "mq:ListBrokers");
const DESCRIBE_BROKER: Op = Op::new("DescribeBroker", "mq:DescribeBroker");

pub const ACTIONS: &[&str] = &[LIST_BROKERS.action, DESCRIBE_BROKER.action];

/// What only DescribeBroker says.
const DETAIL_FIELDS: &[&str] = &["subnet_ids", "engine_version", "actions_required", "tags"];

/// The error code of DescribeBroker for a broker that no longer exists (deleted since the
/// listing): it is gone, not unreadable.
const GONE: &str = "NotFoundException";

pub(super) async fn collect(scope: Scope) -> Collected<Mq> {
    let client: Client = super::sdk_client!(aws_sdk_mq, scope);
    let mut errors = Vec::new();
    let mut pages = client.list_brokers().into_paginator().items().send();
    let (listed, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    errors.extend(err.map(|e| LIST_BROKERS.listing_failed(&[Kind::MqBroker], &e)));
    let brokers: Vec<MqBroker> = listed
        .iter()
        .filter_map(|b| summary(&scope.region, b))
        .collect();
    let (c, s) = (&client, &scope);
    let details = futures::stream::iter(brokers.into_iter().map(|b| detail(c, s, b)))
        .buffer_unordered(scope.concurrency)
        .collect::<Vec<_>>()
        .await;
    let mut mq = Mq::default();
    for (broker, err) in details {
        mq.brokers.extend(broker);
        errors.extend(err);
    }
    (mq, errors)
}

fn summary(region: &str, b: &BrokerSummary) -> Option<MqBroker> {
    Some(MqBroker {
        region: region.to_string(),
        broker_id: b.broker_id()?.to_string(),
        broker_name: b.broker_name().unwrap_or_default().to_string(),
        arn: b.broker_arn().unwrap_or_default().to_string(),
        broker_state: b.broker_state().map(|s| s.as_str().to_string()),
        deployment_mode: b.deployment_mode().map(|d| d.as_str().to_string()),
        engine_type: b.engine_type().map(|e| e.as_str().to_string()),
        host_instance_type: b.host_instance_type().map(str::to_string),
        ..Default::default()
    })
}

async fn detail(
    client: &Client,
    scope: &Scope,
    mut broker: MqBroker,
) -> (Option<MqBroker>, Option<CollectError>) {
    let out = scope
        .call(client.describe_broker().broker_id(&broker.broker_id).send())
        .await;
    match out {
        Ok(d) => {
            // The detail is newer than the listing: it wins where it answers.
            if let Some(s) = d.broker_state() {
                broker.broker_state = Some(s.as_str().to_string());
            }
            if let Some(m) = d.deployment_mode() {
                broker.deployment_mode = Some(m.as_str().to_string());
            }
            if let Some(e) = d.engine_type() {
                broker.engine_type = Some(e.as_str().to_string());
            }
            broker.engine_version = d.engine_version().map(str::to_string);
            broker.subnet_ids = d.subnet_ids().to_vec();
            broker.actions_required = d
                .actions_required()
                .iter()
                .filter_map(|a| a.action_required_code())
                .map(str::to_string)
                .collect();
            broker.tags = d
                .tags()
                .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_else(Tags::new);
            (Some(broker), None)
        }
        Err(e) if e.code() == Some(GONE) => (None, None),
        Err(e) => {
            let err = DESCRIBE_BROKER.detail_failed(&broker.broker_id, &e);
            mark_unreadable(&mut broker.unreadable, DETAIL_FIELDS, &err);
            (Some(broker), Some(err))
        }
    }
}
