//! Keys that belong to a plugin. A metric source or a lock source is one
//! file behind a trait (see [`crate::metrics`], [`crate::lock`]); the keys
//! it takes in the config file are its own business, so the parsed file
//! keeps them as written, each with its location ([`RawKeys`], stage one),
//! and the plugin takes what it knows in stage two through [`Keys`]:
//!
//! ```yaml
//! locks:
//!   sources:
//!     - { type: http, url: "https://locks.example.com", token_env: LOCK_TOKEN }
//!       #   ^ common    ^ the `http` lock source's own keys
//! ```
//!
//! A key no plugin knows is refused while the file is parsed, as serde
//! refuses an unknown field ([`visit_map`]); a key that another kind knows
//! is refused in stage two with "does not apply", at the place it was
//! written.

use std::fmt;

use serde::de::{self, DeserializeOwned, MapAccess};
use serde::{Deserialize, Deserializer};
use serde_json::Value;
use serde_saphyr::{Location, Spanned};

use super::{ConfigError, ConfigText};

/// A map's keys as written: the key with its location, the value (any
/// YAML, as JSON) with its location.
#[derive(Debug, Clone, Default)]
pub struct RawKeys(pub Vec<(Spanned<String>, Spanned<Value>)>);

impl RawKeys {
    pub fn get(&self, key: &str) -> Option<&Spanned<Value>> {
        self.0.iter().find(|(k, _)| k.value == key).map(|(_, v)| v)
    }
}

impl<'de> Deserialize<'de> for RawKeys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = RawKeys;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<RawKeys, A::Error> {
                let mut out = RawKeys::default();
                while let Some(k) = m.next_key::<Spanned<String>>()? {
                    let v = m.next_value()?;
                    out.0.push((k, v));
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

/// Reads a map whose common keys the caller deserializes itself (with
/// their own types, so a bad value is located by the YAML parser) and
/// whose other keys are kept raw for a plugin. `common` is called for each
/// key and returns `Ok(false)` for a key it does not own; such a key must
/// be one of `plugin_keys` (every registered plugin's keys), else it is an
/// unknown field, listed with every key there is.
pub fn visit_map<'de, A: MapAccess<'de>>(
    mut map: A,
    expected: &'static [&'static str],
    plugin_keys: &[&str],
    mut common: impl FnMut(&str, &mut A) -> Result<bool, A::Error>,
) -> Result<RawKeys, A::Error> {
    let mut raw = RawKeys::default();
    let mut seen: Vec<String> = Vec::new();
    while let Some(key) = map.next_key::<Spanned<String>>()? {
        let name = key.value.as_str();
        if seen.iter().any(|s| s == name) {
            return Err(de::Error::custom(format_args!("duplicate field `{name}`")));
        }
        seen.push(name.to_string());
        if common(name, &mut map)? {
            continue;
        }
        if !plugin_keys.contains(&name) {
            return Err(de::Error::unknown_field(name, expected));
        }
        let value = map.next_value::<Spanned<Value>>()?;
        raw.0.push((key, value));
    }
    Ok(raw)
}

/// A plugin's keys in stage two: take the ones it knows; [`Keys::finish`]
/// refuses the rest.
pub struct Keys<'a> {
    text: &'a ConfigText,
    /// Where the map is, e.g. `compare.metrics[2]` at line 7.
    field: String,
    at: Location,
    entries: Vec<(&'a Spanned<String>, &'a Spanned<Value>, bool)>,
}

impl<'a> Keys<'a> {
    pub fn new(text: &'a ConfigText, field: String, at: Location, raw: &'a RawKeys) -> Self {
        Keys {
            text,
            field,
            at,
            entries: raw.0.iter().map(|(k, v)| (k, v, false)).collect(),
        }
    }

