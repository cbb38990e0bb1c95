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

/// Reads a file the user gave as text. A file that cannot be read, or is not UTF-8, is an
/// input error naming the file and, for bad UTF-8, the line and column of the first bad byte.
pub fn read_text(path: &std::path::Path, what: &str) -> Result<String> {
    let fail = |detail: String| Error::Input {
        path: path.to_path_buf(),
        detail: format!("cannot read {what}: {detail}"),
    };
    let bytes = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        fail(format!("line {line}, column {column}: not valid UTF-8"))
    })
}
