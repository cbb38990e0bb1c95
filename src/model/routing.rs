//! Where a subnet's traffic goes: the route table a subnet uses (its explicit association,
//! else its VPC's main table), the default route of that table, and the gateways routes point
//! at; and the other way round, which tables route to an endpoint (a Gateway Load Balancer or
//! Network Firewall endpoint) and which subnets use them. Built once per snapshot; the
//! subnet, VPC, route table, endpoint, firewall and load balancer facts read it.

use crate::snapshot::{NatGateway, Route, RouteTable, Snapshot, Subnet};
use std::collections::{BTreeSet, HashMap};

/// NAT gateway states in which it forwards no traffic: a route to it is a blackhole.
const DEAD_NAT_STATES: &[&str] = &["deleting", "deleted", "failed"];

/// Values by (region, id). Nested rather than keyed by a tuple so that a lookup takes any
/// `&str`, not only ones that live as long as the snapshot.
pub(crate) struct Regional<'a, V>(HashMap<&'a str, HashMap<&'a str, V>>);

impl<'a, V> Regional<'a, V> {
    pub fn get(&self, region: &str, id: &str) -> Option<&V> {
        self.0.get(region)?.get(id)
    }

    pub fn entry(
        &mut self,
        region: &'a str,
        id: &'a str,
    ) -> std::collections::hash_map::Entry<'_, &'a str, V> {
        self.0.entry(region).or_default().entry(id)
    }

    pub fn insert(&mut self, region: &'a str, id: &'a str, v: V) {
        self.0.entry(region).or_default().insert(id, v);
    }
}

impl<V> Default for Regional<'_, V> {
    fn default() -> Self {
        Regional(HashMap::new())
    }
}

impl<'a, V> FromIterator<((&'a str, &'a str), V)> for Regional<'a, V> {
    fn from_iter<I: IntoIterator<Item = ((&'a str, &'a str), V)>>(items: I) -> Self {
        let mut out = Regional::default();
        for ((region, id), v) in items {
            out.insert(region, id, v);
        }
        out
    }
}

pub(crate) struct Routing<'a> {
    subnets: Regional<'a, &'a Subnet>,
    /// Subnet id -> the route table explicitly associated with the subnet.
    explicit: Regional<'a, &'a RouteTable>,
    /// VPC id -> the VPC's main route table.
    main: Regional<'a, &'a RouteTable>,
    /// NAT gateway id -> NAT gateway, in whatever state it was listed.
    nat_gateways: Regional<'a, &'a NatGateway>,
    /// Instance id -> instance state, for routes to an instance.
    instance_state: Regional<'a, &'a str>,
    /// Endpoint id (`vpce-*`) -> the routes to it, with their tables.
    to_endpoint: Regional<'a, Vec<(&'a RouteTable, &'a Route)>>,
    /// Route table id -> the subnets that use it (explicitly, or as their VPC's main table).
    users: Regional<'a, Vec<&'a Subnet>>,
    /// (region, VPC id, CIDR block) -> the subnet: where an edge route's destination is.
    by_cidr: HashMap<(&'a str, &'a str, &'a str), &'a Subnet>,
}

/// The route table a subnet uses.
pub(crate) struct SubnetTable<'a> {
    pub table: &'a RouteTable,
    /// True when the subnet has no explicit association and uses the VPC's main table.
    pub main: bool,
}

