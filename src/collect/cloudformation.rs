//! AWS CloudFormation: each stack's status, nesting and termination protection.
//!
//! Per region: DescribeStacks (paginated), which lists every stack that is not deleted with
//! all of these.

use super::fail::Op;
use super::{drain, tags, Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{CfnStack, CloudFormation};
use aws_sdk_cloudformation::types::Stack;
use aws_sdk_cloudformation::Client;

const DESCRIBE_STACKS: Op = Op::new("DescribeStacks", "cloudformation:DescribeStacks");

pub const ACTIONS: &[&str] = &[DESCRIBE_STACKS.action];

pub(super) async fn collect(scope: Scope) -> Collected<CloudFormation> {
    let client: Client = super::sdk_client!(aws_sdk_cloudformation, scope);
    let mut pages = client.describe_stacks().into_paginator().items().send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let section = CloudFormation {
        stacks: items.iter().map(|s| stack(&scope.region, s)).collect(),
    };
    let errors = err
        .map(|e| DESCRIBE_STACKS.listing_failed(&[Kind::CfnStack], &e))
        .into_iter()
        .collect();
    (section, errors)
}

fn stack(region: &str, s: &Stack) -> CfnStack {
    let nonempty = |v: Option<&str>| v.filter(|v| !v.is_empty()).map(str::to_string);
    CfnStack {
        region: region.to_string(),
        stack_name: s.stack_name().unwrap_or_default().to_string(),
        stack_id: s.stack_id().unwrap_or_default().to_string(),
        stack_status: s.stack_status().map(|st| st.as_str().to_string()),
        stack_status_reason: nonempty(s.stack_status_reason()),
        parent_id: nonempty(s.parent_id()),
        root_id: nonempty(s.root_id()),
        enable_termination_protection: s.enable_termination_protection(),
        tags: tags(s.tags().iter().map(|t| (t.key(), t.value()))),
    }
}
