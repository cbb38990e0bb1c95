//! AWS Elastic Disaster Recovery: each region's source servers (DescribeSourceServers) with
//! their replication state and last launch, and its jobs (DescribeJobs), both paginated. A
//! region where the service was never initialized answers UninitializedAccountException: it
//! protects nothing there, which is not a failed read.

use super::fail::{mark_unreadable, Op};
use super::{drain, Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{Drs, DrsJob, DrsSourceServer};
use aws_sdk_drs::error::ProvideErrorMetadata;
use aws_sdk_drs::Client;

const DESCRIBE_SOURCE_SERVERS: Op =
    Op::new("DescribeSourceServers", "drs:DescribeSourceServers");
const DESCRIBE_JOBS: Op = Op::new("DescribeJobs", "drs:DescribeJobs");

pub const ACTIONS: &[&str] = &[DESCRIBE_SOURCE_SERVERS.action, DESCRIBE_JOBS.action];

const UNINITIALIZED: &str = "UninitializedAccountException";

pub(super) async fn collect(scope: Scope) -> Collected<Drs> {
    let client: Client = super::sdk_client!(aws_sdk_drs, scope);
    let mut errors = Vec::new();
    let mut drs = Drs::default();
    let mut pages = client.describe_source_servers().into_paginator().items().send();
    let (servers, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    match err {
        Some(e) if e.code() == Some(UNINITIALIZED) => return (drs, errors),
        Some(e) => errors.push(DESCRIBE_SOURCE_SERVERS.listing_failed(&[Kind::DrsSourceServer], &e)),
        None => {}
    }
    drs.source_servers = servers
        .iter()
        .map(|s| source_server(&scope.region, s))
        .collect();
    let mut pages = client.describe_jobs().into_paginator().items().send();
    let (jobs, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    match err {
        Some(e) if e.code() == Some(UNINITIALIZED) => {}
        // Without the jobs, whether a server was ever launched rests on its own record.
        Some(e) => {
            let err = DESCRIBE_JOBS.listing_failed(&[], &e);
            for s in &mut drs.source_servers {
                mark_unreadable(&mut s.unreadable, &["launch_jobs"], &err);
            }
            errors.push(err);
        }
        None => {}
    }
    drs.jobs = jobs
        .iter()
        .map(|j| DrsJob {
            region: scope.region.clone(),
            job_id: j.job_id().to_string(),
            job_type: j.r#type().map(|t| t.as_str().to_string()),
            status: j.status().map(|s| s.as_str().to_string()),
            source_server_ids: j
                .participating_servers()
                .iter()
                .filter_map(|p| p.source_server_id().map(str::to_string))
                .collect(),
        })
        .collect();
    (drs, errors)
}

fn source_server(region: &str, s: &aws_sdk_drs::types::SourceServer) -> DrsSourceServer {
    let info = s.data_replication_info();
    DrsSourceServer {
        region: region.to_string(),
        source_server_id: s.source_server_id().unwrap_or_default().to_string(),
        arn: s.arn().unwrap_or_default().to_string(),
        hostname: s
            .source_properties()
            .and_then(|p| p.identification_hints())
            .and_then(|h| h.hostname())
            .map(str::to_string),
        data_replication_state: info
            .and_then(|i| i.data_replication_state())
            .map(|st| st.as_str().to_string()),
        data_replication_error: info
            .and_then(|i| i.data_replication_error())
            .and_then(|e| e.error())
            .map(|e| e.as_str().to_string()),
        lag_duration: info.and_then(|i| i.lag_duration()).map(str::to_string),
        last_launch_result: s.last_launch_result().map(|r| r.as_str().to_string()),
        replication_direction: s.replication_direction().map(|d| d.as_str().to_string()),
        tags: super::tags(
            s.tags()
                .into_iter()
                .flatten()
                .map(|(k, v)| (Some(k.as_str()), Some(v.as_str()))),
        ),
        unreadable: Default::default(),
    }
}
