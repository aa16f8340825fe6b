//! One check as written in the config file (or made from command-line
//! flags): what to send, where, and what to expect. Validated as it is
//! read; `${VAR}`s are filled later by [`super::prepare`].
//!
//! ```yaml
//! - name: home                      # default: the URL
//!   method: GET                     # GET HEAD POST PUT PATCH DELETE OPTIONS
//!   url: https://shop.example.com/health
//!   resolve: ${NEW_STACK_IP}        # connect here; Host, SNI and certificate stay the URL's
//!   headers: { Accept: application/json }
//!   body: { probe: true }           # text, or any YAML value sent as JSON
//!   timeout: 5s                     # per attempt (default 10s)
//!   connect_timeout: 2s             # default 5s
//!   follow_redirects: 3             # default: not followed; true means 5
//!   insecure: false                 # true: no certificate verification, with a warning
//!   retry: 2m                       # see `retry.rs`
//!   expect: { status: 200 }         # see `expect.rs`
//! ```

use std::fmt;
use std::time::Duration;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_json::Value;

use super::bounds::Dur;
use super::error::CheckError;
use super::expect::{Expect, OneOrMany};
use super::headers::Headers;
use super::redact;
use super::resolver::ConnectTo;
use super::retry::Retry;
use super::scope::{self, field};
use super::status::StatusSet;
use crate::input::EnvTemplate as Template;

/// `follow_redirects: true` follows this many.
pub const DEFAULT_REDIRECTS: u32 = 5;
/// More than this many redirects is a loop, not a configuration.
pub const MAX_REDIRECTS: u32 = 20;

#[derive(Debug, Clone, PartialEq)]
pub struct CheckSpec {
    /// `None`: the check is named after its URL.
    pub name: Option<String>,
    pub method: Method,
    pub url: Template,
    pub headers: Headers,
    pub body: Option<RequestBody>,
    /// Per attempt; `None`: the run's default.
    pub timeout: Option<Duration>,
    pub connect_timeout: Option<Duration>,
    /// How many redirects to follow; 0 (the default) follows none.
    pub follow_redirects: u32,
    pub insecure: bool,
    /// Where to connect instead of the URL's host (`addr`, `addr:port`, a
    /// host name), like curl's `--connect-to`.
    pub resolve: Option<Template>,
    pub retry: Option<Retry>,
    pub expect: Expect,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
    Options,
}

/// A request body: text as is, anything else as JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestBody {
    Text(String),
    Json(Value),
}

impl CheckSpec {
    /// A check of one URL with the default expectations (any 2xx).
    pub fn from_url(url: &str) -> Result<CheckSpec, CheckError> {
        let flag = |message| CheckError::Flag {
            flag: "--url".into(),
            message,
        };
        let url = parse_url(url).map_err(flag)?;
        Ok(CheckSpec {
            name: None,
            method: Method::Get,
            url,
            headers: Headers::default(),
            body: None,
            timeout: None,
            connect_timeout: None,
            follow_redirects: 0,
            insecure: false,
            resolve: None,
            retry: None,
            expect: Expect::default(),
        })
    }

    /// The check of `greenlight checks --url U --expect-status S
    /// --expect-body-contains T...` (no config file).
    pub fn quick(
        url: &str,
        expect_status: Option<&str>,
        expect_body_contains: &[String],
    ) -> Result<CheckSpec, CheckError> {
        let mut spec = CheckSpec::from_url(url)?;
        if let Some(status) = expect_status {
            let status = StatusSet::parse(status).map_err(|message| CheckError::Flag {
                flag: "--expect-status".into(),
                message,
            })?;
            spec.expect.status = Some(status);
        }
        spec.expect.body.contains = OneOrMany(expect_body_contains.to_vec());
        Ok(spec)
    }

    /// The name results and messages use: the given one, else the URL as
    /// written (variables unexpanded, password masked).
    pub fn display_name(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| redact::url(self.url.raw()))
    }
}

fn parse_url(text: &str) -> Result<Template, String> {
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://") || t.starts_with("${")) {
        return Err(format!(
            "`{}` is not an http:// or https:// URL",
            redact::url(t)
        ));
    }
    Template::parse(t)
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
        }
    }
}

impl TryFrom<String> for Method {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Ok(match text.to_ascii_uppercase().as_str() {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "PATCH" => Method::Patch,
            "DELETE" => Method::Delete,
            "OPTIONS" => Method::Options,
            _ => {
                return Err(scope::message_at(
                    "method",
                    format!(
                        "unknown method `{text}` (expected GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS)"
                    ),
                ));
            }
        })
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The check as read, before the checks that need several fields.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    name: Option<Name>,
    method: Option<Method>,
    url: Option<Url>,
    #[serde(default)]
    headers: Headers,
    #[serde(default)]
    body: Option<RequestBody>,
    #[serde(default, deserialize_with = "field::timeout")]
    timeout: Option<Dur>,
    #[serde(default, deserialize_with = "field::connect_timeout")]
    connect_timeout: Option<Dur>,
    #[serde(default)]
    follow_redirects: Option<Redirects>,
    #[serde(default)]
    insecure: bool,
    resolve: Option<Resolve>,
    #[serde(default, deserialize_with = "field::retry")]
    retry: Option<Retry>,
    #[serde(default)]
    expect: Expect,
}

