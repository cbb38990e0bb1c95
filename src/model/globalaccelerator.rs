//! AWS Global Accelerator accelerators: where their listeners can send traffic when an
//! endpoint or a region fails, and whether Shield Advanced protects them.
//!
//! Global Accelerator fails over from an endpoint group without a healthy endpoint of weight
//! above zero to a healthy endpoint of weight above zero in another group (another region),
//! whatever the groups' traffic dials; an endpoint of weight 0 takes no traffic, not even then.

use super::mq::said;
use super::{Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::{Accelerator, GaEndpointGroup, GaListener, GLOBAL_REGION};
use std::borrow::Cow;
use std::collections::BTreeSet;

crate::facts! {
    /// Derived facts of a Global Accelerator accelerator.
    pub struct AcceleratorFacts<'a> {
        /// Whether it accepts traffic.
        pub accelerator_enabled: Known<bool>,
        /// How many listeners it has.
        pub listener_count: Known<usize>,
        /// The regions of its endpoint groups that hold an endpoint of weight above zero.
        pub serving_regions: Known<Vec<&'a str>>,
        /// Its listeners (`TCP 443-443`) whose endpoints of weight above zero are in fewer
        /// than two regions: no region to fail over to.
        pub single_region_listeners: Known<Vec<String>>,
        /// Its endpoint groups (`eu-west-1 (TCP 443-443)`) with fewer than two endpoints of
        /// weight above zero: one endpoint's failure empties the group.
        pub single_endpoint_groups: Known<Vec<String>>,
        /// Whether the account subscribes to AWS Shield Advanced.
        pub shield_subscribed: Known<bool>,
        /// Whether a Shield Advanced protection names it.
        pub shield_protected: Known<bool>,
        /// How many endpoint groups it has, over all listeners.
        pub endpoint_group_count: Known<usize>,
    }
}

/// The weight AWS gives an endpoint created without one.
const DEFAULT_WEIGHT: i64 = 128;

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for a in &ctx.snapshot.globalaccelerator.accelerators {
        out.push(accelerator(ctx, a));
    }
}

/// How a listener is named in findings: its protocol and port ranges.
fn listener_label(l: &GaListener) -> String {
    let ports = if l.port_ranges.is_empty() {
        l.id.clone()
    } else {
        l.port_ranges.join(",")
    };
    match &l.protocol {
        Some(p) => format!("{p} {ports}"),
        None => ports,
    }
}

/// Endpoints of a group that take traffic: weight above zero.
fn serving_endpoints(g: &GaEndpointGroup) -> usize {
    g.endpoints
        .iter()
        .filter(|e| e.weight.unwrap_or(DEFAULT_WEIGHT) > 0)
        .count()
}

