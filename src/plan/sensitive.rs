//! Sensitive values. A plan prints them in plain text and marks their paths in
//! `after_sensitive` / `before_sensitive` (changes) or `sensitive_values` (state and planned
//! values). They are blanked in the document before anything reads it, so no message, snapshot
//! or report can carry one; the reader then sees the attribute as unknown and says it is
//! sensitive.

use serde_json::Value;

/// Blanks every sensitive value of the plan document: change values against their
/// `*_sensitive` trees, state and planned values against `sensitive_values`.
pub fn redact(doc: &mut Value) {
    if let Some(Value::Array(changes)) = doc.get_mut("resource_changes") {
        for rc in changes {
            redact_change(rc.get_mut("change"));
        }
    }
    if let Some(Value::Array(deferred)) = doc.get_mut("deferred_changes") {
        for d in deferred {
            redact_change(
                d.get_mut("resource_change")
                    .and_then(|rc| rc.get_mut("change")),
            );
        }
    }
    if let Some(root) = doc.pointer_mut("/prior_state/values/root_module") {
        redact_module(root, 0);
    }
    if let Some(root) = doc.pointer_mut("/planned_values/root_module") {
        redact_module(root, 0);
    }
}

fn redact_change(change: Option<&mut Value>) {
    let Some(Value::Object(c)) = change else {
        return;
    };
    for (values, marks) in [("after", "after_sensitive"), ("before", "before_sensitive")] {
        let Some(marks) = c.get(marks).cloned() else {
            continue;
        };
        if let Some(v) = c.get_mut(values) {
            blank(v, &marks);
        }
    }
}

fn redact_module(m: &mut Value, depth: usize) {
    // The parser refuses deeper nesting; this only has to stop.
    if depth > 64 {
        return;
    }
    if let Some(Value::Array(rs)) = m.get_mut("resources") {
        for r in rs {
            let Some(marks) = r.get("sensitive_values").cloned() else {
                continue;
            };
            if let Some(v) = r.get_mut("values") {
                blank(v, &marks);
            }
        }
    }
    if let Some(Value::Array(children)) = m.get_mut("child_modules") {
        for c in children {
            redact_module(c, depth + 1);
        }
    }
}

/// Nulls what `marks` (the same shape as `v`, sensitive leaves `true`) marks.
fn blank(v: &mut Value, marks: &Value) {
    match (v, marks) {
        (v, Value::Bool(true)) => *v = Value::Null,
        (Value::Object(o), Value::Object(m)) => {
            for (k, mk) in m {
                if let Some(x) = o.get_mut(k) {
                    blank(x, mk);
                }
            }
        }
        (Value::Array(a), Value::Array(m)) => {
            for (x, mk) in a.iter_mut().zip(m) {
                blank(x, mk);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sensitive_leaves_are_blanked_and_nothing_else() {
        let mut doc = json!({
            "resource_changes": [{"change": {
                "after": {"password": "hunter2", "multi_az": true,
                          "tags": {"Name": "db", "Owner": "secret-team"},
                          "records": ["10.0.0.1", "10.0.0.2"]},
                "after_sensitive": {"password": true, "tags": {"Owner": true},
                                    "records": [false, true]},
                "before": {"password": "old"},
                "before_sensitive": {"password": true}
            }}],
            "prior_state": {"values": {"root_module": {"child_modules": [{"resources": [
                {"values": {"token": "t", "id": "x"}, "sensitive_values": {"token": true}}
            ]}]}}}
        });
        redact(&mut doc);
        assert_eq!(
            doc["resource_changes"][0]["change"]["after"],
            json!({"password": null, "multi_az": true,
                   "tags": {"Name": "db", "Owner": null}, "records": ["10.0.0.1", null]})
        );
        assert_eq!(
            doc["resource_changes"][0]["change"]["before"],
            json!({"password": null})
        );
        assert_eq!(
            doc["prior_state"]["values"]["root_module"]["child_modules"][0]["resources"][0]
                ["values"],
            json!({"token": null, "id": "x"})
        );
        assert!(!doc.to_string().contains("hunter2"));
    }
}
