//! What every snapshot section (one service's reads) can do, so that the snapshot, the
//! collectors and the SARIF line index handle all sections alike.

use crate::registry::Kind;
use std::borrow::Cow;

/// One service's part of a snapshot.
pub trait Section: Default {
    /// Adds what another read of the same service found (another region, another job).
    fn append(&mut self, other: Self);
    fn is_empty(&self) -> bool;
    /// Puts every list in a canonical order.
    fn normalize(&mut self);
    /// Every resource of the section's listed kinds, list by list in file order.
    fn resource_keys(&self, out: &mut Vec<ResourceKey>);
    /// One default-valued item in every list: what a kind's schema is read from.
    fn template() -> Self;
}

/// A listed resource, as the model, the reports and the SARIF line index name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceKey {
    /// The section's list that holds it (`db_instances`).
    pub list: &'static str,
    pub kind: Kind,
    pub region: String,
    pub id: String,
}

/// An item of a snapshot list that is a resource of its own.
pub trait Listed {
    const KIND: Kind;
    /// Its region (`global` for account-wide kinds).
    fn region(&self) -> &str;
    /// Its short identifier, unique within (kind, region).
    fn id(&self) -> Cow<'_, str>;
}

/// Implements [`Section`] for a section struct from its lists; `list => Item` marks the
/// lists whose items are [`Listed`] resources. Each section keeps its own `sort_lists`.
macro_rules! section {
    ($section:ident { $($list:ident $(=> $item:ident)?),* $(,)? }) => {
        impl $crate::snapshot::Section for $section {
            fn append(&mut self, other: Self) {
                $(self.$list.extend(other.$list);)*
            }

            fn is_empty(&self) -> bool {
                true $(&& self.$list.is_empty())*
            }

            fn normalize(&mut self) {
                self.sort_lists();
            }

            fn template() -> Self {
                $section {
                    $($list: vec![Default::default()],)*
                }
            }

            #[allow(unused_variables)]
            fn resource_keys(&self, out: &mut Vec<$crate::snapshot::ResourceKey>) {
                // Unused by a section that lists no resource of its own (its kind is derived).
                #[allow(unused_imports)]
                use $crate::snapshot::Listed;
                $($(
                    for x in &self.$list {
                        out.push($crate::snapshot::ResourceKey {
                            list: stringify!($list),
                            kind: <$item as Listed>::KIND,
                            region: x.region().to_string(),
                            id: x.id().into_owned(),
                        });
                    }
                )?)*
            }
        }
    };
}
pub(crate) use section;

/// Implements [`Listed`] for items identified by one regional field.
macro_rules! listed {
    ($item:ident, $kind:ident, $id:ident) => {
        impl $crate::snapshot::Listed for $item {
            const KIND: $crate::registry::Kind = $crate::registry::Kind::$kind;
            fn region(&self) -> &str {
                &self.region
            }
            fn id(&self) -> std::borrow::Cow<'_, str> {
                std::borrow::Cow::Borrowed(&self.$id)
            }
        }
    };
    (global $item:ident, $kind:ident, $id:ident) => {
        impl $crate::snapshot::Listed for $item {
            const KIND: $crate::registry::Kind = $crate::registry::Kind::$kind;
            fn region(&self) -> &str {
                $crate::snapshot::GLOBAL_REGION
            }
            fn id(&self) -> std::borrow::Cow<'_, str> {
                std::borrow::Cow::Borrowed(&self.$id)
            }
        }
    };
}
pub(crate) use listed;
