use serde::{Deserialize, Serialize};

/// The code of a call that was not sent because a circuit breaker was open: its endpoint or
/// operation had failed several times in a row.
pub const CIRCUIT_OPEN: &str = "circuit-open";

/// The code of a call that was abandoned, or not sent, because the scan deadline passed.
pub const DEADLINE: &str = "deadline";

/// The code of a plan resource Terraform deferred to a later plan: its kind is incomplete
/// where it would be.
pub const PLAN_DEFERRED: &str = "plan-deferred";

/// The code of a plan that may leave resources out (`complete: false`, `errored: true`).
pub const PLAN_INCOMPLETE: &str = "plan-incomplete";

/// What was read of one service in one region (or `global`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    /// Service key: ec2, rds, elbv2, s3, route53, autoscaling, vpn, ecs, eks.
    pub service: String,
    pub region: String,
    /// Every failed call; empty means the service was read completely in that region.
    #[serde(default)]
    pub errors: Vec<CollectError>,
}

/// One API call that failed after the SDK's retries.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectError {
    /// API operation, e.g. `DescribeSubnets`.
    pub operation: String,
    /// IAM action the call needs, e.g. `ec2:DescribeSubnets`.
    pub iam_action: String,
    /// Resource kinds whose listing is incomplete because of this failure
    /// (empty when only one resource's detail failed).
    #[serde(default)]
    pub kinds: Vec<String>,
    /// The resource whose detail call failed, when the failure concerns one resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// AWS error code (`AccessDenied`, `Throttling`...), a transport class (`http-500`,
    /// `timeout`, `dispatch`, `response-parse`), or why the call was cut short
    /// ([`CIRCUIT_OPEN`], [`DEADLINE`]).
    pub code: String,
    pub message: String,
}

impl CollectError {
    /// Why what this call would have read is unknown, as shown in `not_evaluated` findings.
    /// A denied call also names the permission to grant, which is what the reader needs.
    pub fn reason(&self) -> String {
        if self.is_cut_short() || self.is_plan_gap() {
            // The message says what happened: "efs in us-east-1: 3 consecutive server errors
            // (HTTP 500), later calls not sent" / "abandoned: scan deadline reached (...)".
            return format!("{}: {}", self.operation, self.message);
        }
        let mut reason = format!("{} failed: {}: {}", self.operation, self.code, self.message);
        if self.is_access_denied() && !self.iam_action.is_empty() {
            reason.push_str(&format!(
                " (grant {} to the scanning role; `ha-audit iam-policy` prints the whole policy)",
                self.iam_action
            ));
        }
        reason
    }

    /// The call was not sent, or abandoned, by ha-audit itself: a breaker was open or the scan
    /// deadline had passed.
    pub fn is_cut_short(&self) -> bool {
        self.code == CIRCUIT_OPEN || self.code == DEADLINE
    }

    /// Not a call: a Terraform plan that does not hold everything of a kind.
    pub fn is_plan_gap(&self) -> bool {
        self.code == PLAN_DEFERRED || self.code == PLAN_INCOMPLETE
    }

    /// The call was refused for lack of permission (as opposed to failing or being throttled).
    pub fn is_access_denied(&self) -> bool {
        matches!(
            self.code.as_str(),
            "AccessDenied"
                | "AccessDeniedException"
                | "UnauthorizedOperation"
                | "UnauthorizedAccess"
                | "AuthorizationError"
                | "Forbidden"
                | "http-403"
        )
    }
}

impl Coverage {
    pub fn is_complete(&self) -> bool {
        self.errors.is_empty()
    }
}
