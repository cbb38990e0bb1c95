//! Amazon EventBridge global endpoints: whether each replicates events to its secondary
//! region.
//!
//! Per region: ListEndpoints (paginated by NextToken; the SDK has no paginator for it), whose
//! items carry the replication and routing configuration.

use super::fail::Op;
use super::{Collected, Scope};
use crate::registry::Kind;
use crate::snapshot::{EventBridge, EventBridgeEndpoint};
use aws_sdk_eventbridge::types::Endpoint;
use aws_sdk_eventbridge::Client;

const LIST_ENDPOINTS: Op = Op::new("ListEndpoints", "events:ListEndpoints");

pub const ACTIONS: &[&str] = &[LIST_ENDPOINTS.action];

pub(super) async fn collect(scope: Scope) -> Collected<EventBridge> {
    let client: Client = super::sdk_client!(aws_sdk_eventbridge, scope);
    let mut section = EventBridge::default();
    let mut token: Option<String> = None;
    loop {
        let call = client.list_endpoints().set_next_token(token.take()).send();
        match scope.call(call).await {
            Ok(page) => {
                section
                    .endpoints
                    .extend(page.endpoints().iter().map(|e| endpoint(&scope.region, e)));
                match page.next_token() {
                    Some(t) if !t.is_empty() => token = Some(t.to_string()),
                    _ => return (section, Vec::new()),
                }
            }
            Err(e) => {
                let err = LIST_ENDPOINTS.listing_failed(&[Kind::GlobalEndpoint], &e);
                return (section, vec![err]);
            }
        }
    }
}

fn endpoint(region: &str, e: &Endpoint) -> EventBridgeEndpoint {
    EventBridgeEndpoint {
        region: region.to_string(),
        name: e.name().unwrap_or_default().to_string(),
        arn: e.arn().unwrap_or_default().to_string(),
        endpoint_id: e.endpoint_id().map(str::to_string),
        state: e.state().map(|s| s.as_str().to_string()),
        replication_state: e
            .replication_config()
            .and_then(|r| r.state())
            .map(|s| s.as_str().to_string()),
        event_bus_arns: e
            .event_buses()
            .iter()
            .map(|b| b.event_bus_arn().to_string())
            .collect(),
        health_check: e
            .routing_config()
            .and_then(|r| r.failover_config())
            .and_then(|f| f.primary())
            .map(|p| p.health_check().to_string()),
    }
}
