//! Cognito user pools: whether each is protected against deletion.

use super::{Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::CognitoUserPool;
use std::borrow::Cow;

/// What DescribeUserPool's DeletionProtection means when the pool never set it.
const DEFAULT_DELETION_PROTECTION: &str = "INACTIVE";

crate::facts! {
    /// Derived facts of a Cognito user pool.
    pub struct UserPoolFacts<'a> {
        /// `ACTIVE` (DeleteUserPool is refused) or `INACTIVE`; a pool that never set it is
        /// `INACTIVE`, the default.
        pub deletion_protection: Known<&'a str>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for p in &ctx.snapshot.cognito.user_pools {
        out.push(pool(ctx, p));
    }
}

fn pool<'a>(ctx: &Ctx<'a>, p: &'a CognitoUserPool) -> Resource<'a> {
    // A failed DescribeUserPool leaves it unknown; a successful one without it means the
    // default.
    let deletion_protection = match p.unreadable.get("deletion_protection") {
        Some(why) => Known::unknown(why),
        None => Known::Is(
            p.deletion_protection
                .as_deref()
                .unwrap_or(DEFAULT_DELETION_PROTECTION),
        ),
    };
    let arn = ctx.arn_or(&p.arn, "cognito-idp", &p.region, "userpool", &p.id);
    let name = if p.name.is_empty() { &p.id } else { &p.name };
    Resource {
        kind: Kind::CognitoUserPool,
        id: Cow::Borrowed(&p.id),
        name: Some(Cow::Borrowed(name)),
        arn,
        region: Cow::Borrowed(&p.region),
        source: Some(p),
        unreadable: Some(&p.unreadable),
        facts: Box::new(UserPoolFacts {
            deletion_protection,
        }),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::tests::find;
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    #[test]
    fn deletion_protection_defaults_to_inactive_only_when_the_pool_was_described() {
        let mut s = Snapshot::new("111122223333", vec!["r".into()], "t".into());
        let pool = |id: &str, dp: Option<&str>| CognitoUserPool {
            region: "r".into(),
            id: id.into(),
            name: format!("{id}-name"),
            deletion_protection: dp.map(str::to_string),
            ..Default::default()
        };
        let mut denied = pool("r_denied", None);
        denied.unreadable.insert(
            "deletion_protection".into(),
            "DescribeUserPool failed: AccessDeniedException".into(),
        );
        s.cognito.user_pools = vec![
            pool("r_guarded", Some("ACTIVE")),
            pool("r_open", Some("INACTIVE")),
            pool("r_never", None),
            denied,
        ];
        let m = Model::build(&s);
        let dp = |id: &str| find(&m, "cognito.user_pool", id).fields()["deletion_protection"].clone();
        assert_eq!(dp("r_guarded"), json!("ACTIVE"));
        assert_eq!(dp("r_open"), json!("INACTIVE"));
        assert_eq!(dp("r_never"), json!("INACTIVE"));
        let denied = find(&m, "cognito.user_pool", "r_denied");
        assert_eq!(
            denied.unknown()["deletion_protection"],
            "DescribeUserPool failed: AccessDeniedException"
        );
        assert_eq!(denied.name.as_deref(), Some("r_denied-name"));
        assert_eq!(
            denied.arn,
            "arn:aws:cognito-idp:r:111122223333:userpool/r_denied"
        );
    }
}
