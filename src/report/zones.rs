//! Where each workload runs, for the HTML report's per-AZ view. Which fields hold a kind's
//! AZs comes from its schema ([`crate::registry::Kind::placement`]), not from a list here.

use crate::model::{kind_schema, Resource, SchemaField, Type};
use crate::registry::Kind;
use serde_json::Value as Json;
use std::collections::BTreeSet;

/// A resource as the AZ view shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceView {
    pub account_id: String,
    pub kind: Kind,
    pub id: String,
    pub name: Option<String>,
    pub region: String,
    pub placement: Placement,
}

/// Where a resource runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Placement {
    /// The AZs, and whether the resource could span several (a group, a load balancer, a
    /// cluster: one AZ is then a finding; an instance always sits in one).
    Zones(Vec<String>, bool),
    /// Its AZs could not be read: why.
    Unknown(String),
}

impl ResourceView {
    /// The resource as the AZ view shows it; `None` for what runs in no AZ: a kind that is
    /// not placed in AZs (a bucket, a VPC), or one that runs nowhere yet (a cluster without
    /// members).
    pub fn of(r: &Resource, account_id: &str) -> Option<ResourceView> {
        let placement = placement(r.kind, |name| match r.unknown_reason(name) {
            Some(reason) => Err(reason.to_string()),
            None => Ok(r.field_json(name, account_id).unwrap_or(Json::Null)),
        })?;
        Some(ResourceView {
            account_id: account_id.to_string(),
            kind: r.kind,
            id: r.id.to_string(),
            name: r.name.as_ref().map(|n| n.to_string()),
            region: r.region.to_string(),
            placement,
        })
    }
}

/// The placement of a resource of `kind` whose fields `field` reads (`Err`: unknown, why).
/// One list field says where its members run; otherwise each AZ field is one placement (an
/// instance and its standby).
fn placement(kind: Kind, field: impl Fn(&str) -> Result<Json, String>) -> Option<Placement> {
    let fields: Vec<&SchemaField> = kind_schema(kind)?.placement().collect();
    let spans = matches!(fields[..], [f] if matches!(f.info.ty, Type::List(_)));
    let mut zones = BTreeSet::new();
    for f in fields {
        let value = match field(f.info.name) {
            Ok(v) => v,
            Err(reason) => return Some(Placement::Unknown(reason)),
        };
        let names = match &value {
            Json::Array(items) => items.iter().collect(),
            one => vec![one],
        };
        zones.extend(
            names
                .into_iter()
                .filter_map(Json::as_str)
                .filter(|z| !z.is_empty())
                .map(str::to_string),
        );
    }
    (!zones.is_empty()).then(|| Placement::Zones(zones.into_iter().collect(), spans))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn zones_of(kind: Kind, fields: Json, unknown: &[(&str, &str)]) -> Option<Placement> {
        placement(kind, |name| {
            match unknown.iter().find(|(f, _)| *f == name) {
                Some((_, reason)) => Err(reason.to_string()),
                None => Ok(fields.get(name).cloned().unwrap_or(Json::Null)),
            }
        })
    }

    fn zones(names: &[&str], spans: bool) -> Option<Placement> {
        Some(Placement::Zones(
            names.iter().map(|z| z.to_string()).collect(),
            spans,
        ))
    }

    #[test]
    fn placement_reads_the_fields_the_kind_names() {
        // A DB instance: its AZ and its standby's, each one placement.
        let db = json!({"availability_zone": "b", "secondary_availability_zone": "a"});
        assert_eq!(
            zones_of(Kind::DbInstance, db, &[]),
            zones(&["a", "b"], false)
        );
        let single = json!({"availability_zone": "b", "secondary_availability_zone": null});
        assert_eq!(
            zones_of(Kind::DbInstance, single, &[]),
            zones(&["b"], false)
        );
        // A cluster: where its members run, not where it may place them; it may span AZs.
        let cluster = json!({"member_azs": ["a"], "availability_zones": ["a", "b", "c"]});
        assert_eq!(zones_of(Kind::DbCluster, cluster, &[]), zones(&["a"], true));
        // A cluster without members runs nowhere yet.
        let empty = json!({"member_azs": [], "availability_zones": ["a", "b"]});
        assert_eq!(zones_of(Kind::DbCluster, empty, &[]), None);
        // Networks are not workloads; a bucket runs in no AZ.
        let subnet = json!({"availability_zone": "a"});
        assert_eq!(zones_of(Kind::Subnet, subnet, &[]), None);
        assert_eq!(zones_of(Kind::Bucket, json!({}), &[]), None);
        // An unreadable AZ field is shown as unknown, with the reason.
        assert_eq!(
            zones_of(
                Kind::AutoScalingGroup,
                json!({"azs": []}),
                &[("azs", "denied")]
            ),
            Some(Placement::Unknown("denied".into()))
        );
    }
}
