//! A lock API over HTTP(S).
//!
//! Reading: `GET url` (bearer token from `token_env` if set).
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

use serde_json::Value;

use super::{LockError, LockInfo, LockRecord, LockState, Source};
use crate::context::Context;
use crate::http::{self, Deadline, HttpError, Policy, Request};
use crate::secret::{Secret, redact_url, scrub};

#[derive(Debug, Clone, PartialEq)]
pub struct HttpSpec {
    pub name: String,
    pub url: String,
    /// The environment variable that holds the bearer token.
    pub token_env: Option<String>,
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
    pub spec: HttpSpec,
    pub token: Option<Secret>,
    pub policy: Policy,
}

impl HttpSource {
    fn request<'a>(&'a self, method: &'a str) -> Request<'a> {
        let mut req = Request::new(method, &self.spec.url);
        req.headers = self.spec.headers.clone();
        req.headers
            .push(("Accept".into(), "application/json".into()));
        req.bearer = self.token.as_ref();
        req
    }

    fn clean(&self, text: &str) -> String {
        let secrets: Vec<&Secret> = self.token.iter().collect();
        scrub(text, &secrets)
    }

    fn fail(&self, e: &HttpError) -> LockError {
        let cause = self.clean(&e.to_string());
        match e {
            HttpError::Status { .. } => LockError::Api {
                source_name: self.spec.name.clone(),
                cause,
            },
            _ => LockError::Unreachable {
                source_name: self.spec.name.clone(),
                cause,
            },
        }
    }
}

impl Source for HttpSource {
    fn name(&self) -> &str {
        &self.spec.name
    }
    fn kind(&self) -> &'static str {
        "http"
    }

    fn check(&self, _: &Context, deadline: Deadline) -> (LockState, u32) {
        match http::send(&self.request("GET"), self.policy, deadline) {
            Err((e, attempts)) => {
                let cause = format!(
                    "{} ({attempts} attempt{})",
                    self.clean(&e.to_string()),
                    plural(attempts)
                );
                (LockState::Unavailable { cause }, attempts)
            }
            Ok(resp) => {
                let state = interpret(resp.status, &resp.body, &self.spec.pointers);
                let state = match state {
                    LockState::Unavailable { cause } => LockState::Unavailable {
                        cause: self.clean(&cause),
                    },
                    other => other,
                };
                (state, resp.attempts)
            }
        }
    }

    fn lock(&self, record: &LockRecord, deadline: Deadline) -> Option<Result<String, LockError>> {
        let mut req = self.request("PUT");
        req.json_body = serde_json::to_string(record).ok();
        Some(self.write(&req, deadline, false))
    }

    fn unlock(&self, deadline: Deadline) -> Option<Result<String, LockError>> {
        Some(self.write(&self.request("DELETE"), deadline, true))
    }
}

impl HttpSource {
    fn write(
        &self,
        req: &Request,
        deadline: Deadline,
        not_found_ok: bool,
    ) -> Result<String, LockError> {
        let resp = http::send(req, self.policy, deadline).map_err(|(e, _)| self.fail(&e))?;
        let url = redact_url(&self.spec.url);
        match resp.status {
            200..=299 => Ok(format!("{} {url}: HTTP {}", req.method, resp.status)),
            404 if not_found_ok => Ok(format!("{url} was not locked (HTTP 404)")),
            status => Err(self.fail(&HttpError::Status {
                status,
                body: resp.body,
            })),
        }
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Turns a lock API answer into a state.
pub fn interpret(status: u16, body: &str, p: &Pointers) -> LockState {
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
                return LockState::Unavailable {
                    cause: format!(
                        "HTTP {status} with a body that is not JSON: {}",
                        http::excerpt(body)
                    ),
                };
            };
            let Some(value) = json.pointer(&p.locked) else {
                return LockState::Unavailable {
                    cause: format!("unexpected JSON shape: no value at `{}`", p.locked),
                };
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
                None => LockState::Unavailable {
                    cause: format!(
                        "unexpected JSON shape: `{}` is {value}, not a boolean",
                        p.locked
                    ),
                },
            }
        }
        _ => LockState::Unavailable {
            cause: HttpError::Status {
                status,
                body: body.to_string(),
            }
            .to_string(),
        },
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
            matches!(interpret(423, "", &p()), LockState::Locked(i) if i.reason == "HTTP 423 Locked")
        );
    }

    #[test]
    fn json_with_configured_pointers() {
        let ptrs = Pointers {
            locked: "/data/state".into(),
            reason: "/data/why".into(),
            ..p()
        };
        let s = interpret(200, r#"{"data":{"state":"locked","why":"INC-42"}}"#, &ptrs);
        assert!(matches!(s, LockState::Locked(i) if i.reason == "INC-42"));
        assert_eq!(
            interpret(200, r#"{"data":{"state":"unlocked"}}"#, &ptrs),
            LockState::Unlocked
        );
    }

    #[test]
    fn wrong_shapes_are_unavailable_with_the_cause() {
        let cause = |s| match s {
            LockState::Unavailable { cause } => cause,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            cause(interpret(200, "<html>", &p())),
            "HTTP 200 with a body that is not JSON: <html>"
        );
        assert_eq!(
            cause(interpret(200, "{}", &p())),
            "unexpected JSON shape: no value at `/locked`"
        );
        assert_eq!(
            cause(interpret(200, r#"{"locked":[1]}"#, &p())),
            "unexpected JSON shape: `/locked` is [1], not a boolean"
        );
        assert_eq!(cause(interpret(404, "", &p())), "HTTP 404");
    }
}
