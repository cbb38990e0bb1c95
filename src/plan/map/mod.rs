//! Plan resource instances -> snapshot resources, kind by kind. Each mapped instance gets the
//! snapshot id of its address, a [`PlanResource`] entry with the fields the plan leaves
//! unknown and those given a provider default, and its links (subnets, NAT gateways, route
//! tables, health checks) resolved to the addresses of the instances they point at.

mod asg;
mod dynamodb;
mod ecs;
mod efs;
mod eks;
mod elasticache;
mod lambda;
mod lb;
mod network;
mod rds;
mod rds_cluster;
mod reader;
mod route53;
mod s3;
mod tg;

use super::resolve::{Bad, Inst, Plan};
use super::{View, AWS_PROVIDERS};
use crate::registry::{Kind, Reach, Service};
use crate::snapshot::*;
use reader::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// Every resource type the reader maps, with the kind it becomes or feeds: a route, an
/// association or a subnet group has no kind of its own and fills in the facts of the kind
/// named. Data sources of these types (`data.aws_subnet`) supply what already exists.
const MAPPED: &[(&str, Kind)] = &[
    ("aws_vpc", Kind::Vpc),
    ("aws_subnet", Kind::Subnet),
    ("aws_nat_gateway", Kind::NatGateway),
    ("aws_route_table", Kind::RouteTable),
    ("aws_route", Kind::RouteTable),
    ("aws_route_table_association", Kind::RouteTable),
    ("aws_main_route_table_association", Kind::RouteTable),
    ("aws_db_instance", Kind::DbInstance),
    ("aws_db_subnet_group", Kind::DbInstance),
    ("aws_rds_cluster", Kind::DbCluster),
    ("aws_rds_cluster_instance", Kind::DbCluster),
    ("aws_rds_global_cluster", Kind::DbCluster),
    ("aws_dynamodb_table", Kind::Table),
    ("aws_elasticache_replication_group", Kind::ReplicationGroup),
    ("aws_elasticache_subnet_group", Kind::ReplicationGroup),
    ("aws_elasticache_cluster", Kind::CacheCluster),
    ("aws_efs_file_system", Kind::FileSystem),
    ("aws_efs_mount_target", Kind::FileSystem),
    ("aws_efs_backup_policy", Kind::FileSystem),
    ("aws_efs_replication_configuration", Kind::FileSystem),
    ("aws_s3_bucket", Kind::Bucket),
    ("aws_s3_bucket_versioning", Kind::Bucket),
    ("aws_s3_bucket_replication_configuration", Kind::Bucket),
    ("aws_s3_bucket_object_lock_configuration", Kind::Bucket),
    ("aws_autoscaling_group", Kind::AutoScalingGroup),
    ("aws_lb", Kind::LoadBalancer),
    ("aws_alb", Kind::LoadBalancer),
    ("aws_lb_listener", Kind::LoadBalancer),
    ("aws_alb_listener", Kind::LoadBalancer),
    ("aws_lb_target_group", Kind::TargetGroup),
    ("aws_alb_target_group", Kind::TargetGroup),
    ("aws_lb_listener_rule", Kind::TargetGroup),
    ("aws_alb_listener_rule", Kind::TargetGroup),
    ("aws_lb_target_group_attachment", Kind::TargetGroup),
    ("aws_alb_target_group_attachment", Kind::TargetGroup),
    ("aws_autoscaling_attachment", Kind::AutoScalingGroup),
    (
        "aws_autoscaling_traffic_source_attachment",
        Kind::AutoScalingGroup,
    ),
    ("aws_lambda_function", Kind::Function),
    ("aws_lambda_function_event_invoke_config", Kind::Function),
    ("aws_ecs_cluster", Kind::EcsService),
    ("aws_ecs_cluster_capacity_providers", Kind::EcsService),
    ("aws_ecs_service", Kind::EcsService),
    ("aws_ecs_task_definition", Kind::EcsService),
    ("aws_eks_cluster", Kind::EksCluster),
    ("aws_eks_fargate_profile", Kind::EksCluster),
    ("aws_eks_node_group", Kind::EksNodegroup),
    ("aws_route53_zone", Kind::HostedZone),
    ("aws_route53_health_check", Kind::HealthCheck),
    ("aws_route53_record", Kind::Record),
];

/// The module part of a resource address (`module.net["a"]` of
/// `module.net["a"].aws_subnet.x`), if it is in one.
fn module_address(address: &str) -> Option<String> {
    let mut end = 0;
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        // The call name, then an optional key in brackets (which may hold dots in quotes).
        let name_end = after.find(['.', '[']).unwrap_or(after.len());
        let mut used = "module.".len() + name_end;
        let tail = &after[name_end..];
        if tail.starts_with('[') {
            used += tail.find(']').map_or(tail.len(), |i| i + 1);
        }
        end += used;
        rest = &address[end..];
        match rest.strip_prefix('.') {
            Some(r) if r.starts_with("module.") => {
                end += 1;
                rest = r;
            }
            _ => break,
        }
    }
    (end > 0).then(|| address[..end].to_string())
}

