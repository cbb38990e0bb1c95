//! Incident Manager: the account's replication set, joined from what each scanned region
//! answered (every region lists it, only the regions it spans describe it), and the response
//! plans. One resource per account, in region `global`, whether or not a set exists: an
//! account without one has no Incident Manager set up, which HA-IM-002 judges.

use super::{distinct, Ctx, Known, Resource};
use crate::registry::{Kind, Service};
use crate::snapshot::{CollectError, Coverage, IncidentReplicationSet, GLOBAL_REGION};
use std::borrow::Cow;

crate::facts! {
    /// Facts of the account's Incident Manager replication set.
    pub struct ReplicationSetFacts<'a> {
        /// Whether the account has a replication set (Incident Manager is set up).
        pub replication_set_exists: Known<bool>,
        /// The set's status (`ACTIVE`, `CREATING`, `UPDATING`, `DELETING`, `FAILED`); null
        /// without a set.
        pub status: Known<Option<&'a str>>,
        /// The regions the set replicates to, whatever their status; empty without a set.
        pub regions: Known<Vec<&'a str>>,
        /// Those of them whose replication is `ACTIVE`.
        pub active_regions: Known<Vec<&'a str>>,
        /// The names of the response plans; empty without a set (plans need one).
        pub response_plans: Known<Vec<&'a str>>,
    }
}

/// The account's replication set when Incident Manager was read in at least one region (a
/// snapshot without it says nothing either way).
pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    let s = ctx.snapshot;
    let service = Service::ssmincidents.key();
    let coverage: Vec<&Coverage> = s.coverage.iter().filter(|c| c.service == service).collect();
    let sets = &s.ssmincidents.replication_sets;
    if coverage.is_empty() && sets.is_empty() {
        return;
    }
    let arn = sets.first().map(|r| r.arn.as_str());
    let f = facts(ctx, &coverage, sets);
    out.push(Resource {
        kind: Kind::IncidentReplicationSet,
        id: Cow::Owned(s.account_id.clone()),
        name: arn.and_then(|a| a.rsplit('/').next()).map(Cow::Borrowed),
        arn: match arn {
            Some(a) => Cow::Borrowed(a),
            None => Cow::Owned(format!(
                "arn:{}:ssm-incidents::{}:replication-set",
                s.partition, s.account_id
            )),
        },
        region: Cow::Borrowed(GLOBAL_REGION),
        source: None,
        unreadable: None,
        facts: Box::new(f),
    });
}

/// The operations of Incident Manager's collector. Any other failed operation in its coverage
/// entry (the account's role could not be assumed, the region was unreachable) stopped the
/// whole read.
const OWN: &[&str] = &["ListReplicationSets", "GetReplicationSet", "ListResponsePlans"];

/// Whether `e` kept `op` from answering: `op` failed, or the whole read did.
fn stops(e: &CollectError, op: &str) -> bool {
    e.operation == op || !OWN.contains(&e.operation.as_str())
}

/// The first error that kept `op` from answering in a region.
fn failed<'c>(coverage: &[&'c Coverage], op: &str) -> Option<&'c CollectError> {
    coverage
        .iter()
        .flat_map(|c| c.errors.iter())
        .find(|e| stops(e, op))
}

/// The regions where `op` answered.
fn listed_in<'c>(coverage: &[&'c Coverage], op: &str) -> Vec<&'c str> {
    coverage
        .iter()
        .filter(|c| !c.errors.iter().any(|e| stops(e, op)))
        .map(|c| c.region.as_str())
        .collect()
}

