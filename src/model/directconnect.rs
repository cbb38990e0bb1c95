//! Direct Connect: connections, virtual interfaces with the paths their gateway has, and each
//! region's connections as a whole.

use super::{distinct, name_tag, Always, Ctx, Known, Resource};
use crate::registry::{Kind, Service};
use crate::snapshot::{DxConnection, DxVirtualInterface};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

crate::facts! {
    /// Derived facts of a Direct Connect connection.
    pub struct ConnectionFacts<'a> {
        /// The virtual interfaces that run on it.
        pub virtual_interfaces: Known<Vec<&'a str>>,
    }
}

crate::facts! {
    /// Derived facts of a Direct Connect virtual interface: the paths to its gateway.
    pub struct VirtualInterfaceFacts<'a> {
        /// The virtual private gateway or Direct Connect gateway it reaches (null for a public
        /// virtual interface).
        pub gateway_id: Always<Option<&'a str>>,
        /// The virtual interfaces that reach that gateway (itself included): those of the
        /// region for a virtual private gateway, those of every scanned region for a Direct
        /// Connect gateway, which is global.
        pub gateway_virtual_interfaces: Known<Vec<&'a str>>,
        /// The connections (or link aggregation groups) those virtual interfaces run on.
        pub gateway_connections: Known<Vec<&'a str>>,
        /// The Direct Connect locations of those virtual interfaces.
        pub gateway_locations: Known<Vec<&'a str>>,
        /// Its BGP peers whose session is down, as `address (peer id)`.
        pub bgp_peers_down: Always<Vec<String>>,
    }
}

crate::facts! {
    /// Facts of one region's Direct Connect connections.
    pub struct RegionFacts<'a> {
        /// How many connections the region has (not being deleted, deleted or rejected).
        pub connection_count: Known<usize>,
        /// Their ids.
        pub connections: Known<Vec<&'a str>>,
        /// The distinct Direct Connect locations they end at.
        pub locations: Known<Vec<&'a str>>,
    }
}

/// States of a connection or virtual interface that no longer carries, nor will carry,
/// traffic (DescribeConnections lists deleted connections for a while).
const GONE: &[&str] = &["deleting", "deleted", "rejected"];

fn live(state: Option<&str>) -> bool {
    !state.is_some_and(|s| GONE.contains(&s))
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    let s = ctx.snapshot;
    let connections: Vec<&DxConnection> = s
        .directconnect
        .connections
        .iter()
        .filter(|c| live(c.connection_state.as_deref()))
        .collect();
    let interfaces: Vec<&DxVirtualInterface> = s
        .directconnect
        .virtual_interfaces
        .iter()
        .filter(|v| live(v.virtual_interface_state.as_deref()))
        .collect();
    let by_id: HashMap<(&str, &str), &DxConnection> = connections
        .iter()
        .map(|c| ((c.region.as_str(), c.connection_id.as_str()), *c))
        .collect();
    let mut on_connection: HashMap<(&str, &str), Vec<&str>> = HashMap::new();
    for &v in &interfaces {
        if let Some(c) = &v.connection_id {
            on_connection
                .entry((v.region.as_str(), c.as_str()))
                .or_default()
                .push(&v.virtual_interface_id);
        }
    }
    for &c in &connections {
        out.push(connection(ctx, c, &on_connection));
    }
    let mut by_gateway: HashMap<GatewayKey, Vec<&DxVirtualInterface>> = HashMap::new();
    for &v in &interfaces {
        if let Some(key) = gateway_key(v) {
            by_gateway.entry(key).or_default().push(v);
        }
    }
    // A Direct Connect gateway is global: its virtual interfaces may be in any region, so
    // one region whose virtual interfaces are not all known leaves every one's paths unknown.
    let global_gap = dx_gateway_gap(ctx);
    for &v in &interfaces {
        out.push(virtual_interface(
            ctx,
            v,
            &by_gateway,
            &by_id,
            global_gap.as_deref(),
        ));
    }
    regions(ctx, &connections, out);
}

/// A gateway: (region, virtual private gateway), or ("", Direct Connect gateway).
type GatewayKey<'a> = (&'a str, &'a str);

