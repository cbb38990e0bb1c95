//! The values rules see: what a field of a resource holds, borrowed from the snapshot where
//! it can be.

use serde_json::Value as Json;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// A field's value. Integers are always `Int`, as rule authors compare them with plain
/// literals (`resource.backup_retention_period > 0`).
#[derive(Debug, Clone, PartialEq)]
pub enum Val<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Cow<'a, str>),
    List(Vec<Val<'a>>),
    /// An object, its members in order.
    Map(Vec<(Cow<'a, str>, Val<'a>)>),
}

impl<'a> Val<'a> {
    /// The JSON the field held before facts were typed: messages, the HTML report and rule
    /// examples read it.
    pub fn to_json(&self) -> Json {
        match self {
            Val::Null => Json::Null,
            Val::Bool(b) => Json::Bool(*b),
            Val::Int(i) => Json::from(*i),
            Val::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
            Val::Str(s) => Json::String(s.to_string()),
            Val::List(l) => Json::Array(l.iter().map(Val::to_json).collect()),
            Val::Map(m) => Json::Object(
                m.iter()
                    .map(|(k, v)| (k.to_string(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// A JSON value as rules see it, borrowing its strings.
    pub fn from_json(v: &'a Json) -> Val<'a> {
        match v {
            Json::Null => Val::Null,
            Json::Bool(b) => Val::Bool(*b),
            Json::Number(n) => match n.as_i64() {
                Some(i) => Val::Int(i),
                None => Val::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Json::String(s) => Val::Str(Cow::Borrowed(s)),
            Json::Array(a) => Val::List(a.iter().map(Val::from_json).collect()),
            Json::Object(o) => Val::Map(
                o.iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), Val::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// The same value, owning its strings.
    pub fn into_owned(self) -> Val<'static> {
        match self {
            Val::Null => Val::Null,
            Val::Bool(b) => Val::Bool(b),
            Val::Int(i) => Val::Int(i),
            Val::Float(f) => Val::Float(f),
            Val::Str(s) => Val::Str(Cow::Owned(s.into_owned())),
            Val::List(l) => Val::List(l.into_iter().map(Val::into_owned).collect()),
            Val::Map(m) => Val::Map(
                m.into_iter()
                    .map(|(k, v)| (Cow::Owned(k.into_owned()), v.into_owned()))
                    .collect(),
            ),
        }
    }
}

/// The type of a field, for the kind's schema (`ha-audit explain --fields KIND`) and for
/// checking rule examples and configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Type {
    Bool,
    Int,
    Float,
    String,
    List(Box<Type>),
    Map(Box<Type>),
    /// An object of the snapshot (its fields are named in the kind's documentation).
    Object,
    /// May also be null.
    Nullable(Box<Type>),
    /// Any JSON value.
    Any,
}

impl std::fmt::Display for Type {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Int => f.write_str("int"),
            Type::Float => f.write_str("double"),
            Type::String => f.write_str("string"),
            Type::List(t) => write!(f, "list<{t}>"),
            Type::Map(t) => write!(f, "map<string, {t}>"),
            Type::Object => f.write_str("object"),
            Type::Nullable(t) => write!(f, "{t} or null"),
            Type::Any => f.write_str("any"),
        }
    }
}

/// A Rust value that is a field of a resource.
pub trait IntoVal {
    fn val(&self) -> Val<'_>;
    fn field_type() -> Type
    where
        Self: Sized;
}

macro_rules! int_val {
    ($($t:ty),*) => {$(
        impl IntoVal for $t {
            fn val(&self) -> Val<'_> {
                // Counts and sizes: far below i64::MAX.
                Val::Int(i64::try_from(*self).unwrap_or(i64::MAX))
            }
            fn field_type() -> Type {
                Type::Int
            }
        }
    )*};
}
int_val!(i32, i64, u32, u64, usize);

impl IntoVal for bool {
    fn val(&self) -> Val<'_> {
        Val::Bool(*self)
    }
    fn field_type() -> Type {
        Type::Bool
    }
}

impl IntoVal for f64 {
    fn val(&self) -> Val<'_> {
        Val::Float(*self)
    }
    fn field_type() -> Type {
        Type::Float
    }
}

impl IntoVal for String {
    fn val(&self) -> Val<'_> {
        Val::Str(Cow::Borrowed(self))
    }
    fn field_type() -> Type {
        Type::String
    }
}

impl IntoVal for &str {
    fn val(&self) -> Val<'_> {
        Val::Str(Cow::Borrowed(self))
    }
    fn field_type() -> Type {
        Type::String
    }
}

impl IntoVal for Cow<'_, str> {
    fn val(&self) -> Val<'_> {
        Val::Str(Cow::Borrowed(self))
    }
    fn field_type() -> Type {
        Type::String
    }
}

