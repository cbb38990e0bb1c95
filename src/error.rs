//! Errors that stop a run. Every variant maps to exit code 2 (usage, config, input or
//! credential error); findings never travel through this type.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file the user gave us could not be read or parsed.
    #[error("{path}: {detail}")]
    Input { path: PathBuf, detail: String },
    /// A rule file is malformed, or its CEL does not compile or evaluate.
    #[error("{path}: rule {rule_id}: {detail}")]
    Rule {
        path: String,
        rule_id: String,
        detail: String,
    },
    /// Bad flags or arguments that clap could not catch.
    #[error("{0}")]
    Usage(String),
    /// No usable credentials, or the identity call failed.
    #[error("credentials: {0}")]
    Credentials(String),
    /// The report could not be written.
    #[error("{path}: cannot write: {detail}")]
    Output { path: PathBuf, detail: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
