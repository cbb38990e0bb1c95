//! Builds the failure graph from the models: one node per component a failure can reach,
//! placed in AZ IDs, with the edges of §7.2 of the design (DNS -> load balancer or CDN,
//! CDN -> origins, load balancer -> target groups -> targets or Auto Scaling groups, subnet ->
//! NAT gateway, cluster -> members, node group -> its Auto Scaling group).

use super::graph::{
    Body, Choice, Dep, Failure, Fallback, Node, Pair, Place, Pool, Replacement, Spot,
};
use super::verdict::Estimate;
use super::zones::{self, Zones};
use crate::model::{Field, Model, Resource, Source, Val};
use crate::registry::{Kind, Service};
use crate::snapshot::{Snapshot, GLOBAL_REGION};
use std::collections::{BTreeMap, HashMap};

/// Documented typical values, each with the source it comes from (the design's §6 and §8).
pub mod typical {
    pub const RDS_MULTI_AZ: (u32, u32, &str) = (
        60,
        120,
        "RDS Multi-AZ failover: typically 60-120 s [RDS-maz]",
    );
    pub const RDS_MULTI_AZ_CLUSTER: (u32, u32, &str) = (
        0,
        35,
        "Multi-AZ DB cluster failover: typically under 35 s [RDS-mazc]",
    );
    pub const AURORA_READER: (u32, u32, &str) = (
        0,
        30,
        "Aurora failover to a reader: typically within 30 s [AUR-hb]",
    );
    pub const ELB_INTERVAL: i64 = 30;
    pub const ELB_UNHEALTHY: i64 = 2;
    pub const R53_INTERVAL: i64 = 30;
    pub const R53_FAILURES: i64 = 3;
    /// Clients may hold a load balancer's address for the TTL of its DNS name.
    pub const ELB_DNS_TTL: u32 = 60;
    pub const CLOUDFRONT_ORIGIN: (u32, u32, &str) = (
        0,
        30,
        "CloudFront origin failover per request: 3 connection attempts x 10 s by default [CF-origin]",
    );
    pub const ASG_GRACE: i64 = 300;
}

/// The failure graph of a set of snapshots.
pub struct Graph<'a> {
    pub zones: Zones,
    pub nodes: Vec<Node<'a>>,
    /// (service or kind, region, why): what was not read, so what the simulation cannot see.
    pub unread: Vec<(String, String, String)>,
}

impl<'a> Graph<'a> {
    pub fn build(models: &[Model<'a>]) -> Graph<'a> {
        let zones = Zones::new(models);
        let mut g = Graph {
            zones,
            nodes: Vec::new(),
            unread: Vec::new(),
        };
        // Buckets by name across accounts: replication destinations name only the bucket.
        let bucket_regions: HashMap<&str, &str> = models
            .iter()
            .flat_map(|m| m.snapshot.s3.buckets.iter())
            .map(|b| (b.name.as_str(), b.region.as_str()))
            .collect();
        for m in models {
            Builder::new(&mut g, m, &bucket_regions).run();
            g.unread.extend(unread(m));
        }
        g
    }

    /// Every node a failure can take down first: placed in an AZ, or regional.
    pub fn failure_for_region(&self, region: &str) -> Failure {
        Failure::region(&self.zones, region)
    }
}

/// Services not read and listings that failed, per region.
fn unread(m: &Model) -> Vec<(String, String, String)> {
    let s = m.snapshot;
    let mut out = Vec::new();
    for scope in &m.incomplete {
        out.push((
            scope.kind.key().to_string(),
            scope.region.clone(),
            scope.reason.clone(),
        ));
    }
    for service in Service::ALL {
        let regions: Vec<&str> = if service.kinds().iter().any(|k| k.is_global()) {
            vec![GLOBAL_REGION]
        } else {
            s.regions.iter().map(String::as_str).collect()
        };
        for region in regions {
            let read = s.coverage.iter().any(|c| {
                c.service == service.key() && (c.region == region || c.region == GLOBAL_REGION)
            });
            if !read {
                out.push((
                    service.key().to_string(),
                    region.to_string(),
                    format!("{} was not collected in {region}", service.key()),
                ));
            }
        }
    }
    out
}

/// What a subnet gives what runs in it.
#[derive(Clone)]
struct SubnetInfo<'a> {
    az_name: &'a str,
    place: Place,
    /// A zonal NAT gateway in another AZ that its default route goes through.
    nat: Option<(String, Place)>,
    free_ips: Option<i64>,
}

struct Builder<'g, 'a, 'm> {
    g: &'g mut Graph<'a>,
    m: &'m Model<'a>,
    s: &'a Snapshot,
    account: &'a str,
    bucket_regions: &'m HashMap<&'m str, &'m str>,
    /// Snapshot object address -> the model's resource for it (id, ARN, name as scans show).
    resources: HashMap<usize, &'m Resource<'a>>,
    subnets: HashMap<(&'a str, &'a str), SubnetInfo<'a>>,
    /// (region, instance id) -> (AZ name, subnet).
    instances: HashMap<(&'a str, &'a str), (&'a str, Option<&'a str>)>,
    /// Nodes by what other resources call them.
    lb_by_arn: HashMap<&'a str, usize>,
    by_dns: HashMap<String, usize>,
    asg_by_name: HashMap<(&'a str, &'a str), usize>,
    /// Target group ARN -> the ECS services whose tasks register in it.
    ecs_by_tg: HashMap<&'a str, Vec<usize>>,
    bucket_by_name: HashMap<&'a str, usize>,
}

fn addr<T: ?Sized>(x: &T) -> usize {
    x as *const T as *const () as usize
}

/// A DNS name as records, origins and load balancers give it, compared as the model does.
use crate::model::normalize_dns_name as dns_key;

impl<'g, 'a, 'm> Builder<'g, 'a, 'm> {
    fn new(
        g: &'g mut Graph<'a>,
        m: &'m Model<'a>,
        bucket_regions: &'m HashMap<&'m str, &'m str>,
    ) -> Self {
        let s = m.snapshot;
        let resources = m
            .resources
            .iter()
            .filter_map(|r| r.source.map(|src| (addr::<dyn Source>(src), r)))
            .collect();
        let instances = s
            .ec2
            .instances
            .iter()
            .map(|i| {
                (
                    (i.region.as_str(), i.instance_id.as_str()),
                    (i.availability_zone.as_str(), i.subnet_id.as_deref()),
                )
            })
            .collect();
        let mut b = Builder {
            g,
            m,
            s,
            account: s.account_id.as_str(),
            bucket_regions,
            resources,
            subnets: HashMap::new(),
            instances,
            lb_by_arn: HashMap::new(),
            by_dns: HashMap::new(),
            asg_by_name: HashMap::new(),
            ecs_by_tg: HashMap::new(),
            bucket_by_name: HashMap::new(),
        };
        b.subnets = b.subnet_infos();
        b
    }

