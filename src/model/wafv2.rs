//! AWS WAF web ACLs: whether they limit the request rate of a flood, and the load balancers
//! they protect.

use super::{Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::{WebAcl, WebAclRule};
use std::borrow::Cow;

/// The AWS managed rule group that detects and challenges or blocks DDoS request floods.
const ANTI_DDOS: &str = "AWS/AWSManagedRulesAntiDDoSRuleSet";
/// Rule actions that stop or slow a matching request.
const ENFORCING: &[&str] = &["block", "captcha", "challenge"];

crate::facts! {
    /// Derived facts of a web ACL.
    pub struct WebAclFacts<'a> {
        /// Its rate-based rules that block or challenge (not those that only count).
        pub rate_based_rules: Known<Vec<&'a str>>,
        /// Whether it runs the AWS Anti-DDoS managed rule group (not in count mode).
        pub anti_ddos_rule_group: Known<bool>,
        /// The account's own rule groups it runs, whose rules are not read.
        pub unread_rule_groups: Known<Vec<&'a str>>,
        /// Whether it limits request floods: a rate-based rule or the Anti-DDoS rule group
        /// (unknown when neither is there but a rule group of the account might hold one).
        pub rate_limited: Known<bool>,
        /// The names of the load balancers of the snapshot it is associated with.
        pub load_balancers: Known<Vec<&'a str>>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for acl in &ctx.snapshot.wafv2.web_acls {
        out.push(web_acl(ctx, acl));
    }
}

fn enforcing(r: &WebAclRule) -> bool {
    r.action.as_deref().is_some_and(|a| ENFORCING.contains(&a))
}

/// A rule group's rules apply unless its override action turns them all into counts.
fn group_applies(r: &WebAclRule) -> bool {
    r.action.as_deref() != Some("count")
}

fn web_acl<'a>(ctx: &Ctx<'a>, acl: &'a WebAcl) -> Resource<'a> {
    let all = || acl.rules.iter().chain(&acl.firewall_manager_rule_groups);
    let rate_based: Vec<&str> = acl
        .rules
        .iter()
        .filter(|r| r.statement == "rate_based" && enforcing(r))
        .map(|r| r.name.as_str())
        .collect();
    let anti_ddos = all().any(|r| {
        r.statement == "managed_rule_group"
            && r.rule_group.as_deref() == Some(ANTI_DDOS)
            && group_applies(r)
    });
    let unread: Vec<&str> = all()
        .filter(|r| r.statement == "rule_group" && group_applies(r))
        .filter_map(|r| r.rule_group.as_deref())
        .collect();
    let rate_limited = if !rate_based.is_empty() || anti_ddos {
        Known::Is(true)
    } else if let Some(group) = unread.first() {
        Known::unknown(format!(
            "its rule group {group} is not read: whether it holds a rate-based rule is unknown"
        ))
    } else {
        Known::Is(false)
    };
    let load_balancers = acl
        .resource_arns
        .iter()
        .filter_map(|arn| ctx.elb.load_balancer(arn))
        .map(|lb| lb.name.as_str())
        .collect();
    let mut f = WebAclFacts {
        rate_based_rules: Known::Is(rate_based),
        anti_ddos_rule_group: Known::Is(anti_ddos),
        unread_rule_groups: Known::Is(unread),
        rate_limited,
        load_balancers: Known::Is(load_balancers),
    };
    crate::unknown_if!(acl.unreadable.get("rules") =>
        f.rate_based_rules, f.anti_ddos_rule_group, f.unread_rule_groups, f.rate_limited);
    crate::unknown_if!(acl.unreadable.get("resource_arns") => f.load_balancers);
    crate::unknown_if!(ctx.incomplete(Kind::LoadBalancer, &acl.region) => f.load_balancers);
    Resource {
        kind: Kind::WebAcl,
        id: Cow::Owned(format!("{}/{}", acl.name, acl.id)),
        name: Some(Cow::Borrowed(&acl.name)),
        arn: Cow::Borrowed(&acl.arn),
        region: Cow::Borrowed(&acl.region),
        source: Some(acl),
        unreadable: Some(&acl.unreadable),
        facts: Box::new(f),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    fn rule(name: &str, statement: &str, action: &str, group: Option<&str>) -> WebAclRule {
        WebAclRule {
            name: name.into(),
            statement: statement.into(),
            action: Some(action.into()),
            rule_group: group.map(str::to_string),
            ..Default::default()
        }
    }

    fn acl(name: &str, rules: Vec<WebAclRule>) -> WebAcl {
        WebAcl {
            region: "eu-west-1".into(),
            name: name.into(),
            id: "1".into(),
            rules,
            ..Default::default()
        }
    }

    fn judge(acls: Vec<WebAcl>) -> Vec<(String, serde_json::Value, Option<String>)> {
        let mut s = Snapshot::default();
        s.wafv2.web_acls = acls;
        let m = Model::build(&s);
        m.resources
            .iter()
            .filter(|r| r.kind.key() == "wafv2.web_acl")
            .map(|r| {
                (
                    r.name.as_deref().unwrap().to_string(),
                    r.fields()["rate_limited"].clone(),
                    r.unknown().get("rate_limited").cloned(),
                )
            })
            .collect()
    }

    #[test]
    fn rate_limiting_is_an_enforcing_rate_based_rule_or_the_anti_ddos_group() {
        let got = judge(vec![
            acl("blocks", vec![rule("flood", "rate_based", "block", None)]),
            acl("counts", vec![rule("flood", "rate_based", "count", None)]),
            acl(
                "anti-ddos",
                vec![rule("ddos", "managed_rule_group", "none", Some("AWS/AWSManagedRulesAntiDDoSRuleSet"))],
            ),
            acl(
                "common-only",
                vec![rule("common", "managed_rule_group", "none", Some("AWS/AWSManagedRulesCommonRuleSet"))],
            ),
            acl(
                "own-group",
                vec![rule("mine", "rule_group", "none", Some("arn:aws:wafv2:eu-west-1:1:regional/rulegroup/mine/2"))],
            ),
            acl(
                "own-group-counted",
                vec![rule("mine", "rule_group", "count", Some("arn:aws:wafv2:eu-west-1:1:regional/rulegroup/mine/2"))],
            ),
        ]);
        assert_eq!(
            got,
            vec![
                ("anti-ddos".into(), json!(true), None),
                ("blocks".into(), json!(true), None),
                ("common-only".into(), json!(false), None),
                ("counts".into(), json!(false), None),
                // Ids are `<name>/<id>`: `-` sorts before `/`.
                ("own-group-counted".into(), json!(false), None),
                (
                    "own-group".into(),
                    json!(null),
                    Some(
                        "its rule group arn:aws:wafv2:eu-west-1:1:regional/rulegroup/mine/2 \
                         is not read: whether it holds a rate-based rule is unknown"
                            .into()
                    )
                ),
            ]
        );
    }

    #[test]
    fn unread_rules_leave_the_rate_facts_unknown() {
        let mut a = acl("x", vec![]);
        a.unreadable
            .insert("rules".into(), "GetWebACL failed: WAFInternalErrorException: oops".into());
        let got = judge(vec![a]);
        assert_eq!(
            got,
            vec![(
                "x".into(),
                json!(null),
                Some("GetWebACL failed: WAFInternalErrorException: oops".into())
            )]
        );
    }
}
