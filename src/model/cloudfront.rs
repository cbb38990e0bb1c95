//! CloudFront distributions, with their origin groups resolved to S3 buckets and the
//! buckets' regions.

use super::{distinct, Always, Ctx, Known, Resource};
use crate::registry::{Kind, Service};
use crate::snapshot::{Bucket, Distribution, GLOBAL_REGION};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

crate::object! {
    /// An origin, with the S3 bucket it names and that bucket's region when known.
    pub struct OriginFact<'a> {
        pub id: &'a str,
        pub domain_name: &'a str,
        pub origin_type: &'a str,
        pub s3_bucket: Option<&'a str>,
        pub bucket_region: Option<&'a str>,
    }
}

crate::object! {
    /// An origin group, with its members' buckets and their regions.
    pub struct OriginGroupFact<'a> {
        pub id: &'a str,
        pub members: Vec<&'a str>,
        pub member_count: usize,
        pub failover_status_codes: Vec<i64>,
        pub member_buckets: Vec<&'a str>,
        pub member_regions: Vec<&'a str>,
    }
}

crate::facts! {
    /// Derived facts of a CloudFront distribution.
    pub struct DistributionFacts<'a> {
        /// Its origins, each with the S3 bucket it names and that bucket's region.
        pub origins: Always<Vec<OriginFact<'a>>>,
        /// Its origin groups, with their members' buckets and regions.
        pub origin_groups: Always<Vec<OriginGroupFact<'a>>>,
        /// How many origin groups it has.
        pub origin_group_count: Always<usize>,
        /// Origin groups with fewer than two members.
        pub origin_groups_without_second_member: Always<Vec<&'a str>>,
        /// Whether the default behaviour targets an origin group.
        pub default_behavior_uses_origin_group: Always<bool>,
        /// Behaviours (`default`, or their path pattern) that target a single origin.
        pub behaviors_without_failover: Always<Vec<&'a str>>,
        /// The S3 buckets its origins name.
        pub s3_origin_buckets: Always<Vec<&'a str>>,
        /// Those buckets that are not buckets of the account.
        pub s3_origins_missing_bucket: Known<Vec<&'a str>>,
        /// Origin groups whose members are all buckets of one region.
        pub origin_groups_single_region: Known<Vec<&'a str>>,
        /// Its AWS WAF web ACL: the ARN of a WAF (v2) one, the id of a WAF Classic one
        /// (null: none).
        pub web_acl: Known<Option<&'a str>>,
        /// Whether the account subscribes to AWS Shield Advanced.
        pub shield_subscribed: Known<bool>,
        /// Whether a Shield Advanced protection names it.
        pub shield_protected: Known<bool>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    let s = ctx.snapshot;
    let buckets: HashMap<&str, &Bucket> =
        s.s3.buckets.iter().map(|b| (b.name.as_str(), b)).collect();
    for d in &s.cloudfront.distributions {
        out.push(distribution(ctx, d, &buckets));
    }
}

/// The bucket an origin domain name points at: `<bucket>.s3.amazonaws.com`,
/// `<bucket>.s3.<region>.amazonaws.com`, `<bucket>.s3-<region>.amazonaws.com`,
/// `<bucket>.s3.dualstack.<region>.amazonaws.com` and the website endpoints
/// `<bucket>.s3-website-<region>.amazonaws.com` / `<bucket>.s3-website.<region>.amazonaws.com`.
/// Access points and Multi-Region Access Points are not buckets: `None`.
pub(crate) fn origin_bucket(domain: &str) -> Option<&str> {
    let domain = domain.trim_end_matches('.');
    let host = domain
        .strip_suffix(".amazonaws.com")
        .or_else(|| domain.strip_suffix(".amazonaws.com.cn"))?;
    let labels: Vec<&str> = host.split('.').collect();
    if labels
        .iter()
        .any(|l| *l == "accesspoint" || *l == "s3-global" || l.starts_with("s3-accesspoint"))
    {
        return None;
    }
    // The endpoint has one label naming S3; the bucket name before it may contain dots, and
    // even labels like `s3-data`, so the last such label is the endpoint's.
    let at = labels
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, l)| **l == "s3" || l.starts_with("s3-"))
        .map(|(i, _)| i)
        .next_back()?;
    let bucket_len = labels[..at].iter().map(|l| l.len() + 1).sum::<usize>() - 1;
    Some(&host[..bucket_len])
}

