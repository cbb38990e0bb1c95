//! Lightsail instances and managed databases: automatic snapshots and backups, and whether a
//! database runs with a standby in a second AZ.

use super::{Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::{LightsailDatabase, LightsailInstance};
use std::borrow::Cow;

crate::facts! {
    /// Derived facts of a Lightsail instance.
    pub struct InstanceFacts {
        /// Whether its `AutoSnapshot` add-on is `Enabled` (daily automatic snapshots).
        pub auto_snapshot: Known<bool>,
    }
}

crate::facts! {
    /// Derived facts of a Lightsail managed database.
    pub struct DatabaseFacts {
        /// Whether it runs on a high-availability plan, with a standby in a second AZ.
        pub high_availability: Known<bool>,
        /// Whether Lightsail keeps its automatic daily backups (`backupRetentionEnabled`).
        pub automatic_backups: Known<bool>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for i in &ctx.snapshot.lightsail.instances {
        out.push(instance(ctx, i));
    }
    for d in &ctx.snapshot.lightsail.databases {
        out.push(database(ctx, d));
    }
}

fn instance<'a>(ctx: &Ctx<'a>, i: &'a LightsailInstance) -> Resource<'a> {
    let mut f = InstanceFacts {
        auto_snapshot: Known::Is(i.auto_snapshot_status.as_deref() == Some("Enabled")),
    };
    if let Some(why) = i.unreadable.get("auto_snapshot_status") {
        f.auto_snapshot = Known::unknown(why);
    }
    Resource {
        kind: Kind::LightsailInstance,
        id: Cow::Borrowed(&i.name),
        name: Some(Cow::Borrowed(&i.name)),
        // Lightsail ARNs end in a generated id, not the name: one is built only for snapshots
        // that carry none.
        arn: ctx.arn_or(&i.arn, "lightsail", &i.region, "Instance", &i.name),
        region: Cow::Borrowed(&i.region),
        source: Some(i),
        unreadable: Some(&i.unreadable),
        facts: Box::new(f),
    }
}

/// A standby AZ makes it highly available; a high-availability plan (`_ha_` in the bundle id)
/// without one is still being set up or was not fully returned.
fn high_availability(d: &LightsailDatabase) -> Known<bool> {
    match (&d.secondary_availability_zone, d.bundle_id.as_deref()) {
        (Some(_), _) => Known::Is(true),
        (None, Some(b)) if b.contains("_ha_") => Known::unknown(format!(
            "bundle {b} is a high-availability plan, but GetRelationalDatabases returned no \
             secondaryAvailabilityZone"
        )),
        (None, Some(_)) => Known::Is(false),
        (None, None) => Known::unknown(
            "GetRelationalDatabases returned neither a bundle id nor a secondaryAvailabilityZone",
        ),
    }
}

fn database<'a>(ctx: &Ctx<'a>, d: &'a LightsailDatabase) -> Resource<'a> {
    let f = DatabaseFacts {
        high_availability: high_availability(d),
        automatic_backups: match d.backup_retention_enabled {
            Some(on) => Known::Is(on),
            None => Known::unknown("GetRelationalDatabases returned no backupRetentionEnabled"),
        },
    };
    Resource {
        kind: Kind::LightsailDatabase,
        id: Cow::Borrowed(&d.name),
        name: Some(Cow::Borrowed(&d.name)),
        arn: ctx.arn_or(&d.arn, "lightsail", &d.region, "RelationalDatabase", &d.name),
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
    fn snapshots_standby_and_backups() {
        let mut s = Snapshot::new("111122223333", vec!["r".into()], "t".into());
        for (name, status) in [("on", Some("Enabled")), ("off", Some("Disabled")), ("none", None)] {
            s.lightsail.instances.push(LightsailInstance {
                region: "r".into(),
                name: name.into(),
                auto_snapshot_status: status.map(str::to_string),
                ..Default::default()
            });
        }
        for (name, bundle, standby, backups) in [
            ("ha", Some("micro_ha_2_0"), Some("ra"), Some(true)),
            ("standard", Some("micro_2_0"), None, Some(false)),
            ("creating", Some("micro_ha_2_0"), None, None),
            ("bare", None, None, None),
        ] {
            s.lightsail.databases.push(LightsailDatabase {
                region: "r".into(),
                name: name.into(),
                bundle_id: bundle.map(str::to_string),
                secondary_availability_zone: standby.map(str::to_string),
                backup_retention_enabled: backups,
                ..Default::default()
            });
        }
        let m = Model::build(&s);
        let snap = |n: &str| find(&m, "lightsail.instance", n).fields()["auto_snapshot"].clone();
        assert_eq!((snap("on"), snap("off"), snap("none")), (json!(true), json!(false), json!(false)));
        assert_eq!(
            find(&m, "lightsail.instance", "on").arn,
            "arn:aws:lightsail:r:111122223333:Instance/on"
        );
        let db = |n: &str| find(&m, "lightsail.database", n);
        assert_eq!(db("ha").fields()["high_availability"], json!(true));
        assert_eq!(db("ha").fields()["automatic_backups"], json!(true));
        assert_eq!(db("standard").fields()["high_availability"], json!(false));
        assert_eq!(db("standard").fields()["automatic_backups"], json!(false));
        assert!(db("creating").unknown()["high_availability"].contains("micro_ha_2_0"));
        assert!(db("creating").unknown()["automatic_backups"].contains("backupRetentionEnabled"));
        assert!(db("bare").unknown()["high_availability"].contains("neither a bundle id"));
    }
}
