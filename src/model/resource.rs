//! One resource as rules see it: its identity, the snapshot object it was read as, and its
//! typed derived facts. Fields are reached by name: the built-in ones (`id`, `arn`,
//! `region`, `name`, `account_id`), then the derived facts, then the snapshot object's own
//! fields, so a fact can stand in for a snapshot field of the same name.

use super::facts::{Facts, Field, FieldInfo};
use super::value::{Type, Val};
use crate::registry::Kind;
use crate::snapshot::Unreadable;
use serde::ser::{self, Serialize, SerializeStruct};
use serde_json::{Map, Value as Json};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The fields every resource has, whatever its kind.
pub const BUILTIN_FIELDS: [&str; 5] = ["id", "arn", "region", "name", "account_id"];

pub struct Resource<'a> {
    pub kind: Kind,
    /// Short identifier (instance id, bucket name, ...).
    pub id: Cow<'a, str>,
    /// Human name: the `Name` tag, or the resource's own name.
    pub name: Option<Cow<'a, str>>,
    /// ARN, or for resources that have none (Route 53 records) a stable ARN-shaped identifier.
    pub arn: Cow<'a, str>,
    /// Region, or `global` for account-wide resources.
    pub region: Cow<'a, str>,
    /// The snapshot object the resource was read as; `None` for kinds the model derives.
    pub source: Option<&'a dyn Source>,
    /// The fields of `source` that could not be read, with the reason.
    pub unreadable: Option<&'a Unreadable>,
    pub facts: Box<dyn Facts + 'a>,
}

impl std::fmt::Debug for Resource<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resource")
            .field("kind", &self.kind)
            .field("id", &self.id)
            .field("region", &self.region)
            .field("facts", &self.facts)
            .finish_non_exhaustive()
    }
}

/// Where a field of a kind comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// One of [`BUILTIN_FIELDS`].
    Builtin(usize),
    /// The derived fact at this index of the kind's facts schema.
    Fact(usize),
    /// A field of the snapshot object.
    Snapshot,
}

impl<'a> Resource<'a> {
    /// Where `field` comes from for this resource (the same for every resource of a kind).
    pub fn slot(&self, field: &str) -> Slot {
        if let Some(i) = BUILTIN_FIELDS.iter().position(|b| *b == field) {
            return Slot::Builtin(i);
        }
        match self.facts.schema().iter().position(|f| f.name == field) {
            Some(i) => Slot::Fact(i),
            None => Slot::Snapshot,
        }
    }

