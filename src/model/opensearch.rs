//! OpenSearch Service domains: data and dedicated master node counts, zone awareness and
//! how many AZs it spans, and Multi-AZ with Standby.

use super::dax::subnet_zones;
use super::{Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::OpenSearchDomain;
use std::borrow::Cow;

crate::facts! {
    /// Derived facts of an OpenSearch Service domain.
    pub struct DomainFacts<'a> {
        /// `OpenSearch` or `Elasticsearch`, from its engine version.
        pub engine: Known<&'a str>,
        /// How many data nodes it has.
        pub data_node_count: Known<i64>,
        /// Whether zone awareness spreads its nodes and shard replicas over AZs.
        pub zone_awareness: Known<bool>,
        /// How many AZs its nodes spread over: 1 without zone awareness, else the configured
        /// count, else the AZs of its VPC subnets.
        pub zone_count: Known<i64>,
        /// How many dedicated master nodes it has (0 when they are off).
        pub dedicated_master_count: Known<i64>,
        /// Whether Multi-AZ with Standby is on.
        pub multi_az_with_standby: Known<bool>,
        /// Whether Multi-AZ with Standby is open to it: OpenSearch 1.3 or later, on data
        /// nodes of a type other than T2 or T3.
        pub standby_supported: Known<bool>,
        /// The AZs of its VPC subnets (none for a domain outside a VPC).
        pub vpc_azs: Known<Vec<&'a str>>,
    }
}

/// The most AZs a domain spreads over.
const MAX_ZONES: usize = 3;

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for d in &ctx.snapshot.opensearch.domains {
        out.push(domain(ctx, d));
    }
}

/// `OpenSearch_2.11` -> (`OpenSearch`, (2, 11)).
fn engine_of(version: &str) -> Option<(&str, (u32, u32))> {
    let (engine, number) = version.split_once('_')?;
    let mut parts = number.split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().map_or(Some(0), |m| m.parse().ok())?;
    Some((engine, (major, minor)))
}

/// Why a field `DescribeDomains` fills in is unknown: the collector's reason, or the field's
/// absence from the answer.
fn missing(d: &OpenSearchDomain, field: &str, api: &str) -> String {
    d.unreadable
        .get(field)
        .cloned()
        .unwrap_or_else(|| format!("DescribeDomains did not return {api}"))
}

fn given<T: Copy>(d: &OpenSearchDomain, v: Option<T>, field: &str, api: &str) -> Known<T> {
    match (v, d.unreadable.contains_key(field)) {
        (Some(v), false) => Known::Is(v),
        _ => Known::unknown(missing(d, field, api)),
    }
}

