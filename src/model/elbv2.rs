//! Load balancers and target groups: where traffic enters, and which AZs really serve it.

use super::alarms::HealthMetric;
use super::routing::{has_internet_route, Regional};
use super::{distinct, Always, Attr, Ctx, Known, MarkUnknown, Resource};
use crate::registry::Kind;
use crate::snapshot::{LoadBalancer, Snapshot, Target, TargetGroup};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

const CROSS_ZONE: &str = "load_balancing.cross_zone.enabled";

/// What `DescribeTargetHealth` gives for an IP target outside the VPC: every AZ, none in
/// particular.
const ALL_ZONES: &str = "all";

/// Load balancers and target groups by ARN, the target groups of each load balancer and of
/// each registered target, and every target with its AZ resolved. Built once per snapshot.
pub(crate) struct Index<'a> {
    lbs: HashMap<&'a str, &'a LoadBalancer>,
    tgs: HashMap<&'a str, &'a TargetGroup>,
    tgs_of_lb: HashMap<&'a str, Vec<&'a TargetGroup>>,
    /// (region, target id) -> ARNs of the target groups it is registered in.
    tgs_of_target: Regional<'a, Vec<&'a str>>,
    /// Target group ARN -> its targets, each with its AZ.
    targets: HashMap<&'a str, Vec<Resolved<'a>>>,
}

/// A registered target and its AZ: as the API gives it (IP targets), else the placement of
/// the instance it names.
pub(crate) struct Resolved<'a> {
    pub target: &'a Target,
    pub az: Option<&'a str>,
}

impl<'a> Resolved<'a> {
    fn healthy(&self) -> bool {
        self.target.state == "healthy"
    }

    /// The AZ when it is one AZ (not `all`, not unknown).
    fn zone(&self) -> Option<&'a str> {
        self.az.filter(|z| *z != ALL_ZONES)
    }

    /// The target's id, for as long as the snapshot lives.
    fn id(&self) -> &'a str {
        let target: &'a Target = self.target;
        &target.id
    }
}

impl<'a> Index<'a> {
    pub fn new(s: &'a Snapshot) -> Index<'a> {
        let instance_az: Regional<&str> = s
            .ec2
            .instances
            .iter()
            .map(|i| {
                (
                    (i.region.as_str(), i.instance_id.as_str()),
                    i.availability_zone.as_str(),
                )
            })
            .collect();
        let mut tgs_of_lb: HashMap<&str, Vec<&TargetGroup>> = HashMap::new();
        let mut tgs_of_target: Regional<Vec<&str>> = Regional::default();
        let mut targets = HashMap::new();
        for tg in &s.elbv2.target_groups {
            for lb in &tg.load_balancer_arns {
                tgs_of_lb.entry(lb.as_str()).or_default().push(tg);
            }
            let resolved = tg
                .targets
                .iter()
                .map(|t| {
                    let tgs = tgs_of_target.entry(&tg.region, &t.id).or_default();
                    // A target registered twice (two ports) is listed once. Its groups are
                    // pushed one group at a time, so a repeat can only be the last one; a
                    // search of the whole list would be quadratic in the groups that share a
                    // target (an IP address reused in many VPCs).
                    if tgs.last() != Some(&tg.arn.as_str()) {
                        tgs.push(tg.arn.as_str());
                    }
                    let az = t
                        .availability_zone
                        .as_deref()
                        .or_else(|| instance_az.get(&tg.region, &t.id).copied());
                    Resolved { target: t, az }
                })
                .collect();
            targets.insert(tg.arn.as_str(), resolved);
        }
        Index {
            lbs: s
                .elbv2
                .load_balancers
                .iter()
                .map(|lb| (lb.arn.as_str(), lb))
                .collect(),
            tgs: s
                .elbv2
                .target_groups
                .iter()
                .map(|tg| (tg.arn.as_str(), tg))
                .collect(),
            tgs_of_lb,
            tgs_of_target,
            targets,
        }
    }

    pub fn load_balancer(&self, arn: &str) -> Option<&'a LoadBalancer> {
        self.lbs.get(arn).copied()
    }

