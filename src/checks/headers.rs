//! Request headers of a check, with `${VAR}` templates and secrecy.
//!
//! ```yaml
//! headers:
//!   Accept: application/json
//!   Authorization: Bearer ${API_TOKEN}     # secret: by its name, and by the variable's
//!   X-Tenant: { value: "${TENANT}", secret: true }
//! ```
//!
//! `Host` is refused: put the production name in the URL and the address to
//! connect to in `resolve`, so that TLS SNI and certificate verification use
//! the name too (a `Host` header alone would not). Names are RFC 9110 tokens.

use std::fmt;

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::redact::is_secret_header;
use super::scope;
use crate::input::EnvTemplate as Template;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Headers(pub Vec<HeaderSpec>);

#[derive(Debug, Clone, PartialEq)]
pub struct HeaderSpec {
    pub name: String,
    pub value: Template,
    /// Never shown: by the check's say-so or because the name looks secret.
    pub secret: bool,
}

/// RFC 9110 §5.1: a field name is a token.
pub fn check_header_name(name: &str) -> Result<(), String> {
    let tchar = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
    if name.is_empty() || !name.chars().all(tchar) {
        return Err(format!(
            "invalid header name `{name}` (letters, digits and -)"
        ));
    }
    Ok(())
}

pub fn check_header_value(value: &str) -> Result<(), String> {
    if value.contains(['\r', '\n', '\0']) {
        return Err("header values cannot contain line breaks".to_string());
    }
    Ok(())
}

impl<'de> Deserialize<'de> for Headers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(HeadersVisitor)
    }
}

struct HeadersVisitor;

impl<'de> Visitor<'de> for HeadersVisitor {
    type Value = Headers;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map of header names to values")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Headers, A::Error> {
        let mut headers = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            let label = format!("headers `{name}`");
            let fail = |m: String| de::Error::custom(scope::message_at(&label, m));
            check_header_name(&name).map_err(fail)?;
            if name.eq_ignore_ascii_case("host") {
                return Err(fail(
                    "do not set Host: put the production name in `url` and the address to \
                     connect to in `resolve`"
                        .to_string(),
                ));
            }
            let value: ValueSpec = scope::within_field(label.clone(), || map.next_value())?;
            let secret = value.secret || is_secret_header(&name);
            headers.push(HeaderSpec {
                name,
                value: value.value,
                secret,
            });
        }
        Ok(Headers(headers))
    }
}

/// A header value: a string, or `{ value, secret }`.
struct ValueSpec {
    value: Template,
    secret: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ValueMap {
    value: String,
    #[serde(default)]
    secret: bool,
}

impl<'de> Deserialize<'de> for ValueSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl ValueVisitor {
    fn text<E: de::Error>(text: &str, secret: bool) -> Result<ValueSpec, E> {
        check_header_value(text)
            .and_then(|()| Template::parse(text))
            .map(|value| ValueSpec { value, secret })
            .map_err(|m| E::custom(scope::message(m)))
    }
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = ValueSpec;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a header value, or { value: ..., secret: true }")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<ValueSpec, E> {
        Self::text(s, false)
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<ValueSpec, E> {
        Self::text(&n.to_string(), false)
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<ValueSpec, E> {
        Self::text(&n.to_string(), false)
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<ValueSpec, E> {
        Self::text(&n.to_string(), false)
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<ValueSpec, E> {
        Self::text(&b.to_string(), false)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ValueSpec, A::Error> {
        let m = ValueMap::deserialize(MapAccessDeserializer::new(map))?;
        Self::text(&m.value, m.secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(yaml: &str) -> Result<Headers, String> {
        serde_saphyr::from_str::<Headers>(yaml).map_err(|e| e.to_string())
    }

    #[test]
    fn plain_templated_and_secret_values() {
        let h = headers(
            "Accept: application/json\nAuthorization: Bearer ${T}\nX-N: 5\n\
             X-Tenant: { value: acme, secret: true }\n",
        )
        .unwrap();
        let secret: Vec<bool> = h.0.iter().map(|h| h.secret).collect();
        assert_eq!(secret, vec![false, true, false, true]);
        assert_eq!(h.0[1].value.raw(), "Bearer ${T}");
        assert_eq!(h.0[2].value.raw(), "5");
    }

    #[test]
    fn host_and_bad_names_are_refused() {
        assert!(
            headers("Host: x\n")
                .unwrap_err()
                .contains("headers `Host`: do not set Host")
        );
        assert!(
            headers("\"A B\": x\n")
                .unwrap_err()
                .contains("invalid header name `A B`")
        );
        let err = headers("X: { value: a, secrett: true }\n").unwrap_err();
        assert!(err.contains("unknown field `secrett`"), "{err}");
        let err = headers("X: a${B\n").unwrap_err();
        assert!(err.contains("headers `X`: unclosed `${`"), "{err}");
    }
}
