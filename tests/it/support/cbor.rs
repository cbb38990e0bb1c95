//! The Smithy RPC v2 CBOR protocol translated to the AWS JSON 1.0 protocol, for the proxy.
//!
//! The Rust SDK speaks RPC v2 CBOR to CloudWatch (`POST /service/<target prefix>/operation/
//! <Op>`, CBOR bodies); moto 5.2.5 serves CloudWatch over the query and JSON protocols only.
//! Both protocols carry the same members under the same names, so the proxy re-encodes the
//! request as JSON (with `X-Amz-Target: <prefix>.<Op>`) and moto's answer back as CBOR. The
//! one difference in values is timestamps: epoch seconds in JSON, CBOR tag 1 on the wire, so
//! members whose name ends in `Timestamp` (all of CloudWatch's) are tagged. Nothing else is
//! changed; a fault or an error answer passes through with its `__type`.
//!
//! The CBOR itself is read and written by `minicbor`, the codec the SDK's RPC v2 CBOR
//! protocol uses; this module only maps its data items to JSON values and back.

use minicbor::data::{IanaTag, Type};
use minicbor::decode::{Decoder, Error};
use minicbor::Encoder;
use serde_json::{Map, Number, Value};
use std::convert::Infallible;

/// `/service/GraniteServiceVersion20100801/operation/DescribeAlarms` -> (prefix, operation).
pub fn rpc_target(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("/service/")?;
    let (prefix, op) = rest.split_once("/operation/")?;
    (!prefix.is_empty() && !op.is_empty() && !op.contains('/')).then_some((prefix, op))
}

/// A CBOR document as JSON; `None` when it is not well-formed or holds what JSON cannot (a
/// map key that is not a string, an integer beyond 64 bits, a blob that is not UTF-8).
pub fn to_json(bytes: &[u8]) -> Option<Value> {
    if bytes.is_empty() {
        return Some(Value::Object(Map::new()));
    }
    let mut d = Decoder::new(bytes);
    let v = value(&mut d).ok()?;
    (d.position() == bytes.len()).then_some(v)
}

/// A JSON document as CBOR (definite lengths; nulls in maps left out, as Smithy does).
pub fn from_json(v: &Value) -> Vec<u8> {
    let mut e = Encoder::new(Vec::new());
    encode(v, false, &mut e).expect("writing to memory cannot fail");
    e.into_writer()
}

fn value(d: &mut Decoder) -> Result<Value, Error> {
    Ok(match d.datatype()? {
        Type::Bool => Value::Bool(d.bool()?),
        Type::Null | Type::Undefined => {
            d.skip()?;
            Value::Null
        }
        Type::U8 | Type::U16 | Type::U32 | Type::U64 => Value::from(d.u64()?),
        Type::I8 | Type::I16 | Type::I32 | Type::I64 => Value::from(d.i64()?),
        Type::F16 | Type::F32 | Type::F64 => {
            Number::from_f64(d.f64()?).map_or(Value::Null, Value::Number)
        }
        Type::String | Type::StringIndef => Value::String(d.str_iter()?.collect::<Result<_, _>>()?),
        // Blobs do not occur in the reads ha-audit makes; kept as text if UTF-8.
        Type::Bytes | Type::BytesIndef => {
            let mut bytes = Vec::new();
            for chunk in d.bytes_iter()? {
                bytes.extend_from_slice(chunk?);
            }
            Value::String(String::from_utf8(bytes).map_err(|_| Error::message("blob"))?)
        }
        Type::Array | Type::ArrayIndef => {
            let len = d.array()?;
            let mut items = Vec::new();
            each(d, len, |d| {
                items.push(value(d)?);
                Ok(())
            })?;
            Value::Array(items)
        }
        Type::Map | Type::MapIndef => {
            let len = d.map()?;
            let mut map = Map::new();
            each(d, len, |d| {
                let Value::String(k) = value(d)? else {
                    return Err(Error::message("map key"));
                };
                map.insert(k, value(d)?);
                Ok(())
            })?;
            Value::Object(map)
        }
        // Tags (1: epoch timestamp) carry their value through: JSON uses the number.
        Type::Tag => {
            d.tag()?;
            value(d)?
        }
        other => return Err(Error::type_mismatch(other)),
    })
}

/// Calls `item` for each of the `len` entries of an array or map, or, for one of indefinite
/// length (`None`), for each entry up to its break.
fn each(
    d: &mut Decoder,
    len: Option<u64>,
    mut item: impl FnMut(&mut Decoder) -> Result<(), Error>,
) -> Result<(), Error> {
    match len {
        Some(n) => (0..n).try_for_each(|_| item(d)),
        None => {
            while d.datatype()? != Type::Break {
                item(d)?;
            }
            d.set_position(d.position() + 1);
            Ok(())
        }
    }
}

fn encode(
    v: &Value,
    timestamp: bool,
    e: &mut Encoder<Vec<u8>>,
) -> Result<(), minicbor::encode::Error<Infallible>> {
    match v {
        Value::Null => {
            e.null()?;
        }
        Value::Bool(b) => {
            e.bool(*b)?;
        }
        Value::Number(n) => {
            if timestamp {
                e.tag(IanaTag::Timestamp)?;
            }
            match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => e.u64(u)?,
                (None, Some(i)) => e.i64(i)?,
                // Any other number as an 8-byte double, the width of Smithy doubles.
                (None, None) => e.f64(n.as_f64().unwrap_or(0.0))?,
            };
        }
        Value::String(s) => {
            e.str(s)?;
        }
        Value::Array(items) => {
            e.array(items.len() as u64)?;
            for i in items {
                encode(i, timestamp, e)?;
            }
        }
        Value::Object(map) => {
            let present: Vec<_> = map.iter().filter(|(_, v)| !v.is_null()).collect();
            e.map(present.len() as u64)?;
            for (k, v) in present {
                e.str(k)?;
                encode(v, k.ends_with("Timestamp"), e)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_round_trips_through_cbor() {
        let v = json!({"AlarmTypes": ["MetricAlarm"], "MaxRecords": 100, "T": -3, "F": 1.5,
                       "B": true, "Nested": {"L": [1, "x"]}});
        assert_eq!(to_json(&from_json(&v)), Some(v));
    }

    #[test]
    fn timestamps_are_tagged() {
        let cbor = from_json(&json!({"StateUpdatedTimestamp": 1700000000}));
        // map(1), text(21) "StateUpdatedTimestamp", tag(1), uint32.
        assert_eq!(cbor[0], 0xa1);
        assert_eq!(&cbor[23..25], &[0xc1, 0x1a]);
    }

    #[test]
    fn indefinite_lengths_and_targets() {
        // {_ "a": [_ 1, 2]} as written by a streaming encoder.
        let bytes = [0xbf, 0x61, b'a', 0x9f, 0x01, 0x02, 0xff, 0xff];
        assert_eq!(to_json(&bytes), Some(json!({"a": [1, 2]})));
        assert_eq!(
            rpc_target("/service/GraniteServiceVersion20100801/operation/DescribeAlarms"),
            Some(("GraniteServiceVersion20100801", "DescribeAlarms"))
        );
    }
}