    pub fn target_group(&self, arn: &str) -> Option<&'a TargetGroup> {
        self.tgs.get(arn).copied()
    }

    /// The target groups attached to a load balancer.
    pub fn target_groups_of(&self, lb_arn: &str) -> &[&'a TargetGroup] {
        self.tgs_of_lb.get(lb_arn).map_or(&[], Vec::as_slice)
    }

    /// ARNs of the target groups a target (instance id, IP ...) is registered in.
    pub fn target_groups_with(&self, region: &str, target_id: &str) -> &[&'a str] {
        self.tgs_of_target
            .get(region, target_id)
            .map_or(&[], Vec::as_slice)
    }

    fn targets_of(&self, tg_arn: &str) -> &[Resolved<'a>] {
        self.targets.get(tg_arn).map_or(&[], Vec::as_slice)
    }
}

crate::facts! {
    /// Derived facts of a load balancer.
    pub struct LoadBalancerFacts<'a> {
        /// The AZs it is enabled in.
        pub azs: Always<Vec<&'a str>>,
        /// Its `load_balancing.cross_zone.enabled` attribute.
        pub cross_zone: Known<Attr<'a>>,
        /// Its `deletion_protection.enabled` attribute.
        pub deletion_protection: Known<Attr<'a>>,
        /// The target groups attached to it.
        pub target_group_arns: Known<Vec<&'a str>>,
        /// Its `zonal_shift.config.enabled` attribute.
        pub zonal_shift: Known<Attr<'a>>,
        /// How many listeners it has (unknown when the snapshot does not say).
        pub listener_count: Known<Option<i64>>,
        /// Healthy targets across its target groups (a target in two groups counts once).
        pub healthy_target_count: Known<usize>,
        /// The AZs with healthy targets.
        pub healthy_target_azs: Known<Vec<&'a str>>,
        /// Healthy targets per AZ (its own AZs, and any other a target is in).
        pub healthy_target_count_by_az: Known<BTreeMap<&'a str, usize>>,
        /// Its AZs without a healthy target.
        pub azs_without_healthy_targets: Known<Vec<&'a str>>,
        /// The most healthy targets in one of its AZs minus the fewest.
        pub healthy_target_az_spread: Known<usize>,
        /// The AZ with the most healthy targets (the first by name on a tie).
        pub healthy_target_max_az: Known<Option<&'a str>>,
        /// How many healthy targets are there.
        pub healthy_target_max_az_count: Known<usize>,
        /// That AZ's share of the healthy targets with an AZ, in percent (one decimal).
        pub healthy_target_max_az_share_pct: Known<f64>,
        /// Whether traffic crosses AZs at load balancer level (always for an ALB).
        pub cross_zone_effective: Known<Option<bool>>,
        /// Its target groups whose traffic stays in its AZ.
        pub target_groups_cross_zone_off: Known<Vec<&'a str>>,
        /// AZs where such a target group has no healthy target.
        pub cross_zone_off_azs_without_healthy_targets: Known<Vec<&'a str>>,
        /// Its subnets whose route table has no route to an internet gateway.
        pub subnets_without_internet_route: Known<Vec<&'a str>>,
        /// Alarms on its healthy/unhealthy host counts that notify someone.
        pub health_alarms: Known<Vec<&'a str>>,
        /// Alarms on its healthy/unhealthy host counts that notify no one.
        pub health_alarms_silent: Known<Vec<&'a str>>,
        /// The name of the AWS WAF web ACL associated with it (null: none; only an ALB can
        /// have one).
        pub web_acl: Known<Option<&'a str>>,
        /// Whether the account subscribes to AWS Shield Advanced.
        pub shield_subscribed: Known<bool>,
        /// Whether a Shield Advanced protection names it.
        pub shield_protected: Known<bool>,
    }
}

crate::object! {
    /// A registered target with its AZ.
    pub struct TargetFact<'a> {
        pub id: &'a str,
        pub port: Option<i64>,
        pub state: &'a str,
        pub reason: Option<&'a str>,
        pub availability_zone: Option<&'a str>,
    }
}

