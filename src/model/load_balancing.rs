//! Load balancers and target groups: where traffic enters, and which AZs really serve it.

use super::routing::{has_internet_route, Regional};
use super::{depends_on, distinct, fields_of, propagate, Ctx, Resource};
use crate::snapshot::{LoadBalancer, Snapshot, Target, TargetGroup};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

const CROSS_ZONE: &str = "load_balancing.cross_zone.enabled";

/// What `DescribeTargetHealth` gives for an IP target outside the VPC: every AZ, none in
/// particular.
const ALL_ZONES: &str = "all";

/// Load balancer facts read from its target groups' target health; all but the first also
/// need the AZ of each target.
const HEALTH_FACTS: &[&str] = &[
    "healthy_target_count",
    "healthy_target_azs",
    "healthy_target_count_by_az",
    "azs_without_healthy_targets",
    "healthy_target_az_spread",
    "healthy_target_max_az",
    "healthy_target_max_az_count",
    "healthy_target_max_az_share_pct",
];

/// Load balancer facts read from its target groups' cross-zone setting.
const CROSS_ZONE_FACTS: &[&str] = &[
    "target_groups_cross_zone_off",
    "cross_zone_off_azs_without_healthy_targets",
];

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

impl Resolved<'_> {
    fn healthy(&self) -> bool {
        self.target.state == "healthy"
    }

    /// The AZ when it is one AZ (not `all`, not unknown).
    fn zone(&self) -> Option<&str> {
        self.az.filter(|z| *z != ALL_ZONES)
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
                    if !tgs.contains(&tg.arn.as_str()) {
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

pub(super) fn build(ctx: &Ctx, out: &mut Vec<Resource>) {
    load_balancers(ctx, out);
    target_groups(ctx, out);
}

fn bool_attr(attrs: &BTreeMap<String, String>, key: &str) -> Value {
    match attrs.get(key).map(String::as_str) {
        Some("true") => Value::Bool(true),
        Some("false") => Value::Bool(false),
        Some(other) => Value::String(other.to_string()),
        None => Value::Null,
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

fn load_balancers(ctx: &Ctx, out: &mut Vec<Resource>) {
    let s = ctx.snapshot;
    for lb in &s.elbv2.load_balancers {
        let mut fields = fields_of(lb);
        let lb_azs: BTreeSet<&str> = lb
            .availability_zones
            .iter()
            .map(|z| z.zone_name.as_str())
            .collect();
        fields.insert("azs".into(), distinct(lb_azs.iter().copied()));
        fields.insert("cross_zone".into(), bool_attr(&lb.attributes, CROSS_ZONE));
        fields.insert(
            "deletion_protection".into(),
            bool_attr(&lb.attributes, "deletion_protection.enabled"),
        );
        let tgs = ctx.elb.target_groups_of(&lb.arn);
        fields.insert(
            "target_group_arns".into(),
            json!(tgs.iter().map(|tg| tg.arn.as_str()).collect::<Vec<_>>()),
        );
        fields.insert(
            "zonal_shift".into(),
            bool_attr(&lb.attributes, "zonal_shift.config.enabled"),
        );
        let mut unknown = lb.unreadable.clone();
        propagate(
            &mut unknown,
            "attributes",
            &["cross_zone", "deletion_protection", "zonal_shift"],
        );
        // AWS returns the zonal shift attribute for every ALB and NLB: when the attributes were
        // read but it is missing, its value is unknown, not off.
        if !lb.attributes.is_empty() && !lb.attributes.contains_key("zonal_shift.config.enabled") {
            unknown.entry("zonal_shift".into()).or_insert_with(|| {
                "the zonal_shift.config.enabled attribute was not returned".into()
            });
        }
        // A listener count that is not in the snapshot is not zero listeners.
        if lb.listener_count.is_none() {
            unknown
                .entry("listener_count".into())
                .or_insert_with(|| "the listener count is not in the snapshot".into());
        }
        healthy_targets(ctx, lb, &lb_azs, tgs, &mut fields, &mut unknown);
        cross_zone(ctx, lb, &lb_azs, tgs, &mut fields, &mut unknown);
        internet_routes(ctx, lb, &mut fields, &mut unknown);
        let from_target_groups = [&["target_group_arns"], HEALTH_FACTS, CROSS_ZONE_FACTS].concat();
        depends_on(
            ctx,
            &mut unknown,
            "elbv2.target_group",
            &lb.region,
            &from_target_groups,
        );
        out.push(Resource {
            kind: "elbv2.load_balancer",
            id: lb.name.clone(),
            name: Some(lb.name.clone()),
            arn: lb.arn.clone(),
            region: lb.region.clone(),
            fields,
            unknown,
        });
    }
}

/// Healthy targets across every target group of the load balancer, by AZ.
fn healthy_targets(
    ctx: &Ctx,
    lb: &LoadBalancer,
    lb_azs: &BTreeSet<&str>,
    tgs: &[&TargetGroup],
    fields: &mut Map<String, Value>,
    unknown: &mut BTreeMap<String, String>,
) {
    // A target registered in two groups (two ports) is one target.
    let mut healthy: BTreeSet<&str> = BTreeSet::new();
    let mut by_az: BTreeMap<&str, BTreeSet<&str>> =
        lb_azs.iter().map(|az| (*az, BTreeSet::new())).collect();
    for tg in tgs {
        for t in ctx.elb.targets_of(&tg.arn).iter().filter(|t| t.healthy()) {
            healthy.insert(&t.target.id);
            if let Some(az) = t.zone() {
                by_az.entry(az).or_default().insert(&t.target.id);
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
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)));
    let share = busiest.map_or(0.0, |(_, n)| {
        (*n as f64 * 1000.0 / zonal_total as f64).round() / 10.0
    });

    fields.insert("healthy_target_count".into(), Value::from(healthy.len()));
    fields.insert(
        "healthy_target_azs".into(),
        distinct(counts.iter().filter(|(_, n)| **n > 0).map(|(az, _)| *az)),
    );
    fields.insert("healthy_target_count_by_az".into(), json!(counts));
    fields.insert(
        "azs_without_healthy_targets".into(),
        distinct(lb_azs.iter().copied().filter(|az| counts[az] == 0)),
    );
    fields.insert("healthy_target_az_spread".into(), Value::from(spread));
    fields.insert(
        "healthy_target_max_az".into(),
        busiest.map_or(Value::Null, |(az, _)| Value::from(*az)),
    );
    fields.insert(
        "healthy_target_max_az_count".into(),
        Value::from(busiest.map_or(0, |(_, n)| *n)),
    );
    fields.insert("healthy_target_max_az_share_pct".into(), json!(share));

    for tg in tgs {
        if let Some(why) = tg.unreadable.get("targets") {
            for d in HEALTH_FACTS {
                unknown
                    .entry(d.to_string())
                    .or_insert_with(|| format!("target group {}: {why}", tg.name));
            }
        }
    }
    // Instance targets take their AZ from the instance listing.
    depends_on(ctx, unknown, "ec2.instance", &lb.region, &HEALTH_FACTS[1..]);
}

/// Target groups whose traffic stays in its AZ, and the AZs where such a group has no
/// healthy target (clients that reach the load balancer node there fail).
fn cross_zone(
    ctx: &Ctx,
    lb: &LoadBalancer,
    lb_azs: &BTreeSet<&str>,
    tgs: &[&TargetGroup],
    fields: &mut Map<String, Value>,
    unknown: &mut BTreeMap<String, String>,
) {
    let lb_setting = lb_cross_zone(lb);
    let lb_unreadable = || lb.unreadable.get("attributes").cloned().unwrap_or_default();
    let mut off = Vec::new();
    let mut gaps = BTreeSet::new();
    let mut undecided = None;
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
                    .filter_map(Resolved::zone)
                    .collect();
                // A group with no healthy target at all is down everywhere: that is
                // HA-ELB-006's finding, not an AZ gap.
                if !healthy.is_empty() {
                    gaps.extend(lb_azs.iter().copied().filter(|az| !healthy.contains(az)));
                }
                if let Some(why) = tg.unreadable.get("targets") {
                    unknown
                        .entry("cross_zone_off_azs_without_healthy_targets".into())
                        .or_insert_with(|| format!("target group {}: {why}", tg.name));
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
    fields.insert(
        "cross_zone_effective".into(),
        lb_setting.map_or(Value::Null, Value::Bool),
    );
    fields.insert("target_groups_cross_zone_off".into(), json!(off));
    fields.insert(
        "cross_zone_off_azs_without_healthy_targets".into(),
        distinct(gaps),
    );
    if lb_setting.is_none() {
        unknown
            .entry("cross_zone_effective".into())
            .or_insert_with(lb_unreadable);
    }
    if let Some(why) = undecided {
        for d in CROSS_ZONE_FACTS {
            unknown.entry(d.to_string()).or_insert_with(|| why.clone());
        }
    }
    depends_on(
        ctx,
        unknown,
        "ec2.instance",
        &lb.region,
        &["cross_zone_off_azs_without_healthy_targets"],
    );
}

/// The load balancer's subnets whose route table has no route to an internet gateway.
fn internet_routes(
    ctx: &Ctx,
    lb: &LoadBalancer,
    fields: &mut Map<String, Value>,
    unknown: &mut BTreeMap<String, String>,
) {
    const FIELD: &str = "subnets_without_internet_route";
    // A failed listing explains a missing route table better than the table itself.
    depends_on(ctx, unknown, "ec2.route_table", &lb.region, &[FIELD]);
    let mut private = Vec::new();
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
                unknown.entry(FIELD.into()).or_insert_with(|| {
                    format!(
                        "no route table of subnet {subnet} is in the snapshot \
                         (neither an explicit association nor the main table of its VPC)"
                    )
                });
            }
        }
    }
    fields.insert(FIELD.into(), json!(private));
}

fn target_groups(ctx: &Ctx, out: &mut Vec<Resource>) {
    let s = ctx.snapshot;
    for tg in &s.elbv2.target_groups {
        let mut fields = fields_of(tg);
        let resolved = ctx.elb.targets_of(&tg.arn);
        let targets: Vec<Value> = resolved
            .iter()
            .map(|r| {
                let t = r.target;
                json!({
                    "id": t.id, "port": t.port, "state": t.state, "reason": t.reason,
                    "availability_zone": r.az,
                })
            })
            .collect();
        let healthy: Vec<&Resolved> = resolved.iter().filter(|t| t.healthy()).collect();
        fields.insert(
            "healthy_target_azs".into(),
            distinct(healthy.iter().filter_map(|t| t.zone())),
        );
        fields.insert("healthy_target_count".into(), Value::from(healthy.len()));
        fields.insert("targets".into(), Value::Array(targets));
        fields.insert("cross_zone".into(), bool_attr(&tg.attributes, CROSS_ZONE));
        let mut unknown = tg.unreadable.clone();
        propagate(
            &mut unknown,
            "targets",
            &["healthy_target_azs", "healthy_target_count"],
        );
        propagate(&mut unknown, "attributes", &["cross_zone"]);
        depends_on(
            ctx,
            &mut unknown,
            "ec2.instance",
            &tg.region,
            &["healthy_target_azs"],
        );
        out.push(Resource {
            kind: "elbv2.target_group",
            id: tg.name.clone(),
            name: Some(tg.name.clone()),
            arn: tg.arn.clone(),
            region: tg.region.clone(),
            fields,
            unknown,
        });
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
            .find(|r| r.kind == "elbv2.load_balancer" && r.id == name)
            .unwrap();
        (r.fields.clone(), r.unknown.keys().cloned().collect())
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
        // Only its alarms are unknown: CloudWatch is not in this snapshot.
        assert!(
            unknown
                .iter()
                .all(|k| crate::model::alarms::HEALTH_FIELDS.contains(&k.as_str())),
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
        s.elbv2.target_groups.pop();
        let m = Model::build(&s);
        let (f, unknown) = lb_fields(&m, "nlb");
        assert!(!unknown.contains(&"target_groups_cross_zone_off".to_string()));
        assert_eq!(f["target_groups_cross_zone_off"], json!(["explicit"]));
    }
}
