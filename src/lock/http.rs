//! A lock API over HTTP(S).
//!
//! Reading: `GET url` (bearer token from `token_env` if set, or basic
//! auth from the URL's `user:password@`; not both).
//! - `423 Locked` means locked; a JSON body, if any, gives reason/by/since.
//! - `2xx` with a JSON body: the values at the configured JSON Pointers
//!   (RFC 6901; defaults `/locked`, `/reason`, `/by`, `/since`, `/expires`)
//!   say whether and why. `locked` may be a boolean, `"locked"`/`"true"`/
//!   `"unlocked"`/`"false"`, or a number (non-zero is locked).
//! - Anything else (other statuses, invalid JSON, no value at `locked`,
//!   timeouts, refused connections) makes the source `Unavailable`, with
//!   the cause; retries and timeouts follow [`crate::http`].
//!
//! Writing: `greenlight lock` sends `PUT url` with a [`LockRecord`] body;
//! `greenlight unlock` sends `DELETE url` (404 counts as already unlocked).

//!
//! ```yaml
//! - type: http
//!   url: https://locks.example.com/payments
//!   token_env: LOCK_TOKEN                  # bearer token from this variable
//!   headers: { X-Team: payments }
//!   pointers: { locked: /data/locked, reason: /data/why }
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use chrono::{DateTime, Utc};

use super::source::{Done, LockKind, LockSource, LockWriter, Reading, Setup};
use super::{LockError, LockInfo, LockRecord, LockState};
use crate::context::Context;
use crate::failure::Failure;
use crate::http::{self, Deadline, HttpError, Policy, Request};
use crate::input::{ConfigError, check_pointer};
use crate::input::EnvTemplate;
use crate::secret::{Secret, Secrets, is_secret_header, redact_url};

/// `type: http`.
pub struct Http;

/// `pointers:` as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PointersEntry {
    locked: Option<String>,
    reason: Option<String>,
    by: Option<String>,
    since: Option<String>,
    expires: Option<String>,
}

impl LockKind for Http {
    fn name(&self) -> &'static str {
        "http"
    }
    fn writable(&self) -> bool {
        true
    }
    fn keys(&self) -> &'static [&'static str] {
        &["url", "token_env", "headers", "pointers"]
    }
    fn configure(&self, s: &mut Setup<'_>) -> Result<Box<dyn LockSource>, ConfigError> {
        let url = s.keys.require("url", "an `http` source needs `url`")?;
        let mut secrets = Secrets::new();
        let filled = fill(&url.value, s.ctx, &mut secrets)
            .map_err(|m| s.keys.error(&url.referenced, "url", m))?;
        http::check_url(&filled).map_err(|m| s.keys.here(m))?;
        let token_env = s.keys.string("token_env")?;
        let token = match &token_env {
            Some(var) => Some(
                token_from(&var.value, s.ctx).map_err(|m| s.keys.error(&var.referenced, "token_env", m))?,
            ),
            None => None,
        };
        let mut headers = Vec::new();
        if let Some(h) = s.keys.take::<BTreeMap<String, String>>("headers")? {
            for (name, value) in h.value {
                let value = fill(&value, s.ctx, &mut secrets)
                    .map_err(|m| s.keys.error(&h.referenced, &format!("headers.{name}"), m))?;
                // `HttpSource::new` masks secret-looking headers' values.
                headers.push((name, value));
            }
        }
        let mut pointers = Pointers::default();
        if let Some(p) = s.keys.take::<PointersEntry>("pointers")? {
            let p = p.value;
            for (slot, value, key) in [
                (&mut pointers.locked, p.locked, "locked"),
                (&mut pointers.reason, p.reason, "reason"),
                (&mut pointers.by, p.by, "by"),
                (&mut pointers.since, p.since, "since"),
                (&mut pointers.expires, p.expires, "expires"),
            ] {
                if let Some(v) = value {
                    check_pointer(&v, "/data/locked")
                        .map_err(|m| s.keys.here(format!("pointers.{key}: {m}")))?;
                    *slot = v;
                }
            }
        }
        let spec = HttpSpec {
            name: s.name_or("http", &http::authority(&filled)),
            url: filled,
            headers,
            pointers,
        };
        let source = HttpSource::new(spec, token, secrets, s.policy).map_err(|m| s.keys.here(m))?;
        Ok(Box::new(source))
    }
}