crate::facts! {
    /// Derived facts of a target group.
    pub struct TargetGroupFacts<'a> {
        /// The AZs of its healthy targets.
        pub healthy_target_azs: Known<Vec<&'a str>>,
        /// How many of its targets are healthy.
        pub healthy_target_count: Known<usize>,
        /// Its registered targets, each with its AZ (from the instance for instance targets).
        pub targets: Always<Vec<TargetFact<'a>>>,
        /// Its `load_balancing.cross_zone.enabled` attribute.
        pub cross_zone: Known<Attr<'a>>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for lb in &ctx.snapshot.elbv2.load_balancers {
        out.push(load_balancer(ctx, lb));
    }
    for tg in &ctx.snapshot.elbv2.target_groups {
        out.push(target_group(ctx, tg));
    }
}

/// Cross-zone load balancing at load balancer level: always on for an ALB (it cannot be
/// turned off there), the attribute for NLB and GWLB (off when absent, the API's default).
/// `None` when the attributes could not be read.
fn lb_cross_zone(lb: &LoadBalancer) -> Option<bool> {
    if lb.lb_type == "application" {
        return Some(true);
    }
    if lb.unreadable.contains_key("attributes") {
        return None;
    }
    Some(lb.attributes.get(CROSS_ZONE).map(String::as_str) == Some("true"))
}

/// Whether a target group's traffic crosses AZs: its own `true`/`false`, else (absent or
/// `use_load_balancer_configuration`) its load balancer's setting.
fn tg_cross_zone(tg: &TargetGroup, lb: Option<bool>) -> Option<bool> {
    if tg.unreadable.contains_key("attributes") {
        return None;
    }
    match tg.attributes.get(CROSS_ZONE).map(String::as_str) {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => lb,
    }
}

/// Lambda and ALB targets are not in an AZ: cross-zone and AZ spread do not apply to them.
fn zonal_target_type(tg: &TargetGroup) -> bool {
    !matches!(tg.target_type.as_deref(), Some("lambda" | "alb"))
}

fn load_balancer<'a>(ctx: &Ctx<'a>, lb: &'a LoadBalancer) -> Resource<'a> {
    let lb_azs: BTreeSet<&str> = lb
        .availability_zones
        .iter()
        .map(|z| z.zone_name.as_str())
        .collect();
    let tgs = ctx.elb.target_groups_of(&lb.arn);
    let mut f = LoadBalancerFacts {
        azs: Always(lb_azs.iter().copied().collect()),
        cross_zone: Known::Is(Attr::of(&lb.attributes, CROSS_ZONE)),
        deletion_protection: Known::Is(Attr::of(&lb.attributes, "deletion_protection.enabled")),
        target_group_arns: Known::Is(tgs.iter().map(|tg| tg.arn.as_str()).collect()),
        zonal_shift: Known::Is(Attr::of(&lb.attributes, "zonal_shift.config.enabled")),
        listener_count: match lb.listener_count {
            Some(n) => Known::Is(Some(n)),
            // A listener count that is not in the snapshot is not zero listeners.
            None => Known::unknown("the listener count is not in the snapshot"),
        },
        ..LoadBalancerFacts::default()
    };
    crate::unknown_if!(lb.unreadable.get("attributes") =>
        f.cross_zone, f.deletion_protection, f.zonal_shift);
    // AWS returns the zonal shift attribute for every ALB and NLB: when the attributes were
    // read but it is missing, its value is unknown, not off.
    if !lb.attributes.is_empty() && !lb.attributes.contains_key("zonal_shift.config.enabled") {
        f.zonal_shift
            .mark_unknown("the zonal_shift.config.enabled attribute was not returned");
    }
    healthy_targets(ctx, lb, &lb_azs, tgs, &mut f);
    cross_zone(ctx, lb, &lb_azs, tgs, &mut f);
    internet_routes(ctx, lb, &mut f);
    crate::unknown_if!(ctx.incomplete(Kind::TargetGroup, &lb.region) =>
        f.target_group_arns,
        f.healthy_target_count,
        f.healthy_target_azs,
        f.healthy_target_count_by_az,
        f.azs_without_healthy_targets,
        f.healthy_target_az_spread,
        f.healthy_target_max_az,
        f.healthy_target_max_az_count,
        f.healthy_target_max_az_share_pct,
        f.target_groups_cross_zone_off,
        f.cross_zone_off_azs_without_healthy_targets);
    let metric = HealthMetric::load_balancer(&lb.arn, tgs.iter().map(|tg| tg.arn.as_str()));
    let health = ctx.health_alarms(&lb.region, &metric, f.target_group_arns.reason());
    f.health_alarms = health.heard;
    f.health_alarms_silent = health.silent;
    f.web_acl = if lb.lb_type == "application" {
        ctx.web_acl_of_load_balancer(&lb.region, &lb.arn)
    } else {
        Known::Is(None)
    };
    let shield = ctx.shield(&lb.arn);
    f.shield_subscribed = shield.subscribed;
    f.shield_protected = shield.protected;
    if lb.lb_type == "network" && f.shield_protected.get() == Some(&false) {
        // Shield Advanced protects a Network Load Balancer through its Elastic IPs.
        f.shield_protected = Known::unknown(
            "a Network Load Balancer is protected through the Elastic IPs of its subnets, \
             which are not joined to it (HA-SHD-006 judges each address in use)",
        );
    }
    Resource {
        kind: Kind::LoadBalancer,
        id: Cow::Borrowed(&lb.name),
        name: Some(Cow::Borrowed(&lb.name)),
        arn: Cow::Borrowed(&lb.arn),
        region: Cow::Borrowed(&lb.region),
        source: Some(lb),
        unreadable: Some(&lb.unreadable),
        facts: Box::new(f),
    }
}