/// What an origin group member is known to be, for the single-region check.
enum Member<'a> {
    /// An S3 bucket of the account whose region was read.
    Region(&'a str),
    /// Not a bucket of the account (a custom origin, or a bucket that does not exist): its
    /// region cannot be compared.
    Elsewhere,
    /// Could be a bucket of the account in some region, but the snapshot cannot tell.
    Unknown(String),
}

fn distribution<'a>(
    ctx: &Ctx<'a>,
    d: &'a Distribution,
    buckets: &HashMap<&str, &'a Bucket>,
) -> Resource<'a> {
    let s3_unknown = ctx.not_collected(Service::s3, GLOBAL_REGION);
    let bucket_of = |origin_id: &str| {
        let o = d.origins.iter().find(|o| o.id == origin_id)?;
        origin_bucket(&o.domain_name)
    };

    let origins: Vec<OriginFact> = d
        .origins
        .iter()
        .map(|o| {
            let bucket = origin_bucket(&o.domain_name);
            let found = bucket.and_then(|b| buckets.get(b));
            OriginFact {
                id: &o.id,
                domain_name: &o.domain_name,
                origin_type: &o.origin_type,
                s3_bucket: bucket,
                bucket_region: found.map(|b| b.region.as_str()).filter(|r| !r.is_empty()),
            }
        })
        .collect();
    let s3_buckets: BTreeSet<&str> = d
        .origins
        .iter()
        .filter_map(|o| origin_bucket(&o.domain_name))
        .collect();
    let missing: Vec<&str> = s3_buckets
        .iter()
        .copied()
        .filter(|b| !buckets.contains_key(b))
        .collect();

    let mut single_region = Vec::new();
    let mut single_region_unknown = None;
    let groups: Vec<OriginGroupFact> = d
        .origin_groups
        .iter()
        .map(|g| {
            let members: Vec<Member> = g
                .members
                .iter()
                .map(|m| match bucket_of(m) {
                    None => Member::Elsewhere,
                    Some(name) => match buckets.get(name) {
                        Some(b) => match b.unreadable.get("region") {
                            Some(why) => Member::Unknown(format!(
                                "the region of bucket {name} could not be read: {why}"
                            )),
                            None if b.region.is_empty() => Member::Elsewhere,
                            None => Member::Region(b.region.as_str()),
                        },
                        None => match &s3_unknown {
                            Some(why) => Member::Unknown(why.to_string()),
                            None => Member::Elsewhere,
                        },
                    },
                })
                .collect();
            let regions: BTreeSet<&str> = members
                .iter()
                .filter_map(|m| match m {
                    Member::Region(r) => Some(*r),
                    _ => None,
                })
                .collect();
            let elsewhere = members.iter().any(|m| matches!(m, Member::Elsewhere));
            let open = members.iter().find_map(|m| match m {
                Member::Unknown(why) => Some(why.clone()),
                _ => None,
            });
            if g.members.len() >= 2 && !elsewhere && regions.len() <= 1 {
                match open {
                    None => single_region.push(g.id.as_str()),
                    Some(why) => {
                        if single_region_unknown.is_none() {
                            single_region_unknown = Some(format!("origin group {}: {why}", g.id));
                        }
                    }
                }
            }
            OriginGroupFact {
                id: &g.id,
                members: g.members.iter().map(String::as_str).collect(),
                member_count: g.members.len(),
                failover_status_codes: g.failover_status_codes.clone(),
                member_buckets: g.members.iter().filter_map(|m| bucket_of(m)).collect(),
                member_regions: regions.into_iter().collect(),
            }
        })
        .collect();
    let group_ids: BTreeSet<&str> = d.origin_groups.iter().map(|g| g.id.as_str()).collect();
    let mut without_failover = Vec::new();
    if !group_ids.contains(d.default_target_origin_id.as_str()) {
        without_failover.push("default");
    }
    for b in &d.cache_behaviors {
        if !group_ids.contains(b.target_origin_id.as_str()) {
            without_failover.push(b.path_pattern.as_str());
        }
    }
    let mut f = DistributionFacts {
        origins: Always(origins),
        origin_groups: Always(groups),
        origin_group_count: Always(d.origin_groups.len()),
        origin_groups_without_second_member: Always(distinct(
            d.origin_groups
                .iter()
                .filter(|g| g.members.len() < 2)
                .map(|g| g.id.as_str()),
        )),
        default_behavior_uses_origin_group: Always(
            group_ids.contains(d.default_target_origin_id.as_str()),
        ),
        behaviors_without_failover: Always(without_failover),
        s3_origin_buckets: Always(s3_buckets.iter().copied().collect()),
        s3_origins_missing_bucket: Known::Is(distinct(missing)),
        origin_groups_single_region: Known::Is(distinct(single_region.iter().copied())),
        web_acl: if ctx.reads_distribution_web_acls() {
            Known::Is(d.web_acl_id.as_deref())
        } else {
            // Absent from an older snapshot is not "none".
            Known::unknown(
                "the snapshot was written before the web ACL of CloudFront distributions was \
                 read (it has no wafv2 coverage entry)",
            )
        },
        shield_subscribed: Known::default(),
        shield_protected: Known::default(),
    };
    let shield = ctx.shield(&d.arn);
    f.shield_subscribed = shield.subscribed;
    f.shield_protected = shield.protected;
    // One group known to sit in one region decides; otherwise an unreadable member leaves the
    // question open.
    if let (true, Some(why)) = (single_region.is_empty(), single_region_unknown) {
        f.origin_groups_single_region = Known::unknown(why);
    }
    // A bucket absent from a listing that failed, or that was never made, is not missing.
    crate::unknown_if!(s3_unknown => f.s3_origins_missing_bucket);
    Resource {
        kind: Kind::Distribution,
        id: Cow::Borrowed(&d.id),
        name: Some(Cow::Borrowed(d.aliases.first().unwrap_or(&d.domain_name))),
        arn: Cow::Borrowed(&d.arn),
        region: Cow::Borrowed(GLOBAL_REGION),
        source: Some(d),
        unreadable: None,
        facts: Box::new(f),
    }
}

#[cfg(test)]
mod tests {
    use super::origin_bucket;

    #[test]
    fn bucket_names_from_origin_domains() {
        for (domain, bucket) in [
            ("assets.s3.amazonaws.com", Some("assets")),
            ("my.assets.s3.us-west-2.amazonaws.com", Some("my.assets")),
            ("assets.s3-us-west-2.amazonaws.com", Some("assets")),
            (
                "assets.s3.dualstack.eu-west-1.amazonaws.com",
                Some("assets"),
            ),
            ("site.s3-website-us-east-1.amazonaws.com", Some("site")),
            ("site.s3-website.eu-central-1.amazonaws.com", Some("site")),
            ("assets.s3.cn-north-1.amazonaws.com.cn", Some("assets")),
            ("mrap.accesspoint.s3-global.amazonaws.com", None),
            (
                "ap-123456789012.s3-accesspoint.us-east-1.amazonaws.com",
                None,
            ),
            ("alb-1.us-east-1.elb.amazonaws.com", None),
            ("origin.example.com", None),
            ("s3.amazonaws.com", None),
        ] {
            assert_eq!(origin_bucket(domain), bucket, "{domain}");
        }
    }
}