    fn place(&self, az_name: &str) -> Place {
        match self.g.zones.by_name(self.account, az_name) {
            Some(ix) => Place::Az(ix),
            None if az_name.is_empty() => Place::Unknown("its AZ is not in the snapshot".into()),
            None => Place::Unknown(
                format!(
                    "AZ {az_name} of account {} has no AZ ID in the snapshot",
                    self.account
                )
                .into(),
            ),
        }
    }

    fn place_opt(&self, az_name: Option<&str>, field: &str) -> Place {
        match az_name {
            Some(n) if !n.is_empty() => self.place(n),
            _ => Place::Unknown(format!("{field} is not in the snapshot").into()),
        }
    }

    /// Each subnet's AZ and the NAT gateway in another AZ its default route depends on.
    fn subnet_infos(&self) -> HashMap<(&'a str, &'a str), SubnetInfo<'a>> {
        let subnet_az: HashMap<(&str, &str), &str> = self
            .s
            .ec2
            .subnets
            .iter()
            .map(|x| {
                (
                    (x.region.as_str(), x.subnet_id.as_str()),
                    x.availability_zone.as_str(),
                )
            })
            .collect();
        let nat_az: HashMap<(&str, &str), Place> = self
            .s
            .ec2
            .nat_gateways
            .iter()
            .map(|n| {
                let az = n
                    .subnet_id
                    .as_deref()
                    .and_then(|sn| subnet_az.get(&(n.region.as_str(), sn)));
                let place = match az {
                    Some(az) => self.place(az),
                    None => Place::Unknown(
                        format!(
                            "the subnet of NAT gateway {} is not in the snapshot",
                            n.nat_gateway_id
                        )
                        .into(),
                    ),
                };
                ((n.region.as_str(), n.nat_gateway_id.as_str()), place)
            })
            .collect();
        self.s
            .ec2
            .subnets
            .iter()
            .map(|sn| {
                let place = match &sn.availability_zone_id {
                    Some(id) => self
                        .g
                        .zones
                        .by_id(id)
                        .map(Place::Az)
                        .unwrap_or_else(|| self.place(&sn.availability_zone)),
                    None => self.place(&sn.availability_zone),
                };
                let r = self.resources.get(&addr(sn));
                let nat = match r.and_then(|r| r.fact("default_route_nat_gateway")) {
                    Some(Field::Known(Val::Str(id))) => {
                        let regional = matches!(
                            r.and_then(|r| r.fact("default_route_nat_regional")),
                            Some(Field::Known(Val::Bool(true)))
                        );
                        (!regional).then(|| {
                            let at = nat_az
                                .get(&(sn.region.as_str(), id.as_ref()))
                                .cloned()
                                .unwrap_or_else(|| {
                                    Place::Unknown(
                                        format!("NAT gateway {id} is not in the snapshot").into(),
                                    )
                                });
                            (id.to_string(), at)
                        })
                    }
                    Some(Field::Unknown(why)) => Some((
                        "its NAT gateway".to_string(),
                        Place::Unknown(
                            format!(
                                "the default route of subnet {} is unknown: {why}",
                                sn.subnet_id
                            )
                            .into(),
                        ),
                    )),
                    _ => None,
                }
                // A NAT gateway in the subnet's own AZ fails with it: no extra dependency.
                .filter(|(_, p)| *p != place);
                (
                    (sn.region.as_str(), sn.subnet_id.as_str()),
                    SubnetInfo {
                        place,
                        nat,
                        free_ips: sn.available_ip_address_count,
                        az_name: sn.availability_zone.as_str(),
                    },
                )
            })
            .collect()
    }

    fn subnet(&self, region: &str, id: &str) -> SubnetInfo<'a> {
        self.subnets
            .get(&(region, id))
            .cloned()
            .unwrap_or(SubnetInfo {
                az_name: "",
                place: Place::Unknown(format!("subnet {id} is not in the snapshot").into()),
                nat: None,
                free_ips: None,
            })
    }

    fn spot_in_subnet(&self, region: &str, subnet: &str, count: u32) -> Spot {
        let info = self.subnet(region, subnet);
        Spot {
            place: info.place,
            nat: info.nat,
            count,
        }
    }

    /// A node for a snapshot object, named as scans name it.
    fn node<T: Source>(&self, kind: Kind, obj: &T, region: &str, fallback_id: &str) -> Node<'a> {
        let r = self.resources.get(&addr(obj));
        Node {
            kind,
            id: r.map_or_else(|| fallback_id.to_string(), |r| r.id.to_string()),
            name: r.and_then(|r| r.name.as_ref().map(|n| n.to_string())),
            arn: r.map_or_else(
                || format!("{}:{region}:{fallback_id}", kind.key()),
                |r| r.arn.to_string(),
            ),
            account: self.account,
            region: region.to_string(),
            tags: None,
            body: Body::Global,
            deps: Vec::new(),
            choice: None,
            entry: false,
            stateful: false,
            evidence: Vec::new(),
            region_copies: None,
        }
    }

    fn push(&mut self, node: Node<'a>) -> usize {
        self.g.nodes.push(node);
        self.g.nodes.len() - 1
    }

    fn run(mut self) {
        self.auto_scaling_groups();
        self.ecs_services();
        self.target_groups_and_load_balancers();
        self.instances_alone();
        self.databases();
        self.caches();
        self.file_systems();
        self.tables_and_buckets();
        self.functions();
        self.containers();
        self.distributions();
        self.records();
    }
}

/// Target-group detection: unhealthy threshold x interval, from the snapshot, or the ELB
/// defaults when the snapshot predates those fields.
fn detection(tg: &crate::snapshot::TargetGroup) -> Estimate {
    let (interval, from_snapshot_i) = match tg.health_check_interval_seconds {
        Some(i) => (i, true),
        None => (typical::ELB_INTERVAL, false),
    };
    let (threshold, from_snapshot_t) = match tg.unhealthy_threshold_count {
        Some(t) => (t, true),
        None => (typical::ELB_UNHEALTHY, false),
    };
    let secs = u32::try_from((interval * threshold).max(0)).unwrap_or(u32::MAX);
    let basis = if from_snapshot_i && from_snapshot_t {
        format!(
            "target group {}: UnhealthyThresholdCount {threshold} x HealthCheckIntervalSeconds {interval} s",
            tg.name
        )
    } else {
        format!(
            "target group {}: {threshold} x {interval} s, the ELB defaults (not in the snapshot) [ELB-hc]",
            tg.name
        )
    };
    Estimate::range(secs, Some(secs), basis)
}

