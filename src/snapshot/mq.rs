use super::{Tags, Unreadable};
use serde::{Deserialize, Serialize};

/// Amazon MQ brokers.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mq {
    #[serde(default)]
    pub brokers: Vec<MqBroker>,
}

impl Mq {
    fn sort_lists(&mut self) {
        self.brokers
            .sort_by(|a, b| (&a.region, &a.broker_id).cmp(&(&b.region, &b.broker_id)));
        for b in &mut self.brokers {
            b.subnet_ids.sort();
            b.actions_required.sort();
        }
    }
}

super::section!(Mq { brokers => MqBroker });
super::listed!(MqBroker, MqBroker, broker_id);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MqBroker {
    pub region: String,
    pub broker_id: String,
    #[serde(default)]
    pub broker_name: String,
    #[serde(default)]
    pub arn: String,
    /// `RUNNING`, `CREATION_IN_PROGRESS`, `CRITICAL_ACTION_REQUIRED`, `REBOOT_IN_PROGRESS` ...
    #[serde(default)]
    pub broker_state: Option<String>,
    /// `SINGLE_INSTANCE`, `ACTIVE_STANDBY_MULTI_AZ` (ActiveMQ) or `CLUSTER_MULTI_AZ`
    /// (RabbitMQ).
    #[serde(default)]
    pub deployment_mode: Option<String>,
    /// `ACTIVEMQ` or `RABBITMQ`, as the API returns it (the case varies).
    #[serde(default)]
    pub engine_type: Option<String>,
    #[serde(default)]
    pub engine_version: Option<String>,
    #[serde(default)]
    pub host_instance_type: Option<String>,
    /// `subnetIds` (DescribeBroker): one subnet per broker instance's AZ.
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    /// `actionsRequired[].actionRequiredCode` (DescribeBroker): why a broker is in the
    /// `CRITICAL_ACTION_REQUIRED` state, e.g. `RABBITMQ_MEMORY_ALARM`.
    #[serde(default)]
    pub actions_required: Vec<String>,
    #[serde(default)]
    pub tags: Tags,
    #[serde(default, skip_serializing_if = "Unreadable::is_empty")]
    pub unreadable: Unreadable,
}
