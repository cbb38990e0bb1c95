//! The account snapshot: an SDK-independent, versioned serde model.
//!
//! The snapshot is the seam of the pipeline. Collectors write it, everything after it (model,
//! engine, reports) reads only it, so a saved snapshot re-evaluated offline gives the same
//! findings as the live scan. Field names follow the AWS API in snake_case.

mod accounts;
mod autoscaling;
mod backup;
mod cloudfront;
mod cloudwatch;
mod coverage;
mod dynamodb;
mod ebs;
mod ec2;
mod ecs;
mod efs;
mod eks;
mod elasticache;
mod elbv2;
mod io;
mod lambda;
mod lines;
mod rds;
mod route53;
mod s3;
mod vpn;

pub use accounts::*;
pub use autoscaling::*;
pub use backup::*;
pub use cloudfront::*;
pub use cloudwatch::*;
pub use coverage::*;
pub use dynamodb::*;
pub use ebs::*;
pub use ec2::*;
pub use ecs::*;
pub use efs::*;
pub use eks::*;
pub use elasticache::*;
pub use elbv2::*;
pub use io::*;
pub use lambda::*;
pub use lines::{resource_lines, ResourceLines};
pub use rds::*;
pub use route53::*;
pub use s3::*;
pub use vpn::*;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Bumped on any change that an older reader could misread.
pub const SCHEMA_VERSION: u32 = 1;

/// Region name used for account-wide services (Route 53) in coverage and findings.
pub const GLOBAL_REGION: &str = "global";

/// AWS tags as a sorted map (deterministic output).
pub type Tags = BTreeMap<String, String>;

/// Fields of one resource that could not be read, with the reason (field name -> reason).
/// A rule that reads such a field reports `not_evaluated` for that resource.
pub type Unreadable = BTreeMap<String, String>;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub schema_version: u32,
    /// Version of ha-audit that wrote the snapshot.
    pub tool_version: String,
    pub account_id: String,
    #[serde(default = "default_partition")]
    pub partition: String,
    /// RFC 3339 UTC time at which collection started.
    pub taken_at: String,
    /// Regions that were scanned.
    pub regions: Vec<String>,
    /// One entry per (service, region) collected, with every call that failed.
    #[serde(default)]
    pub coverage: Vec<Coverage>,
    #[serde(default)]
    pub ec2: Ec2,
    #[serde(default)]
    pub rds: Rds,
    #[serde(default)]
    pub elbv2: Elbv2,
    #[serde(default)]
    pub s3: S3,
    #[serde(default)]
    pub route53: Route53,
    #[serde(default)]
    pub autoscaling: AutoScaling,
    /// Left out when empty, so that snapshots of accounts without these services (and those
    /// written before they were collected) serialise as before.
    #[serde(default, skip_serializing_if = "ElastiCache::is_empty")]
    pub elasticache: ElastiCache,
    #[serde(default, skip_serializing_if = "DynamoDb::is_empty")]
    pub dynamodb: DynamoDb,
    // Left out of the file when empty, so that snapshots of accounts without them, and those
    // written before they were collected, keep their exact layout.
    #[serde(default, skip_serializing_if = "Efs::is_empty")]
    pub efs: Efs,
    #[serde(default, skip_serializing_if = "Ebs::is_empty")]
    pub ebs: Ebs,
    #[serde(default, skip_serializing_if = "Backup::is_empty")]
    pub backup: Backup,
    /// Left out when empty, so that snapshots without it read and write as before.
    #[serde(default, skip_serializing_if = "Lambda::is_empty")]
    pub lambda: Lambda,
    /// Left out when empty, so that snapshots without it read and write as before.
    #[serde(default, skip_serializing_if = "CloudFront::is_empty")]
    pub cloudfront: CloudFront,
    /// Left out when empty, so that snapshots without it read and write as before.
    #[serde(default, skip_serializing_if = "CloudWatch::is_empty")]
    pub cloudwatch: CloudWatch,
    // The sections added after the first release are left out when empty, so that a snapshot
    // of an account without them is written exactly as before (and still points SARIF results
    // at the right lines of a saved file).
    #[serde(default, skip_serializing_if = "Vpn::is_empty")]
    pub vpn: Vpn,
    #[serde(default, skip_serializing_if = "Ecs::is_empty")]
    pub ecs: Ecs,
    #[serde(default, skip_serializing_if = "Eks::is_empty")]
    pub eks: Eks,
}

fn default_partition() -> String {
    "aws".to_string()
}

impl Snapshot {
    pub fn new(account_id: impl Into<String>, regions: Vec<String>, taken_at: String) -> Self {
        Snapshot {
            schema_version: SCHEMA_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").to_string(),
            account_id: account_id.into(),
            partition: default_partition(),
            taken_at,
            regions,
            ..Default::default()
        }
    }

    /// The account, regions, time and coverage without the resources: what a report needs
    /// once the model has been built.
    pub fn header_only(self) -> Snapshot {
        Snapshot {
            ec2: Ec2::default(),
            rds: Rds::default(),
            elbv2: Elbv2::default(),
            s3: S3::default(),
            route53: Route53::default(),
            autoscaling: AutoScaling::default(),
            elasticache: ElastiCache::default(),
            dynamodb: DynamoDb::default(),
            efs: Efs::default(),
            ebs: Ebs::default(),
            backup: Backup::default(),
            lambda: Lambda::default(),
            cloudfront: CloudFront::default(),
            cloudwatch: CloudWatch::default(),
            vpn: Vpn::default(),
            ecs: Ecs::default(),
            eks: Eks::default(),
            ..self
        }
    }

    /// Puts every list in a canonical order so that two collections of the same account
    /// serialise identically whatever order the concurrent calls finished in.
    pub fn normalize(&mut self) {
        self.regions.sort();
        self.regions.dedup();
        self.coverage
            .sort_by(|a, b| (&a.service, &a.region).cmp(&(&b.service, &b.region)));
        for c in &mut self.coverage {
            c.errors.sort_by(|a, b| {
                (&a.operation, &a.resource, &a.code).cmp(&(&b.operation, &b.resource, &b.code))
            });
        }
        self.ec2.normalize();
        self.rds.normalize();
        self.elbv2.normalize();
        self.s3.normalize();
        self.route53.normalize();
        self.autoscaling.normalize();
        self.elasticache.normalize();
        self.dynamodb.normalize();
        self.efs.normalize();
        self.ebs.normalize();
        self.backup.normalize();
        self.lambda.normalize();
        self.cloudfront.normalize();
        self.cloudwatch.normalize();
        self.vpn.normalize();
        self.ecs.normalize();
        self.eks.normalize();
    }
}
