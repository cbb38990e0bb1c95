//! When a failure that was there before a change "worsens" (`scan --terraform-plan
//! --changes-only`): the same rule fails on the same resource before and after, and the one
//! field the rule measures moved the wrong way.
//!
//! Only rules whose `compliant` expression is exactly one of these shapes can worsen; the
//! field is the rule's subject, and "worse" follows from the comparison itself:
//!
//! | `compliant` | worse after the change when |
//! |---|---|
//! | `resource.F.size() == 0` | F gained members and lost none (more subnets without a route, ...) |
//! | `!resource.F.exists(x, x in params.P)` | the members of F that are in P gained some and lost none |
//! | `resource.F.size() >= N` (or `>`) | F lost members and gained none (an AZ fewer, ...) |
//! | `resource.F >= N` (or `>`) | the number F is lower |
//! | `resource.F <= N` (or `<`) | the number F is higher |
//!
//! (N is a number or `params.P`.) A list whose members changed without growing or shrinking
//! as a set (one AZ swapped for another) has not worsened, nor has any rule of another shape
//! (a boolean, a combination): for those only a failure the change introduces is reported.

use serde_json::Value as Json;

/// Which way a rule's measured field gets worse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Worse {
    /// The list gains members (those in the named param's list, when given).
    Grows(Option<String>),
    /// The list loses members.
    Shrinks,
    /// The number goes down.
    Lower,
    /// The number goes up.
    Higher,
}

/// The field a rule measures and which way it gets worse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    pub field: String,
    pub worse: Worse,
}

fn ident(s: &str) -> Option<&str> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')).then_some(s)
}

/// A number or `params.P`.
fn bound(s: &str) -> bool {
    s.parse::<f64>().is_ok() || s.strip_prefix("params.").and_then(ident).is_some()
}

/// What `compliant` measures, when it has one of the shapes above.
pub fn measure(compliant: &str) -> Option<Measure> {
    let e = compliant.trim();
    let m = |field: &str, worse| {
        Some(Measure {
            field: ident(field)?.to_string(),
            worse,
        })
    };
    if let Some(rest) = e.strip_prefix("!resource.") {
        // `!resource.F.exists(x, x in params.P)`
        let (field, call) = rest.split_once(".exists(")?;
        let (var, cond) = call.strip_suffix(')')?.split_once(", ")?;
        let param = cond.strip_prefix(var)?.strip_prefix(" in params.")?;
        return m(field, Worse::Grows(Some(ident(param)?.to_string())));
    }
    let rest = e.strip_prefix("resource.")?;
    let (left, op, right) = ["==", ">=", "<=", ">", "<"].iter().find_map(|op| {
        let (l, r) = rest.split_once(&format!(" {op} "))?;
        Some((l, *op, r))
    })?;
    match (left.strip_suffix(".size()"), op, right) {
        (Some(field), "==", "0") => m(field, Worse::Grows(None)),
        (Some(field), ">=" | ">", r) if bound(r) => m(field, Worse::Shrinks),
        (None, ">=" | ">", r) if bound(r) => m(left, Worse::Lower),
        (None, "<=" | "<", r) if bound(r) => m(left, Worse::Higher),
        _ => None,
    }
}

/// How `before` -> `after` of the measured field is worse, in words; `None` when it is not.
/// `params` are the rule's (for [`Worse::Grows`] within a param's list).
pub fn worsened(m: &Measure, params: &Json, before: &Json, after: &Json) -> Option<String> {
    let f = &m.field;
    match &m.worse {
        Worse::Lower | Worse::Higher => {
            let (b, a) = (before.as_f64()?, after.as_f64()?);
            let worse = if m.worse == Worse::Lower {
                a < b
            } else {
                a > b
            };
            worse.then(|| format!("worsens: `{f}` goes from {before} to {after}"))
        }
        Worse::Grows(within) => {
            let keep = |v: &&Json| match within {
                Some(p) => params
                    .get(p)
                    .and_then(Json::as_array)
                    .is_some_and(|l| l.contains(v)),
                None => true,
            };
            let (b, a) = (
                members(before)?
                    .into_iter()
                    .filter(keep)
                    .collect::<Vec<_>>(),
                members(after)?.into_iter().filter(keep).collect::<Vec<_>>(),
            );
            let gained = missing(&a, &b);
            (missing(&b, &a).is_empty() && !gained.is_empty())
                .then(|| format!("worsens: `{f}` gains {}", words(&gained)))
        }
        Worse::Shrinks => {
            let (b, a) = (members(before)?, members(after)?);
            let lost = missing(&b, &a);
            (missing(&a, &b).is_empty() && !lost.is_empty()).then(|| {
                format!(
                    "worsens: `{f}` loses {} (now {})",
                    words(&lost),
                    if a.is_empty() {
                        "none".to_string()
                    } else {
                        words(&a)
                    }
                )
            })
        }
    }
}

