//! The resource graph built once per snapshot: every resource as a uniform [`Resource`]
//! (its snapshot fields plus derived cross-resource facts), and the scopes whose listing
//! was incomplete. Rules read only what this module exposes.

mod alarms;
mod backup;
mod backup_selection;
mod compute;
mod containers;
mod dns;
mod dynamodb;
mod ebs;
mod efs;
mod elasticache;
mod kinds;
mod load_balancing;
mod network;
mod routing;
mod serverless;
mod storage;
mod vpn;

pub use kinds::{kind_info, KindInfo, KINDS};

use crate::snapshot::{Coverage, Snapshot, Tags, Unreadable};
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// One resource as rules see it.
#[derive(Debug, Clone, Serialize)]
pub struct Resource {
    /// Resource kind, e.g. `rds.db_instance`.
    pub kind: &'static str,
    /// Short identifier (instance id, bucket name, ...).
    pub id: String,
    /// Human name: the `Name` tag, or the resource's own name.
    pub name: Option<String>,
    /// ARN, or for resources that have none (Route 53 records) a stable ARN-shaped identifier.
    pub arn: String,
    /// Region, or `global` for account-wide resources.
    pub region: String,
    /// Fields exposed to CEL as `resource.<field>`.
    pub fields: Map<String, Value>,
    /// Fields that could not be read or derived, with the reason.
    pub unknown: Unreadable,
}

/// A (kind, region) whose listing failed: rules over that kind cannot judge it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct IncompleteScope {
    pub kind: String,
    pub region: String,
    /// Set when only part of the region is affected (e.g. one hosted zone's records).
    pub within: Option<String>,
    pub reason: String,
}

pub struct Model {
    pub account_id: String,
    pub partition: String,
    pub regions: Vec<String>,
    pub taken_at: String,
    pub coverage: Vec<Coverage>,
    pub resources: Vec<Resource>,
    pub incomplete: Vec<IncompleteScope>,
}

impl Model {
    pub fn build(snapshot: &Snapshot) -> Model {
        let incomplete = incomplete_scopes(&snapshot.coverage);
        let ctx = Ctx::new(snapshot, &incomplete);
        let mut resources = Vec::new();
        network::build(&ctx, &mut resources);
        compute::build(&ctx, &mut resources);
        storage::build(&ctx, &mut resources);
        load_balancing::build(&ctx, &mut resources);
        dns::build(&ctx, &mut resources);
        elasticache::build(&ctx, &mut resources);
        dynamodb::build(&ctx, &mut resources);
        efs::build(&ctx, &mut resources);
        ebs::build(&ctx, &mut resources);
        backup::build(&ctx, &mut resources);
        // After every builder: it reads the ARNs and tags of the kinds they produced.
        backup::annotate(&ctx, &mut resources);
        serverless::build(&ctx, &mut resources);
        // Last: it adds the alarms watching the resources built above to them.
        alarms::build(&ctx, &mut resources);
        vpn::build(&ctx, &mut resources);
        containers::build(&ctx, &mut resources);
        for r in &mut resources {
            r.fields.insert("id".into(), Value::String(r.id.clone()));
            r.fields.insert("arn".into(), Value::String(r.arn.clone()));
            r.fields
                .insert("region".into(), Value::String(r.region.clone()));
            r.fields.insert(
                "name".into(),
                r.name.clone().map(Value::String).unwrap_or(Value::Null),
            );
            r.fields.insert(
                "account_id".into(),
                Value::String(snapshot.account_id.clone()),
            );
            r.fields.remove("unreadable");
        }
        resources.sort_by(|a, b| (a.kind, &a.region, &a.id).cmp(&(b.kind, &b.region, &b.id)));
        Model {
            account_id: snapshot.account_id.clone(),
            partition: snapshot.partition.clone(),
            regions: snapshot.regions.clone(),
            taken_at: snapshot.taken_at.clone(),
            coverage: snapshot.coverage.clone(),
            resources,
            incomplete,
        }
    }

    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Resource> + 'a {
        self.resources.iter().filter(move |r| r.kind == kind)
    }
}

