//! Elastic Disaster Recovery source servers: whether their data still replicates, and whether
//! a drill or a recovery ever launched them.

use super::mq::said;
use super::{Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::DrsSourceServer;
use std::borrow::Cow;
use std::collections::HashMap;

crate::facts! {
    /// Derived facts of an Elastic Disaster Recovery source server.
    pub struct SourceServerFacts<'a> {
        /// `dataReplicationInfo.dataReplicationState`.
        pub replication_state: Known<&'a str>,
        /// The LAUNCH jobs (drills and recoveries) that name it, from DescribeJobs.
        pub launch_jobs: Known<Vec<&'a str>>,
        /// Whether it was ever launched: its last launch is `PENDING`, `SUCCEEDED` or
        /// `FAILED`, or a LAUNCH job names it; false when its last launch is `NOT_STARTED`
        /// and no job names it.
        pub launched: Known<bool>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    let s = &ctx.snapshot.drs;
    // (region, source server) -> the LAUNCH jobs that name it.
    let mut jobs: HashMap<(&str, &str), Vec<&str>> = HashMap::new();
    for j in s.jobs.iter().filter(|j| j.job_type.as_deref() == Some("LAUNCH")) {
        for id in &j.source_server_ids {
            jobs.entry((j.region.as_str(), id.as_str()))
                .or_default()
                .push(j.job_id.as_str());
        }
    }
    for server in &s.source_servers {
        let named = jobs
            .get(&(server.region.as_str(), server.source_server_id.as_str()))
            .cloned()
            .unwrap_or_default();
        out.push(source_server(ctx, server, named));
    }
}

fn launched(server: &DrsSourceServer, jobs: &Known<Vec<&str>>) -> Known<bool> {
    match (server.last_launch_result.as_deref(), jobs) {
        (_, Known::Is(j)) if !j.is_empty() => Known::Is(true),
        (Some("NOT_STARTED"), _) => Known::Is(false),
        (Some(_), _) => Known::Is(true),
        (None, Known::Is(_)) => Known::Is(false),
        (None, Known::Unknown(why)) => Known::Unknown(why.clone()),
    }
}

fn source_server<'a>(
    ctx: &Ctx<'a>,
    s: &'a DrsSourceServer,
    mut named: Vec<&'a str>,
) -> Resource<'a> {
    named.sort_unstable();
    named.dedup();
    let jobs = match s.unreadable.get("launch_jobs") {
        Some(why) => Known::unknown(why),
        None => Known::Is(named),
    };
    let f = SourceServerFacts {
        replication_state: said(
            s.data_replication_state.as_deref(),
            "DescribeSourceServers returned no dataReplicationInfo.dataReplicationState",
        ),
        launched: launched(s, &jobs),
        launch_jobs: jobs,
    };
    Resource {
        kind: Kind::DrsSourceServer,
        id: Cow::Borrowed(&s.source_server_id),
        name: s.hostname.as_deref().map(Cow::Borrowed),
        arn: ctx.arn_or(&s.arn, "drs", &s.region, "source-server", &s.source_server_id),
        region: Cow::Borrowed(&s.region),
        source: Some(s),
        unreadable: Some(&s.unreadable),
        facts: Box::new(f),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::tests::find;
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    fn server(id: &str, result: Option<&str>) -> DrsSourceServer {
        DrsSourceServer {
            region: "r".into(),
            source_server_id: id.into(),
            data_replication_state: Some("CONTINUOUS".into()),
            last_launch_result: result.map(str::to_string),
            ..Default::default()
        }
    }

    fn job(id: &str, kind: &str, servers: &[&str]) -> DrsJob {
        DrsJob {
            region: "r".into(),
            job_id: id.into(),
            job_type: Some(kind.into()),
            status: Some("COMPLETED".into()),
            source_server_ids: servers.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn launched_from_the_servers_record_or_a_launch_job() {
        let mut s = Snapshot::new("111122223333", vec!["r".into()], "t".into());
        s.drs.source_servers = vec![
            server("s-drilled", Some("SUCCEEDED")),
            server("s-never", Some("NOT_STARTED")),
            server("s-pending", Some("NOT_STARTED")),
            server("s-silent", None),
            server("s-terminated", None),
        ];
        s.drs.jobs = vec![
            job("drsjob-2", "LAUNCH", &["s-pending", "s-drilled"]),
            job("drsjob-1", "LAUNCH", &["s-drilled"]),
            job("drsjob-3", "TERMINATE", &["s-terminated"]),
        ];
        let mut unread = Unreadable::new();
        unread.insert(
            "launch_jobs".into(),
            "DescribeJobs failed: AccessDeniedException".into(),
        );
        s.drs.source_servers.push(DrsSourceServer {
            source_server_id: "s-unread".into(),
            unreadable: unread,
            ..server("s-unread", None)
        });
        let m = Model::build(&s);
        let fields = |id: &str| find(&m, "drs.source_server", id).fields();
        assert_eq!(fields("s-drilled")["launch_jobs"], json!(["drsjob-1", "drsjob-2"]));
        assert_eq!(fields("s-drilled")["launched"], json!(true));
        assert_eq!(fields("s-never")["launched"], json!(false));
        assert_eq!(fields("s-pending")["launched"], json!(true));
        assert_eq!(fields("s-silent")["launched"], json!(false));
        assert_eq!(fields("s-terminated")["launch_jobs"], json!([]));
        assert_eq!(fields("s-terminated")["launched"], json!(false));
        assert_eq!(fields("s-drilled")["replication_state"], json!("CONTINUOUS"));
        let unread = find(&m, "drs.source_server", "s-unread");
        assert_eq!(
            unread.unknown()["launched"],
            "DescribeJobs failed: AccessDeniedException"
        );
        assert_eq!(
            unread.arn,
            "arn:aws:drs:r:111122223333:source-server/s-unread"
        );
    }
}