fn gateway_key(v: &DxVirtualInterface) -> Option<GatewayKey<'_>> {
    if let Some(vgw) = &v.virtual_gateway_id {
        return Some((v.region.as_str(), vgw.as_str()));
    }
    v.direct_connect_gateway_id.as_deref().map(|g| ("", g))
}

/// Why Direct Connect gateways' virtual interfaces are not all known, if they are not: a
/// scanned region whose virtual interfaces were not (all) listed.
fn dx_gateway_gap(ctx: &Ctx<'_>) -> Option<String> {
    ctx.snapshot.regions.iter().find_map(|r| {
        ctx.incomplete(Kind::DxVirtualInterface, r)
            .or_else(|| not_read(ctx, r))
    })
}

/// Why Direct Connect was not read in `region` at all, if it was not.
fn not_read(ctx: &Ctx<'_>, region: &str) -> Option<String> {
    let read = ctx
        .snapshot
        .coverage
        .iter()
        .any(|c| c.service == Service::directconnect.key() && c.region == region);
    (!read).then(|| {
        format!("directconnect was not collected in {region}, so what it would show is unknown")
    })
}

fn connection<'a>(
    ctx: &Ctx<'a>,
    c: &'a DxConnection,
    on_connection: &HashMap<(&str, &str), Vec<&'a str>>,
) -> Resource<'a> {
    let region = c.region.as_str();
    let mut f = ConnectionFacts {
        virtual_interfaces: Known::Is(distinct(
            on_connection
                .get(&(region, c.connection_id.as_str()))
                .into_iter()
                .flatten()
                .copied(),
        )),
    };
    crate::unknown_if!(ctx.incomplete(Kind::DxVirtualInterface, region) => f.virtual_interfaces);
    Resource {
        kind: Kind::DxConnection,
        id: Cow::Borrowed(&c.connection_id),
        name: name_tag(&c.tags).or(c.connection_name.as_deref().map(Cow::Borrowed)),
        arn: Cow::Owned(ctx.arn("directconnect", region, "dxcon", &c.connection_id)),
        region: Cow::Borrowed(region),
        source: Some(c),
        unreadable: None,
        facts: Box::new(f),
    }
}

fn virtual_interface<'a>(
    ctx: &Ctx<'a>,
    v: &'a DxVirtualInterface,
    by_gateway: &HashMap<GatewayKey<'a>, Vec<&'a DxVirtualInterface>>,
    connections: &HashMap<(&str, &str), &'a DxConnection>,
    global_gap: Option<&str>,
) -> Resource<'a> {
    let region = v.region.as_str();
    let key = gateway_key(v);
    let peers = key
        .and_then(|k| by_gateway.get(&k))
        .map_or(&[][..], Vec::as_slice);
    let mut locations = BTreeSet::new();
    let mut unlocated = None;
    for p in peers {
        let at = p.location.as_deref().or_else(|| {
            let c = p.connection_id.as_deref()?;
            connections
                .get(&(p.region.as_str(), c))?
                .location
                .as_deref()
        });
        match at {
            Some(l) => {
                locations.insert(l);
            }
            None => unlocated = Some(p.virtual_interface_id.as_str()),
        }
    }
    let mut f = VirtualInterfaceFacts {
        gateway_id: Always(key.map(|(_, g)| g)),
        gateway_virtual_interfaces: Known::Is(distinct(
            peers.iter().map(|p| p.virtual_interface_id.as_str()),
        )),
        gateway_connections: Known::Is(distinct(
            peers.iter().filter_map(|p| p.connection_id.as_deref()),
        )),
        gateway_locations: Known::Is(locations.into_iter().collect()),
        bgp_peers_down: Always(
            v.bgp_peers
                .iter()
                .filter(|p| p.bgp_status.as_deref() == Some("down"))
                .map(|p| {
                    format!(
                        "{} ({})",
                        p.customer_address.as_deref().unwrap_or("no address"),
                        p.bgp_peer_id.as_deref().unwrap_or("no id")
                    )
                })
                .collect(),
        ),
    };
    if let Some(id) = unlocated {
        crate::unknown_if!(Some(format!(
            "virtual interface {id} names no location, and its connection is not listed"
        )) => f.gateway_locations);
    }
    let gap = match key {
        Some(("", _)) => global_gap.map(str::to_string),
        Some(_) => ctx.incomplete(Kind::DxVirtualInterface, region),
        None => None,
    };
    crate::unknown_if!(gap =>
        f.gateway_virtual_interfaces, f.gateway_connections, f.gateway_locations);
    Resource {
        kind: Kind::DxVirtualInterface,
        id: Cow::Borrowed(&v.virtual_interface_id),
        name: name_tag(&v.tags).or(v.virtual_interface_name.as_deref().map(Cow::Borrowed)),
        arn: Cow::Owned(ctx.arn("directconnect", region, "dxvif", &v.virtual_interface_id)),
        region: Cow::Borrowed(region),
        source: Some(v),
        unreadable: None,
        facts: Box::new(f),
    }
}