fn accelerator<'a>(ctx: &Ctx<'a>, a: &'a Accelerator) -> Resource<'a> {
    let mut regions = BTreeSet::new();
    let mut single_region = Vec::new();
    let mut single_endpoint = Vec::new();
    let mut groups_unread: Option<String> = None;
    for l in &a.listeners {
        let label = listener_label(l);
        if let Some(why) = &l.endpoint_groups_unreadable {
            groups_unread.get_or_insert_with(|| {
                format!("the endpoint groups of listener {label} could not be listed: {why}")
            });
            continue;
        }
        let mut listener_regions = BTreeSet::new();
        for g in &l.endpoint_groups {
            let serving = serving_endpoints(g);
            if serving > 0 {
                listener_regions.insert(g.region.as_str());
            }
            if serving < 2 {
                single_endpoint.push(format!("{} ({label})", g.region));
            }
        }
        if listener_regions.len() < 2 {
            single_region.push(label);
        }
        regions.extend(listener_regions);
    }
    let shield = ctx.shield(&a.arn);
    let mut f = AcceleratorFacts {
        accelerator_enabled: said(a.enabled, "ListAccelerators returned no Enabled"),
        listener_count: Known::Is(a.listeners.len()),
        serving_regions: Known::Is(regions.into_iter().collect()),
        single_region_listeners: Known::Is(single_region),
        single_endpoint_groups: Known::Is(single_endpoint),
        shield_subscribed: shield.subscribed,
        shield_protected: shield.protected,
        endpoint_group_count: Known::Is(a.listeners.iter().map(|l| l.endpoint_groups.len()).sum()),
    };
    // A listener whose groups are unknown could be the one that fails, or the one that
    // serves the second region.
    crate::unknown_if!(groups_unread => f.serving_regions, f.single_region_listeners,
        f.single_endpoint_groups, f.endpoint_group_count);
    if let Some(why) = a.unreadable.get("listeners") {
        crate::unknown_if!(Some(why.as_str()) => f.listener_count, f.serving_regions,
            f.single_region_listeners, f.single_endpoint_groups, f.endpoint_group_count);
    }
    Resource {
        kind: Kind::Accelerator,
        id: Cow::Borrowed(&a.id),
        name: Some(Cow::Borrowed(if a.name.is_empty() { &a.id } else { &a.name })),
        arn: Cow::Borrowed(&a.arn),
        region: Cow::Borrowed(GLOBAL_REGION),
        source: Some(a),
        unreadable: Some(&a.unreadable),
        facts: Box::new(f),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::tests::find;
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::{json, Value};

    const ARN: &str = "arn:aws:globalaccelerator::111122223333:accelerator";

    fn group(region: &str, weights: &[Option<i64>]) -> GaEndpointGroup {
        GaEndpointGroup {
            arn: format!("{ARN}/a/listener/l/endpoint-group/{region}"),
            region: region.into(),
            endpoints: weights
                .iter()
                .enumerate()
                .map(|(i, w)| GaEndpoint {
                    endpoint_id: format!("eipalloc-{region}-{i}"),
                    weight: *w,
                    health_state: Some("HEALTHY".into()),
                })
                .collect(),
            ..Default::default()
        }
    }

    fn listener(id: &str, port: &str, groups: Vec<GaEndpointGroup>) -> GaListener {
        GaListener {
            id: id.into(),
            arn: format!("{ARN}/a/listener/{id}"),
            protocol: Some("TCP".into()),
            port_ranges: vec![format!("{port}-{port}")],
            endpoint_groups: groups,
            endpoint_groups_unreadable: None,
        }
    }

    fn snapshot(listeners: Vec<GaListener>) -> Snapshot {
        let mut s = Snapshot::new("111122223333", vec!["eu-west-1".into()], "t".into());
        s.coverage.push(Coverage {
            service: "shield".into(),
            region: "global".into(),
            errors: Vec::new(),
        });
        s.shield.subscription.push(ShieldSubscription {
            state: "ACTIVE".into(),
        });
        s.globalaccelerator.accelerators.push(Accelerator {
            id: "a".into(),
            arn: format!("{ARN}/a"),
            name: "web".into(),
            enabled: Some(true),
            listeners,
            ..Default::default()
        });
        s
    }

    fn facts(s: &Snapshot, names: &[&str]) -> Vec<Value> {
        let m = Model::build(s);
        let r = find(&m, "globalaccelerator.accelerator", "a");
        let (fields, unknown) = (r.fields(), r.unknown());
        names
            .iter()
            .map(|n| match unknown.get(*n) {
                Some(why) => json!(format!("unknown: {why}")),
                None => fields[*n].clone(),
            })
            .collect()
    }

    const F: &[&str] = &[
        "serving_regions",
        "single_region_listeners",
        "single_endpoint_groups",
    ];

    #[test]
    fn failover_counts_only_endpoints_of_weight_above_zero() {
        // 443: two regions, two endpoints each (one of default weight). 80: a second region
        // whose only endpoint has weight 0, and a first whose second endpoint has weight 0.
        let s = snapshot(vec![
            listener(
                "l443",
                "443",
                vec![
                    group("eu-west-1", &[None, Some(10)]),
                    group("us-east-1", &[Some(128), Some(128)]),
                ],
            ),
            listener(
                "l80",
                "80",
                vec![
                    group("eu-west-1", &[Some(100), Some(0)]),
                    group("ap-south-1", &[Some(0)]),
                ],
            ),
        ]);
        assert_eq!(
            facts(&s, F),
            [
                json!(["eu-west-1", "us-east-1"]),
                json!(["TCP 80-80"]),
                json!(["eu-west-1 (TCP 80-80)", "ap-south-1 (TCP 80-80)"]),
            ]
        );
        assert_eq!(
            facts(&s, &["listener_count", "endpoint_group_count", "accelerator_enabled"]),
            [json!(2), json!(4), json!(true)]
        );
    }

    #[test]
    fn unread_listeners_or_endpoint_groups_leave_the_facts_unknown() {
        let mut s = snapshot(vec![listener("l443", "443", Vec::new())]);
        s.globalaccelerator.accelerators[0].listeners[0].endpoint_groups_unreadable =
            Some("ListEndpointGroups failed: AccessDeniedException: denied".into());
        let why = "unknown: the endpoint groups of listener TCP 443-443 could not be listed: \
                   ListEndpointGroups failed: AccessDeniedException: denied";
        assert_eq!(facts(&s, F), [json!(why), json!(why), json!(why)]);
        assert_eq!(facts(&s, &["endpoint_group_count"]), [json!(why)]);

        let mut s = snapshot(Vec::new());
        s.globalaccelerator.accelerators[0].unreadable.insert(
            "listeners".into(),
            "ListListeners failed: AccessDeniedException: denied".into(),
        );
        let why = "unknown: ListListeners failed: AccessDeniedException: denied";
        assert_eq!(
            facts(
                &s,
                &["listener_count", "single_region_listeners", "endpoint_group_count"]
            ),
            [json!(why), json!(why), json!(why)]
        );
    }

    #[test]
    fn shield_facts_name_the_accelerator_arn() {
        let mut s = snapshot(Vec::new());
        assert_eq!(
            facts(&s, &["shield_subscribed", "shield_protected"]),
            [json!(true), json!(false)]
        );
        s.shield.protections.push(ShieldProtection {
            id: "p-1".into(),
            name: "web".into(),
            resource_arn: format!("{ARN}/a"),
            ..Default::default()
        });
        assert_eq!(
            facts(&s, &["shield_subscribed", "shield_protected"]),
            [json!(true), json!(true)]
        );
    }
}
