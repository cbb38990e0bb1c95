//! Amazon MSK: clusters with their type, state, broker count and broker subnets.
//!
//! One paginated ListClustersV2 per region: it returns every cluster's whole description, so
//! there is no per-cluster call.

use super::fail::Op;
use super::{drain, tags, Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{Msk, MskCluster};
use aws_sdk_kafka::types::Cluster;
use aws_sdk_kafka::Client;

const LIST_CLUSTERS_V2: Op = Op::new("ListClustersV2", "kafka:ListClustersV2");

pub const ACTIONS: &[&str] = &[LIST_CLUSTERS_V2.action];

pub(super) async fn collect(scope: Scope) -> Collected<Msk> {
    let client: Client = super::sdk_client!(aws_sdk_kafka, scope);
    let mut pages = client.list_clusters_v2().into_paginator().items().send();
    let (listed, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let errors = err
        .map(|e| LIST_CLUSTERS_V2.listing_failed(&[Kind::MskCluster], &e))
        .into_iter()
        .collect();
    let clusters = listed
        .iter()
        .filter_map(|c| cluster(&scope.region, c))
        .collect();
    (Msk { clusters }, errors)
}

fn cluster(region: &str, c: &Cluster) -> Option<MskCluster> {
    let provisioned = c.provisioned();
    let nodes = provisioned.and_then(|p| p.broker_node_group_info());
    Some(MskCluster {
        region: region.to_string(),
        cluster_name: c.cluster_name()?.to_string(),
        arn: c.cluster_arn().unwrap_or_default().to_string(),
        cluster_type: c.cluster_type().map(|t| t.as_str().to_string()),
        state: c.state().map(|s| s.as_str().to_string()),
        number_of_broker_nodes: provisioned
            .and_then(|p| p.number_of_broker_nodes())
            .map(i64::from),
        client_subnets: nodes.map(|n| n.client_subnets().to_vec()).unwrap_or_default(),
        zone_ids: nodes.map(|n| n.zone_ids().to_vec()).unwrap_or_default(),
        instance_type: nodes.and_then(|n| n.instance_type()).map(str::to_string),
        tags: tags(
            c.tags()
                .into_iter()
                .flatten()
                .map(|(k, v)| (Some(k.as_str()), Some(v.as_str()))),
        ),
        unreadable: Default::default(),
    })
}