/// One `directconnect.region` per region where Direct Connect was read (or that has
/// connections): its connections as a whole.
fn regions<'a>(ctx: &Ctx<'a>, connections: &[&'a DxConnection], out: &mut Vec<Resource<'a>>) {
    let s = ctx.snapshot;
    let mut by_region: BTreeMap<&str, Vec<&DxConnection>> = s
        .coverage
        .iter()
        .filter(|c| c.service == Service::directconnect.key())
        .map(|c| (c.region.as_str(), Vec::new()))
        .collect();
    for &c in connections {
        by_region.entry(&c.region).or_default().push(c);
    }
    for (region, conns) in by_region {
        let mut f = RegionFacts {
            connection_count: Known::Is(conns.len()),
            connections: Known::Is(distinct(conns.iter().map(|c| c.connection_id.as_str()))),
            locations: Known::Is(distinct(conns.iter().filter_map(|c| c.location.as_deref()))),
        };
        if let Some(c) = conns.iter().find(|c| c.location.is_none()) {
            f.locations = Known::unknown(format!(
                "connection {} has no location in the snapshot",
                c.connection_id
            ));
        }
        let gap = ctx
            .incomplete(Kind::DxConnection, region)
            .or_else(|| not_read(ctx, region));
        crate::unknown_if!(gap => f.connection_count, f.connections, f.locations);
        out.push(Resource {
            kind: Kind::DxRegion,
            id: Cow::Borrowed(region),
            name: Some(Cow::Borrowed(region)),
            arn: Cow::Owned(ctx.arn("directconnect", region, "region", region)),
            region: Cow::Borrowed(region),
            source: None,
            unreadable: None,
            facts: Box::new(f),
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::model::tests::{coverage_error, find};
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    const E: &str = "us-east-1";
    const W: &str = "us-west-2";

    fn connection(region: &str, id: &str, location: &str, state: &str) -> DxConnection {
        DxConnection {
            region: region.into(),
            connection_id: id.into(),
            connection_state: Some(state.into()),
            location: Some(location.into()),
            ..Default::default()
        }
    }

    fn vif(
        region: &str,
        id: &str,
        connection: &str,
        vgw: Option<&str>,
        dxgw: Option<&str>,
    ) -> DxVirtualInterface {
        DxVirtualInterface {
            region: region.into(),
            virtual_interface_id: id.into(),
            virtual_interface_state: Some("available".into()),
            connection_id: Some(connection.into()),
            virtual_gateway_id: vgw.map(str::to_string),
            direct_connect_gateway_id: dxgw.map(str::to_string),
            ..Default::default()
        }
    }

    fn snapshot() -> Snapshot {
        let mut s = Snapshot::new("111122223333", vec![E.into(), W.into()], "t".into());
        for region in [E, W] {
            s.coverage.push(Coverage {
                service: "directconnect".into(),
                region: region.into(),
                errors: vec![],
            });
        }
        s.directconnect.connections = vec![
            connection(E, "dxcon-e1", "EqDC2", "available"),
            connection(E, "dxcon-e2", "EqDC2", "down"),
            connection(E, "dxcon-e3", "CSVA1", "deleted"),
            connection(W, "dxcon-w1", "EqSE2", "available"),
        ];
        let mut down = vif(E, "dxvif-e2", "dxcon-e2", Some("vgw-1"), None);
        down.bgp_peers = vec![
            DxBgpPeer {
                bgp_peer_id: Some("dxpeer-1".into()),
                customer_address: Some("169.254.0.2/30".into()),
                bgp_status: Some("down".into()),
                ..Default::default()
            },
            DxBgpPeer {
                bgp_peer_id: Some("dxpeer-2".into()),
                bgp_status: Some("up".into()),
                ..Default::default()
            },
        ];
        s.directconnect.virtual_interfaces = vec![
            // vgw-1: two connections, one location.
            vif(E, "dxvif-e1", "dxcon-e1", Some("vgw-1"), None),
            down,
            // dxgw-1: one virtual interface per region.
            vif(E, "dxvif-e3", "dxcon-e1", None, Some("dxgw-1")),
            vif(W, "dxvif-w1", "dxcon-w1", None, Some("dxgw-1")),
            // A public virtual interface reaches no gateway.
            vif(W, "dxvif-w2", "dxcon-w1", None, None),
        ];
        s
    }

    #[test]
    fn gateways_paths_bgp_and_the_regions_connections() {
        let s = snapshot();
        let m = Model::build(&s);
        let e1 = find(&m, "directconnect.virtual_interface", "dxvif-e1").fields();
        assert_eq!(e1["gateway_id"], json!("vgw-1"));
        assert_eq!(
            e1["gateway_virtual_interfaces"],
            json!(["dxvif-e1", "dxvif-e2"])
        );
        assert_eq!(e1["gateway_connections"], json!(["dxcon-e1", "dxcon-e2"]));
        assert_eq!(e1["gateway_locations"], json!(["EqDC2"]));
        assert_eq!(e1["bgp_peers_down"], json!([]));
        let e2 = find(&m, "directconnect.virtual_interface", "dxvif-e2").fields();
        assert_eq!(e2["bgp_peers_down"], json!(["169.254.0.2/30 (dxpeer-1)"]));
        let w1 = find(&m, "directconnect.virtual_interface", "dxvif-w1").fields();
        assert_eq!(w1["gateway_connections"], json!(["dxcon-e1", "dxcon-w1"]));
        assert_eq!(w1["gateway_locations"], json!(["EqDC2", "EqSE2"]));
        let w2 = find(&m, "directconnect.virtual_interface", "dxvif-w2").fields();
        assert_eq!(w2["gateway_id"], json!(null));
        assert_eq!(w2["gateway_connections"], json!([]));

        let east = find(&m, "directconnect.region", E).fields();
        assert_eq!(
            east["connection_count"],
            json!(2),
            "the deleted one is gone"
        );
        assert_eq!(east["locations"], json!(["EqDC2"]));
        let c = find(&m, "directconnect.connection", "dxcon-e1").fields();
        assert_eq!(c["virtual_interfaces"], json!(["dxvif-e1", "dxvif-e3"]));
        assert_eq!(
            c["arn"],
            json!("arn:aws:directconnect:us-east-1:111122223333:dxcon/dxcon-e1")
        );
        assert!(m
            .of_kind(crate::registry::Kind::DxConnection)
            .all(|r| r.id != "dxcon-e3"));
    }

    #[test]
    fn a_region_whose_virtual_interfaces_failed_leaves_global_gateways_unknown() {
        let mut s = snapshot();
        s.coverage[1] = coverage_error(
            "directconnect",
            W,
            "DescribeVirtualInterfaces",
            &["directconnect.virtual_interface"],
        );
        s.directconnect.virtual_interfaces.retain(|v| v.region != W);
        let m = Model::build(&s);
        let e3 = find(&m, "directconnect.virtual_interface", "dxvif-e3").unknown();
        assert!(
            e3["gateway_connections"]
                .contains("directconnect.virtual_interface could not be listed in us-west-2"),
            "{e3:?}"
        );
        // A virtual private gateway is regional: us-east-1's listing is complete.
        let e1 = find(&m, "directconnect.virtual_interface", "dxvif-e1").unknown();
        assert!(e1.is_empty(), "{e1:?}");
        // The region's connections were listed.
        assert!(find(&m, "directconnect.region", W).unknown().is_empty());
        let w = find(&m, "directconnect.connection", "dxcon-w1").unknown();
        assert!(
            w["virtual_interfaces"].contains("could not be listed"),
            "{w:?}"
        );
    }
}
