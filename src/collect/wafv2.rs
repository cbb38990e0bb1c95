//! AWS WAF (v2): the region's web ACLs of scope `REGIONAL` (ListWebACLs, paged by
//! `NextMarker`), then per web ACL its rules (GetWebACL) and the Application Load Balancers
//! it is associated with (ListResourcesForWebACL), concurrently within the scan's cap.

use super::fail::{mark_unreadable, Op};
use super::{Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{CollectError, WebAcl, WebAclRule, Wafv2};
use aws_sdk_wafv2::error::ProvideErrorMetadata;
use aws_sdk_wafv2::types::{
    FirewallManagerRuleGroup, ManagedRuleGroupStatement, OverrideAction, ResourceType, Rule,
    RuleAction, RuleGroupReferenceStatement, Scope as WafScope, Statement,
};
use aws_sdk_wafv2::Client;
use futures::StreamExt;

const LIST_WEB_ACLS: Op = Op::new("ListWebACLs", "wafv2:ListWebACLs");
const GET_WEB_ACL: Op = Op::new("GetWebACL", "wafv2:GetWebACL");
const LIST_RESOURCES: Op = Op::new("ListResourcesForWebACL", "wafv2:ListResourcesForWebACL");

pub const ACTIONS: &[&str] = &[
    LIST_WEB_ACLS.action,
    GET_WEB_ACL.action,
    LIST_RESOURCES.action,
];

/// Web ACLs per ListWebACLs page: the API's maximum.
const PAGE_SIZE: i32 = 100;
/// The error code of a web ACL deleted between the listing and its detail calls.
const GONE: &str = "WAFNonexistentItemException";

pub(super) async fn collect(scope: Scope) -> Collected<Wafv2> {
    let client: Client = super::sdk_client!(aws_sdk_wafv2, scope);
    let (acls, err) = list(&client, &scope).await;
    let mut errors: Vec<CollectError> = err.into_iter().collect();
    let s = &scope;
    let details = futures::stream::iter(acls.into_iter().map(|acl| detail(&client, s, acl)))
        .buffer_unordered(scope.concurrency)
        .collect::<Vec<_>>()
        .await;
    let mut wafv2 = Wafv2::default();
    for (acl, errs) in details {
        wafv2.web_acls.extend(acl);
        errors.extend(errs);
    }
    (wafv2, errors)
}

/// Every regional web ACL. The SDK has no paginator for ListWebACLs: it is paged here by
/// `NextMarker`, one page at a time, each page one call of the scan's cap.
async fn list(client: &Client, scope: &Scope) -> (Vec<WebAcl>, Option<CollectError>) {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = scope
            .call(
                client
                    .list_web_acls()
                    .scope(WafScope::Regional)
                    .limit(PAGE_SIZE)
                    .set_next_marker(marker.clone())
                    .send(),
            )
            .await;
        let page = match page {
            Ok(p) => p,
            Err(e) => return (out, Some(LIST_WEB_ACLS.listing_failed(&[Kind::WebAcl], &e))),
        };
        out.extend(page.web_acls().iter().map(|a| WebAcl {
            region: scope.region.clone(),
            name: a.name().unwrap_or_default().to_string(),
            id: a.id().unwrap_or_default().to_string(),
            arn: a.arn().unwrap_or_default().to_string(),
            description: a.description().filter(|d| !d.is_empty()).map(str::to_string),
            ..Default::default()
        }));
        // A page with a marker says there is more; an empty page or a marker that repeats
        // ends the listing instead of looping on it.
        match page.next_marker().filter(|m| !m.is_empty()) {
            Some(m) if !page.web_acls().is_empty() && marker.as_deref() != Some(m) => {
                marker = Some(m.to_string());
            }
            _ => return (out, None),
        }
    }
}