/// Fills `${VAR}`s from the environment, keeping secret-looking ones.
fn fill(raw: &str, ctx: &Context, secrets: &mut Secrets) -> Result<String, String> {
    let e = EnvTemplate::parse(raw)?.expand(ctx)?;
    e.secrets.iter().for_each(|v| secrets.add(v));
    Ok(e.text)
}

#[derive(Debug, Clone, PartialEq)]
pub struct HttpSpec {
    pub name: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub pointers: Pointers,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pointers {
    pub locked: String,
    pub reason: String,
    pub by: String,
    pub since: String,
    pub expires: String,
}

impl Default for Pointers {
    fn default() -> Self {
        Pointers {
            locked: "/locked".into(),
            reason: "/reason".into(),
            by: "/by".into(),
            since: "/since".into(),
            expires: "/expires".into(),
        }
    }
}

pub struct HttpSource {
    spec: HttpSpec,
    token: Option<Secret>,
    /// The URL's `user:password@`, sent as basic auth (and taken out of
    /// the URL requests go to).
    basic: Option<(String, Secret)>,
    /// The token, secret header values, the URL's password and secret
    /// query values, in every form: masked in everything the API says.
    secrets: Secrets,
    policy: Policy,
}

/// The bearer token in variable `var`; an unset variable is bad input
/// (the API would only say 401).
pub fn token_from(var: &str, ctx: &Context) -> Result<Secret, String> {
    ctx.secret(var, "the lock API's token")
}

impl HttpSource {
    /// A source for `spec`; a URL with `user:password@` sends them as
    /// basic auth, which cannot go with a bearer token.
    pub fn new(
        mut spec: HttpSpec,
        token: Option<Secret>,
        mut secrets: Secrets,
        policy: Policy,
    ) -> Result<Self, String> {
        secrets.add_url(&spec.url);
        let (base, userinfo) = http::split_userinfo(&spec.url);
        let basic = userinfo.map(|(user, pw)| {
            (
                crate::encode::percent_decode(&user),
                Secret::new(crate::encode::percent_decode(&pw)),
            )
        });
        if basic.is_some() && token.is_some() {
            return Err(format!(
                "`{}` carries a user and password and a bearer token is given too: use one of the two",
                redact_url(&spec.url)
            ));
        }
        if let Some((user, pw)) = &basic {
            secrets.add_basic(user, pw);
        }
        spec.url = base;
        if let Some(t) = &token {
            secrets.add_secret(t);
        }
        for (name, value) in &spec.headers {
            if is_secret_header(name) {
                secrets.add_header_value(value);
            }
        }
        Ok(HttpSource {
            spec,
            token,
            basic,
            secrets,
            policy,
        })
    }

    fn request<'a>(&'a self, method: &'a str) -> Request<'a> {
        let mut req = Request::new(method, &self.spec.url);
        req.headers = self.spec.headers.clone();
        req.headers
            .push(("Accept".into(), "application/json".into()));
        req.bearer = self.token.as_ref();
        req.basic = self.basic.as_ref().map(|(u, p)| (u.as_str(), p));
        req
    }

    fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    fn fail(&self, e: HttpError) -> LockError {
        LockError::Api {
            source_name: self.spec.name.clone(),
            error: e.scrub(self.secrets()),
        }
    }

    fn write(
        &self,
        req: &Request,
        deadline: Deadline,
        not_found_ok: bool,
    ) -> Result<String, LockError> {
        let resp = http::send(req, self.policy, deadline).map_err(|(e, _)| self.fail(e))?;
        let url = redact_url(&self.spec.url);
        match resp.status {
            200..=299 => Ok(format!("{} {url}: HTTP {}", req.method, resp.status)),
            404 if not_found_ok => Ok(format!("{url} was not locked (HTTP 404)")),
            status => Err(self.fail(HttpError::Status {
                status,
                body: resp.body,
            })),
        }
    }
}

impl LockSource for HttpSource {
    fn name(&self) -> &str {
        &self.spec.name
    }
    fn kind(&self) -> &'static str {
        "http"
    }

