//! DMS replication instances: judged on their own snapshot fields (Multi-AZ, AZs); there is
//! nothing to derive.

use super::{Ctx, NoFacts, Resource};
use crate::registry::Kind;
use crate::snapshot::DmsReplicationInstance;
use std::borrow::Cow;

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for i in &ctx.snapshot.dms.replication_instances {
        out.push(instance(ctx, i));
    }
}

fn instance<'a>(ctx: &Ctx<'a>, i: &'a DmsReplicationInstance) -> Resource<'a> {
    let id = i.replication_instance_identifier.as_str();
    let arn = if i.arn.is_empty() {
        // DMS ARNs name the instance by an id of their own; the identifier stands in.
        Cow::Owned(format!(
            "arn:{}:dms:{}:{}:rep:{id}",
            ctx.snapshot.partition, i.region, ctx.snapshot.account_id
        ))
    } else {
        Cow::Borrowed(i.arn.as_str())
    };
    Resource {
        kind: Kind::DmsReplicationInstance,
        id: Cow::Borrowed(id),
        name: Some(Cow::Borrowed(id)),
        arn,
        region: Cow::Borrowed(&i.region),
        source: Some(i),
        unreadable: None,
        facts: Box::new(NoFacts),
    }
}
