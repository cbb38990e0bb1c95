//! Amazon OpenSearch Service: domains and their cluster configuration.
//!
//! Per region: `ListDomainNames` (one answer, no pagination), then `DescribeDomains` for at
//! most five names a call (the API's limit), several calls at once within the scan's cap.

use super::fail::{mark_unreadable, Op};
use super::{Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{CollectError, OpenSearch, OpenSearchDomain};
use aws_sdk_opensearch::types::DomainStatus;
use aws_sdk_opensearch::Client;

const LIST_DOMAIN_NAMES: Op = Op::new("ListDomainNames", "es:ListDomainNames");
const DESCRIBE_DOMAINS: Op = Op::new("DescribeDomains", "es:DescribeDomains");

pub const ACTIONS: &[&str] = &[LIST_DOMAIN_NAMES.action, DESCRIBE_DOMAINS.action];

/// The most domain names one `DescribeDomains` call accepts.
const BATCH: usize = 5;

/// What `DescribeDomains` fills in: unknown for a domain whose call failed.
const DETAIL_FIELDS: &[&str] = &[
    "engine_version",
    "processing",
    "deleted",
    "instance_type",
    "instance_count",
    "dedicated_master_enabled",
    "dedicated_master_count",
    "dedicated_master_type",
    "zone_awareness_enabled",
    "availability_zone_count",
    "multi_az_with_standby_enabled",
    "warm_enabled",
    "vpc_id",
    "subnet_ids",
    "vpc_availability_zones",
];

pub(super) async fn collect(scope: Scope) -> Collected<OpenSearch> {
    let client: Client = super::sdk_client!(aws_sdk_opensearch, scope);
    let mut errors = Vec::new();
    let listed = match scope.call(client.list_domain_names().send()).await {
        Ok(out) => out
            .domain_names()
            .iter()
            .filter_map(|d| {
                let name = d.domain_name()?.to_string();
                let engine = d.engine_type().map(|e| e.as_str().to_string());
                Some(OpenSearchDomain {
                    region: scope.region.clone(),
                    domain_name: name,
                    engine_type: engine,
                    ..Default::default()
                })
            })
            .collect::<Vec<_>>(),
        Err(e) => {
            errors.push(LIST_DOMAIN_NAMES.listing_failed(&[Kind::OpenSearchDomain], &e));
            Vec::new()
        }
    };
    let (c, s) = (&client, &scope);
    let described = super::in_batches(s, &listed, BATCH, |b| describe(c, s, b)).await;
    let mut open = OpenSearch::default();
    for (domains, err) in described {
        open.domains.extend(domains);
        errors.extend(err);
    }
    (open, errors)
}

async fn describe(
    client: &Client,
    scope: &Scope,
    mut batch: Vec<OpenSearchDomain>,
) -> (Vec<OpenSearchDomain>, Option<CollectError>) {
    let names: Vec<String> = batch.iter().map(|d| d.domain_name.clone()).collect();
    let out = scope
        .call(client.describe_domains().set_domain_names(Some(names.clone())).send())
        .await;
    match out {
        Ok(out) => {
            for d in &mut batch {
                match out
                    .domain_status_list()
                    .iter()
                    .find(|st| st.domain_name() == d.domain_name)
                {
                    Some(st) => fill(d, st),
                    None => {
                        let why = format!(
                            "DescribeDomains did not return domain {}, which ListDomainNames listed",
                            d.domain_name
                        );
                        for f in DETAIL_FIELDS {
                            d.unreadable.insert(f.to_string(), why.clone());
                        }
                    }
                }
            }
            (batch, None)
        }
        Err(e) => {
            let err = DESCRIBE_DOMAINS.detail_failed(&names.join(","), &e);
            for d in &mut batch {
                mark_unreadable(&mut d.unreadable, DETAIL_FIELDS, &err);
            }
            (batch, Some(err))
        }
    }
}

fn fill(d: &mut OpenSearchDomain, st: &DomainStatus) {
    d.arn = st.arn().to_string();
    d.engine_version = st.engine_version().map(str::to_string);
    d.processing = st.processing();
    d.deleted = st.deleted();
    if let Some(c) = st.cluster_config() {
        d.instance_type = c.instance_type().map(|t| t.as_str().to_string());
        d.instance_count = c.instance_count().map(i64::from);
        d.dedicated_master_enabled = c.dedicated_master_enabled();
        d.dedicated_master_count = c.dedicated_master_count().map(i64::from);
        d.dedicated_master_type = c.dedicated_master_type().map(|t| t.as_str().to_string());
        d.zone_awareness_enabled = c.zone_awareness_enabled();
        d.availability_zone_count = c
            .zone_awareness_config()
            .and_then(|z| z.availability_zone_count())
            .map(i64::from);
        d.multi_az_with_standby_enabled = c.multi_az_with_standby_enabled();
        d.warm_enabled = c.warm_enabled();
    }
    if let Some(v) = st.vpc_options() {
        d.vpc_id = v.vpc_id().map(str::to_string);
        d.subnet_ids = v.subnet_ids().to_vec();
        d.vpc_availability_zones = v.availability_zones().to_vec();
    }
}
