//! Typed derived facts: each kind's cross-resource facts are a Rust struct declared with
//! [`facts!`], whose fields are exposed to rules by name, with their type and a one-line
//! description (the kind's schema). A fact that could not be established is
//! [`Known::Unknown`] with the reason: rules that read it are `not_evaluated`.

use super::value::{IntoVal, Type, Val};
use std::sync::Arc;

/// Why a fact is not known. One reason often stands for a whole region's resources ("backup
/// was not collected in us-east-1"), so it is shared rather than copied into each.
pub type Reason = Arc<str>;

/// What a reason can be given as: shared as it is, or made into one.
pub trait IntoReason {
    fn into_reason(self) -> Reason;
}

impl IntoReason for Reason {
    fn into_reason(self) -> Reason {
        self
    }
}

impl IntoReason for &Reason {
    fn into_reason(self) -> Reason {
        self.clone()
    }
}

impl IntoReason for String {
    fn into_reason(self) -> Reason {
        Reason::from(self)
    }
}

impl IntoReason for &String {
    fn into_reason(self) -> Reason {
        Reason::from(self.as_str())
    }
}

impl IntoReason for &str {
    fn into_reason(self) -> Reason {
        Reason::from(self)
    }
}

/// A fact, or why it is not known.
#[derive(Debug, Clone, PartialEq)]
pub enum Known<T> {
    Is(T),
    Unknown(Reason),
}

impl<T: Default> Default for Known<T> {
    fn default() -> Self {
        Known::Is(T::default())
    }
}

impl<T> Known<T> {
    /// Not known, for `reason`.
    pub fn unknown(reason: impl IntoReason) -> Known<T> {
        Known::Unknown(reason.into_reason())
    }

    /// The value, if known.
    pub fn get(&self) -> Option<&T> {
        match self {
            Known::Is(v) => Some(v),
            Known::Unknown(_) => None,
        }
    }

    pub fn is_known(&self) -> bool {
        matches!(self, Known::Is(_))
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            Known::Is(_) => None,
            Known::Unknown(r) => Some(r),
        }
    }
}

/// Something that can be marked unknown, keeping the first reason it was given.
pub trait MarkUnknown {
    fn mark_unknown(&mut self, reason: impl IntoReason);
}

impl<T> MarkUnknown for Known<T> {
    fn mark_unknown(&mut self, reason: impl IntoReason) {
        if self.is_known() {
            *self = Known::Unknown(reason.into_reason());
        }
    }
}

/// Marks each listed fact unknown for `reason`, when there is a reason:
/// `unknown_if!(ctx.incomplete(Kind::Subnet, region) => f.subnet_azs, f.subnet_count)`.
#[macro_export]
macro_rules! unknown_if {
    ($reason:expr => $($fact:expr),+ $(,)?) => {
        if let Some(reason) = $reason {
            let reason = $crate::model::IntoReason::into_reason(reason);
            $($crate::model::MarkUnknown::mark_unknown(&mut $fact, &reason);)+
        }
    };
}

/// One field of a kind as rules see it.
#[derive(Debug, Clone, PartialEq)]
pub enum Field<'a> {
    Known(Val<'a>),
    /// Could not be read or derived: the reason.
    Unknown(&'a str),
}

/// What a field is, for the schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldInfo {
    pub name: &'static str,
    pub ty: Type,
    pub doc: String,
}

/// A value of a fact field: a plain value or a [`Known`] one.
pub trait FactValue {
    fn field(&self) -> Field<'_>;
    fn fact_type() -> Type
    where
        Self: Sized;
}

impl<T: IntoVal> FactValue for Known<T> {
    fn field(&self) -> Field<'_> {
        match self {
            Known::Is(v) => Field::Known(v.val()),
            Known::Unknown(r) => Field::Unknown(r),
        }
    }
    fn fact_type() -> Type {
        T::field_type()
    }
}

/// Facts that are always known (a count of listed items, a flag from the snapshot).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Always<T>(pub T);

impl<T: IntoVal> FactValue for Always<T> {
    fn field(&self) -> Field<'_> {
        Field::Known(self.0.val())
    }
    fn fact_type() -> Type {
        T::field_type()
    }
}

/// A kind's derived facts, as the engine and reports reach them.
pub trait Facts: Send + Sync + std::fmt::Debug {
    /// Name, type and description of each fact, in declaration order.
    fn schema(&self) -> &'static [FieldInfo];
    /// The fact at `index` of the schema.
    fn field(&self, index: usize) -> Field<'_>;
}

/// Facts of a kind that derives none beyond its snapshot fields.
#[derive(Debug, Default)]
pub struct NoFacts;

impl Facts for NoFacts {
    fn schema(&self) -> &'static [FieldInfo] {
        &[]
    }
    fn field(&self, _index: usize) -> Field<'_> {
        Field::Unknown("no such fact")
    }
}

/// Declares a facts struct: each field carries a `///` description and a type that is
/// [`Known`] (may be unknown) or [`Always`] (cannot be). The struct gets a [`Facts`]
/// implementation whose schema lists the fields with their types and descriptions.
#[macro_export]
macro_rules! facts {
    (
        $(#[doc = $sdoc:literal])*
        pub struct $name:ident $(<$lt:lifetime>)? {
            $(
                $(#[doc = $doc:literal])+
                pub $field:ident : $ty:ty,
            )*
        }
    ) => {
        $(#[doc = $sdoc])*
        #[derive(Debug, Clone, Default)]
        pub struct $name $(<$lt>)? {
            $(
                $(#[doc = $doc])+
                pub $field: $ty,
            )*
        }

        impl $(<$lt>)? $crate::model::Facts for $name $(<$lt>)? {
            fn schema(&self) -> &'static [$crate::model::FieldInfo] {
                static SCHEMA: ::std::sync::OnceLock<Vec<$crate::model::FieldInfo>> =
                    ::std::sync::OnceLock::new();
                SCHEMA.get_or_init(|| vec![$(
                    $crate::model::FieldInfo {
                        name: stringify!($field),
                        ty: <$ty as $crate::model::FactValue>::fact_type(),
                        doc: concat!($($doc, " "),+).split_whitespace().collect::<Vec<_>>().join(" "),
                    },
                )*])
            }

            fn field(&self, index: usize) -> $crate::model::Field<'_> {
                #[allow(non_camel_case_types)]
                enum F { $($field,)* }
                const ALL: &[F] = &[$(F::$field,)*];
                match ALL.get(index) {
                    $(Some(F::$field) => $crate::model::FactValue::field(&self.$field),)*
                    None => $crate::model::Field::Unknown("no such fact"),
                }
            }
        }
    };
}
