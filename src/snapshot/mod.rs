//! The account snapshot: an SDK-independent, versioned serde model.
//!
//! The snapshot is the seam of the pipeline. Collectors write it, everything after it (model,
//! engine, reports) reads only it, so a saved snapshot re-evaluated offline gives the same
//! findings as the live scan. Field names follow the AWS API in snake_case.

mod accounts;
mod coverage;
mod io;
mod lines;
mod parallel;
mod section;
mod terraform;

pub use accounts::*;
pub use coverage::*;
pub use io::*;
pub use lines::{resource_lines, ResourceLines};
pub(crate) use section::{listed, section};
pub use section::{Listed, ResourceKey, Section};
pub use terraform::{NotJudged, PlanResource, TerraformPlan};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Bumped on any change that an older reader could misread.
pub const SCHEMA_VERSION: u32 = 1;

/// Region name used for account-wide services (Route 53) in coverage and findings.
pub const GLOBAL_REGION: &str = "global";

/// AWS tags as a sorted map (deterministic output).
pub type Tags = BTreeMap<String, String>;

/// Fields of one resource that could not be read, with the reason (field name -> reason).
/// A rule that reads such a field reports `not_evaluated` for that resource.
pub type Unreadable = BTreeMap<String, String>;

/// Whether a section is left out of a snapshot file when it is empty (see the registry).
pub trait FileShape {
    const OMIT_EMPTY: bool;
}

/// `skip_serializing_if` of every section: only the `omit_empty` ones are ever left out.
fn skip_section<T: Section + FileShape>(section: &T) -> bool {
    T::OMIT_EMPTY && section.is_empty()
}

macro_rules! omit_empty {
    (always) => {
        false
    };
    (omit_empty) => {
        true
    };
}

/// The sections of [`Snapshot`], their modules and what every section of a snapshot does,
/// from the registry's service list.
macro_rules! define_snapshot {
    ($(
        $key:ident $section:ident $reach:ident $shape:ident [$($kinds:tt)*];
    )*) => {
        $(
            mod $key;
            pub use $key::*;
            impl FileShape for $section {
                const OMIT_EMPTY: bool = omit_empty!($shape);
            }
        )*

        #[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct Snapshot {
            pub schema_version: u32,
            /// Version of ha-audit that wrote the snapshot.
            pub tool_version: String,
            pub account_id: String,
            #[serde(default = "default_partition")]
            pub partition: String,
            /// RFC 3339 UTC time at which collection started.
            pub taken_at: String,
            /// Regions that were scanned.
            pub regions: Vec<String>,
            /// One entry per (service, region) collected, with every call that failed.
            #[serde(default)]
            pub coverage: Vec<Coverage>,
            $(
                #[serde(default, skip_serializing_if = "skip_section")]
                pub $key: $section,
            )*
            /// Set when the snapshot was read from a Terraform plan (see [`TerraformPlan`]).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub terraform_plan: Option<TerraformPlan>,
        }

        impl Snapshot {
            /// The account, regions, time and coverage without the resources: what a report
            /// needs once the model has been built.
            pub fn header_only(self) -> Snapshot {
                Snapshot {
                    $($key: $section::default(),)*
                    ..self
                }
            }

            /// Puts every list in a canonical order so that two collections of the same
            /// account serialise identically whatever order the concurrent calls finished in.
            pub fn normalize(&mut self) {
                self.regions.sort();
                self.regions.dedup();
                self.coverage
                    .sort_by(|a, b| (&a.service, &a.region).cmp(&(&b.service, &b.region)));
                for c in &mut self.coverage {
                    c.errors.sort_by(|a, b| {
                        (&a.operation, &a.resource, &a.code).cmp(&(&b.operation, &b.resource, &b.code))
                    });
                }
                $(self.$key.normalize();)*
            }

            /// The account, regions, time and coverage, without the resources (a copy).
            pub fn header(&self) -> Snapshot {
                Snapshot {
                    schema_version: self.schema_version,
                    tool_version: self.tool_version.clone(),
                    account_id: self.account_id.clone(),
                    partition: self.partition.clone(),
                    taken_at: self.taken_at.clone(),
                    regions: self.regions.clone(),
                    coverage: self.coverage.clone(),
                    $($key: $section::default(),)*
                    terraform_plan: self.terraform_plan.clone(),
                }
            }

            /// A snapshot holding one default-valued item in every list of every section.
            pub fn template() -> Snapshot {
                Snapshot {
                    $($key: $section::template(),)*
                    ..Snapshot::default()
                }
            }

            /// The keys of the sections, as the file names them.
            pub(crate) const SECTIONS: &'static [&'static str] = &[$(stringify!($key)),*];

            /// Parses the sections given as raw JSON (key, text) into this snapshot, each
            /// on whichever core is free.
            pub(crate) fn parse_sections(
                &mut self,
                raw: &[(&str, &serde_json::value::RawValue)],
            ) -> serde_json::Result<()> {
                let Snapshot { $($key,)* .. } = self;
                let failed = std::sync::Mutex::new(None);
                rayon::scope(|s| {
                    $(
                        if let Some((_, text)) = raw.iter().find(|(k, _)| *k == stringify!($key)) {
                            let failed = &failed;
                            s.spawn(move |_| match serde_json::from_str(text.get()) {
                                Ok(section) => *$key = section,
                                Err(e) => {
                                    failed.lock().unwrap_or_else(|p| p.into_inner()).get_or_insert(e);
                                }
                            });
                        }
                    )*
                });
                match failed.into_inner().unwrap_or_else(|p| p.into_inner()) {
                    Some(e) => Err(e),
                    None => Ok(()),
                }
            }

            /// Every listed resource, section by section in file order, with the section's
            /// key.
            pub fn resource_keys(&self) -> Vec<(&'static str, ResourceKey)> {
                let mut out = Vec::new();
                let mut keys = Vec::new();
                $(
                    self.$key.resource_keys(&mut keys);
                    out.extend(keys.drain(..).map(|k| (stringify!($key), k)));
                )*
                out
            }
        }
    };
}

crate::for_each_service!(define_snapshot);

fn default_partition() -> String {
    "aws".to_string()
}

impl Snapshot {
    pub fn new(account_id: impl Into<String>, regions: Vec<String>, taken_at: String) -> Self {
        Snapshot {
            schema_version: SCHEMA_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            account_id: account_id.into(),
            partition: default_partition(),
            taken_at,
            regions,
            ..Default::default()
        }
    }
}