    fn read(&self, deadline: Deadline) -> Reading {
        let (state, attempts) = match http::send(&self.request("GET"), self.policy, deadline) {
            Err((error, attempts)) => (
                LockState::unavailable(Failure::Http { error, attempts }),
                attempts,
            ),
            Ok(resp) => (
                interpret(resp.status, &resp.body, &self.spec.pointers, resp.attempts),
                resp.attempts,
            ),
        };
        let state = match state {
            LockState::Unavailable { cause, .. } => {
                LockState::unavailable(cause.scrub(self.secrets()))
            }
            LockState::Locked(info) => LockState::Locked(info.scrub(self.secrets())),
            other => other,
        };
        Reading {
            state,
            attempts,
            guard: None,
        }
    }

    fn writer(&self) -> Option<&dyn LockWriter> {
        Some(self)
    }
}

/// Writes are conditional (RFC 9110 §13.1), so that two writers cannot
/// both win: greenlight reads the lock first, decides, and sends its
/// `PUT`/`DELETE` with `If-Match: <the ETag read>`, or, when nothing was
/// locked and the API sent no ETag, `If-None-Match: *`. An API that honours
/// these answers `412 Precondition Failed` to the loser, which is then
/// told who holds the lock. An API that ignores them gives no guarantee
/// beyond its own.
impl LockWriter for HttpSource {
    fn lock(
        &self,
        record: &LockRecord,
        force: bool,
        at: DateTime<Utc>,
        deadline: Deadline,
    ) -> Result<Done, LockError> {
        let (current, etag) = self.current(deadline)?;
        let locked = current.is_some();
        let replaced = record.may_replace(current, force, at).map_err(|holder| LockError::Held {
            source_name: self.spec.name.clone(),
            holder,
        })?;
        let mut req = self.request("PUT");
        req.json_body = serde_json::to_string(record).ok();
        condition(&mut req, etag.as_deref(), locked);
        let message = self.write(&req, deadline, false).map_err(|e| self.lost(e, deadline))?;
        Ok(Done { message, replaced })
    }

    fn unlock(&self, _: Option<&str>, _: DateTime<Utc>, deadline: Deadline) -> Result<Done, LockError> {
        let (lifted, etag) = self.current(deadline)?;
        let mut req = self.request("DELETE");
        if let Some(tag) = &etag {
            req.headers.push(("If-Match".into(), tag.clone()));
        }
        let message = self.write(&req, deadline, true).map_err(|e| self.lost(e, deadline))?;
        Ok(Done {
            message,
            replaced: lifted,
        })
    }
}

/// `If-Match` the version read, or `If-None-Match: *` to create only.
fn condition(req: &mut Request<'_>, etag: Option<&str>, locked: bool) {
    match etag {
        Some(tag) => req.headers.push(("If-Match".into(), tag.to_string())),
        None if !locked => req.headers.push(("If-None-Match".into(), "*".into())),
        None => {}
    }
}

impl HttpSource {
    /// The lock there now and its ETag. An API that does not answer `GET`
    /// with a lock (404 for none, 405 for an API that only takes writes)
    /// is taken as unlocked: the write that follows is then create-only
    /// (`If-None-Match: *`), so a conforming API still refuses it when a
    /// lock exists. An API that cannot be reached cannot be written.
    fn current(&self, deadline: Deadline) -> Result<(Option<LockInfo>, Option<String>), LockError> {
        let resp = http::send(&self.request("GET"), self.policy, deadline)
            .map_err(|(e, _)| self.fail(e))?;
        let etag = resp.etag.clone();
        match interpret(resp.status, &resp.body, &self.spec.pointers, resp.attempts) {
            LockState::Locked(info) => Ok((Some(info.scrub(self.secrets())), etag)),
            LockState::Unlocked | LockState::Expired(_) => Ok((None, etag)),
            LockState::Unavailable { .. } => Ok((None, None)),
        }
    }

    /// A `412` means another writer got there first: say who holds it now.
    fn lost(&self, e: LockError, deadline: Deadline) -> LockError {
        match &e {
            LockError::Api {
                error: HttpError::Status { status: 412, .. },
                ..
            } => match self.current(deadline) {
                Ok((Some(holder), _)) => LockError::Held {
                    source_name: self.spec.name.clone(),
                    holder,
                },
                _ => LockError::Changed {
                    source_name: self.spec.name.clone(),
                    detail: "HTTP 412 Precondition Failed".into(),
                },
            },
            _ => e,
        }
    }
}

