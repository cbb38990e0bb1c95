//! Route 53: hosted zones, records with their failover peers, and health checks.

use super::{depends_on, fields_of, Ctx, Resource};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

pub(super) fn build(ctx: &Ctx, out: &mut Vec<Resource>) {
    dns(ctx, out);
}

fn dns(ctx: &Ctx, out: &mut Vec<Resource>) {
    let s = ctx.snapshot;
    let p = &s.partition;
    let zones: HashMap<&str, _> = s
        .route53
        .hosted_zones
        .iter()
        .map(|z| (z.id.as_str(), z))
        .collect();
    for z in &s.route53.hosted_zones {
        out.push(Resource {
            kind: "route53.hosted_zone",
            id: z.id.clone(),
            name: Some(z.name.clone()),
            arn: format!("arn:{p}:route53:::hostedzone/{}", z.id),
            region: crate::snapshot::GLOBAL_REGION.into(),
            fields: fields_of(z),
            unknown: BTreeMap::new(),
        });
    }

    // Failover roles per (zone, name, type): a record's peers are those with the other role.
    let mut roles: HashMap<(&str, &str, &str), Vec<&str>> = HashMap::new();
    for r in &s.route53.record_sets {
        if let Some(f) = r.failover.as_deref() {
            roles
                .entry((&r.hosted_zone_id, &r.name, &r.record_type))
                .or_default()
                .push(f);
        }
    }
    let health_checks: std::collections::HashSet<&str> = s
        .route53
        .health_checks
        .iter()
        .map(|h| h.id.as_str())
        .collect();
    let mut hc_users: HashMap<&str, usize> = HashMap::new();

    for r in &s.route53.record_sets {
        let mut fields = fields_of(r);
        let peers = r.failover.as_deref().map_or(0, |role| {
            roles
                .get(&(
                    r.hosted_zone_id.as_str(),
                    r.name.as_str(),
                    r.record_type.as_str(),
                ))
                .map_or(0, |all| all.iter().filter(|other| **other != role).count())
        });
        fields.insert("failover_peers".into(), Value::from(peers));
        let zone = zones.get(r.hosted_zone_id.as_str());
        fields.insert("zone_name".into(), json!(zone.map(|z| &z.name)));
        fields.insert("zone_private".into(), json!(zone.map(|z| z.private_zone)));
        fields.insert(
            "health_check_exists".into(),
            match &r.health_check_id {
                Some(id) => Value::Bool(health_checks.contains(id.as_str())),
                None => Value::Null,
            },
        );
        if let Some(id) = &r.health_check_id {
            *hc_users.entry(id.as_str()).or_default() += 1;
        }
        let mut unknown = BTreeMap::new();
        depends_on(
            ctx,
            &mut unknown,
            "route53.health_check",
            "global",
            &["health_check_exists"],
        );
        let set = r.set_identifier.as_deref().unwrap_or("");
        let display = if set.is_empty() {
            format!("{} {}", r.name, r.record_type)
        } else {
            format!("{} {} {}", r.name, r.record_type, set)
        };
        out.push(Resource {
            kind: "route53.record",
            id: format!("{}/{}/{}/{}", r.hosted_zone_id, r.name, r.record_type, set),
            name: Some(display),
            arn: format!(
                "arn:{p}:route53:::hostedzone/{}/recordset/{}/{}/{}",
                r.hosted_zone_id,
                r.name.trim_end_matches('.'),
                r.record_type,
                set
            ),
            region: crate::snapshot::GLOBAL_REGION.into(),
            fields,
            unknown,
        });
    }

    for h in &s.route53.health_checks {
        let mut fields = fields_of(h);
        fields.insert(
            "used_by_records".into(),
            Value::from(hc_users.get(h.id.as_str()).copied().unwrap_or(0)),
        );
        out.push(Resource {
            kind: "route53.health_check",
            id: h.id.clone(),
            name: h.fqdn.clone(),
            arn: format!("arn:{p}:route53:::healthcheck/{}", h.id),
            region: crate::snapshot::GLOBAL_REGION.into(),
            fields,
            unknown: BTreeMap::new(),
        });
    }
}
