//! The resource graph built once per snapshot: every resource as a [`Resource`] (its snapshot
//! object plus typed derived facts), and the scopes whose listing was incomplete. Rules read
//! only what this module exposes.
//!
//! Each service of the registry has a model module (`model/<key>.rs`) with
//! `build(ctx, out)`. Cross-resource facts come from indexes built once in [`Ctx`] before any
//! builder runs (routing, load balancers and targets, alarms, backup coverage), so builders
//! read no other builder's output and their order does not matter.

mod alarms;
mod backup_coverage;
mod backup_selection;
mod edge;
mod elastic_ip;
mod facts;
mod resource;
mod routing;
pub mod schema;
mod value;

/// One model module per service of the registry, each with `build(ctx, out)`.
macro_rules! model_modules {
    ($($key:ident $section:ident $reach:ident $shape:ident [$($kinds:tt)*];)*) => {
        $(mod $key;)*

        /// Runs every service's builder, several at once, and returns their resources in
        /// registry order.
        fn build_all<'a>(ctx: &Ctx<'a>) -> Vec<Resource<'a>> {
            type Builder<'a> = fn(&Ctx<'a>, &mut Vec<Resource<'a>>);
            let builders: &[Builder<'a>] = &[$($key::build as Builder<'a>),*];
            let parts: Vec<Vec<Resource<'a>>> = builders
                .par_iter()
                .map(|build| {
                    let mut out = Vec::new();
                    build(ctx, &mut out);
                    out
                })
                .collect();
            // Moved part by part into a list of the right size: a growing list would hold
            // the resources twice while it is copied.
            let mut all = Vec::with_capacity(parts.iter().map(Vec::len).sum());
            for mut part in parts {
                all.append(&mut part);
            }
            all
        }
    };
}
crate::for_each_service!(model_modules);

pub use facts::{
    Always, FactValue, Facts, Field, FieldInfo, IntoReason, Known, MarkUnknown, NoFacts, Reason,
};
pub use resource::{Resource, Slot, Source, BUILTIN_FIELDS};
pub use schema::{kind_schema, KindSchema, Origin, SchemaField, SNAPSHOT_FIELD_DOC};
pub use value::{Attr, IntoVal, Type, Val};
/// Shared with the failure simulation, which joins the same names the same way.
pub(crate) use {rds::replica_source, route53::normalize_dns_name};

use crate::registry::{Kind, Service};
use crate::snapshot::{Coverage, Snapshot, Tags};
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeSet;

/// A (kind, region) whose listing failed: rules over that kind cannot judge it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct IncompleteScope {
    pub kind: Kind,
    pub region: String,
    /// Set when only part of the region is affected (e.g. one hosted zone's records).
    pub within: Option<String>,
    pub reason: String,
}

pub struct Model<'a> {
    /// The snapshot the model was built from: its typed objects, for the failure simulation.
    pub snapshot: &'a Snapshot,
    pub account_id: String,
    pub partition: String,
    pub regions: Vec<String>,
    pub taken_at: String,
    pub coverage: Vec<Coverage>,
    /// Sorted by kind name, region and id.
    pub resources: Vec<Resource<'a>>,
    pub incomplete: Vec<IncompleteScope>,
    /// For a snapshot read from a Terraform plan: by index in `resources`, the fields given
    /// the provider's default because the configuration does not set them.
    pub assumed: std::collections::HashMap<usize, &'a std::collections::BTreeMap<String, String>>,
}

impl<'a> Model<'a> {
    pub fn build(snapshot: &'a Snapshot) -> Model<'a> {
        let ctx = Ctx::new(snapshot, incomplete_scopes(&snapshot.coverage));
        let mut resources = build_all(&ctx);
        let incomplete = ctx.incomplete;
        // By kind name, then region and id: the order every report lists resources in.
        sort_in_place(&mut resources, |a, b| {
            (a.kind.key(), &a.region, &a.id).cmp(&(b.kind.key(), &b.region, &b.id))
        });
        let assumed = plan_values(snapshot, &mut resources);
        Model {
            snapshot,
            account_id: snapshot.account_id.clone(),
            partition: snapshot.partition.clone(),
            regions: snapshot.regions.clone(),
            taken_at: snapshot.taken_at.clone(),
            coverage: snapshot.coverage.clone(),
            resources,
            incomplete,
            assumed,
        }
    }

    pub fn of_kind(&self, kind: Kind) -> impl Iterator<Item = &Resource<'a>> + '_ {
        self.resources.iter().filter(move |r| r.kind == kind)
    }

    /// The resource of `kind` with `id`, in any region.
    pub fn find(&self, kind: Kind, id: &str) -> Option<&Resource<'a>> {
        self.of_kind(kind).find(|r| r.id == id)
    }
}

