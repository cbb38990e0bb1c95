//! CloudFormation stacks: whether each is a root stack, protected against deletion, and in a
//! state that accepts updates.

use super::mq::said;
use super::{Always, Ctx, Known, Resource};
use crate::registry::Kind;
use crate::snapshot::CfnStack;
use std::borrow::Cow;

crate::facts! {
    /// Derived facts of a CloudFormation stack.
    pub struct StackFacts<'a> {
        /// Whether it is nested in another stack (DescribeStacks names a parent or a root):
        /// its termination protection and its updates are the root stack's.
        pub nested: Always<bool>,
        /// Whether DeleteStack is refused (EnableTerminationProtection).
        pub termination_protection: Known<bool>,
        /// `CREATE_COMPLETE`, `UPDATE_ROLLBACK_FAILED`, ...
        pub status: Known<&'a str>,
    }
}

pub(super) fn build<'a>(ctx: &Ctx<'a>, out: &mut Vec<Resource<'a>>) {
    for st in &ctx.snapshot.cloudformation.stacks {
        out.push(stack(ctx, st));
    }
}

fn stack<'a>(ctx: &Ctx<'a>, st: &'a CfnStack) -> Resource<'a> {
    let f = StackFacts {
        nested: Always(st.parent_id.is_some() || st.root_id.is_some()),
        termination_protection: said(
            st.enable_termination_protection,
            "DescribeStacks returned no EnableTerminationProtection",
        ),
        status: said(
            st.stack_status.as_deref(),
            "DescribeStacks returned no StackStatus",
        ),
    };
    let arn = ctx.arn_or(&st.stack_id, "cloudformation", &st.region, "stack", &st.stack_name);
    Resource {
        kind: Kind::CfnStack,
        id: Cow::Borrowed(&st.stack_name),
        name: Some(Cow::Borrowed(&st.stack_name)),
        arn,
        region: Cow::Borrowed(&st.region),
        source: Some(st),
        unreadable: None,
        facts: Box::new(f),
    }
}

#[cfg(test)]
mod tests {
    use crate::model::tests::find;
    use crate::model::Model;
    use crate::snapshot::*;
    use serde_json::json;

    #[test]
    fn nesting_protection_and_status_come_from_describe_stacks() {
        let mut s = Snapshot::new("111122223333", vec!["r".into()], "t".into());
        let arn = |name: &str| format!("arn:aws:cloudformation:r:111122223333:stack/{name}/1");
        s.cloudformation.stacks = vec![
            CfnStack {
                region: "r".into(),
                stack_name: "app".into(),
                stack_id: arn("app"),
                stack_status: Some("UPDATE_ROLLBACK_FAILED".into()),
                enable_termination_protection: Some(true),
                ..Default::default()
            },
            CfnStack {
                region: "r".into(),
                stack_name: "app-Db-1".into(),
                stack_id: arn("app-Db-1"),
                stack_status: Some("UPDATE_COMPLETE".into()),
                parent_id: Some(arn("app")),
                root_id: Some(arn("app")),
                enable_termination_protection: Some(false),
                ..Default::default()
            },
            CfnStack {
                region: "r".into(),
                stack_name: "bare".into(),
                ..Default::default()
            },
        ];
        let m = Model::build(&s);
        let facts = |name: &str| {
            let r = find(&m, "cloudformation.stack", name);
            let f = r.fields();
            (
                f["nested"].clone(),
                f["termination_protection"].clone(),
                f["status"].clone(),
                r.arn.to_string(),
            )
        };
        assert_eq!(
            facts("app"),
            (json!(false), json!(true), json!("UPDATE_ROLLBACK_FAILED"), arn("app"))
        );
        assert_eq!(facts("app-Db-1").0, json!(true));
        let bare = find(&m, "cloudformation.stack", "bare");
        assert_eq!(bare.arn, "arn:aws:cloudformation:r:111122223333:stack/bare");
        assert_eq!(
            bare.unknown()["termination_protection"],
            "DescribeStacks returned no EnableTerminationProtection"
        );
        assert_eq!(
            bare.unknown()["status"],
            "DescribeStacks returned no StackStatus"
        );
    }
}
