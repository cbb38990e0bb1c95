//! CloudTrail: whether each trail logs, and whether a logging multi-region trail covers each
//! region.

use super::{distinct, Ctx, Known, Resource};
use crate::registry::{Kind, Service};
use crate::snapshot::Trail;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

crate::facts! {
    /// Derived facts of a CloudTrail trail.
    pub struct TrailFacts {
        /// Whether it is recording events (`GetTrailStatus.IsLogging`).
        pub is_logging: Known<bool>,
    }
}

crate::facts! {
    /// Facts of the trails that cover one region.
    pub struct RegionFacts<'a> {
        /// How many trails apply to the region (its own, and multi-region and organization
        /// trails of any home region).
        pub trail_count: Known<usize>,
        /// The multi-region trails that cover it.
        pub multi_region_trails: Known<Vec<&'a str>>,
        /// Those of them that are logging.
        pub logging_multi_region_trails: Known<Vec<&'a str>>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    let s = &ctx.snapshot.cloudtrail;
    // Each trail's status, by ARN, from the listing of its home region (the only one that
    // reads it).
    let status: HashMap<&str, Known<bool>> = s
        .trails
        .iter()
        .chain(&s.other_trails)
        .filter(|t| t.home_region.as_deref() == Some(t.region.as_str()))
        .map(|t| (t.trail_arn.as_str(), is_logging(t)))
        .collect();
    for t in &s.trails {
        out.push(trail(ctx, t, &status));
    }
    regions(ctx, &status, out);
}

fn is_logging(t: &Trail) -> Known<bool> {
    match (t.is_logging, t.unreadable.get("is_logging")) {
        (_, Some(why)) => Known::unknown(why),
        (Some(on), None) => Known::Is(on),
        (None, None) => Known::unknown(format!(
            "GetTrailStatus did not return IsLogging for trail {}",
            t.name
        )),
    }
}

fn trail<'a>(ctx: &Ctx<'a>, t: &'a Trail, status: &HashMap<&str, Known<bool>>) -> Resource<'a> {
    let f = TrailFacts {
        is_logging: status
            .get(t.trail_arn.as_str())
            .cloned()
            .unwrap_or_else(|| is_logging(t)),
    };
    Resource {
        kind: Kind::Trail,
        id: Cow::Borrowed(&t.name),
        name: Some(Cow::Borrowed(&t.name)),
        arn: ctx.arn_or(&t.trail_arn, "cloudtrail", &t.region, "trail", &t.name),
        region: Cow::Borrowed(&t.region),
        source: Some(t),
        unreadable: Some(&t.unreadable),
        facts: Box::new(f),
    }
}

