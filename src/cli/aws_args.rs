use crate::collect::CollectOptions;
use crate::error::Result;
use crate::snapshot::Snapshot;
use clap::Args;

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
    /// Attempts per API call, including retries with backoff on throttling and 5xx
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_attempts: u32,
}

impl AwsArgs {
    pub fn collect(&self) -> Result<Snapshot> {
        let opts = CollectOptions {
            regions: self.regions.clone(),
            all_regions: self.all_regions,
            profile: self.profile.clone(),
            concurrency: usize::from(self.concurrency),
            max_attempts: self.max_attempts,
        };
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(|e| crate::error::Error::Usage(format!("cannot start the runtime: {e}")))?;
        rt.block_on(crate::collect::collect(&opts))
    }
}