impl<'de> Deserialize<'de> for CheckSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        scope::within_check(|| {
            let raw = RawSpec::deserialize(d)?;
            CheckSpec::try_from(raw).map_err(de::Error::custom)
        })
    }
}

impl TryFrom<RawSpec> for CheckSpec {
    type Error = String;
    fn try_from(raw: RawSpec) -> Result<Self, String> {
        let Some(Url(url)) = raw.url else {
            return Err(scope::message_at(
                "url",
                "missing (every check needs a URL)",
            ));
        };
        let method = raw.method.unwrap_or(Method::Get);
        if raw.body.is_some() && matches!(method, Method::Get | Method::Head) {
            return Err(scope::message_at(
                "body",
                format!("a {method} request carries no body"),
            ));
        }
        let asserts_body = !raw.expect.body.is_empty() || !raw.expect.json.0.is_empty();
        if method == Method::Head && asserts_body {
            return Err(scope::message_at(
                "expect",
                "a HEAD response has no body to assert on",
            ));
        }
        if raw.expect.tls_days_left.is_some()
            && url.raw().to_ascii_lowercase().starts_with("http://")
        {
            return Err(scope::message_at(
                "expect.tls_days_left",
                "needs an https:// URL",
            ));
        }
        Ok(CheckSpec {
            name: raw.name.map(|n| n.0),
            method,
            url,
            headers: raw.headers,
            body: raw.body,
            timeout: raw.timeout.map(|d| d.0),
            connect_timeout: raw.connect_timeout.map(|d| d.0),
            follow_redirects: raw.follow_redirects.map_or(0, |r| r.0),
            insecure: raw.insecure,
            resolve: raw.resolve.map(|r| r.0),
            retry: raw.retry,
            expect: raw.expect,
        })
    }
}

/// A check's name; remembered so that later errors in the check can say it.
#[derive(Deserialize)]
#[serde(try_from = "String")]
struct Name(String);

impl TryFrom<String> for Name {
    type Error = String;
    fn try_from(name: String) -> Result<Self, String> {
        let name = name.trim().to_string();
        if name.is_empty() {
            return Err(scope::message_at(
                "name",
                "empty (leave it out to use the URL)",
            ));
        }
        scope::set_name(&name);
        Ok(Name(name))
    }
}

#[derive(Deserialize)]
#[serde(try_from = "String")]
struct Url(Template);

impl TryFrom<String> for Url {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        scope::set_url(&text);
        parse_url(&text)
            .map(Url)
            .map_err(|m| scope::message_at("url", m))
    }
}

#[derive(Deserialize)]
#[serde(try_from = "String")]
struct Resolve(Template);

impl TryFrom<String> for Resolve {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        parse_resolve(&text)
            .map(Resolve)
            .map_err(|m| scope::message_at("resolve", m))
    }
}

/// A `resolve` target (YAML `resolve:`, and `--resolve`): a template whose
/// `${VAR}`s are filled later; without variables, it must be an address now.
pub fn parse_resolve(text: &str) -> Result<Template, String> {
    let template = Template::parse(text.trim())?;
    if template.is_literal() {
        ConnectTo::parse(template.raw())?;
    }
    Ok(template)
}

/// `follow_redirects`: a count, or true/false.
struct Redirects(u32);

impl<'de> Deserialize<'de> for Redirects {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RedirectsVisitor)
    }
}

struct RedirectsVisitor;

impl<'de> Visitor<'de> for RedirectsVisitor {
    type Value = Redirects;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("true, false or a number of redirects")
    }

    fn visit_bool<E: de::Error>(self, follow: bool) -> Result<Redirects, E> {
        Ok(Redirects(if follow { DEFAULT_REDIRECTS } else { 0 }))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Redirects, E> {
        u32::try_from(n)
            .ok()
            .filter(|n| *n <= MAX_REDIRECTS)
            .map(Redirects)
            .ok_or_else(|| {
                E::custom(scope::message_at(
                    "follow_redirects",
                    format!("{n} is too many (at most {MAX_REDIRECTS})"),
                ))
            })
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Redirects, E> {
        u64::try_from(n)
            .map_err(|_| E::custom(scope::message_at("follow_redirects", "must be 0 or more")))
            .and_then(|n| self.visit_u64(n))
    }
}

impl<'de> Deserialize<'de> for RequestBody {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Value::deserialize(d)? {
            Value::String(text) => RequestBody::Text(text),
            json => RequestBody::Json(json),
        })
    }
}
