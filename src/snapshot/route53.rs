use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Route53 {
    #[serde(default)]
    pub hosted_zones: Vec<HostedZone>,
    #[serde(default)]
    pub record_sets: Vec<RecordSet>,
    #[serde(default)]
    pub health_checks: Vec<HealthCheck>,
}

impl Route53 {
    fn sort_lists(&mut self) {
        self.hosted_zones.sort_by(|a, b| a.id.cmp(&b.id));
        self.record_sets.sort_by(|a, b| {
            (
                &a.hosted_zone_id,
                &a.name,
                &a.record_type,
                &a.set_identifier,
            )
                .cmp(&(
                    &b.hosted_zone_id,
                    &b.name,
                    &b.record_type,
                    &b.set_identifier,
                ))
        });
        self.health_checks.sort_by(|a, b| a.id.cmp(&b.id));
    }
}

super::section!(Route53 { hosted_zones => HostedZone, record_sets => RecordSet, health_checks => HealthCheck });
super::listed!(global HostedZone, HostedZone, id);

impl super::Listed for RecordSet {
    const KIND: crate::registry::Kind = crate::registry::Kind::Record;
    fn region(&self) -> &str {
        super::GLOBAL_REGION
    }
    /// Zone, name, type and set identifier: a record set has no id of its own.
    fn id(&self) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Owned(format!(
            "{}/{}/{}/{}",
            self.hosted_zone_id,
            self.name,
            self.record_type,
            self.set_identifier.as_deref().unwrap_or("")
        ))
    }
}
super::listed!(global HealthCheck, HealthCheck, id);

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HostedZone {
    /// Zone id without the `/hostedzone/` prefix.
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub private_zone: bool,
    #[serde(default)]
    pub record_count: Option<i64>,
    /// Service principal of a zone created by another AWS service.
    #[serde(default)]
    pub linked_service: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordSet {
    pub hosted_zone_id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub record_type: String,
    #[serde(default)]
    pub set_identifier: Option<String>,
    /// `PRIMARY` or `SECONDARY` for failover records.
    #[serde(default)]
    pub failover: Option<String>,
    #[serde(default)]
    pub health_check_id: Option<String>,
    #[serde(default)]
    pub ttl: Option<i64>,
    #[serde(default)]
    pub alias_target: Option<AliasTarget>,
    /// Latency-routing region of the record (not where the record lives).
    #[serde(default)]
    pub routing_region: Option<String>,
    #[serde(default)]
    pub weight: Option<i64>,
    #[serde(default)]
    pub multi_value_answer: Option<bool>,
    /// Geolocation routing: `continent=EU`, `country=US subdivision=CA`, or `*` (the default
    /// location). Absent for other records and in snapshots written before it was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geolocation: Option<String>,
    /// Geoproximity routing: the AWS region (or local zone group, or coordinates) the record
    /// answers from. Absent for other records and in snapshots written before it was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geoproximity_region: Option<String>,
    #[serde(default)]
    pub values: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AliasTarget {
    pub dns_name: String,
    pub hosted_zone_id: String,
    #[serde(default)]
    pub evaluate_target_health: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HealthCheck {
    pub id: String,
    /// `HTTP`, `HTTPS`, `TCP`, `CALCULATED`, `CLOUDWATCH_METRIC`...
    #[serde(rename = "type")]
    pub check_type: String,
    #[serde(default)]
    pub fqdn: Option<String>,
    #[serde(default)]
    pub ip_address: Option<String>,
    #[serde(default)]
    pub port: Option<i64>,
    #[serde(default)]
    pub resource_path: Option<String>,
    #[serde(default)]
    pub request_interval: Option<i64>,
    #[serde(default)]
    pub failure_threshold: Option<i64>,
    #[serde(default)]
    pub disabled: bool,
    #[serde(default)]
    pub inverted: bool,
    #[serde(default)]
    pub child_health_checks: Vec<String>,
}
