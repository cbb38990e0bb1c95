//! Amazon Comprehend endpoints: whether the KMS key that encrypts the model each one serves
//! can still be used.

use super::kms::key_usable;
use super::mq::said;
use super::{Ctx, Known, Resource};
use crate::registry::{Kind, Service};
use crate::snapshot::ComprehendEndpoint;
use std::borrow::Cow;

crate::facts! {
    /// Derived facts of a Comprehend endpoint.
    pub struct EndpointFacts<'a> {
        /// `CREATING`, `DELETING`, `FAILED`, `IN_SERVICE` or `UPDATING`.
        pub status: Known<&'a str>,
        /// The model it serves.
        pub model_arn: Known<&'a str>,
        /// The KMS key that encrypts the model, as the model names it; null: an AWS owned key.
        pub model_key: Known<Option<&'a str>>,
        /// The key's state (`Enabled`, `Disabled`, `PendingDeletion` ...; `NotFound` when KMS
        /// has no such key any more); null for an AWS owned key.
        pub model_key_state: Known<Option<&'a str>>,
        /// Whether Comprehend can use the model's key: an AWS owned key, or a key whose state
        /// is `Enabled`.
        pub model_key_usable: Known<bool>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for ep in &ctx.snapshot.comprehend.endpoints {
        out.push(endpoint(ctx, ep));
    }
}

fn endpoint<'a>(ctx: &Ctx<'a>, ep: &'a ComprehendEndpoint) -> Resource<'a> {
    let model_key: Known<Option<&str>> = match ep.unreadable.get("model_kms_key_id") {
        Some(why) => Known::unknown(why),
        None => Known::Is(ep.model_kms_key_id.as_deref()),
    };
    let (state, usable) = match &model_key {
        Known::Unknown(why) => (Known::unknown(why), Known::unknown(why)),
        Known::Is(None) => (Known::Is(None), Known::Is(true)),
        Known::Is(Some(id)) => {
            let key = ctx
                .snapshot
                .kms
                .keys
                .iter()
                .find(|k| k.region == ep.region && k.key_ref == *id);
            match key {
                Some(k) => {
                    let state = if k.missing {
                        Known::Is(Some("NotFound"))
                    } else {
                        match k.unreadable.get("key_state") {
                            Some(why) => Known::unknown(why),
                            None => said(
                                k.key_state.as_deref().map(Some),
                                "DescribeKey returned no KeyState",
                            ),
                        }
                    };
                    (state, key_usable(k))
                }
                None => {
                    let why = ctx
                        .incomplete(Kind::KmsKey, &ep.region)
                        .map(super::Reason::from)
                        .or_else(|| ctx.not_collected(Service::kms, &ep.region))
                        .unwrap_or_else(|| {
                            format!("KMS key {id} was not read in {}", ep.region).into()
                        });
                    (Known::unknown(&why), Known::unknown(&why))
                }
            }
        }
    };
    let f = EndpointFacts {
        status: said(ep.status.as_deref(), "ListEndpoints returned no Status"),
        model_arn: said(ep.model_arn.as_deref(), "ListEndpoints returned no ModelArn"),
        model_key,
        model_key_state: state,
        model_key_usable: usable,
    };
    let arn = ctx.arn_or(&ep.arn, "comprehend", &ep.region, "endpoint", &ep.endpoint_name);
    Resource {
        kind: Kind::ComprehendEndpoint,
        id: Cow::Borrowed(&ep.endpoint_name),
        name: Some(Cow::Borrowed(&ep.endpoint_name)),
        arn,
        region: Cow::Borrowed(&ep.region),
        source: Some(ep),
        unreadable: Some(&ep.unreadable),
        facts: Box::new(f),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::tests::find;
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    fn endpoint(name: &str, key: Option<&str>) -> ComprehendEndpoint {
        ComprehendEndpoint {
            region: "r".into(),
            endpoint_name: name.into(),
            status: Some("IN_SERVICE".into()),
            model_arn: Some(format!("arn:aws:comprehend:r:1:document-classifier/{name}")),
            model_kms_key_id: key.map(str::to_string),
            ..Default::default()
        }
    }

    fn key(key_ref: &str, state: &str) -> KmsKey {
        KmsKey {
            region: "r".into(),
            key_ref: key_ref.into(),
            key_state: Some(state.into()),
            enabled: Some(state == "Enabled"),
            key_manager: Some("CUSTOMER".into()),
            ..Default::default()
        }
    }

    #[test]
    fn the_model_key_is_usable_when_aws_owned_or_enabled() {
        let mut s = Snapshot::new("111122223333", vec!["r".into()], "t".into());
        s.coverage.push(Coverage {
            service: "kms".into(),
            region: "r".into(),
            errors: vec![],
        });
        s.comprehend.endpoints = vec![
            endpoint("owned", None),
            endpoint("enabled", Some("k-on")),
            endpoint("disabled", Some("k-off")),
            endpoint("deleting", Some("k-del")),
            endpoint("deleted", Some("k-gone")),
            endpoint("denied", Some("k-denied")),
            endpoint("unlisted", Some("k-unlisted")),
        ];
        let mut denied = key("k-denied", "Enabled");
        denied.key_state = None;
        denied.enabled = None;
        for f in ["key_state", "enabled", "key_manager"] {
            denied
                .unreadable
                .insert(f.into(), "DescribeKey failed: AccessDeniedException".into());
        }
        s.kms.keys = vec![
            key("k-on", "Enabled"),
            key("k-off", "Disabled"),
            key("k-del", "PendingDeletion"),
            KmsKey {
                region: "r".into(),
                key_ref: "k-gone".into(),
                missing: true,
                ..Default::default()
            },
            denied,
        ];
        let m = Model::build(&s);
        let usable = |name: &str| find(&m, "comprehend.endpoint", name).fields()["model_key_usable"].clone();
        assert_eq!(usable("owned"), json!(true));
        assert_eq!(usable("enabled"), json!(true));
        assert_eq!(usable("disabled"), json!(false));
        assert_eq!(usable("deleting"), json!(false));
        assert_eq!(usable("deleted"), json!(false));
        let deleted = find(&m, "comprehend.endpoint", "deleted");
        assert_eq!(deleted.fields()["model_key_state"], json!("NotFound"));
        let owned = find(&m, "comprehend.endpoint", "owned");
        assert_eq!(owned.fields()["model_key"], json!(null));
        let denied = find(&m, "comprehend.endpoint", "denied");
        assert_eq!(
            denied.unknown()["model_key_usable"],
            "DescribeKey failed: AccessDeniedException"
        );
        let unlisted = find(&m, "comprehend.endpoint", "unlisted");
        assert_eq!(
            unlisted.unknown()["model_key_usable"],
            "KMS key k-unlisted was not read in r"
        );
    }
}
