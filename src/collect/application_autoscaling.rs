//! Application Auto Scaling: the scalable targets of DynamoDB tables and indexes.
//!
//! Called from the DynamoDB collector rather than run as a job of its own: the targets are
//! facts about tables (does this table scale?), so reading them in the same job puts them on
//! the tables they scale, and a failed read marks exactly those tables' autoscaling unknown,
//! under the `dynamodb` coverage entry that rules about tables already depend on. A job of its
//! own would need a second coverage key and a cross-service join for one call.

use super::fail::Op;
use super::{drain, Listing, Scope};
use crate::snapshot::ScalableTarget;
use aws_sdk_applicationautoscaling::types::{ScalableDimension, ServiceNamespace};
use aws_sdk_applicationautoscaling::Client;

const DESCRIBE_SCALABLE_TARGETS: Op = Op::new(
    "DescribeScalableTargets",
    "application-autoscaling:DescribeScalableTargets",
);

pub const ACTIONS: &[&str] = &[DESCRIBE_SCALABLE_TARGETS.action];

/// Targets per page: the API's maximum.
const MAX_RESULTS: i32 = 50;

/// A DynamoDB scalable target and the table it belongs to.
pub(super) struct TableTarget {
    pub table_name: String,
    pub target: ScalableTarget,
}

/// Every DynamoDB scalable target of the scope's region. The error, if any, has no kinds:
/// no resource listing is incomplete, only the tables' autoscaling is unknown.
pub(super) async fn dynamodb_targets(scope: &Scope) -> Listing<TableTarget> {
    let client: Client = super::sdk_client!(aws_sdk_applicationautoscaling, scope);
    let mut pages = client
        .describe_scalable_targets()
        .service_namespace(ServiceNamespace::Dynamodb)
        .max_results(MAX_RESULTS)
        .into_paginator()
        .items()
        .send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let targets = items
        .iter()
        .filter_map(|t| {
            let (table_name, index_name) = parse_resource_id(t.resource_id())?;
            Some(TableTarget {
                table_name,
                target: ScalableTarget {
                    index_name,
                    scalable_dimension: dimension(t.scalable_dimension()),
                    min_capacity: i64::from(t.min_capacity()),
                    max_capacity: i64::from(t.max_capacity()),
                    scale_out_suspended: t
                        .suspended_state()
                        .and_then(|s| s.dynamic_scaling_out_suspended())
                        .unwrap_or(false),
                },
            })
        })
        .collect();
    let err = err.map(|e| DESCRIBE_SCALABLE_TARGETS.listing_failed(&[], &e));
    (targets, err)
}

fn dimension(d: &ScalableDimension) -> String {
    d.as_str().to_string()
}

/// `table/<name>` or `table/<name>/index/<index>` as (table, index).
fn parse_resource_id(id: &str) -> Option<(String, Option<String>)> {
    let rest = id.strip_prefix("table/")?;
    match rest.split_once("/index/") {
        Some((table, index)) => Some((table.to_string(), Some(index.to_string()))),
        None if !rest.is_empty() && !rest.contains('/') => Some((rest.to_string(), None)),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::parse_resource_id;

    #[test]
    fn resource_ids() {
        assert_eq!(
            parse_resource_id("table/orders"),
            Some(("orders".to_string(), None))
        );
        assert_eq!(
            parse_resource_id("table/orders/index/by-customer"),
            Some(("orders".to_string(), Some("by-customer".to_string())))
        );
        assert_eq!(parse_resource_id("keyspace/k/table/t"), None);
        assert_eq!(parse_resource_id("table/"), None);
    }
}
