use super::emit;
use crate::error::Result;
use clap::Args;
use serde_json::json;

#[derive(Debug, Args)]
pub struct IamPolicyArgs {}

/// The least-privilege, read-only IAM policy: exactly the actions the collectors call.
pub fn policy() -> String {
    let doc = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "HaAuditReadOnly",
            "Effect": "Allow",
            "Action": crate::collect::iam_actions(),
            "Resource": "*",
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("policy serialises");
    s.push('\n');
    s
}

pub fn run(_: IamPolicyArgs) -> Result<u8> {
    emit(&policy(), None)?;
    Ok(0)
}
