//! What the incident sources share (Statuspage, PagerDuty, Opsgenie and a
//! generic JSON API): one GET of JSON with the source's own auth header,
//! the run's timeout, retries (a 429's `Retry-After` is honoured within
//! the deadline) and deadline, its secrets masked in everything the API
//! says; and how open incidents become a lock whose reason names them.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{LockInfo, LockState};
use crate::failure::Failure;
use crate::http::{self, Deadline, HttpError, Policy, Request};
use crate::secret::{Secret, Secrets};

/// The most pages read from a paginated API (100 items each).
pub const MAX_PAGES: usize = 10;

/// A JSON API with its auth header.
pub struct JsonApi {
    /// `Authorization` (or another header) and its secret value.
    pub auth: Option<(String, Secret)>,
    pub headers: Vec<(String, String)>,
    pub secrets: Secrets,
    pub policy: Policy,
}

impl JsonApi {
    pub fn new(policy: Policy) -> JsonApi {
        JsonApi {
            auth: None,
            headers: Vec::new(),
            secrets: Secrets::new(),
            policy,
        }
    }

    /// Sends `header: value` with every request; `value` is a secret.
    pub fn with_auth(mut self, header: &str, value: String, raw: &Secret) -> JsonApi {
        self.secrets.add_secret(raw);
        self.secrets.add_header_value(&value);
        self.auth = Some((header.to_string(), Secret::new(value)));
        self
    }

    /// GETs `url` as JSON; the number of attempts it took.
    pub fn get(&self, url: &str, deadline: Deadline) -> Result<(Value, u32), Failure> {
        let mut req = Request::new("GET", url);
        req.headers = self.headers.clone();
        if !req
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("accept"))
        {
            req.headers
                .push(("Accept".into(), "application/json".into()));
        }
        if let Some((name, value)) = &self.auth {
            req.headers.push((name.clone(), value.expose().to_string()));
        }
        let resp =
            http::send(&req, self.policy, deadline).map_err(|(error, attempts)| Failure::Http {
                error: error.scrub(&self.secrets),
                attempts,
            })?;
        if !(200..300).contains(&resp.status) {
            return Err(Failure::Http {
                error: HttpError::Status {
                    status: resp.status,
                    body: resp.body,
                }
                .scrub(&self.secrets),
                attempts: resp.attempts,
            });
        }
        let value = serde_json::from_str(&resp.body).map_err(|e| {
            Failure::BadAnswer(
                self.secrets
                    .clean(&format!("not JSON ({e}): {}", http::excerpt(&resp.body))),
            )
        })?;
        Ok((value, resp.attempts))
    }
}

/// One open incident or alert.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    /// `#123`, `INC-42`, an alert's tiny id.
    pub id: String,
    pub title: String,
    pub link: Option<String>,
    pub since: Option<DateTime<Utc>>,
    /// `high`, `P1`, `major`...
    pub level: Option<String>,
}

/// Locked by the incidents (the oldest first), or unlocked without any.
/// `by` names the source (`PagerDuty`).
pub fn lock_state(by: &str, mut incidents: Vec<Incident>, secrets: &Secrets) -> LockState {
    if incidents.is_empty() {
        return LockState::Unlocked;
    }
    incidents.sort_by_key(|i| i.since);
    let first = &incidents[0];
    let level = first
        .level
        .as_deref()
        .map(|l| format!(" [{l}]"))
        .unwrap_or_default();
    let link = first
        .link
        .as_deref()
        .map(|l| format!(" {l}"))
        .unwrap_or_default();
    let more = match incidents.len() {
        1 => String::new(),
        n => format!("; and {} more", n - 1),
    };
    let reason = format!("incident {} {}{level}{link}{more}", first.id, first.title);
    LockState::Locked(
        LockInfo {
            reason,
            by: Some(by.to_string()),
            since: first
                .since
                .map(|s| s.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            expires: None,
            auto: false,
        }
        .scrub(secrets),
    )
}

/// A string field.
pub fn text(v: &Value, pointer: &str) -> Option<String> {
    match v.pointer(pointer)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An RFC 3339 time field.
pub fn time(v: &Value, pointer: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(&text(v, pointer)?)
        .ok()
        .map(|t| t.to_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incidents_become_one_reason_oldest_first() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).ok().map(|t| t.to_utc());
        let state = lock_state(
            "PagerDuty",
            vec![
                Incident {
                    id: "#2".into(),
                    title: "Search slow".into(),
                    link: None,
                    since: at("2026-03-02T11:00:00Z"),
                    level: None,
                },
                Incident {
                    id: "#1".into(),
                    title: "Checkout down".into(),
                    link: Some("https://acme.pagerduty.com/incidents/P1".into()),
                    since: at("2026-03-02T10:00:00Z"),
                    level: Some("high".into()),
                },
            ],
            &Secrets::new(),
        );
        let LockState::Locked(info) = state else {
            panic!("locked")
        };
        assert_eq!(
            info.reason,
            "incident #1 Checkout down [high] https://acme.pagerduty.com/incidents/P1; and 1 more"
        );
        assert_eq!(info.since.as_deref(), Some("2026-03-02T10:00:00Z"));
        assert_eq!(
            lock_state("x", vec![], &Secrets::new()),
            LockState::Unlocked
        );
    }
}
