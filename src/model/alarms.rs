//! CloudWatch alarms as resources, and on the critical resources of other services the
//! alarms that watch their health metric (`health_alarms`).
//!
//! An alarm counts as watching a resource when it reads one of the resource's health metrics
//! (below) with a dimension naming the resource, and someone is told when it fires: its
//! actions are enabled and it has an ALARM action, or a composite alarm that is itself told
//! names it in an `ALARM(...)` term.
//!
//! Health metrics:
//! - load balancers: `UnHealthyHostCount` / `HealthyHostCount` (AWS/ApplicationELB,
//!   AWS/NetworkELB, AWS/GatewayELB) by `LoadBalancer` (`app/<name>/<id>`, `net/...`) or by
//!   the `TargetGroup` of one of its target groups;
//! - RDS DB instances: the metrics that show an instance failing or about to
//!   (AWS/RDS by `DBInstanceIdentifier`): `ReplicaLag`, `FreeStorageSpace`, `FreeableMemory`,
//!   `CPUUtilization`, `DatabaseConnections`, `DiskQueueDepth`, `ReadLatency`, `WriteLatency`;
//! - NAT gateways: `ErrorPortAllocation` / `PacketsDropCount` (AWS/NATGateway by
//!   `NatGatewayId`);
//! - EC2 instances: `StatusCheckFailed` and its `_System`, `_Instance`, `_AttachedEBS` parts
//!   (AWS/EC2 by `InstanceId`).
//!
//! These facts are unknown when CloudWatch was not collected, or not completely, in the
//! resource's region: no alarm found in a listing that was never made is not "no alarm".

use super::{distinct, Ctx, Known, MarkUnknown};
use crate::registry::Service;
use crate::snapshot::{Alarm, Dimension, Snapshot};
use std::collections::{BTreeMap, HashMap, HashSet};

const ELB_NAMESPACES: &[&str] = &["AWS/ApplicationELB", "AWS/NetworkELB", "AWS/GatewayELB"];
const ELB_METRICS: &[&str] = &["UnHealthyHostCount", "HealthyHostCount"];
const RDS_METRICS: &[&str] = &[
    "ReplicaLag",
    "FreeStorageSpace",
    "FreeableMemory",
    "CPUUtilization",
    "DatabaseConnections",
    "DiskQueueDepth",
    "ReadLatency",
    "WriteLatency",
];
const NAT_METRICS: &[&str] = &["ErrorPortAllocation", "PacketsDropCount"];
const EC2_METRICS: &[&str] = &[
    "StatusCheckFailed",
    "StatusCheckFailed_System",
    "StatusCheckFailed_Instance",
    "StatusCheckFailed_AttachedEBS",
];

/// What identifies a resource's health metric: namespaces, metric names, and the
/// (dimension name, value) pairs that name the resource.
pub(crate) struct HealthMetric {
    namespaces: &'static [&'static str],
    metrics: &'static [&'static str],
    dimensions: Vec<(&'static str, String)>,
}

/// The part of an ELB ARN CloudWatch uses as the dimension value: `app/<name>/<id>` after
/// `loadbalancer/`, `targetgroup/<name>/<id>` after the last `:`.
fn elb_dimension<'a>(arn: &'a str, resource_type: &str) -> Option<&'a str> {
    let rest = arn.rsplit(':').next()?;
    match resource_type {
        "loadbalancer" => rest.strip_prefix("loadbalancer/"),
        _ => rest.starts_with("targetgroup/").then_some(rest),
    }
}

impl HealthMetric {
    /// A load balancer's: by its own dimension or by one of its target groups'.
    pub(crate) fn load_balancer<'t>(
        arn: &str,
        target_groups: impl IntoIterator<Item = &'t str>,
    ) -> HealthMetric {
        let mut dimensions: Vec<(&str, String)> = elb_dimension(arn, "loadbalancer")
            .map(|d| ("LoadBalancer", d.to_string()))
            .into_iter()
            .collect();
        dimensions.extend(
            target_groups
                .into_iter()
                .filter_map(|a| elb_dimension(a, "targetgroup"))
                .map(|d| ("TargetGroup", d.to_string())),
        );
        HealthMetric {
            namespaces: ELB_NAMESPACES,
            metrics: ELB_METRICS,
            dimensions,
        }
    }

    pub(crate) fn db_instance(id: &str) -> HealthMetric {
        HealthMetric {
            namespaces: &["AWS/RDS"],
            metrics: RDS_METRICS,
            dimensions: vec![("DBInstanceIdentifier", id.to_string())],
        }
    }

    /// An Aurora global database secondary's replication lag behind the primary region.
    pub(crate) fn global_db_lag(cluster_id: &str) -> HealthMetric {
        HealthMetric {
            namespaces: &["AWS/RDS"],
            metrics: &["AuroraGlobalDBReplicationLag", "AuroraGlobalDBRPOLag"],
            dimensions: vec![("DBClusterIdentifier", cluster_id.to_string())],
        }
    }

    pub(crate) fn nat_gateway(id: &str) -> HealthMetric {
        HealthMetric {
            namespaces: &["AWS/NATGateway"],
            metrics: NAT_METRICS,
            dimensions: vec![("NatGatewayId", id.to_string())],
        }
    }

    pub(crate) fn instance(id: &str) -> HealthMetric {
        HealthMetric {
            namespaces: &["AWS/EC2"],
            metrics: EC2_METRICS,
            dimensions: vec![("InstanceId", id.to_string())],
        }
    }
}

