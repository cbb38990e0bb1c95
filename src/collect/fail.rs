//! Turning SDK errors into coverage entries.
//!
//! Every failed call ends up as a [`CollectError`] so that the rules depending on what it
//! would have read report `not_evaluated` instead of passing on missing data.

use super::guard::Refused;
use crate::registry::Kind;
use crate::snapshot::{CollectError, Unreadable};
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use std::error::Error as StdError;

/// Longest message kept in a coverage entry: enough for the cause, short enough for a table.
const MAX_MESSAGE: usize = 300;

/// Outer error texts of the SDK that only announce their source.
const WRAPPERS: &[&str] = &[
    "service error",
    "unhandled error",
    "dispatch failure",
    "response error",
];

/// One API operation and the IAM action it needs (they differ for some S3 calls, e.g.
/// `ListBuckets` needs `s3:ListAllMyBuckets`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Op {
    pub name: &'static str,
    pub action: &'static str,
}

impl Op {
    pub(crate) const fn new(name: &'static str, action: &'static str) -> Self {
        Op { name, action }
    }

    /// A listing call failed: the given resource kinds are incomplete for the scope.
    pub(crate) fn listing_failed<E>(
        self,
        kinds: &[Kind],
        err: &SdkError<E, HttpResponse>,
    ) -> CollectError
    where
        E: ProvideErrorMetadata + StdError + 'static,
    {
        let (code, message) = classify(err);
        CollectError {
            operation: self.name.to_string(),
            iam_action: self.action.to_string(),
            kinds: kinds.iter().map(|k| k.key().to_string()).collect(),
            resource: None,
            code,
            message,
        }
    }

    /// A per-resource detail call failed: only that resource's fields are unknown.
    pub(crate) fn detail_failed<E>(
        self,
        resource: &str,
        err: &SdkError<E, HttpResponse>,
    ) -> CollectError
    where
        E: ProvideErrorMetadata + StdError + 'static,
    {
        let mut e = self.listing_failed(&[], err);
        e.resource = Some(resource.to_string());
        e
    }
}

/// Marks `fields` of a resource unreadable because of `err`.
pub(crate) fn mark_unreadable(unreadable: &mut Unreadable, fields: &[&str], err: &CollectError) {
    let reason = err.reason();
    for f in fields {
        unreadable.insert(f.to_string(), reason.clone());
    }
}

/// The error code: ours for a call that was not sent or was abandoned, the AWS code when the
/// service sent one, else a transport class.
fn classify<E>(err: &SdkError<E, HttpResponse>) -> (String, String)
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    if let Some(refused) = Refused::find(err) {
        return (refused.code().to_string(), refused.message().to_string());
    }
    if let Some(code) = err.code() {
        let message = err
            .message()
            .map(str::to_string)
            .unwrap_or_else(|| chain(err));
        return (code.to_string(), short(&message));
    }
    let status = err.raw_response().map(|r| r.status().as_u16());
    let code = match (err, status) {
        // An error status without a parseable AWS error body (e.g. an emulator's HTML 500
        // page for an operation it does not implement).
        (_, Some(s)) if !(200..300).contains(&s) => format!("http-{s}"),
        (SdkError::TimeoutError(_), _) => "timeout".to_string(),
        (SdkError::DispatchFailure(d), _) if d.is_timeout() => "timeout".to_string(),
        (SdkError::DispatchFailure(_), _) => "dispatch".to_string(),
        // A success status whose body the SDK could not deserialise (some SDKs report it as
        // an unhandled service error, others as a response error).
        (SdkError::ResponseError(_) | SdkError::ServiceError(_), _) => "response-parse".to_string(),
        (SdkError::ConstructionFailure(_), _) => "construction".to_string(),
        _ => "unknown".to_string(),
    };
    let message = match status {
        Some(s) if !(200..300).contains(&s) => {
            format!("HTTP {s} without an AWS error code: {}", chain(err))
        }
        _ => chain(err),
    };
    (code, short(&message))
}

/// The error and its sources on one line, like `DisplayErrorContext` without the trailing
/// debug dump (which can carry a whole response). Not shortened: see [`short`].
pub(crate) fn chain(err: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(err);
    while let Some(e) = current {
        let text = e.to_string();
        // Generic wrappers say nothing the code does not already say.
        let generic = WRAPPERS.contains(&text.as_str()) && e.source().is_some();
        if !generic && !parts.last().is_some_and(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    one_line(&parts.join(": "))
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One line of at most [`MAX_MESSAGE`] characters, for coverage entries.
fn short(text: &str) -> String {
    let flat = one_line(text);
    if flat.chars().count() <= MAX_MESSAGE {
        return flat;
    }
    let cut: String = flat.chars().take(MAX_MESSAGE).collect();
    format!("{cut}...")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_one_short_line() {
        assert_eq!(short("a\n  b\tc"), "a b c");
        let long = "x".repeat(1000);
        assert_eq!(short(&long).chars().count(), MAX_MESSAGE + 3);
    }
}