/// One `cloudtrail.region` per region where CloudTrail was read (or that lists trails).
fn regions<'a>(ctx: &Ctx<'a>, status: &HashMap<&str, Known<bool>>, out: &mut Vec<Resource<'a>>) {
    let s = ctx.snapshot;
    let mut by_region: BTreeMap<&str, Vec<&Trail>> = s
        .coverage
        .iter()
        .filter(|c| c.service == Service::cloudtrail.key())
        .map(|c| (c.region.as_str(), Vec::new()))
        .collect();
    for t in s.cloudtrail.trails.iter().chain(&s.cloudtrail.other_trails) {
        by_region.entry(&t.region).or_default().push(t);
    }
    for (region, trails) in by_region {
        let multi: Vec<&Trail> = trails
            .iter()
            .copied()
            .filter(|t| t.is_multi_region_trail)
            .collect();
        let mut logging = Vec::new();
        let mut unknown = None;
        for t in &multi {
            match status.get(t.trail_arn.as_str()) {
                Some(Known::Is(true)) => logging.push(t.name.as_str()),
                Some(Known::Is(false)) => {}
                Some(Known::Unknown(why)) => {
                    unknown.get_or_insert_with(|| why.to_string());
                }
                None => {
                    let home = t.home_region.as_deref().unwrap_or("(unknown)");
                    unknown.get_or_insert_with(|| {
                        match ctx.not_collected(Service::cloudtrail, home) {
                            Some(why) if ctx.snapshot.regions.iter().any(|r| r == home) => {
                                why.to_string()
                            }
                            _ => format!(
                                "trail {} is read in its home region {home}, which was not \
                                 scanned, so whether it is logging is unknown",
                                t.name
                            ),
                        }
                    });
                }
            }
        }
        let mut f = RegionFacts {
            trail_count: Known::Is(trails.len()),
            multi_region_trails: Known::Is(distinct(multi.iter().map(|t| t.name.as_str()))),
            logging_multi_region_trails: Known::Is(distinct(logging.iter().copied())),
        };
        // A trail known to log settles it; otherwise one of unknown status might.
        if logging.is_empty() {
            crate::unknown_if!(unknown => f.logging_multi_region_trails);
        }
        crate::unknown_if!(ctx.not_collected(Service::cloudtrail, region) =>
            f.trail_count, f.multi_region_trails, f.logging_multi_region_trails);
        out.push(Resource {
            kind: Kind::TrailRegion,
            id: Cow::Borrowed(region),
            name: Some(Cow::Borrowed(region)),
            arn: Cow::Owned(ctx.arn("cloudtrail", region, "region", region)),
            region: Cow::Borrowed(region),
            source: None,
            unreadable: None,
            facts: Box::new(f),
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::model::tests::{coverage_error, find};
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    const ACCOUNT: &str = "111122223333";
    const E: &str = "us-east-1";
    const W: &str = "us-west-2";

    fn trail(region: &str, name: &str, home: &str, multi: bool, logging: Option<bool>) -> Trail {
        Trail {
            region: region.into(),
            name: name.into(),
            trail_arn: format!("arn:aws:cloudtrail:{home}:{ACCOUNT}:trail/{name}"),
            home_region: Some(home.into()),
            is_multi_region_trail: multi,
            log_file_validation_enabled: true,
            is_logging: logging,
            ..Default::default()
        }
    }

    fn snapshot() -> Snapshot {
        let mut s = Snapshot::new(ACCOUNT, vec![E.into(), W.into()], "t".into());
        for region in [E, W] {
            s.coverage.push(Coverage {
                service: "cloudtrail".into(),
                region: region.into(),
                errors: vec![],
            });
        }
        s.cloudtrail.trails = vec![
            trail(E, "org-audit", E, true, Some(true)),
            trail(E, "east-only", E, false, Some(true)),
            trail(W, "west-stopped", W, true, Some(false)),
        ];
        // The shadows of the multi-region trails in the other region.
        s.cloudtrail.other_trails = vec![
            trail(W, "org-audit", E, true, None),
            trail(E, "west-stopped", W, true, None),
        ];
        s
    }

    #[test]
    fn a_logging_multi_region_trail_covers_every_region() {
        let s = snapshot();
        let m = Model::build(&s);
        let w = find(&m, "cloudtrail.region", W).fields();
        assert_eq!(
            w["multi_region_trails"],
            json!(["org-audit", "west-stopped"])
        );
        assert_eq!(w["logging_multi_region_trails"], json!(["org-audit"]));
        assert_eq!(w["trail_count"], json!(2));
        let e = find(&m, "cloudtrail.region", E).fields();
        assert_eq!(e["trail_count"], json!(3));
        assert_eq!(e["logging_multi_region_trails"], json!(["org-audit"]));
        let stopped = find(&m, "cloudtrail.trail", "west-stopped").fields();
        assert_eq!(stopped["is_logging"], json!(false));
        assert_eq!(
            stopped["arn"],
            json!("arn:aws:cloudtrail:us-west-2:111122223333:trail/west-stopped")
        );
    }

    #[test]
    fn a_status_read_elsewhere_or_not_at_all_is_unknown() {
        let mut s = snapshot();
        s.regions = vec![W.into()];
        s.coverage.retain(|c| c.region == W);
        s.cloudtrail.trails.retain(|t| t.region == W);
        s.cloudtrail.other_trails.retain(|t| t.region == W);
        let m = Model::build(&s);
        let w = find(&m, "cloudtrail.region", W).unknown();
        assert!(
            w["logging_multi_region_trails"].contains(
                "trail org-audit is read in its home region us-east-1, which was not scanned"
            ),
            "{w:?}"
        );
        // A denied listing leaves the region's coverage unknown.
        let mut s = snapshot();
        s.coverage[1] = coverage_error("cloudtrail", W, "DescribeTrails", &["cloudtrail.trail"]);
        s.cloudtrail.trails.retain(|t| t.region != W);
        s.cloudtrail.other_trails.retain(|t| t.region != W);
        s.cloudtrail.trails[0].is_logging = None;
        s.cloudtrail.trails[0].unreadable.insert(
            "is_logging".into(),
            "GetTrailStatus failed: AccessDeniedException: no".into(),
        );
        let m = Model::build(&s);
        let w = find(&m, "cloudtrail.region", W).unknown();
        assert!(
            w["trail_count"].contains("cloudtrail could not be listed"),
            "{w:?}"
        );
        let org = find(&m, "cloudtrail.trail", "org-audit").unknown();
        assert!(
            org["is_logging"].contains("GetTrailStatus failed"),
            "{org:?}"
        );
        // us-east-1's only multi-region trails: org-audit (status unknown) and the shadow of
        // west-stopped, whose home listing failed.
        let e = find(&m, "cloudtrail.region", E).unknown();
        assert!(
            e["logging_multi_region_trails"].contains("GetTrailStatus failed"),
            "{e:?}"
        );
    }
}
