//! Route 53 hosted zones, health checks and records.

use super::reader::*;
use super::*;

impl<'a, 'p> Builder<'a, 'p> {
    pub(super) fn zone(&mut self, i: &Inst<'p>) {
        let mut r = Reader::new(self.plan, i, self.view);
        let name = r.string("name", "name").unwrap_or_default();
        let private = matches!(r.get("vpc"), Got::Known(Value::Array(a)) if !a.is_empty());
        self.snap.route53.hosted_zones.push(HostedZone {
            id: i.address.clone(),
            name,
            private_zone: private,
            record_count: None,
            linked_service: None,
        });
        r.mark("shield_protected", "Shield is not read from a plan".into());
        let out = r.finish();
        self.entry(i, "route53.hosted_zone", GLOBAL_REGION, out);
    }

    pub(super) fn health_check(&mut self, i: &Inst<'p>) {
        let mut r = Reader::new(self.plan, i, self.view);
        let hc = HealthCheck {
            id: i.address.clone(),
            check_type: r.string("type", "type").unwrap_or_default(),
            fqdn: r.string("fqdn", "fqdn"),
            ip_address: r.string("ip_address", "ip_address"),
            port: r.int("port", "port"),
            resource_path: r.string("resource_path", "resource_path"),
            request_interval: r.int("request_interval", "request_interval"),
            failure_threshold: r.int("failure_threshold", "failure_threshold"),
            disabled: r.bool("disabled", "disabled"),
            inverted: r.bool("invert_healthcheck", "inverted"),
            child_health_checks: r
                .links("child_healthchecks", "child_health_checks")
                .unwrap_or_default(),
        };
        self.snap.route53.health_checks.push(hc);
        let out = r.finish();
        self.entry(i, "route53.health_check", GLOBAL_REGION, out);
    }

    pub(super) fn record(&mut self, i: &Inst<'p>) {
        let mut r = Reader::new(self.plan, i, self.view);
        let zone = r
            .link("zone_id", "hosted_zone_id")
            .flatten()
            .unwrap_or_default();
        let name = r.string("name", "name").unwrap_or_default();
        let record_type = r.string("type", "type").unwrap_or_default();
        let set_identifier = r.string("set_identifier", "set_identifier");
        let failover = r
            .block("failover_routing_policy", "failover")
            .and_then(|p| p.get("type"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let health_check_id = r.link("health_check_id", "health_check_id").flatten();
        let weight = r
            .block("weighted_routing_policy", "weight")
            .and_then(|p| p.get("weight"))
            .and_then(Value::as_i64);
        let routing_region = r
            .block("latency_routing_policy", "routing_region")
            .and_then(|p| p.get("region"))
            .and_then(Value::as_str)
            .map(str::to_string);
        // The alias is known field by field: its name is often another resource's output.
        let alias = match r.values.get("alias") {
            Some(Value::Array(a)) => a.first(),
            _ => r.block("alias", "alias_target"),
        };
        let alias_target = match alias {
            Some(a) => {
                let known = |k: &str| {
                    a.get(k)
                        .and_then(Value::as_str)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                };
                let dns = match known("name") {
                    Some(n) => Some(n),
                    None => match self.plan.resolve_nested(i, "alias", "name", None) {
                        Ok(t) => r.targets(t).into_iter().next(),
                        Err(why) => {
                            r.mark(
                                "alias_target",
                                format!("{}; {why}", r.after_apply("alias.name")),
                            );
                            None
                        }
                    },
                };
                dns.map(|dns_name| AliasTarget {
                    dns_name,
                    hosted_zone_id: known("zone_id").unwrap_or_default(),
                    evaluate_target_health: a
                        .get("evaluate_target_health")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                })
            }
            None => None,
        };
        if zone.is_empty() {
            let why = r
                .out
                .unknown
                .get("hosted_zone_id")
                .cloned()
                .unwrap_or_else(|| r.after_apply("zone_id"));
            for f in [
                "failover_peers",
                "failover_peer_health_check_ids",
                "failover_peer_targets",
                "set_members",
                "set_first",
                "set_regions",
                "set_other_weights",
            ] {
                r.mark(f, why.clone());
            }
        }
        self.snap.route53.record_sets.push(RecordSet {
            hosted_zone_id: zone,
            name,
            record_type,
            set_identifier,
            failover,
            health_check_id,
            ttl: r.int("ttl", "ttl"),
            alias_target,
            routing_region,
            weight,
            multi_value_answer: match r.get("multivalue_answer_routing_policy") {
                Got::Known(Value::Bool(b)) => Some(*b),
                _ => None,
            },
            geolocation: None,
            geoproximity_region: None,
            values: r.strings("records", "values"),
        });
        let rs = self
            .snap
            .route53
            .record_sets
            .last()
            .map(|x| x.id().into_owned())
            .unwrap_or_default();
        let out = r.finish();
        self.entries.push(PlanResource {
            address: i.address.clone(),
            kind: "route53.record".into(),
            region: GLOBAL_REGION.into(),
            id: rs,
            action: i.action.to_string(),
            unknown: out.unknown,
            assumed: out.assumed,
            source: None,
        });
    }
}
