//! Target groups and what joins them: listeners and listener rules (which load balancer a
//! target group serves), target group attachments (its registered targets) and Auto Scaling
//! attachments (which group feeds it). Registered targets' health is a runtime state.

use super::reader::*;
use super::*;

const CROSS_ZONE: &str = "load_balancing.cross_zone.enabled";

/// Load balancing links read once from the plan, before load balancers, target groups and
/// Auto Scaling groups are mapped.
#[derive(Default)]
pub(super) struct Balancing {
    /// Load balancer address -> how many listeners the plan attaches to it.
    pub listeners: HashMap<String, i64>,
    /// Load balancer addresses of the plan.
    pub lbs: BTreeSet<String>,
    /// Load balancer -> why its AZs are unknown.
    pub lb_azs_unknown: HashMap<String, String>,
    /// Load balancer -> why the target groups its listeners forward to are unknown.
    pub lb_tgs_unknown: HashMap<String, String>,
    /// Target group addresses of the plan.
    pub tgs: BTreeSet<String>,
    /// Target group -> the load balancers whose listeners forward to it.
    pub tg_lbs: HashMap<String, BTreeSet<String>>,
    /// Target group -> why its load balancers are unknown.
    pub tg_lbs_unknown: HashMap<String, String>,
    /// Why any target group may serve a load balancer the plan does not tell: a listener or
    /// rule whose target groups are unknown.
    pub any_tg_unknown: Option<String>,
    /// Target group -> the targets attachments register in it.
    pub targets: HashMap<String, Vec<Target>>,
    /// Auto Scaling group -> target groups attached by `aws_autoscaling_attachment`.
    pub asg_tgs: HashMap<String, Vec<String>>,
    /// Auto Scaling group -> why an attachment's target group is unknown.
    pub asg_tgs_unknown: HashMap<String, String>,
    /// Auto Scaling group -> Classic Load Balancers attached by `aws_autoscaling_attachment`.
    pub asg_elbs: HashMap<String, Vec<String>>,
}

impl Balancing {
    /// Forwards from load balancers `lbs` (or unknown ones) to target groups `tgs` (or
    /// unknown ones), through listener or rule `via`.
    fn forward(
        &mut self,
        via: &str,
        lbs: Result<Vec<String>, String>,
        tgs: Result<Vec<String>, String>,
    ) {
        match (lbs, tgs) {
            (Ok(lbs), Ok(tgs)) => {
                for tg in tgs {
                    self.tg_lbs
                        .entry(tg)
                        .or_default()
                        .extend(lbs.iter().cloned());
                }
            }
            (Err(why), Ok(tgs)) => {
                for tg in tgs {
                    self.tg_lbs_unknown
                        .entry(tg)
                        .or_insert_with(|| format!("the load balancer of {via} is unknown: {why}"));
                }
            }
            (lbs, Err(why)) => {
                let why = format!("the target groups {via} forwards to are unknown: {why}");
                for lb in lbs.unwrap_or_default() {
                    self.lb_tgs_unknown.entry(lb).or_insert_with(|| why.clone());
                }
                self.any_tg_unknown.get_or_insert(why);
            }
        }
    }
}

impl Balancing {
    /// An attachment of `asg` to a target group the plan does not tell: the attachment
    /// stands for it, so the group is known to serve a load balancer.
    fn attached_unknown(&mut self, asg: &str, attachment: &str, why: String) {
        self.asg_tgs
            .entry(asg.to_string())
            .or_default()
            .push(attachment.to_string());
        self.asg_tgs_unknown
            .entry(asg.to_string())
            .or_insert_with(|| format!("the target group of {attachment} is unknown: {why}"));
    }
}

/// A link's addresses, or why it is unknown (the reason the reader noted under `field`).
fn got(r: &Reader, v: Option<Vec<String>>, field: &str) -> Result<Vec<String>, String> {
    v.ok_or_else(|| r.out.unknown.get(field).cloned().unwrap_or_default())
}

/// The target groups a listener's or rule's actions forward to: each action's
/// `target_group_arn`, and the groups of its weighted `forward` block.
fn action_target_groups(r: &mut Reader, block: &str) -> Result<Vec<String>, String> {
    let direct = r.nested_links(block, "target_group_arn", "target_group_arn");
    let mut out = got(r, direct, "target_group_arn")?;
    let path = [block, "forward", "target_group", "arn"];
    let has_forward = |v: Option<&Value>| {
        v.and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|x| x.get("forward").is_some_and(any_true)))
    };
    let configured = r
        .plan
        .expression(r.inst, block)
        .and_then(Value::as_array)
        .is_some_and(|a| a.iter().any(|x| x.get("forward").is_some()));
    let unknown = r.unknown_tree == &Value::Bool(true) || has_forward(r.unknown_tree.get(block));
    if configured && unknown {
        match r.plan.resolve_path(r.inst, &path) {
            Ok(t) => out.extend(r.targets(t)),
            Err(why) => {
                return Err(format!(
                    "{}; the configuration does not resolve it: {why}",
                    r.after_apply(&path.join("."))
                ))
            }
        }
    } else {
        let arns: Vec<&str> = r
            .values
            .get(block)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|a| a.get("forward")?.as_array())
            .flatten()
            .filter_map(|f| f.get("target_group")?.as_array())
            .flatten()
            .filter_map(|g| g.get("arn")?.as_str())
            .collect();
        out.extend(arns.into_iter().map(|a| r.literal(a)));
    }
    Ok(out)
}

