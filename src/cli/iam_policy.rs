use super::emit;
use crate::error::Result;
use clap::Args;
use serde_json::json;

#[derive(Debug, Args)]
pub struct IamPolicyArgs {
    /// Print instead what the identity that starts an organisation scan needs (list the
    /// organisation's accounts, assume the scanning role in each)
    #[arg(long)]
    pub caller: bool,
}

/// The least-privilege, read-only IAM policy: exactly the actions the collectors call.
pub fn policy() -> String {
    document("HaAuditReadOnly", crate::collect::iam_actions())
}

/// The policy of the identity that runs an organisation scan (`--org-role-name`): it lists
/// the accounts and assumes the scanning role; the reads happen through that role.
pub fn caller_policy() -> String {
    document(
        "HaAuditOrganizationScan",
        crate::collect::CALLER_ACTIONS.to_vec(),
    )
}

fn document(sid: &str, actions: Vec<&str>) -> String {
    let doc = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": sid,
            "Effect": "Allow",
            "Action": actions,
            "Resource": "*",
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("policy serialises");
    s.push('\n');
    s
}

pub fn run(a: IamPolicyArgs) -> Result<u8> {
    emit(&if a.caller { caller_policy() } else { policy() }, None)?;
    Ok(0)
}