fn facts<'a>(
    ctx: &Ctx<'a>,
    coverage: &[&'a Coverage],
    sets: &'a [IncidentReplicationSet],
) -> ReplicationSetFacts<'a> {
    let list_sets = "ListReplicationSets";
    let list_plans = "ListResponsePlans";
    let plans = distinct(
        ctx.snapshot
            .ssmincidents
            .response_plans
            .iter()
            .map(|p| p.name.as_str()),
    );
    if sets.is_empty() {
        // No region listed a set: there is none if any region's listing succeeded.
        if listed_in(coverage, list_sets).is_empty() {
            let why = failed(coverage, list_sets)
                .map(|e| format!("the replication set could not be listed: {}", e.reason()))
                .unwrap_or_else(|| "Incident Manager was not read".to_string());
            return ReplicationSetFacts {
                replication_set_exists: Known::unknown(why.as_str()),
                status: Known::unknown(why.as_str()),
                regions: Known::unknown(why.as_str()),
                active_regions: Known::unknown(why.as_str()),
                response_plans: Known::unknown(why.as_str()),
            };
        }
        return ReplicationSetFacts {
            replication_set_exists: Known::Is(false),
            status: Known::Is(None),
            regions: Known::Is(Vec::new()),
            active_regions: Known::Is(Vec::new()),
            response_plans: Known::Is(plans),
        };
    }
    let mut f = ReplicationSetFacts {
        replication_set_exists: Known::Is(true),
        status: Known::Is(None),
        regions: Known::Is(Vec::new()),
        active_regions: Known::Is(Vec::new()),
        response_plans: Known::Is(plans.clone()),
    };
    match sets.iter().find(|r| r.status.is_some()) {
        Some(described) => {
            f.status = Known::Is(described.status.as_deref());
            f.regions = Known::Is(distinct(
                described.region_map.iter().map(|r| r.region.as_str()),
            ));
            f.active_regions = Known::Is(distinct(
                described
                    .region_map
                    .iter()
                    .filter(|r| r.status == "ACTIVE")
                    .map(|r| r.region.as_str()),
            ));
            // Response plans live in the set's regions: none listed is known only from a
            // region that spans the set and listed them.
            let spanning: Vec<&str> = sets
                .iter()
                .filter(|r| r.status.is_some())
                .map(|r| r.region.as_str())
                .collect();
            let listed = listed_in(coverage, list_plans);
            if plans.is_empty() && !spanning.iter().any(|r| listed.contains(r)) {
                let why = failed(coverage, list_plans)
                    .map(|e| format!("the response plans could not be listed: {}", e.reason()))
                    .unwrap_or_else(|| {
                        "no region of the replication set listed the response plans".to_string()
                    });
                f.response_plans = Known::unknown(why);
            }
        }
        None => {
            let why = sets
                .iter()
                .find_map(|r| r.unreadable.get("status").cloned())
                .unwrap_or_else(|| {
                    let scanned: Vec<&str> = sets.iter().map(|r| r.region.as_str()).collect();
                    format!(
                        "the replication set spans none of the regions scanned ({}), which \
                         cannot describe it: scan one of its regions",
                        scanned.join(", ")
                    )
                });
            crate::unknown_if!(Some(why) => f.status, f.regions, f.active_regions);
            if plans.is_empty() {
                f.response_plans = Known::unknown(
                    "the response plans are listed only by the replication set's regions, \
                     none of which answered",
                );
            }
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use crate::model::tests::{coverage_error, find};
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    const ACCOUNT: &str = "111122223333";
    const E: &str = "us-east-1";
    const W: &str = "us-west-2";
    const ARN: &str = "arn:aws:ssm-incidents::111122223333:replication-set/abc";

    fn read(region: &str) -> Coverage {
        Coverage {
            service: "ssmincidents".into(),
            region: region.into(),
            errors: vec![],
        }
    }

    fn snapshot() -> Snapshot {
        let mut s = Snapshot::new(ACCOUNT, vec![E.into(), W.into()], "t".into());
        s.coverage = vec![read(E), read(W)];
        s
    }

    fn described(region: &str) -> IncidentReplicationSet {
        IncidentReplicationSet {
            region: region.into(),
            arn: ARN.into(),
            status: Some("ACTIVE".into()),
            region_map: vec![
                IncidentReplicationRegion {
                    region: E.into(),
                    status: "ACTIVE".into(),
                },
                IncidentReplicationRegion {
                    region: W.into(),
                    status: "FAILED".into(),
                },
            ],
            ..Default::default()
        }
    }

    #[test]
    fn one_account_wide_resource_from_the_regions_answers() {
        // Nothing read: no resource (an older snapshot says nothing either way).
        let s = Snapshot::new(ACCOUNT, vec![E.into()], "t".into());
        assert_eq!(Model::build(&s).of_kind(crate::registry::Kind::IncidentReplicationSet).count(), 0);

        // Listed everywhere, no set: none, and no plan.
        let s = snapshot();
        let m = Model::build(&s);
        let r = find(&m, "ssmincidents.replication_set", ACCOUNT);
        assert_eq!(r.region, "global");
        assert_eq!(r.arn, "arn:aws:ssm-incidents::111122223333:replication-set");
        let f = r.fields();
        assert_eq!(f["replication_set_exists"], json!(false));
        assert_eq!(f["status"], json!(null));
        assert_eq!(f["response_plans"], json!([]));

        // Described by us-east-1 only; us-west-2 failed replication; plans listed in
        // us-west-2 count once.
        let mut s = snapshot();
        s.ssmincidents.replication_sets = vec![described(E)];
        for region in [E, W] {
            s.ssmincidents.response_plans.push(IncidentResponsePlan {
                region: region.into(),
                arn: "arn:aws:ssm-incidents::111122223333:response-plan/outage".into(),
                name: "outage".into(),
            });
        }
        let m = Model::build(&s);
        let r = find(&m, "ssmincidents.replication_set", ACCOUNT);
        assert_eq!(r.arn, ARN);
        assert_eq!(r.name.as_deref(), Some("abc"));
        let f = r.fields();
        assert_eq!(f["replication_set_exists"], json!(true));
        assert_eq!(f["status"], json!("ACTIVE"));
        assert_eq!(f["regions"], json!([E, W]));
        assert_eq!(f["active_regions"], json!([E]));
        assert_eq!(f["response_plans"], json!(["outage"]));
    }

    #[test]
    fn what_no_region_could_answer_is_unknown() {
        // One region's denied listing does not hide the other's answer.
        let mut s = snapshot();
        s.coverage[0] = coverage_error("ssmincidents", E, "ListReplicationSets", &[]);
        {
            let m = Model::build(&s);
            let f = find(&m, "ssmincidents.replication_set", ACCOUNT).fields();
            assert_eq!(f["replication_set_exists"], json!(false));
        }
        // Every region denied: unknown.
        s.coverage[1] = coverage_error("ssmincidents", W, "ListReplicationSets", &[]);
        let m = Model::build(&s);
        let u = find(&m, "ssmincidents.replication_set", ACCOUNT).unknown();
        assert!(
            u["replication_set_exists"].contains("ListReplicationSets failed: AccessDenied"),
            "{u:?}"
        );
        // Nothing read at all (the role could not be assumed): not "no set" either.
        let mut s = snapshot();
        for (i, region) in [E, W].into_iter().enumerate() {
            s.coverage[i] = coverage_error("ssmincidents", region, "AssumeRole", &[]);
        }
        let m = Model::build(&s);
        let u = find(&m, "ssmincidents.replication_set", ACCOUNT).unknown();
        assert!(u["replication_set_exists"].contains("AssumeRole failed"), "{u:?}");
        // A set no region describes: its regions are unknown; no plan listed by a region of
        // the set is not "no plan".
        let mut s = snapshot();
        s.ssmincidents.replication_sets = vec![IncidentReplicationSet {
            region: W.into(),
            arn: ARN.into(),
            ..Default::default()
        }];
        let m = Model::build(&s);
        let r = find(&m, "ssmincidents.replication_set", ACCOUNT);
        assert_eq!(r.fields()["replication_set_exists"], json!(true));
        let u = r.unknown();
        assert!(u["regions"].contains("spans none of the regions scanned (us-west-2)"), "{u:?}");
        assert!(u["response_plans"].contains("none of which answered"), "{u:?}");
        // Described, but the set's region could not list the plans.
        let mut s = snapshot();
        s.ssmincidents.replication_sets = vec![described(E)];
        s.coverage[0] = coverage_error("ssmincidents", E, "ListResponsePlans", &[]);
        let m = Model::build(&s);
        let u = find(&m, "ssmincidents.replication_set", ACCOUNT).unknown();
        assert!(
            u["response_plans"].contains("ListResponsePlans failed: AccessDenied"),
            "{u:?}"
        );
    }
}
