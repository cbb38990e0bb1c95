use super::Unreadable;
use serde::{Deserialize, Serialize};

/// Kinesis data streams.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Kinesis {
    #[serde(default)]
    pub streams: Vec<KinesisStream>,
}

impl Kinesis {
    fn sort_lists(&mut self) {
        self.streams
            .sort_by(|a, b| (&a.region, &a.stream_name).cmp(&(&b.region, &b.stream_name)));
    }
}

super::section!(Kinesis { streams => KinesisStream });
super::listed!(KinesisStream, KinesisStream, stream_name);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KinesisStream {
    pub region: String,
    pub stream_name: String,
    #[serde(default)]
    pub arn: String,
    /// `CREATING`, `DELETING`, `ACTIVE` or `UPDATING`.
    #[serde(default)]
    pub stream_status: Option<String>,
    /// `PROVISIONED` or `ON_DEMAND`.
    #[serde(default)]
    pub stream_mode: Option<String>,
    /// How long records stay readable, in hours (24 to 8760).
    #[serde(default)]
    pub retention_period_hours: Option<i64>,
    #[serde(default)]
    pub open_shard_count: Option<i64>,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}