impl<'g, 'a, 'm> Builder<'g, 'a, 'm> {
    fn auto_scaling_groups(&mut self) {
        let s = self.s;
        let tg_detection: HashMap<&str, Estimate> = s
            .elbv2
            .target_groups
            .iter()
            .map(|tg| (tg.arn.as_str(), detection(tg)))
            .collect();
        for g in &s.autoscaling.groups {
            let mut node = self.node(Kind::AutoScalingGroup, g, &g.region, &g.name);
            node.tags = Some(&g.tags);
            // The group's subnet in each AZ: where its instances' egress goes.
            let mut subnet_in_az: BTreeMap<&str, &str> = BTreeMap::new();
            let mut free_in_az: BTreeMap<&str, Option<i64>> = BTreeMap::new();
            for id in &g.subnet_ids {
                if let Some(sn) = self.subnets.get(&(g.region.as_str(), id.as_str())) {
                    subnet_in_az.entry(sn.az_name).or_insert(id);
                    let e = free_in_az.entry(sn.az_name).or_insert(Some(0));
                    *e = match (*e, sn.free_ips) {
                        (Some(a), Some(b)) => Some(a + b),
                        _ => None,
                    };
                }
            }
            let mut per_az: BTreeMap<&str, u32> = BTreeMap::new();
            for i in &g.instances {
                let serving = i
                    .lifecycle_state
                    .as_deref()
                    .is_none_or(|l| l == "InService")
                    && i.health_status.as_deref().is_none_or(|h| h == "Healthy");
                if serving {
                    *per_az.entry(i.availability_zone.as_str()).or_default() += 1;
                }
            }
            let spots = per_az
                .iter()
                .map(|(az, n)| match subnet_in_az.get(az) {
                    Some(sn) => self.spot_in_subnet(&g.region, sn, *n),
                    None => Spot {
                        place: self.place(az),
                        nat: None,
                        count: *n,
                    },
                })
                .collect();
            let required = match g.desired_capacity {
                Some(d) => (d.max(0) as u32, "DesiredCapacity".to_string()),
                None => (g.min_size.max(0) as u32, "MinSize".to_string()),
            };
            let mut blockers = Vec::new();
            for p in ["Launch", "ReplaceUnhealthy", "HealthCheck"] {
                if g.suspended_processes.iter().any(|x| x == p) {
                    blockers.push(format!("its {p} process is suspended"));
                }
            }
            if g.capacity_distribution_strategy.as_deref() == Some("balanced-only") {
                blockers.push(
                    "CapacityDistributionStrategy is balanced-only: it keeps launching in the failed AZ [ASG-dist]"
                        .to_string(),
                );
            }
            let launch_names: Vec<&str> = if g.availability_zones.is_empty() {
                subnet_in_az.keys().copied().collect()
            } else {
                g.availability_zones.iter().map(String::as_str).collect()
            };
            let launch_azs = launch_names
                .iter()
                .map(|az| {
                    let free = if g.subnet_ids.is_empty() {
                        // EC2-Classic style groups (no subnets): addresses are not counted.
                        Some(i64::MAX)
                    } else {
                        free_in_az.get(az).copied().flatten()
                    };
                    let spot = match subnet_in_az.get(az) {
                        Some(sn) => self.spot_in_subnet(&g.region, sn, 1),
                        None => Spot::at(self.place(az)),
                    };
                    (spot, free)
                })
                .collect();
            let elb_check = g.health_check_types.iter().any(|t| t == "ELB");
            let lb_detection = g
                .target_group_arns
                .iter()
                .filter_map(|a| tg_detection.get(a.as_str()).cloned())
                .fold(None, |acc, e| Estimate::longest(acc, Some(e)));
            let grace = g
                .health_check_grace_period
                .unwrap_or(typical::ASG_GRACE)
                .max(0) as u32;
            let grace_basis = match g.health_check_grace_period {
                Some(p) => format!("HealthCheckGracePeriod {p} s"),
                None => format!(
                    "HealthCheckGracePeriod {} s, the default",
                    typical::ASG_GRACE
                ),
            };
            let first = match (&lb_detection, elb_check) {
                (Some(d), true) => d.clone(),
                _ => Estimate::range(
                    0,
                    Some(0),
                    "EC2 status checks mark lost instances: time not published",
                ),
            };
            let estimate = first
                .then(&Estimate::range(grace, Some(grace), grace_basis))
                .then(&Estimate::range(
                    0,
                    None,
                    "instance launch and warm-up time: not modelled",
                ));
            node.evidence = vec![
                (
                    "DesiredCapacity".into(),
                    format!("{:?}", g.desired_capacity),
                ),
                ("AvailabilityZones".into(), launch_names.join(", ")),
                (
                    "SuspendedProcesses".into(),
                    format!("{:?}", g.suspended_processes),
                ),
                (
                    "CapacityDistributionStrategy".into(),
                    g.capacity_distribution_strategy.clone().unwrap_or_else(|| {
                        "not in the snapshot (default balanced-best-effort)".into()
                    }),
                ),
                ("HealthCheckType".into(), g.health_check_types.join(",")),
            ];
            node.body = Body::Pool(Pool {
                unit: "instances",
                spots,
                required: Some(required),
                replacement: Some(Replacement {
                    blockers,
                    launch_azs,
                    estimate: Some(estimate),
                }),
                detection: lb_detection,
            });
            let ix = self.push(node);
            self.asg_by_name.insert((&g.region, &g.name), ix);
        }
    }