/// Rules and associated load balancers of one web ACL; `None` when it was deleted meanwhile.
async fn detail(
    client: &Client,
    scope: &Scope,
    mut acl: WebAcl,
) -> (Option<WebAcl>, Vec<CollectError>) {
    let rules = scope.call(
        client
            .get_web_acl()
            .name(&acl.name)
            .id(&acl.id)
            .scope(WafScope::Regional)
            .send(),
    );
    // Not paginated by the API.
    let resources = scope.call(
        client
            .list_resources_for_web_acl()
            .web_acl_arn(&acl.arn)
            .resource_type(ResourceType::ApplicationLoadBalancer)
            .send(),
    );
    let (rules, resources) = tokio::join!(rules, resources);
    let mut errors = Vec::new();
    match rules {
        Ok(out) => {
            if let Some(w) = out.web_acl() {
                acl.rules = w.rules().iter().map(rule).collect();
                acl.firewall_manager_rule_groups = w
                    .pre_process_firewall_manager_rule_groups()
                    .iter()
                    .chain(w.post_process_firewall_manager_rule_groups())
                    .map(firewall_manager_group)
                    .collect();
            }
        }
        Err(e) if e.code() == Some(GONE) => return (None, errors),
        Err(e) => {
            let err = GET_WEB_ACL.detail_failed(&acl.arn, &e);
            mark_unreadable(
                &mut acl.unreadable,
                &["rules", "firewall_manager_rule_groups"],
                &err,
            );
            errors.push(err);
        }
    }
    match resources {
        Ok(out) => acl.resource_arns = out.resource_arns().to_vec(),
        Err(e) if e.code() == Some(GONE) => return (None, errors),
        Err(e) => {
            let err = LIST_RESOURCES.detail_failed(&acl.arn, &e);
            mark_unreadable(&mut acl.unreadable, &["resource_arns"], &err);
            errors.push(err);
        }
    }
    (Some(acl), errors)
}

fn rule(r: &Rule) -> WebAclRule {
    let (statement, rate_limit, rule_group) = match r.statement() {
        Some(s) => statement(s),
        None => ("other", None, None),
    };
    let action = r
        .action()
        .map(rule_action)
        .or_else(|| r.override_action().map(override_action));
    WebAclRule {
        name: r.name().to_string(),
        priority: i64::from(r.priority()),
        statement: statement.to_string(),
        action: action.map(str::to_string),
        rate_limit,
        rule_group,
    }
}

fn firewall_manager_group(g: &FirewallManagerRuleGroup) -> WebAclRule {
    let s = g.firewall_manager_statement();
    let (statement, rule_group) = match (
        s.and_then(|s| s.managed_rule_group_statement()),
        s.and_then(|s| s.rule_group_reference_statement()),
    ) {
        (Some(m), _) => ("managed_rule_group", Some(managed(m))),
        (None, Some(r)) => ("rule_group", Some(reference(r))),
        (None, None) => ("other", None),
    };
    WebAclRule {
        name: g.name().to_string(),
        priority: i64::from(g.priority()),
        statement: statement.to_string(),
        action: g.override_action().map(override_action).map(str::to_string),
        rate_limit: None,
        rule_group,
    }
}

/// What a rule's top-level statement is. Rate-based and rule group statements can only be
/// top-level, so nested statements need no look.
fn statement(s: &Statement) -> (&'static str, Option<i64>, Option<String>) {
    if let Some(r) = s.rate_based_statement() {
        ("rate_based", Some(r.limit()), None)
    } else if let Some(m) = s.managed_rule_group_statement() {
        ("managed_rule_group", None, Some(managed(m)))
    } else if let Some(r) = s.rule_group_reference_statement() {
        ("rule_group", None, Some(reference(r)))
    } else {
        ("other", None, None)
    }
}

fn managed(m: &ManagedRuleGroupStatement) -> String {
    format!("{}/{}", m.vendor_name(), m.name())
}

fn reference(r: &RuleGroupReferenceStatement) -> String {
    r.arn().to_string()
}

fn rule_action(a: &RuleAction) -> &'static str {
    if a.block().is_some() {
        "block"
    } else if a.count().is_some() {
        "count"
    } else if a.captcha().is_some() {
        "captcha"
    } else if a.challenge().is_some() {
        "challenge"
    } else if a.allow().is_some() {
        "allow"
    } else {
        "other"
    }
}

fn override_action(a: &OverrideAction) -> &'static str {
    if a.count().is_some() {
        "count"
    } else {
        "none"
    }
}
