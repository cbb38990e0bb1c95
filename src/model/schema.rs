//! Each kind's field schema: every field a rule can read, with its type and a one-line
//! description. It validates rules, examples and configuration at load, answers
//! `ha-audit explain --fields KIND`, and tells the HTML report which fields hold AZs.

use super::facts::FieldInfo;
use super::resource::BUILTIN_FIELDS;
use super::value::Type;
use super::Model;
use crate::registry::Kind;
use crate::snapshot::Snapshot;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Where a field of a kind comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Builtin,
    /// A derived fact of the model.
    Fact,
    /// A field of the snapshot object, as the AWS API names it.
    Snapshot,
}

/// One field of a kind's schema.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaField {
    pub info: FieldInfo,
    pub origin: Origin,
    /// It says in which AZs the resource runs ([`Kind::placement`]).
    pub places: bool,
}

/// The fields of one kind, in the order rules see them: built-in, derived, snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct KindSchema {
    pub kind: Kind,
    pub fields: Vec<SchemaField>,
}

impl KindSchema {
    pub fn field(&self, name: &str) -> Option<&SchemaField> {
        self.fields.iter().find(|f| f.info.name == name)
    }

    /// The fields that say in which AZs a resource of the kind runs, in registry order.
    pub fn placement(&self) -> impl Iterator<Item = &SchemaField> {
        self.kind
            .placement()
            .iter()
            .filter_map(|name| self.field(name))
    }

    pub fn has(&self, name: &str) -> bool {
        self.field(name).is_some()
    }
}

/// The schema of `kind`, or `None` for a kind no rule can judge.
pub fn kind_schema(kind: Kind) -> Option<&'static KindSchema> {
    static ALL: OnceLock<BTreeMap<Kind, KindSchema>> = OnceLock::new();
    ALL.get_or_init(build).get(&kind)
}

/// The schemas of every kind, from a model of a snapshot holding one default-valued item in
/// every list: what each kind's builder and snapshot object expose.
fn build() -> BTreeMap<Kind, KindSchema> {
    let snapshot = Box::leak(Box::new(Snapshot::template()));
    let model = Model::build(snapshot);
    let mut out = BTreeMap::new();
    for r in &model.resources {
        if out.contains_key(&r.kind) {
            continue;
        }
        let mut fields: Vec<SchemaField> = r
            .schema()
            .into_iter()
            .map(|info| SchemaField {
                origin: if BUILTIN_FIELDS.contains(&info.name) {
                    Origin::Builtin
                } else {
                    Origin::Fact
                },
                places: r.kind.placement().contains(&info.name),
                info,
            })
            .collect();
        if let Some(source) = r.source {
            let schema = source.json_schema();
            for name in source.field_names() {
                if name == "unreadable" || fields.iter().any(|f| f.info.name == name) {
                    continue;
                }
                fields.push(SchemaField {
                    places: r.kind.placement().contains(&name),
                    info: FieldInfo {
                        name,
                        ty: property(&schema, name).map_or(Type::Any, |p| type_of(&schema, p)),
                        doc: property(&schema, name)
                            .and_then(|p| p.get("description"))
                            .and_then(Json::as_str)
                            .map_or_else(
                                || SNAPSHOT_FIELD_DOC.to_string(),
                                |d| d.split_whitespace().collect::<Vec<_>>().join(" "),
                            ),
                    },
                    origin: Origin::Snapshot,
                });
            }
        }
        out.insert(
            r.kind,
            KindSchema {
                kind: r.kind,
                fields,
            },
        );
    }
    out
}

/// The description of a snapshot field whose struct field has no doc comment.
pub const SNAPSHOT_FIELD_DOC: &str = "As read from the AWS API.";

/// The JSON Schema of field `name` of the object that `schema` describes.
fn property<'s>(schema: &'s Json, name: &str) -> Option<&'s Json> {
    schema.get("properties")?.get(name)
}

