//! Plan resource instances -> snapshot resources, kind by kind. Each mapped instance gets the
//! snapshot id of its address, a [`PlanResource`] entry with the fields the plan leaves
//! unknown and those given a provider default, and its links (subnets, NAT gateways, route
//! tables, health checks) resolved to the addresses of the instances they point at.

use super::resolve::{Bad, Inst, Plan, Target};
use super::{defaults, View, AWS_PROVIDERS};
use crate::snapshot::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// The fields of facts that describe the running account, not its configuration: a plan
/// cannot know them.
const RUNTIME: &str = "a runtime state, not known before apply";

struct Out {
    unknown: Unreadable,
    assumed: BTreeMap<String, String>,
}

/// Reads one instance's values in one view.
struct Reader<'a, 'p> {
    plan: &'a Plan<'p>,
    inst: &'a Inst<'p>,
    values: &'p Value,
    /// `after_unknown`, or null in the `before` view.
    unknown_tree: &'p Value,
    out: Out,
}

enum Got<'p> {
    Known(&'p Value),
    Unknown,
    Unset,
}

fn any_true(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Array(a) => a.iter().any(any_true),
        Value::Object(o) => o.values().any(any_true),
        _ => false,
    }
}

impl<'a, 'p> Reader<'a, 'p> {
    fn new(plan: &'a Plan<'p>, inst: &'a Inst<'p>, view: View) -> Reader<'a, 'p> {
        let (values, unknown_tree) = match view {
            View::After => (inst.after, inst.unknown),
            View::Before => (inst.before.unwrap_or(&Value::Null), &Value::Null),
        };
        Reader {
            plan,
            inst,
            values,
            unknown_tree,
            out: Out {
                unknown: Unreadable::new(),
                assumed: BTreeMap::new(),
            },
        }
    }

