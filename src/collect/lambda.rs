//! Lambda: every function of the region (ListFunctions), with its reserved concurrency and
//! asynchronous invocation settings, one call each per function.
//!
//! GetFunction is never called: its `Code.Location` is a presigned S3 URL that nothing here
//! needs, and following it would leave the scanned endpoint.

use crate::registry::Kind;
use super::fail::{mark_unreadable, Op};
use super::{drain, Collected, Scope};
use crate::snapshot::{CollectError, EventInvokeConfig, Lambda, LambdaFunction};
use aws_sdk_lambda::types::FunctionConfiguration;
use aws_sdk_lambda::Client;
use futures::StreamExt;

const LIST_FUNCTIONS: Op = Op::new("ListFunctions", "lambda:ListFunctions");
const GET_CONCURRENCY: Op = Op::new("GetFunctionConcurrency", "lambda:GetFunctionConcurrency");
const LIST_INVOKE_CONFIGS: Op = Op::new(
    "ListFunctionEventInvokeConfigs",
    "lambda:ListFunctionEventInvokeConfigs",
);

pub const ACTIONS: &[&str] = &[
    LIST_FUNCTIONS.action,
    GET_CONCURRENCY.action,
    LIST_INVOKE_CONFIGS.action,
];

pub(super) async fn collect(scope: Scope) -> Collected<Lambda> {
    let client: Client = super::sdk_client!(aws_sdk_lambda, scope);
    let mut pages = client.list_functions().into_paginator().items().send();
    let (items, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let mut errors: Vec<CollectError> = err
        .map(|e| LIST_FUNCTIONS.listing_failed(&[Kind::Function], &e))
        .into_iter()
        .collect();
    let functions: Vec<LambdaFunction> = items.iter().map(|f| function(&scope.region, f)).collect();
    let (s, c) = (&scope, &client);
    let details = futures::stream::iter(functions.into_iter().map(|f| detail(s, c, f)))
        .buffer_unordered(scope.concurrency)
        .collect::<Vec<_>>()
        .await;
    let mut lambda = Lambda::default();
    for (f, errs) in details {
        lambda.functions.push(f);
        errors.extend(errs);
    }
    (lambda, errors)
}

fn function(region: &str, f: &FunctionConfiguration) -> LambdaFunction {
    let vpc = f.vpc_config();
    LambdaFunction {
        region: region.to_string(),
        function_name: f.function_name().unwrap_or_default().to_string(),
        function_arn: f.function_arn().unwrap_or_default().to_string(),
        runtime: f.runtime().map(|r| r.as_str().to_string()),
        package_type: f.package_type().map(|p| p.as_str().to_string()),
        state: f.state().map(|s| s.as_str().to_string()),
        state_reason: f.state_reason().map(str::to_string),
        last_update_status: f.last_update_status().map(|s| s.as_str().to_string()),
        // AWS returns an empty VpcConfig for functions outside a VPC.
        vpc_id: vpc
            .and_then(|v| v.vpc_id())
            .filter(|v| !v.is_empty())
            .map(str::to_string),
        subnet_ids: vpc.map(|v| v.subnet_ids().to_vec()).unwrap_or_default(),
        dead_letter_target_arn: f
            .dead_letter_config()
            .and_then(|d| d.target_arn())
            .filter(|t| !t.is_empty())
            .map(str::to_string),
        ..Default::default()
    }
}

async fn detail(
    scope: &Scope,
    client: &Client,
    mut f: LambdaFunction,
) -> (LambdaFunction, Vec<CollectError>) {
    let mut errors = Vec::new();
    let name = f.function_name.clone();
    let mut pages = client
        .list_function_event_invoke_configs()
        .function_name(&name)
        .into_paginator()
        .items()
        .send();
    let (concurrency, (configs, configs_err)) = tokio::join!(
        scope.call(
            client
                .get_function_concurrency()
                .function_name(&name)
                .send()
        ),
        scope.call(drain(|cx| pages.poll_next(cx))),
    );
    match concurrency {
        Ok(out) => f.reserved_concurrency = out.reserved_concurrent_executions().map(i64::from),
        Err(e) => {
            let err = GET_CONCURRENCY.detail_failed(&f.function_arn, &e);
            mark_unreadable(&mut f.unreadable, &["reserved_concurrency"], &err);
            errors.push(err);
        }
    }
    f.event_invoke_configs = configs
        .iter()
        .map(|c| {
            let dest = c.destination_config();
            EventInvokeConfig {
                function_arn: c.function_arn().unwrap_or_default().to_string(),
                on_failure_destination: dest
                    .and_then(|d| d.on_failure())
                    .and_then(|o| o.destination())
                    .filter(|d| !d.is_empty())
                    .map(str::to_string),
                on_success_destination: dest
                    .and_then(|d| d.on_success())
                    .and_then(|o| o.destination())
                    .filter(|d| !d.is_empty())
                    .map(str::to_string),
                maximum_retry_attempts: c.maximum_retry_attempts().map(i64::from),
                maximum_event_age_in_seconds: c.maximum_event_age_in_seconds().map(i64::from),
            }
        })
        .collect();
    if let Some(e) = configs_err {
        let err = LIST_INVOKE_CONFIGS.detail_failed(&f.function_arn, &e);
        mark_unreadable(&mut f.unreadable, &["event_invoke_configs"], &err);
        errors.push(err);
    }
    (f, errors)
}
