//! VPCs, subnets, NAT gateways and routing.

use super::reader::*;
use super::*;

impl<'a, 'p> Builder<'a, 'p> {
    pub(super) fn subnet(&mut self, i: &Inst<'p>, subnet_az: &mut SubnetAz) {
        let region = self.region(i);
        let mut r = Reader::new(self.plan, i, self.view);
        let vpc_id = r.link("vpc_id", "vpc_id").flatten().unwrap_or_default();
        let az = r.decided("availability_zone", "availability_zone");
        let availability_zone_id = r.string("availability_zone_id", "availability_zone_id");
        r.out.unknown.remove("availability_zone_id");
        let cidr_block = r.string("cidr_block", "cidr_block");
        let map_public_ip_on_launch = r.bool("map_public_ip_on_launch", "map_public_ip_on_launch");
        r.mark("available_ip_address_count", RUNTIME.into());
        subnet_az.insert(i.address.clone(), az.clone());
        self.snap.ec2.subnets.push(Subnet {
            region: region.clone(),
            subnet_id: i.address.clone(),
            vpc_id,
            availability_zone: az.unwrap_or_default(),
            availability_zone_id,
            cidr_block,
            available_ip_address_count: None,
            map_public_ip_on_launch,
            default_for_az: false,
            tags: tags(i.after),
        });
        let out = r.finish();
        self.entry(i, "ec2.subnet", &region, out);
    }

    pub(super) fn vpc(&mut self, i: &Inst<'p>) {
        let region = self.region(i);
        let mut r = Reader::new(self.plan, i, self.view);
        let cidr_block = r.string("cidr_block", "cidr_block");
        self.snap.ec2.vpcs.push(Vpc {
            region: region.clone(),
            vpc_id: i.address.clone(),
            cidr_block,
            is_default: false,
            state: Some("available".into()),
            tags: tags(i.after),
        });
        // A plan holds one configuration, not the account: other regions' VPCs are not in it.
        let out = r.finish();
        self.entry(i, "ec2.vpc", &region, out);
    }

    pub(super) fn nat(
        &mut self,
        i: &Inst<'p>,
        subnet_az: &SubnetAz,
        nat_subnet: &mut HashMap<String, Option<String>>,
    ) {
        let region = self.region(i);
        let mut r = Reader::new(self.plan, i, self.view);
        let subnet = r.link("subnet_id", "subnet_id").flatten();
        let connectivity_type = r.string("connectivity_type", "connectivity_type");
        let availability_mode = match r.get("availability_mode") {
            Got::Known(Value::String(s)) => Some(s.clone()),
            _ => None,
        };
        match subnet.as_ref().map(|s| subnet_az.get(s)) {
            Some(Some(Ok(_))) => {}
            Some(Some(Err(why))) => r.mark("availability_zone", why.clone()),
            Some(None) => r.mark(
                "availability_zone",
                format!(
                    "its subnet {} is not in the plan",
                    subnet.clone().unwrap_or_default()
                ),
            ),
            None => {
                let why = r.after_apply("subnet_id");
                r.mark("availability_zone", why);
            }
        }
        r.mark("health_alarms", RUNTIME.into());
        r.mark("health_alarms_silent", RUNTIME.into());
        let vpc_id = subnet
            .as_ref()
            .and_then(|s| self.snap.ec2.subnets.iter().find(|x| &x.subnet_id == s))
            .map(|s| s.vpc_id.clone())
            .filter(|v| !v.is_empty());
        nat_subnet.insert(i.address.clone(), subnet.clone());
        self.snap.ec2.nat_gateways.push(NatGateway {
            region: region.clone(),
            nat_gateway_id: i.address.clone(),
            vpc_id,
            subnet_id: subnet,
            state: "available".into(),
            connectivity_type,
            availability_mode,
            tags: tags(i.after),
        });
        let out = r.finish();
        self.entry(i, "ec2.nat_gateway", &region, out);
    }

