//! The storage and backup rules on `fixtures/scenarios/backup-selections.json`: an account
//! snapshot with what moto cannot produce. AWS Backup plans assign resources by tag
//! (`ListOfTags`), by ARN and ARN pattern with tag conditions (`StringLike`,
//! `StringNotEquals`) and with a `NotResources` exclusion; recovery points are fresh or
//! stale; in eu-central-1 the selections and the protected resources could not be read; in
//! us-east-2 AWS Backup was not collected at all.

use crate::support::cli::json_scan_exiting;
use crate::support::expected::{assert_no_problems, pinned_outcome_problems};
use crate::support::report::{assert_says, by_id};
use serde_json::Value;

const SCENARIO: &str = "fixtures/scenarios/backup-selections.json";

/// Every finding of the rules this scenario pins: (rule, resource id, outcome).
const EXPECTED: &[(&str, &str, &str)] = &[
    // Plans: a copy to eu-central-1 and 35 days; 7 days and no copy; no expiry and no copy.
    ("HA-BAK-001", "plan-prod", "pass"),
    ("HA-BAK-001", "plan-db", "fail"),
    ("HA-BAK-001", "plan-legacy", "fail"),
    ("HA-BAK-002", "plan-prod", "pass"),
    ("HA-BAK-002", "plan-db", "fail"),
    ("HA-BAK-002", "plan-legacy", "pass"),
    ("HA-BAK-003", "eu-west-1", "pass"),
    ("HA-BAK-003", "eu-central-1", "pass"),
    // orders: named by ARN and its team tag is StringLike pay*; reports: ListOfTags
    // backup=daily; scratch-db: neither.
    ("HA-BAK-004", "orders", "pass"),
    ("HA-BAK-004", "reports", "pass"),
    ("HA-BAK-004", "scratch-db", "fail"),
    ("HA-BAK-004", "billing", "not_evaluated"),
    ("HA-BAK-004", "old-db", "not_evaluated"),
    // A cluster ARN pattern narrowed by StringLike team=pay*: payroll matches, data does not.
    ("HA-BAK-005", "ledger", "pass"),
    ("HA-BAK-005", "analytics", "fail"),
    // vol-0data: volume pattern, env=prod passes StringNotEquals env=dev; vol-0scratch:
    // excluded by NotResources, but its instance is backed up; vol-0dev: env=dev.
    ("HA-BAK-006", "vol-0data", "pass"),
    ("HA-BAK-006", "vol-0scratch", "pass"),
    ("HA-BAK-006", "vol-0dev", "fail"),
    ("HA-BAK-006", "vol-0central", "not_evaluated"),
    ("HA-BAK-007", "i-0web", "pass"),
    ("HA-BAK-007", "i-0batch", "fail"),
    // Bucket tags are not collected and a plan selects by tag.
    ("HA-BAK-008", "pay-archive", "not_evaluated"),
    // Recovery points: 7 h, 125 h, none at all, 48 h, 24 h.
    ("HA-BAK-009", "orders", "pass"),
    ("HA-BAK-009", "reports", "fail"),
    ("HA-BAK-009", "billing", "not_evaluated"),
    ("HA-BAK-009", "old-db", "not_evaluated"),
    ("HA-BAK-010", "ledger", "fail"),
    ("HA-BAK-011", "fs-0shared", "fail"),
    ("HA-BAK-012", "vol-0data", "pass"),
    ("HA-BAK-012", "vol-0central", "not_evaluated"),
    // Single-AZ without automated backups: saved by a plan (orders), or not (scratch-db).
    ("HA-BAK-013", "orders", "pass"),
    ("HA-BAK-013", "reports", "pass"),
    ("HA-BAK-013", "scratch-db", "fail"),
    ("HA-BAK-013", "billing", "not_evaluated"),
    ("HA-BAK-013", "old-db", "not_evaluated"),
    // Snapshots: 1 day, none, 15 days, none.
    ("HA-EBS-001", "vol-0data", "pass"),
    ("HA-EBS-001", "vol-0scratch", "fail"),
    ("HA-EBS-001", "vol-0dev", "pass"),
    ("HA-EBS-001", "vol-0central", "fail"),
    ("HA-EBS-002", "vol-0data", "pass"),
    ("HA-EBS-002", "vol-0dev", "fail"),
    ("HA-EFS-001", "fs-0shared", "fail"),
    ("HA-EFS-001", "fs-0onezone", "fail"),
    // Automatic backups off everywhere: fs-0shared is selected by tag, fs-0onezone is not.
    ("HA-EFS-002", "fs-0shared", "pass"),
    ("HA-EFS-002", "fs-0onezone", "fail"),
    ("HA-EFS-003", "fs-0shared", "pass"),
    ("HA-EFS-003", "fs-0onezone", "fail"),
    // Instances run in eu-west-1a and 1b; each file system has a mount target in one of them.
    ("HA-EFS-004", "fs-0shared", "fail"),
    ("HA-EFS-004", "fs-0onezone", "fail"),
    ("HA-EFS-005", "fs-0onezone", "fail"),
];

fn report() -> Value {
    json_scan_exiting(SCENARIO, 1)
}

#[test]
fn storage_and_backup_rules_judge_selections_as_aws_backup_does() {
    let report = report();
    assert_no_problems(&pinned_outcome_problems(&report, EXPECTED));
}

#[test]
fn unknown_coverage_names_the_call_or_the_missing_service() {
    let report = report();
    for (rule, id, needles) in [
        (
            "HA-BAK-004",
            "billing",
            &[
                "backup plan legacy-plan",
                "ListBackupSelections",
                "AccessDenied",
            ][..],
        ),
        (
            "HA-BAK-004",
            "old-db",
            &["backup was not collected in us-east-2"],
        ),
        (
            "HA-BAK-008",
            "pay-archive",
            &[
                "prod-tagged selects resources by tag",
                "tags are not collected",
            ],
        ),
        ("HA-BAK-006", "vol-0central", &["ListBackupSelections"]),
    ] {
        assert_says(by_id(&report, rule, id), "reason", needles);
    }
    // Failure messages carry the facts they were judged on.
    for (rule, id, needles) in [
        (
            "HA-BAK-009",
            "reports",
            &["prod-tagged", "2026-11-15T07:00:00Z", "125 hours"][..],
        ),
        ("HA-BAK-010", "ledger", &["db-explicit", "taken at none"]),
        ("HA-EFS-004", "fs-0shared", &["eu-west-1b"]),
        ("HA-EFS-005", "fs-0onezone", &["eu-west-1b", "DISABLED"]),
        ("HA-BAK-001", "plan-db", &["db-explicit", "eu-west-1"]),
    ] {
        assert_says(by_id(&report, rule, id), "message", needles);
    }
}