    /// The derived fact named `name`, if the kind has one.
    pub fn fact(&self, name: &str) -> Option<Field<'_>> {
        let i = self.facts.schema().iter().position(|f| f.name == name)?;
        Some(self.facts.field(i))
    }

    /// A built-in field; `account_id` is the model's.
    pub fn builtin(&self, index: usize, account_id: &'a str) -> Val<'_> {
        match index {
            0 => Val::Str(Cow::Borrowed(&self.id)),
            1 => Val::Str(Cow::Borrowed(&self.arn)),
            2 => Val::Str(Cow::Borrowed(&self.region)),
            3 => self
                .name
                .as_deref()
                .map_or(Val::Null, |n| Val::Str(Cow::Borrowed(n))),
            _ => Val::Str(Cow::Borrowed(account_id)),
        }
    }

    /// A field's JSON, as a message placeholder shows it: `"unknown"` for a field that could
    /// not be read, `None` for a field the resource does not have.
    pub fn field_json(&self, name: &str, account_id: &str) -> Option<Json> {
        let (value, unknown) = match self.slot(name) {
            Slot::Builtin(i) => (Some(self.builtin(i, account_id).to_json()), false),
            Slot::Fact(i) => match self.facts.field(i) {
                Field::Known(v) => (Some(v.to_json()), false),
                Field::Unknown(_) => (Some(Json::Null), true),
            },
            Slot::Snapshot => {
                let mut out = [None];
                if name != "unreadable" {
                    if let Some(s) = self.source {
                        s.pick(&[name], &mut out);
                    }
                }
                (out[0].take(), false)
            }
        };
        let value = value?;
        Some(if unknown || self.unreadable_reason(name).is_some() {
            Json::String("unknown".to_string())
        } else {
            value
        })
    }

    /// Why a field could not be read, if it could not: the snapshot's reason first, as the
    /// collector gave it, else the derived fact's.
    pub fn unknown_reason(&self, name: &str) -> Option<&str> {
        if let Some(r) = self.unreadable_reason(name) {
            return Some(r);
        }
        match self.slot(name) {
            Slot::Fact(i) => match self.facts.field(i) {
                Field::Unknown(r) => Some(r),
                Field::Known(_) => None,
            },
            _ => None,
        }
    }

    /// Why a field of the snapshot object could not be read, if it could not.
    pub fn unreadable_reason(&self, field: &str) -> Option<&str> {
        self.unreadable
            .and_then(|u| u.get(field))
            .map(String::as_str)
    }

    /// Every field as the JSON map rules were judged against before facts were typed, and
    /// the fields that are unknown with their reasons. An unknown fact is `null` in the map,
    /// so that a message placeholder naming it reads "unknown".
    pub fn json_fields(&self, account_id: &str) -> (Map<String, Json>, BTreeMap<String, String>) {
        let mut fields = match self.source.map(Source::json) {
            Some(Json::Object(m)) => m,
            _ => Map::new(),
        };
        fields.remove("unreadable");
        let mut unknown: BTreeMap<String, String> = self
            .unreadable
            .map(|u| u.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        for (i, info) in self.facts.schema().iter().enumerate() {
            match self.facts.field(i) {
                Field::Known(v) => {
                    fields.insert(info.name.to_string(), v.to_json());
                }
                Field::Unknown(why) => {
                    fields.insert(info.name.to_string(), Json::Null);
                    unknown
                        .entry(info.name.to_string())
                        .or_insert_with(|| why.to_string());
                }
            }
        }
        for (i, name) in BUILTIN_FIELDS.iter().enumerate() {
            fields.insert(name.to_string(), self.builtin(i, account_id).to_json());
        }
        (fields, unknown)
    }

    /// Every field as JSON (see [`Resource::json_fields`]), for tests.
    #[cfg(test)]
    pub fn fields(&self) -> Map<String, Json> {
        self.json_fields("111122223333").0
    }

    /// The unknown fields with their reasons, for tests.
    #[cfg(test)]
    pub fn unknown(&self) -> BTreeMap<String, String> {
        self.json_fields("111122223333").1
    }

    /// The schema of the resource's kind: built-in fields, derived facts, snapshot fields.
    pub fn schema(&self) -> Vec<FieldInfo> {
        let mut out: Vec<FieldInfo> = BUILTIN_FIELDS
            .iter()
            .map(|name| FieldInfo {
                name,
                ty: if *name == "name" {
                    Type::Nullable(Box::new(Type::String))
                } else {
                    Type::String
                },
                doc: builtin_doc(name).to_string(),
            })
            .collect();
        out.extend(self.facts.schema().iter().cloned());
        out
    }
}

fn builtin_doc(name: &str) -> &'static str {
    match name {
        "id" => "The resource's short identifier (instance id, bucket name, ...).",
        "arn" => "The resource's ARN (an ARN-shaped identifier for resources that have none).",
        "region" => "The resource's region (`global` for account-wide resources).",
        "name" => "The `Name` tag, or the resource's own name; null when it has none.",
        _ => "The account the resource belongs to.",
    }
}

/// A snapshot object whose fields rules read by name: its serde serialisation, as the
/// snapshot file holds it.
pub trait Source: Sync {
    /// The JSON of the fields named in `wanted`, into the matching slots of `out` (a field the
    /// object does not have leaves its slot `None`).
    fn pick(&self, wanted: &[&str], out: &mut [Option<Json>]);
    /// The whole object as JSON.
    fn json(&self) -> Json;
    /// The names of the object's fields, serialised or skipped.
    fn field_names(&self) -> Vec<&'static str>;
    /// The JSON Schema of the object's type (with its fields' types and doc comments).
    fn json_schema(&self) -> Json;
}

impl<T: Serialize + schemars::JsonSchema + Sync> Source for T {
    fn json_schema(&self) -> Json {
        schemars::schema_for!(T).to_value()
    }

    fn pick(&self, wanted: &[&str], out: &mut [Option<Json>]) {
        let _ = self.serialize(Picker {
            wanted,
            out,
            names: None,
        });
    }

    fn json(&self) -> Json {
        serde_json::to_value(self).unwrap_or(Json::Null)
    }