    fn target_groups_and_load_balancers(&mut self) {
        let s = self.s;
        // Target group ARN -> the Auto Scaling groups that register into it.
        let mut asgs_of: HashMap<&str, Vec<usize>> = HashMap::new();
        for g in &s.autoscaling.groups {
            if let Some(ix) = self.asg_by_name.get(&(g.region.as_str(), g.name.as_str())) {
                for tg in &g.target_group_arns {
                    asgs_of.entry(tg.as_str()).or_default().push(*ix);
                }
            }
        }
        let mut tg_nodes: HashMap<&str, usize> = HashMap::new();
        let mut tgs_of_lb: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut alb_targets: Vec<(usize, &str)> = Vec::new();
        for tg in &s.elbv2.target_groups {
            let mut node = self.node(Kind::TargetGroup, tg, &tg.region, &tg.name);
            // What registers targets in it: Auto Scaling groups and ECS services.
            let mut asgs = asgs_of.get(tg.arn.as_str()).cloned().unwrap_or_default();
            asgs.extend(self.ecs_by_tg.get(tg.arn.as_str()).into_iter().flatten());
            node.evidence.push((
                "TargetType".into(),
                tg.target_type.clone().unwrap_or_else(|| "instance".into()),
            ));
            if !asgs.is_empty() {
                // Its capacity is the groups' capacity, judged there.
                node.deps = asgs
                    .into_iter()
                    .map(|to| Dep {
                        to,
                        edge: "registers-targets",
                        critical: true,
                    })
                    .collect();
            } else if let Some(why) = tg.unreadable.get("targets") {
                node.body = Body::Unknown(format!("its targets could not be read: {why}").into());
            } else {
                match tg.target_type.as_deref() {
                    Some("lambda") => {
                        node.body = Body::Regional;
                    }
                    Some("alb") => {
                        for t in &tg.targets {
                            alb_targets.push((self.g.nodes.len(), t.id.as_str()));
                        }
                    }
                    _ => {
                        let mut per: BTreeMap<(String, Option<&str>), u32> = BTreeMap::new();
                        let mut unplaced = 0;
                        for t in tg.targets.iter().filter(|t| t.state == "healthy") {
                            let (az, subnet) =
                                match self.instances.get(&(tg.region.as_str(), t.id.as_str())) {
                                    Some((az, subnet)) => (Some(az.to_string()), *subnet),
                                    None => (t.availability_zone.clone(), None),
                                };
                            match az {
                                // `all`: an IP outside the VPC, reachable from every AZ.
                                Some(az) if az != "all" => {
                                    *per.entry((az, subnet)).or_default() += 1
                                }
                                _ => unplaced += 1,
                            }
                        }
                        let mut spots: Vec<Spot> = per
                            .into_iter()
                            .map(|((az, subnet), n)| match subnet {
                                Some(sn) => self.spot_in_subnet(&tg.region, sn, n),
                                None => Spot {
                                    place: self.place(&az),
                                    nat: None,
                                    count: n,
                                },
                            })
                            .collect();
                        if unplaced > 0 {
                            spots.push(Spot {
                                place: Place::Unknown(
                                    "a target's AZ is not in the snapshot".into(),
                                ),
                                nat: None,
                                count: unplaced,
                            });
                        }
                        node.body = Body::Pool(Pool {
                            unit: "targets",
                            spots,
                            required: None,
                            replacement: None,
                            detection: Some(detection(tg)),
                        });
                    }
                }
            }
            let ix = self.push(node);
            tg_nodes.insert(tg.arn.as_str(), ix);
            for lb in &tg.load_balancer_arns {
                tgs_of_lb.entry(lb.as_str()).or_default().push(ix);
            }
        }
        for lb in &s.elbv2.load_balancers {
            let mut node = self.node(Kind::LoadBalancer, lb, &lb.region, &lb.name);
            node.tags = Some(&lb.tags);
            node.entry = lb.scheme.as_deref() == Some("internet-facing");
            let spots: Vec<Spot> = lb
                .availability_zones
                .iter()
                .map(|z| match &z.subnet_id {
                    Some(sn)
                        if self
                            .subnets
                            .contains_key(&(lb.region.as_str(), sn.as_str())) =>
                    {
                        Spot {
                            place: self.subnet(&lb.region, sn).place,
                            nat: None,
                            count: 1,
                        }
                    }
                    _ => Spot::at(self.place(&z.zone_name)),
                })
                .collect();
            node.evidence.push((
                "AvailabilityZones".into(),
                lb.availability_zones
                    .iter()
                    .map(|z| z.zone_name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
            node.body = match self.m_incomplete(Kind::TargetGroup, &lb.region) {
                Some(why) => Body::Unknown(why.into()),
                None => Body::Spread {
                    spots,
                    what: "load balancer nodes",
                },
            };
            for to in tgs_of_lb.get(lb.arn.as_str()).into_iter().flatten() {
                node.deps.push(Dep {
                    to: *to,
                    edge: "target-group",
                    critical: true,
                });
            }
            let ix = self.push(node);
            self.lb_by_arn.insert(&lb.arn, ix);
            if let Some(dns) = &lb.dns_name {
                self.g_dns(dns_key(dns), ix);
            }
        }
        for (tg_ix, lb_arn) in alb_targets {
            if let Some(to) = self.lb_by_arn.get(lb_arn) {
                self.g.nodes[tg_ix].deps.push(Dep {
                    to: *to,
                    edge: "alb-target",
                    critical: true,
                });
            }
        }
    }

    fn g_dns(&mut self, key: String, ix: usize) {
        self.by_dns.insert(key, ix);
    }

    fn m_incomplete(&self, kind: Kind, region: &str) -> Option<String> {
        self.m
            .incomplete
            .iter()
            .find(|s| s.kind == kind && (s.region == region || s.region == GLOBAL_REGION))
            .map(|s| {
                format!(
                    "{} could not be listed in {}: {}",
                    s.kind, s.region, s.reason
                )
            })
    }

    fn instances_alone(&mut self) {
        let s = self.s;
        let in_groups: std::collections::HashSet<(&str, &str)> = s
            .autoscaling
            .groups
            .iter()
            .flat_map(|g| {
                g.instances
                    .iter()
                    .map(move |i| (g.region.as_str(), i.instance_id.as_str()))
            })
            .collect();
        for i in &s.ec2.instances {
            if !matches!(i.state.as_str(), "running" | "pending")
                || in_groups.contains(&(i.region.as_str(), i.instance_id.as_str()))
            {
                continue;
            }
            let mut node = self.node(Kind::Instance, i, &i.region, &i.instance_id);
            node.tags = Some(&i.tags);
            node.stateful = true;
            let spot = match &i.subnet_id {
                Some(sn) => Spot {
                    place: self.subnet(&i.region, sn).place,
                    nat: None,
                    count: 1,
                },
                None => Spot::at(self.place(&i.availability_zone)),
            };
            let spot = match spot.place {
                Place::Unknown(_) => Spot::at(self.place(&i.availability_zone)),
                _ => spot,
            };
            node.evidence
                .push(("AvailabilityZone".into(), i.availability_zone.clone()));
            node.body = Body::Zonal {
                spot,
                fallback: Fallback::manual("relaunch in another AZ (not automatic)", false),
            };
            let ix = self.push(node);
            for ip in [&i.public_ip_address, &i.private_ip_address]
                .into_iter()
                .flatten()
            {
                self.by_dns.insert(ip.clone(), ix);
            }
        }
    }
}

impl<'g, 'a, 'm> Builder<'g, 'a, 'm> {
    fn databases(&mut self) {
        let s = self.s;
        let by_id: HashMap<(&str, &str), &crate::snapshot::DbInstance> = s
            .rds
            .db_instances
            .iter()
            .map(|i| ((i.region.as_str(), i.db_instance_identifier.as_str()), i))
            .collect();
        let mut db_nodes: HashMap<(&str, &str), usize> = HashMap::new();
        // Replicas first, so that their sources can list them.
        let mut order: Vec<&crate::snapshot::DbInstance> = s
            .rds
            .db_instances
            .iter()
            .filter(|i| i.db_cluster_identifier.is_none())
            .collect();
        order.sort_by_key(|i| i.read_replica_source.is_none());
        for db in order {
            let mut node = self.node(Kind::DbInstance, db, &db.region, &db.db_instance_identifier);
            node.tags = Some(&db.tags);
            let az = self.place_opt(db.availability_zone.as_deref(), "AvailabilityZone");
            node.evidence = vec![
                ("MultiAZ".into(), db.multi_az.to_string()),
                (
                    "AvailabilityZone".into(),
                    db.availability_zone
                        .clone()
                        .unwrap_or_else(|| "null".into()),
                ),
            ];
            let pitr = Fallback::manual(
                "point-in-time restore into another AZ (latest restorable time is typically within 5 minutes) [RDS-pitr]",
                true,
            );
            if db.read_replica_source.is_some() {
                node.body = Body::Zonal {
                    spot: Spot::at(az),
                    fallback: Fallback::manual("re-create the read replica", false),
                };
            } else if db.multi_az {
                node.stateful = true;
                node.evidence.push((
                    "SecondaryAvailabilityZone".into(),
                    db.secondary_availability_zone
                        .clone()
                        .unwrap_or_else(|| "null".into()),
                ));
                let (lo, hi, basis) = typical::RDS_MULTI_AZ;
                node.body = Body::Pairs(vec![Pair {
                    label: "primary".into(),
                    primary: Spot::at(az.clone()),
                    standbys: vec![Spot::at(match (&db.secondary_availability_zone, &az) {
                        (Some(n), _) => self.place(n),
                        (None, Place::Az(ix)) => self.standby_azs(db, *ix),
                        (None, _) => Place::Unknown(
                            "SecondaryAvailabilityZone is not in the snapshot".into(),
                        ),
                    })],
                    automatic: true,
                    failover: Estimate::range(lo, Some(hi), basis),
                    failover_loses_data: false,
                    without_standby: pitr,
                }]);
            } else {
                node.stateful = true;
                node.body = Body::Zonal {
                    spot: Spot::at(az),
                    fallback: pitr,
                };
            }
            // Read replicas: listed with their source; one in another region is what a
            // region failure falls back on (promoted by hand).
            let mut other_regions = Vec::new();
            for r in &db.read_replica_identifiers {
                let (region, id) = crate::model::replica_source(&db.region, r);
                if let Some(to) = db_nodes.get(&(region, id)) {
                    node.deps.push(Dep {
                        to: *to,
                        edge: "read-replica",
                        critical: false,
                    });
                }
                if region != db.region && !other_regions.contains(&region.to_string()) {
                    other_regions.push(region.to_string());
                }
            }
            if !other_regions.is_empty() {
                node.region_copies = Some(super::graph::RegionCopies {
                    regions: other_regions,
                    mode: "promote the cross-region read replica (by hand)",
                    automatic: false,
                    loses_data: true,
                });
            }
            let ix = self.push(node);
            db_nodes.insert((&db.region, &db.db_instance_identifier), ix);
        }
        for c in &s.rds.db_clusters {
            let mut node = self.node(Kind::DbCluster, c, &c.region, &c.db_cluster_identifier);
            node.tags = Some(&c.tags);
            node.stateful = true;
            let aurora = c.engine.starts_with("aurora");
            let mut writer = None;
            let mut readers = Vec::new();
            for m in &c.members {
                let az = by_id
                    .get(&(c.region.as_str(), m.db_instance_identifier.as_str()))
                    .and_then(|i| i.availability_zone.as_deref());
                let spot = Spot::at(self.place_opt(
                    az,
                    &format!("the AZ of member {}", m.db_instance_identifier),
                ));
                if m.is_writer && writer.is_none() {
                    writer = Some(spot);
                } else {
                    readers.push(spot);
                }
            }
            node.evidence = vec![
                ("Engine".into(), c.engine.clone()),
                ("MultiAZ".into(), c.multi_az.to_string()),
                ("DBClusterMembers".into(), c.members.len().to_string()),
            ];
            node.body = match writer {
                None if c.engine_mode.as_deref() == Some("serverless") => Body::Unknown(
                    "an Aurora Serverless v1 cluster: where its capacity runs is not visible"
                        .into(),
                ),
                None if c.members.is_empty() => {
                    Body::Unknown("the cluster has no member instances in the snapshot".into())
                }
                None => Body::Unknown("no member of the cluster is its writer".into()),
                Some(primary) => {
                    let ((lo, hi, basis), without) = if aurora {
                        (
                            typical::AURORA_READER,
                            Fallback {
                                mode: "Aurora creates a new writer in another AZ; its storage keeps copies in three AZs [AUR-ha]",
                                automatic: true,
                                loses_data: false,
                                estimate: Some(Estimate::range(
                                    0,
                                    None,
                                    "Aurora instance re-creation time: not published",
                                )),
                            },
                        )
                    } else {
                        (
                            typical::RDS_MULTI_AZ_CLUSTER,
                            Fallback::manual(
                                "point-in-time restore into another AZ [RDS-pitr]",
                                true,
                            ),
                        )
                    };
                    Body::Pairs(vec![Pair {
                        label: "writer".into(),
                        primary,
                        standbys: readers,
                        automatic: true,
                        failover: Estimate::range(lo, Some(hi), basis),
                        failover_loses_data: false,
                        without_standby: without,
                    }])
                }
            };
            self.push(node);
        }
    }

    /// Where a Multi-AZ standby the snapshot does not name can be: RDS keeps it in another
    /// AZ than the primary's, within the DB subnet group (any AZ of the region when the
    /// group's AZs are not known).
    fn standby_azs(&self, db: &crate::snapshot::DbInstance, primary: zones::AzIx) -> Place {
        let mut candidates: Vec<zones::AzIx> = if db.subnet_group_azs.is_empty() {
            self.g.zones.of_region(&db.region)
        } else {
            db.subnet_group_azs
                .iter()
                .filter_map(|n| match self.place(n) {
                    Place::Az(ix) => Some(ix),
                    _ => None,
                })
                .collect()
        };
        candidates.retain(|ix| *ix != primary);
        candidates.sort_unstable();
        candidates.dedup();
        if candidates.is_empty() {
            Place::Unknown("SecondaryAvailabilityZone is not in the snapshot".into())
        } else {
            Place::OneOf(candidates)
        }
    }

    fn caches(&mut self) {
        let s = self.s;
        for rg in &s.elasticache.replication_groups {
            let mut node = self.node(
                Kind::ReplicationGroup,
                rg,
                &rg.region,
                &rg.replication_group_id,
            );
            node.stateful = true;
            let automatic = rg.automatic_failover.as_deref() == Some("enabled");
            node.evidence = vec![
                (
                    "AutomaticFailover".into(),
                    rg.automatic_failover
                        .clone()
                        .unwrap_or_else(|| "null".into()),
                ),
                (
                    "MultiAZ".into(),
                    rg.multi_az.clone().unwrap_or_else(|| "null".into()),
                ),
            ];
            let mut pairs = Vec::new();
            for ng in &rg.node_groups {
                let spot = |m: &crate::snapshot::NodeGroupMember| {
                    Spot::at(self.place_opt(
                        m.preferred_availability_zone.as_deref(),
                        &format!("the AZ of cache node {}", m.cache_cluster_id),
                    ))
                };
                let primary = ng
                    .members
                    .iter()
                    .position(|m| m.current_role.as_deref() == Some("primary"))
                    .or((ng.members.len() == 1).then_some(0));
                let Some(p) = primary else {
                    pairs.clear();
                    break;
                };
                pairs.push(Pair {
                    label: format!("primary of shard {}", ng.node_group_id),
                    primary: spot(&ng.members[p]),
                    standbys: ng
                        .members
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| *i != p)
                        .map(|(_, m)| spot(m))
                        .collect(),
                    automatic,
                    failover: Estimate::range(
                        0,
                        None,
                        "ElastiCache failover: AWS publishes no duration [EC-maz]",
                    ),
                    failover_loses_data: true,
                    without_standby: Fallback::manual(
                        "re-create from a backup; cached data is lost",
                        true,
                    ),
                });
            }
            node.body = if pairs.is_empty() {
                Body::Unknown("its node groups, or their primaries, are not in the snapshot".into())
            } else {
                Body::Pairs(pairs)
            };
            self.push(node);
        }
        for cc in s
            .elasticache
            .cache_clusters
            .iter()
            .filter(|c| c.replication_group_id.is_none())
        {
            let mut node = self.node(Kind::CacheCluster, cc, &cc.region, &cc.cache_cluster_id);
            node.stateful = true;
            node.evidence = vec![("Engine".into(), cc.engine.clone())];
            fn az_of<'x>(
                n: &'x crate::snapshot::CacheNode,
                cc: &'x crate::snapshot::CacheCluster,
            ) -> Option<&'x str> {
                n.availability_zone
                    .as_deref()
                    .or(cc.preferred_availability_zone.as_deref())
            }
            if cc.engine == "memcached" {
                let mut per: BTreeMap<Option<&str>, u32> = BTreeMap::new();
                for n in &cc.cache_nodes {
                    *per.entry(az_of(n, cc)).or_default() += 1;
                }
                node.body = Body::Pool(Pool {
                    unit: "nodes",
                    spots: per
                        .into_iter()
                        .map(|(az, n)| Spot {
                            place: self.place_opt(az, "the AZ of a cache node"),
                            nat: None,
                            count: n,
                        })
                        .collect(),
                    required: None,
                    replacement: None,
                    detection: None,
                });
            } else {
                let az = cc
                    .cache_nodes
                    .first()
                    .and_then(|n| az_of(n, cc))
                    .or(cc.preferred_availability_zone.as_deref());
                node.body = Body::Zonal {
                    spot: Spot::at(self.place_opt(az, "PreferredAvailabilityZone")),
                    fallback: Fallback::manual(
                        "re-create from a backup; cached data is lost",
                        true,
                    ),
                };
            }
            self.push(node);
        }
    }

