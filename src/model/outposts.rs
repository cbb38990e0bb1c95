//! AWS Outposts: on how many racks a rack Outpost's assets sit. A server Outpost is no rack.

use super::mq::said;
use super::{Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::Outpost;
use std::borrow::Cow;
use std::collections::BTreeSet;

crate::facts! {
    /// Derived facts of an Outpost.
    pub struct OutpostFacts<'a> {
        /// `RACK` or `SERVER`.
        pub hardware_type: Known<&'a str>,
        /// `ACTIVE`, `PENDING`, `RETIRED` ...
        pub status: Known<&'a str>,
        /// The racks its assets are installed in.
        pub rack_ids: Known<Vec<&'a str>>,
        /// How many racks those are.
        pub rack_count: Known<usize>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for o in &ctx.snapshot.outposts.outposts {
        out.push(outpost(ctx, o));
    }
}

fn outpost<'a>(ctx: &Ctx<'a>, o: &'a Outpost) -> Resource<'a> {
    let racks: BTreeSet<&str> = o.assets.iter().filter_map(|a| a.rack_id.as_deref()).collect();
    let mut f = OutpostFacts {
        // Outposts from before servers existed are racks, but the listing says so for all.
        hardware_type: said(
            o.supported_hardware_type.as_deref(),
            "ListOutposts returned no SupportedHardwareType",
        ),
        status: said(
            o.life_cycle_status.as_deref(),
            "ListOutposts returned no LifeCycleStatus",
        ),
        rack_count: Known::Is(racks.len()),
        rack_ids: Known::Is(racks.into_iter().collect()),
    };
    // An asset without a rack could be on any rack.
    let rackless = o
        .assets
        .iter()
        .find(|a| a.rack_id.is_none())
        .map(|a| format!("asset {} has no RackId", a.asset_id));
    crate::unknown_if!(rackless => f.rack_ids, f.rack_count);
    if let Some(why) = o.unreadable.get("assets") {
        crate::unknown_if!(Some(why.as_str()) => f.rack_ids, f.rack_count);
    }
    let arn = ctx.arn_or(&o.outpost_arn, "outposts", &o.region, "outpost", &o.outpost_id);
    Resource {
        kind: Kind::Outpost,
        id: Cow::Borrowed(&o.outpost_id),
        name: Some(Cow::Borrowed(o.name.as_deref().unwrap_or(&o.outpost_id))),
        arn,
        region: Cow::Borrowed(&o.region),
        source: Some(o),
        unreadable: Some(&o.unreadable),
        facts: Box::new(f),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::tests::find;
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::{json, Value};

    fn asset(id: &str, rack: Option<&str>) -> OutpostAsset {
        OutpostAsset {
            asset_id: id.into(),
            rack_id: rack.map(str::to_string),
            asset_type: Some("COMPUTE".into()),
        }
    }

    fn facts(m: &Model, id: &str) -> Vec<Value> {
        let o = find(m, "outposts.outpost", id);
        let (fields, unknown) = (o.fields(), o.unknown());
        ["rack_ids", "rack_count"]
            .iter()
            .map(|n| match unknown.get(*n) {
                Some(why) => json!(format!("unknown: {why}")),
                None => fields[*n].clone(),
            })
            .collect()
    }

    #[test]
    fn racks_are_counted_from_the_assets_and_unknown_when_they_cannot_be() {
        let mut s = Snapshot::new("111122223333", vec!["r".into()], "t".into());
        let mut add = |id: &str, assets: Vec<OutpostAsset>| {
            s.outposts.outposts.push(Outpost {
                region: "r".into(),
                outpost_id: id.into(),
                supported_hardware_type: Some("RACK".into()),
                life_cycle_status: Some("ACTIVE".into()),
                assets,
                ..Default::default()
            });
        };
        add(
            "op-two",
            vec![
                asset("a1", Some("fr-1")),
                asset("a2", Some("fr-2")),
                asset("a3", Some("fr-1")),
            ],
        );
        add("op-one", vec![asset("a1", Some("fr-1")), asset("a2", Some("fr-1"))]);
        add("op-lost", vec![asset("a1", Some("fr-1")), asset("a2", None)]);
        add("op-denied", Vec::new());
        s.outposts.outposts[3].unreadable.insert(
            "assets".into(),
            "ListAssets failed: AccessDeniedException: denied".into(),
        );
        let m = Model::build(&s);
        assert_eq!(facts(&m, "op-two"), [json!(["fr-1", "fr-2"]), json!(2)]);
        assert_eq!(facts(&m, "op-one"), [json!(["fr-1"]), json!(1)]);
        let why = json!("unknown: asset a2 has no RackId");
        assert_eq!(facts(&m, "op-lost"), [why.clone(), why]);
        let why = json!("unknown: ListAssets failed: AccessDeniedException: denied");
        assert_eq!(facts(&m, "op-denied"), [why.clone(), why]);
        assert_eq!(
            find(&m, "outposts.outpost", "op-one").arn,
            "arn:aws:outposts:r:111122223333:outpost/op-one"
        );
    }
}
