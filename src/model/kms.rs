//! The KMS keys of Amazon Comprehend models: read only as part of the endpoints that serve
//! those models.

use super::mq::said;
use super::{Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::KmsKey;
use std::borrow::Cow;

crate::facts! {
    /// Derived facts of a KMS key.
    pub struct KeyFacts {
        /// Whether the key can be used for cryptographic operations (its state is `Enabled`).
        pub usable: Known<bool>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for k in &ctx.snapshot.kms.keys {
        out.push(key(ctx, k));
    }
}

/// Whether a key can be used: not when KMS has no such key, else when its state is
/// `Enabled` (`Disabled`, `PendingDeletion`, `PendingImport`, `Unavailable` ... refuse every
/// cryptographic operation).
pub(super) fn key_usable(k: &KmsKey) -> Known<bool> {
    if k.missing {
        return Known::Is(false);
    }
    if let Some(why) = k.unreadable.get("key_state") {
        return Known::unknown(why);
    }
    said(
        k.key_state.as_deref().map(|s| s == "Enabled"),
        "DescribeKey returned no KeyState",
    )
}

fn key<'a>(ctx: &Ctx<'a>, k: &'a KmsKey) -> Resource<'a> {
    let arn = match &k.arn {
        Some(arn) => Cow::Borrowed(arn.as_str()),
        None if k.key_ref.starts_with("arn:") => Cow::Borrowed(k.key_ref.as_str()),
        None => Cow::Owned(ctx.arn("kms", &k.region, "key", &k.key_ref)),
    };
    Resource {
        kind: Kind::KmsKey,
        id: Cow::Borrowed(&k.key_ref),
        name: None,
        arn,
        region: Cow::Borrowed(&k.region),
        source: Some(k),
        unreadable: Some(&k.unreadable),
        facts: Box::new(KeyFacts {
            usable: key_usable(k),
        }),
    }
}
