use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CloudWatch {
    #[serde(default)]
    pub alarms: Vec<Alarm>,
}

impl CloudWatch {
    fn sort_lists(&mut self) {
        self.alarms
            .sort_by(|a, b| (&a.region, &a.alarm_name).cmp(&(&b.region, &b.alarm_name)));
    }
}

super::section!(CloudWatch { alarms => Alarm });
super::listed!(Alarm, Alarm, alarm_name);

/// A metric or composite alarm (DescribeAlarms).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alarm {
    pub region: String,
    pub alarm_name: String,
    pub alarm_arn: String,
    /// `metric` or `composite`.
    pub alarm_type: String,
    /// Absent when the API did not return it (AWS always does).
    #[serde(default)]
    pub actions_enabled: Option<bool>,
    /// Actions run on the transition to ALARM.
    #[serde(default)]
    pub alarm_actions: Vec<String>,
    #[serde(default)]
    pub ok_actions: Vec<String>,
    #[serde(default)]
    pub insufficient_data_actions: Vec<String>,
    /// `OK`, `ALARM` or `INSUFFICIENT_DATA`.
    #[serde(default)]
    pub state_value: Option<String>,
    /// The single metric of a metric alarm; absent for metric-math alarms (see `metrics`) and
    /// composite alarms.
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub metric_name: Option<String>,
    #[serde(default)]
    pub dimensions: Vec<Dimension>,
    /// The metrics a metric-math alarm reads (`Metrics[].MetricStat.Metric`).
    #[serde(default)]
    pub metrics: Vec<AlarmMetric>,
    /// A composite alarm's rule, e.g. `ALARM("db-lag") OR ALARM("db-storage")`.
    #[serde(default)]
    pub alarm_rule: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    pub name: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AlarmMetric {
    pub namespace: String,
    pub metric_name: String,
    #[serde(default)]
    pub dimensions: Vec<Dimension>,
}