impl<T: IntoVal> IntoVal for Option<T> {
    fn val(&self) -> Val<'_> {
        self.as_ref().map_or(Val::Null, IntoVal::val)
    }
    fn field_type() -> Type {
        Type::Nullable(Box::new(T::field_type()))
    }
}

impl<T: IntoVal> IntoVal for Vec<T> {
    fn val(&self) -> Val<'_> {
        Val::List(self.iter().map(IntoVal::val).collect())
    }
    fn field_type() -> Type {
        Type::List(Box::new(T::field_type()))
    }
}

impl<T: IntoVal> IntoVal for BTreeSet<T> {
    fn val(&self) -> Val<'_> {
        Val::List(self.iter().map(IntoVal::val).collect())
    }
    fn field_type() -> Type {
        Type::List(Box::new(T::field_type()))
    }
}

impl<K: AsRef<str>, V: IntoVal> IntoVal for BTreeMap<K, V> {
    fn val(&self) -> Val<'_> {
        Val::Map(
            self.iter()
                .map(|(k, v)| (Cow::Borrowed(k.as_ref()), v.val()))
                .collect(),
        )
    }
    fn field_type() -> Type {
        Type::Map(Box::new(V::field_type()))
    }
}

/// A field that holds whatever JSON a snapshot object serialises to: a derived fact that
/// stands in for a snapshot field (to mark it unknown), or a nested object.
impl IntoVal for Json {
    fn val(&self) -> Val<'_> {
        Val::from_json(self)
    }
    fn field_type() -> Type {
        Type::Any
    }
}

/// Declares a small object that a fact holds (a list of them, say): a struct whose
/// [`IntoVal`] is a map of its fields, in declaration order.
#[macro_export]
macro_rules! object {
    (
        $(#[doc = $sdoc:literal])*
        pub struct $name:ident $(<$lt:lifetime>)? {
            $(pub $field:ident : $ty:ty,)*
        }
    ) => {
        $(#[doc = $sdoc])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name $(<$lt>)? {
            $(pub $field: $ty,)*
        }

        impl $(<$lt>)? $crate::model::IntoVal for $name $(<$lt>)? {
            fn val(&self) -> $crate::model::Val<'_> {
                $crate::model::Val::Map(vec![$(
                    (
                        ::std::borrow::Cow::Borrowed(stringify!($field)),
                        $crate::model::IntoVal::val(&self.$field),
                    ),
                )*])
            }
            fn field_type() -> $crate::model::Type {
                $crate::model::Type::Object
            }
        }
    };
}

/// A load balancer or target group attribute read as a flag: `"true"`/`"false"` become a
/// bool, any other value stays text, and an absent attribute is null.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Attr<'a> {
    Flag(bool),
    Text(&'a str),
    #[default]
    Absent,
}

impl<'a> Attr<'a> {
    pub fn of(attrs: &'a BTreeMap<String, String>, key: &str) -> Attr<'a> {
        match attrs.get(key).map(String::as_str) {
            Some("true") => Attr::Flag(true),
            Some("false") => Attr::Flag(false),
            Some(other) => Attr::Text(other),
            None => Attr::Absent,
        }
    }
}

impl IntoVal for Attr<'_> {
    fn val(&self) -> Val<'_> {
        match self {
            Attr::Flag(b) => Val::Bool(*b),
            Attr::Text(t) => Val::Str(Cow::Borrowed(t)),
            Attr::Absent => Val::Null,
        }
    }
    fn field_type() -> Type {
        Type::Nullable(Box::new(Type::Bool))
    }
}