    /// Route tables with their inline routes, `aws_route`s and associations; then which
    /// subnets' routing the plan cannot tell.
    pub(super) fn routing(
        &mut self,
        instances: &[&Inst<'p>],
        subnet_az: &SubnetAz,
        nat_subnet: &HashMap<String, Option<String>>,
    ) {
        let mut tables: Vec<(usize, Out, String)> = Vec::new();
        // Why a table's routes, or a subnet's table, are unknown.
        let mut table_unknown: HashMap<String, String> = HashMap::new();
        let mut subnet_unknown: HashMap<String, String> = HashMap::new();
        let mut all_unknown: Option<String> = None;
        for i in instances.iter().filter(|i| i.rtype == "aws_route_table") {
            let region = self.region(i);
            let mut r = Reader::new(self.plan, i, self.view);
            let vpc_id = r.link("vpc_id", "vpc_id").flatten().unwrap_or_default();
            let mut routes = Vec::new();
            // Inline routes are known one by one: a route's target may be unknown alone.
            let inline = r.values.get("route").filter(|v| v.is_array());
            match inline.map_or_else(|| r.get("route"), Got::Known) {
                Got::Known(Value::Array(rs)) => {
                    let unknown_routes = r.unknown_tree.get("route");
                    for (k, rv) in rs.iter().enumerate() {
                        let unknown_here = unknown_routes.and_then(|u| u.get(k));
                        let mut route = inline_route(&r, rv);
                        for (attr, slot) in [
                            ("nat_gateway_id", 0),
                            ("gateway_id", 1),
                            ("transit_gateway_id", 2),
                        ] {
                            let is_unknown =
                                unknown_here.and_then(|u| u.get(attr)).is_some_and(any_true);
                            if !is_unknown {
                                continue;
                            }
                            let cidr = rv.get("cidr_block").cloned().unwrap_or(Value::Null);
                            match self.plan.resolve_nested(
                                i,
                                "route",
                                attr,
                                Some(("cidr_block", &cidr)),
                            ) {
                                Ok(t) => {
                                    let v = r.targets(t).into_iter().next();
                                    match slot {
                                        0 => route.nat_gateway_id = v,
                                        1 => route.gateway_id = v,
                                        _ => route.transit_gateway_id = v,
                                    }
                                }
                                Err(why) => {
                                    table_unknown.insert(
                                        i.address.clone(),
                                        format!(
                                            "{}; {why}",
                                            r.after_apply(&format!("route.{attr}"))
                                        ),
                                    );
                                }
                            }
                        }
                        routes.push(route);
                    }
                }
                Got::Unknown => {
                    table_unknown.insert(i.address.clone(), r.after_apply("route"));
                }
                _ => {}
            }
            self.snap.ec2.route_tables.push(RouteTable {
                region: region.clone(),
                route_table_id: i.address.clone(),
                vpc_id,
                associations: Vec::new(),
                routes,
                tags: tags(i.after),
            });
            tables.push((self.snap.ec2.route_tables.len() - 1, r.finish(), region));
        }
        // The first table of each id (no table is added from here on).
        let mut positions: HashMap<String, usize> = HashMap::new();
        for (n, t) in self.snap.ec2.route_tables.iter().enumerate() {
            positions.entry(t.route_table_id.clone()).or_insert(n);
        }
        let table_index = |_: &Snapshot, id: &str| positions.get(id).copied();
        for i in instances.iter().filter(|i| i.rtype == "aws_route") {
            let mut r = Reader::new(self.plan, i, self.view);
            let table = r.link("route_table_id", "route_table_id").flatten();
            let route = Route {
                destination_cidr_block: r
                    .string("destination_cidr_block", "destination_cidr_block"),
                destination_ipv6_cidr_block: r
                    .string("destination_ipv6_cidr_block", "destination_ipv6_cidr_block"),
                gateway_id: r.link("gateway_id", "gateway_id").flatten(),
                nat_gateway_id: r.link("nat_gateway_id", "nat_gateway_id").flatten(),
                transit_gateway_id: r.link("transit_gateway_id", "transit_gateway_id").flatten(),
                instance_id: None,
                state: Some("active".into()),
            };
            let unresolved = r.out.unknown.values().next().cloned();
            match table.and_then(|t| table_index(&self.snap, &t).map(|x| (t, x))) {
                Some((t, x)) => {
                    if let Some(why) = unresolved {
                        table_unknown.insert(t, why);
                    }
                    self.snap.ec2.route_tables[x].routes.push(route);
                }
                None => {
                    all_unknown.get_or_insert(format!(
                        "{}: the route table it adds a route to is not known from the plan",
                        i.address
                    ));
                }
            }
        }
        for i in instances.iter().filter(|i| {
            matches!(
                i.rtype.as_str(),
                "aws_route_table_association" | "aws_main_route_table_association"
            )
        }) {
            let main = i.rtype == "aws_main_route_table_association";
            let mut r = Reader::new(self.plan, i, self.view);
            let table = r.link("route_table_id", "route_table_id").flatten();
            let subnet = if main {
                None
            } else {
                r.link("subnet_id", "subnet_id")
            };
            let located = table.and_then(|t| table_index(&self.snap, &t));
            match (located, main, subnet) {
                (Some(x), true, _) => {
                    self.snap.ec2.route_tables[x]
                        .associations
                        .push(RouteTableAssociation {
                            subnet_id: None,
                            main: true,
                        })
                }
                (Some(x), false, Some(s)) => {
                    if let Some(s) = s {
                        self.snap.ec2.route_tables[x]
                            .associations
                            .push(RouteTableAssociation {
                                subnet_id: Some(s),
                                main: false,
                            });
                    }
                }
                (None, false, Some(s)) => {
                    if let Some(s) = s {
                        subnet_unknown.insert(
                            s,
                            format!("{}: its route table is not known from the plan", i.address),
                        );
                    }
                }
                _ => {
                    all_unknown.get_or_insert(format!(
                        "{}: what it associates is not known from the plan",
                        i.address
                    ));
                }
            }
        }
        for (x, out, region) in tables {
            let addr = self.snap.ec2.route_tables[x].route_table_id.clone();
            let inst = self
                .plan
                .instance(&addr)
                .or_else(|| self.plan.deleted.iter().find(|d| d.address == addr));
            if let Some(inst) = inst {
                let mut out = out;
                if let Some(why) = table_unknown.get(&addr) {
                    out.unknown.insert("blackhole_routes".into(), why.clone());
                }
                self.entry(inst, "ec2.route_table", &region, out);
            }
        }
        // Each subnet's table: explicit, else its VPC's main table if the plan declares one.
        const ROUTE_FACTS: [&str; 7] = [
            "route_table_id",
            "route_table_is_main",
            "default_route_target",
            "default_route_nat_gateway",
            "default_route_nat_az",
            "default_route_nat_regional",
            "internet_route",
        ];
        let mut vpc_unknown: HashMap<String, String> = HashMap::new();
        let subnets: Vec<(String, String)> = self
            .snap
            .ec2
            .subnets
            .iter()
            .map(|s| (s.subnet_id.clone(), s.vpc_id.clone()))
            .collect();
        for (sid, vpc) in subnets {
            let explicit = self.snap.ec2.route_tables.iter().find(|t| {
                t.associations
                    .iter()
                    .any(|a| a.subnet_id.as_deref() == Some(&sid))
            });
            let table = explicit.or_else(|| {
                self.snap
                    .ec2
                    .route_tables
                    .iter()
                    .find(|t| t.vpc_id == vpc && t.associations.iter().any(|a| a.main))
            });
            let why = if let Some(w) = &all_unknown {
                Some(w.clone())
            } else if let Some(w) = subnet_unknown.get(&sid) {
                Some(w.clone())
            } else if let Some(t) = table {
                if let Some(w) = table_unknown.get(&t.route_table_id) {
                    Some(w.clone())
                } else {
                    // The NAT gateway of the default route: its AZ must be known.
                    t.routes
                        .iter()
                        .filter(|r| r.destination_cidr_block.as_deref() == Some("0.0.0.0/0"))
                        .filter_map(|r| r.nat_gateway_id.as_ref())
                        .find_map(|n| match nat_subnet.get(n) {
                            Some(Some(s)) => subnet_az.get(s).and_then(|a| a.clone().err()),
                            Some(None) => Some(format!(
                                "the subnet of NAT gateway {n} is not known from the plan"
                            )),
                            None => None,
                        })
                }
            } else if self
                .plan
                .instance(&sid)
                .is_some_and(|i| i.data || i.action == "existing")
            {
                Some("an existing subnet: its route table is not in the plan".to_string())
            } else {
                Some("it has no route table association in the plan, so it uses its VPC's main route table, which the plan does not declare".to_string())
            };
            if let Some(why) = why {
                if let Some(e) = self
                    .entries
                    .iter_mut()
                    .find(|e| e.kind == "ec2.subnet" && e.id == sid)
                {
                    for f in ROUTE_FACTS {
                        e.unknown
                            .entry(f.to_string())
                            .or_insert_with(|| why.clone());
                    }
                }
                vpc_unknown.entry(vpc).or_insert(why);
            }
        }
        // A VPC's subnets, their AZs and routes decide its NAT facts.
        for s in &self.snap.ec2.subnets {
            if let Some(Err(why)) = subnet_az.get(&s.subnet_id) {
                vpc_unknown
                    .entry(s.vpc_id.clone())
                    .or_insert_with(|| why.clone());
            }
        }
        for e in self.entries.iter_mut().filter(|e| e.kind == "ec2.vpc") {
            if let Some(why) = vpc_unknown.get(&e.id) {
                for f in [
                    "private_subnet_azs",
                    "default_route_nat_gateways",
                    "default_route_zonal_nat_gateways",
                ] {
                    e.unknown
                        .entry(f.to_string())
                        .or_insert_with(|| why.clone());
                }
            }
            if let Some(Err(why)) = self
                .snap
                .ec2
                .subnets
                .iter()
                .filter(|s| s.vpc_id == e.id)
                .map(|s| {
                    subnet_az
                        .get(&s.subnet_id)
                        .cloned()
                        .unwrap_or(Ok(String::new()))
                })
                .find(Result::is_err)
            {
                e.unknown.entry("subnet_azs".into()).or_insert(why);
            }
        }
    }
}

fn inline_route(r: &Reader, rv: &Value) -> Route {
    let s = |k: &str| {
        rv.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(|s| r.literal(s))
    };
    Route {
        destination_cidr_block: s("cidr_block"),
        destination_ipv6_cidr_block: s("ipv6_cidr_block"),
        gateway_id: s("gateway_id"),
        nat_gateway_id: s("nat_gateway_id"),
        transit_gateway_id: s("transit_gateway_id"),
        instance_id: None,
        state: Some("active".into()),
    }
}
