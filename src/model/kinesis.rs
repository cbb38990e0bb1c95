//! Kinesis data streams: how long they keep records.

use super::mq::said;
use super::{Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::KinesisStream;
use std::borrow::Cow;

crate::facts! {
    /// Derived facts of a Kinesis data stream.
    pub struct StreamFacts {
        /// How long records stay readable, in hours.
        pub retention_period_hours: Known<i64>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for st in &ctx.snapshot.kinesis.streams {
        out.push(stream(ctx, st));
    }
}

fn stream<'a>(ctx: &Ctx<'a>, st: &'a KinesisStream) -> Resource<'a> {
    let mut f = StreamFacts {
        retention_period_hours: said(
            st.retention_period_hours,
            "DescribeStreamSummary returned no RetentionPeriodHours",
        ),
    };
    // The collector's reason (the failed call) is the better one.
    if let Some(why) = st.unreadable.get("retention_period_hours") {
        f.retention_period_hours = Known::unknown(why);
    }
    let arn = ctx.arn_or(&st.arn, "kinesis", &st.region, "stream", &st.stream_name);
    Resource {
        kind: Kind::KinesisStream,
        id: Cow::Borrowed(&st.stream_name),
        name: Some(Cow::Borrowed(&st.stream_name)),
        arn,
        region: Cow::Borrowed(&st.region),
        source: Some(st),
        unreadable: Some(&st.unreadable),
        facts: Box::new(f),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::tests::find;
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    #[test]
    fn retention_is_known_only_when_the_summary_was_read() {
        let mut s = Snapshot::new("111122223333", vec!["r".into()], "t".into());
        s.kinesis.streams.push(KinesisStream {
            region: "r".into(),
            stream_name: "clicks".into(),
            retention_period_hours: Some(24),
            ..Default::default()
        });
        let mut unread = Unreadable::new();
        unread.insert(
            "retention_period_hours".into(),
            "DescribeStreamSummary failed: AccessDeniedException".into(),
        );
        s.kinesis.streams.push(KinesisStream {
            region: "r".into(),
            stream_name: "orders".into(),
            unreadable: unread,
            ..Default::default()
        });
        let m = Model::build(&s);
        let clicks = find(&m, "kinesis.stream", "clicks");
        assert_eq!(clicks.fields()["retention_period_hours"], json!(24));
        assert_eq!(clicks.arn, "arn:aws:kinesis:r:111122223333:stream/clicks");
        let orders = find(&m, "kinesis.stream", "orders");
        assert_eq!(
            orders.unknown()["retention_period_hours"],
            "DescribeStreamSummary failed: AccessDeniedException"
        );
    }
}
