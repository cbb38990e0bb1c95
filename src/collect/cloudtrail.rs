//! CloudTrail: the trails that apply to each region, and whether each is logging.
//!
//! Per region: DescribeTrails (with shadow trails: the multi-region trails created in other
//! regions, and organization trails), then GetTrailStatus, by ARN, for each trail whose home
//! region this is. A trail's status is read once, in its home region: elsewhere it is a
//! shadow of that trail.

use super::fail::{mark_unreadable, Op};
use super::{Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{CloudTrail, CollectError, Trail};
use aws_sdk_cloudtrail::Client;
use futures::StreamExt;

const DESCRIBE_TRAILS: Op = Op::new("DescribeTrails", "cloudtrail:DescribeTrails");
const GET_TRAIL_STATUS: Op = Op::new("GetTrailStatus", "cloudtrail:GetTrailStatus");

pub const ACTIONS: &[&str] = &[DESCRIBE_TRAILS.action, GET_TRAIL_STATUS.action];

const STATUS_FIELDS: &[&str] = &["is_logging", "latest_delivery_error"];

pub(super) async fn collect(scope: Scope) -> Collected<CloudTrail> {
    let client: Client = super::sdk_client!(aws_sdk_cloudtrail, scope);
    let mut errors = Vec::new();
    // DescribeTrails answers with every trail at once: it takes no page token.
    let listed = match scope
        .call(client.describe_trails().include_shadow_trails(true).send())
        .await
    {
        Ok(out) => out.trail_list().to_vec(),
        Err(e) => {
            errors.push(DESCRIBE_TRAILS.listing_failed(&[Kind::Trail], &e));
            Vec::new()
        }
    };
    let trails: Vec<Trail> = listed
        .iter()
        .map(|t| Trail {
            region: scope.region.clone(),
            name: t.name().unwrap_or_default().to_string(),
            trail_arn: t.trail_arn().unwrap_or_default().to_string(),
            home_region: t.home_region().map(str::to_string),
            is_multi_region_trail: t.is_multi_region_trail().unwrap_or(false),
            is_organization_trail: t.is_organization_trail().unwrap_or(false),
            log_file_validation_enabled: t.log_file_validation_enabled().unwrap_or(false),
            include_global_service_events: t.include_global_service_events(),
            s3_bucket_name: t.s3_bucket_name().map(str::to_string),
            ..Default::default()
        })
        .collect();
    let (c, s) = (&client, &scope);
    let read = futures::stream::iter(trails.into_iter().map(|t| status(c, s, t)))
        .buffer_unordered(scope.concurrency)
        .collect::<Vec<_>>()
        .await;
    let mut out = CloudTrail::default();
    for (t, err) in read {
        errors.extend(err);
        let home = t.home_region.as_deref() == Some(scope.region.as_str());
        if home && arn_account(&t.trail_arn) == Some(scope.account.as_str()) {
            out.trails.push(t);
        } else {
            out.other_trails.push(t);
        }
    }
    (out, errors)
}

/// The account of an ARN (`arn:partition:service:region:account:resource`).
fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

/// Reads the status of a trail whose home region is the scope's; leaves shadows alone.
async fn status(client: &Client, scope: &Scope, mut t: Trail) -> (Trail, Option<CollectError>) {
    if t.home_region.as_deref() != Some(scope.region.as_str()) {
        return (t, None);
    }
    // The ARN: a member account names an organization trail only by it.
    let name = if t.trail_arn.is_empty() {
        t.name.clone()
    } else {
        t.trail_arn.clone()
    };
    match scope
        .call(client.get_trail_status().name(&name).send())
        .await
    {
        Ok(out) => {
            t.is_logging = out.is_logging();
            t.latest_delivery_error = out
                .latest_delivery_error()
                .map(str::to_string)
                .filter(|e| !e.is_empty());
            (t, None)
        }
        Err(e) => {
            let err = GET_TRAIL_STATUS.detail_failed(&t.name, &e);
            mark_unreadable(&mut t.unreadable, STATUS_FIELDS, &err);
            (t, Some(err))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_account_of_an_arn() {
        assert_eq!(
            super::arn_account("arn:aws:cloudtrail:us-east-1:111122223333:trail/main"),
            Some("111122223333")
        );
        assert_eq!(super::arn_account("trail-name"), None);
    }
}