/// The target groups and Classic Load Balancers of `traffic_source` blocks (an Auto Scaling
/// group's own, or its traffic source attachment's): `elbv2` identifiers are target groups,
/// `elb` ones load balancer names; VPC Lattice sources are neither.
pub(super) fn traffic_sources(r: &mut Reader) -> Result<(Vec<String>, Vec<String>), String> {
    let (mut tgs, mut elbs) = (Vec::new(), Vec::new());
    let blocks: Vec<&Value> = r
        .values
        .get("traffic_source")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    let unknown = r.unknown_tree == &Value::Bool(true)
        || r.unknown_tree.get("traffic_source").is_some_and(any_true);
    if unknown {
        // Unset on a group, it is computed from attachments, read on their own.
        if !r.configured("traffic_source") {
            return Ok((tgs, elbs));
        }
        // Only when every source is a target group can resolved identifiers be told apart.
        if blocks
            .iter()
            .any(|b| b.get("type").and_then(Value::as_str) != Some("elbv2"))
        {
            return Err(r.after_apply("traffic_source"));
        }
        let t = r
            .plan
            .resolve_path(r.inst, &["traffic_source", "identifier"])
            .map_err(|why| {
                format!(
                    "{}; the configuration does not resolve it: {why}",
                    r.after_apply("traffic_source.identifier")
                )
            })?;
        tgs.extend(r.targets(t));
        return Ok((tgs, elbs));
    }
    for b in blocks {
        let Some(id) = b.get("identifier").and_then(Value::as_str) else {
            continue;
        };
        match b.get("type").and_then(Value::as_str) {
            Some("elbv2") => tgs.push(r.literal(id)),
            Some("elb") => elbs.push(id.to_string()),
            _ => {}
        }
    }
    Ok((tgs, elbs))
}

