//! Elastic Load Balancing v2 load balancers.

use super::reader::*;
use super::*;

impl<'a, 'p> Builder<'a, 'p> {
    pub(super) fn lb(
        &mut self,
        i: &Inst<'p>,
        subnet_az: &SubnetAz,
        bal: &tg::Balancing,
    ) -> Option<String> {
        let region = self.region(i);
        let mut r = Reader::new(self.plan, i, self.view);
        let lb_type = r
            .string("load_balancer_type", "type")
            .unwrap_or_else(|| "application".into());
        let internal = r.bool("internal", "scheme");
        // `subnets`, else `subnet_mapping[].subnet_id`.
        let mut subnets = r.links("subnets", "azs");
        if subnets.as_ref().is_some_and(Vec::is_empty) || subnets.is_none() {
            match r.get("subnet_mapping") {
                Got::Known(Value::Array(m)) if !m.is_empty() => {
                    let unknown_ids = r.unknown_tree.get("subnet_mapping").is_some_and(any_true);
                    if unknown_ids {
                        match self
                            .plan
                            .resolve_nested(i, "subnet_mapping", "subnet_id", None)
                        {
                            Ok(t) => {
                                r.out.unknown.remove("azs");
                                subnets = Some(r.targets(t));
                            }
                            Err(why) => {
                                r.mark("azs", format!("{}; {why}", r.after_apply("subnet_mapping")))
                            }
                        }
                    } else {
                        r.out.unknown.remove("azs");
                        subnets = Some(
                            m.iter()
                                .filter_map(|x| x.get("subnet_id")?.as_str())
                                .map(|s| r.literal(s))
                                .collect(),
                        );
                    }
                }
                Got::Unknown => {
                    if let Ok(t) = self
                        .plan
                        .resolve_nested(i, "subnet_mapping", "subnet_id", None)
                    {
                        r.out.unknown.remove("azs");
                        subnets = Some(r.targets(t));
                    }
                }
                _ => {}
            }
        }
        let mut zones = Vec::new();
        if let Some(ids) = &subnets {
            match Self::azs_of(ids, subnet_az) {
                Ok(azs) => {
                    zones = azs
                        .into_iter()
                        .map(|(s, az)| LbZone {
                            zone_name: az,
                            subnet_id: Some(s),
                        })
                        .collect()
                }
                Err(why) => r.mark("azs", why),
            }
        }
        if r.out.unknown.contains_key("azs") {
            let why = r.out.unknown["azs"].clone();
            r.mark("availability_zones", why);
        }
        let mut attributes = BTreeMap::new();
        if let Some(v) = r.string("enable_deletion_protection", "deletion_protection") {
            attributes.insert("deletion_protection.enabled".to_string(), v);
        }
        if lb_type == "application" {
            attributes.insert(
                "load_balancing.cross_zone.enabled".to_string(),
                "true".into(),
            );
        } else if let Some(v) = r.string("enable_cross_zone_load_balancing", "cross_zone") {
            attributes.insert("load_balancing.cross_zone.enabled".to_string(), v);
        }
        if let Got::Known(Value::Bool(z)) = r.get("enable_zonal_shift") {
            attributes.insert("zonal_shift.config.enabled".to_string(), z.to_string());
        } else {
            r.mark("zonal_shift", r.after_apply("enable_zonal_shift"));
        }
        // Listeners that the plan attaches to it.
        let listeners = bal.listeners.get(&i.address).copied().unwrap_or(0);
        if listeners == 0 {
            r.mark(
                "listener_count",
                "no listener of the plan is known to belong to it".into(),
            );
        }
        if let Some(why) = bal.lb_tgs_unknown.get(&i.address) {
            r.mark_all(
                &[
                    "target_group_arns",
                    "target_groups_cross_zone_off",
                    "cross_zone_off_azs_without_healthy_targets",
                ],
                why,
            );
        }
        if let Some(why) = r.out.unknown.get("cross_zone").cloned() {
            r.mark_all(
                &[
                    "cross_zone_effective",
                    "target_groups_cross_zone_off",
                    "cross_zone_off_azs_without_healthy_targets",
                ],
                &why,
            );
        }
        r.mark_all(
            &[
                "healthy_target_count",
                "healthy_target_azs",
                "healthy_target_count_by_az",
                "azs_without_healthy_targets",
                "healthy_target_az_spread",
                "healthy_target_max_az",
                "healthy_target_max_az_count",
                "healthy_target_max_az_share_pct",
                "cross_zone_off_azs_without_healthy_targets",
            ],
            RUNTIME,
        );
        r.mark_all(
            &["health_alarms", "health_alarms_silent"],
            "CloudWatch alarms are not read from a plan",
        );
        let azs_unknown = r.out.unknown.get("azs").cloned();
        self.snap.elbv2.load_balancers.push(LoadBalancer {
            region: region.clone(),
            arn: i.address.clone(),
            name: i.address.clone(),
            lb_type,
            scheme: Some(
                if internal {
                    "internal"
                } else {
                    "internet-facing"
                }
                .into(),
            ),
            state: Some("active".into()),
            vpc_id: None,
            dns_name: Some(i.address.clone()),
            availability_zones: zones,
            attributes,
            listener_count: (listeners > 0).then_some(listeners),
            tags: tags(i.after),
            unreadable: Unreadable::new(),
        });
        let out = r.finish();
        self.entry(i, "elbv2.load_balancer", &region, out);
        azs_unknown
    }
}