fn members(v: &Json) -> Option<Vec<&Json>> {
    v.as_array().map(|a| a.iter().collect())
}

/// The members of `of` that are not in `from`.
fn missing<'j>(of: &[&'j Json], from: &[&Json]) -> Vec<&'j Json> {
    let mut out: Vec<&Json> = of.iter().filter(|v| !from.contains(v)).copied().collect();
    out.dedup();
    out
}

fn words(items: &[&Json]) -> String {
    items
        .iter()
        .map(|v| match v {
            Json::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn of(field: &str, worse: Worse) -> Option<Measure> {
        Some(Measure {
            field: field.into(),
            worse,
        })
    }

    #[test]
    fn the_shapes_that_can_worsen() {
        assert_eq!(
            measure("resource.azs.size() >= params.min_azs"),
            of("azs", Worse::Shrinks)
        );
        assert_eq!(
            measure("resource.subnets_without_internet_route.size() == 0"),
            of("subnets_without_internet_route", Worse::Grows(None))
        );
        assert_eq!(
            measure("!resource.suspended_processes.exists(p, p in params.processes)"),
            of(
                "suspended_processes",
                Worse::Grows(Some("processes".into()))
            )
        );
        assert_eq!(
            measure("resource.backup_retention_period >= params.min_days"),
            of("backup_retention_period", Worse::Lower)
        );
        assert_eq!(measure("resource.ttl <= 300"), of("ttl", Worse::Higher));
        for other in [
            "resource.multi_az",
            "resource.azs.size() == 1",
            "resource.a.size() >= 2 || resource.b.size() == 0",
            "resource.x >= resource.y",
            "resource.launch_source != 'launch_configuration'",
            "!resource.p.exists(p, p in resource.q)",
        ] {
            assert_eq!(measure(other), None, "{other}");
        }
    }

    #[test]
    fn worse_is_only_the_wrong_way() {
        let azs = of("azs", Worse::Shrinks).unwrap();
        let p = json!({});
        let w = |m: &Measure, b, a| worsened(m, &p, &b, &a);
        assert_eq!(
            w(&azs, json!(["a", "b"]), json!(["a"])),
            Some("worsens: `azs` loses b (now a)".into())
        );
        assert_eq!(w(&azs, json!(["a", "b"]), json!(["a", "c"])), None);
        assert_eq!(w(&azs, json!(["a"]), json!(["a", "b"])), None);
        assert_eq!(w(&azs, json!(["a"]), json!(["a"])), None);
        let days = of("days", Worse::Lower).unwrap();
        assert_eq!(
            w(&days, json!(5), json!(2)),
            Some("worsens: `days` goes from 5 to 2".into())
        );
        assert_eq!(w(&days, json!(2), json!(5)), None);
        assert_eq!(w(&days, json!(null), json!(5)), None);
        let suspended = of("s", Worse::Grows(Some("processes".into()))).unwrap();
        let p = json!({"processes": ["Launch", "AZRebalance"]});
        let g = |b, a| worsened(&suspended, &p, &b, &a);
        assert_eq!(
            g(json!(["AZRebalance"]), json!(["AZRebalance", "Launch"])),
            Some("worsens: `s` gains Launch".into())
        );
        // Only the members the rule counts.
        assert_eq!(
            g(
                json!(["AZRebalance"]),
                json!(["AZRebalance", "ScheduledActions"])
            ),
            None
        );
        assert_eq!(g(json!(["AZRebalance"]), json!(["Launch"])), None);
    }
}
