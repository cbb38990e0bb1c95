use crate::collect::{CollectOptions, RetryMode, RetryOptions};
use crate::error::Result;
use clap::Args;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

/// Where and how to read the account.
#[derive(Debug, Clone, Args)]
pub struct AwsArgs {
    /// Region to scan; repeat for several (default: the profile's or AWS_REGION)
    #[arg(long = "region", short = 'r', value_name = "REGION")]
    pub regions: Vec<String>,
    /// Scan every region enabled for the account
    #[arg(long, conflicts_with = "regions")]
    pub all_regions: bool,
    /// Named profile from ~/.aws/config (default: the standard credential chain)
    #[arg(long, env = "AWS_PROFILE")]
    pub profile: Option<String>,
    /// Maximum concurrent API requests
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Retries per API call after the first attempt, on throttling and dropped connections;
    /// 5xx answers, refused connections and stalled attempts are retried at most twice, with
    /// a short backoff
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(0..=30))]
    pub max_retries: u32,
    /// Longest wait between two attempts, in seconds (exponential backoff with full jitter)
    #[arg(long, value_name = "SECONDS", default_value_t = 20.0, value_parser = parse_backoff)]
    pub max_backoff: f64,
    /// Longest wait for the answer to one attempt of an API call, in seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0, value_parser = parse_attempt_timeout)]
    pub attempt_timeout: f64,
    /// Stop reading the account after this long (e.g. 90s, 5m, 1m30s): calls still
    /// outstanding are abandoned, what they would have read is reported as not evaluated, and
    /// the report is written as usual
    #[arg(long, value_name = "DURATION", value_parser = parse_deadline)]
    pub deadline: Option<Duration>,
    /// standard: backoff with jitter; adaptive: also rate-limit each service and region on
    /// the client once AWS throttles it (for accounts whose API limits other tools share)
    #[arg(long, value_enum, default_value_t = RetryMode::Standard)]
    pub retry_mode: RetryMode,
    /// Read through this IAM role (sts:AssumeRole, session name `ha-audit`) instead of the
    /// credentials' own identity; with --org-role-name, the member roles are assumed from it
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// External id for every role ha-audit assumes
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
    /// Organisation scan: read every ACTIVE account of the organisation (organizations:
    /// ListAccounts, from the management account) through this role, assumed in each one
    /// (arn:<partition>:iam::<account>:role/<NAME>)
    #[arg(long, value_name = "NAME")]
    pub org_role_name: Option<String>,
    /// Read only the accounts listed in FILE (one 12-digit id per line, `#` comments) through
    /// --org-role-name, instead of listing the organisation
    #[arg(long, value_name = "FILE", requires = "org_role_name")]
    pub accounts: Option<PathBuf>,
    /// Most accounts read at once in an organisation scan (their API calls still share
    /// --concurrency)
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub account_concurrency: u16,
    /// Print a line per API operation called (service, operation, calls, failures, time) to
    /// stderr at the end of the read
    #[arg(long, short = 'v', conflicts_with = "quiet")]
    pub verbose: bool,
    /// Nothing on stderr but errors and warnings: no progress display, no summary line
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

fn parse_backoff(s: &str) -> std::result::Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.01..=300.0).contains(&v) => Ok(v),
        _ => Err(format!(
            "expected a number of seconds from 0.01 to 300, got {s:?}"
        )),
    }
}

fn parse_attempt_timeout(s: &str) -> std::result::Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.1..=300.0).contains(&v) => Ok(v),
        _ => Err(format!(
            "expected a number of seconds from 0.1 to 300, got {s:?}"
        )),
    }
}

/// `90s`, `5m`, `1m30s`, `500ms`, or a plain number of seconds.
fn parse_deadline(s: &str) -> std::result::Result<Duration, String> {
    let parsed = match s.trim().parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs >= 0.0 => Ok(Duration::from_secs_f64(secs)),
        Ok(_) => Err(String::new()),
        Err(_) => humantime::parse_duration(s.trim()).map_err(|e| e.to_string()),
    };
    match parsed {
        Ok(d) if !d.is_zero() => Ok(d),
        _ => Err(format!(
            "expected a duration such as 90s, 5m or 1m30s (or a number of seconds), got {s:?}"
        )),
    }
}

impl AwsArgs {
    /// Reads the account, or the accounts of an organisation scan (one snapshot each).
    pub fn collect(&self) -> Result<crate::collect::Read> {
        let accounts = match &self.accounts {
            Some(path) => {
                let text = crate::error::read_text(path, "accounts file")?;
                crate::collect::parse_accounts_file(path, &text)?
            }
            None => Vec::new(),
        };
        if let Some(name) = &self.org_role_name {
            if name.is_empty() || name.contains(':') {
                return Err(crate::error::Error::Usage(format!(
                    "--org-role-name {name:?}: expected a role name (optionally with a path), \
                     not an ARN"
                )));
            }
        }
        let opts = CollectOptions {
            regions: self.regions.clone(),
            all_regions: self.all_regions,
            profile: self.profile.clone(),
            concurrency: usize::from(self.concurrency),
            retry: RetryOptions {
                max_retries: self.max_retries,
                max_backoff: Duration::from_secs_f64(self.max_backoff),
                mode: self.retry_mode,
                attempt_timeout: Duration::from_secs_f64(self.attempt_timeout),
            },
            role_arn: self.role_arn.clone(),
            external_id: self.external_id.clone(),
            accounts,
            org_role_name: self.org_role_name.clone(),
            account_concurrency: usize::from(self.account_concurrency),
            // Only a person watching a terminal gets the display; logs and CI captures get
            // nothing they would have to strip.
            progress: !self.quiet && std::io::stderr().is_terminal(),
            verbose: self.verbose,
            deadline: self.deadline,
        };
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| crate::error::Error::Usage(format!("cannot start the runtime: {e}")))?;
        rt.block_on(crate::collect::collect(&opts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_are_durations() {
        assert_eq!(parse_deadline("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_deadline("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_deadline("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_deadline("2.5"), Ok(Duration::from_millis(2500)));
        for bad in ["0", "0s", "-1", "soon", ""] {
            let e = parse_deadline(bad).unwrap_err();
            assert!(e.contains("expected a duration such as 90s"), "{bad}: {e}");
        }
    }
}