    fn file_systems(&mut self) {
        for fs in &self.s.efs.file_systems {
            let mut node = self.node(Kind::FileSystem, fs, &fs.region, &fs.file_system_id);
            node.tags = Some(&fs.tags);
            node.stateful = true;
            node.body = match &fs.availability_zone_name {
                Some(az) => {
                    node.evidence
                        .push(("AvailabilityZoneName".into(), az.clone()));
                    Body::Zonal {
                        spot: Spot::at(self.place(az)),
                        fallback: Fallback::manual(
                            "restore from a backup; One Zone data in a damaged AZ may be lost [EFS-onezone]",
                            true,
                        ),
                    }
                }
                None if fs.mount_targets.is_empty() => Body::Regional,
                None => Body::Spread {
                    spots: fs
                        .mount_targets
                        .iter()
                        .map(|mt| {
                            let info = self.subnet(&fs.region, &mt.subnet_id);
                            match info.place {
                                Place::Unknown(_) => Spot::at(self.place_opt(
                                    mt.availability_zone_name.as_deref(),
                                    "the AZ of a mount target",
                                )),
                                place => Spot::at(place),
                            }
                        })
                        .collect(),
                    what: "mount targets",
                },
            };
            let copies: Vec<String> = fs
                .replication_destinations
                .iter()
                .map(|d| d.region.clone())
                .filter(|r| *r != fs.region)
                .collect();
            if !copies.is_empty() {
                node.region_copies = Some(super::graph::RegionCopies {
                    regions: copies,
                    mode: "fail over to the replica file system (by hand)",
                    automatic: false,
                    loses_data: true,
                });
            }
            self.push(node);
        }
    }