/// Shared inputs of the per-area builders.
pub(crate) struct Ctx<'a> {
    pub snapshot: &'a Snapshot,
    pub incomplete: &'a [IncompleteScope],
    /// (region, subnet id) -> AZ name, built once for every subnet join.
    subnet_az: std::collections::HashMap<(&'a str, &'a str), &'a str>,
    /// Route tables, NAT gateways and subnets by id: where each subnet's traffic goes.
    pub routing: routing::Routing<'a>,
    /// Load balancers, target groups and registered targets, joined both ways.
    pub elb: load_balancing::Index<'a>,
}

impl<'a> Ctx<'a> {
    fn new(snapshot: &'a Snapshot, incomplete: &'a [IncompleteScope]) -> Ctx<'a> {
        Ctx {
            snapshot,
            incomplete,
            subnet_az: snapshot
                .ec2
                .subnets
                .iter()
                .map(|sn| {
                    (
                        (sn.region.as_str(), sn.subnet_id.as_str()),
                        sn.availability_zone.as_str(),
                    )
                })
                .collect(),
            routing: routing::Routing::new(snapshot),
            elb: load_balancing::Index::new(snapshot),
        }
    }

    /// The AZ of a subnet, if the subnet was listed.
    pub fn subnet_az(&self, region: &str, subnet_id: &str) -> Option<&'a str> {
        self.subnet_az.get(&(region, subnet_id)).copied()
    }

    /// Why the listing of `kind` in `region` is incomplete, if it is.
    pub fn incomplete(&self, kind: &str, region: &str) -> Option<String> {
        self.incomplete
            .iter()
            .find(|s| s.kind == kind && (s.region == region || s.region == "global"))
            .map(|s| {
                format!(
                    "{} could not be listed in {}: {}",
                    s.kind, s.region, s.reason
                )
            })
    }
}

impl Ctx<'_> {
    /// Why `service`'s resources in `region` are not all known: the snapshot has no coverage
    /// entry for it there (an older or hand-made snapshot, or a service added later), or one
    /// of its listings failed. `None` when every listing of the service succeeded.
    pub fn not_collected(&self, service: &str, region: &str) -> Option<String> {
        let mut entries = self
            .snapshot
            .coverage
            .iter()
            .filter(|c| c.service == service && (c.region == region || c.region == "global"))
            .peekable();
        if entries.peek().is_none() {
            return Some(format!(
                "{service} was not collected in {region}, so what it would show is unknown"
            ));
        }
        entries
            .flat_map(|c| c.errors.iter().map(move |e| (c, e)))
            .find(|(_, e)| !e.kinds.is_empty())
            .map(|(c, e)| {
                format!(
                    "{service} could not be listed in {}: {}",
                    c.region,
                    e.reason()
                )
            })
    }
}

fn incomplete_scopes(coverage: &[Coverage]) -> Vec<IncompleteScope> {
    let mut out = BTreeSet::new();
    for c in coverage {
        for e in &c.errors {
            for kind in &e.kinds {
                out.insert(IncompleteScope {
                    kind: kind.clone(),
                    region: c.region.clone(),
                    within: e.resource.clone(),
                    reason: e.reason(),
                });
            }
        }
    }
    out.into_iter().collect()
}

/// Serialises a snapshot struct into the field map of a resource.
pub(crate) fn fields_of<T: Serialize>(item: &T) -> Map<String, Value> {
    match serde_json::to_value(item).expect("snapshot types serialise") {
        Value::Object(m) => m,
        _ => unreachable!("snapshot resources are structs"),
    }
}

pub(crate) fn name_tag(tags: &Tags) -> Option<String> {
    tags.get("Name").filter(|n| !n.is_empty()).cloned()
}

/// Sorted distinct strings as a JSON array.
pub(crate) fn distinct<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
    let set: BTreeSet<&str> = items.into_iter().collect();
    Value::Array(set.into_iter().map(|s| Value::String(s.into())).collect())
}

/// Marks `derived` fields unknown when `source` is unknown, keeping the first reason.
pub(crate) fn propagate(unknown: &mut BTreeMap<String, String>, source: &str, derived: &[&str]) {
    if let Some(reason) = unknown.get(source).cloned() {
        for d in derived {
            unknown
                .entry((*d).to_string())
                .or_insert_with(|| reason.clone());
        }
    }
}

