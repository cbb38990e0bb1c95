//! CloudWatch alarms as resources. (The alarms that watch other resources' health are their
//! `health_alarms` facts, from the alarm index in `alarms.rs`.)

use super::alarms::Index;
use super::{distinct, Ctx, Known, Resource};
use crate::registry::Kind;
use std::borrow::Cow;

crate::facts! {
    /// Derived facts of a CloudWatch alarm.
    pub struct AlarmFacts<'a> {
        /// The notifying composite alarms that name this alarm in an `ALARM(...)` term.
        pub notified_through: Known<Vec<&'a str>>,
        /// Whether the alarm's actions are enabled (unknown when DescribeAlarms did not say).
        pub actions_enabled: Known<bool>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for (region, regional) in ctx.alarms.regions() {
        for a in Index::alarms_of(regional) {
            let facts = AlarmFacts {
                notified_through: Known::Is(distinct(
                    regional.notified_through(&a.alarm_name).iter().copied(),
                )),
                actions_enabled: match a.actions_enabled {
                    Some(on) => Known::Is(on),
                    None => Known::unknown(
                        "DescribeAlarms did not return ActionsEnabled".to_string(),
                    ),
                },
            };
            out.push(Resource {
                kind: Kind::Alarm,
                id: Cow::Borrowed(&a.alarm_name),
                name: Some(Cow::Borrowed(&a.alarm_name)),
                arn: Cow::Borrowed(&a.alarm_arn),
                region: Cow::Borrowed(region),
                source: Some(*a),
                unreadable: None,
                facts: Box::new(facts),
            });
        }
    }
}