    fn field_names(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        let _ = self.serialize(Picker {
            wanted: &[],
            out: &mut [],
            names: Some(&mut names),
        });
        names
    }
}

/// A serializer that keeps only the wanted fields of one struct, each serialised with
/// serde_json, and skips the others without serialising them.
struct Picker<'w, 'o, 'n> {
    wanted: &'w [&'w str],
    out: &'o mut [Option<Json>],
    /// When set, collects every field name instead.
    names: Option<&'n mut Vec<&'static str>>,
}

#[derive(Debug)]
struct NotAStruct;

impl std::fmt::Display for NotAStruct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a struct")
    }
}

impl std::error::Error for NotAStruct {}

impl ser::Error for NotAStruct {
    fn custom<M: std::fmt::Display>(_msg: M) -> Self {
        NotAStruct
    }
}

impl SerializeStruct for Picker<'_, '_, '_> {
    type Ok = ();
    type Error = NotAStruct;

    fn serialize_field<V: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &V,
    ) -> Result<(), NotAStruct> {
        if let Some(names) = self.names.as_deref_mut() {
            names.push(key);
            return Ok(());
        }
        if let Some(i) = self.wanted.iter().position(|w| *w == key) {
            self.out[i] = serde_json::to_value(value).ok();
        }
        Ok(())
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), NotAStruct> {
        if let Some(names) = self.names.as_deref_mut() {
            names.push(key);
        }
        Ok(())
    }

    fn end(self) -> Result<(), NotAStruct> {
        Ok(())
    }
}

/// Everything but a struct is refused: snapshot objects are structs.
macro_rules! refuse {
    ($($name:ident($($arg:ty),*)),* $(,)?) => {$(
        fn $name(self, $(_: $arg),*) -> Result<(), NotAStruct> {
            Err(NotAStruct)
        }
    )*};
}

impl<'w, 'o, 'n> ser::Serializer for Picker<'w, 'o, 'n> {
    type Ok = ();
    type Error = NotAStruct;
    type SerializeSeq = ser::Impossible<(), NotAStruct>;
    type SerializeTuple = ser::Impossible<(), NotAStruct>;
    type SerializeTupleStruct = ser::Impossible<(), NotAStruct>;
    type SerializeTupleVariant = ser::Impossible<(), NotAStruct>;
    type SerializeMap = ser::Impossible<(), NotAStruct>;
    type SerializeStruct = Self;
    type SerializeStructVariant = ser::Impossible<(), NotAStruct>;

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, NotAStruct> {
        Ok(self)
    }

    refuse!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_f32(f32),
        serialize_f64(f64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_none(),
        serialize_unit(),
        serialize_unit_struct(&'static str),
        serialize_unit_variant(&'static str, u32, &'static str),
    );

    fn serialize_some<V: Serialize + ?Sized>(self, _v: &V) -> Result<(), NotAStruct> {
        Err(NotAStruct)
    }
    fn serialize_newtype_struct<V: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _v: &V,
    ) -> Result<(), NotAStruct> {
        Err(NotAStruct)
    }
    fn serialize_newtype_variant<V: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _i: u32,
        _variant: &'static str,
        _v: &V,
    ) -> Result<(), NotAStruct> {
        Err(NotAStruct)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, NotAStruct> {
        Err(NotAStruct)
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, NotAStruct> {
        Err(NotAStruct)
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, NotAStruct> {
        Err(NotAStruct)
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _i: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, NotAStruct> {
        Err(NotAStruct)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, NotAStruct> {
        Err(NotAStruct)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _i: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, NotAStruct> {
        Err(NotAStruct)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, schemars::JsonSchema, Default)]
    struct Db {
        region: String,
        multi_az: bool,
        #[serde(rename = "type")]
        kind: Option<String>,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        azs: Vec<String>,
    }

    #[test]
    fn picks_only_the_wanted_fields_as_serde_json_writes_them() {
        let db = Db {
            region: "r".into(),
            multi_az: true,
            kind: None,
            azs: vec![],
        };
        let wanted = ["type", "multi_az", "missing"];
        let mut out = vec![None; 3];
        db.pick(&wanted, &mut out);
        assert_eq!(out, vec![Some(Json::Null), Some(Json::Bool(true)), None]);
        assert_eq!(db.field_names(), ["region", "multi_az", "type", "azs"]);
    }
}