/// Marks `derived` fields unknown when `service` was not collected, or not completely, in
/// `region`: a cross-service fact ("no alarm watches this", "no backup plan covers this")
/// read from a service that was never listed would otherwise be a false failure or pass.
pub(crate) fn depends_on_service(
    ctx: &Ctx,
    unknown: &mut BTreeMap<String, String>,
    service: &str,
    region: &str,
    derived: &[&str],
) {
    if let Some(reason) = ctx.not_collected(service, region) {
        for d in derived {
            unknown
                .entry((*d).to_string())
                .or_insert_with(|| reason.clone());
        }
    }
}

/// Marks `derived` fields unknown when the listing they depend on is incomplete.
pub(crate) fn depends_on(
    ctx: &Ctx,
    unknown: &mut BTreeMap<String, String>,
    kind: &str,
    region: &str,
    derived: &[&str],
) {
    if let Some(reason) = ctx.incomplete(kind, region) {
        for d in derived {
            unknown
                .entry((*d).to_string())
                .or_insert_with(|| reason.clone());
        }
    }
}

/// Every field a resource of `kind` exposes to CEL (snapshot fields plus derived facts).
/// Used to reject rules and examples that name a field that does not exist.
pub fn field_names(kind: &str) -> BTreeSet<String> {
    static CACHE: std::sync::OnceLock<BTreeMap<&'static str, BTreeSet<String>>> =
        std::sync::OnceLock::new();
    CACHE
        .get_or_init(|| {
            let model = Model::build(&template_snapshot());
            let mut out: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
            for r in &model.resources {
                out.entry(r.kind)
                    .or_default()
                    .extend(r.fields.keys().cloned());
            }
            out
        })
        .get(kind)
        .cloned()
        .unwrap_or_default()
}

/// A snapshot holding one default-valued resource of every kind.
fn template_snapshot() -> Snapshot {
    use crate::snapshot as s;
    let mut snap = Snapshot::default();
    snap.ec2.vpcs.push(s::Vpc::default());
    snap.ec2.subnets.push(s::Subnet::default());
    snap.ec2.route_tables.push(s::RouteTable::default());
    snap.ec2.nat_gateways.push(s::NatGateway::default());
    snap.ec2.instances.push(s::Instance::default());
    snap.ec2.vpc_endpoints.push(s::VpcEndpoint::default());
    snap.rds.db_instances.push(s::DbInstance::default());
    snap.rds.db_clusters.push(s::DbCluster::default());
    snap.elbv2.load_balancers.push(s::LoadBalancer::default());
    snap.elbv2.target_groups.push(s::TargetGroup::default());
    snap.autoscaling.groups.push(s::AutoScalingGroup::default());
    snap.s3.buckets.push(s::Bucket::default());
    snap.route53.hosted_zones.push(s::HostedZone::default());
    snap.route53.record_sets.push(s::RecordSet::default());
    snap.route53.health_checks.push(s::HealthCheck::default());
    snap.elasticache
        .replication_groups
        .push(s::ReplicationGroup::default());
    snap.elasticache
        .cache_clusters
        .push(s::CacheCluster::default());
    snap.dynamodb.tables.push(s::Table::default());
    snap.efs.file_systems.push(s::FileSystem::default());
    snap.ebs.volumes.push(s::Volume::default());
    snap.backup.plans.push(s::BackupPlan::default());
    snap.backup.regions.push(s::BackupRegion::default());
    snap.lambda.functions.push(s::LambdaFunction::default());
    snap.cloudfront
        .distributions
        .push(s::Distribution::default());
    snap.cloudwatch.alarms.push(s::Alarm::default());
    snap.vpn.vpn_connections.push(s::VpnConnection::default());
    snap.ecs.services.push(s::EcsService::default());
    snap.eks.clusters.push(s::EksCluster::default());
    snap.eks.nodegroups.push(s::EksNodegroup::default());
    snap
}

#[cfg(test)]
mod tests;
