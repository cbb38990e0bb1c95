//! Which resources an AWS Backup selection assigns to its plan.
//!
//! AWS Backup combines the parts of a selection (`BackupSelection`) as follows, and so does
//! [`selects`]:
//!
//! * `Resources`: ARNs or ARN patterns where `*` matches any run of characters (`*` alone is
//!   every resource). Several entries are joined with OR.
//! * `ListOfTags`: `STRINGEQUALS` tag tests, joined with OR. A selection with both
//!   `Resources` and `ListOfTags` assigns what either of them names (OR).
//! * With neither `Resources` nor `ListOfTags`, the selection starts from every resource.
//! * `Conditions` (`StringEquals`, `StringNotEquals`, `StringLike`, `StringNotLike` on
//!   `aws:ResourceTag/<key>`) narrow that set: every condition must hold (AND). As in IAM, a
//!   negated test holds for a resource without the tag; `StringLike` takes `*` and `?`.
//! * `NotResources` removes the ARNs or patterns it names from whatever the rest selected.
//!
//! Tags are compared case-sensitively, as AWS does. A selection is applied only to resources
//! of its plan's region, whatever region its patterns name.

use crate::snapshot::{BackupSelection, ConditionParameter, Tags};

/// The prefix of a condition key naming a resource tag.
const TAG_KEY: &str = "aws:ResourceTag/";

/// Whether `sel` assigns the resource with `arn` and `tags` to its plan: `Some(true)` or
/// `Some(false)` when that is decided, `None` when it depends on tags that are not known
/// (`tags` is `None`).
pub(crate) fn selects(sel: &BackupSelection, arn: &str, tags: Option<&Tags>) -> Option<bool> {
    if sel.not_resources.iter().any(|p| glob(p, arn)) {
        return Some(false);
    }
    let base = if sel.resources.is_empty() && sel.list_of_tags.is_empty() {
        Some(true)
    } else {
        let by_arn = sel.resources.iter().any(|p| glob(p, arn));
        let by_tags = if sel.list_of_tags.is_empty() {
            Some(false)
        } else {
            tags.map(|t| {
                sel.list_of_tags.iter().any(|c| {
                    c.condition_type.eq_ignore_ascii_case("STRINGEQUALS")
                        && tag(t, &c.condition_key) == Some(c.condition_value.as_str())
                })
            })
        };
        or(Some(by_arn), by_tags)
    };
    and(base, conditions_hold(sel, tags))
}

/// Whether every `Conditions` test holds (`None` when some test needs unknown tags).
fn conditions_hold(sel: &BackupSelection, tags: Option<&Tags>) -> Option<bool> {
    let c = &sel.conditions;
    if c.string_equals.is_empty()
        && c.string_not_equals.is_empty()
        && c.string_like.is_empty()
        && c.string_not_like.is_empty()
    {
        return Some(true);
    }
    let t = tags?;
    Some(
        all_hold(t, &c.string_equals, |v, want| v == Some(want))
            && all_hold(t, &c.string_not_equals, |v, want| v != Some(want))
            && all_hold(t, &c.string_like, |v, want| {
                v.is_some_and(|v| glob(want, v))
            })
            && all_hold(t, &c.string_not_like, |v, want| {
                !v.is_some_and(|v| glob(want, v))
            }),
    )
}

/// Whether `test(tag value, condition value)` holds for every parameter.
fn all_hold(
    tags: &Tags,
    params: &[ConditionParameter],
    test: impl Fn(Option<&str>, &str) -> bool,
) -> bool {
    params
        .iter()
        .all(|p| test(tag(tags, &p.condition_key), &p.condition_value))
}

/// The value of the tag a condition key names (`aws:ResourceTag/<key>`, or a bare key as
/// `ListOfTags` entries may give it).
fn tag<'a>(tags: &'a Tags, key: &str) -> Option<&'a str> {
    let key = key.strip_prefix(TAG_KEY).unwrap_or(key);
    tags.get(key).map(String::as_str)
}