    fn get(&self, attr: &str) -> Got<'p> {
        if self.unknown_tree == &Value::Bool(true)
            || self.unknown_tree.get(attr).is_some_and(any_true)
        {
            return Got::Unknown;
        }
        match self.values.get(attr) {
            None | Some(Value::Null) => Got::Unset,
            Some(v) => Got::Known(v),
        }
    }

    /// Whether the configuration sets the attribute.
    fn configured(&self, attr: &str) -> bool {
        self.plan.expression(self.inst, attr).is_some()
    }

    fn mark(&mut self, field: &str, why: String) {
        self.out.unknown.entry(field.to_string()).or_insert(why);
    }

    fn after_apply(&self, attr: &str) -> String {
        format!("known only after apply ({}: {attr})", self.inst.address)
    }

    /// A scalar attribute: its value, or the provider's default (noted under `field`), or
    /// `None` when unknown (noted) or unset without a default.
    fn scalar(&mut self, attr: &str, field: &str) -> Option<Value> {
        match self.get(attr) {
            Got::Known(v) => Some(v.clone()),
            Got::Unknown if self.configured(attr) => {
                let why = self.after_apply(attr);
                self.mark(field, why);
                None
            }
            Got::Unknown | Got::Unset => {
                let d = defaults::of(&self.inst.rtype, attr)?;
                self.out.assumed.insert(
                    field.to_string(),
                    format!(
                        "= {d}: `{attr}` is not set in the configuration of {}, so the provider's \
                         default applies",
                        self.inst.address
                    ),
                );
                Some(d)
            }
        }
    }

    fn bool(&mut self, attr: &str, field: &str) -> bool {
        self.scalar(attr, field)
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    }

    fn int(&mut self, attr: &str, field: &str) -> Option<i64> {
        self.scalar(attr, field).and_then(|v| match v {
            Value::Number(n) => n.as_i64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        })
    }

    fn string(&mut self, attr: &str, field: &str) -> Option<String> {
        self.scalar(attr, field).and_then(|v| match v {
            Value::String(s) if !s.is_empty() => Some(s),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    }

    fn strings(&mut self, attr: &str, field: &str) -> Vec<String> {
        match self.scalar(attr, field) {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The first element of a nested block (`failover_routing_policy`), when known.
    fn block(&mut self, attr: &str, field: &str) -> Option<&'p Value> {
        match self.get(attr) {
            Got::Known(Value::Array(a)) => a.first(),
            Got::Known(v @ Value::Object(_)) => Some(v),
            Got::Unknown => {
                let why = self.after_apply(attr);
                self.mark(field, why);
                None
            }
            _ => None,
        }
    }

    fn literal(&self, s: &str) -> String {
        self.plan.by_real_id(s).unwrap_or(s).to_string()
    }

    fn targets(&self, t: Vec<Target>) -> Vec<String> {
        t.into_iter()
            .map(|t| match t {
                // The model tells gateways apart by their id's prefix, as AWS writes them.
                Target::Instance(a) => match self.plan.instance(&a).map(|i| i.rtype.as_str()) {
                    Some("aws_internet_gateway") => format!("igw-{a}"),
                    Some("aws_egress_only_internet_gateway") => format!("eigw-{a}"),
                    Some("aws_vpn_gateway") => format!("vgw-{a}"),
                    Some("aws_vpc_endpoint") => format!("vpce-{a}"),
                    _ => a,
                },
                Target::Literal(s) => self.literal(&s),
            })
            .collect()
    }

    /// A link to other resources: the ids it names, resolved to plan addresses, or `None`
    /// (noted under `field`) when neither the plan nor the configuration tells.
    fn links(&mut self, attr: &str, field: &str) -> Option<Vec<String>> {
        match self.get(attr) {
            Got::Known(v) => {
                let mut out = Vec::new();
                match v {
                    Value::String(s) if !s.is_empty() => out.push(self.literal(s)),
                    Value::Array(a) => {
                        out.extend(a.iter().filter_map(Value::as_str).map(|s| self.literal(s)))
                    }
                    _ => {}
                }
                Some(out)
            }
            Got::Unset if !self.configured(attr) => Some(Vec::new()),
            Got::Unset | Got::Unknown => match self.plan.resolve(self.inst, attr) {
                Ok(t) => Some(self.targets(t)),
                Err(why) => {
                    let why = format!(
                        "{}; the configuration does not resolve it: {why}",
                        self.after_apply(attr)
                    );
                    self.mark(field, why);
                    None
                }
            },
        }
    }

    fn link(&mut self, attr: &str, field: &str) -> Option<Option<String>> {
        self.links(attr, field).map(|l| l.into_iter().next())
    }

    fn finish(self) -> Out {
        self.out
    }
}

/// Collected snapshot plus the plan entries, for one view.
struct Builder<'a, 'p> {
    plan: &'a Plan<'p>,
    view: View,
    snap: Snapshot,
    entries: Vec<PlanResource>,
    not_judged: Vec<NotJudged>,
    regions: BTreeSet<String>,
}

pub fn snapshot(plan: &Plan, path: &Path, version: &str, view: View) -> Result<Snapshot, Bad> {
    let instances: Vec<&Inst> = match view {
        View::After => plan.instances.iter().collect(),
        View::Before => plan
            .instances
            .iter()
            .chain(&plan.deleted)
            .filter(|i| i.before.is_some())
            .collect(),
    };
    for i in &instances {
        if i.rtype.starts_with("aws_") && !AWS_PROVIDERS.contains(&i.provider.as_str()) {
            return Err((
                format!("{}.provider_name", i.at),
                format!(
                    "{} is served by provider {:?}: ha-audit reads the AWS provider \
                     (registry.terraform.io/hashicorp/aws) only",
                    i.address, i.provider
                ),
            ));
        }
    }
    let mut b = Builder {
        plan,
        view,
        snap: Snapshot::new("unknown", Vec::new(), String::new()),
        entries: Vec::new(),
        not_judged: Vec::new(),
        regions: BTreeSet::new(),
    };
    b.snap.taken_at = "1970-01-01T00:00:00Z".to_string();
    // The account is the caller identity a data source read, when there is one.
    for i in &instances {
        if i.data && i.rtype == "aws_caller_identity" {
            if let Some(a) = i.after.get("account_id").and_then(Value::as_str) {
                b.snap.account_id = a.to_string();
            }
        }
    }
    b.map_all(&instances);
    let regions: Vec<String> = b.regions.iter().cloned().collect();
    for service in ["ec2", "rds", "elbv2", "autoscaling"] {
        for r in &regions {
            b.snap.coverage.push(Coverage {
                service: service.into(),
                region: r.clone(),
                errors: Vec::new(),
            });
        }
    }
    b.snap.coverage.push(Coverage {
        service: "route53".into(),
        region: GLOBAL_REGION.into(),
        errors: Vec::new(),
    });
    b.snap.regions = regions;
    b.entries
        .sort_by(|x, y| (&x.kind, &x.region, &x.id).cmp(&(&y.kind, &y.region, &y.id)));
    b.not_judged.sort_by(|x, y| x.address.cmp(&y.address));
    b.snap.terraform_plan = Some(TerraformPlan {
        file: path.display().to_string(),
        format_version: version.to_string(),
        terraform_version: None,
        resources: b.entries,
        not_judged: b.not_judged,
    });
    b.snap.normalize();
    Ok(b.snap)
}

/// The AZ of each subnet of the plan, or why it is unknown.
type SubnetAz = HashMap<String, Result<String, String>>;

impl<'a, 'p> Builder<'a, 'p> {
    fn region(&self, inst: &Inst) -> String {
        if let Some(Value::String(r)) = inst.after.get("region") {
            if !r.is_empty() {
                return r.clone();
            }
        }
        let key = self.plan.provider_key(inst).unwrap_or("aws");
        let expr = self
            .plan
            .provider_config
            .and_then(|p| p.get(key).or_else(|| p.get("aws")))
            .and_then(|p| p.get("expressions"))
            .and_then(|e| e.get("region"));
        if let Some(e) = expr {
            if let Some(Value::String(r)) = e.get("constant_value") {
                return r.clone();
            }
            if let Some(refs) = e.get("references").and_then(Value::as_array) {
                for r in refs.iter().filter_map(Value::as_str) {
                    if let Some(v) = r.strip_prefix("var.") {
                        if let Some(Value::String(s)) = self.plan.root_variable(v) {
                            return s.clone();
                        }
                    }
                }
            }
        }
        "unknown".to_string()
    }

    fn entry(&mut self, inst: &Inst, kind: &str, region: &str, out: Out) {
        if region != GLOBAL_REGION {
            self.regions.insert(region.to_string());
        }
        self.entries.push(PlanResource {
            address: inst.address.clone(),
            kind: kind.to_string(),
            region: region.to_string(),
            id: inst.address.clone(),
            action: inst.action.to_string(),
            unknown: out.unknown,
            assumed: out.assumed,
            source: None,
        });
    }

    fn map_all(&mut self, instances: &[&Inst<'p>]) {
        let of = |t: &[&str]| -> Vec<&Inst<'p>> {
            instances
                .iter()
                .copied()
                .filter(|i| t.contains(&i.rtype.as_str()))
                .collect()
        };
        // Subnets first: every other kind's AZs come from them.
        let mut subnet_az = SubnetAz::new();
        for i in of(&["aws_subnet"]) {
            self.subnet(i, &mut subnet_az);
        }
        for i in of(&["aws_vpc"]) {
            self.vpc(i);
        }
        let mut nat_subnet: HashMap<String, Option<String>> = HashMap::new();
        for i in of(&["aws_nat_gateway"]) {
            self.nat(i, &subnet_az, &mut nat_subnet);
        }
        self.routing(instances, &subnet_az, &nat_subnet);
        for i in of(&["aws_db_instance"]) {
            self.db_instance(i, &subnet_az, instances);
        }
        for i in of(&["aws_autoscaling_group"]) {
            self.asg(i, &subnet_az);
        }
        // Listeners by the load balancers they attach to, each listener's link resolved once.
        let mut listeners: HashMap<String, i64> = HashMap::new();
        for l in of(&["aws_lb_listener", "aws_alb_listener"]) {
            let mut lr = Reader::new(self.plan, l, self.view);
            let mut lbs = lr
                .links("load_balancer_arn", "load_balancer_arn")
                .unwrap_or_default();
            lbs.sort();
            lbs.dedup();
            for lb in lbs {
                *listeners.entry(lb).or_default() += 1;
            }
        }
        for i in of(&["aws_lb", "aws_alb"]) {
            self.lb(i, &subnet_az, &listeners);
        }
        for i in of(&["aws_route53_zone"]) {
            self.zone(i);
        }
        for i in of(&["aws_route53_health_check"]) {
            self.health_check(i);
        }
        for i in of(&["aws_route53_record"]) {
            self.record(i);
        }
        const READ: &[&str] = &[
            "aws_subnet",
            "aws_vpc",
            "aws_nat_gateway",
            "aws_route_table",
            "aws_route",
            "aws_route_table_association",
            "aws_main_route_table_association",
            "aws_db_instance",
            "aws_db_subnet_group",
            "aws_autoscaling_group",
            "aws_lb",
            "aws_alb",
            "aws_lb_listener",
            "aws_alb_listener",
            "aws_route53_zone",
            "aws_route53_health_check",
            "aws_route53_record",
        ];
        for i in instances {
            if READ.contains(&i.rtype.as_str()) || (i.data && i.rtype == "aws_caller_identity") {
                continue;
            }
            let why = if !AWS_PROVIDERS.contains(&i.provider.as_str()) {
                "another provider's resource".to_string()
            } else if i.data {
                format!("ha-audit reads no data source of type {}", i.rtype)
            } else {
                format!("ha-audit has no resource kind for {} yet", i.rtype)
            };
            self.not_judged.push(NotJudged {
                address: i.address.clone(),
                provider: i.provider.clone(),
                why,
            });
        }
    }

    fn subnet(&mut self, i: &Inst<'p>, subnet_az: &mut SubnetAz) {
        let region = self.region(i);
        let mut r = Reader::new(self.plan, i, self.view);
        let vpc_id = r.link("vpc_id", "vpc_id").flatten().unwrap_or_default();
        let az = match r.get("availability_zone") {
            Got::Known(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
            _ => {
                let why = r.after_apply("availability_zone");
                r.mark("availability_zone", why.clone());
                Err(why)
            }
        };
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

    fn vpc(&mut self, i: &Inst<'p>) {
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

    fn nat(
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
    fn routing(
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

    /// The AZs of subnets, or why one is unknown.
    fn azs_of(subnets: &[String], subnet_az: &SubnetAz) -> Result<Vec<(String, String)>, String> {
        subnets
            .iter()
            .map(|s| match subnet_az.get(s) {
                Some(Ok(az)) => Ok((s.clone(), az.clone())),
                Some(Err(why)) => Err(format!("the AZ of subnet {s} is {why}")),
                None => Err(format!(
                    "subnet {s} is not in the plan, so its AZ is unknown"
                )),
            })
            .collect()
    }

    fn db_instance(&mut self, i: &Inst<'p>, subnet_az: &SubnetAz, instances: &[&Inst<'p>]) {
        let region = self.region(i);
        let mut r = Reader::new(self.plan, i, self.view);
        let engine = r.string("engine", "engine").unwrap_or_default();
        let multi_az = r.bool("multi_az", "multi_az");
        let availability_zone = match r.get("availability_zone") {
            Got::Known(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            _ => {
                let why = r.after_apply("availability_zone");
                r.mark("availability_zone", why);
                None
            }
        };
        let read_replica_source = r
            .link("replicate_source_db", "read_replica_source")
            .flatten();
        let backup_retention_period = r
            .int("backup_retention_period", "backup_retention_period")
            .unwrap_or(0);
        let deletion_protection = r.bool("deletion_protection", "deletion_protection");
        let publicly_accessible = r.bool("publicly_accessible", "publicly_accessible");
        let monitoring_interval = r.int("monitoring_interval", "monitoring_interval");
        let group = r.link("db_subnet_group_name", "subnet_group_azs").flatten();
        // The AZs of its subnet group, through the group's own subnets.
        let mut subnet_group_azs = Vec::new();
        if let Some(g) = &group {
            match instances
                .iter()
                .find(|x| &x.address == g && x.rtype == "aws_db_subnet_group")
            {
                Some(gi) => {
                    let mut gr = Reader::new(self.plan, gi, self.view);
                    match gr.links("subnet_ids", "subnet_ids") {
                        Some(ids) => match Self::azs_of(&ids, subnet_az) {
                            Ok(azs) => subnet_group_azs = azs.into_iter().map(|(_, a)| a).collect(),
                            Err(why) => r.mark("subnet_group_azs", why),
                        },
                        None => {
                            let why = gr.out.unknown.values().next().cloned().unwrap_or_default();
                            r.mark("subnet_group_azs", why);
                        }
                    }
                }
                None => r.mark(
                    "subnet_group_azs",
                    format!("its DB subnet group {g} is not in the plan"),
                ),
            }
        }
        for f in [
            "innodb_flush_log_at_trx_commit",
            "sync_binlog",
            "synchronous_commit",
            "read_only",
            "log_output",
            "innodb_default_row_format",
        ] {
            r.mark(f, "parameter groups are not read from a plan".into());
        }
        r.mark(
            "automated_backup_replication_regions",
            "backup replication is not read from a plan".into(),
        );
        r.mark("source_availability_zone", "not read from a plan".into());
        self.snap.rds.db_instances.push(DbInstance {
            region: region.clone(),
            db_instance_identifier: i.address.clone(),
            arn: i.address.clone(),
            engine,
            engine_version: r.string("engine_version", "engine_version"),
            db_instance_class: r.string("instance_class", "db_instance_class"),
            status: None,
            multi_az,
            availability_zone,
            secondary_availability_zone: None,
            db_cluster_identifier: None,
            read_replica_source,
            read_replica_identifiers: Vec::new(),
            backup_retention_period,
            deletion_protection,
            publicly_accessible,
            allocated_storage: r.int("allocated_storage", "allocated_storage"),
            max_allocated_storage: r.int("max_allocated_storage", "max_allocated_storage"),
            monitoring_interval,
            db_subnet_group: group,
            parameter_group: None,
            automated_backup_replication_regions: None,
            subnet_group_azs,
            tags: tags(i.after),
            unreadable: Unreadable::new(),
        });
        let out = r.finish();
        self.entry(i, "rds.db_instance", &region, out);
    }

    fn asg(&mut self, i: &Inst<'p>, subnet_az: &SubnetAz) {
        let region = self.region(i);
        let mut r = Reader::new(self.plan, i, self.view);
        let subnet_ids = r.links("vpc_zone_identifier", "subnet_ids");
        let mut availability_zones = Vec::new();
        match &subnet_ids {
            Some(ids) if !ids.is_empty() => match Self::azs_of(ids, subnet_az) {
                Ok(azs) => {
                    let set: BTreeSet<String> = azs.into_iter().map(|(_, a)| a).collect();
                    availability_zones = set.into_iter().collect();
                }
                Err(why) => {
                    r.mark("azs", why.clone());
                    r.mark("azs_not_served_by_load_balancer", why);
                }
            },
            Some(_) => match r.get("availability_zones") {
                Got::Known(Value::Array(a)) => {
                    availability_zones = a
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                }
                _ => {
                    let why = r.after_apply("availability_zones");
                    r.mark("azs", why.clone());
                    r.mark("azs_not_served_by_load_balancer", why);
                }
            },
            None => {
                let why = r.out.unknown.get("subnet_ids").cloned().unwrap_or_default();
                r.mark("azs", why.clone());
                r.mark("azs_not_served_by_load_balancer", why);
            }
        }
        let health = r.string("health_check_type", "health_check_types");
        let target_group_arns = r
            .links("target_group_arns", "target_group_arns")
            .unwrap_or_default();
        let load_balancer_names = r
            .links("load_balancers", "load_balancer_names")
            .unwrap_or_default();
        if !target_group_arns.is_empty() {
            for f in [
                "missing_target_group_arns",
                "load_balancers",
                "azs_not_served_by_load_balancer",
            ] {
                r.mark(f, "target groups are not read from a plan".into());
            }
        }
        if !load_balancer_names.is_empty() {
            r.mark(
                "missing_load_balancer_names",
                "Classic Load Balancers are not read from a plan".into(),
            );
        }
        for f in ["instance_azs", "instance_count", "subnet_free_ips"] {
            r.mark(f, RUNTIME.into());
        }
        let mixed = r.block("mixed_instances_policy", "mixed_instances_policy");
        let mut types = BTreeSet::new();
        let mut by_attributes = false;
        if let Some(m) = mixed {
            for lt in m
                .get("launch_template")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                for o in lt
                    .get("override")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(t) = o
                        .get("instance_type")
                        .and_then(Value::as_str)
                        .filter(|t| !t.is_empty())
                    {
                        types.insert(t.to_string());
                    }
                    if o.get("instance_requirements")
                        .and_then(Value::as_array)
                        .is_some_and(|a| !a.is_empty())
                    {
                        by_attributes = true;
                    }
                }
            }
        }
        let zonal = r
            .block("availability_zone_impairment_policy", "zonal_shift_enabled")
            .and_then(|p| p.get("zonal_shift_enabled"))
            .and_then(Value::as_bool);
        let strategy = r
            .block(
                "availability_zone_distribution",
                "capacity_distribution_strategy",
            )
            .and_then(|p| p.get("capacity_distribution_strategy"))
            .and_then(Value::as_str)
            .map(str::to_string);
        // A launch configuration created in the same plan has an unknown name, but setting
        // the argument at all is what the rule judges.
        let launch_source = if mixed.is_some() || r.configured("launch_template") {
            "launch_template"
        } else if r.configured("launch_configuration") {
            "launch_configuration"
        } else {
            "none"
        };
        self.snap.autoscaling.groups.push(AutoScalingGroup {
            region: region.clone(),
            name: i.address.clone(),
            arn: i.address.clone(),
            availability_zones,
            subnet_ids: subnet_ids.unwrap_or_default(),
            health_check_types: health.into_iter().collect(),
            health_check_grace_period: r
                .int("health_check_grace_period", "health_check_grace_period"),
            load_balancer_names,
            target_group_arns,
            min_size: r.int("min_size", "min_size").unwrap_or(0),
            max_size: r.int("max_size", "max_size").unwrap_or(0),
            desired_capacity: r.int("desired_capacity", "desired_capacity"),
            suspended_processes: r.strings("suspended_processes", "suspended_processes"),
            capacity_rebalance: r.bool("capacity_rebalance", "capacity_rebalance"),
            zonal_shift_enabled: zonal,
            mixed_instances_policy: mixed.is_some(),
            capacity_distribution_strategy: strategy,
            override_instance_types: Some(types.into_iter().collect()),
            attribute_based_instance_types: by_attributes,
            launch_source: Some(launch_source.to_string()),
            instances: Vec::new(),
            tags: tags(i.after),
        });
        let out = r.finish();
        self.entry(i, "autoscaling.group", &region, out);
    }

    fn lb(&mut self, i: &Inst<'p>, subnet_az: &SubnetAz, listeners: &HashMap<String, i64>) {
        let region = self.region(i);
        let mut r = Reader::new(self.plan, i, self.view);
        let lb_type = r
            .string("load_balancer_type", "type")
            .unwrap_or_else(|| "application".into());
        let internal = r.bool("internal", "scheme");
        // `subnets`, else `subnet_mapping[].subnet_id`.
        let mut subnets = r.links("subnets", "azs");
        if subnets.as_ref().is_some_and(Vec::is_empty) || subnets.is_none() {
            match r.get("subnet_mapping") {
                Got::Known(Value::Array(m)) if !m.is_empty() => {
                    let unknown_ids = r.unknown_tree.get("subnet_mapping").is_some_and(any_true);
                    if unknown_ids {
                        match self
                            .plan
                            .resolve_nested(i, "subnet_mapping", "subnet_id", None)
                        {
                            Ok(t) => {
                                r.out.unknown.remove("azs");
                                subnets = Some(r.targets(t));
                            }
                            Err(why) => {
                                r.mark("azs", format!("{}; {why}", r.after_apply("subnet_mapping")))
                            }
                        }
                    } else {
                        r.out.unknown.remove("azs");
                        subnets = Some(
                            m.iter()
                                .filter_map(|x| x.get("subnet_id")?.as_str())
                                .map(|s| r.literal(s))
                                .collect(),
                        );
                    }
                }
                Got::Unknown => {
                    if let Ok(t) = self
                        .plan
                        .resolve_nested(i, "subnet_mapping", "subnet_id", None)
                    {
                        r.out.unknown.remove("azs");
                        subnets = Some(r.targets(t));
                    }
                }
                _ => {}
            }
        }
        let mut zones = Vec::new();
        if let Some(ids) = &subnets {
            match Self::azs_of(ids, subnet_az) {
                Ok(azs) => {
                    zones = azs
                        .into_iter()
                        .map(|(s, az)| LbZone {
                            zone_name: az,
                            subnet_id: Some(s),
                        })
                        .collect()
                }
                Err(why) => r.mark("azs", why),
            }
        }
        if r.out.unknown.contains_key("azs") {
            let why = r.out.unknown["azs"].clone();
            r.mark("availability_zones", why);
        }
        let mut attributes = BTreeMap::new();
        if let Some(v) = r.string("enable_deletion_protection", "deletion_protection") {
            attributes.insert("deletion_protection.enabled".to_string(), v);
        }
        if lb_type == "application" {
            attributes.insert(
                "load_balancing.cross_zone.enabled".to_string(),
                "true".into(),
            );
        } else if let Some(v) = r.string("enable_cross_zone_load_balancing", "cross_zone") {
            attributes.insert("load_balancing.cross_zone.enabled".to_string(), v);
        }
        if let Got::Known(Value::Bool(z)) = r.get("enable_zonal_shift") {
            attributes.insert("zonal_shift.config.enabled".to_string(), z.to_string());
        } else {
            r.mark("zonal_shift", r.after_apply("enable_zonal_shift"));
        }
        // Listeners that the plan attaches to it.
        let listeners = listeners.get(&i.address).copied().unwrap_or(0);
        if listeners == 0 {
            r.mark(
                "listener_count",
                "no listener of the plan is known to belong to it".into(),
            );
        }
        for f in [
            "target_group_arns",
            "healthy_target_count",
            "healthy_target_azs",
            "healthy_target_count_by_az",
            "azs_without_healthy_targets",
            "healthy_target_az_spread",
            "healthy_target_max_az",
            "healthy_target_max_az_count",
            "healthy_target_max_az_share_pct",
            "cross_zone_effective",
            "target_groups_cross_zone_off",
            "cross_zone_off_azs_without_healthy_targets",
            "health_alarms",
            "health_alarms_silent",
        ] {
            r.mark(
                f,
                "target groups and their targets are not read from a plan".into(),
            );
        }
        self.snap.elbv2.load_balancers.push(LoadBalancer {
            region: region.clone(),
            arn: i.address.clone(),
            name: i.address.clone(),
            lb_type,
            scheme: Some(
                if internal {
                    "internal"
                } else {
                    "internet-facing"
                }
                .into(),
            ),
            state: Some("active".into()),
            vpc_id: None,
            dns_name: Some(i.address.clone()),
            availability_zones: zones,
            attributes,
            listener_count: (listeners > 0).then_some(listeners),
            tags: tags(i.after),
            unreadable: Unreadable::new(),
        });
        let out = r.finish();
        self.entry(i, "elbv2.load_balancer", &region, out);
    }

    fn zone(&mut self, i: &Inst<'p>) {
        let mut r = Reader::new(self.plan, i, self.view);
        let name = r.string("name", "name").unwrap_or_default();
        let private = matches!(r.get("vpc"), Got::Known(Value::Array(a)) if !a.is_empty());
        self.snap.route53.hosted_zones.push(HostedZone {
            id: i.address.clone(),
            name,
            private_zone: private,
            record_count: None,
            linked_service: None,
        });
        r.mark("shield_protected", "Shield is not read from a plan".into());
        let out = r.finish();
        self.entry(i, "route53.hosted_zone", GLOBAL_REGION, out);
    }

    fn health_check(&mut self, i: &Inst<'p>) {
        let mut r = Reader::new(self.plan, i, self.view);
        let hc = HealthCheck {
            id: i.address.clone(),
            check_type: r.string("type", "type").unwrap_or_default(),
            fqdn: r.string("fqdn", "fqdn"),
            ip_address: r.string("ip_address", "ip_address"),
            port: r.int("port", "port"),
            resource_path: r.string("resource_path", "resource_path"),
            request_interval: r.int("request_interval", "request_interval"),
            failure_threshold: r.int("failure_threshold", "failure_threshold"),
            disabled: r.bool("disabled", "disabled"),
            inverted: r.bool("invert_healthcheck", "inverted"),
            child_health_checks: r
                .links("child_healthchecks", "child_health_checks")
                .unwrap_or_default(),
        };
        self.snap.route53.health_checks.push(hc);
        let out = r.finish();
        self.entry(i, "route53.health_check", GLOBAL_REGION, out);
    }

    fn record(&mut self, i: &Inst<'p>) {
        let mut r = Reader::new(self.plan, i, self.view);
        let zone = r
            .link("zone_id", "hosted_zone_id")
            .flatten()
            .unwrap_or_default();
        let name = r.string("name", "name").unwrap_or_default();
        let record_type = r.string("type", "type").unwrap_or_default();
        let set_identifier = r.string("set_identifier", "set_identifier");
        let failover = r
            .block("failover_routing_policy", "failover")
            .and_then(|p| p.get("type"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let health_check_id = r.link("health_check_id", "health_check_id").flatten();
        let weight = r
            .block("weighted_routing_policy", "weight")
            .and_then(|p| p.get("weight"))
            .and_then(Value::as_i64);
        let routing_region = r
            .block("latency_routing_policy", "routing_region")
            .and_then(|p| p.get("region"))
            .and_then(Value::as_str)
            .map(str::to_string);
        // The alias is known field by field: its name is often another resource's output.
        let alias = match r.values.get("alias") {
            Some(Value::Array(a)) => a.first(),
            _ => r.block("alias", "alias_target"),
        };
        let alias_target = match alias {
            Some(a) => {
                let known = |k: &str| {
                    a.get(k)
                        .and_then(Value::as_str)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                };
                let dns = match known("name") {
                    Some(n) => Some(n),
                    None => match self.plan.resolve_nested(i, "alias", "name", None) {
                        Ok(t) => r.targets(t).into_iter().next(),
                        Err(why) => {
                            r.mark(
                                "alias_target",
                                format!("{}; {why}", r.after_apply("alias.name")),
                            );
                            None
                        }
                    },
                };
                dns.map(|dns_name| AliasTarget {
                    dns_name,
                    hosted_zone_id: known("zone_id").unwrap_or_default(),
                    evaluate_target_health: a
                        .get("evaluate_target_health")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                })
            }
            None => None,
        };
        if zone.is_empty() {
            let why = r
                .out
                .unknown
                .get("hosted_zone_id")
                .cloned()
                .unwrap_or_else(|| r.after_apply("zone_id"));
            for f in [
                "failover_peers",
                "failover_peer_health_check_ids",
                "failover_peer_targets",
                "set_members",
                "set_first",
                "set_regions",
                "set_other_weights",
            ] {
                r.mark(f, why.clone());
            }
        }
        self.snap.route53.record_sets.push(RecordSet {
            hosted_zone_id: zone,
            name,
            record_type,
            set_identifier,
            failover,
            health_check_id,
            ttl: r.int("ttl", "ttl"),
            alias_target,
            routing_region,
            weight,
            multi_value_answer: match r.get("multivalue_answer_routing_policy") {
                Got::Known(Value::Bool(b)) => Some(*b),
                _ => None,
            },
            geolocation: None,
            geoproximity_region: None,
            values: r.strings("records", "values"),
        });
        let rs = self
            .snap
            .route53
            .record_sets
            .last()
            .map(|x| x.id().into_owned())
            .unwrap_or_default();
        let out = r.finish();
        self.entries.push(PlanResource {
            address: i.address.clone(),
            kind: "route53.record".into(),
            region: GLOBAL_REGION.into(),
            id: rs,
            action: i.action.to_string(),
            unknown: out.unknown,
            assumed: out.assumed,
            source: None,
        });
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

fn tags(values: &Value) -> Tags {
    values
        .get("tags")
        .and_then(Value::as_object)
        .map(|t| {
            t.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}
