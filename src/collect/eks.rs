//! EKS: clusters (control-plane subnets, status, deletion protection), their managed node
//! groups (subnets, scaling, status, health) and their Fargate profiles (subnets).
//!
//! Per region: ListClusters, then per cluster (concurrently, within the scan's cap)
//! DescribeCluster, ListNodegroups + DescribeNodegroup and ListFargateProfiles +
//! DescribeFargateProfile.

use crate::registry::Kind;
use super::fail::{mark_unreadable, Op};
use super::{drain, Collected, Scope};
use crate::snapshot::{CollectError, Eks, EksCluster, EksNodegroup, FargateProfile, Tags};
use aws_sdk_eks::Client;
use futures::StreamExt;
use std::collections::HashMap;

const LIST_CLUSTERS: Op = Op::new("ListClusters", "eks:ListClusters");
const DESCRIBE_CLUSTER: Op = Op::new("DescribeCluster", "eks:DescribeCluster");
const LIST_NODEGROUPS: Op = Op::new("ListNodegroups", "eks:ListNodegroups");
const DESCRIBE_NODEGROUP: Op = Op::new("DescribeNodegroup", "eks:DescribeNodegroup");
const LIST_FARGATE_PROFILES: Op = Op::new("ListFargateProfiles", "eks:ListFargateProfiles");
const DESCRIBE_FARGATE_PROFILE: Op =
    Op::new("DescribeFargateProfile", "eks:DescribeFargateProfile");

pub const ACTIONS: &[&str] = &[
    LIST_CLUSTERS.action,
    DESCRIBE_CLUSTER.action,
    LIST_NODEGROUPS.action,
    DESCRIBE_NODEGROUP.action,
    LIST_FARGATE_PROFILES.action,
    DESCRIBE_FARGATE_PROFILE.action,
];

const CLUSTER_FIELDS: &[&str] = &["subnet_ids", "status", "version", "deletion_protection"];
const NODEGROUP_FIELDS: &[&str] = &[
    "status",
    "capacity_type",
    "subnets",
    "min_size",
    "max_size",
    "desired_size",
    "health_issues",
];

