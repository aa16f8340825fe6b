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
//! refuses an unknown field ([`deserialize_keyed`]); a key that another
//! kind knows is refused in stage two with "does not apply"
//! ([`Keys::only`]), at the map it was written in.

use std::fmt;
use std::sync::OnceLock;

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

/// A map with keys of its own, deserialized with their own types (so a
/// bad value is located by the YAML parser), and keys kept raw for a
/// plugin. A key that is neither is an unknown field, listed with every
/// key there is. Implement this and call [`deserialize_keyed`] from
/// `Deserialize`.
pub trait Keyed: Default {
    /// What serde says it expected, e.g. "a lock source: a map with `type`".
    const EXPECTING: &'static str;
    /// Every key there is, its own first, for the "unknown field" message.
    fn expected() -> &'static [&'static str];
    /// The keys some plugin takes.
    fn plugin_keys() -> Vec<&'static str>;
    /// Reads one of its own keys; `Ok(false)` for a key it does not own.
    fn common<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error>;
    /// The key that must be given, and its value ([`unset`] until read).
    fn required(&self) -> (&'static str, &Spanned<String>);
    /// Where the plugin's keys are kept.
    fn plugin_map(&mut self) -> &mut RawKeys;
}

pub fn deserialize_keyed<'de, D: Deserializer<'de>, T: Keyed>(d: D) -> Result<T, D::Error> {
    struct V<T>(std::marker::PhantomData<T>);
    impl<'de, T: Keyed> de::Visitor<'de> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(T::EXPECTING)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
            let mut out = T::default();
            let plugin_keys = T::plugin_keys();
            while let Some(key) = map.next_key::<Spanned<String>>()? {
                let name = key.value.as_str();
                if out.common(name, &mut map)? {
                    continue;
                }
                if !plugin_keys.contains(&name) {
                    return Err(de::Error::unknown_field(name, T::expected()));
                }
                let value = map.next_value::<Spanned<Value>>()?;
                out.plugin_map().0.push((key, value));
            }
            match out.required() {
                (key, value) if is_unset(value) => Err(de::Error::missing_field(key)),
                _ => Ok(out),
            }
        }
    }
    d.deserialize_map(V(std::marker::PhantomData))
}

/// Every key of `lists`, once each, in order of first appearance.
pub fn union<'a>(lists: impl Iterator<Item = &'a [&'static str]>) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for k in lists.flatten() {
        if !out.contains(k) {
            out.push(k);
        }
    }
    out
}

/// `""` or a JSON Pointer (RFC 6901: it starts with `/`).
pub fn check_pointer(p: &str, example: &str) -> Result<(), String> {
    if p.is_empty() || p.starts_with('/') {
        Ok(())
    } else {
        Err(format!(
            "`{p}` is not a JSON Pointer (it starts with `/`, e.g. {example})"
        ))
    }
}

/// A map's own keys, then every plugin's, made once for the life of the
/// program (serde's "unknown field" message wants a `'static` list).
pub fn key_list(
    cell: &'static OnceLock<Vec<&'static str>>,
    own: &[&'static str],
    plugins: fn() -> Vec<&'static str>,
) -> &'static [&'static str] {
    cell.get_or_init(|| own.iter().copied().chain(plugins()).collect())
}

/// Reads `type:`, which must name one of `kinds`.
pub fn read_kind<'de, A: MapAccess<'de>>(
    map: &mut A,
    kinds: &'static [&'static str],
) -> Result<Spanned<String>, A::Error> {
    let t: Spanned<String> = map.next_value()?;
    if !kinds.contains(&t.value.as_str()) {
        return Err(de::Error::unknown_variant(&t.value, kinds));
    }
    Ok(t)
}

/// A key that was not written: its location is unknown.
pub fn unset() -> Spanned<String> {
    Spanned::new(String::new(), Location::UNKNOWN, Location::UNKNOWN)
}

/// True for a value no file holds (see [`unset`]).
pub fn is_unset(s: &Spanned<String>) -> bool {
    s.referenced == Location::UNKNOWN
}

/// A plugin's keys in stage two: take the ones it knows; the caller refuses
/// the rest.
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

    /// Takes `key` as text; without it, `missing` says what is needed.
    pub fn require(&mut self, key: &str, missing: &str) -> Result<Spanned<String>, ConfigError> {
        match self.string(key)? {
            Some(v) => Ok(v),
            None => Err(self.here(missing.to_string())),
        }
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

    /// Refuses the first key that is not one of `allowed` (keys of
    /// another kind): `message(key)` says why (e.g. "`query` does not
    /// apply to metrics of a `file` source"). Kinds call this before
    /// reading, so that a key in the wrong place is named first.
    pub fn only(
        &self,
        allowed: &[&str],
        message: impl Fn(&str) -> String,
    ) -> Result<(), ConfigError> {
        match self.rest().find(|k| !allowed.contains(k)) {
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
        name: Spanned<String>,
        rest: RawKeys,
    }

    impl Default for Entry {
        fn default() -> Self {
            Entry {
                name: unset(),
                rest: RawKeys::default(),
            }
        }
    }

    impl Keyed for Entry {
        const EXPECTING: &'static str = "a map";
        fn expected() -> &'static [&'static str] {
            &["name", "url", "port"]
        }
        fn plugin_keys() -> Vec<&'static str> {
            vec!["url", "port"]
        }
        fn common<'de, A: MapAccess<'de>>(&mut self, k: &str, m: &mut A) -> Result<bool, A::Error> {
            if k != "name" {
                return Ok(false);
            }
            self.name = m.next_value()?;
            Ok(true)
        }
        fn required(&self) -> (&'static str, &Spanned<String>) {
            ("name", &self.name)
        }
        fn plugin_map(&mut self) -> &mut RawKeys {
            &mut self.rest
        }
    }

    impl<'de> Deserialize<'de> for Entry {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize_keyed(d)
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
        assert_eq!(e.name.value, "a");
        assert_eq!(e.rest.0.len(), 2);
        let err = parse("name: a\nurll: x\n").unwrap_err();
        assert!(
            err.contains("unknown field `urll`, expected one of name, url, port"),
            "{err}"
        );
        assert!(err.contains("line 2"), "{err}");
        assert!(
            parse("url: x\n")
                .unwrap_err()
                .contains("missing field `name`")
        );
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
        let yaml = "name: n\nurl: x\nport: 1\n";
        let e = parse(yaml).unwrap();
        let t = text(yaml);
        let mut keys = Keys::new(&t, "src".into(), Location::UNKNOWN, &e.rest);
        assert!(keys.only(&["url", "port"], |_| String::new()).is_ok());
        keys.string("url").unwrap();
        let err = keys
            .only(&["url"], |k| format!("`{k}` does not apply"))
            .unwrap_err();
        assert!(
            err.to_string().contains("src: `port` does not apply"),
            "{err}"
        );
        assert_eq!(keys.string("port").unwrap().unwrap().value, "1");
    }
}