    fn tables_and_buckets(&mut self) {
        for t in &self.s.dynamodb.tables {
            let mut node = self.node(Kind::Table, t, &t.region, &t.table_name);
            node.stateful = true;
            node.body = Body::Regional;
            let copies: Vec<String> = t
                .replicas
                .iter()
                .filter(|r| r.region_name != t.region)
                .filter(|r| r.replica_status.as_deref().is_none_or(|s| s == "ACTIVE"))
                .map(|r| r.region_name.clone())
                .collect();
            if !copies.is_empty() {
                node.region_copies = Some(super::graph::RegionCopies {
                    regions: copies,
                    mode: "global table replicas keep taking reads and writes",
                    automatic: true,
                    loses_data: true,
                });
            }
            self.push(node);
        }
        for b in &self.s.s3.buckets {
            let mut node = self.node(Kind::Bucket, b, &b.region, &b.name);
            node.tags = Some(&b.tags);
            node.stateful = true;
            node.body = Body::Regional;
            let copies: Vec<String> = b
                .replication
                .iter()
                .flat_map(|r| r.rules.iter())
                .filter(|r| r.status == "Enabled")
                .filter_map(|r| {
                    let name = r.destination_bucket.rsplit(":::").next()?;
                    self.bucket_regions.get(name).map(|x| x.to_string())
                })
                .filter(|r| *r != b.region)
                .collect();
            if !copies.is_empty() {
                node.region_copies = Some(super::graph::RegionCopies {
                    regions: copies,
                    mode: "switch readers and writers to the replica bucket (by hand)",
                    automatic: false,
                    loses_data: true,
                });
            }
            let ix = self.push(node);
            self.bucket_by_name.insert(&b.name, ix);
        }
    }

    fn functions(&mut self) {
        for f in &self.s.lambda.functions {
            let mut node = self.node(Kind::Function, f, &f.region, &f.function_name);
            node.body = if f.subnet_ids.is_empty() {
                Body::Regional
            } else {
                Body::Spread {
                    spots: f
                        .subnet_ids
                        .iter()
                        .map(|sn| self.spot_in_subnet(&f.region, sn, 1))
                        .collect(),
                    what: "subnets",
                }
            };
            self.push(node);
        }
    }

