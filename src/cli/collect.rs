use super::AwsArgs;
use crate::error::Result;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CollectArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    /// File to write the snapshot to (JSON)
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: PathBuf,
}

pub fn run(a: CollectArgs) -> Result<u8> {
    let snapshot = a.aws.collect()?;
    crate::snapshot::save(&snapshot, &a.out)?;
    let errors: usize = snapshot.coverage.iter().map(|c| c.errors.len()).sum();
    eprintln!(
        "ha-audit: wrote {} ({} regions, {} failed calls)",
        a.out.display(),
        snapshot.regions.len(),
        errors
    );
    Ok(0)
}
