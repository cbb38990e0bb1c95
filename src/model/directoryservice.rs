//! AWS Directory Service directories: how many more manual snapshots they can take.

use super::mq::said;
use super::{Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::Directory;
use std::borrow::Cow;

crate::facts! {
    /// Derived facts of a Directory Service directory.
    pub struct DirectoryFacts<'a> {
        /// `SimpleAD`, `MicrosoftAD`, `ADConnector` or `SharedMicrosoftAD`.
        pub directory_type: Known<&'a str>,
        /// Whether the directory takes manual snapshots (Simple AD and AWS Managed Microsoft
        /// AD; an AD Connector has none and a shared directory's belong to its owner).
        pub takes_snapshots: Known<bool>,
        /// Whether the manual snapshot limit is reached.
        pub manual_snapshots_limit_reached: Known<bool>,
        /// How many more manual snapshots it can take (limit less current count).
        pub manual_snapshot_headroom: Known<i64>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for d in &ctx.snapshot.directoryservice.directories {
        out.push(directory(ctx, d));
    }
}

fn directory<'a>(ctx: &Ctx<'a>, d: &'a Directory) -> Resource<'a> {
    let directory_type = said(
        d.directory_type.as_deref(),
        "DescribeDirectories returned no Type",
    );
    let limits_why = d.unreadable.get("manual_snapshots_limit");
    let limit = |v: Option<i64>, what: &str| match limits_why {
        Some(why) => Known::unknown(why),
        None => said(v, &format!("GetSnapshotLimits returned no {what}")),
    };
    let headroom = match (
        limit(d.manual_snapshots_limit, "ManualSnapshotsLimit"),
        limit(
            d.manual_snapshots_current_count,
            "ManualSnapshotsCurrentCount",
        ),
    ) {
        (Known::Is(l), Known::Is(c)) => Known::Is(l - c),
        (Known::Unknown(why), _) | (_, Known::Unknown(why)) => Known::Unknown(why),
    };
    let f = DirectoryFacts {
        takes_snapshots: match directory_type.get() {
            Some(t) => Known::Is(matches!(*t, "SimpleAD" | "MicrosoftAD")),
            None => Known::unknown(directory_type.reason().unwrap_or_default()),
        },
        directory_type,
        manual_snapshots_limit_reached: match limits_why {
            Some(why) => Known::unknown(why),
            None => said(
                d.manual_snapshots_limit_reached,
                "GetSnapshotLimits returned no ManualSnapshotsLimitReached",
            ),
        },
        manual_snapshot_headroom: headroom,
    };
    Resource {
        kind: Kind::Directory,
        id: Cow::Borrowed(&d.directory_id),
        name: d.name.as_deref().map(Cow::Borrowed),
        arn: Cow::Owned(ctx.arn("ds", &d.region, "directory", &d.directory_id)),
        region: Cow::Borrowed(&d.region),
        source: Some(d),
        unreadable: Some(&d.unreadable),
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
    fn headroom_is_the_limit_less_the_snapshots_taken() {
        let mut s = Snapshot::new("111122223333", vec!["r".into()], "t".into());
        s.directoryservice.directories.push(Directory {
            region: "r".into(),
            directory_id: "d-1".into(),
            name: Some("corp.example.com".into()),
            directory_type: Some("MicrosoftAD".into()),
            manual_snapshots_limit: Some(5),
            manual_snapshots_current_count: Some(4),
            manual_snapshots_limit_reached: Some(false),
            ..Default::default()
        });
        s.directoryservice.directories.push(Directory {
            region: "r".into(),
            directory_id: "d-2".into(),
            directory_type: Some("ADConnector".into()),
            ..Default::default()
        });
        let mut unread = Unreadable::new();
        for f in [
            "manual_snapshots_limit",
            "manual_snapshots_current_count",
            "manual_snapshots_limit_reached",
        ] {
            unread.insert(f.into(), "GetSnapshotLimits failed: AccessDeniedException".into());
        }
        s.directoryservice.directories.push(Directory {
            region: "r".into(),
            directory_id: "d-3".into(),
            directory_type: Some("SimpleAD".into()),
            unreadable: unread,
            ..Default::default()
        });
        let m = Model::build(&s);
        let d1 = find(&m, "directoryservice.directory", "d-1");
        assert_eq!(d1.fields()["manual_snapshot_headroom"], json!(1));
        assert_eq!(d1.fields()["takes_snapshots"], json!(true));
        assert_eq!(d1.name.as_deref(), Some("corp.example.com"));
        assert_eq!(d1.arn, "arn:aws:ds:r:111122223333:directory/d-1");
        let d2 = find(&m, "directoryservice.directory", "d-2");
        assert_eq!(d2.fields()["takes_snapshots"], json!(false));
        let d3 = find(&m, "directoryservice.directory", "d-3");
        assert_eq!(
            d3.unknown()["manual_snapshot_headroom"],
            "GetSnapshotLimits failed: AccessDeniedException"
        );
    }
}
