//! Any JSON API as a lock source, with "locked" written as a predicate
//! over the answer (the predicates of the semantic checks,
//! [`crate::checks::Predicate`]):
//!
//! ```yaml
//! - type: json
//!   url: https://status.example.com/api/v2/status.json
//!   locked_when: { pointer: /status/indicator, "!=": none }
//!   reason: /status/description          # a pointer to the reason (optional)
//!   token_env: STATUS_TOKEN              # optional bearer token
//!   headers: { X-Team: shop }
//! ```
//!
//! The operator is one of `==`, `!=`, `<`, `<=`, `>`, `>=`, `contains`,
//! `not contains`, `matches`, `not matches`, `exists`, `not exists`, `is`,
//! `is not`; its value is the right-hand side (`exists: true`). An answer
//! that is not JSON, or not 2xx, makes the source unavailable.

use std::collections::BTreeMap;

use serde_json::Value;

use super::api::{self, JsonApi};
use super::source::{LockKind, LockSource, Reading, Setup};
use super::{LockInfo, LockState};
use crate::checks::{Predicate, Subject};
use crate::http::Deadline;
use crate::input::{ConfigError, check_pointer};
use crate::secret::is_secret_header;

const OPERATORS: [&str; 14] = [
    "==", "!=", "<", "<=", ">", ">=", "contains", "not contains", "matches", "not matches",
    "exists", "not exists", "is", "is not",
];

/// `type: json`.
pub struct Json;

impl LockKind for Json {
    fn incident(&self) -> bool {
        true
    }
    fn name(&self) -> &'static str {
        "json"
    }
    fn keys(&self) -> &'static [&'static str] {
        &["url", "locked_when", "reason", "token_env", "headers"]
    }
    fn configure(&self, s: &mut Setup<'_>) -> Result<Box<dyn LockSource>, ConfigError> {
        let url = s.keys.require("url", "a `json` source needs `url`")?;
        crate::http::check_url(&url.value).map_err(|m| s.keys.error(&url.referenced, "url", m))?;
        let when = s
            .keys
            .take::<BTreeMap<String, Value>>("locked_when")?
            .ok_or_else(|| {
                s.keys.here(
                    "a `json` source needs `locked_when`, e.g. { pointer: /status/indicator, \"!=\": none }"
                        .into(),
                )
            })?;
        let bad = |m: String| s.keys.error(&when.referenced, "locked_when", m);
        let pointer = match when.value.get("pointer") {
            Some(Value::String(p)) => p.clone(),
            _ => return Err(bad("needs `pointer` (a JSON Pointer, e.g. /status/indicator)".into())),
        };
        check_pointer(&pointer, "/status/indicator").map_err(|m| bad(format!("pointer: {m}")))?;
        let ops: Vec<(&String, &Value)> = when.value.iter().filter(|(k, _)| *k != "pointer").collect();
        let [(op, operand)] = ops.as_slice() else {
            return Err(bad(format!(
                "needs exactly one operator besides `pointer` ({})",
                OPERATORS.join(", ")
            )));
        };
        if !OPERATORS.contains(&op.as_str()) {
            return Err(bad(format!("`{op}` is not an operator ({})", OPERATORS.join(", "))));
        }
        let text = match (op.as_str(), operand) {
            ("exists" | "not exists", _) => op.to_string(),
            (_, Value::String(v)) => format!("{op} {v}"),
            (_, v) => format!("{op} {v}"),
        };
        let predicate = Predicate::parse(&text).map_err(bad)?;
        let reason = s.keys.string("reason")?.map(|r| r.value);
        if let Some(r) = &reason {
            check_pointer(r, "/status/description").map_err(|m| s.keys.here(format!("reason: {m}")))?;
        }
        let mut api = JsonApi::new(s.policy);
        if let Some(var) = s.keys.string("token_env")? {
            let token = super::token_from(&var.value, s.ctx)
                .map_err(|m| s.keys.error(&var.referenced, "token_env", m))?;
            api = api.with_auth("Authorization", format!("Bearer {}", token.expose()), &token);
        }
        if let Some(h) = s.keys.take::<BTreeMap<String, String>>("headers")? {
            for (name, value) in h.value {
                if is_secret_header(&name) {
                    api.secrets.add_header_value(&value);
                }
                api.headers.push((name, value));
            }
        }
        api.secrets.add_url(&url.value);
        Ok(Box::new(JsonSource {
            name: s.name_or("json", &crate::http::authority(&url.value)),
            url: url.value,
            pointer,
            predicate,
            reason,
            api,
        }))
    }
}

pub struct JsonSource {
    name: String,
    url: String,
    pointer: String,
    predicate: Predicate,
    reason: Option<String>,
    api: JsonApi,
}

impl LockSource for JsonSource {
    fn name(&self) -> &str {
        &self.name
    }
    fn kind(&self) -> &'static str {
        "json"
    }
    fn read(&self, deadline: Deadline) -> Reading {
        let (doc, attempts) = match self.api.get(&self.url, deadline) {
            Ok(d) => d,
            Err(cause) => return Reading::once(LockState::unavailable(cause)),
        };
        let value = doc.pointer(&self.pointer);
        let state = if self.predicate.test(Subject::Json(value)) {
            let shown = value.map_or_else(|| "absent".to_string(), Value::to_string);
            let reason = self
                .reason
                .as_deref()
                .and_then(|p| api::text(&doc, p))
                .unwrap_or_else(|| format!("{} {} ({shown})", self.pointer, self.predicate.as_str()));
            LockState::Locked(
                LockInfo {
                    reason,
                    by: None,
                    since: None,
                    expires: None,
                    auto: false,
                }
                .scrub(&self.api.secrets),
            )
        } else {
            LockState::Unlocked
        };
        Reading {
            attempts,
            ..Reading::once(state)
        }
    }
}
