//! AWS Storage Gateway: each gateway and where its appliance runs.
//!
//! Per region: ListGateways (paginated), whose entries carry the host environment and the
//! EC2 instance of a gateway hosted on EC2: no call per gateway is needed.

use super::fail::Op;
use super::{drain, Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{Gateway, StorageGateway};
use aws_sdk_storagegateway::Client;

const LIST_GATEWAYS: Op = Op::new("ListGateways", "storagegateway:ListGateways");

pub const ACTIONS: &[&str] = &[LIST_GATEWAYS.action];

pub(super) async fn collect(scope: Scope) -> Collected<StorageGateway> {
    let client: Client = super::sdk_client!(aws_sdk_storagegateway, scope);
    let mut pages = client.list_gateways().into_paginator().items().send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let gateways = items
        .iter()
        .map(|g| Gateway {
            region: scope.region.clone(),
            gateway_id: g.gateway_id().unwrap_or_default().to_string(),
            gateway_arn: g.gateway_arn().unwrap_or_default().to_string(),
            gateway_name: g.gateway_name().map(str::to_string),
            gateway_type: g.gateway_type().map(str::to_string),
            gateway_operational_state: g.gateway_operational_state().map(str::to_string),
            host_environment: g.host_environment().map(|h| h.as_str().to_string()),
            ec2_instance_id: g.ec2_instance_id().map(str::to_string),
            ec2_instance_region: g.ec2_instance_region().map(str::to_string),
            ..Default::default()
        })
        .collect();
    let errors = err
        .map(|e| LIST_GATEWAYS.listing_failed(&[Kind::Gateway], &e))
        .into_iter()
        .collect();
    (StorageGateway { gateways }, errors)
}
