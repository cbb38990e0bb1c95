//! Route 53: hosted zones, records with their failover peers, and health checks.

use super::{distinct, Always, Ctx, Known, Resource, Type, Val};
use crate::registry::Kind;
use crate::snapshot::{HealthCheck, LoadBalancer, RecordSet, GLOBAL_REGION};
use serde_json::Value as Json;
use std::borrow::Cow;
use std::collections::HashMap;

/// The load balancer of this account an alias record points at.
#[derive(Debug, Clone, PartialEq)]
pub struct AliasLoadBalancer<'a> {
    pub name: &'a str,
    pub arn: &'a str,
    pub region: &'a str,
    pub lb_type: &'a str,
    /// The AZs it is enabled in, distinct and sorted.
    pub azs: Vec<&'a str>,
}

impl super::IntoVal for AliasLoadBalancer<'_> {
    fn val(&self) -> Val<'_> {
        let s = |v: &str| Val::Str(Cow::Borrowed(v)).into_owned();
        Val::Map(vec![
            (Cow::Borrowed("name"), s(self.name)),
            (Cow::Borrowed("arn"), s(self.arn)),
            (Cow::Borrowed("region"), s(self.region)),
            (Cow::Borrowed("type"), s(self.lb_type)),
            (
                Cow::Borrowed("azs"),
                Val::List(self.azs.iter().map(|z| s(z)).collect()),
            ),
        ])
    }
    fn field_type() -> Type {
        Type::Object
    }
}

crate::facts! {
    /// Derived facts of a DNS record set.
    pub struct RecordFacts<'a> {
        /// How many records of the other failover role share its zone, name and type.
        pub failover_peers: Known<usize>,
        /// What those peers answer with (alias targets or values), distinct.
        pub failover_peer_targets: Known<Vec<String>>,
        /// The health checks of those peers, distinct.
        pub failover_peer_health_check_ids: Known<Vec<&'a str>>,
        /// What it answers with: its normalised alias target, or its sorted values.
        pub target: Always<String>,
        /// The name of its hosted zone.
        pub zone_name: Always<Option<&'a str>>,
        /// Whether its hosted zone is private.
        pub zone_private: Always<Option<bool>>,
        /// Whether its health check exists (null when it has none).
        pub health_check_exists: Known<Option<bool>>,
        /// Its health check, as listed (null when it has none or it does not exist).
        pub health_check: Known<Option<Json>>,
        /// The load balancer of this account its alias points at, if any.
        pub alias_load_balancer: Known<Option<AliasLoadBalancer<'a>>>,
        /// `simple`, `failover`, `weighted`, `latency`, `geolocation`, `geoproximity`,
        /// `multivalue`, or `other` (a set identifier without a policy this snapshot names).
        pub routing_policy: Always<&'static str>,
        /// Whether Route 53 stops answering with it when its target fails: it has a health
        /// check, or is an alias that evaluates its target's health.
        pub health_checked: Always<bool>,
        /// How many records share its zone, name, type and routing policy, itself included.
        pub set_members: Known<usize>,
        /// Whether it is the first of those by set identifier: set-wide findings are given once.
        pub set_first: Always<bool>,
        /// The AWS regions the records of its routing set answer from (latency and
        /// geoproximity regions, the regions of load balancers they alias), distinct; empty
        /// for simple and failover records.
        pub set_regions: Known<Vec<String>>,
        /// The weights of the other records of a weighted set.
        pub set_other_weights: Always<Vec<i64>>,
    }
}

/// A record's routing policy, from the fields that set it.
fn routing_policy(r: &RecordSet) -> &'static str {
    if r.failover.is_some() {
        "failover"
    } else if r.weight.is_some() {
        "weighted"
    } else if r.routing_region.is_some() {
        "latency"
    } else if r.geolocation.is_some() {
        "geolocation"
    } else if r.geoproximity_region.is_some() {
        "geoproximity"
    } else if r.multi_value_answer == Some(true) {
        "multivalue"
    } else if r.set_identifier.is_some() {
        "other"
    } else {
        "simple"
    }
}

