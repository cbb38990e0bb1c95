use super::AwsArgs;
use crate::error::Result;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CollectArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Read a Terraform plan (the output of `terraform show -json PLANFILE`) instead of the
    /// account
    #[arg(long, value_name = "PLAN.json", conflicts_with_all = ["regions", "all_regions", "profile", "role_arn", "org_role_name"])]
    pub terraform_plan: Option<PathBuf>,
    /// File to write the snapshot to (JSON)
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: PathBuf,
}

pub fn run(a: CollectArgs) -> Result<u8> {
    if let Some(plan) = &a.terraform_plan {
        let snapshot = super::read_plan(plan, Some(&a.out))?;
        if !a.aws.quiet {
            let count = snapshot
                .terraform_plan
                .as_ref()
                .map_or(0, |p| p.resources.len());
            eprintln!(
                "ha-audit: wrote {} ({count} plan resources)",
                a.out.display()
            );
        }
        return Ok(0);
    }
    let snapshots = a.aws.collect()?.snapshots;
    crate::snapshot::save_all(&snapshots, &a.out)?;
    if a.aws.quiet {
        return Ok(0);
    }
    let errors: usize = snapshots
        .iter()
        .flat_map(|s| &s.coverage)
        .map(|c| c.errors.len())
        .sum();
    let mut regions: Vec<&String> = snapshots.iter().flat_map(|s| &s.regions).collect();
    regions.sort();
    regions.dedup();
    let accounts = if snapshots.len() == 1 {
        String::new()
    } else {
        format!("{} accounts, ", snapshots.len())
    };
    eprintln!(
        "ha-audit: wrote {} ({accounts}{} regions, {} failed calls)",
        a.out.display(),
        regions.len(),
        errors
    );
    Ok(0)
}