/// Shared inputs of the per-service builders, and the indexes that join resources across
/// services, built once before any builder runs.
pub(crate) struct Ctx<'a> {
    pub snapshot: &'a Snapshot,
    pub incomplete: Vec<IncompleteScope>,
    /// (region, subnet id) -> AZ name, built once for every subnet join.
    subnet_az: std::collections::HashMap<(&'a str, &'a str), &'a str>,
    /// Route tables, NAT gateways and subnets by id: where each subnet's traffic goes.
    pub routing: routing::Routing<'a>,
    /// Load balancers, target groups and registered targets, joined both ways.
    pub elb: elbv2::Index<'a>,
    /// CloudWatch alarms by region, with whether each one's firing reaches someone.
    pub alarms: alarms::Index<'a>,
    /// AWS Backup plans and recovery points by region.
    pub backup: backup_coverage::Index<'a>,
    /// Web ACL associations and Shield Advanced protections.
    edge: edge::Index<'a>,
    /// Why a service's resources in a region are not all known, by (service, region).
    not_collected: NotCollected<'a>,
}

/// Per region: per service of [`Service::ALL`], why its resources are not all known.
type NotCollected<'a> = Vec<(&'a str, Vec<Option<Reason>>)>;

impl<'a> Ctx<'a> {
    fn new(snapshot: &'a Snapshot, incomplete: Vec<IncompleteScope>) -> Ctx<'a> {
        let ((routing, elb), (alarms, backup)) = rayon::join(
            || {
                rayon::join(
                    || routing::Routing::new(snapshot),
                    || elbv2::Index::new(snapshot),
                )
            },
            || {
                rayon::join(
                    || alarms::Index::new(snapshot),
                    || backup_coverage::Index::new(snapshot),
                )
            },
        );
        let mut ctx = Ctx {
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
            routing,
            elb,
            alarms,
            backup,
            edge: edge::Index::new(snapshot),
            not_collected: NotCollected::new(),
        };
        ctx.not_collected = ctx.not_collected_table();
        ctx
    }

    /// The AZ of a subnet, if the subnet was listed.
    pub fn subnet_az(&self, region: &str, subnet_id: &str) -> Option<&'a str> {
        self.subnet_az.get(&(region, subnet_id)).copied()
    }

    /// Why the listing of `kind` in `region` is incomplete, if it is.
    pub fn incomplete(&self, kind: Kind, region: &str) -> Option<String> {
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

    /// Why `service`'s resources in `region` are not all known: the snapshot has no coverage
    /// entry for it there (an older or hand-made snapshot, or a service added later), or one
    /// of its listings failed. `None` when every listing of the service succeeded.
    pub fn not_collected(&self, service: Service, region: &str) -> Option<Reason> {
        let known = self
            .not_collected
            .iter()
            .find(|(r, _)| *r == region)
            .and_then(|(_, per_service)| {
                let i = Service::ALL.iter().position(|s| *s == service)?;
                per_service.get(i)
            });
        match known {
            Some(why) => why.clone(),
            None => self.find_not_collected(service, region).map(Reason::from),
        }
    }

    /// [`Ctx::not_collected`] for every service in every region the snapshot read, and
    /// account-wide: asked once per resource, so answered from a table.
    fn not_collected_table(&self) -> NotCollected<'a> {
        let regions = self
            .snapshot
            .regions
            .iter()
            .map(String::as_str)
            .chain([crate::snapshot::GLOBAL_REGION]);
        regions
            .map(|region| {
                let per_service = Service::ALL
                    .iter()
                    .map(|s| self.find_not_collected(*s, region).map(Reason::from))
                    .collect();
                (region, per_service)
            })
            .collect()
    }

    fn find_not_collected(&self, service: Service, region: &str) -> Option<String> {
        let service = service.key();
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

    /// `arn:<partition>:<service>:<region>:<account>:<what>/<id>`, for resources whose
    /// snapshot object carries no ARN.
    pub fn arn(&self, service: &str, region: &str, what: &str, id: &str) -> String {
        format!(
            "arn:{}:{service}:{region}:{}:{what}/{id}",
            self.snapshot.partition, self.snapshot.account_id
        )
    }

    /// The ARN the snapshot object carries, or, when it carries none (the detail call that
    /// returns it failed, or an older snapshot), one built by [`Ctx::arn`].
    pub fn arn_or<'s>(
        &self,
        given: &'s str,
        service: &str,
        region: &str,
        what: &str,
        id: &str,
    ) -> std::borrow::Cow<'s, str> {
        if given.is_empty() {
            std::borrow::Cow::Owned(self.arn(service, region, what, id))
        } else {
            std::borrow::Cow::Borrowed(given)
        }
    }
}