fn domain<'a>(ctx: &Ctx<'a>, d: &'a OpenSearchDomain) -> Resource<'a> {
    let region = d.region.as_str();
    let version = d
        .engine_version
        .as_deref()
        .filter(|_| !d.unreadable.contains_key("engine_version"));
    let parsed = version.map(|v| (v, engine_of(v)));
    let engine = match parsed {
        Some((_, Some((engine, _)))) => Known::Is(engine),
        Some((v, None)) => Known::unknown(format!("engine version {v:?} is not <engine>_<version>")),
        None => Known::unknown(missing(d, "engine_version", "EngineVersion")),
    };
    let instance_type = given(d, d.instance_type.as_deref(), "instance_type", "ClusterConfig.InstanceType");
    let standby_supported = match (&parsed, &instance_type) {
        (Some((_, Some((engine, version)))), Known::Is(t)) => Known::Is(
            *engine == "OpenSearch" && *version >= (1, 3) && !t.starts_with("t2.") && !t.starts_with("t3."),
        ),
        // Elasticsearch never supports it, whatever the instance type.
        (Some((_, Some(("Elasticsearch", _)))), _) => Known::Is(false),
        (_, Known::Unknown(why)) => Known::Unknown(why.clone()),
        _ => engine.map(|_| false),
    };
    let zone_awareness = given(d, d.zone_awareness_enabled, "zone_awareness_enabled", "ClusterConfig.ZoneAwarenessEnabled");
    let vpc_azs: Known<Vec<&str>> = if d.unreadable.contains_key("subnet_ids") {
        Known::unknown(missing(d, "subnet_ids", "VPCOptions"))
    } else if !d.vpc_availability_zones.is_empty() {
        Known::Is(d.vpc_availability_zones.iter().map(String::as_str).collect())
    } else {
        let owner = format!("domain {}", d.domain_name);
        let subnets = d.subnet_ids.iter().map(|s| (s.as_str(), None));
        match subnet_zones(ctx, region, &owner, subnets, MAX_ZONES) {
            Ok(azs) => Known::Is(azs.into_iter().collect()),
            Err(why) => Known::unknown(why),
        }
    };
    let zone_count = match (&zone_awareness, d.availability_zone_count, &vpc_azs) {
        (Known::Unknown(why), _, _) => Known::Unknown(why.clone()),
        (Known::Is(false), _, _) => Known::Is(1),
        (Known::Is(true), Some(n), _) => Known::Is(n),
        (Known::Is(true), None, Known::Is(azs)) if !azs.is_empty() => {
            Known::Is(i64::try_from(azs.len()).unwrap_or(i64::MAX))
        }
        (Known::Is(true), None, Known::Unknown(why)) => Known::Unknown(why.clone()),
        (Known::Is(true), None, _) => Known::unknown(
            "DescribeDomains did not return ZoneAwarenessConfig.AvailabilityZoneCount, and the domain has no VPC subnets to count the AZs of",
        ),
    };
    let dedicated_master_count = match given(d, d.dedicated_master_enabled, "dedicated_master_enabled", "ClusterConfig.DedicatedMasterEnabled") {
        Known::Is(false) => Known::Is(0),
        Known::Is(true) => given(d, d.dedicated_master_count, "dedicated_master_count", "ClusterConfig.DedicatedMasterCount"),
        Known::Unknown(why) => Known::Unknown(why),
    };
    let f = DomainFacts {
        engine,
        data_node_count: given(d, d.instance_count, "instance_count", "ClusterConfig.InstanceCount"),
        zone_awareness,
        zone_count,
        dedicated_master_count,
        multi_az_with_standby: given(
            d,
            d.multi_az_with_standby_enabled,
            "multi_az_with_standby_enabled",
            "ClusterConfig.MultiAZWithStandbyEnabled",
        ),
        standby_supported,
        vpc_azs,
    };
    let arn = ctx.arn_or(&d.arn, "es", region, "domain", &d.domain_name);
    Resource {
        kind: Kind::OpenSearchDomain,
        id: Cow::Borrowed(&d.domain_name),
        name: Some(Cow::Borrowed(&d.domain_name)),
        arn,
        region: Cow::Borrowed(region),
        source: Some(d),
        unreadable: Some(&d.unreadable),
        facts: Box::new(f),
    }
}

#[cfg(test)]
mod tests {
    use super::engine_of;
    use crate::model::tests::find;
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    const R: &str = "eu-west-1";

    fn domain(name: &str) -> OpenSearchDomain {
        OpenSearchDomain {
            region: R.into(),
            domain_name: name.into(),
            engine_version: Some("OpenSearch_2.11".into()),
            instance_type: Some("r6g.large.search".into()),
            instance_count: Some(3),
            dedicated_master_enabled: Some(true),
            dedicated_master_count: Some(3),
            zone_awareness_enabled: Some(true),
            availability_zone_count: Some(3),
            multi_az_with_standby_enabled: Some(true),
            ..Default::default()
        }
    }

    fn snapshot(domains: Vec<OpenSearchDomain>) -> Snapshot {
        let mut s = Snapshot::new("111122223333", vec![R.into()], "t".into());
        for service in ["ec2", "opensearch"] {
            s.coverage.push(Coverage {
                service: service.into(),
                region: R.into(),
                errors: vec![],
            });
        }
        for (id, az) in [("subnet-a", "eu-west-1a"), ("subnet-b", "eu-west-1b")] {
            s.ec2.subnets.push(Subnet {
                region: R.into(),
                subnet_id: id.into(),
                availability_zone: az.into(),
                ..Default::default()
            });
        }
        s.opensearch.domains = domains;
        s
    }

