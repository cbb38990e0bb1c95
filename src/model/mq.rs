//! Amazon MQ brokers: their engine, deployment mode, state and the AZs of their subnets.

use super::ecs::subnet_azs;
use super::{distinct, name_tag, Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::MqBroker;
use std::borrow::Cow;

crate::facts! {
    /// Derived facts of an Amazon MQ broker.
    pub struct BrokerFacts<'a> {
        /// `ACTIVEMQ` or `RABBITMQ`, upper-cased (the API documents upper case, but brokers
        /// are also reported as `ActiveMQ` and `RabbitMQ`).
        pub engine_type: Known<String>,
        /// `SINGLE_INSTANCE`, `ACTIVE_STANDBY_MULTI_AZ` or `CLUSTER_MULTI_AZ`.
        pub deployment_mode: Known<&'a str>,
        /// `RUNNING`, `CRITICAL_ACTION_REQUIRED`, `REBOOT_IN_PROGRESS` ...
        pub broker_state: Known<&'a str>,
        /// The codes of the actions the broker needs (DescribeBroker `actionsRequired`).
        pub actions_required: Known<Vec<&'a str>>,
        /// The AZs of its subnets: where its broker instances run.
        pub subnet_azs: Known<Vec<&'a str>>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for b in &ctx.snapshot.mq.brokers {
        out.push(broker(ctx, b));
    }
}

/// A value the API returns for every resource: unknown, with `why`, when it is absent.
pub(super) fn said<T>(v: Option<T>, why: &str) -> Known<T> {
    match v {
        Some(v) => Known::Is(v),
        None => Known::unknown(why.to_string()),
    }
}

fn broker<'a>(ctx: &Ctx<'a>, b: &'a MqBroker) -> Resource<'a> {
    let (azs, subnets_why) = subnet_azs(ctx, &b.region, &b.subnet_ids);
    let mut f = BrokerFacts {
        engine_type: said(
            b.engine_type.as_deref().map(str::to_ascii_uppercase),
            "the broker listing returned no engineType",
        ),
        deployment_mode: said(
            b.deployment_mode.as_deref(),
            "the broker listing returned no deploymentMode",
        ),
        broker_state: said(
            b.broker_state.as_deref(),
            "the broker listing returned no brokerState",
        ),
        actions_required: Known::Is(distinct(b.actions_required.iter().map(String::as_str))),
        subnet_azs: Known::Is(azs.into_iter().collect()),
    };
    crate::unknown_if!(subnets_why => f.subnet_azs);
    crate::unknown_if!(b.unreadable.get("subnet_ids") => f.subnet_azs);
    crate::unknown_if!(b.unreadable.get("actions_required") => f.actions_required);
    let arn = if b.arn.is_empty() {
        // Amazon MQ ARNs separate the resource with a colon, not a slash.
        Cow::Owned(format!(
            "arn:{}:mq:{}:{}:broker:{}:{}",
            ctx.snapshot.partition, b.region, ctx.snapshot.account_id, b.broker_name, b.broker_id
        ))
    } else {
        Cow::Borrowed(b.arn.as_str())
    };
    let name = if b.broker_name.is_empty() {
        name_tag(&b.tags).or(Some(Cow::Borrowed(&b.broker_id)))
    } else {
        Some(Cow::Borrowed(b.broker_name.as_str()))
    };
    Resource {
        kind: Kind::MqBroker,
        id: Cow::Borrowed(&b.broker_id),
        name,
        arn,
        region: Cow::Borrowed(&b.region),
        source: Some(b),
        unreadable: Some(&b.unreadable),
        facts: Box::new(f),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::tests::find;
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    fn snapshot() -> Snapshot {
        let mut s = Snapshot::new("111122223333", vec!["r".into()], "t".into());
        for service in ["ec2", "mq"] {
            s.coverage.push(Coverage {
                service: service.into(),
                region: "r".into(),
                errors: vec![],
            });
        }
        for (id, az) in [("s-a", "ra"), ("s-b", "rb")] {
            s.ec2.subnets.push(Subnet {
                region: "r".into(),
                subnet_id: id.into(),
                availability_zone: az.into(),
                ..Default::default()
            });
        }
        s.mq.brokers.push(MqBroker {
            region: "r".into(),
            broker_id: "b-1".into(),
            broker_name: "orders".into(),
            broker_state: Some("CRITICAL_ACTION_REQUIRED".into()),
            deployment_mode: Some("ACTIVE_STANDBY_MULTI_AZ".into()),
            engine_type: Some("ActiveMQ".into()),
            subnet_ids: vec!["s-a".into(), "s-b".into()],
            actions_required: vec!["RABBITMQ_MEMORY_ALARM".into()],
            ..Default::default()
        });
        s
    }

    #[test]
    fn broker_facts_normalise_the_engine_and_join_the_subnets() {
        let s = snapshot();
        let m = Model::build(&s);
        let b = find(&m, "mq.broker", "b-1");
        assert_eq!(b.fields()["engine_type"], json!("ACTIVEMQ"));
        assert_eq!(b.fields()["deployment_mode"], json!("ACTIVE_STANDBY_MULTI_AZ"));
        assert_eq!(b.fields()["subnet_azs"], json!(["ra", "rb"]));
        assert_eq!(b.fields()["actions_required"], json!(["RABBITMQ_MEMORY_ALARM"]));
        assert_eq!(b.name.as_deref(), Some("orders"));
        assert_eq!(
            b.arn,
            "arn:aws:mq:r:111122223333:broker:orders:b-1",
            "built when the snapshot has none"
        );
        assert!(b.unknown().is_empty(), "{:?}", b.unknown());
    }

    #[test]
    fn unread_details_or_subnets_leave_their_facts_unknown() {
        let mut s = snapshot();
        let b = &mut s.mq.brokers[0];
        b.engine_type = None;
        for f in ["subnet_ids", "actions_required"] {
            b.unreadable
                .insert(f.into(), "DescribeBroker failed: Throttling".into());
        }
        let m = Model::build(&s);
        let b = find(&m, "mq.broker", "b-1");
        assert_eq!(
            b.unknown()["engine_type"],
            "the broker listing returned no engineType"
        );
        assert!(b.unknown()["subnet_azs"].contains("DescribeBroker failed"));
        assert!(b.unknown()["actions_required"].contains("DescribeBroker failed"));
        assert!(!b.unknown().contains_key("deployment_mode"));

        let mut s = snapshot();
        s.coverage.retain(|c| c.service != "ec2");
        let m = Model::build(&s);
        let b = find(&m, "mq.broker", "b-1");
        assert!(b.unknown()["subnet_azs"].contains("ec2 was not collected in r"));
    }
}
