//! Small, defensive helpers over ciborium values for CTAP response maps.

use crate::error::{Error, Result};
use ciborium::value::{Integer, Value};

/// Decodes one CBOR item, with the whole input consumed.
pub(crate) fn decode(bytes: &[u8]) -> Result<Value> {
    let mut reader = bytes;
    let value: Value = ciborium::de::from_reader(&mut reader).map_err(Error::protocol)?;
    if !reader.is_empty() {
        return Err(Error::Protocol("trailing bytes after CBOR".into()));
    }
    Ok(value)
}

/// Encodes a CBOR value.
pub(crate) fn encode(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::ser::into_writer(value, &mut out).expect("writing to a Vec cannot fail");
    out
}

/// A CBOR map with integer or text keys, looked up by key.
pub(crate) struct Map(pub(crate) Vec<(Value, Value)>);

impl Map {
    /// Reads a CTAP response map.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Map> {
        Map::from_value(decode(bytes)?)
    }

    /// Wraps a value that must be a map.
    pub(crate) fn from_value(value: Value) -> Result<Map> {
        match value {
            Value::Map(entries) => Ok(Map(entries)),
            _ => Err(Error::Protocol("expected a CBOR map".into())),
        }
    }

    /// The value under integer key `key`.
    pub(crate) fn int(&self, key: i64) -> Option<&Value> {
        self.0.iter().find_map(|(k, v)| match k {
            Value::Integer(i) if i128::from(*i) == i128::from(key) => Some(v),
            _ => None,
        })
    }

    /// The value under text key `key`.
    pub(crate) fn text(&self, key: &str) -> Option<&Value> {
        self.0.iter().find_map(|(k, v)| match k {
            Value::Text(t) if t == key => Some(v),
            _ => None,
        })
    }
}

/// A value as bytes.
pub(crate) fn bytes(v: Option<&Value>) -> Option<&[u8]> {
    match v {
        Some(Value::Bytes(b)) => Some(b),
        _ => None,
    }
}

/// A value as text.
pub(crate) fn text(v: Option<&Value>) -> Option<&str> {
    match v {
        Some(Value::Text(t)) => Some(t),
        _ => None,
    }
}

/// A value as a non-negative integer.
pub(crate) fn uint(v: Option<&Value>) -> Option<u64> {
    match v {
        Some(Value::Integer(i)) => u64::try_from(i128::from(*i)).ok(),
        _ => None,
    }
}

/// A value as a signed integer.
pub(crate) fn int(v: Option<&Value>) -> Option<i64> {
    match v {
        Some(Value::Integer(i)) => i64::try_from(i128::from(*i)).ok(),
        _ => None,
    }
}

/// A value as a boolean.
pub(crate) fn boolean(v: Option<&Value>) -> Option<bool> {
    match v {
        Some(Value::Bool(b)) => Some(*b),
        _ => None,
    }
}

/// A value as an array.
pub(crate) fn array(v: Option<&Value>) -> &[Value] {
    match v {
        Some(Value::Array(a)) => a,
        _ => &[],
    }
}

/// An integer CBOR value.
pub(crate) fn i(n: i64) -> Value {
    Value::Integer(Integer::from(n))
}
