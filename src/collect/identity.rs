//! Who we are: the account id and partition, from STS GetCallerIdentity.
//!
//! This is the first call of a scan, so it doubles as the credential check: a scan without
//! working credentials stops here with a clear message instead of filling every coverage
//! entry with the same error.

use super::fail::chain;
use crate::error::{Error, Result};
use aws_config::{Region, SdkConfig};
use aws_sdk_sts::config::ProvideCredentials;
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};

pub const ACTIONS: &[&str] = &["sts:GetCallerIdentity"];

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

pub(super) async fn caller(config: &SdkConfig, region: &str) -> Result<Caller> {
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
        Err(err) => return Err(explain(&config, &err).await),
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
    // or the endpoint could not be reached. Asking the provider tells the two apart.
    let provider = match config.credentials_provider() {
        None => return Error::Credentials("no credential provider is configured".to_string()),
        Some(p) => p,
    };
    if let Err(cred_err) = provider.provide_credentials().await {
        return Error::Credentials(format!(
            "no AWS credentials could be loaded (set AWS_PROFILE or --profile, environment \
             variables, SSO or an instance role): {}",
            chain(&cred_err)
        ));
    }
    Error::Credentials(format!(
        "could not verify the account with STS GetCallerIdentity: {}",
        chain(err)
    ))
}