/// Healthy targets across every target group of the load balancer, by AZ.
fn healthy_targets<'a>(
    ctx: &Ctx<'a>,
    lb: &LoadBalancer,
    lb_azs: &BTreeSet<&'a str>,
    tgs: &[&'a TargetGroup],
    f: &mut LoadBalancerFacts<'a>,
) {
    // A target registered in two groups (two ports) is one target.
    let mut healthy: BTreeSet<&str> = BTreeSet::new();
    let mut by_az: BTreeMap<&str, BTreeSet<&str>> =
        lb_azs.iter().map(|az| (*az, BTreeSet::new())).collect();
    for tg in tgs {
        for t in ctx.elb.targets_of(&tg.arn).iter().filter(|t| t.healthy()) {
            healthy.insert(t.id());
            if let Some(az) = t.zone() {
                by_az.entry(az).or_default().insert(t.id());
            }
        }
    }
    let counts: BTreeMap<&str, usize> = by_az.iter().map(|(az, ids)| (*az, ids.len())).collect();
    let lb_counts = lb_azs.iter().map(|az| counts[az]);
    let spread = lb_counts.clone().max().unwrap_or(0) - lb_counts.min().unwrap_or(0);
    let zonal_total: usize = counts.values().sum();
    // The AZ with the most healthy targets (the first by name on a tie).
    let busiest = counts
        .iter()
        .filter(|(_, n)| **n > 0)
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(az, n)| (*az, *n));
    let share = busiest.map_or(0.0, |(_, n)| {
        (n as f64 * 1000.0 / zonal_total as f64).round() / 10.0
    });
    f.healthy_target_count = Known::Is(healthy.len());
    f.healthy_target_azs = Known::Is(
        counts
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(az, _)| *az)
            .collect(),
    );
    f.azs_without_healthy_targets = Known::Is(
        lb_azs
            .iter()
            .copied()
            .filter(|az| counts[az] == 0)
            .collect(),
    );
    f.healthy_target_count_by_az = Known::Is(counts);
    f.healthy_target_az_spread = Known::Is(spread);
    f.healthy_target_max_az = Known::Is(busiest.map(|(az, _)| az));
    f.healthy_target_max_az_count = Known::Is(busiest.map_or(0, |(_, n)| n));
    f.healthy_target_max_az_share_pct = Known::Is(share);

    for tg in tgs {
        if let Some(why) = tg.unreadable.get("targets") {
            crate::unknown_if!(Some(format!("target group {}: {why}", tg.name)) =>
                f.healthy_target_count,
                f.healthy_target_azs,
                f.healthy_target_count_by_az,
                f.azs_without_healthy_targets,
                f.healthy_target_az_spread,
                f.healthy_target_max_az,
                f.healthy_target_max_az_count,
                f.healthy_target_max_az_share_pct);
        }
    }
    // Instance targets take their AZ from the instance listing.
    crate::unknown_if!(ctx.incomplete(Kind::Instance, &lb.region) =>
        f.healthy_target_azs,
        f.healthy_target_count_by_az,
        f.azs_without_healthy_targets,
        f.healthy_target_az_spread,
        f.healthy_target_max_az,
        f.healthy_target_max_az_count,
        f.healthy_target_max_az_share_pct);
}