    /// The field this map is, e.g. `locks.sources[0]`.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The config file these keys are in.
    pub fn text(&self) -> &'a ConfigText {
        self.text
    }

    pub fn has(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _, _)| k.value == key)
    }

    /// Takes `key` as a `T`, with the location of its value.
    pub fn take<T: DeserializeOwned>(
        &mut self,
        key: &str,
    ) -> Result<Option<Spanned<T>>, ConfigError> {
        let Some(entry) = self.entries.iter_mut().find(|(k, _, _)| k.value == key) else {
            return Ok(None);
        };
        entry.2 = true;
        let v = entry.1;
        match serde_json::from_value::<T>(v.value.clone()) {
            Ok(t) => Ok(Some(Spanned::new(t, v.referenced, v.defined))),
            Err(e) => Err(self.error(&v.referenced, key, e.to_string())),
        }
    }

    /// Takes `key` as text; a number or a boolean is taken as written
    /// (`column: 3`, `value: true`).
    pub fn string(&mut self, key: &str) -> Result<Option<Spanned<String>>, ConfigError> {
        let Some(entry) = self.entries.iter_mut().find(|(k, _, _)| k.value == key) else {
            return Ok(None);
        };
        entry.2 = true;
        let v = entry.1;
        let text = match &v.value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            other => {
                let what = match other {
                    Value::Null => "nothing",
                    Value::Array(_) => "a list",
                    _ => "a map",
                };
                return Err(self.error(&v.referenced, key, format!("expected text, found {what}")));
            }
        };
        Ok(Some(Spanned::new(text, v.referenced, v.defined)))
    }

    /// An error at `loc`, naming `FIELD.key`.
    pub fn error(&self, loc: &Location, key: &str, message: String) -> ConfigError {
        self.text
            .error_at(loc, format!("{}.{key}", self.field), message)
    }

    /// An error at the map itself.
    pub fn here(&self, message: String) -> ConfigError {
        self.text.error_at(&self.at, self.field.clone(), message)
    }

    /// The keys not taken, in the order written.
    pub fn rest(&self) -> impl Iterator<Item = &str> {
        self.entries
            .iter()
            .filter(|(_, _, taken)| !taken)
            .map(|(k, _, _)| k.value.as_str())
    }

    /// Refuses the first key not taken: `message(key)` says why (e.g.
    /// "`query` does not apply to metrics of a `file` source").
    pub fn finish(&self, message: impl Fn(&str) -> String) -> Result<(), ConfigError> {
        match self.rest().next() {
            Some(key) => Err(self.here(message(key))),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Entry {
        name: Option<String>,
        rest: RawKeys,
    }

    impl<'de> Deserialize<'de> for Entry {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> de::Visitor<'de> for V {
                type Value = Entry;
                fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                    f.write_str("a map")
                }
                fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<Entry, A::Error> {
                    let mut name = None;
                    let rest = visit_map(m, &["name", "url", "port"], &["url", "port"], |k, m| {
                        Ok(match k {
                            "name" => {
                                name = Some(m.next_value()?);
                                true
                            }
                            _ => false,
                        })
                    })?;
                    Ok(Entry { name, rest })
                }
            }
            d.deserialize_map(V)
        }
    }

    fn parse(yaml: &str) -> Result<Entry, String> {
        serde_saphyr::from_str::<Entry>(yaml).map_err(|e| e.without_snippet().to_string())
    }

    fn text(yaml: &str) -> ConfigText {
        ConfigText {
            path: "g.yml".into(),
            text: yaml.into(),
        }
    }

    #[test]
    fn common_keys_typed_plugin_keys_raw_unknown_refused() {
        let e = parse("name: a\nurl: http://x\nport: 80\n").unwrap();
        assert_eq!(e.name.as_deref(), Some("a"));
        assert_eq!(e.rest.0.len(), 2);
        let err = parse("name: a\nurll: x\n").unwrap_err();
        assert!(
            err.contains("unknown field `urll`, expected one of name, url, port"),
            "{err}"
        );
        assert!(err.contains("line 2"), "{err}");
        assert!(parse("url: a\nurl: b\n").unwrap_err().contains("duplicate"));
    }

    #[test]
    fn plugins_take_typed_values_with_their_location() {
        let yaml = "name: a\nurl: http://x\nport: eighty\n";
        let e = parse(yaml).unwrap();
        let t = text(yaml);
        let loc = Location::UNKNOWN;
        let mut keys = Keys::new(&t, "src".into(), loc, &e.rest);
        let url = keys.string("url").unwrap().unwrap();
        assert_eq!((url.value.as_str(), url.referenced.line()), ("http://x", 2));
        let err = keys.take::<u16>("port").unwrap_err().to_string();
        assert!(
            err.starts_with("g.yml:3:7: src.port: invalid type: string \"eighty\""),
            "{err}"
        );
        assert_eq!(keys.rest().count(), 0);
    }

    #[test]
    fn keys_left_over_are_refused() {
        let yaml = "url: x\nport: 1\n";
        let e = parse(yaml).unwrap();
        let t = text(yaml);
        let mut keys = Keys::new(&t, "src".into(), Location::UNKNOWN, &e.rest);
        keys.string("url").unwrap();
        let err = keys
            .finish(|k| format!("`{k}` does not apply"))
            .unwrap_err();
        assert!(
            err.to_string().contains("src: `port` does not apply"),
            "{err}"
        );
        assert_eq!(keys.string("port").unwrap().unwrap().value, "1");
    }
}
