//! Which accounts a scan reads, and with which credentials: the caller's own account, one
//! role (`--role-arn`), or every account of an organisation or of a list, each through a role
//! assumed from the caller's credentials.
//!
//! An account whose role cannot be assumed does not stop the scan: it is scanned as "nothing
//! could be read", so every rule reports `not_evaluated` for it with the AssumeRole failure as
//! the reason, and the other accounts are read normally.

use super::fail::{chain, Op};
use super::meter::{timed, Meter};
use crate::error::{Error, Result};
use crate::snapshot::CollectError;
use aws_config::sts::AssumeRoleProvider;
use aws_config::{Region, SdkConfig};
use aws_sdk_sts::config::{ProvideCredentials, SharedCredentialsProvider};
use std::sync::Arc;
use std::time::Instant;

const ASSUME_ROLE: Op = Op::new("AssumeRole", "sts:AssumeRole");
const LIST_ACCOUNTS: Op = Op::new("ListAccounts", "organizations:ListAccounts");

/// What the identity that starts an organisation scan needs (not the scanned accounts: their
/// role needs the read-only policy of `ha-audit iam-policy`).
pub const CALLER_ACTIONS: &[&str] = &[LIST_ACCOUNTS.action, ASSUME_ROLE.action];

/// The session name of every assumed role, so CloudTrail shows who read the account.
pub const SESSION_NAME: &str = "ha-audit";

/// One account to read.
pub(super) struct Target {
    pub account_id: String,
    pub config: SdkConfig,
    /// Why nothing of the account can be read (its role could not be assumed).
    pub unreachable: Option<CollectError>,
}

/// Assumes `role_arn` with the credentials of `base`. The first credentials are fetched now,
/// so that a refused role is known before any collector runs; later ones are fetched by the
/// provider when they near expiry.
pub(super) async fn assume(
    base: &SdkConfig,
    home: &str,
    role_arn: &str,
    external_id: Option<&str>,
    meter: &Meter,
) -> std::result::Result<SdkConfig, CollectError> {
    let mut builder = AssumeRoleProvider::builder(role_arn)
        .session_name(SESSION_NAME)
        .region(Region::new(home.to_string()))
        .configure(base);
    if let Some(id) = external_id {
        builder = builder.external_id(id);
    }
    let provider = builder.build().await;
    let started = Instant::now();
    let first = provider.provide_credentials().await;
    meter.record("sts", ASSUME_ROLE.name, first.is_err(), started.elapsed());
    if let Err(e) = first {
        return Err(assume_failed(role_arn, &e));
    }
    Ok(base
        .to_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build())
}

/// The coverage error of an account whose role was refused: the AWS code when STS answered,
/// and a message that names sts:AssumeRole and the role.
fn assume_failed(role_arn: &str, err: &(dyn std::error::Error + 'static)) -> CollectError {
    type AssumeError = aws_sdk_sts::error::SdkError<
        aws_sdk_sts::operation::assume_role::AssumeRoleError,
        aws_sdk_sts::config::http::HttpResponse,
    >;
    let mut source = err.source();
    while let Some(e) = source {
        if let Some(sdk) = e.downcast_ref::<AssumeError>() {
            let mut ce = ASSUME_ROLE.listing_failed(&[], sdk);
            ce.message = format!("sts:AssumeRole of {role_arn} was refused: {}", ce.message);
            return ce;
        }
        source = e.source();
    }
    CollectError {
        operation: ASSUME_ROLE.name.to_string(),
        iam_action: ASSUME_ROLE.action.to_string(),
        kinds: Vec::new(),
        resource: None,
        code: "credentials".to_string(),
        message: format!("sts:AssumeRole of {role_arn} failed: {}", chain(err)),
    }
}

/// The ACTIVE accounts of the caller's organisation (organizations:ListAccounts, which only
/// the management account or a delegated administrator may call).
// `Status` is deprecated in favour of `State`, but older answers carry only `Status`.
#[allow(deprecated)]
pub(super) async fn organization_accounts(
    config: &SdkConfig,
    home: &str,
    caller: &str,
    meter: &Arc<Meter>,
) -> Result<Vec<String>> {
    let config = config
        .to_builder()
        .region(Region::new(home.to_string()))
        .build();
    let client = aws_sdk_organizations::Client::from_conf(
        aws_sdk_organizations::config::Builder::from(&config)
            .interceptor(meter.interceptor("organizations", caller, home))
            .build(),
    );
    let mut pages = client.list_accounts().into_paginator().send();
    let (pages, err) = timed(Default::default(), super::drain(|cx| pages.poll_next(cx))).await;
    let items: Vec<_> = pages.iter().flat_map(|p| p.accounts()).collect();
    if let Some(e) = err {
        return Err(Error::Credentials(format!(
            "--org-role-name: cannot list the organisation's accounts ({} failed: {}); run \
             from the management account or a delegated administrator, or pass --accounts FILE",
            LIST_ACCOUNTS.action,
            chain(&e)
        )));
    }
    let mut ids: Vec<String> = items
        .iter()
        // `State` is the current field; `Status` the deprecated one older answers still carry.
        .filter(|a| match (a.state(), a.status()) {
            (Some(s), _) => s.as_str() == "ACTIVE",
            (None, Some(s)) => s.as_str() == "ACTIVE",
            (None, None) => false,
        })
        .filter_map(|a| a.id().map(str::to_string))
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// `arn:<partition>:iam::<account>:role/<name>`; a name may carry a path (`path/Name`).
pub(super) fn role_arn(partition: &str, account: &str, name: &str) -> String {
    let name = name.trim_start_matches('/');
    format!("arn:{partition}:iam::{account}:role/{name}")
}

/// A 12-digit AWS account id.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Reads an accounts file: one account id per line; blank lines and `#` comments (whole line
/// or after the id) are ignored. A bad line is an input error naming the file and the line.
pub fn parse_accounts_file(path: &std::path::Path, text: &str) -> Result<Vec<String>> {
    let mut ids = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let id = line.split('#').next().unwrap_or_default().trim();
        if id.is_empty() {
            continue;
        }
        if !is_account_id(id) {
            return Err(Error::Input {
                path: path.to_path_buf(),
                detail: format!(
                    "line {}: {id:?} is not an AWS account id (12 digits)",
                    n + 1
                ),
            });
        }
        if !ids.iter().any(|x| x == id) {
            ids.push(id.to_string());
        }
    }
    if ids.is_empty() {
        return Err(Error::Input {
            path: path.to_path_buf(),
            detail: "no account id in the file".to_string(),
        });
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn accounts_file_skips_comments_and_names_bad_lines() {
        let p = Path::new("accts.txt");
        let ids = parse_accounts_file(
            p,
            "# prod\n111111111111\n\n  222222222222  # shared\n111111111111\n",
        )
        .unwrap();
        assert_eq!(ids, vec!["111111111111", "222222222222"]);
        let err = parse_accounts_file(p, "111111111111\n12345\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "accts.txt: line 2: \"12345\" is not an AWS account id (12 digits)"
        );
        assert!(parse_accounts_file(p, "# none\n").is_err());
    }

    #[test]
    fn role_arns() {
        assert_eq!(
            role_arn("aws", "111111111111", "HaAudit"),
            "arn:aws:iam::111111111111:role/HaAudit"
        );
        assert_eq!(
            role_arn("aws-cn", "111111111111", "/audit/HaAudit"),
            "arn:aws-cn:iam::111111111111:role/audit/HaAudit"
        );
    }
}
