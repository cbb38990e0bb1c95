//! AWS CloudHSM: clusters with their HSMs (AZ, subnet, state) and subnet mapping.
//!
//! One paginated DescribeClusters per region: it returns each cluster's HSMs, so there is no
//! per-cluster call.

use super::fail::Op;
use super::{drain, tags, Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{CloudHsm, Hsm, HsmCluster};
use aws_sdk_cloudhsmv2::types::Cluster;
use aws_sdk_cloudhsmv2::Client;

const DESCRIBE_CLUSTERS: Op = Op::new("DescribeClusters", "cloudhsm:DescribeClusters");

pub const ACTIONS: &[&str] = &[DESCRIBE_CLUSTERS.action];

pub(super) async fn collect(scope: Scope) -> Collected<CloudHsm> {
    let client: Client = super::sdk_client!(aws_sdk_cloudhsmv2, scope);
    let mut pages = client.describe_clusters().into_paginator().send();
    let (pages, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let errors = err
        .map(|e| DESCRIBE_CLUSTERS.listing_failed(&[Kind::HsmCluster], &e))
        .into_iter()
        .collect();
    let clusters = pages
        .iter()
        .flat_map(|p| p.clusters())
        .filter_map(|c| cluster(&scope.region, c))
        .collect();
    (CloudHsm { clusters }, errors)
}

fn cluster(region: &str, c: &Cluster) -> Option<HsmCluster> {
    Some(HsmCluster {
        region: region.to_string(),
        cluster_id: c.cluster_id()?.to_string(),
        state: c.state().map(|s| s.as_str().to_string()),
        hsm_type: c.hsm_type().map(str::to_string),
        vpc_id: c.vpc_id().map(str::to_string),
        subnet_mapping: c
            .subnet_mapping()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        hsms: c
            .hsms()
            .iter()
            .map(|h| Hsm {
                hsm_id: h.hsm_id().to_string(),
                availability_zone: h.availability_zone().map(str::to_string),
                subnet_id: h.subnet_id().map(str::to_string),
                state: h.state().map(|s| s.as_str().to_string()),
            })
            .collect(),
        tags: tags(c.tag_list().iter().map(|t| (Some(t.key()), Some(t.value())))),
        unreadable: Default::default(),
    })
}
