//! What moto 5.2.5 does not implement, and the findings and coverage entries that are
//! `not_evaluated` or incomplete only because of it. Everything else in a live scan must be
//! read.

use serde_json::Value;

/// The not-evaluated findings of a JSON report, less those moto cannot avoid: it does not
/// return the `zonal_shift.config.enabled` load balancer attribute that AWS always returns, so
/// HA-ELB-011 is (rightly) not evaluated against it; it implements neither AWS Backup's
/// ListBackupSelections (HTTP 500) and ListProtectedResources (404) nor EFS's
/// DescribeReplicationConfigurations (500), so the backup coverage rules and HA-EFS-003 are
/// not evaluated where they need them; nor Direct Connect's DescribeVirtualInterfaces (500), so
/// the virtual interface rules are not evaluated in any region; nor Shield's
/// GetSubscriptionState and WAF's ListResourcesForWebACL (500), so the Shield Advanced rules,
/// and HA-WAF-001 in a region with web ACLs, are not evaluated; nor Directory Service's
/// GetSnapshotLimits (500), so HA-DS-001 is not evaluated for a directory that takes snapshots;
/// nor EventBridge's ListEndpoints (500), so HA-EVB-001 is not evaluated in any region; nor
/// Global Accelerator, Storage Gateway, AWS Outposts, Incident Manager, Elastic Disaster
/// Recovery and Lightsail at all (500), so their rules are not evaluated in any scan.
pub fn not_evaluated_beyond_emulator_gaps(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["outcome"] == "not_evaluated")
        .filter(|f| {
            !(f["rule_id"] == "HA-ELB-011"
                && f["reason"].as_str().is_some_and(|r| {
                    r.contains("zonal_shift.config.enabled attribute was not returned")
                }))
        })
        .filter(|f| !storage_emulator_gap(f))
        .filter(|f| !default_parameter_group_gap(f))
        .filter(|f| !direct_connect_emulator_gap(f))
        .filter(|f| !edge_emulator_gap(f))
        .filter(|f| !unserved_service_gap(f))
        .filter(|f| !directory_emulator_gap(f))
        .filter(|f| !eventbridge_emulator_gap(f))
        .filter(|f| !recovery_emulator_gap(f))
        .map(|f| format!("{} {}: {}", f["rule_id"], f["resource_id"], f["reason"]))
        .collect()
}

/// Fails unless everything in the report was read but what moto cannot serve.
pub fn assert_read_beyond_emulator_gaps(report: &Value) {
    let unread = not_evaluated_beyond_emulator_gaps(report);
    assert!(unread.is_empty(), "everything was readable: {unread:?}");
}

/// Whether a report's coverage entry is incomplete only because of operations moto does not
/// implement: it answers AWS Backup's ListProtectedResources with 404 (AWS lists the
/// resources that have recovery points), Direct Connect's DescribeVirtualInterfaces with 500,
/// Shield's GetSubscriptionState, WAF's ListResourcesForWebACL, Directory Service's
/// GetSnapshotLimits and EventBridge's ListEndpoints with 500, and the first listing of the
/// services it lacks altogether ([`UNSERVED`]) with 500 (or, once their breaker opened, they
/// were not sent), and every call of Incident Manager, Elastic Disaster Recovery and Lightsail
/// with 500 (or, once their breaker opened, they were not sent).
pub fn incomplete_only_by_emulator_gaps(coverage: &Value) -> bool {
    let errors = coverage["errors"].as_array().expect("errors");
    !errors.is_empty()
        && errors.iter().all(|e| {
            (coverage["service"] == "backup"
                && e["operation"] == "ListProtectedResources"
                && e["code"] == "http-404")
                || (coverage["service"] == "rds" && default_parameter_group_error(e))
                || (coverage["service"] == "directconnect"
                    && e["operation"] == "DescribeVirtualInterfaces"
                    && e["code"] == "http-500")
                || (coverage["service"] == "shield"
                    && e["operation"] == "GetSubscriptionState"
                    && is_server_error(e))
                || (coverage["service"] == "wafv2"
                    && e["operation"] == "ListResourcesForWebACL"
                    && is_server_error(e))
                || UNSERVED.iter().any(|(service, operation, _)| {
                    coverage["service"] == *service
                        && e["operation"] == *operation
                        && is_server_error(e)
                })
                || (coverage["service"] == "directoryservice"
                    && e["operation"] == "GetSnapshotLimits"
                    && is_server_error(e))
                || (coverage["service"] == "eventbridge"
                    && e["operation"] == "ListEndpoints"
                    && is_server_error(e))
                || (RECOVERY_SERVICES.contains(&coverage["service"].as_str().unwrap_or_default())
                    && is_server_error(e))
        })
}