/// The type of a snapshot field, from its JSON Schema (`root` holds the definitions that
/// `$ref` points into).
fn type_of(root: &Json, schema: &Json) -> Type {
    if let Some(target) = schema.get("$ref").and_then(Json::as_str) {
        let name = target.rsplit('/').next().unwrap_or(target);
        return match root.get("$defs").and_then(|d| d.get(name)) {
            Some(def) => type_of(root, def),
            None => Type::Any,
        };
    }
    // `Option<T>` of a referenced type: `anyOf: [T, {type: null}]`.
    if let Some(options) = schema.get("anyOf").and_then(Json::as_array) {
        let (nulls, others): (Vec<&Json>, Vec<&Json>) = options
            .iter()
            .partition(|o| o.get("type").and_then(Json::as_str) == Some("null"));
        return match (nulls.is_empty(), others.as_slice()) {
            (true, [one]) => type_of(root, one),
            (false, [one]) => nullable(type_of(root, one)),
            _ => Type::Any,
        };
    }
    if schema.get("enum").is_some() {
        return Type::String;
    }
    match schema.get("type") {
        Some(Json::String(t)) => named_type(root, schema, t),
        // `Option<T>` of a plain type: `type: [T, "null"]`.
        Some(Json::Array(types)) => {
            let named: Vec<&str> = types.iter().filter_map(Json::as_str).collect();
            match named.as_slice() {
                [t, "null"] | ["null", t] => nullable(named_type(root, schema, t)),
                _ => Type::Any,
            }
        }
        _ => Type::Any,
    }
}

fn named_type(root: &Json, schema: &Json, name: &str) -> Type {
    match name {
        "string" => Type::String,
        "boolean" => Type::Bool,
        "integer" => Type::Int,
        "number" => Type::Float,
        "array" => Type::List(Box::new(
            schema
                .get("items")
                .map_or(Type::Any, |items| type_of(root, items)),
        )),
        // A map (tags): its values' type; a struct: an object.
        "object" => match schema.get("additionalProperties") {
            Some(values) if values.is_object() => Type::Map(Box::new(type_of(root, values))),
            _ => Type::Object,
        },
        _ => Type::Any,
    }
}

fn nullable(t: Type) -> Type {
    match t {
        Type::Nullable(_) => t,
        t => Type::Nullable(Box::new(t)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_judged_kind_has_a_schema_with_its_builtins_facts_and_snapshot_fields() {
        for &kind in Kind::ALL.iter().filter(|k| k.is_judged()) {
            let s = kind_schema(kind).unwrap_or_else(|| panic!("no schema for {kind}"));
            for b in BUILTIN_FIELDS {
                assert_eq!(
                    s.field(b).map(|f| f.origin),
                    Some(Origin::Builtin),
                    "{kind} {b}"
                );
            }
            assert!(!s.has("unreadable"), "{kind}");
            for f in &s.fields {
                assert!(
                    !f.info.doc.is_empty(),
                    "{kind}.{} has no description",
                    f.info.name
                );
            }
        }
        let db = kind_schema(Kind::DbInstance).unwrap();
        assert_eq!(
            db.field("multi_az").map(|f| f.origin),
            Some(Origin::Snapshot)
        );
        assert_eq!(db.field("multi_az").map(|f| &f.info.ty), Some(&Type::Bool));
        assert_eq!(
            db.field("is_cluster_member").map(|f| f.origin),
            Some(Origin::Fact)
        );
        assert!(kind_schema(Kind::AvailabilityZone).is_none());
    }

    #[test]
    fn placement_fields_are_fields_of_their_kind_that_hold_azs() {
        let mut placed = Vec::new();
        for &kind in Kind::ALL {
            if kind.placement().is_empty() {
                continue;
            }
            placed.push(kind.key());
            let s = kind_schema(kind).unwrap_or_else(|| panic!("{kind} is not judged"));
            let fields: Vec<&SchemaField> = s.placement().collect();
            assert_eq!(
                fields.iter().map(|f| f.info.name).collect::<Vec<_>>(),
                kind.placement(),
                "{kind}: a placement field is not a field of the kind"
            );
            let lists = fields
                .iter()
                .filter(|f| matches!(f.info.ty, Type::List(_)))
                .count();
            // One list of AZs, or single AZ fields (a string, or null before it is placed).
            assert!(
                (lists == 1 && fields.len() == 1) || lists == 0,
                "{kind}: {fields:?}"
            );
            assert!(fields.iter().all(|f| f.places));
        }
        assert_eq!(
            placed,
            [
                "ec2.nat_gateway",
                "ec2.instance",
                "ec2.vpc_endpoint",
                "rds.db_instance",
                "rds.db_cluster",
                "elbv2.load_balancer",
                "autoscaling.group",
                "ebs.volume",
                "lambda.function",
                "ecs.service",
                "eks.cluster",
                "eks.nodegroup",
                "networkfirewall.firewall",
                "route53resolver.endpoint",
                "mq.broker",
                "msk.cluster",
                "fsx.file_system",
                "cloudhsm.cluster",
                "memorydb.cluster",
                "dax.cluster",
                "redshift.cluster",
                "opensearch.domain",
                "dms.replication_instance",
                "elb.load_balancer",
                "lightsail.instance",
                "lightsail.database"
            ]
        );
    }
}