    /// ECS services, before the target groups their tasks register in.
    fn ecs_services(&mut self) {
        let s = self.s;
        for svc in &s.ecs.services {
            let mut node = self.node(Kind::EcsService, svc, &svc.region, &svc.service_name);
            node.tags = Some(&svc.tags);
            let running: Vec<&crate::snapshot::EcsTask> = svc
                .tasks
                .iter()
                .filter(|t| t.last_status.as_deref().is_none_or(|x| x == "RUNNING"))
                .collect();
            node.evidence = vec![
                ("desiredCount".into(), svc.desired_count.to_string()),
                ("runningCount".into(), svc.running_count.to_string()),
                (
                    "launchType".into(),
                    svc.launch_type.clone().unwrap_or_else(|| "null".into()),
                ),
            ];
            if running.is_empty() && svc.running_count > 0 {
                node.body = Body::Unknown(
                    format!(
                        "{} running tasks, but their AZs are not in the snapshot",
                        svc.running_count
                    )
                    .into(),
                );
                let ix = self.push(node);
                for tg in &svc.target_group_arns {
                    self.ecs_by_tg.entry(tg).or_default().push(ix);
                }
                continue;
            }
            let mut per: BTreeMap<(Option<&str>, Option<&str>), u32> = BTreeMap::new();
            for t in &running {
                *per.entry((t.availability_zone.as_deref(), t.subnet_id.as_deref()))
                    .or_default() += 1;
            }
            let spots = per
                .into_iter()
                .map(|((az, subnet), n)| match subnet {
                    Some(sn) if self.subnets.contains_key(&(svc.region.as_str(), sn)) => {
                        self.spot_in_subnet(&svc.region, sn, n)
                    }
                    _ => Spot {
                        place: self.place_opt(az, "a task's AZ"),
                        nat: None,
                        count: n,
                    },
                })
                .collect();
            let fargate = svc.launch_type.as_deref() == Some("FARGATE")
                || (!svc.capacity_provider_strategy.is_empty()
                    && svc
                        .capacity_provider_strategy
                        .iter()
                        .all(|c| c.capacity_provider.starts_with("FARGATE")));
            let mut blockers = Vec::new();
            if !fargate {
                blockers.push(
                    "tasks on EC2 capacity: free room on the cluster's instances in the surviving AZs is not in the snapshot"
                        .to_string(),
                );
            }
            let launch_azs = svc
                .subnets
                .iter()
                .map(|sn| {
                    let free = self.subnet(&svc.region, sn).free_ips;
                    (self.spot_in_subnet(&svc.region, sn, 1), free)
                })
                .collect();
            let registers: Vec<&str> = svc.target_group_arns.iter().map(String::as_str).collect();
            node.body = Body::Pool(Pool {
                unit: "tasks",
                spots,
                required: Some((svc.desired_count.max(0) as u32, "desiredCount".into())),
                replacement: Some(Replacement {
                    blockers,
                    launch_azs,
                    estimate: Some(Estimate::range(0, None, "task start time: not modelled")),
                }),
                detection: None,
            });
            let ix = self.push(node);
            for tg in registers {
                self.ecs_by_tg.entry(tg).or_default().push(ix);
            }
        }
    }

    fn containers(&mut self) {
        let s = self.s;
        // A managed node group runs as an Auto Scaling group tagged with its name.
        let mut group_of: HashMap<(&str, &str, &str), usize> = HashMap::new();
        for g in &s.autoscaling.groups {
            if let (Some(c), Some(n)) = (
                g.tags.get("eks:cluster-name"),
                g.tags.get("eks:nodegroup-name"),
            ) {
                if let Some(ix) = self.asg_by_name.get(&(g.region.as_str(), g.name.as_str())) {
                    group_of.insert((g.region.as_str(), c.as_str(), n.as_str()), *ix);
                }
            }
        }
        let mut nodegroups: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for ng in &s.eks.nodegroups {
            let mut node = self.node(Kind::EksNodegroup, ng, &ng.region, &ng.nodegroup_name);
            node.tags = Some(&ng.tags);
            match group_of.get(&(ng.region.as_str(), ng.cluster_name.as_str(), ng.nodegroup_name.as_str())) {
                Some(asg) => node.deps.push(Dep {
                    to: *asg,
                    edge: "auto-scaling-group",
                    critical: true,
                }),
                None => {
                    node.body = Body::Unknown(
                        "the Auto Scaling group that runs its nodes (tag eks:nodegroup-name) is not in the snapshot"
                            .into(),
                    )
                }
            }
            let ix = self.push(node);
            nodegroups
                .entry((ng.region.as_str(), ng.cluster_name.as_str()))
                .or_default()
                .push(ix);
        }
        for c in &s.eks.clusters {
            let mut node = self.node(Kind::EksCluster, c, &c.region, &c.name);
            node.tags = Some(&c.tags);
            // The control plane runs across AZs, managed by AWS.
            node.body = Body::Regional;
            for to in nodegroups
                .get(&(c.region.as_str(), c.name.as_str()))
                .into_iter()
                .flatten()
            {
                node.deps.push(Dep {
                    to: *to,
                    edge: "node-group",
                    critical: true,
                });
            }
            self.push(node);
        }
    }

    /// The node an origin or a DNS answer names, if it is in the snapshot.
    fn resolve(&self, name: &str) -> Option<usize> {
        let key = dns_key(name);
        if let Some(ix) = self.by_dns.get(&key) {
            return Some(*ix);
        }
        // S3 REST and website endpoints: <bucket>.s3.amazonaws.com, <bucket>.s3.<region>...,
        // <bucket>.s3-website-<region>.amazonaws.com.
        for marker in [".s3.", ".s3-website-", ".s3-website."] {
            if let Some(i) = key.find(marker) {
                if let Some(ix) = self.bucket_by_name.get(&key[..i]) {
                    return Some(*ix);
                }
            }
        }
        None
    }

    fn distributions(&mut self) {
        for d in &self.s.cloudfront.distributions {
            if !d.enabled {
                continue;
            }
            let mut node = self.node(Kind::Distribution, d, GLOBAL_REGION, &d.id);
            node.entry = true;
            let mut targets: Vec<&str> = vec![d.default_target_origin_id.as_str()];
            for b in &d.cache_behaviors {
                if !targets.contains(&b.target_origin_id.as_str()) {
                    targets.push(&b.target_origin_id);
                }
            }
            let origin = |id: &str| d.origins.iter().find(|o| o.id == id);
            for t in targets {
                if let Some(group) = d.origin_groups.iter().find(|g| g.id == t) {
                    let members: Vec<Option<usize>> = group
                        .members
                        .iter()
                        .map(|m| origin(m).and_then(|o| self.resolve(&o.domain_name)))
                        .collect();
                    match members.as_slice() {
                        [Some(p), Some(s), ..] => {
                            let mut g = self.node(Kind::Distribution, d, GLOBAL_REGION, &d.id);
                            g.id = format!("{}/{}", d.id, group.id);
                            g.name = Some(format!("origin group {}", group.id));
                            g.arn = format!("{}/origin-group/{}", node.arn, group.id);
                            let (lo, hi, basis) = typical::CLOUDFRONT_ORIGIN;
                            g.choice = Some(Choice::Failover {
                                primary: *p,
                                secondary: *s,
                                checked: true,
                                detection: Estimate::range(lo, Some(hi), basis),
                                what: "CloudFront origin failover",
                            });
                            g.deps = vec![
                                Dep {
                                    to: *p,
                                    edge: "origin",
                                    critical: false,
                                },
                                Dep {
                                    to: *s,
                                    edge: "origin",
                                    critical: false,
                                },
                            ];
                            let gx = self.push(g);
                            node.deps.push(Dep {
                                to: gx,
                                edge: "origin-group",
                                critical: true,
                            });
                        }
                        [Some(p), ..] | [None, Some(p), ..] => node.deps.push(Dep {
                            to: *p,
                            edge: "origin",
                            critical: true,
                        }),
                        _ => node.evidence.push((
                            "OriginGroup".into(),
                            format!("{}: its origins are outside the snapshot", group.id),
                        )),
                    }
                } else if let Some(o) = origin(t) {
                    match self.resolve(&o.domain_name) {
                        Some(to) => node.deps.push(Dep {
                            to,
                            edge: "origin",
                            critical: true,
                        }),
                        None => node.evidence.push((
                            "Origin".into(),
                            format!("{} ({}) is outside the snapshot", o.id, o.domain_name),
                        )),
                    }
                }
            }
            let ix = self.push(node);
            self.by_dns.insert(dns_key(&d.domain_name), ix);
        }
    }

