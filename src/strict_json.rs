//! The JSON rules both file formats add to RFC 8259 (docs/formats.md, *Conventions*), so
//! a second implementation reaches the same verdict: every string valid UTF-8 without lone
//! surrogate escapes, no object with a repeated name, numbers that fit a 64-bit float, at
//! most 128 nested arrays and objects. serde alone skips fields it does not know without
//! looking at them, and keeps the last of a repeated map key.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

struct Strict;

impl<'de> DeserializeSeed<'de> for Strict {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("JSON")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_string<E>(self, _: String) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Strict)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // Objects here have a dozen names at most: a short list beats hashing, and names
        // without escapes are borrowed from the text, not copied.
        let mut seen: Vec<Cow<'de, str>> = Vec::new();
        while let Some(key) = map.next_key_seed(Key)? {
            if seen.contains(&key) {
                return Err(de::Error::custom(format!("the name {key:?} appears twice")));
            }
            seen.push(key);
            map.next_value_seed(Strict)?;
        }
        Ok(())
    }
}

struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a name")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// Checks `bytes` against the formats' JSON rules; the error says where.
pub fn check(bytes: &[u8]) -> Result<(), String> {
    std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
    let mut d = serde_json::Deserializer::from_slice(bytes);
    Strict.deserialize(&mut d).map_err(|e| e.to_string())?;
    d.end().map_err(|e| e.to_string())?;
    // Depth is bounded by serde_json itself (128), which refuses deeper nesting here too.
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn what_serde_would_let_through_is_refused() {
        assert!(super::check(br#"{"a": [1, 2.5, "x", null, {"b": true}]}"#).is_ok());
        assert!(super::check(br#"{"a": 1, "a": 2}"#).is_err());
        assert!(super::check(br#"{"x": {"a": 1, "a": 1}}"#).is_err());
        assert!(super::check(b"{\"x\": \"\xff\"}").is_err());
        assert!(super::check(br#"{"x": "\ud800"}"#).is_err());
        assert!(super::check(br#"{"x": 1e400}"#).is_err());
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(super::check(deep.as_bytes()).is_err());
        let fine = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(super::check(fine.as_bytes()).is_ok());
        assert!(super::check(b"{} x").is_err());
    }
}
