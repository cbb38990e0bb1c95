//! Auto Scaling groups.

use super::reader::*;
use super::*;

impl<'a, 'p> Builder<'a, 'p> {
    pub(super) fn asg(&mut self, i: &Inst<'p>, subnet_az: &SubnetAz, bal: &tg::Balancing) {
        let region = self.region(i);
        let mut r = Reader::new(self.plan, i, self.view);
        let subnet_ids = r.links("vpc_zone_identifier", "subnet_ids");
        let mut availability_zones = Vec::new();
        match &subnet_ids {
            Some(ids) if !ids.is_empty() => match Self::azs_of(ids, subnet_az) {
                Ok(azs) => {
                    let set: BTreeSet<String> = azs.into_iter().map(|(_, a)| a).collect();
                    availability_zones = set.into_iter().collect();
                }
                Err(why) => {
                    r.mark("azs", why.clone());
                    r.mark("azs_not_served_by_load_balancer", why);
                }
            },
            Some(_) => match r.get("availability_zones") {
                Got::Known(Value::Array(a)) => {
                    availability_zones = a
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                }
                _ => {
                    let why = r.after_apply("availability_zones");
                    r.mark("azs", why.clone());
                    r.mark("azs_not_served_by_load_balancer", why);
                }
            },
            None => {
                let why = r.out.unknown.get("subnet_ids").cloned().unwrap_or_default();
                r.mark("azs", why.clone());
                r.mark("azs_not_served_by_load_balancer", why);
            }
        }
        let health = r.string("health_check_type", "health_check_types");
        // Its own `target_group_arns` (computed when unset: attachments fill it) and the
        // target groups `aws_autoscaling_attachment` and traffic source attachments add.
        let mut target_group_arns = if r.configured("target_group_arns")
            || matches!(r.get("target_group_arns"), Got::Known(_))
        {
            r.links("target_group_arns", "target_group_arns")
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        target_group_arns.extend(bal.asg_tgs.get(&i.address).into_iter().flatten().cloned());
        let mut load_balancer_names = r
            .links("load_balancers", "load_balancer_names")
            .unwrap_or_default();
        load_balancer_names.extend(bal.asg_elbs.get(&i.address).into_iter().flatten().cloned());
        const TG_FACTS: [&str; 3] = [
            "missing_target_group_arns",
            "load_balancers",
            "azs_not_served_by_load_balancer",
        ];
        // And its own `traffic_source` blocks.
        match tg::traffic_sources(&mut r) {
            Ok((tgs, elbs)) => {
                target_group_arns.extend(tgs);
                load_balancer_names.extend(elbs);
            }
            Err(why) => r.mark_all(&TG_FACTS, &why),
        }
        target_group_arns.sort();
        target_group_arns.dedup();
        if let Some(why) = bal.asg_tgs_unknown.get(&i.address) {
            r.mark_all(&TG_FACTS, why);
        }
        // Target groups named but unresolved: it serves some load balancer, which one is
        // unknown.
        if let Some(why) = r.out.unknown.get("target_group_arns").cloned() {
            r.mark_all(&TG_FACTS, &why);
            r.mark("has_load_balancer", why);
        }
        // What the plan cannot tell about each target group: whether it exists (not in the
        // plan), which load balancers it serves, the AZs they are enabled in.
        for tg in &target_group_arns {
            if !bal.tgs.contains(tg) {
                r.mark_all(&TG_FACTS, &format!("target group {tg} is not in the plan"));
                continue;
            }
            if let Some(why) = bal.tg_lbs_unknown.get(tg).or(bal.any_tg_unknown.as_ref()) {
                let why = format!("the load balancers of target group {tg} are unknown: {why}");
                r.mark_all(&TG_FACTS[1..], &why);
            }
            for lb in bal.tg_lbs.get(tg).into_iter().flatten() {
                if !bal.lbs.contains(lb) {
                    let why = format!("load balancer {lb} of target group {tg} is not in the plan");
                    r.mark_all(&TG_FACTS[1..], &why);
                } else if let Some(why) = bal.lb_azs_unknown.get(lb) {
                    r.mark(
                        "azs_not_served_by_load_balancer",
                        format!("the AZs of load balancer {lb} are unknown: {why}"),
                    );
                }
            }
        }
        if !load_balancer_names.is_empty() {
            r.mark(
                "missing_load_balancer_names",
                "Classic Load Balancers are not read from a plan".into(),
            );
        }
        for f in ["instance_azs", "instance_count", "subnet_free_ips"] {
            r.mark(f, RUNTIME.into());
        }
        let mixed = r.block("mixed_instances_policy", "mixed_instances_policy");
        let mut types = BTreeSet::new();
        let mut by_attributes = false;
        if let Some(m) = mixed {
            for lt in m
                .get("launch_template")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                for o in lt
                    .get("override")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(t) = o
                        .get("instance_type")
                        .and_then(Value::as_str)
                        .filter(|t| !t.is_empty())
                    {
                        types.insert(t.to_string());
                    }
                    if o.get("instance_requirements")
                        .and_then(Value::as_array)
                        .is_some_and(|a| !a.is_empty())
                    {
                        by_attributes = true;
                    }
                }
            }
        }
        let zonal = r
            .block("availability_zone_impairment_policy", "zonal_shift_enabled")
            .and_then(|p| p.get("zonal_shift_enabled"))
            .and_then(Value::as_bool);
        let strategy = r
            .block(
                "availability_zone_distribution",
                "capacity_distribution_strategy",
            )
            .and_then(|p| p.get("capacity_distribution_strategy"))
            .and_then(Value::as_str)
            .map(str::to_string);
        // A launch configuration created in the same plan has an unknown name, but setting
        // the argument at all is what the rule judges.
        let launch_source = if mixed.is_some() || r.configured("launch_template") {
            "launch_template"
        } else if r.configured("launch_configuration") {
            "launch_configuration"
        } else {
            "none"
        };
        self.snap.autoscaling.groups.push(AutoScalingGroup {
            region: region.clone(),
            name: i.address.clone(),
            arn: i.address.clone(),
            availability_zones,
            subnet_ids: subnet_ids.unwrap_or_default(),
            health_check_types: health.into_iter().collect(),
            health_check_grace_period: r
                .int("health_check_grace_period", "health_check_grace_period"),
            load_balancer_names,
            target_group_arns,
            min_size: r.int("min_size", "min_size").unwrap_or(0),
            max_size: r.int("max_size", "max_size").unwrap_or(0),
            desired_capacity: r.int("desired_capacity", "desired_capacity"),
            suspended_processes: r.strings("suspended_processes", "suspended_processes"),
            capacity_rebalance: r.bool("capacity_rebalance", "capacity_rebalance"),
            zonal_shift_enabled: zonal,
            mixed_instances_policy: mixed.is_some(),
            capacity_distribution_strategy: strategy,
            override_instance_types: Some(types.into_iter().collect()),
            attribute_based_instance_types: by_attributes,
            launch_source: Some(launch_source.to_string()),
            instances: Vec::new(),
            tags: tags(i.after),
        });
        let out = r.finish();
        self.entry(i, "autoscaling.group", &region, out);
    }
}