    #[test]
    fn engine_versions() {
        assert_eq!(engine_of("OpenSearch_2.11"), Some(("OpenSearch", (2, 11))));
        assert_eq!(engine_of("Elasticsearch_7.10"), Some(("Elasticsearch", (7, 10))));
        assert_eq!(engine_of("OpenSearch_3"), Some(("OpenSearch", (3, 0))));
        assert_eq!(engine_of("latest"), None);
    }

    #[test]
    fn zones_masters_and_standby() {
        let mut vpc = domain("vpc-two");
        vpc.availability_zone_count = None;
        vpc.subnet_ids = vec!["subnet-a".into(), "subnet-b".into()];
        vpc.dedicated_master_enabled = Some(false);
        vpc.dedicated_master_count = None;
        vpc.multi_az_with_standby_enabled = Some(false);
        let mut dev = domain("dev");
        dev.engine_version = Some("OpenSearch_1.3".into());
        dev.instance_type = Some("t3.small.search".into());
        dev.instance_count = Some(1);
        dev.zone_awareness_enabled = Some(false);
        dev.availability_zone_count = None;
        let mut legacy = domain("legacy");
        legacy.engine_version = Some("Elasticsearch_7.10".into());
        let s = snapshot(vec![domain("prod"), vpc, dev, legacy]);
        let m = Model::build(&s);
        let prod = find(&m, "opensearch.domain", "prod");
        assert_eq!(prod.fields()["engine"], json!("OpenSearch"));
        assert_eq!(prod.fields()["zone_count"], json!(3));
        assert_eq!(prod.fields()["dedicated_master_count"], json!(3));
        assert_eq!(prod.fields()["standby_supported"], json!(true));
        assert_eq!(prod.fields()["vpc_azs"], json!([]));
        assert!(prod.unknown().is_empty(), "{:?}", prod.unknown());
        let vpc = find(&m, "opensearch.domain", "vpc-two");
        // No configured count: the AZs of its subnets, from EC2.
        assert_eq!(vpc.fields()["zone_count"], json!(2));
        assert_eq!(vpc.fields()["vpc_azs"], json!(["eu-west-1a", "eu-west-1b"]));
        assert_eq!(vpc.fields()["dedicated_master_count"], json!(0));
        assert_eq!(vpc.fields()["multi_az_with_standby"], json!(false));
        let dev = find(&m, "opensearch.domain", "dev");
        assert_eq!(dev.fields()["zone_count"], json!(1));
        assert_eq!(dev.fields()["standby_supported"], json!(false));
        let legacy = find(&m, "opensearch.domain", "legacy");
        assert_eq!(legacy.fields()["engine"], json!("Elasticsearch"));
        assert_eq!(legacy.fields()["standby_supported"], json!(false));
    }

    #[test]
    fn a_failed_describe_or_an_unplaced_subnet_leaves_its_facts_unknown() {
        let mut failed = OpenSearchDomain {
            region: R.into(),
            domain_name: "failed".into(),
            ..Default::default()
        };
        for f in ["engine_version", "instance_type", "instance_count", "zone_awareness_enabled",
            "dedicated_master_enabled", "multi_az_with_standby_enabled", "subnet_ids"]
        {
            failed
                .unreadable
                .insert(f.into(), "DescribeDomains failed: ThrottlingException".into());
        }
        let mut lost = domain("lost");
        lost.availability_zone_count = None;
        lost.subnet_ids = vec!["subnet-a".into(), "subnet-gone".into()];
        let mut public = domain("public");
        public.availability_zone_count = None;
        let s = snapshot(vec![failed, lost, public]);
        let m = Model::build(&s);
        let failed = find(&m, "opensearch.domain", "failed");
        for f in ["engine", "data_node_count", "zone_awareness", "zone_count",
            "dedicated_master_count", "multi_az_with_standby", "standby_supported", "vpc_azs"]
        {
            assert!(failed.unknown()[f].contains("ThrottlingException"), "{f}");
        }
        let lost = find(&m, "opensearch.domain", "lost");
        assert!(lost.unknown()["zone_count"].contains("subnet subnet-gone of domain lost"));
        let public = find(&m, "opensearch.domain", "public");
        assert!(public.unknown()["zone_count"].contains("no VPC subnets"));
        assert_eq!(public.fields()["zone_awareness"], json!(true));
    }
}
