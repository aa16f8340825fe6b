//! What a check expects of the response: the `expect:` block.
//!
//! ```yaml
//! expect:
//!   status: [200, 204]                 # default: 2xx
//!   headers:
//!     Content-Type: contains json
//!     Cache-Control: [exists, "matches max-age=\\d+"]
//!   body:
//!     contains: OK                     # one string or a list
//!     not_contains: [Exception, "stack trace"]
//!     matches: 'version \d+\.\d+'
//!   json:
//!     /status: == ok                   # JSON Pointer
//!     $.items[0].price: ["> 0", "< 1000"]   # JSONPath subset; several predicates
//!     $.errors: not exists
//!   latency: < 500ms
//!   tls_days_left: "> 14"
//! ```
//!
//! Every value is validated as it is read (see [`super::predicate`],
//! [`super::locator`], [`super::status`], [`super::bounds`]), so a bad one
//! fails with its line, column and the check's name.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};

use super::bounds::{DaysBound, LatencyBound};
use super::headers::check_header_name;
use super::locator::Locator;
use super::pattern::Pattern;
use super::predicate::Predicate;
use super::scope::{self, field};
use super::status::StatusSet;

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// `None` means any 2xx.
    #[serde(default)]
    pub status: Option<StatusSet>,
    #[serde(default)]
    pub headers: HeaderAsserts,
    #[serde(default)]
    pub body: BodyExpect,
    #[serde(default)]
    pub json: JsonAsserts,
    #[serde(default)]
    pub latency: Option<LatencyBound>,
    #[serde(default)]
    pub tls_days_left: Option<DaysBound>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodyExpect {
    #[serde(default, deserialize_with = "field::body_contains")]
    pub contains: OneOrMany<String>,
    #[serde(default, deserialize_with = "field::body_not_contains")]
    pub not_contains: OneOrMany<String>,
    #[serde(default, deserialize_with = "field::body_matches")]
    pub matches: OneOrMany<Pattern>,
}

impl BodyExpect {
    pub fn is_empty(&self) -> bool {
        self.contains.0.is_empty() && self.not_contains.0.is_empty() && self.matches.0.is_empty()
    }
}

/// `Header-Name: predicate(s)`, in the order written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HeaderAsserts(pub Vec<(String, Vec<Predicate>)>);

/// `location: predicate(s)`, in the order written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JsonAsserts(pub Vec<(Locator, Vec<Predicate>)>);

pub use crate::input::OneOrMany;

impl<'de> Deserialize<'de> for HeaderAsserts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let entries = d.deserialize_map(KeyedVisitor {
            field: "expect.headers",
            parse_key: |k| check_header_name(k).map(|()| k.to_string()),
        })?;
        Ok(HeaderAsserts(entries))
    }
}

impl<'de> Deserialize<'de> for JsonAsserts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let entries = d.deserialize_map(KeyedVisitor {
            field: "expect.json",
            parse_key: Locator::parse,
        })?;
        Ok(JsonAsserts(entries))
    }
}

/// A map of `key: predicate(s)` whose errors name the field and the key.
struct KeyedVisitor<K> {
    field: &'static str,
    parse_key: fn(&str) -> Result<K, String>,
}

impl<'de, K> Visitor<'de> for KeyedVisitor<K> {
    type Value = Vec<(K, Vec<Predicate>)>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a map of {} to predicates", self.field)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let label = format!("{} `{key}`", self.field);
            let parsed = (self.parse_key)(&key)
                .map_err(|m| de::Error::custom(scope::message_at(&label, m)))?;
            let predicates = scope::within_field(label, || map.next_value_seed(Predicates))?;
            entries.push((parsed, predicates.0));
        }
        Ok(entries)
    }
}

struct Predicates;

impl<'de> DeserializeSeed<'de> for Predicates {
    type Value = OneOrMany<Predicate>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        OneOrMany::deserialize(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expect(yaml: &str) -> Result<Expect, String> {
        serde_saphyr::from_str::<Expect>(yaml).map_err(|e| e.to_string())
    }

    #[test]
    fn reads_the_documented_shape() {
        let e = expect(
            "status: [200, 2xx]\n\
             headers:\n  Content-Type: contains json\n  X-A: [exists, \"!= 0\"]\n\
             body:\n  contains: OK\n  not_contains: [a, b]\n  matches: 'v\\d'\n\
             json:\n  /status: == ok\n  $.items[0].price: [\"> 0\", \"< 1000\"]\n\
             latency: < 500ms\n\
             tls_days_left: 14\n",
        )
        .unwrap();
        assert_eq!(e.headers.0.len(), 2);
        assert_eq!(e.headers.0[1].1.len(), 2);
        assert_eq!(e.body.contains.0, vec!["OK".to_string()]);
        assert_eq!(e.body.not_contains.0.len(), 2);
        assert_eq!(e.json.0[1].0.as_str(), "$.items[0].price");
        assert_eq!(e.json.0[1].1.len(), 2);
        assert_eq!(e.latency.unwrap().to_string(), "< 500ms");
    }

    #[test]
    fn errors_name_the_field_and_key_with_a_location() {
        let err = expect("json:\n  /a: [exists, \"eq 3\"]\n").unwrap_err();
        assert!(err.contains("line 2 column 16"), "{err}");
        assert!(
            err.contains("expect.json `/a`: unknown predicate `eq 3`"),
            "{err}"
        );
        let err = expect("json:\n  a.b: exists\n").unwrap_err();
        assert!(
            err.contains("expect.json `a.b`: invalid JSON location `a.b`"),
            "{err}"
        );
        let err = expect("headers:\n  Bad Name: exists\n").unwrap_err();
        assert!(
            err.contains("expect.headers `Bad Name`: invalid header name"),
            "{err}"
        );
        let err = expect("body:\n  matches: '('\n").unwrap_err();
        assert!(
            err.contains("expect.body.matches: invalid regex `(`"),
            "{err}"
        );
        let err = expect("bodyy: {}\n").unwrap_err();
        assert!(err.contains("unknown field `bodyy`"), "{err}");
    }
}