/// Sorts `items` stably by `cmp`, on every core, without a second copy of them: the order is
/// worked out on indexes, then the items are moved into it along its cycles. (A merge sort
/// of the items themselves would need a buffer as large as the model.)
fn sort_in_place<T: Send + Sync>(
    items: &mut [T],
    cmp: impl Fn(&T, &T) -> std::cmp::Ordering + Sync,
) {
    let n = u32::try_from(items.len()).expect("fewer than 4 billion resources");
    // order[i]: the index of the item that goes to position i. Ties keep their order.
    let mut order: Vec<u32> = (0..n).collect();
    order
        .par_sort_unstable_by(|&a, &b| cmp(&items[a as usize], &items[b as usize]).then(a.cmp(&b)));
    const PLACED: u32 = u32::MAX;
    for start in 0..order.len() {
        let mut at = start;
        loop {
            let from = order[at];
            if from == PLACED {
                break;
            }
            order[at] = PLACED;
            let from = from as usize;
            if from == start {
                break;
            }
            // Position `at` takes its item from `from`; what `at` held moves on to `from`,
            // which is filled next.
            items.swap(at, from);
            at = from;
        }
    }
}

/// What a snapshot read from a Terraform plan adds to its resources: the fields the plan
/// leaves unknown until apply become unreadable (so rules that read them are not evaluated),
/// and the fields given a provider default are returned by resource index.
fn plan_values<'a>(
    snapshot: &'a Snapshot,
    resources: &mut [Resource<'a>],
) -> std::collections::HashMap<usize, &'a std::collections::BTreeMap<String, String>> {
    let mut assumed = std::collections::HashMap::new();
    let Some(plan) = &snapshot.terraform_plan else {
        return assumed;
    };
    let by_key: std::collections::HashMap<(&str, &str, &str), &crate::snapshot::PlanResource> =
        plan.resources
            .iter()
            .map(|r| ((r.kind.as_str(), r.region.as_str(), r.id.as_str()), r))
            .collect();
    for (i, res) in resources.iter_mut().enumerate() {
        let Some(entry) = by_key.get(&(res.kind.key(), res.region.as_ref(), res.id.as_ref()))
        else {
            continue;
        };
        // The plan reader writes a kind's unknowns here, never into the object's own map.
        if !entry.unknown.is_empty() && res.unreadable.is_none_or(|u| u.is_empty()) {
            res.unreadable = Some(&entry.unknown);
        }
        if !entry.assumed.is_empty() {
            assumed.insert(i, &entry.assumed);
        }
    }
    assumed
}

fn incomplete_scopes(coverage: &[Coverage]) -> Vec<IncompleteScope> {
    let mut out = BTreeSet::new();
    for c in coverage {
        for e in &c.errors {
            // A kind this version does not know (a newer snapshot) has no rule to judge it.
            for kind in e.kinds.iter().filter_map(|k| Kind::from_key(k)) {
                out.insert(IncompleteScope {
                    kind,
                    region: c.region.clone(),
                    within: e.resource.clone(),
                    reason: e.reason(),
                });
            }
        }
    }
    out.into_iter().collect()
}

/// Every field a resource of `kind` exposes to rules (sorted); empty for an unknown kind.
pub fn field_names(kind: &str) -> BTreeSet<String> {
    Kind::from_key(kind)
        .and_then(kind_schema)
        .map(|s| s.fields.iter().map(|f| f.info.name.to_string()).collect())
        .unwrap_or_default()
}

/// The kinds rules can judge, in registry order.
pub fn judged_kinds() -> impl Iterator<Item = Kind> {
    Kind::ALL.iter().copied().filter(|k| k.is_judged())
}

pub(crate) fn name_tag(tags: &Tags) -> Option<Cow<'_, str>> {
    tags.get("Name")
        .filter(|n| !n.is_empty())
        .map(|n| Cow::Borrowed(n.as_str()))
}

/// Sorted distinct strings.
pub(crate) fn distinct<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let set: BTreeSet<&str> = items.into_iter().collect();
    set.into_iter().collect()
}

#[cfg(test)]
mod tests;