/// Target groups whose traffic stays in its AZ, and the AZs where such a group has no
/// healthy target (clients that reach the load balancer node there fail).
fn cross_zone<'a>(
    ctx: &Ctx<'a>,
    lb: &LoadBalancer,
    lb_azs: &BTreeSet<&'a str>,
    tgs: &[&'a TargetGroup],
    f: &mut LoadBalancerFacts<'a>,
) {
    let lb_setting = lb_cross_zone(lb);
    let lb_unreadable = || lb.unreadable.get("attributes").cloned().unwrap_or_default();
    let mut off = Vec::new();
    let mut gaps = BTreeSet::new();
    let mut undecided = None;
    let mut targets_unknown = None;
    for tg in tgs.iter().filter(|tg| zonal_target_type(tg)) {
        match tg_cross_zone(tg, lb_setting) {
            Some(true) => {}
            Some(false) => {
                off.push(tg.name.as_str());
                let healthy: BTreeSet<&str> = ctx
                    .elb
                    .targets_of(&tg.arn)
                    .iter()
                    .filter(|t| t.healthy())
                    .filter_map(|t| t.zone())
                    .collect();
                // A group with no healthy target at all is down everywhere: that is
                // HA-ELB-006's finding, not an AZ gap.
                if !healthy.is_empty() {
                    gaps.extend(lb_azs.iter().copied().filter(|az| !healthy.contains(az)));
                }
                if let Some(why) = tg.unreadable.get("targets") {
                    targets_unknown
                        .get_or_insert_with(|| format!("target group {}: {why}", tg.name));
                }
            }
            None => {
                undecided.get_or_insert_with(|| match tg.unreadable.get("attributes") {
                    Some(why) => format!("target group {}: {why}", tg.name),
                    None => lb_unreadable(),
                });
            }
        }
    }
    f.cross_zone_effective = Known::Is(lb_setting);
    f.target_groups_cross_zone_off = Known::Is(off);
    f.cross_zone_off_azs_without_healthy_targets = Known::Is(gaps.into_iter().collect());
    crate::unknown_if!(targets_unknown => f.cross_zone_off_azs_without_healthy_targets);
    if lb_setting.is_none() {
        f.cross_zone_effective.mark_unknown(lb_unreadable());
    }
    crate::unknown_if!(undecided =>
        f.target_groups_cross_zone_off, f.cross_zone_off_azs_without_healthy_targets);
    crate::unknown_if!(ctx.incomplete(Kind::Instance, &lb.region) =>
        f.cross_zone_off_azs_without_healthy_targets);
}

/// The load balancer's subnets whose route table has no route to an internet gateway.
fn internet_routes<'a>(ctx: &Ctx<'a>, lb: &'a LoadBalancer, f: &mut LoadBalancerFacts<'a>) {
    let mut private = Vec::new();
    let mut no_table = None;
    for subnet in lb
        .availability_zones
        .iter()
        .filter_map(|z| z.subnet_id.as_deref())
    {
        let vpc = lb.vpc_id.as_deref().or_else(|| {
            ctx.routing
                .subnet(&lb.region, subnet)
                .map(|sn| sn.vpc_id.as_str())
        });
        match ctx
            .routing
            .table_of(&lb.region, vpc.unwrap_or_default(), subnet)
        {
            Some(t) if has_internet_route(t.table) => {}
            Some(_) => private.push(subnet),
            None => {
                no_table.get_or_insert_with(|| {
                    format!(
                        "no route table of subnet {subnet} is in the snapshot \
                         (neither an explicit association nor the main table of its VPC)"
                    )
                });
            }
        }
    }
    f.subnets_without_internet_route = Known::Is(private);
    // A failed listing explains a missing route table better than the table itself.
    crate::unknown_if!(ctx.incomplete(Kind::RouteTable, &lb.region) => f.subnets_without_internet_route);
    crate::unknown_if!(no_table => f.subnets_without_internet_route);
}

