use crate::collect::{CollectOptions, RetryMode, RetryOptions};
use crate::error::Result;
use crate::snapshot::Snapshot;
use clap::Args;
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
    /// Retries per API call after the first attempt, on throttling, 5xx, timeouts and broken
    /// connections
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(0..=30))]
    pub max_retries: u32,
    /// Longest wait between two attempts, in seconds (exponential backoff with full jitter)
    #[arg(long, value_name = "SECONDS", default_value_t = 20.0, value_parser = parse_backoff)]
    pub max_backoff: f64,
    /// standard: backoff with jitter; adaptive: also rate-limit each service and region on
    /// the client once AWS throttles it (for accounts whose API limits other tools share)
    #[arg(long, value_enum, default_value_t = RetryMode::Standard)]
    pub retry_mode: RetryMode,
}

fn parse_backoff(s: &str) -> std::result::Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.01..=300.0).contains(&v) => Ok(v),
        _ => Err(format!(
            "expected a number of seconds from 0.01 to 300, got {s:?}"
        )),
    }
}

impl AwsArgs {
    pub fn collect(&self) -> Result<Snapshot> {
        let opts = CollectOptions {
            regions: self.regions.clone(),
            all_regions: self.all_regions,
            profile: self.profile.clone(),
            concurrency: usize::from(self.concurrency),
            retry: RetryOptions {
                max_retries: self.max_retries,
                max_backoff: Duration::from_secs_f64(self.max_backoff),
                mode: self.retry_mode,
            },
        };
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| crate::error::Error::Usage(format!("cannot start the runtime: {e}")))?;
        rt.block_on(crate::collect::collect(&opts))
    }
}