/// Whether moto never answers this operation successfully: an operation it lacks, or any
/// operation of a service it lacks altogether.
fn moto_never_answers(service: &str, operation: &str) -> bool {
    matches!(
        (service, operation),
        ("backup", "ListProtectedResources" | "ListBackupSelections")
            | ("elasticfilesystem", "DescribeReplicationConfigurations")
            | ("directconnect", "DescribeVirtualInterfaces")
            | ("shield", "GetSubscriptionState")
            | ("wafv2", "ListResourcesForWebACL")
            | ("directoryservice", "GetSnapshotLimits")
            | ("eventbridge", "ListEndpoints")
    ) || UNSERVED.iter().any(|(s, _, _)| *s == service)
        || RECOVERY_SERVICES.contains(&service)
}

/// Whether every error of a coverage entry is on an operation moto never answers, whatever
/// the error: with faults injected, such a call may fail with the fault instead of moto's own
/// answer, and it fails either way.
pub fn errors_only_where_moto_never_answers(coverage: &Value) -> bool {
    let service = coverage["service"].as_str().unwrap_or_default();
    coverage["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .all(|e| moto_never_answers(service, e["operation"].as_str().unwrap_or_default()))
}

/// moto creates no default parameter groups (`default.mysql8.0`, `default.aurora8.0` ...),
/// which every DB instance and cluster created without a group of its own uses, and answers
/// their DescribeDBParameters / DescribeDBClusterParameters with DBParameterGroupNotFound.
fn default_parameter_group_error(e: &Value) -> bool {
    matches!(
        e["operation"].as_str(),
        Some("DescribeDBParameters" | "DescribeDBClusterParameters")
    ) && e["code"] == "DBParameterGroupNotFound"
        && e["resource"]
            .as_str()
            .is_some_and(|g| g.starts_with("default."))
}

/// A finding not evaluated only because its parameter group is one of those (see
/// [`default_parameter_group_error`]).
pub fn default_parameter_group_gap(f: &Value) -> bool {
    let reason = f["reason"].as_str().unwrap_or_default();
    f["rule_id"]
        .as_str()
        .is_some_and(|r| r.starts_with("HA-RDS-"))
        && reason.contains("parameter group default.")
        && reason.contains("Parameters failed: DBParameterGroupNotFound")
}

/// A finding not evaluated only because moto does not implement Direct Connect's
/// DescribeVirtualInterfaces (HTTP 500): the rules on virtual interfaces, every scan.
pub fn direct_connect_emulator_gap(f: &Value) -> bool {
    let rule = f["rule_id"].as_str().unwrap_or_default();
    let reason = f["reason"].as_str().unwrap_or_default();
    ["HA-DX-003", "HA-DX-005"].contains(&rule)
        && names_emulator_gap(reason, "DescribeVirtualInterfaces", "http-500")
}

/// A coverage error of an operation moto answers with HTTP 500: that answer, or the refusal
/// of the breaker those answers opened.
fn is_server_error(e: &Value) -> bool {
    e["code"] == "http-500"
        || e["message"]
            .as_str()
            .is_some_and(|m| m.contains("consecutive server errors (HTTP 500)"))
}

/// A finding not evaluated only because of an edge call moto lacks (see
/// [`not_evaluated_beyond_emulator_gaps`]).
pub fn edge_emulator_gap(f: &Value) -> bool {
    let rule = f["rule_id"].as_str().unwrap_or_default();
    let reason = f["reason"].as_str().unwrap_or_default();
    (rule.starts_with("HA-SHD-") && names_emulator_gap(reason, "GetSubscriptionState", "http-500"))
        || (rule == "HA-WAF-001"
            && names_emulator_gap(reason, "ListResourcesForWebACL", "http-500"))
}

/// The services moto 5.2.5 does not have at all (its server answers every request with an
/// HTML 500 page): (coverage service, first listing, the prefix of their rules' ids). Every
/// full scan reads them, so every full scan has their rules not evaluated.
const UNSERVED: &[(&str, &str, &str)] = &[
    ("globalaccelerator", "ListAccelerators", "HA-GA-"),
    ("storagegateway", "ListGateways", "HA-SGW-"),
    ("outposts", "ListOutposts", "HA-OUT-"),
];

/// A finding not evaluated only because its service is one moto does not have (see
/// [`UNSERVED`]); HA-SHD-007 judges Global Accelerator accelerators.
pub fn unserved_service_gap(f: &Value) -> bool {
    let rule = f["rule_id"].as_str().unwrap_or_default();
    let reason = f["reason"].as_str().unwrap_or_default();
    UNSERVED.iter().any(|(_, operation, prefix)| {
        (rule.starts_with(prefix) || (rule == "HA-SHD-007" && *operation == "ListAccelerators"))
            && names_emulator_gap(reason, operation, "http-500")
    })
}

/// A finding not evaluated only because moto does not implement Directory Service's
/// GetSnapshotLimits (HTTP 500): HA-DS-001 on a directory that takes snapshots.
pub fn directory_emulator_gap(f: &Value) -> bool {
    f["rule_id"] == "HA-DS-001"
        && names_emulator_gap(
            f["reason"].as_str().unwrap_or_default(),
            "GetSnapshotLimits",
            "http-500",
        )
}

/// A finding not evaluated only because moto does not implement EventBridge's ListEndpoints
/// (HTTP 500): the global endpoint rule, in every region of every scan.
pub fn eventbridge_emulator_gap(f: &Value) -> bool {
    f["rule_id"] == "HA-EVB-001"
        && names_emulator_gap(
            f["reason"].as_str().unwrap_or_default(),
            "ListEndpoints",
            "http-500",
        )
}

/// A finding not evaluated only because of a storage call moto lacks (see
/// [`not_evaluated_beyond_emulator_gaps`]).
fn storage_emulator_gap(f: &Value) -> bool {
    let rule = f["rule_id"].as_str().unwrap_or_default();
    let backup_rule = rule.starts_with("HA-BAK-") || rule == "HA-EFS-002" || rule == "HA-EFS-005";
    let reason = f["reason"].as_str().unwrap_or_default();
    let gap = |op: &str, code: &str| names_emulator_gap(reason, op, code);
    (backup_rule
        && (gap("ListBackupSelections", "http-500") || gap("ListProtectedResources", "http-404")))
        || (rule == "HA-EFS-003" && gap("DescribeReplicationConfigurations", "http-500"))
}

/// Whether a not-evaluated reason is an operation moto does not implement: its call failed
/// with `code`, or, for an operation moto answers with 500, a later call of it was not sent
/// because the operation's breaker had opened on those 500s.
pub fn names_emulator_gap(reason: &str, op: &str, code: &str) -> bool {
    reason.contains(&format!("{op} failed: {code}"))
        || (code == "http-500"
            && reason.contains(&format!(" {op} in "))
            && reason.contains("consecutive server errors (HTTP 500), later calls not sent"))
}

/// Whether a report's coverage entry was read completely but for what moto does not serve.
pub fn complete_beyond_emulator_gaps(coverage: &Value) -> bool {
    coverage["complete"] == true || incomplete_only_by_emulator_gaps(coverage)
}

/// A finding not evaluated only because of a call moto lacks that every live scan makes:
/// Direct Connect's virtual interfaces, Shield's subscription, the resources of a web ACL,
/// the services moto does not have (Global Accelerator, Storage Gateway, Outposts), and
/// EventBridge's global endpoints.
pub fn scan_wide_emulator_gap(f: &Value) -> bool {
    direct_connect_emulator_gap(f)
        || edge_emulator_gap(f)
        || unserved_service_gap(f)
        || eventbridge_emulator_gap(f)
        || recovery_emulator_gap(f)
}

/// The services moto 5.2.5 does not implement at all: it answers each of their calls with an
/// HTML page and HTTP 500.
const RECOVERY_SERVICES: &[&str] = &["ssmincidents", "drs", "lightsail"];

/// A finding not evaluated only because moto implements none of Incident Manager, Elastic
/// Disaster Recovery and Lightsail: the Incident Manager rules on the account's replication
/// set (whose listing failed in every region), and the DRS and Lightsail rules for each
/// region, whose listings failed.
pub fn recovery_emulator_gap(f: &Value) -> bool {
    let rule = f["rule_id"].as_str().unwrap_or_default();
    let reason = f["reason"].as_str().unwrap_or_default();
    let gap = |op: &str| names_emulator_gap(reason, op, "http-500");
    (rule.starts_with("HA-IM-") && gap("ListReplicationSets"))
        || (rule.starts_with("HA-DRS-") && gap("DescribeSourceServers"))
        || (rule == "HA-LS-001" && gap("GetInstances"))
        || (["HA-LS-002", "HA-LS-003"].contains(&rule) && gap("GetRelationalDatabases"))
}