fn or(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

fn and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

/// `*` matches any run of characters (also `:` and `/`), `?` exactly one.
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    // Iterative matching with backtracking to the last `*`.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{SelectionConditions, TagCondition};

    const VOLUME: &str = "arn:aws:ec2:us-east-1:111122223333:volume/vol-0abc";
    const TABLE: &str = "arn:aws:dynamodb:us-east-1:111122223333:table/orders";

    fn tags(pairs: &[(&str, &str)]) -> Tags {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn param(key: &str, value: &str) -> ConditionParameter {
        ConditionParameter {
            condition_key: key.into(),
            condition_value: value.into(),
        }
    }

    fn by_tag(key: &str, value: &str) -> TagCondition {
        TagCondition {
            condition_type: "STRINGEQUALS".into(),
            condition_key: key.into(),
            condition_value: value.into(),
        }
    }

    fn resources(patterns: &[&str]) -> BackupSelection {
        BackupSelection {
            resources: patterns.iter().map(|p| p.to_string()).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn globs() {
        assert!(glob("*", VOLUME));
        assert!(glob("arn:aws:ec2:*:*:volume/*", VOLUME));
        assert!(!glob("arn:aws:ec2:*:*:instance/*", VOLUME));
        assert!(glob("arn:aws:dynamodb:*:*:table/*", TABLE));
        assert!(glob("prod*", "production"));
        assert!(glob("*rod*", "production"));
        assert!(glob("v?l", "vol"));
        assert!(!glob("v?l", "vool"));
        assert!(glob(VOLUME, VOLUME));
        assert!(!glob(
            "arn:aws:ec2:us-east-1:111122223333:volume/vol-0ab",
            VOLUME
        ));
    }

    #[test]
    fn explicit_and_wildcard_arns_are_joined_with_or() {
        let none = tags(&[]);
        let t = Some(&none);
        assert_eq!(selects(&resources(&[VOLUME]), VOLUME, t), Some(true));
        assert_eq!(selects(&resources(&[TABLE, VOLUME]), VOLUME, t), Some(true));
        assert_eq!(selects(&resources(&["*"]), TABLE, t), Some(true));
        assert_eq!(
            selects(&resources(&["arn:aws:dynamodb:*:*:table/*"]), VOLUME, t),
            Some(false)
        );
        // ARNs alone never need tags.
        assert_eq!(selects(&resources(&[VOLUME]), VOLUME, None), Some(true));
        assert_eq!(selects(&resources(&[TABLE]), VOLUME, None), Some(false));
    }

    #[test]
    fn not_resources_exclude_what_the_rest_selects() {
        let mut sel = resources(&["*"]);
        sel.not_resources = vec!["arn:aws:ec2:*:*:volume/*".into()];
        let none = tags(&[]);
        assert_eq!(selects(&sel, VOLUME, Some(&none)), Some(false));
        assert_eq!(selects(&sel, TABLE, Some(&none)), Some(true));
        // An exclusion is decided without tags.
        assert_eq!(selects(&sel, VOLUME, None), Some(false));
    }

    #[test]
    fn list_of_tags_entries_are_joined_with_or_and_with_resources() {
        let sel = BackupSelection {
            resources: vec![TABLE.into()],
            list_of_tags: vec![
                by_tag("backup", "daily"),
                by_tag("aws:ResourceTag/tier", "db"),
            ],
            ..Default::default()
        };
        assert_eq!(
            selects(&sel, VOLUME, Some(&tags(&[("backup", "daily")]))),
            Some(true)
        );
        assert_eq!(
            selects(&sel, VOLUME, Some(&tags(&[("tier", "db")]))),
            Some(true)
        );
        // Case-sensitive, exact values.
        assert_eq!(
            selects(&sel, VOLUME, Some(&tags(&[("backup", "Daily")]))),
            Some(false)
        );
        assert_eq!(selects(&sel, VOLUME, Some(&tags(&[]))), Some(false));
        // Named by ARN: tags do not matter.
        assert_eq!(selects(&sel, TABLE, None), Some(true));
        // Not named by ARN, tags unknown: undecided.
        assert_eq!(selects(&sel, VOLUME, None), None);
    }

    #[test]
    fn conditions_are_joined_with_and_and_narrow_the_resources() {
        let sel = BackupSelection {
            resources: vec!["arn:aws:ec2:*:*:volume/*".into()],
            conditions: SelectionConditions {
                string_equals: vec![param("aws:ResourceTag/backup", "yes")],
                string_not_equals: vec![param("aws:ResourceTag/env", "dev")],
                string_like: vec![param("aws:ResourceTag/owner", "team-*")],
                string_not_like: vec![param("aws:ResourceTag/tier", "*scratch*")],
            },
            ..Default::default()
        };
        let ok = tags(&[("backup", "yes"), ("env", "prod"), ("owner", "team-a")]);
        assert_eq!(selects(&sel, VOLUME, Some(&ok)), Some(true));
        // A negated test holds when the tag is absent; the others need it.
        let mut no_env = ok.clone();
        no_env.remove("env");
        assert_eq!(selects(&sel, VOLUME, Some(&no_env)), Some(true));
        for (k, v) in [
            ("env", "dev"),
            ("backup", "no"),
            ("owner", "ops"),
            ("tier", "my-scratch"),
        ] {
            let mut t = ok.clone();
            t.insert(k.into(), v.into());
            assert_eq!(selects(&sel, VOLUME, Some(&t)), Some(false), "{k}={v}");
        }
        let mut no_owner = ok.clone();
        no_owner.remove("owner");
        assert_eq!(selects(&sel, VOLUME, Some(&no_owner)), Some(false));
        // Resources still apply: conditions only narrow them.
        assert_eq!(selects(&sel, TABLE, Some(&ok)), Some(false));
        // Unknown tags: false when the ARN already rules it out, else undecided.
        assert_eq!(selects(&sel, TABLE, None), Some(false));
        assert_eq!(selects(&sel, VOLUME, None), None);
    }

    #[test]
    fn conditions_alone_start_from_every_resource() {
        let sel = BackupSelection {
            conditions: SelectionConditions {
                string_equals: vec![param("aws:ResourceTag/backup", "yes")],
                ..Default::default()
            },
            ..Default::default()
        };
        assert_eq!(
            selects(&sel, TABLE, Some(&tags(&[("backup", "yes")]))),
            Some(true)
        );
        assert_eq!(selects(&sel, TABLE, Some(&tags(&[]))), Some(false));
        // An empty selection assigns everything.
        assert_eq!(
            selects(&BackupSelection::default(), TABLE, None),
            Some(true)
        );
    }
}
