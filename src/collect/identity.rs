//! Who we are: the account id and partition, from STS GetCallerIdentity.
//!
//! This is the first call of a scan, so it doubles as the credential check: a scan without
//! working credentials stops here with a clear message instead of filling every coverage
//! entry with the same error.

use super::fail::chain;
use crate::error::{Error, Result};
use aws_config::meta::ProviderChainError;
use aws_config::{Region, SdkConfig};
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_sts::config::ProvideCredentials;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use std::error::Error as _;

pub const ACTIONS: &[&str] = &["sts:GetCallerIdentity"];

/// What to do instead, at the end of every "no credentials" and "no region" error: someone
/// trying ha-audit for the first time most often has neither, and the demo needs neither.
pub(super) const TRY_INSTEAD: &str = "or try it without an account: \
    ha-audit scan --snapshot fixtures/demo-account.json";

/// AWS error codes that mean "these credentials are not accepted".
const REJECTED: &[&str] = &[
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "ExpiredTokenException",
    "AccessDenied",
    "UnrecognizedClientException",
    "InvalidAccessKeyId",
];

pub(super) struct Caller {
    pub account_id: String,
    pub partition: String,
}

/// `profile` is the profile the user named (`--profile`, `AWS_PROFILE`), for the error when
/// it gives no credentials.
pub(super) async fn caller(
    config: &SdkConfig,
    region: &str,
    profile: Option<&str>,
) -> Result<Caller> {
    let config = config
        .to_builder()
        .region(Region::new(region.to_string()))
        .build();
    let out = match aws_sdk_sts::Client::new(&config)
        .get_caller_identity()
        .send()
        .await
    {
        Ok(out) => out,
        Err(err) => return Err(explain(&config, &err, profile).await),
    };
    let account_id = out.account().unwrap_or_default().to_string();
    if account_id.is_empty() {
        return Err(Error::Credentials(
            "STS GetCallerIdentity returned no account id".to_string(),
        ));
    }
    // arn:<partition>:sts::<account>:...
    let partition = out
        .arn()
        .and_then(|arn| arn.split(':').nth(1))
        .filter(|p| !p.is_empty())
        .unwrap_or("aws")
        .to_string();
    Ok(Caller {
        account_id,
        partition,
    })
}

async fn explain<E>(
    config: &SdkConfig,
    err: &SdkError<E, aws_sdk_sts::config::http::HttpResponse>,
    profile: Option<&str>,
) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    if let Some(code) = err.code() {
        let what = if REJECTED.contains(&code) {
            "the credentials were rejected"
        } else {
            "the identity check failed"
        };
        return Error::Credentials(format!(
            "{what} (STS GetCallerIdentity: {code}: {})",
            err.message().unwrap_or("no message")
        ));
    }
    // No AWS answer: either no credentials could be loaded (the SDK fails before sending),
    // or the endpoint could not be reached. The credential provider's own error, when it is
    // the cause, says which; failing that, asking the provider again tells the two apart.
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cause {
        if let Some(cred_err) = e.downcast_ref::<CredentialsError>() {
            return Error::Credentials(no_credentials(cred_err, profile));
        }
        cause = e.source();
    }
    let provider = match config.credentials_provider() {
        None => return Error::Credentials("no credential provider is configured".to_string()),
        Some(p) => p,
    };
    if let Err(cred_err) = provider.provide_credentials().await {
        return Error::Credentials(no_credentials(&cred_err, profile));
    }
    Error::Credentials(format!(
        "could not verify the account with STS GetCallerIdentity: {}",
        chain(err)
    ))
}

/// One line for credentials that could not be loaded. When no provider of the chain found
/// any, the SDK's error lists each provider's reason for not being enabled, several lines'
/// worth that mostly say "none": only the profile's reason matters, and only when the user
/// named one (it is not defined, say). A provider that found credentials but failed (an
/// expired SSO token) has one reason worth showing: its innermost error.
fn no_credentials(err: &CredentialsError, profile: Option<&str>) -> String {
    let what = match (err, profile) {
        (CredentialsError::CredentialsNotLoaded(_), Some(name)) => {
            let chain = err
                .source()
                .and_then(|s| s.downcast_ref::<ProviderChainError<CredentialsError>>());
            let reason = chain
                .and_then(|c| c.attempts().iter().find(|a| a.name() == "Profile"))
                .and_then(|a| a.error().source())
                .map(innermost);
            match reason {
                Some(reason) => format!("no AWS credentials from profile `{name}`: {reason}"),
                None => format!("no AWS credentials from profile `{name}`"),
            }
        }
        (CredentialsError::CredentialsNotLoaded(_), None) => "no AWS credentials found".to_string(),
        (other, _) => format!("AWS credentials could not be loaded: {}", innermost(other)),
    };
    format!(
        "{what}; pass --profile NAME (or set AWS_PROFILE, or AWS_ACCESS_KEY_ID and \
         AWS_SECRET_ACCESS_KEY), {TRY_INSTEAD}"
    )
}

/// The deepest cause of an error, on one line.
fn innermost(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = err;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    cause
        .to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