fn target_group<'a>(ctx: &Ctx<'a>, tg: &'a TargetGroup) -> Resource<'a> {
    let resolved = ctx.elb.targets_of(&tg.arn);
    let targets: Vec<TargetFact> = resolved
        .iter()
        .map(|r| {
            let t = r.target;
            TargetFact {
                id: &t.id,
                port: t.port,
                state: &t.state,
                reason: t.reason.as_deref(),
                availability_zone: r.az,
            }
        })
        .collect();
    let healthy: Vec<&Resolved> = resolved.iter().filter(|t| t.healthy()).collect();
    let mut f = TargetGroupFacts {
        healthy_target_azs: Known::Is(distinct(healthy.iter().filter_map(|t| t.zone()))),
        healthy_target_count: Known::Is(healthy.len()),
        targets: Always(targets),
        cross_zone: Known::Is(Attr::of(&tg.attributes, CROSS_ZONE)),
    };
    crate::unknown_if!(tg.unreadable.get("targets") =>
        f.healthy_target_azs, f.healthy_target_count);
    crate::unknown_if!(tg.unreadable.get("attributes") => f.cross_zone);
    crate::unknown_if!(ctx.incomplete(Kind::Instance, &tg.region) => f.healthy_target_azs);
    Resource {
        kind: Kind::TargetGroup,
        id: Cow::Borrowed(&tg.name),
        name: Some(Cow::Borrowed(&tg.name)),
        arn: Cow::Borrowed(&tg.arn),
        region: Cow::Borrowed(&tg.region),
        source: Some(tg),
        unreadable: Some(&tg.unreadable),
        facts: Box::new(f),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    const CZ: &str = super::CROSS_ZONE;

    fn lb(name: &str, t: &str, azs: &[&str], cross_zone: Option<&str>) -> LoadBalancer {
        LoadBalancer {
            region: "r".into(),
            arn: format!("lb/{name}"),
            name: name.into(),
            lb_type: t.into(),
            availability_zones: azs
                .iter()
                .map(|z| LbZone {
                    zone_name: z.to_string(),
                    subnet_id: None,
                })
                .collect(),
            attributes: cross_zone
                .map(|v| {
                    [
                        (CZ.to_string(), v.to_string()),
                        (
                            "zonal_shift.config.enabled".to_string(),
                            "false".to_string(),
                        ),
                    ]
                    .into()
                })
                .unwrap_or_default(),
            listener_count: Some(1),
            ..Default::default()
        }
    }

    fn tg(name: &str, lb: &str, cross_zone: &str, targets: &[(&str, &str)]) -> TargetGroup {
        TargetGroup {
            region: "r".into(),
            arn: format!("tg/{name}"),
            name: name.into(),
            load_balancer_arns: vec![format!("lb/{lb}")],
            attributes: [(CZ.to_string(), cross_zone.to_string())].into(),
            targets: targets
                .iter()
                .map(|(id, state)| Target {
                    id: id.to_string(),
                    state: state.to_string(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    fn instance(id: &str, az: &str) -> Instance {
        Instance {
            region: "r".into(),
            instance_id: id.into(),
            availability_zone: az.into(),
            state: "running".into(),
            ..Default::default()
        }
    }

    fn lb_fields(
        m: &Model,
        name: &str,
    ) -> (serde_json::Map<String, serde_json::Value>, Vec<String>) {
        let r = m
            .resources
            .iter()
            .find(|r| r.kind.key() == "elbv2.load_balancer" && r.id == name)
            .unwrap();
        (r.fields(), r.unknown().keys().cloned().collect())
    }

    #[test]
    fn healthy_targets_are_counted_once_per_az_across_target_groups() {
        let mut s = Snapshot::default();
        s.ec2.instances = vec![
            instance("i-1", "a"),
            instance("i-2", "a"),
            instance("i-3", "b"),
        ];
        s.elbv2.load_balancers = vec![lb("web", "application", &["a", "b", "c"], Some("false"))];
        s.elbv2.target_groups = vec![
            // i-1 is in both groups (two ports): one target.
            tg(
                "http",
                "web",
                "use_load_balancer_configuration",
                &[("i-1", "healthy"), ("i-3", "unhealthy")],
            ),
            tg(
                "admin",
                "web",
                "use_load_balancer_configuration",
                &[("i-1", "healthy"), ("i-2", "healthy")],
            ),
        ];
        let m = Model::build(&s);
        let (f, unknown) = lb_fields(&m, "web");
        // Only its alarms, web ACL and Shield protection are unknown: CloudWatch, WAF and
        // Shield are not in this snapshot.
        let edge = ["web_acl", "shield_subscribed", "shield_protected"];
        assert!(
            unknown.iter().all(|k| {
                crate::model::alarms::HEALTH_FIELDS.contains(&k.as_str())
                    || edge.contains(&k.as_str())
            }),
            "{unknown:?}"
        );
        assert_eq!(f["healthy_target_count"], json!(2));
        assert_eq!(f["healthy_target_azs"], json!(["a"]));
        assert_eq!(
            f["healthy_target_count_by_az"],
            json!({"a": 2, "b": 0, "c": 0})
        );
        assert_eq!(f["azs_without_healthy_targets"], json!(["b", "c"]));
        assert_eq!(f["healthy_target_az_spread"], json!(2));
        assert_eq!(f["healthy_target_max_az_share_pct"], json!(100.0));
        // An ALB balances across zones whatever its attribute says (moto reports `false`).
        assert_eq!(f["cross_zone_effective"], json!(true));
        assert_eq!(f["target_groups_cross_zone_off"], json!([]));
    }

    #[test]
    fn a_target_group_overrides_its_load_balancer_both_ways() {
        let mut s = Snapshot::default();
        s.ec2.instances = vec![instance("i-1", "a"), instance("i-2", "b")];
        s.elbv2.load_balancers = vec![
            lb("nlb-off", "network", &["a", "b"], Some("false")),
            lb("alb", "application", &["a", "b"], None),
        ];
        s.elbv2.target_groups = vec![
            tg(
                "inherits",
                "nlb-off",
                "use_load_balancer_configuration",
                &[("i-1", "healthy")],
            ),
            tg("forced-on", "nlb-off", "true", &[("i-1", "healthy")]),
            tg(
                "forced-off",
                "alb",
                "false",
                &[("i-1", "healthy"), ("i-2", "healthy")],
            ),
        ];
        let m = Model::build(&s);
        let (nlb, _) = lb_fields(&m, "nlb-off");
        assert_eq!(nlb["target_groups_cross_zone_off"], json!(["inherits"]));
        assert_eq!(
            nlb["cross_zone_off_azs_without_healthy_targets"],
            json!(["b"])
        );
        let (alb, _) = lb_fields(&m, "alb");
        assert_eq!(alb["target_groups_cross_zone_off"], json!(["forced-off"]));
        assert_eq!(alb["cross_zone_off_azs_without_healthy_targets"], json!([]));
    }

    #[test]
    fn unreadable_attributes_leave_only_what_depends_on_them_unknown() {
        let mut s = Snapshot::default();
        let mut nlb = lb("nlb", "network", &["a"], None);
        nlb.unreadable.insert("attributes".into(), "denied".into());
        s.elbv2.load_balancers = vec![nlb];
        s.elbv2.target_groups = vec![
            tg("explicit", "nlb", "false", &[]),
            tg("inherits", "nlb", "use_load_balancer_configuration", &[]),
        ];
        let m = Model::build(&s);
        let (_, unknown) = lb_fields(&m, "nlb");
        for f in [
            "cross_zone",
            "cross_zone_effective",
            "target_groups_cross_zone_off",
        ] {
            assert!(unknown.contains(&f.to_string()), "{f}: {unknown:?}");
        }
        assert!(!unknown.contains(&"healthy_target_count".to_string()));

        // With every group explicit, the load balancer's own setting does not matter.
        drop(m);
        s.elbv2.target_groups.pop();
        let m = Model::build(&s);
        let (f, unknown) = lb_fields(&m, "nlb");
        assert!(!unknown.contains(&"target_groups_cross_zone_off".to_string()));
        assert_eq!(f["target_groups_cross_zone_off"], json!(["explicit"]));
    }
}