fn kind_of(rtype: &str) -> Option<Kind> {
    MAPPED.iter().find(|(t, _)| *t == rtype).map(|(_, k)| *k)
}

/// The fields of facts that describe the running account, not its configuration: a plan
/// cannot know them.
const RUNTIME: &str = "a runtime state, not known before apply";

/// The region of an instance whose provider names none the plan tells.
const UNKNOWN_REGION: &str = "unknown";

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
    // Every service a mapped type feeds counts as read, in each region of the plan: a rule on
    // one of its kinds then judges what the plan holds (possibly nothing) instead of naming the
    // service as not collected.
    let services: BTreeSet<Service> = MAPPED.iter().map(|(_, k)| k.service()).collect();
    for service in services {
        let regions = if service.reach() == Reach::Global {
            vec![GLOBAL_REGION.to_string()]
        } else {
            regions.clone()
        };
        for r in regions {
            b.snap.coverage.push(Coverage {
                service: service.key().into(),
                region: r,
                errors: Vec::new(),
            });
        }
    }
    b.plan_gaps();
    b.snap.regions = b.regions.iter().cloned().collect();
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
        UNKNOWN_REGION.to_string()
    }

    /// What the plan does not hold: each deferred instance leaves its kind incomplete in its
    /// region (within its module), and a plan that may leave resources out leaves every kind
    /// it maps incomplete. Rules over those kinds say so instead of passing on what is there.
    fn plan_gaps(&mut self) {
        for (inst, why) in &self.plan.deferred {
            let Some(kind) = kind_of(&inst.rtype) else {
                self.not_judged.push(NotJudged {
                    address: inst.address.clone(),
                    provider: inst.provider.clone(),
                    why: why.clone(),
                });
                continue;
            };
            let region = if kind.service().reach() == Reach::Global {
                GLOBAL_REGION.to_string()
            } else {
                self.region(inst)
            };
            let module = module_address(&inst.address);
            self.gap(
                kind.service(),
                &region,
                CollectError {
                    operation: "terraform plan".into(),
                    iam_action: String::new(),
                    kinds: vec![kind.key().into()],
                    resource: module,
                    code: PLAN_DEFERRED.into(),
                    message: format!("{}: {why}", inst.address),
                },
            );
        }
        if let Some(why) = &self.plan.incomplete {
            let scopes: Vec<(Service, String)> = self
                .snap
                .coverage
                .iter()
                .filter_map(|c| Some((Service::from_key(&c.service)?, c.region.clone())))
                .collect();
            for (service, region) in scopes {
                let mut kinds: Vec<String> = MAPPED
                    .iter()
                    .filter(|(_, k)| k.service() == service)
                    .map(|(_, k)| k.key().to_string())
                    .collect();
                // Several types feed one kind, and the table is not ordered by kind.
                kinds.sort_unstable();
                kinds.dedup();
                self.gap(
                    service,
                    &region,
                    CollectError {
                        operation: "terraform plan".into(),
                        iam_action: String::new(),
                        kinds,
                        resource: None,
                        code: PLAN_INCOMPLETE.into(),
                        message: why.clone(),
                    },
                );
            }
        }
    }

    fn gap(&mut self, service: Service, region: &str, e: CollectError) {
        if region != GLOBAL_REGION {
            self.regions.insert(region.to_string());
        }
        match self
            .snap
            .coverage
            .iter_mut()
            .find(|c| c.service == service.key() && c.region == region)
        {
            Some(c) => c.errors.push(e),
            None => self.snap.coverage.push(Coverage {
                service: service.key().into(),
                region: region.to_string(),
                errors: vec![e],
            }),
        }
    }

    fn entry(&mut self, inst: &Inst, kind: &str, region: &str, out: Out) {
        self.entry_id(inst, kind, region, inst.address.clone(), out);
    }

    /// The entry of an instance whose snapshot id is not its address (a service named within
    /// its cluster).
    fn entry_id(&mut self, inst: &Inst, kind: &str, region: &str, id: String, out: Out) {
        // A region the plan does not tell is no region read: rules over a region (where the
        // account's VPCs are) must not count it as one.
        if region != GLOBAL_REGION && region != UNKNOWN_REGION {
            self.regions.insert(region.to_string());
        }
        self.entries.push(PlanResource {
            address: inst.address.clone(),
            kind: kind.to_string(),
            region: region.to_string(),
            id,
            action: inst.action.to_string(),
            unknown: out.unknown,
            assumed: out.assumed,
            source: None,
        });
    }

    fn map_all(&mut self, instances: &[&Inst<'p>]) {
        let of = |t: &[&str]| of_types(instances, t);
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
        self.db_clusters(instances, &subnet_az);
        for i in of(&["aws_elasticache_replication_group"]) {
            self.replication_group(i, &subnet_az, instances);
        }
        for i in of(&["aws_elasticache_cluster"]) {
            self.cache_cluster(i, &subnet_az, instances);
        }
        for i in of(&["aws_dynamodb_table"]) {
            self.dynamodb_table(i);
        }
        self.efs(instances, &subnet_az);
        self.s3(instances);
        // Load balancers before target groups, and both before Auto Scaling groups: a
        // group's load balancers and the AZs they serve come through its target groups.
        let mut bal = self.balancing(instances);
        for i in of(&["aws_lb", "aws_alb"]) {
            if let Some(why) = self.lb(i, &subnet_az, &bal) {
                bal.lb_azs_unknown.insert(i.address.clone(), why);
            }
        }
        for i in of(&["aws_lb_target_group", "aws_alb_target_group"]) {
            self.target_group(i, &bal);
        }
        for i in of(&["aws_autoscaling_group"]) {
            self.asg(i, &subnet_az, &bal);
        }
        let invoke = self.invoke_configs(instances);
        for i in of(&["aws_lambda_function"]) {
            self.lambda(i, &subnet_az, &invoke);
        }
        let clusters = self.ecs_clusters(instances);
        let task_defs = self.ecs_task_definitions(instances);
        for i in of(&["aws_ecs_service"]) {
            self.ecs_service(i, &subnet_az, &clusters, &task_defs);
        }
        // Node groups and Fargate profiles first: a cluster's worker facts come from them.
        let workers = self.eks_workers(instances, &subnet_az);
        for i in of(&["aws_eks_cluster"]) {
            self.eks_cluster(i, &subnet_az, &workers);
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
        for i in instances {
            if kind_of(&i.rtype).is_some() || (i.data && i.rtype == "aws_caller_identity") {
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

    /// The subnets of a subnet group (DB or cache) with their AZs, the group named by its
    /// address or by the name it is given, or `None` (noted under `field` in `r`) when the
    /// group, its subnets or one of their AZs is unknown.
    fn group_subnets(
        &self,
        r: &mut Reader,
        group: &str,
        rtype: &str,
        instances: &[&Inst<'p>],
        subnet_az: &SubnetAz,
        field: &str,
    ) -> Option<Vec<(String, String)>> {
        // A group whose name is a constant is linked by that name, known before apply.
        let found = instances.iter().find(|x| {
            x.rtype == rtype
                && (x.address == group
                    || x.after.get("name").and_then(Value::as_str) == Some(group))
        });
        let Some(gi) = found else {
            r.mark(
                field,
                format!("its subnet group {group} is not in the plan"),
            );
            return None;
        };
        let mut gr = Reader::new(self.plan, gi, self.view);
        let Some(ids) = gr.links("subnet_ids", "subnet_ids") else {
            let why = gr.out.unknown.values().next().cloned().unwrap_or_default();
            r.mark(field, why);
            return None;
        };
        match Self::azs_of(&ids, subnet_az) {
            Ok(azs) => Some(azs),
            Err(why) => {
                r.mark(field, why);
                None
            }
        }
    }

    /// Subnet links read under `subnet_azs`: the subnets (`list_field` marked unknown when the
    /// link is), and why their AZs are unknown (marked under `subnet_azs`).
    fn subnet_links(
        r: &mut Reader,
        subnet_az: &SubnetAz,
        ids: Option<Vec<String>>,
        list_field: &str,
    ) -> (Vec<String>, Option<String>) {
        match ids {
            Some(ids) => {
                let why = Self::azs_of(&ids, subnet_az).err();
                if let Some(why) = &why {
                    r.mark("subnet_azs", why.clone());
                }
                (ids, why)
            }
            None => {
                let why = r.out.unknown.get("subnet_azs").cloned().unwrap_or_default();
                r.mark(list_field, why.clone());
                (Vec::new(), Some(why))
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
}

/// The instances of some resource types.
fn of_types<'i, 'p>(instances: &[&'i Inst<'p>], types: &[&str]) -> Vec<&'i Inst<'p>> {
    instances
        .iter()
        .copied()
        .filter(|i| types.contains(&i.rtype.as_str()))
        .collect()
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

#[cfg(test)]
mod tests {
    use super::module_address;

    #[test]
    fn the_module_of_an_address() {
        for (address, module) in [
            ("aws_subnet.a", None),
            ("aws_subnet.a[0]", None),
            ("module.net.aws_subnet.a", Some("module.net")),
            (
                "module.net[\"x.y\"].module.nat[2].aws_nat_gateway.this",
                Some("module.net[\"x.y\"].module.nat[2]"),
            ),
            ("module.net[*].aws_subnet.a[*]", Some("module.net[*]")),
        ] {
            assert_eq!(module_address(address).as_deref(), module, "{address}");
        }
    }
}