/// Turns a lock API answer into a state.
pub fn interpret(status: u16, body: &str, p: &Pointers, attempts: u32) -> LockState {
    let json: Option<Value> = serde_json::from_str(body).ok();
    match status {
        423 => {
            let mut info = json.as_ref().map(|j| info(j, p)).unwrap_or_default();
            if info.reason.is_empty() {
                info.reason = if body.trim().is_empty() || json.is_some() {
                    "HTTP 423 Locked".into()
                } else {
                    http::excerpt(body)
                };
            }
            LockState::Locked(info)
        }
        200..=299 => {
            let Some(json) = json else {
                return LockState::unavailable(Failure::BadAnswer(format!(
                    "HTTP {status} with a body that is not JSON: {}",
                    http::excerpt(body)
                )));
            };
            let Some(value) = json.pointer(&p.locked) else {
                return LockState::unavailable(Failure::BadAnswer(format!(
                    "unexpected JSON shape: no value at `{}`",
                    p.locked
                )));
            };
            match truthy(value) {
                Some(true) => {
                    let mut info = info(&json, p);
                    if info.reason.is_empty() {
                        info.reason = "no reason given".into();
                    }
                    LockState::Locked(info)
                }
                Some(false) => LockState::Unlocked,
                None => LockState::unavailable(Failure::BadAnswer(format!(
                    "unexpected JSON shape: `{}` is {value}, not a boolean",
                    p.locked
                ))),
            }
        }
        _ => LockState::unavailable(Failure::Http {
            error: HttpError::Status {
                status,
                body: body.to_string(),
            },
            attempts,
        }),
    }
}

fn info(json: &Value, p: &Pointers) -> LockInfo {
    let text = |ptr: &str| {
        json.pointer(ptr).and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        })
    };
    LockInfo {
        reason: text(&p.reason).unwrap_or_default(),
        by: text(&p.by),
        since: text(&p.since),
        expires: text(&p.expires)
            .and_then(|e| chrono::DateTime::parse_from_rfc3339(&e).ok())
            .map(|e| e.to_utc()),
        auto: false,
    }
}

fn truthy(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_f64().map(|f| f != 0.0),
        Value::String(s) => match s.to_ascii_lowercase().as_str() {
            "true" | "locked" | "yes" | "1" => Some(true),
            "false" | "unlocked" | "no" | "0" | "" => Some(false),
            _ => None,
        },
        Value::Null => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> Pointers {
        Pointers::default()
    }

    #[test]
    fn status_423_is_locked_even_without_a_body() {
        assert!(
            matches!(interpret(423, "", &p(), 1), LockState::Locked(i) if i.reason == "HTTP 423 Locked")
        );
    }

    #[test]
    fn json_with_configured_pointers() {
        let ptrs = Pointers {
            locked: "/data/state".into(),
            reason: "/data/why".into(),
            ..p()
        };
        let s = interpret(
            200,
            r#"{"data":{"state":"locked","why":"INC-42"}}"#,
            &ptrs,
            1,
        );
        assert!(matches!(s, LockState::Locked(i) if i.reason == "INC-42"));
        assert_eq!(
            interpret(200, r#"{"data":{"state":"unlocked"}}"#, &ptrs, 1),
            LockState::Unlocked
        );
    }

    #[test]
    fn wrong_shapes_are_unavailable_with_the_cause() {
        let cause = |s| match s {
            LockState::Unavailable { cause, .. } => cause.to_string(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            cause(interpret(200, "<html>", &p(), 1)),
            "HTTP 200 with a body that is not JSON: <html>"
        );
        assert_eq!(
            cause(interpret(200, "{}", &p(), 1)),
            "unexpected JSON shape: no value at `/locked`"
        );
        assert_eq!(
            cause(interpret(200, r#"{"locked":[1]}"#, &p(), 1)),
            "unexpected JSON shape: `/locked` is [1], not a boolean"
        );
        assert_eq!(cause(interpret(404, "", &p(), 1)), "HTTP 404 (1 attempt)");
    }
}
