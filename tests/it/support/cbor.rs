//! The Smithy RPC v2 CBOR protocol translated to the AWS JSON 1.0 protocol, for the proxy.
//!
//! The Rust SDK speaks RPC v2 CBOR to CloudWatch (`POST /service/<target prefix>/operation/
//! <Op>`, CBOR bodies); moto 5.2.5 serves CloudWatch over the query and JSON protocols only.
//! Both protocols carry the same members under the same names, so the proxy re-encodes the
//! request as JSON (with `X-Amz-Target: <prefix>.<Op>`) and moto's answer back as CBOR. The
//! one difference in values is timestamps: epoch seconds in JSON, CBOR tag 1 on the wire, so
//! members whose name ends in `Timestamp` (all of CloudWatch's) are tagged. Nothing else is
//! changed; a fault or an error answer passes through with its `__type`.

use serde_json::{Map, Number, Value};

/// `/service/GraniteServiceVersion20100801/operation/DescribeAlarms` -> (prefix, operation).
pub fn rpc_target(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix("/service/")?;
    let (prefix, op) = rest.split_once("/operation/")?;
    (!prefix.is_empty() && !op.is_empty() && !op.contains('/')).then_some((prefix, op))
}

/// A CBOR document as JSON; `None` when it is not well-formed.
pub fn to_json(bytes: &[u8]) -> Option<Value> {
    if bytes.is_empty() {
        return Some(Value::Object(Map::new()));
    }
    let mut d = Decoder { b: bytes, at: 0 };
    let v = d.value()?;
    (d.at == bytes.len()).then_some(v)
}

/// A JSON document as CBOR (definite lengths; nulls in maps left out, as Smithy does).
pub fn from_json(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    encode(v, false, &mut out);
    out
}

struct Decoder<'a> {
    b: &'a [u8],
    at: usize,
}

const BREAK: u8 = 0xff;

impl Decoder<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.b.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let s = self.b.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(s)
    }

    /// The argument of a head byte: `None` for the indefinite-length marker.
    fn arg(&mut self, info: u8) -> Option<Option<u64>> {
        Some(Some(match info {
            0..=23 => u64::from(info),
            24 => u64::from(self.byte()?),
            25 => u64::from(u16::from_be_bytes(self.take(2)?.try_into().ok()?)),
            26 => u64::from(u32::from_be_bytes(self.take(4)?.try_into().ok()?)),
            27 => u64::from_be_bytes(self.take(8)?.try_into().ok()?),
            31 => return Some(None),
            _ => return None,
        }))
    }

    fn at_break(&mut self) -> bool {
        if self.b.get(self.at) == Some(&BREAK) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn text(&mut self, len: Option<u64>) -> Option<String> {
        match len {
            Some(n) => String::from_utf8(self.take(usize::try_from(n).ok()?)?.to_vec()).ok(),
            None => {
                let mut s = String::new();
                while !self.at_break() {
                    match self.value()? {
                        Value::String(part) => s.push_str(&part),
                        _ => return None,
                    }
                }
                Some(s)
            }
        }
    }

    fn value(&mut self) -> Option<Value> {
        let head = self.byte()?;
        let (major, info) = (head >> 5, head & 0x1f);
        if major == 7 {
            return match info {
                20 => Some(Value::Bool(false)),
                21 => Some(Value::Bool(true)),
                22 | 23 => Some(Value::Null),
                25 => Some(float(half(u16::from_be_bytes(
                    self.take(2)?.try_into().ok()?,
                )))),
                26 => Some(float(f64::from(f32::from_be_bytes(
                    self.take(4)?.try_into().ok()?,
                )))),
                27 => Some(float(f64::from_be_bytes(self.take(8)?.try_into().ok()?))),
                _ => None,
            };
        }
        let arg = self.arg(info)?;
        match major {
            0 => Some(Value::Number(arg?.into())),
            1 => Some(Value::Number((-1 - i64::try_from(arg?).ok()?).into())),
            // Blobs do not occur in the reads ha-audit makes; kept as text if UTF-8.
            2 | 3 => self.text(arg).map(Value::String),
            4 => {
                let mut items = Vec::new();
                match arg {
                    Some(n) => {
                        for _ in 0..n {
                            items.push(self.value()?);
                        }
                    }
                    None => {
                        while !self.at_break() {
                            items.push(self.value()?);
                        }
                    }
                }
                Some(Value::Array(items))
            }
            5 => {
                let mut map = Map::new();
                let mut entry = |d: &mut Self| -> Option<()> {
                    let Value::String(k) = d.value()? else {
                        return None;
                    };
                    let v = d.value()?;
                    map.insert(k, v);
                    Some(())
                };
                match arg {
                    Some(n) => {
                        for _ in 0..n {
                            entry(self)?;
                        }
                    }
                    None => {
                        while !self.at_break() {
                            entry(self)?;
                        }
                    }
                }
                Some(Value::Object(map))
            }
            // Tags (1: epoch timestamp) carry their value through: JSON uses the number.
            6 => self.value(),
            _ => None,
        }
    }
}

fn float(f: f64) -> Value {
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

/// IEEE 754 half precision to f64.
fn half(h: u16) -> f64 {
    let exp = (h >> 10) & 0x1f;
    let mant = f64::from(h & 0x3ff);
    let v = match exp {
        0 => mant * 2f64.powi(-24),
        31 if mant == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (1.0 + mant / 1024.0) * 2f64.powi(i32::from(exp) - 15),
    };
    if h & 0x8000 != 0 {
        -v
    } else {
        v
    }
}

fn head(major: u8, n: u64, out: &mut Vec<u8>) {
    let m = major << 5;
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xff => out.extend([m | 24, n as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend((n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend((n as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend(n.to_be_bytes());
        }
    }
}

fn encode(v: &Value, timestamp: bool, out: &mut Vec<u8>) {
    match v {
        Value::Null => out.push(0xf6),
        Value::Bool(b) => out.push(if *b { 0xf5 } else { 0xf4 }),
        Value::Number(n) => {
            if timestamp {
                head(6, 1, out);
            }
            if let Some(u) = n.as_u64() {
                head(0, u, out);
            } else if let Some(i) = n.as_i64() {
                head(1, (-1 - i) as u64, out);
            } else {
                out.push(0xfb);
                out.extend(n.as_f64().unwrap_or(0.0).to_be_bytes());
            }
        }
        Value::String(s) => {
            head(3, s.len() as u64, out);
            out.extend(s.as_bytes());
        }
        Value::Array(items) => {
            head(4, items.len() as u64, out);
            for i in items {
                encode(i, timestamp, out);
            }
        }
        Value::Object(map) => {
            let present: Vec<_> = map.iter().filter(|(_, v)| !v.is_null()).collect();
            head(5, present.len() as u64, out);
            for (k, v) in present {
                head(3, k.len() as u64, out);
                out.extend(k.as_bytes());
                encode(v, k.ends_with("Timestamp"), out);
            }
        }
    }
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
