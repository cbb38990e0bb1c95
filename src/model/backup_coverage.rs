//! The backup coverage of every stateful resource: which AWS Backup plans of its region
//! assign it (matched as AWS Backup matches selections), and how old its newest recovery
//! point is. An index built once per snapshot, read by the builders of the stateful kinds.

use super::backup_selection::selects;
use super::{distinct, Ctx, Known};
use crate::registry::{Kind, Service};
use crate::snapshot::{BackupPlan, BackupRegion, Instance, Snapshot, Tags};
use std::collections::{BTreeSet, HashMap};

/// AWS Backup plans and recovery points by region, and the instances volumes attach to.
pub(crate) struct Index<'a> {
    plans_by_region: HashMap<&'a str, Vec<&'a BackupPlan>>,
    /// (region, resource ARN) -> the newest recovery point's time, if it has one.
    protected: HashMap<(&'a str, &'a str), Option<&'a str>>,
    regions: HashMap<&'a str, &'a BackupRegion>,
    instances: HashMap<(&'a str, &'a str), &'a Instance>,
}

impl<'a> Index<'a> {
    pub fn new(s: &'a Snapshot) -> Index<'a> {
        let mut plans_by_region: HashMap<&str, Vec<&BackupPlan>> = HashMap::new();
        for p in &s.backup.plans {
            plans_by_region.entry(&p.region).or_default().push(p);
        }
        let protected = s
            .backup
            .regions
            .iter()
            .flat_map(|r| {
                r.protected_resources.iter().map(move |p| {
                    (
                        (r.region.as_str(), p.resource_arn.as_str()),
                        p.last_backup_time.as_deref(),
                    )
                })
            })
            .collect();
        // The first entry of a region wins, as a search of the list would find it.
        let mut regions = HashMap::new();
        for r in &s.backup.regions {
            regions.entry(r.region.as_str()).or_insert(r);
        }
        Index {
            plans_by_region,
            protected,
            regions,
            instances: s
                .ec2
                .instances
                .iter()
                .map(|i| ((i.region.as_str(), i.instance_id.as_str()), i))
                .collect(),
        }
    }
}

/// The resource type AWS Backup gives a kind, and whether the snapshot holds that kind's
/// tags (a tag-based selection cannot be judged without them: the S3 collector, for one,
/// does not read bucket tags).
pub(crate) fn resource_type(kind: Kind) -> (&'static str, bool) {
    match kind {
        Kind::DbInstance => ("RDS", true),
        Kind::DbCluster => ("Aurora", true),
        Kind::Table => ("DynamoDB", false),
        Kind::FileSystem => ("EFS", true),
        Kind::Volume => ("EBS", true),
        Kind::Instance => ("EC2", true),
        Kind::Bucket => ("S3", false),
        other => unreachable!("{other} is not backed up by AWS Backup"),
    }
}

/// What a stateful resource's facts say about its backups.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Coverage<'a> {
    pub resource_type: &'static str,
    /// The plans whose selections assign it.
    pub plans: Known<Vec<&'a str>>,
    /// Its newest recovery point (from `ListProtectedResources`).
    pub last_backup_time: Known<Option<&'a str>>,
    /// That point's age when the snapshot was taken, in whole hours.
    pub age_hours: Known<Option<i64>>,
}

/// What one region's plans say about one resource.
struct Assigned<'a> {
    plans: BTreeSet<&'a str>,
    /// Why another plan might assign it too, when that cannot be decided.
    undecided: Option<String>,
}

impl<'a> Ctx<'a> {
    /// The backup coverage of a resource of `kind` in `region`. `tags`: the resource's tags,
    /// `None` when they are not known (not collected for the kind, or unreadable).
    pub fn backup_coverage(
        &self,
        kind: Kind,
        region: &str,
        arn: &str,
        tags: Option<&Tags>,
    ) -> Coverage<'a> {
        let (resource_type, tags_known) = resource_type(kind);
        let tags = tags.filter(|_| tags_known);
        let assigned = self.assigned(region, arn, tags);
        let mut plans = Known::Is(distinct(assigned.plans.iter().copied()));
        if assigned.plans.is_empty() {
            crate::unknown_if!(assigned.undecided => plans);
            crate::unknown_if!(self.not_collected(Service::backup, region) => plans);
        }

