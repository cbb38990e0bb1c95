//! Rendering `{placeholder}` messages from a resource's fields and a rule's params.

use serde_json::Value;

/// Replaces `{field}`, `{field.sub}` and `{params.x}` with values; lists are joined with
/// ", " and empty or null values read "none". Unknown placeholders are left as written so a
/// catalogue test can catch them.
pub fn render(template: &str, resource: &Value, params: &Value) -> String {
    render_with(template, params, |field| resource.get(field).cloned())
}

/// [`render`] with the resource's fields given one at a time by `field` (its JSON, or `None`
/// for a field the resource does not have): a failing finding reads only the fields its
/// message names.
pub fn render_with(
    template: &str,
    params: &Value,
    field: impl Fn(&str) -> Option<Value>,
) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let key = &after[..end];
        let value = match key.strip_prefix("params.") {
            Some(p) => lookup(params, p).cloned(),
            None => {
                let (name, rest) = key.split_once('.').unwrap_or((key, ""));
                field(name).and_then(|v| {
                    if rest.is_empty() {
                        Some(v)
                    } else {
                        lookup(&v, rest).cloned()
                    }
                })
            }
        };
        match value {
            Some(v) => out.push_str(&text(&v)),
            None => {
                out.push('{');
                out.push_str(key);
                out.push('}');
            }
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

fn lookup<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(v, |cur, part| cur.get(part))
}

fn text(v: &Value) -> String {
    match v {
        Value::Null => "none".into(),
        Value::String(s) => s.clone(),
        Value::Array(a) if a.is_empty() => "none".into(),
        Value::Array(a) => a.iter().map(text).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::render;
    use serde_json::json;

    #[test]
    fn placeholders_read_fields_nested_fields_and_params() {
        let r = json!({"id": "db", "azs": ["a", "b"], "empty": [], "none": null, "t": {"k": 3}});
        let p = json!({"min_azs": 2});
        assert_eq!(
            render(
                "{id} in {azs} ({empty}/{none}) k={t.k} min {params.min_azs}",
                &r,
                &p
            ),
            "db in a, b (none/none) k=3 min 2"
        );
        assert_eq!(render("{missing} {unclosed", &r, &p), "{missing} {unclosed");
    }
}
