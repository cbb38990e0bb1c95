//! DAX: clusters with the AZs of their nodes, and the subnet groups they use.
//!
//! Per region: `DescribeClusters`, then, when there is a cluster, `DescribeSubnetGroups`.
//! Neither operation has an SDK paginator: both follow `NextToken` here.

use super::fail::{mark_unreadable, Op};
use super::{Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{Dax, DaxCluster, DaxNode, DaxSubnet, DaxSubnetGroup};
use aws_sdk_dax::config::http::HttpResponse;
use aws_sdk_dax::error::SdkError;
use aws_sdk_dax::types::{Cluster, SubnetGroup};
use aws_sdk_dax::Client;

const DESCRIBE_CLUSTERS: Op = Op::new("DescribeClusters", "dax:DescribeClusters");
const DESCRIBE_SUBNET_GROUPS: Op = Op::new("DescribeSubnetGroups", "dax:DescribeSubnetGroups");

pub const ACTIONS: &[&str] = &[DESCRIBE_CLUSTERS.action, DESCRIBE_SUBNET_GROUPS.action];

/// What a hand-paginated listing read, and the error that stopped it early.
type Pages<T, E> = (Vec<T>, Option<SdkError<E, HttpResponse>>);

pub(super) async fn collect(scope: Scope) -> Collected<Dax> {
    let client: Client = super::sdk_client!(aws_sdk_dax, scope);
    let mut errors = Vec::new();
    let (listed, err) = clusters(&client, &scope).await;
    errors.extend(err.map(|e| DESCRIBE_CLUSTERS.listing_failed(&[Kind::DaxCluster], &e)));
    let mut dax = Dax {
        clusters: listed.iter().map(|c| cluster(&scope.region, c)).collect(),
        ..Dax::default()
    };
    // Subnet groups matter only for the clusters that use them.
    if dax.clusters.is_empty() {
        return (dax, errors);
    }
    let (groups, err) = subnet_groups(&client, &scope).await;
    dax.subnet_groups = groups
        .iter()
        .map(|g| subnet_group(&scope.region, g))
        .collect();
    if let Some(e) = err {
        // A partial listing cannot tell a group that is missing from one not read yet.
        let err = DESCRIBE_SUBNET_GROUPS.listing_failed(&[], &e);
        for c in &mut dax.clusters {
            mark_unreadable(&mut c.unreadable, &["subnet_groups"], &err);
        }
        dax.subnet_groups.clear();
        errors.push(err);
    }
    (dax, errors)
}

async fn clusters(
    client: &Client,
    scope: &Scope,
) -> Pages<Cluster, aws_sdk_dax::operation::describe_clusters::DescribeClustersError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let call = client.describe_clusters().set_next_token(token.take()).send();
        match scope.call(call).await {
            Ok(page) => {
                out.extend(page.clusters().iter().cloned());
                match page.next_token() {
                    Some(t) if !t.is_empty() => token = Some(t.to_string()),
                    _ => return (out, None),
                }
            }
            Err(e) => return (out, Some(e)),
        }
    }
}

async fn subnet_groups(
    client: &Client,
    scope: &Scope,
) -> Pages<SubnetGroup, aws_sdk_dax::operation::describe_subnet_groups::DescribeSubnetGroupsError>
{
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let call = client
            .describe_subnet_groups()
            .set_next_token(token.take())
            .send();
        match scope.call(call).await {
            Ok(page) => {
                out.extend(page.subnet_groups().iter().cloned());
                match page.next_token() {
                    Some(t) if !t.is_empty() => token = Some(t.to_string()),
                    _ => return (out, None),
                }
            }
            Err(e) => return (out, Some(e)),
        }
    }
}

fn cluster(region: &str, c: &Cluster) -> DaxCluster {
    DaxCluster {
        region: region.to_string(),
        cluster_name: c.cluster_name().unwrap_or_default().to_string(),
        arn: c.cluster_arn().unwrap_or_default().to_string(),
        status: c.status().map(str::to_string),
        node_type: c.node_type().map(str::to_string),
        total_nodes: c.total_nodes().map(i64::from),
        nodes: c
            .nodes()
            .iter()
            .map(|n| DaxNode {
                node_id: n.node_id().unwrap_or_default().to_string(),
                node_status: n.node_status().map(str::to_string),
                availability_zone: n.availability_zone().map(str::to_string),
            })
            .collect(),
        subnet_group: c.subnet_group().map(str::to_string),
        ..Default::default()
    }
}

fn subnet_group(region: &str, g: &SubnetGroup) -> DaxSubnetGroup {
    DaxSubnetGroup {
        region: region.to_string(),
        name: g.subnet_group_name().unwrap_or_default().to_string(),
        vpc_id: g.vpc_id().map(str::to_string),
        subnets: g
            .subnets()
            .iter()
            .map(|s| DaxSubnet {
                subnet_id: s.subnet_identifier().unwrap_or_default().to_string(),
                availability_zone: s.subnet_availability_zone().map(str::to_string),
            })
            .collect(),
    }
}
