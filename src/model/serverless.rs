//! Lambda functions (with the AZs of their VPC subnets) and CloudFront distributions (with
//! their origin groups resolved to S3 buckets and the buckets' regions).

use super::{depends_on, depends_on_service, distinct, fields_of, propagate, Ctx, Resource};
use crate::snapshot::{Bucket, Distribution, LambdaFunction, GLOBAL_REGION};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub(super) fn build(ctx: &Ctx, out: &mut Vec<Resource>) {
    let s = ctx.snapshot;
    for f in &s.lambda.functions {
        out.push(function(ctx, f));
    }
    let buckets: HashMap<&str, &Bucket> =
        s.s3.buckets.iter().map(|b| (b.name.as_str(), b)).collect();
    for d in &s.cloudfront.distributions {
        out.push(distribution(ctx, d, &buckets));
    }
}

fn function(ctx: &Ctx, f: &LambdaFunction) -> Resource {
    let mut fields = fields_of(f);
    let mut unknown = f.unreadable.clone();
    // Subnet -> AZ through the EC2 listing. Lambda's VpcId cannot be trusted to find them
    // (some emulators return a constant), the subnet ids can.
    let azs: Vec<&str> = f
        .subnet_ids
        .iter()
        .filter_map(|sn| ctx.subnet_az(&f.region, sn))
        .collect();
    fields.insert("vpc_attached".into(), Value::Bool(!f.subnet_ids.is_empty()));
    fields.insert("subnet_azs".into(), distinct(azs.iter().copied()));
    if let Some(missing) = f
        .subnet_ids
        .iter()
        .find(|sn| ctx.subnet_az(&f.region, sn).is_none())
    {
        unknown.insert(
            "subnet_azs".into(),
            format!(
                "subnet {missing} is not in the EC2 subnet listing of {}, so its AZ is unknown",
                f.region
            ),
        );
    }
    depends_on(ctx, &mut unknown, "ec2.subnet", &f.region, &["subnet_azs"]);
    let on_failure: Vec<&str> = f
        .event_invoke_configs
        .iter()
        .filter_map(|c| c.on_failure_destination.as_deref())
        .collect();
    fields.insert("on_failure_destinations".into(), distinct(on_failure));
    propagate(
        &mut unknown,
        "event_invoke_configs",
        &["on_failure_destinations"],
    );
    Resource {
        kind: "lambda.function",
        id: f.function_name.clone(),
        name: Some(f.function_name.clone()),
        arn: f.function_arn.clone(),
        region: f.region.clone(),
        fields,
        unknown,
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

fn distribution(ctx: &Ctx, d: &Distribution, buckets: &HashMap<&str, &Bucket>) -> Resource {
    let mut fields = fields_of(d);
    let mut unknown = BTreeMap::new();
    let s3_unknown = ctx.not_collected("s3", GLOBAL_REGION);
    let bucket_of = |origin_id: &str| {
        let o = d.origins.iter().find(|o| o.id == origin_id)?;
        origin_bucket(&o.domain_name)
    };

    let origins: Vec<Value> = d
        .origins
        .iter()
        .map(|o| {
            let bucket = origin_bucket(&o.domain_name);
            let found = bucket.and_then(|b| buckets.get(b));
            json!({
                "id": o.id,
                "domain_name": o.domain_name,
                "origin_type": o.origin_type,
                "s3_bucket": bucket,
                "bucket_region": found.map(|b| b.region.as_str()).filter(|r| !r.is_empty()),
            })
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
    let groups: Vec<Value> = d
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
                            Some(why) => Member::Unknown(why.clone()),
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
            let member_buckets: Vec<&str> = g.members.iter().filter_map(|m| bucket_of(m)).collect();
            json!({
                "id": g.id,
                "members": g.members,
                "member_count": g.members.len(),
                "failover_status_codes": g.failover_status_codes,
                "member_buckets": member_buckets,
                "member_regions": regions,
            })
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

    fields.insert("origins".into(), Value::Array(origins));
    fields.insert("origin_groups".into(), Value::Array(groups));
    fields.insert("origin_group_count".into(), json!(d.origin_groups.len()));
    fields.insert(
        "origin_groups_without_second_member".into(),
        distinct(
            d.origin_groups
                .iter()
                .filter(|g| g.members.len() < 2)
                .map(|g| g.id.as_str()),
        ),
    );
    fields.insert(
        "default_behavior_uses_origin_group".into(),
        Value::Bool(group_ids.contains(d.default_target_origin_id.as_str())),
    );
    fields.insert("behaviors_without_failover".into(), json!(without_failover));
    fields.insert(
        "s3_origin_buckets".into(),
        distinct(s3_buckets.iter().copied()),
    );
    fields.insert("s3_origins_missing_bucket".into(), distinct(missing));
    fields.insert(
        "origin_groups_single_region".into(),
        distinct(single_region.iter().copied()),
    );
    // One group known to sit in one region decides; otherwise an unreadable member leaves the
    // question open.
    if let (true, Some(why)) = (single_region.is_empty(), single_region_unknown) {
        unknown.insert("origin_groups_single_region".into(), why);
    }
    // A bucket absent from a listing that failed, or that was never made, is not missing.
    depends_on_service(
        ctx,
        &mut unknown,
        "s3",
        GLOBAL_REGION,
        &["s3_origins_missing_bucket"],
    );
    Resource {
        kind: "cloudfront.distribution",
        id: d.id.clone(),
        name: d
            .aliases
            .first()
            .cloned()
            .or_else(|| Some(d.domain_name.clone())),
        arn: d.arn.clone(),
        region: GLOBAL_REGION.to_string(),
        fields,
        unknown,
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
