//! CloudWatch: the metric and composite alarms of the region (DescribeAlarms), with what they
//! watch and what they do when they fire.

use crate::registry::Kind;
use super::fail::Op;
use super::{drain, Collected, Scope};
use crate::snapshot::{Alarm, AlarmMetric, CloudWatch, Dimension};
use aws_sdk_cloudwatch::types::{
    AlarmType, CompositeAlarm, Dimension as SdkDimension, MetricAlarm,
};
use aws_sdk_cloudwatch::Client;

const DESCRIBE_ALARMS: Op = Op::new("DescribeAlarms", "cloudwatch:DescribeAlarms");

pub const ACTIONS: &[&str] = &[DESCRIBE_ALARMS.action];

/// Alarms per DescribeAlarms page: the API's maximum.
const MAX_RECORDS: i32 = 100;

pub(super) async fn collect(scope: Scope) -> Collected<CloudWatch> {
    let client: Client = super::sdk_client!(aws_sdk_cloudwatch, scope);
    let mut pages = client
        .describe_alarms()
        // Without AlarmTypes the API returns metric alarms only.
        .alarm_types(AlarmType::MetricAlarm)
        .alarm_types(AlarmType::CompositeAlarm)
        .max_records(MAX_RECORDS)
        .into_paginator()
        .send();
    let (pages, err) = scope.call(drain(|cx| pages.poll_next(cx))).await;
    let region = &scope.region;
    let alarms = pages
        .iter()
        .flat_map(|p| {
            let metric = p.metric_alarms().iter().map(|a| metric_alarm(region, a));
            let composite = p
                .composite_alarms()
                .iter()
                .map(|a| composite_alarm(region, a));
            metric.chain(composite).collect::<Vec<_>>()
        })
        .collect();
    let errors = err
        .map(|e| DESCRIBE_ALARMS.listing_failed(&[Kind::Alarm], &e))
        .into_iter()
        .collect();
    (CloudWatch { alarms }, errors)
}

fn dimensions(d: &[SdkDimension]) -> Vec<Dimension> {
    d.iter()
        .map(|d| Dimension {
            name: d.name().unwrap_or_default().to_string(),
            value: d.value().unwrap_or_default().to_string(),
        })
        .collect()
}

fn metric_alarm(region: &str, a: &MetricAlarm) -> Alarm {
    Alarm {
        region: region.to_string(),
        alarm_name: a.alarm_name().unwrap_or_default().to_string(),
        alarm_arn: a.alarm_arn().unwrap_or_default().to_string(),
        alarm_type: "metric".to_string(),
        actions_enabled: a.actions_enabled(),
        alarm_actions: a.alarm_actions().to_vec(),
        ok_actions: a.ok_actions().to_vec(),
        insufficient_data_actions: a.insufficient_data_actions().to_vec(),
        state_value: a.state_value().map(|s| s.as_str().to_string()),
        namespace: a.namespace().map(str::to_string),
        metric_name: a.metric_name().map(str::to_string),
        dimensions: dimensions(a.dimensions()),
        metrics: a
            .metrics()
            .iter()
            .filter_map(|q| q.metric_stat()?.metric())
            .map(|m| AlarmMetric {
                namespace: m.namespace().unwrap_or_default().to_string(),
                metric_name: m.metric_name().unwrap_or_default().to_string(),
                dimensions: dimensions(m.dimensions()),
            })
            .collect(),
        alarm_rule: None,
    }
}

fn composite_alarm(region: &str, a: &CompositeAlarm) -> Alarm {
    Alarm {
        region: region.to_string(),
        alarm_name: a.alarm_name().unwrap_or_default().to_string(),
        alarm_arn: a.alarm_arn().unwrap_or_default().to_string(),
        alarm_type: "composite".to_string(),
        actions_enabled: a.actions_enabled(),
        alarm_actions: a.alarm_actions().to_vec(),
        ok_actions: a.ok_actions().to_vec(),
        insufficient_data_actions: a.insufficient_data_actions().to_vec(),
        state_value: a.state_value().map(|s| s.as_str().to_string()),
        alarm_rule: a.alarm_rule().map(str::to_string),
        ..Default::default()
    }
}