        let state = self.backup.regions.get(region).copied();
        let last = self.backup.protected.get(&(region, arn)).copied().flatten();
        let mut last_backup_time = Known::Is(last);
        let mut age_hours = match last.map(|t| self.hours_before_taken(t)) {
            None => Known::Is(None),
            Some(Ok(h)) => Known::Is(Some(h)),
            Some(Err(why)) => Known::unknown(why),
        };
        if last.is_none() {
            let why = match state {
                None => Some(format!(
                    "backup was not collected in {region}, so what it would show is unknown"
                )),
                Some(b) => b.unreadable.get("protected_resources").cloned(),
            };
            crate::unknown_if!(why => last_backup_time, age_hours);
        }
        Coverage {
            resource_type,
            plans,
            last_backup_time,
            age_hours,
        }
    }

    /// The plans that back up the instances a volume is attached to (an EC2 backup
    /// snapshots every volume of the instance).
    pub fn attached_instance_backup_plans(
        &self,
        region: &str,
        attached: &[String],
    ) -> Known<Vec<&'a str>> {
        let mut plans = BTreeSet::new();
        let mut undecided = None;
        for id in attached {
            let Some(i) = self.backup.instances.get(&(region, id.as_str())) else {
                continue;
            };
            let arn = self.arn("ec2", region, "instance", &i.instance_id);
            let c = self.backup_coverage(Kind::Instance, region, &arn, Some(&i.tags));
            match c.plans {
                Known::Is(p) => plans.extend(p),
                Known::Unknown(why) => {
                    undecided.get_or_insert_with(|| {
                        format!("the backup plans of instance {id} are unknown: {why}")
                    });
                }
            }
        }
        let mut out = Known::Is(plans.iter().copied().collect::<Vec<_>>());
        if plans.is_empty() {
            if let Some(why) = undecided {
                out = Known::unknown(why);
            }
            if !attached.is_empty() {
                crate::unknown_if!(self.incomplete(Kind::Instance, region) => out);
            }
        }
        out
    }

    /// The plans of a region that assign the resource.
    fn assigned(&self, region: &str, arn: &str, tags: Option<&Tags>) -> Assigned<'a> {
        let plans = self
            .backup
            .plans_by_region
            .get(region)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut out = Assigned {
            plans: BTreeSet::new(),
            undecided: None,
        };
        for p in plans {
            let mut decided = true;
            let mut assigned = false;
            for sel in &p.selections {
                match selects(sel, arn, tags) {
                    Some(true) => assigned = true,
                    Some(false) => {}
                    None => decided = false,
                }
            }
            if assigned {
                out.plans.insert(p.name.as_str());
            } else if let Some(why) = p.unreadable.get("selections") {
                out.undecided.get_or_insert_with(|| {
                    format!(
                        "the selections of backup plan {} in {region} could not be read: {why}",
                        p.name
                    )
                });
            } else if !decided {
                out.undecided.get_or_insert_with(|| {
                    format!(
                        "backup plan {} selects resources by tag, and this resource's tags are \
                         not collected",
                        p.name
                    )
                });
            }
        }
        out
    }

    /// Whole hours from `then` to the snapshot's `taken_at`, or why that is unknown.
    pub fn hours_before_taken(&self, then: &str) -> Result<i64, String> {
        let taken = chrono::DateTime::parse_from_rfc3339(&self.snapshot.taken_at).map_err(|e| {
            format!(
                "the snapshot time {:?} is not RFC 3339: {e}",
                self.snapshot.taken_at
            )
        })?;
        let then = chrono::DateTime::parse_from_rfc3339(then)
            .map_err(|e| format!("the time {then:?} is not RFC 3339: {e}"))?;
        Ok((taken - then).num_hours())
    }
}

impl<T> Known<T> {
    /// The same unknown reason, or `f` of the value.
    pub fn map<U>(&self, f: impl FnOnce(&T) -> U) -> Known<U> {
        match self {
            Known::Is(v) => Known::Is(f(v)),
            Known::Unknown(r) => Known::Unknown(r.clone()),
        }
    }
}
