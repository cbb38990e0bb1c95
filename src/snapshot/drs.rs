use super::Unreadable;
use serde::{Deserialize, Serialize};

/// AWS Elastic Disaster Recovery: the source servers each region replicates, and its jobs.
/// A region where the service was never initialized holds neither.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Drs {
    #[serde(default)]
    pub source_servers: Vec<DrsSourceServer>,
    /// DescribeJobs: drills, recoveries and the other jobs the service ran.
    #[serde(default)]
    pub jobs: Vec<DrsJob>,
}

impl Drs {
    fn sort_lists(&mut self) {
        self.source_servers.sort_by(|a, b| {
            (&a.region, &a.source_server_id).cmp(&(&b.region, &b.source_server_id))
        });
        self.jobs
            .sort_by(|a, b| (&a.region, &a.job_id).cmp(&(&b.region, &b.job_id)));
        for j in &mut self.jobs {
            j.source_server_ids.sort();
        }
    }
}

super::section!(Drs { source_servers => DrsSourceServer, jobs });
super::listed!(DrsSourceServer, DrsSourceServer, source_server_id);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DrsSourceServer {
    pub region: String,
    /// `s-...`.
    pub source_server_id: String,
    #[serde(default)]
    pub arn: String,
    /// The source machine's host name, from its identification hints.
    #[serde(default)]
    pub hostname: Option<String>,
    /// `dataReplicationInfo.dataReplicationState`: `CONTINUOUS` when the replica is current;
    /// `INITIATING`, `INITIAL_SYNC`, `BACKLOG`, `CREATING_SNAPSHOT` and `RESCAN` on the way
    /// there; `STALLED`, `PAUSED`, `STOPPED` and `DISCONNECTED` when it is not replicating.
    #[serde(default)]
    pub data_replication_state: Option<String>,
    /// `dataReplicationInfo.dataReplicationError.error`, when replication reports one.
    #[serde(default)]
    pub data_replication_error: Option<String>,
    /// How far the replica lags behind the source (ISO 8601 duration).
    #[serde(default)]
    pub lag_duration: Option<String>,
    /// `lastLaunchResult`: `NOT_STARTED`, `PENDING`, `SUCCEEDED` or `FAILED`.
    #[serde(default)]
    pub last_launch_result: Option<String>,
    /// `FAILOVER` (protects a source) or `FAILBACK` (replicates a recovered instance back).
    #[serde(default)]
    pub replication_direction: Option<String>,
    #[serde(default)]
    pub tags: super::Tags,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DrsJob {
    pub region: String,
    pub job_id: String,
    /// `LAUNCH` (a drill or a recovery), `TERMINATE` or `CREATE_CONVERTED_SNAPSHOT`.
    #[serde(default)]
    pub job_type: Option<String>,
    /// `PENDING`, `STARTED` or `COMPLETED`.
    #[serde(default)]
    pub status: Option<String>,
    /// The source servers the job took part for.
    #[serde(default)]
    pub source_server_ids: Vec<String>,
}
