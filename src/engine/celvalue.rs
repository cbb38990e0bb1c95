//! JSON to CEL values. Integers always become CEL `int` so that rule authors can compare
//! with plain literals (`resource.backup_retention_period > 0`) without uint/int overloads.

use cel::objects::{Key, Map};
use cel::Value;
use std::collections::HashMap;
use std::sync::Arc;

pub fn json_to_cel(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => Value::String(Arc::new(s.clone())),
        serde_json::Value::Array(a) => Value::List(Arc::new(a.iter().map(json_to_cel).collect())),
        serde_json::Value::Object(o) => object_to_cel(o.iter()),
    }
}

/// A CEL map of the given JSON members.
pub fn object_to_cel<'a>(
    members: impl Iterator<Item = (&'a String, &'a serde_json::Value)>,
) -> Value {
    let map: HashMap<Key, Value> = members
        .map(|(k, v)| (Key::String(Arc::new(k.clone())), json_to_cel(v)))
        .collect();
    Value::Map(Map { map: Arc::new(map) })
}