/// The alarm names a composite alarm's rule depends on through `ALARM(...)` terms, by name
/// or by ARN (`arn:aws:cloudwatch:<region>:<account>:alarm:<name>`).
pub(crate) fn alarm_terms(rule: &str) -> Vec<String> {
    rule.match_indices("ALARM(")
        .filter_map(|(i, m)| {
            let rest = &rule[i + m.len()..];
            let inner = rest[..rest.find(')')?].trim().trim_matches('"').trim();
            let name = inner.split_once(":alarm:").map_or(inner, |(_, name)| name);
            (!name.is_empty()).then(|| name.to_string())
        })
        .collect()
}

/// Alarms of one region, with whether each one's firing reaches someone.
pub(crate) struct Regional<'a> {
    alarms: Vec<&'a Alarm>,
    /// Positions in `alarms` of the alarms that name each (dimension name, value), in their
    /// metric or in a metric query: a resource's alarms are looked up, not searched for, so
    /// that a region of many alarms and resources is not judged pair by pair.
    by_dimension: HashMap<(&'a str, &'a str), Vec<usize>>,
    /// The first alarm of each name.
    by_name: HashMap<&'a str, &'a Alarm>,
    /// Alarm name -> the notifying composite alarms that name it in an `ALARM(...)` term.
    notified_through: HashMap<&'a str, Vec<&'a str>>,
    notifying: HashSet<&'a str>,
}

/// An alarm that tells someone when it fires: actions enabled and an ALARM action.
fn acts(a: &Alarm) -> bool {
    a.actions_enabled == Some(true) && !a.alarm_actions.is_empty()
}

impl<'a> Regional<'a> {
    fn new(alarms: Vec<&'a Alarm>) -> Regional<'a> {
        let mut by_name: HashMap<&str, &Alarm> = HashMap::new();
        let mut by_dimension: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (i, a) in alarms.iter().enumerate() {
            by_name.entry(a.alarm_name.as_str()).or_insert(*a);
            for d in a
                .dimensions
                .iter()
                .chain(a.metrics.iter().flat_map(|q| &q.dimensions))
            {
                let at = by_dimension
                    .entry((d.name.as_str(), d.value.as_str()))
                    .or_default();
                if at.last() != Some(&i) {
                    at.push(i);
                }
            }
        }
        // A composite notifies if it acts, or if a notifying composite names it: iterate to a
        // fixed point (composites can nest).
        let mut notifying: HashSet<&str> = alarms
            .iter()
            .filter(|a| acts(a))
            .map(|a| a.alarm_name.as_str())
            .collect();
        let terms: Vec<(&str, Vec<String>)> = alarms
            .iter()
            .filter_map(|a| Some((a.alarm_name.as_str(), alarm_terms(a.alarm_rule.as_deref()?))))
            .collect();
        loop {
            let before = notifying.len();
            for (composite, names) in &terms {
                if notifying.contains(composite) {
                    for n in names {
                        if let Some(a) = by_name.get(n.as_str()) {
                            if a.alarm_type == "composite" {
                                notifying.insert(a.alarm_name.as_str());
                            }
                        }
                    }
                }
            }
            if notifying.len() == before {
                break;
            }
        }
        let mut notified_through: HashMap<&str, Vec<&str>> = HashMap::new();
        for (composite, names) in &terms {
            if !notifying.contains(composite) {
                continue;
            }
            for n in names {
                if let Some(a) = by_name.get(n.as_str()) {
                    notified_through
                        .entry(a.alarm_name.as_str())
                        .or_default()
                        .push(*composite);
                }
            }
        }
        Regional {
            alarms,
            by_dimension,
            by_name,
            notified_through,
            notifying,
        }
    }

    /// The notifying composite alarms that name `alarm` in an `ALARM(...)` term.
    pub(crate) fn notified_through(&self, alarm: &str) -> &[&'a str] {
        self.notified_through.get(alarm).map_or(&[], Vec::as_slice)
    }

    fn reaches_someone(&self, a: &Alarm) -> bool {
        self.notifying.contains(a.alarm_name.as_str())
            || self.notified_through.contains_key(a.alarm_name.as_str())
    }
}

fn watches(a: &Alarm, m: &HealthMetric) -> bool {
    let names = |dims: &[Dimension]| {
        dims.iter().any(|d| {
            m.dimensions
                .iter()
                .any(|(n, v)| d.name == *n && d.value == *v)
        })
    };
    let single = a
        .namespace
        .as_deref()
        .is_some_and(|n| m.namespaces.contains(&n))
        && a.metric_name
            .as_deref()
            .is_some_and(|n| m.metrics.contains(&n))
        && names(&a.dimensions);
    single
        || a.metrics.iter().any(|q| {
            m.namespaces.contains(&q.namespace.as_str())
                && m.metrics.contains(&q.metric_name.as_str())
                && names(&q.dimensions)
        })
}

/// The facts this module gives resources of other kinds.
#[cfg(test)]
pub(crate) const HEALTH_FIELDS: &[&str] = &["health_alarms", "health_alarms_silent"];

/// Every region's alarms, built once per snapshot.
pub(crate) struct Index<'a> {
    regions: BTreeMap<&'a str, Regional<'a>>,
    none: Regional<'a>,
}

