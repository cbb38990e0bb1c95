//! EventBridge global endpoints: whether each replicates its events to the secondary region.

use super::mq::said;
use super::{Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::EventBridgeEndpoint;
use std::borrow::Cow;

crate::facts! {
    /// Derived facts of an EventBridge global endpoint.
    pub struct GlobalEndpointFacts<'a> {
        /// ReplicationConfig.State: `ENABLED` (events sent to the primary region are also
        /// sent to the secondary) or `DISABLED`.
        pub replication_state: Known<&'a str>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for e in &ctx.snapshot.eventbridge.endpoints {
        out.push(endpoint(ctx, e));
    }
}

fn endpoint<'a>(ctx: &Ctx<'a>, e: &'a EventBridgeEndpoint) -> Resource<'a> {
    let arn = ctx.arn_or(&e.arn, "events", &e.region, "endpoint", &e.name);
    Resource {
        kind: Kind::GlobalEndpoint,
        id: Cow::Borrowed(&e.name),
        name: Some(Cow::Borrowed(&e.name)),
        arn,
        region: Cow::Borrowed(&e.region),
        source: Some(e),
        unreadable: None,
        facts: Box::new(GlobalEndpointFacts {
            // The API documents ENABLED as the default of a request that leaves it out; an
            // answer without it says nothing, and is not taken for enabled.
            replication_state: said(
                e.replication_state.as_deref(),
                "ListEndpoints returned no ReplicationConfig.State",
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::tests::find;
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    #[test]
    fn replication_state_is_known_only_when_listed() {
        let mut s = Snapshot::new("111122223333", vec!["r".into()], "t".into());
        for (name, state) in [("orders", Some("DISABLED")), ("bare", None)] {
            s.eventbridge.endpoints.push(EventBridgeEndpoint {
                region: "r".into(),
                name: name.into(),
                replication_state: state.map(str::to_string),
                ..Default::default()
            });
        }
        let m = Model::build(&s);
        let orders = find(&m, "eventbridge.endpoint", "orders");
        assert_eq!(orders.fields()["replication_state"], json!("DISABLED"));
        assert_eq!(orders.arn, "arn:aws:events:r:111122223333:endpoint/orders");
        assert_eq!(
            find(&m, "eventbridge.endpoint", "bare").unknown()["replication_state"],
            "ListEndpoints returned no ReplicationConfig.State"
        );
    }
}