impl<'a> Routing<'a> {
    pub fn new(s: &'a Snapshot) -> Routing<'a> {
        let mut explicit = Regional::default();
        let mut main = Regional::default();
        for rt in &s.ec2.route_tables {
            for a in &rt.associations {
                if a.main {
                    main.insert(&rt.region, &rt.vpc_id, rt);
                }
                if let Some(subnet) = &a.subnet_id {
                    explicit.insert(&rt.region, subnet, rt);
                }
            }
        }
        let mut to_endpoint: Regional<Vec<(&RouteTable, &Route)>> = Regional::default();
        for rt in &s.ec2.route_tables {
            for r in &rt.routes {
                if let Some(vpce) = r.gateway_id.as_deref().filter(|g| g.starts_with("vpce-")) {
                    to_endpoint
                        .entry(&rt.region, vpce)
                        .or_default()
                        .push((rt, r));
                }
            }
        }
        let mut routing = Routing {
            subnets: s
                .ec2
                .subnets
                .iter()
                .map(|sn| ((sn.region.as_str(), sn.subnet_id.as_str()), sn))
                .collect(),
            explicit,
            main,
            nat_gateways: s
                .ec2
                .nat_gateways
                .iter()
                .map(|n| ((n.region.as_str(), n.nat_gateway_id.as_str()), n))
                .collect(),
            instance_state: s
                .ec2
                .instances
                .iter()
                .map(|i| {
                    (
                        (i.region.as_str(), i.instance_id.as_str()),
                        i.state.as_str(),
                    )
                })
                .collect(),
            to_endpoint,
            users: Regional::default(),
            by_cidr: HashMap::new(),
        };
        // Only tables that route to an endpoint need their users: most snapshots have none.
        if !routing.to_endpoint.0.is_empty() {
            let mut users: Regional<Vec<&Subnet>> = Regional::default();
            for sn in &s.ec2.subnets {
                if let Some(t) = routing.table_of(&sn.region, &sn.vpc_id, &sn.subnet_id) {
                    users
                        .entry(&sn.region, &t.table.route_table_id)
                        .or_default()
                        .push(sn);
                }
                if let Some(cidr) = sn.cidr_block.as_deref() {
                    routing
                        .by_cidr
                        .insert((sn.region.as_str(), sn.vpc_id.as_str(), cidr), sn);
                }
            }
            routing.users = users;
        }
        routing
    }

    /// The routes that send traffic from one AZ to endpoint `endpoint` (`vpce-*`), which
    /// sits in `az`: each route to it in a table used by subnets of other AZs, or, in a table
    /// no subnet uses (the edge table of an internet or virtual private gateway), whose
    /// destination is a subnet of another AZ. One line per route, e.g.
    /// `rtb-0b: 0.0.0.0/0 -> vpce-0a, used by subnet-b1 (eu-west-1b)`, sorted.
    pub fn cross_az_routes(&self, region: &str, endpoint: &str, az: &str) -> Vec<String> {
        let Some(routes) = self.to_endpoint.get(region, endpoint) else {
            return Vec::new();
        };
        let mut out = BTreeSet::new();
        for (table, route) in routes {
            let users = self
                .users
                .get(region, &table.route_table_id)
                .map_or(&[][..], Vec::as_slice);
            // A table no subnet uses and that is no VPC's main table is an edge table (or
            // unused): the AZ its traffic is for is the one of the destination subnet.
            let edge = users.is_empty() && !table.associations.iter().any(|a| a.main);
            let elsewhere: Vec<String> = if edge {
                route
                    .destination_cidr_block
                    .as_deref()
                    .and_then(|d| self.by_cidr.get(&(region, table.vpc_id.as_str(), d)))
                    .filter(|sn| sn.availability_zone != az)
                    .map(|sn| vec![format!("{} ({})", sn.subnet_id, sn.availability_zone)])
                    .unwrap_or_default()
            } else {
                users
                    .iter()
                    .filter(|sn| sn.availability_zone != az)
                    .map(|sn| format!("{} ({})", sn.subnet_id, sn.availability_zone))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect()
            };
            if elsewhere.is_empty() {
                continue;
            }
            let how = if edge { "to" } else { "used by" };
            out.insert(format!(
                "{}: {}, {how} {}",
                table.route_table_id,
                describe(route),
                elsewhere.join(", ")
            ));
        }
        out.into_iter().collect()
    }

    pub fn subnet(&self, region: &str, subnet_id: &str) -> Option<&'a Subnet> {
        self.subnets.get(region, subnet_id).copied()
    }

    /// The table a subnet of `vpc_id` uses: its explicit association, else the VPC's main
    /// table. `None` when neither is in the snapshot.
    pub fn table_of(&self, region: &str, vpc_id: &str, subnet_id: &str) -> Option<SubnetTable<'a>> {
        if let Some(t) = self.explicit.get(region, subnet_id) {
            return Some(SubnetTable {
                table: t,
                main: false,
            });
        }
        self.main.get(region, vpc_id).map(|t| SubnetTable {
            table: t,
            main: true,
        })
    }

    /// A NAT gateway that forwards traffic (not deleting, deleted or failed).
    pub fn live_nat(&self, region: &str, id: &str) -> Option<&'a NatGateway> {
        self.nat_gateways
            .get(region, id)
            .copied()
            .filter(|n| !DEAD_NAT_STATES.contains(&n.state.as_str()))
    }

    /// Why a route drops its traffic, if it does: the API says `blackhole`, or its NAT
    /// gateway or instance is gone (the API reports such routes as `blackhole` too, but a
    /// snapshot may have been taken before it caught up, or from an emulator that never does).
    pub fn dead_route(&self, region: &str, route: &Route) -> Option<String> {
        if route.state.as_deref() == Some("blackhole") {
            return Some("blackhole".to_string());
        }
        if let Some(nat) = &route.nat_gateway_id {
            if let Some(n) = self.nat_gateways.get(region, nat) {
                if DEAD_NAT_STATES.contains(&n.state.as_str()) {
                    return Some(format!("NAT gateway {}", n.state));
                }
            }
        }
        if let Some(i) = &route.instance_id {
            if self.instance_state.get(region, i) == Some(&"terminated") {
                return Some("instance terminated".to_string());
            }
        }
        None
    }
}