impl<'a, 'p> Builder<'a, 'p> {
    /// Listeners, listener rules and attachments, read before the kinds they join.
    pub(super) fn balancing(&mut self, instances: &[&Inst<'p>]) -> Balancing {
        let of = |t: &[&str]| of_types(instances, t);
        let addresses = |t: &[&str]| of(t).iter().map(|i| i.address.clone()).collect();
        let mut b = Balancing {
            lbs: addresses(&["aws_lb", "aws_alb"]),
            tgs: addresses(&["aws_lb_target_group", "aws_alb_target_group"]),
            ..Balancing::default()
        };
        let mut listener_lbs: HashMap<String, Result<Vec<String>, String>> = HashMap::new();
        for l in of(&["aws_lb_listener", "aws_alb_listener"]) {
            let mut r = Reader::new(self.plan, l, self.view);
            let lbs = r
                .links("load_balancer_arn", "load_balancer_arn")
                .map(|mut v| {
                    v.sort();
                    v.dedup();
                    v
                });
            for lb in lbs.iter().flatten() {
                *b.listeners.entry(lb.clone()).or_default() += 1;
            }
            let lbs = got(&r, lbs, "load_balancer_arn");
            let tgs = action_target_groups(&mut r, "default_action");
            listener_lbs.insert(l.address.clone(), lbs.clone());
            b.forward(&format!("listener {}", l.address), lbs, tgs);
        }
        for rule in of(&["aws_lb_listener_rule", "aws_alb_listener_rule"]) {
            let mut r = Reader::new(self.plan, rule, self.view);
            let listener = r.link("listener_arn", "listener_arn");
            let lbs = match listener {
                Some(Some(l)) => listener_lbs
                    .get(&l)
                    .cloned()
                    .unwrap_or_else(|| Err(format!("listener {l} is not in the plan"))),
                Some(None) => Ok(Vec::new()),
                None => Err(r
                    .out
                    .unknown
                    .get("listener_arn")
                    .cloned()
                    .unwrap_or_default()),
            };
            let tgs = action_target_groups(&mut r, "action");
            b.forward(&format!("listener rule {}", rule.address), lbs, tgs);
        }
        for a in of(&[
            "aws_lb_target_group_attachment",
            "aws_alb_target_group_attachment",
        ]) {
            let mut r = Reader::new(self.plan, a, self.view);
            let Some(Some(tg)) = r.link("target_group_arn", "target_group_arn") else {
                continue;
            };
            let id = match r.link("target_id", "target_id") {
                Some(Some(t)) => t,
                _ => a.address.clone(),
            };
            let port = r.int("port", "port");
            let availability_zone = match r.get("availability_zone") {
                Got::Known(Value::String(z)) if !z.is_empty() => Some(z.clone()),
                _ => None,
            };
            b.targets.entry(tg).or_default().push(Target {
                id,
                port,
                availability_zone,
                state: "unknown".into(),
                reason: Some(RUNTIME.into()),
            });
        }
        for a in of(&["aws_autoscaling_traffic_source_attachment"]) {
            let mut r = Reader::new(self.plan, a, self.view);
            let Some(Some(asg)) = r.link("autoscaling_group_name", "autoscaling_group_name") else {
                continue;
            };
            match traffic_sources(&mut r) {
                Ok((tgs, elbs)) => {
                    b.asg_tgs.entry(asg.clone()).or_default().extend(tgs);
                    b.asg_elbs.entry(asg).or_default().extend(elbs);
                }
                Err(why) => b.attached_unknown(&asg, &a.address, why),
            }
        }
        for a in of(&["aws_autoscaling_attachment"]) {
            let mut r = Reader::new(self.plan, a, self.view);
            let Some(Some(asg)) = r.link("autoscaling_group_name", "autoscaling_group_name") else {
                continue;
            };
            match r.link("lb_target_group_arn", "lb_target_group_arn") {
                Some(Some(tg)) => b.asg_tgs.entry(asg.clone()).or_default().push(tg),
                Some(None) => {}
                None => {
                    let why = r.out.unknown.get("lb_target_group_arn").cloned();
                    b.attached_unknown(&asg, &a.address, why.unwrap_or_default());
                }
            }
            if let Some(Some(elb)) = r.link("elb", "elb") {
                b.asg_elbs.entry(asg).or_default().push(elb);
            }
        }
        b
    }

    pub(super) fn target_group(&mut self, i: &Inst<'p>, b: &Balancing) {
        let region = self.region(i);
        let mut r = Reader::new(self.plan, i, self.view);
        let target_type = r.string("target_type", "target_type");
        let vpc_id = r.link("vpc_id", "vpc_id").flatten();
        let health_check_enabled = r.nested_bool("health_check", "enabled", "health_check_enabled");
        let health_check_interval_seconds =
            r.nested_int("health_check", "interval", "health_check_interval_seconds");
        let unhealthy_threshold_count = r.nested_int(
            "health_check",
            "unhealthy_threshold",
            "unhealthy_threshold_count",
        );
        let mut attributes = BTreeMap::new();
        if let Some(v) = r.string("load_balancing_cross_zone_enabled", "cross_zone") {
            attributes.insert(CROSS_ZONE.to_string(), v);
        }
        let load_balancer_arns: Vec<String> = b
            .tg_lbs
            .get(&i.address)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default();
        if let Some(why) = b
            .tg_lbs_unknown
            .get(&i.address)
            .or(b.any_tg_unknown.as_ref())
        {
            r.mark("load_balancer_arns", why.clone());
        }
        r.mark_all(
            &["healthy_target_azs", "healthy_target_count", "targets"],
            RUNTIME,
        );
        let cross_zone_unknown = r.out.unknown.get("cross_zone").cloned();
        self.snap.elbv2.target_groups.push(TargetGroup {
            region: region.clone(),
            arn: i.address.clone(),
            name: i.address.clone(),
            target_type,
            protocol: r.string("protocol", "protocol"),
            port: r.int("port", "port"),
            vpc_id,
            load_balancer_arns: load_balancer_arns.clone(),
            health_check_enabled,
            health_check_interval_seconds,
            unhealthy_threshold_count,
            attributes,
            targets: b.targets.get(&i.address).cloned().unwrap_or_default(),
            unreadable: Unreadable::new(),
        });
        let out = r.finish();
        self.entry(i, "elbv2.target_group", &region, out);
        // A load balancer cannot tell whether this group keeps traffic in its AZ.
        if let Some(why) = cross_zone_unknown {
            let why = format!("target group {}: {why}", i.address);
            for e in self
                .entries
                .iter_mut()
                .filter(|e| e.kind == "elbv2.load_balancer" && load_balancer_arns.contains(&e.id))
            {
                for f in [
                    "target_groups_cross_zone_off",
                    "cross_zone_off_azs_without_healthy_targets",
                ] {
                    e.unknown.entry(f.into()).or_insert_with(|| why.clone());
                }
            }
        }
    }
}