impl<'a> Index<'a> {
    pub fn new(s: &'a Snapshot) -> Index<'a> {
        let mut by_region: BTreeMap<&str, Vec<&Alarm>> = BTreeMap::new();
        for a in &s.cloudwatch.alarms {
            by_region.entry(a.region.as_str()).or_default().push(a);
        }
        Index {
            regions: by_region
                .into_iter()
                .map(|(r, alarms)| (r, Regional::new(alarms)))
                .collect(),
            none: Regional::new(Vec::new()),
        }
    }

    /// Every region with alarms, and its alarms.
    pub fn regions(&self) -> impl Iterator<Item = (&'a str, &Regional<'a>)> + '_ {
        self.regions.iter().map(|(r, regional)| (*r, regional))
    }

    pub fn alarms_of<'r>(regional: &'r Regional<'a>) -> &'r [&'a Alarm] {
        &regional.alarms
    }
}

/// The alarms that watch a resource's health metric: `health_alarms` (someone is told when
/// one fires) and `health_alarms_silent` (no one is).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Health<'a> {
    pub heard: Known<Vec<&'a str>>,
    pub silent: Known<Vec<&'a str>>,
}

impl<'a> Ctx<'a> {
    /// The health alarms of a resource in `region` whose health metric is `metric`.
    /// `targets_unknown`: why the resource's target groups are unknown (an alarm by target
    /// group cannot be looked for then).
    pub fn health_alarms(
        &self,
        region: &str,
        metric: &HealthMetric,
        targets_unknown: Option<&str>,
    ) -> Health<'a> {
        let regional = self.alarms.regions.get(region).unwrap_or(&self.alarms.none);
        let (mut heard, mut silent) = (Vec::new(), Vec::new());
        // Only an alarm naming one of the metric's dimensions can watch it; in list order.
        let mut candidates: Vec<usize> = metric
            .dimensions
            .iter()
            .filter_map(|(n, v)| regional.by_dimension.get(&(*n, v.as_str())))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        for a in candidates
            .iter()
            .map(|&i| regional.alarms[i])
            .filter(|a| watches(a, metric))
        {
            if regional.reaches_someone(a) {
                heard.push(a.alarm_name.as_str());
            } else {
                silent.push(a.alarm_name.as_str());
            }
        }
        let mut health = Health {
            heard: Known::Is(distinct(heard.iter().copied())),
            silent: Known::Is(distinct(silent.iter().copied())),
        };
        if heard.is_empty() {
            if let Some(why) = targets_unknown {
                health.heard.mark_unknown(why);
            }
            // An alarm whose action setting was not returned may be the one that acts.
            if let Some(a) = silent
                .iter()
                .filter_map(|n| regional.by_name.get(n).copied())
                .find(|a| a.actions_enabled.is_none())
            {
                health.heard.mark_unknown(format!(
                    "whether alarm {} has its actions enabled is unknown",
                    a.alarm_name
                ));
            }
        }
        crate::unknown_if!(self.not_collected(Service::cloudwatch, region) => health.heard, health.silent);
        health
    }
}

#[cfg(test)]
mod tests {
    use super::{alarm_terms, elb_dimension};

    #[test]
    fn composite_rule_terms() {
        assert_eq!(
            alarm_terms(r#"ALARM("db-lag") OR (ALARM(db-storage) AND OK("x"))"#),
            vec!["db-lag", "db-storage"]
        );
        assert_eq!(
            alarm_terms("ALARM(\"arn:aws:cloudwatch:us-east-1:123456789012:alarm:nat-errors\")"),
            vec!["nat-errors"]
        );
        assert!(alarm_terms("TRUE").is_empty());
    }

    #[test]
    fn elb_dimensions_from_arns() {
        let lb = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188";
        assert_eq!(
            elb_dimension(lb, "loadbalancer"),
            Some("app/web/50dc6c495c0c9188")
        );
        let tg =
            "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/73e2d6bc24d8a067";
        assert_eq!(
            elb_dimension(tg, "targetgroup"),
            Some("targetgroup/web/73e2d6bc24d8a067")
        );
    }
}