/// The IPv4 default route (0.0.0.0/0) of a table.
pub(crate) fn default_route(table: &RouteTable) -> Option<&Route> {
    table
        .routes
        .iter()
        .find(|r| r.destination_cidr_block.as_deref() == Some("0.0.0.0/0"))
}

/// True when the table routes some destination to an internet gateway (a public subnet).
pub(crate) fn has_internet_route(table: &RouteTable) -> bool {
    table.routes.iter().any(|r| {
        r.state.as_deref() != Some("blackhole")
            && r.gateway_id
                .as_deref()
                .is_some_and(|g| g.starts_with("igw-"))
    })
}

/// What a route sends traffic to, whichever field names it.
pub(crate) fn target(route: &Route) -> Option<&str> {
    route
        .nat_gateway_id
        .as_deref()
        .or(route.transit_gateway_id.as_deref())
        .or(route.instance_id.as_deref())
        .or(route.gateway_id.as_deref())
}

/// How a route reads in a message: `0.0.0.0/0 -> nat-0abc`.
pub(crate) fn describe(route: &Route) -> String {
    let dest = route
        .destination_cidr_block
        .as_deref()
        .or(route.destination_ipv6_cidr_block.as_deref())
        .unwrap_or("?");
    format!("{dest} -> {}", target(route).unwrap_or("?"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::RouteTableAssociation;

    fn table(
        id: &str,
        vpc: &str,
        assoc: &[(Option<&str>, bool)],
        routes: Vec<Route>,
    ) -> RouteTable {
        RouteTable {
            region: "r".into(),
            route_table_id: id.into(),
            vpc_id: vpc.into(),
            associations: assoc
                .iter()
                .map(|(s, main)| RouteTableAssociation {
                    subnet_id: s.map(str::to_string),
                    main: *main,
                })
                .collect(),
            routes,
            ..Default::default()
        }
    }

    fn route(dest: &str, nat: Option<&str>, gw: Option<&str>, state: &str) -> Route {
        Route {
            destination_cidr_block: Some(dest.into()),
            nat_gateway_id: nat.map(str::to_string),
            gateway_id: gw.map(str::to_string),
            state: Some(state.into()),
            ..Default::default()
        }
    }

    #[test]
    fn explicit_association_wins_over_the_main_table() {
        let mut s = Snapshot::default();
        s.ec2.route_tables = vec![
            table("rtb-main", "vpc-1", &[(None, true)], vec![]),
            table("rtb-a", "vpc-1", &[(Some("subnet-a"), false)], vec![]),
        ];
        let r = Routing::new(&s);
        let a = r.table_of("r", "vpc-1", "subnet-a").unwrap();
        assert_eq!((a.table.route_table_id.as_str(), a.main), ("rtb-a", false));
        let b = r.table_of("r", "vpc-1", "subnet-b").unwrap();
        assert_eq!(
            (b.table.route_table_id.as_str(), b.main),
            ("rtb-main", true)
        );
        assert!(r.table_of("r", "vpc-2", "subnet-c").is_none());
        assert!(r.table_of("other-region", "vpc-1", "subnet-a").is_none());
    }

    #[test]
    fn dead_routes_by_state_or_by_their_target() {
        let mut s = Snapshot::default();
        for (id, state) in [("nat-ok", "available"), ("nat-gone", "deleted")] {
            s.ec2.nat_gateways.push(NatGateway {
                region: "r".into(),
                nat_gateway_id: id.into(),
                state: state.into(),
                ..Default::default()
            });
        }
        let r = Routing::new(&s);
        let ok = route("0.0.0.0/0", Some("nat-ok"), None, "active");
        let gone = route("0.0.0.0/0", Some("nat-gone"), None, "active");
        let hole = route("10.9.0.0/16", None, Some("vgw-1"), "blackhole");
        let unknown_nat = route("0.0.0.0/0", Some("nat-unlisted"), None, "active");
        assert_eq!(r.dead_route("r", &ok), None);
        assert_eq!(
            r.dead_route("r", &gone).as_deref(),
            Some("NAT gateway deleted")
        );
        assert_eq!(r.dead_route("r", &hole).as_deref(), Some("blackhole"));
        assert_eq!(r.dead_route("r", &unknown_nat), None);
        assert!(r.live_nat("r", "nat-ok").is_some());
        assert!(r.live_nat("r", "nat-gone").is_none());
        assert_eq!(describe(&gone), "0.0.0.0/0 -> nat-gone");
    }

    fn subnet(id: &str, vpc: &str, az: &str, cidr: &str) -> Subnet {
        Subnet {
            region: "r".into(),
            subnet_id: id.into(),
            vpc_id: vpc.into(),
            availability_zone: az.into(),
            cidr_block: Some(cidr.into()),
            ..Default::default()
        }
    }

    #[test]
    fn routes_to_an_endpoint_from_subnets_or_to_subnets_of_other_azs() {
        let mut s = Snapshot::default();
        s.ec2.subnets = vec![
            subnet("subnet-a1", "vpc-1", "ra", "10.0.1.0/24"),
            subnet("subnet-b1", "vpc-1", "rb", "10.0.2.0/24"),
            subnet("subnet-b2", "vpc-1", "rb", "10.0.3.0/24"),
            subnet("subnet-c1", "vpc-1", "rc", "10.0.4.0/24"),
        ];
        let to = |dest: &str, vpce: &str| route(dest, None, Some(vpce), "active");
        s.ec2.route_tables = vec![
            // The main table (subnet-c1 uses it) and subnet-a1's table go through a's endpoint.
            table(
                "rtb-main",
                "vpc-1",
                &[(None, true)],
                vec![to("0.0.0.0/0", "vpce-a")],
            ),
            table(
                "rtb-a",
                "vpc-1",
                &[(Some("subnet-a1"), false)],
                vec![to("0.0.0.0/0", "vpce-a")],
            ),
            // b's subnets use b's endpoint.
            table(
                "rtb-b",
                "vpc-1",
                &[(Some("subnet-b1"), false), (Some("subnet-b2"), false)],
                vec![to("0.0.0.0/0", "vpce-b")],
            ),
            // The internet gateway's edge table sends b's and a's inbound traffic to a.
            table(
                "rtb-igw",
                "vpc-1",
                &[],
                vec![to("10.0.2.0/24", "vpce-a"), to("10.0.1.0/24", "vpce-a")],
            ),
        ];
        let r = Routing::new(&s);
        assert_eq!(
            r.cross_az_routes("r", "vpce-a", "ra"),
            [
                "rtb-igw: 10.0.2.0/24 -> vpce-a, to subnet-b1 (rb)",
                "rtb-main: 0.0.0.0/0 -> vpce-a, used by subnet-c1 (rc)",
            ]
        );
        assert!(r.cross_az_routes("r", "vpce-b", "rb").is_empty());
        // Seen from another AZ, b's subnets cross.
        assert_eq!(
            r.cross_az_routes("r", "vpce-b", "rc"),
            ["rtb-b: 0.0.0.0/0 -> vpce-b, used by subnet-b1 (rb), subnet-b2 (rb)"]
        );
        assert!(r.cross_az_routes("r", "vpce-none", "ra").is_empty());
        assert!(r.cross_az_routes("other", "vpce-a", "ra").is_empty());
    }

    #[test]
    fn internet_route_needs_an_active_igw_route() {
        let public = table(
            "t",
            "v",
            &[],
            vec![route("0.0.0.0/0", None, Some("igw-1"), "active")],
        );
        let dead = table(
            "t",
            "v",
            &[],
            vec![route("0.0.0.0/0", None, Some("igw-1"), "blackhole")],
        );
        let private = table(
            "t",
            "v",
            &[],
            vec![route("0.0.0.0/0", Some("nat-1"), None, "active")],
        );
        assert!(has_internet_route(&public));
        assert!(!has_internet_route(&dead));
        assert!(!has_internet_route(&private));
        assert_eq!(default_route(&private).and_then(target), Some("nat-1"));
    }
}