pub(super) async fn collect(scope: Scope) -> Collected<Eks> {
    let client: Client = super::sdk_client!(aws_sdk_eks, scope);
    let mut errors = Vec::new();
    let mut pages = client.list_clusters().into_paginator().items().send();
    let (names, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    if let Some(e) = err {
        errors.push(LIST_CLUSTERS.listing_failed(&[Kind::EksCluster, Kind::EksNodegroup], &e));
    }
    let (c, s) = (&client, &scope);
    let clusters = futures::stream::iter(names.into_iter().map(|n| cluster(c, s, n)))
        .buffer_unordered(scope.concurrency)
        .collect::<Vec<_>>()
        .await;
    let mut eks = Eks::default();
    for (cluster, nodegroups, profiles, errs) in clusters {
        eks.clusters.push(cluster);
        eks.nodegroups.extend(nodegroups);
        eks.fargate_profiles.extend(profiles);
        errors.extend(errs);
    }
    (eks, errors)
}

fn owned_tags(t: Option<&HashMap<String, String>>) -> Tags {
    t.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

type ClusterParts = (
    EksCluster,
    Vec<EksNodegroup>,
    Vec<FargateProfile>,
    Vec<CollectError>,
);

async fn cluster(client: &Client, scope: &Scope, name: String) -> ClusterParts {
    let mut errors = Vec::new();
    let described = scope.call(client.describe_cluster().name(&name).send());
    let mut ng_pages = client
        .list_nodegroups()
        .cluster_name(&name)
        .into_paginator()
        .items()
        .send();
    let nodegroups = scope.call(drain(|cx| ng_pages.poll_next(cx)));
    let mut fp_pages = client
        .list_fargate_profiles()
        .cluster_name(&name)
        .into_paginator()
        .items()
        .send();
    let profiles = scope.call(drain(|cx| fp_pages.poll_next(cx)));
    let (described, (ng_names, ng_err), (fp_names, fp_err)) =
        tokio::join!(described, nodegroups, profiles);

    let mut cluster = EksCluster {
        region: scope.region.clone(),
        name: name.clone(),
        ..Default::default()
    };
    match described {
        Ok(out) => {
            if let Some(c) = out.cluster() {
                cluster.arn = c.arn().unwrap_or_default().to_string();
                cluster.status = c.status().map(|s| s.as_str().to_string());
                cluster.version = c.version().map(str::to_string);
                cluster.subnet_ids = c
                    .resources_vpc_config()
                    .map(|v| v.subnet_ids().to_vec())
                    .unwrap_or_default();
                cluster.deletion_protection = c.deletion_protection();
                cluster.tags = owned_tags(c.tags());
            }
        }
        Err(e) => {
            let err = DESCRIBE_CLUSTER.detail_failed(&name, &e);
            mark_unreadable(&mut cluster.unreadable, CLUSTER_FIELDS, &err);
            errors.push(err);
        }
    }
    if let Some(e) = ng_err {
        // The cluster's node groups are not all known: neither the node group rules nor the
        // cluster's compute facts can be judged for it.
        let mut err = LIST_NODEGROUPS.listing_failed(&[Kind::EksNodegroup], &e);
        err.resource = Some(name.clone());
        mark_unreadable(&mut cluster.unreadable, &["nodegroups"], &err);
        errors.push(err);
    }
    if let Some(e) = fp_err {
        let err = LIST_FARGATE_PROFILES.detail_failed(&name, &e);
        mark_unreadable(&mut cluster.unreadable, &["fargate_profiles"], &err);
        errors.push(err);
    }

    let nodegroups = futures::future::join_all(
        ng_names
            .into_iter()
            .map(|ng| nodegroup(client, scope, &name, ng)),
    );
    let profiles = futures::future::join_all(
        fp_names
            .into_iter()
            .map(|fp| fargate_profile(client, scope, &name, fp)),
    );
    let (nodegroups, profiles) = tokio::join!(nodegroups, profiles);
    let mut ngs = Vec::new();
    for (ng, err) in nodegroups {
        ngs.push(ng);
        errors.extend(err);
    }
    let mut fps = Vec::new();
    for (fp, err) in profiles {
        fps.push(fp);
        errors.extend(err);
    }
    (cluster, ngs, fps, errors)
}

async fn nodegroup(
    client: &Client,
    scope: &Scope,
    cluster: &str,
    name: String,
) -> (EksNodegroup, Option<CollectError>) {
    let mut ng = EksNodegroup {
        region: scope.region.clone(),
        cluster_name: cluster.to_string(),
        nodegroup_name: name.clone(),
        ..Default::default()
    };
    let out = scope
        .call(
            client
                .describe_nodegroup()
                .cluster_name(cluster)
                .nodegroup_name(&name)
                .send(),
        )
        .await;
    match out {
        Ok(out) => {
            if let Some(n) = out.nodegroup() {
                let scaling = n.scaling_config();
                ng.arn = n.nodegroup_arn().unwrap_or_default().to_string();
                ng.status = n.status().map(|s| s.as_str().to_string());
                ng.capacity_type = n.capacity_type().map(|c| c.as_str().to_string());
                ng.subnets = n.subnets().to_vec();
                ng.min_size = scaling.and_then(|s| s.min_size()).map(i64::from);
                ng.max_size = scaling.and_then(|s| s.max_size()).map(i64::from);
                ng.desired_size = scaling.and_then(|s| s.desired_size()).map(i64::from);
                ng.health_issues = n
                    .health()
                    .map(|h| h.issues())
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|i| i.code())
                    .map(|c| c.as_str().to_string())
                    .collect();
                ng.tags = owned_tags(n.tags());
            }
            (ng, None)
        }
        Err(e) => {
            let err = DESCRIBE_NODEGROUP.detail_failed(&format!("{cluster}/{name}"), &e);
            mark_unreadable(&mut ng.unreadable, NODEGROUP_FIELDS, &err);
            (ng, Some(err))
        }
    }
}

async fn fargate_profile(
    client: &Client,
    scope: &Scope,
    cluster: &str,
    name: String,
) -> (FargateProfile, Option<CollectError>) {
    let mut fp = FargateProfile {
        region: scope.region.clone(),
        cluster_name: cluster.to_string(),
        fargate_profile_name: name.clone(),
        ..Default::default()
    };
    let out = scope
        .call(
            client
                .describe_fargate_profile()
                .cluster_name(cluster)
                .fargate_profile_name(&name)
                .send(),
        )
        .await;
    match out {
        Ok(out) => {
            if let Some(p) = out.fargate_profile() {
                fp.arn = p.fargate_profile_arn().unwrap_or_default().to_string();
                fp.status = p.status().map(|s| s.as_str().to_string());
                fp.subnets = p.subnets().to_vec();
            }
            (fp, None)
        }
        Err(e) => {
            let err = DESCRIBE_FARGATE_PROFILE.detail_failed(&format!("{cluster}/{name}"), &e);
            mark_unreadable(&mut fp.unreadable, &["subnets", "status"], &err);
            (fp, Some(err))
        }
    }
}