/// The region a record answers from, when the snapshot says.
fn answer_region<'a>(r: &'a RecordSet, lbs: &HashMap<String, &'a LoadBalancer>) -> Option<&'a str> {
    r.routing_region
        .as_deref()
        .or(r.geoproximity_region.as_deref().filter(|g| crate::registry::is_region_name(g)))
        .or_else(|| {
            let a = r.alias_target.as_ref()?;
            lbs.get(&normalize_dns_name(&a.dns_name)).map(|lb| lb.region.as_str())
        })
}

crate::facts! {
    /// Derived facts of a Route 53 hosted zone.
    pub struct HostedZoneFacts {
        /// Whether the account subscribes to AWS Shield Advanced.
        pub shield_subscribed: Known<bool>,
        /// Whether a Shield Advanced protection names it.
        pub shield_protected: Known<bool>,
    }
}

crate::facts! {
    /// Derived facts of a Route 53 health check.
    pub struct HealthCheckFacts {
        /// How many record sets use it.
        pub used_by_records: Always<usize>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    let s = ctx.snapshot;
    let p = &s.partition;
    let zones: HashMap<&str, _> = s
        .route53
        .hosted_zones
        .iter()
        .map(|z| (z.id.as_str(), z))
        .collect();
    for z in &s.route53.hosted_zones {
        let arn = format!("arn:{p}:route53:::hostedzone/{}", z.id);
        let shield = ctx.shield(&arn);
        out.push(Resource {
            kind: Kind::HostedZone,
            id: Cow::Borrowed(&z.id),
            name: Some(Cow::Borrowed(&z.name)),
            arn: Cow::Owned(arn),
            region: Cow::Borrowed(GLOBAL_REGION),
            source: Some(z),
            unreadable: None,
            facts: Box::new(HostedZoneFacts {
                shield_subscribed: shield.subscribed,
                shield_protected: shield.protected,
            }),
        });
    }

    // Failover records per (zone, name, type): a record's peers are those with the other role.
    let mut failover: HashMap<(&str, &str, &str), Vec<&RecordSet>> = HashMap::new();
    for r in &s.route53.record_sets {
        if r.failover.is_some() {
            failover
                .entry((&r.hosted_zone_id, &r.name, &r.record_type))
                .or_default()
                .push(r);
        }
    }
    let health_checks: HashMap<&str, &HealthCheck> = s
        .route53
        .health_checks
        .iter()
        .map(|h| (h.id.as_str(), h))
        .collect();
    let lbs: HashMap<String, &LoadBalancer> = s
        .elbv2
        .load_balancers
        .iter()
        .filter_map(|lb| Some((normalize_dns_name(lb.dns_name.as_deref()?), lb)))
        .collect();
    let mut hc_users: HashMap<&str, usize> = HashMap::new();
    // Routing-policy sets per (zone, name, type, policy).
    let mut sets: HashMap<(&str, &str, &str, &str), Vec<&RecordSet>> = HashMap::new();
    for r in &s.route53.record_sets {
        let policy = routing_policy(r);
        if policy != "simple" {
            sets.entry((&r.hosted_zone_id, &r.name, &r.record_type, policy))
                .or_default()
                .push(r);
        }
    }

    for r in &s.route53.record_sets {
        let peers: Vec<&RecordSet> = r.failover.as_deref().map_or_else(Vec::new, |role| {
            failover
                .get(&(
                    r.hosted_zone_id.as_str(),
                    r.name.as_str(),
                    r.record_type.as_str(),
                ))
                .into_iter()
                .flatten()
                .filter(|other| other.failover.as_deref() != Some(role))
                .copied()
                .collect()
        });
        let peer_targets: Vec<String> = peers.iter().map(|p| target(p)).collect();
        let zone = zones.get(r.hosted_zone_id.as_str());
        let check = r
            .health_check_id
            .as_deref()
            .map(|id| health_checks.get(id).copied());
        if let Some(id) = &r.health_check_id {
            *hc_users.entry(id.as_str()).or_default() += 1;
        }
        let policy = routing_policy(r);
        let set: Vec<&RecordSet> = sets
            .get(&(
                r.hosted_zone_id.as_str(),
                r.name.as_str(),
                r.record_type.as_str(),
                policy,
            ))
            .cloned()
            .unwrap_or_else(|| vec![r]);
        let first = set
            .iter()
            .map(|x| x.set_identifier.as_deref().unwrap_or(""))
            .min()
            == Some(r.set_identifier.as_deref().unwrap_or(""));
        let mut regions = Vec::new();
        let mut region_unknown = None;
        let spread = !matches!(policy, "simple" | "failover");
        for m in set.iter().filter(|_| spread) {
            match answer_region(m, &lbs) {
                Some(region) => regions.push(region),
                None => {
                    region_unknown.get_or_insert_with(|| {
                        format!(
                            "the region record {} answers from is not known: it is not a latency or geoproximity record, nor an alias to a load balancer of this account",
                            m.set_identifier.as_deref().unwrap_or(&m.name)
                        )
                    });
                }
            }
        }
        let mut f = RecordFacts {
            routing_policy: Always(policy),
            health_checked: Always(
                r.health_check_id.is_some()
                    || r.alias_target.as_ref().is_some_and(|a| a.evaluate_target_health),
            ),
            set_members: Known::Is(set.len()),
            set_first: Always(first),
            set_regions: match region_unknown {
                Some(why) => Known::unknown(why),
                None => Known::Is(distinct(regions).into_iter().map(str::to_string).collect()),
            },
            set_other_weights: Always(
                set.iter()
                    .filter(|x| !std::ptr::eq(**x, r))
                    .filter_map(|x| x.weight)
                    .collect(),
            ),
            failover_peers: Known::Is(peers.len()),
            failover_peer_targets: Known::Is(
                distinct(peer_targets.iter().map(String::as_str))
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
            ),
            failover_peer_health_check_ids: Known::Is(distinct(
                peers.iter().filter_map(|p| p.health_check_id.as_deref()),
            )),
            target: Always(target(r)),
            zone_name: Always(zone.map(|z| z.name.as_str())),
            zone_private: Always(zone.map(|z| z.private_zone)),
            health_check_exists: Known::Is(check.map(|found| found.is_some())),
            health_check: Known::Is(check.flatten().map(super::Source::json)),
            alias_load_balancer: match alias_load_balancer(ctx, r, &lbs) {
                Ok(lb) => Known::Is(lb),
                Err(reason) => Known::unknown(reason),
            },
        };
        crate::unknown_if!(ctx.incomplete(Kind::HealthCheck, GLOBAL_REGION) =>
            f.health_check_exists, f.health_check);
        // A zone whose records were read only in part may hide a peer: only that zone's
        // records (or every zone's, when the failure is not tied to one zone) are affected.
        if let Some(scope) = ctx.incomplete.iter().find(|sc| {
            sc.kind == Kind::Record && sc.within.as_deref().is_none_or(|z| z == r.hosted_zone_id)
        }) {
            let why = format!(
                "the records of the zone could not all be read: {}",
                scope.reason
            );
            crate::unknown_if!(Some(why) =>
                f.failover_peers, f.failover_peer_targets, f.failover_peer_health_check_ids,
                f.set_members, f.set_regions);
        }
        let set = r.set_identifier.as_deref().unwrap_or("");
        let display = if set.is_empty() {
            format!("{} {}", r.name, r.record_type)
        } else {
            format!("{} {} {}", r.name, r.record_type, set)
        };
        out.push(Resource {
            kind: Kind::Record,
            id: crate::snapshot::Listed::id(r),
            name: Some(Cow::Owned(display)),
            arn: Cow::Owned(format!(
                "arn:{p}:route53:::hostedzone/{}/recordset/{}/{}/{}",
                r.hosted_zone_id,
                r.name.trim_end_matches('.'),
                r.record_type,
                set
            )),
            region: Cow::Borrowed(GLOBAL_REGION),
            source: Some(r),
            unreadable: None,
            facts: Box::new(f),
        });
    }

    for h in &s.route53.health_checks {
        out.push(Resource {
            kind: Kind::HealthCheck,
            id: Cow::Borrowed(&h.id),
            name: h.fqdn.as_deref().map(Cow::Borrowed),
            arn: Cow::Owned(format!("arn:{p}:route53:::healthcheck/{}", h.id)),
            region: Cow::Borrowed(GLOBAL_REGION),
            source: Some(h),
            unreadable: None,
            facts: Box::new(HealthCheckFacts {
                used_by_records: Always(hc_users.get(h.id.as_str()).copied().unwrap_or(0)),
            }),
        });
    }
}

/// A DNS name as Route 53 and ELB compare it: lower case, without the trailing dot and
/// without the `dualstack.` prefix that alias records to a load balancer may carry.
pub(crate) fn normalize_dns_name(name: &str) -> String {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    match name.strip_prefix("dualstack.") {
        Some(rest) => rest.to_string(),
        None => name,
    }
}

/// What a record answers with, comparable between records: the normalised alias target,
/// or the sorted values joined by a space.
fn target(r: &RecordSet) -> String {
    match &r.alias_target {
        Some(a) => normalize_dns_name(&a.dns_name),
        None => {
            let mut values: Vec<&str> = r.values.iter().map(String::as_str).collect();
            values.sort_unstable();
            values.join(" ")
        }
    }
}

/// The region named in an ELB DNS name: `<name>-<id>.<region>.elb.amazonaws.com` (ALB,
/// CLB) or `<name>-<id>.elb.<region>.amazonaws.com` (NLB). `None` when the name is not an
/// ELB name.
fn elb_region(name: &str) -> Option<&str> {
    let labels: Vec<&str> = name.split('.').collect();
    let is_elb = labels.contains(&"elb")
        && (name.ends_with(".amazonaws.com") || name.ends_with(".amazonaws.com.cn"));
    if !is_elb {
        return None;
    }
    labels
        .into_iter()
        .find(|l| crate::registry::is_region_name(l))
}

/// The load balancer of this account an alias record points at: `Ok(None)` when the alias
/// is not to a load balancer of this account (a CloudFront distribution, a bucket, a Classic
/// Load Balancer), `Err(reason)` when that cannot be told because the load balancer's region
/// was not read completely.
fn alias_load_balancer<'a>(
    ctx: &Ctx<'a>,
    r: &RecordSet,
    lbs: &HashMap<String, &'a LoadBalancer>,
) -> Result<Option<AliasLoadBalancer<'a>>, String> {
    let Some(alias) = &r.alias_target else {
        return Ok(None);
    };
    let name = normalize_dns_name(&alias.dns_name);
    if let Some(lb) = lbs.get(&name) {
        return Ok(Some(AliasLoadBalancer {
            name: &lb.name,
            arn: &lb.arn,
            region: &lb.region,
            lb_type: &lb.lb_type,
            azs: distinct(lb.availability_zones.iter().map(|z| z.zone_name.as_str())),
        }));
    }
    let Some(region) = elb_region(&name) else {
        return Ok(None);
    };
    if !ctx.snapshot.regions.iter().any(|r| r == region) {
        return Err(format!(
            "the alias target {name} is a load balancer in {region}, a region that was not scanned"
        ));
    }
    match ctx.incomplete(Kind::LoadBalancer, region) {
        Some(reason) => Err(reason),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use crate::model::tests::coverage_error as denied;
    use crate::model::{Model, Resource};
    use crate::snapshot::*;

    #[test]
    fn dns_names_compare_without_case_trailing_dot_or_dualstack() {
        assert_eq!(
            normalize_dns_name("dualstack.Web-1.us-east-1.ELB.amazonaws.com."),
            "web-1.us-east-1.elb.amazonaws.com"
        );
        assert_eq!(normalize_dns_name("d1.cloudfront.net"), "d1.cloudfront.net");
    }

    #[test]
    fn elb_regions_from_alb_and_nlb_names() {
        assert_eq!(
            elb_region("web-1.us-east-1.elb.amazonaws.com"),
            Some("us-east-1")
        );
        assert_eq!(
            elb_region("net-0123.elb.eu-west-1.amazonaws.com"),
            Some("eu-west-1")
        );
        assert_eq!(
            elb_region("internal-web-1.cn-north-1.elb.amazonaws.com.cn"),
            Some("cn-north-1")
        );
        assert_eq!(elb_region("d111.cloudfront.net"), None);
        assert_eq!(elb_region("s3-website-us-east-1.amazonaws.com"), None);
    }

    fn record(name: &str, role: Option<&str>) -> RecordSet {
        RecordSet {
            hosted_zone_id: "Z1".into(),
            name: name.into(),
            record_type: "A".into(),
            set_identifier: role.map(str::to_lowercase),
            failover: role.map(str::to_string),
            ttl: Some(60),
            ..Default::default()
        }
    }

    fn alias(name: &str, role: Option<&str>, dns: &str) -> RecordSet {
        RecordSet {
            ttl: None,
            alias_target: Some(AliasTarget {
                dns_name: dns.into(),
                hosted_zone_id: "Z35SXDOTRQ7X7K".into(),
                evaluate_target_health: true,
            }),
            ..record(name, role)
        }
    }

    fn record_of<'a>(m: &'a Model, id: &str) -> &'a Resource<'a> {
        m.of_kind(crate::registry::Kind::from_key("route53.record").unwrap())
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("no record {id}"))
    }

    fn lb(region: &str, name: &str, azs: &[&str]) -> LoadBalancer {
        LoadBalancer {
            region: region.into(),
            arn: format!(
                "arn:aws:elasticloadbalancing:{region}:111122223333:loadbalancer/app/{name}/1"
            ),
            name: name.into(),
            lb_type: "application".into(),
            dns_name: Some(format!("{name}-1.{region}.elb.amazonaws.com")),
            availability_zones: azs
                .iter()
                .map(|z| LbZone {
                    zone_name: z.to_string(),
                    subnet_id: None,
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn failover_peers_expose_their_targets_and_health_checks() {
        let mut s = Snapshot::new("111122223333", vec![], "t".into());
        let with_hc = |mut r: RecordSet, hc: &str, values: &[&str]| {
            r.health_check_id = Some(hc.into());
            r.values = values.iter().map(|v| v.to_string()).collect();
            r
        };
        s.route53.record_sets = vec![
            with_hc(
                record("a.", Some("PRIMARY")),
                "hc-1",
                &["192.0.2.2", "192.0.2.1"],
            ),
            with_hc(
                record("a.", Some("SECONDARY")),
                "hc-1",
                &["192.0.2.1", "192.0.2.2"],
            ),
            alias("b.", Some("PRIMARY"), "Web-1.us-east-1.elb.amazonaws.com."),
            alias(
                "b.",
                Some("SECONDARY"),
                "dualstack.web-1.us-east-1.elb.amazonaws.com",
            ),
        ];
        let m = Model::build(&s);
        let a = record_of(&m, "Z1/a./A/primary");
        let (unknown, a) = (&a.unknown(), &a.fields());
        assert_eq!(a["target"], json!("192.0.2.1 192.0.2.2"));
        assert_eq!(a["failover_peer_targets"], json!(["192.0.2.1 192.0.2.2"]));
        assert_eq!(a["failover_peer_health_check_ids"], json!(["hc-1"]));
        // The health check is not among the account's (none were listed).
        assert_eq!(a["health_check_exists"], json!(false));
        assert_eq!(a["health_check"], json!(null));
        assert!(unknown.is_empty(), "{unknown:?}");
        let b = &record_of(&m, "Z1/b./A/primary").fields();
        assert_eq!(b["target"], json!("web-1.us-east-1.elb.amazonaws.com"));
        assert_eq!(
            b["failover_peer_targets"],
            json!(["web-1.us-east-1.elb.amazonaws.com"])
        );
        assert_eq!(b["failover_peer_health_check_ids"], json!([]));
    }

    #[test]
    fn the_health_check_of_a_record_is_exposed_or_unknown() {
        let mut s = Snapshot::new("111122223333", vec![], "t".into());
        let mut r = record("a.", Some("PRIMARY"));
        r.health_check_id = Some("hc-1".into());
        s.route53.record_sets = vec![r];
        s.route53.health_checks = vec![HealthCheck {
            id: "hc-1".into(),
            check_type: "HTTPS".into(),
            disabled: true,
            ..Default::default()
        }];
        let m = Model::build(&s);
        let a = &record_of(&m, "Z1/a./A/primary").fields();
        assert_eq!(a["health_check"]["disabled"], json!(true));
        assert_eq!(a["health_check"]["inverted"], json!(false));

        drop(m);
        s.route53.health_checks.clear();
        s.coverage.push(denied(
            "route53",
            "global",
            "ListHealthChecks",
            &["route53.health_check"],
        ));
        let m = Model::build(&s);
        let unknown = &record_of(&m, "Z1/a./A/primary").unknown();
        assert!(unknown["health_check"].contains("ListHealthChecks"));
        assert!(unknown["health_check_exists"].contains("ListHealthChecks"));
    }

    #[test]
    fn routing_sets_know_their_policy_members_regions_and_weights() {
        let mut s = Snapshot::new("111122223333", vec!["us-east-1".into()], "t".into());
        s.elbv2.load_balancers = vec![
            lb("us-east-1", "east", &["us-east-1a", "us-east-1b"]),
            lb("eu-west-1", "eu", &["eu-west-1a", "eu-west-1b"]),
        ];
        let member = |name: &str, set: &str, f: &dyn Fn(&mut RecordSet)| {
            let mut r = record(name, None);
            r.set_identifier = Some(set.into());
            f(&mut r);
            r
        };
        s.route53.record_sets = vec![
            member("lat.", "us", &|r| r.routing_region = Some("us-east-1".into())),
            member("lat.", "eu", &|r| {
                r.routing_region = Some("eu-west-1".into());
                r.health_check_id = Some("hc".into());
            }),
            alias("w.", None, "east-1.us-east-1.elb.amazonaws.com."),
            alias("w.", None, "east-1.us-east-1.elb.amazonaws.com."),
            member("geo.", "de", &|r| r.geolocation = Some("country=DE".into())),
            member("geo.", "any", &|r| r.geolocation = Some("*".into())),
        ];
        // Two weighted aliases of the same load balancer: a blue/green pair in one region.
        for (r, (set, weight)) in s.route53.record_sets[2..4]
            .iter_mut()
            .zip([("blue", 100), ("green", 0)])
        {
            r.set_identifier = Some(set.into());
            r.weight = Some(weight);
            r.alias_target.as_mut().unwrap().evaluate_target_health = false;
        }
        let m = Model::build(&s);
        let f = |id: &str| record_of(&m, id).fields();
        let us = f("Z1/lat./A/us");
        assert_eq!(
            (&us["routing_policy"], &us["set_members"], &us["set_first"], &us["health_checked"]),
            (&json!("latency"), &json!(2), &json!(false), &json!(false))
        );
        assert_eq!(us["set_regions"], json!(["eu-west-1", "us-east-1"]));
        assert_eq!(f("Z1/lat./A/eu")["set_first"], json!(true));
        let blue = f("Z1/w./A/blue");
        assert_eq!(
            (&blue["routing_policy"], &blue["set_regions"], &blue["set_other_weights"]),
            (&json!("weighted"), &json!(["us-east-1"]), &json!([0]))
        );
        // Geolocation answers name places, not regions: the set's regions are unknown.
        let geo = record_of(&m, "Z1/geo./A/de");
        assert_eq!(geo.fields()["routing_policy"], json!("geolocation"));
        assert!(geo.unknown()["set_regions"].starts_with("the region record "));
        // A simple record is a set of one, with no regions to compare.
        let mut s2 = s.clone();
        s2.route53.record_sets = vec![record("plain.", None)];
        let m2 = Model::build(&s2);
        let plain = m2
            .of_kind(crate::registry::Kind::Record)
            .next()
            .unwrap()
            .fields();
        assert_eq!(
            (&plain["routing_policy"], &plain["set_members"], &plain["set_regions"]),
            (&json!("simple"), &json!(1), &json!([]))
        );
    }

    #[test]
    fn aliases_find_the_load_balancer_of_this_account() {
        let mut s = Snapshot::new(
            "111122223333",
            vec!["us-east-1".into(), "us-west-2".into()],
            "t".into(),
        );
        let mut one_az = lb("us-east-1", "web", &["us-east-1a", "us-east-1a"]);
        one_az.dns_name = Some("Web-1.us-east-1.elb.amazonaws.com".into());
        s.elbv2.load_balancers = vec![one_az];
        s.coverage.push(denied(
            "elbv2",
            "us-west-2",
            "DescribeLoadBalancers",
            &["elbv2.load_balancer"],
        ));
        s.route53.record_sets = vec![
            alias("web.", None, "dualstack.web-1.us-east-1.elb.amazonaws.com."),
            alias("cdn.", None, "d111111abcdef8.cloudfront.net."),
            alias("clb.", None, "classic-1.us-east-1.elb.amazonaws.com."),
            alias("west.", None, "api-1.us-west-2.elb.amazonaws.com."),
            alias("nlb.", None, "net-1.elb.eu-west-1.amazonaws.com."),
        ];
        let m = Model::build(&s);
        let web = record_of(&m, "Z1/web./A/");
        assert!(web.unknown().is_empty());
        assert_eq!(web.fields()["alias_load_balancer"]["name"], json!("web"));
        // moto lists an AZ once per subnet: distinct AZs only.
        assert_eq!(
            web.fields()["alias_load_balancer"]["azs"],
            json!(["us-east-1a"])
        );
        // Not load balancers of this account: nothing to judge, nothing unknown.
        for id in ["Z1/cdn./A/", "Z1/clb./A/"] {
            let r = record_of(&m, id);
            assert_eq!(r.fields()["alias_load_balancer"], json!(null), "{id}");
            assert!(r.unknown().is_empty(), "{id}: {:?}", r.unknown());
        }
        let west = &record_of(&m, "Z1/west./A/").unknown()["alias_load_balancer"];
        assert!(west.contains("DescribeLoadBalancers"), "{west}");
        let unscanned = &record_of(&m, "Z1/nlb./A/").unknown()["alias_load_balancer"];
        assert!(unscanned.contains("eu-west-1, a region that was not scanned"));
    }

    #[test]
    fn targets_are_order_independent() {
        let rec = |values: &[&str]| RecordSet {
            values: values.iter().map(|v| v.to_string()).collect(),
            ..Default::default()
        };
        assert_eq!(
            target(&rec(&["192.0.2.2", "192.0.2.1"])),
            target(&rec(&["192.0.2.1", "192.0.2.2"]))
        );
    }
}