    fn records(&mut self) {
        let s = self.s;
        let checks: HashMap<&str, &crate::snapshot::HealthCheck> = s
            .route53
            .health_checks
            .iter()
            .map(|h| (h.id.as_str(), h))
            .collect();
        // One node per (zone, name, type): the answers a client can get for that name.
        let mut sets: BTreeMap<(&str, String, &str), Vec<&crate::snapshot::RecordSet>> =
            BTreeMap::new();
        for r in &s.route53.record_sets {
            if matches!(r.record_type.as_str(), "A" | "AAAA" | "CNAME") {
                sets.entry((
                    r.hosted_zone_id.as_str(),
                    dns_key(&r.name),
                    r.record_type.as_str(),
                ))
                .or_default()
                .push(r);
            }
        }
        // Records that point at records of the same zone are resolved once those exist.
        let mut later = Vec::new();
        let set_names: std::collections::HashSet<&str> =
            sets.keys().map(|(_, n, _)| n.as_str()).collect();
        for ((_zone, name, _ty), records) in &sets {
            let first = records[0];
            let mut node = self.node(Kind::Record, first, GLOBAL_REGION, name);
            node.name = Some(name.clone());
            node.entry = true;
            let mut members = Vec::new();
            let mut deferred = false;
            for r in records {
                let target = r
                    .alias_target
                    .as_ref()
                    .map(|a| a.dns_name.as_str())
                    .or(r.values.first().map(String::as_str));
                let resolved = target.and_then(|t| self.resolve(t));
                if resolved.is_none()
                    && target.is_some_and(|t| set_names.contains(dns_key(t).as_str()))
                {
                    deferred = true;
                }
                let check = r
                    .health_check_id
                    .as_deref()
                    .and_then(|id| checks.get(id))
                    .filter(|h| !h.disabled);
                let checked = check.is_some()
                    || r.alias_target
                        .as_ref()
                        .is_some_and(|a| a.evaluate_target_health);
                members.push((*r, resolved, check.copied(), checked));
            }
            let resolved: Vec<_> = members.iter().filter(|m| m.1.is_some()).collect();
            if resolved.is_empty() && !deferred {
                continue;
            }
            node.evidence.push((
                "RecordSets".into(),
                members
                    .iter()
                    .map(|(r, to, _, checked)| {
                        format!(
                            "{}{} -> {}{}",
                            r.failover
                                .as_deref()
                                .map(|f| format!("{f} "))
                                .unwrap_or_default(),
                            r.set_identifier.as_deref().unwrap_or(""),
                            if to.is_some() {
                                "in snapshot"
                            } else {
                                "outside the snapshot"
                            },
                            if *checked {
                                ", health-checked"
                            } else {
                                ", no health check"
                            }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            ));
            let detection = |r: &crate::snapshot::RecordSet,
                             h: Option<&crate::snapshot::HealthCheck>| {
                let ttl = r.ttl.map_or(typical::ELB_DNS_TTL, |t| t.max(0) as u32);
                let ttl_basis = match r.ttl {
                    Some(t) => format!("record TTL {t} s"),
                    None => format!(
                        "alias answers cached for up to {} s, the load balancer's DNS TTL [ELB-dns]",
                        typical::ELB_DNS_TTL
                    ),
                };
                let check = match h {
                    Some(h) => {
                        let i = h.request_interval.unwrap_or(typical::R53_INTERVAL);
                        let f = h.failure_threshold.unwrap_or(typical::R53_FAILURES);
                        let secs = (i * f).max(0) as u32;
                        Estimate::range(
                            secs,
                            Some(secs),
                            format!("health check {}: FailureThreshold {f} x RequestInterval {i} s [R53-hc]", h.id),
                        )
                    }
                    None => Estimate::range(
                        0,
                        Some(0),
                        "evaluate target health: follows the target's health",
                    ),
                };
                check.then(&Estimate::range(0, Some(ttl), ttl_basis))
            };
            let primary = members
                .iter()
                .find(|m| m.0.failover.as_deref() == Some("PRIMARY"));
            let secondary = members
                .iter()
                .find(|m| m.0.failover.as_deref() == Some("SECONDARY"));
            match (primary, secondary) {
                (Some(p), Some(sec)) if p.1.is_some() && sec.1.is_some() => {
                    let (pi, si) = (p.1.unwrap_or_default(), sec.1.unwrap_or_default());
                    node.choice = Some(Choice::Failover {
                        primary: pi,
                        secondary: si,
                        checked: p.3,
                        detection: detection(p.0, p.2),
                        what: "Route 53 failover",
                    });
                    node.deps = vec![
                        Dep {
                            to: pi,
                            edge: "dns-primary",
                            critical: false,
                        },
                        Dep {
                            to: si,
                            edge: "dns-secondary",
                            critical: false,
                        },
                    ];
                }
                _ if resolved.len() == 1 && members.len() == 1 => {
                    node.deps.push(Dep {
                        to: resolved[0].1.unwrap_or_default(),
                        edge: "dns",
                        critical: true,
                    });
                }
                _ => {
                    let d = members
                        .iter()
                        .map(|m| detection(m.0, m.2))
                        .fold(None, |a, e| Estimate::longest(a, Some(e)))
                        .unwrap_or_else(|| Estimate::range(0, Some(0), "no answers"));
                    let ms: Vec<(usize, bool)> = members
                        .iter()
                        .filter_map(|m| m.1.map(|to| (to, m.3)))
                        .collect();
                    node.deps = ms
                        .iter()
                        .map(|(to, _)| Dep {
                            to: *to,
                            edge: "dns",
                            critical: false,
                        })
                        .collect();
                    let outside = members.len() - ms.len();
                    node.choice = Some(Choice::Spread {
                        members: ms,
                        outside,
                        detection: d,
                    });
                }
            }
            let ix = self.push(node);
            if deferred {
                later.push((
                    ix,
                    members
                        .iter()
                        .filter_map(|m| {
                            m.0.alias_target.as_ref().map(|a| dns_key(&a.dns_name)).or(m
                                .0
                                .values
                                .first()
                                .map(|v| dns_key(v)))
                        })
                        .collect::<Vec<_>>(),
                ));
            }
            self.by_dns.entry(name.clone()).or_insert(ix);
        }
        for (ix, names) in later {
            for n in names {
                if let Some(to) = self.by_dns.get(&n).copied().filter(|to| *to != ix) {
                    if !self.g.nodes[ix].deps.iter().any(|d| d.to == to) {
                        self.g.nodes[ix].deps.push(Dep {
                            to,
                            edge: "dns",
                            critical: true,
                        });
                    }
                }
            }
        }
    }
}
