//! ha-audit: a linter for high-availability best practices in a live AWS account.
//!
//! Pipeline: `collect` (the only code that talks to AWS) -> `snapshot` (serde, versioned)
//! -> `model` (indexes and derived cross-resource facts) -> `engine` (CEL rules) -> `report`.

pub mod cli;
pub mod collect;
pub mod config;
pub mod engine;
pub mod error;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod plan;
pub mod registry;
pub mod report;
pub mod simulate;
pub mod snapshot;
