//! What the SaaS metric sources share (Datadog, Sentry, Splunk
//! Observability): a base URL (the vendor's, or `url:` for a self-hosted
//! server or a proxy), API keys read from variables (never printed), the
//! per-attempt timeout and bounded retries of [`crate::http`] (a 429 waits
//! for `Retry-After` or the vendor's reset header, within the deadline),
//! and errors that carry the vendor's own message.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::MetricsError;
use super::source::{Asked, MetricSource, PlanSide, Query, Range, Request, check_kind_keys};
use crate::context::Context;
use crate::duration::HumanDuration;
use crate::failure::Failure;
use crate::http::{self, Deadline, HttpError, Policy};
use crate::input::{ConfigError, Keys};
use crate::secret::{Secret, Secrets, redact_url};

/// One vendor API, shared by every query of a run.
pub struct Api {
    pub name: String,
    /// `https://api.datadoghq.com`: no trailing slash.
    pub base: String,
    /// Auth headers (secret values) and others.
    pub headers: Vec<(String, String)>,
    pub policy: Policy,
    pub secrets: Secrets,
}

impl std::fmt::Debug for Api {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Api")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Api {
    /// From the common keys: `url` (or `default_base`), `timeout`,
    /// `retries`, `name` (default `kind`).
    pub fn configure(
        keys: &mut Keys<'_>,
        kind: &str,
        default_base: Option<String>,
    ) -> Result<Api, ConfigError> {
        let base = match keys.string("url")? {
            Some(u) => {
                http::check_url(&u.value).map_err(|_| {
                    keys.error(
                        &u.referenced,
                        "url",
                        format!("`{}` is not an http(s) URL", redact_url(&u.value)),
                    )
                })?;
                u.value
            }
            None => {
                default_base.ok_or_else(|| keys.here(format!("a `{kind}` source needs `url`")))?
            }
        };
        let policy = policy(keys, Duration::from_secs(10), 2)?;
        let mut secrets = Secrets::new();
        secrets.add_url(&base);
        Ok(Api {
            name: keys
                .string("name")?
                .map_or_else(|| kind.to_string(), |n| n.value),
            base: base.trim_end_matches('/').to_string(),
            headers: Vec::new(),
            policy,
            secrets,
        })
    }

    /// Sends `header: value` with every request, `value` read from the
    /// variable named by `key` (default `default_var`); never printed.
    pub fn secret_header(
        &mut self,
        keys: &mut Keys<'_>,
        ctx: &Context,
        key: &str,
        default_var: &str,
        header: &str,
        prefix: &str,
    ) -> Result<(), ConfigError> {
        let named = keys.string(key)?;
        let var = named.as_ref().map_or(default_var, |n| n.value.as_str());
        let value = ctx.var(var).filter(|v| !v.is_empty()).ok_or_else(|| {
            let message = format!(
                "variable `{var}` is not set (it holds the {header} for {}; `{key}` names another)",
                self.name
            );
            match &named {
                Some(n) => keys.error(&n.referenced, key, message),
                None => keys.here(message),
            }
        })?;
        let secret = Secret::new(value.to_string());
        self.secrets.add_secret(&secret);
        let sent = format!("{prefix}{value}");
        self.secrets.add_header_value(&sent);
        self.headers.push((header.to_string(), sent));
        Ok(())
    }

    fn failed(&self, failure: Failure) -> MetricsError {
        MetricsError {
            source_name: self.name.clone(),
            failure,
        }
    }

    /// GET `path_query` (after the base): the answer's JSON. A 400 or 422
    /// is the query's fault (bad input), with the vendor's message; other
    /// statuses are the vendor's.
    pub fn get(&self, path_query: &str, deadline: Deadline) -> Result<Value, MetricsError> {
        let url = format!("{}{path_query}", self.base);
        let mut req = http::Request::new("GET", &url);
        req.headers = self.headers.clone();
        req.headers
            .push(("Accept".into(), "application/json".into()));
        let resp = http::send(&req, self.policy, deadline).map_err(|(error, attempts)| {
            self.failed(Failure::Http {
                error: error.scrub(&self.secrets),
                attempts,
            })
        })?;
        if !(200..300).contains(&resp.status) {
            // Cleaned whole, then shortened: a key cut in two would escape.
            let said = vendor_message(&resp.body).unwrap_or_else(|| resp.body.clone());
            let said = http::excerpt(&self.secrets.clean(&said));
            return Err(self.failed(match resp.status {
                400 | 422 => Failure::Rejected {
                    kind: format!("HTTP {}", resp.status),
                    message: said,
                },
                status => Failure::Http {
                    error: HttpError::Status {
                        status,
                        body: resp.body,
                    }
                    .scrub(&self.secrets),
                    attempts: resp.attempts,
                },
            }));
        }
        serde_json::from_str(&resp.body).map_err(|e| {
            self.failed(Failure::BadAnswer(format!(
                "not JSON ({e}): {}",
                http::excerpt(&self.secrets.clean(&resp.body))
            )))
        })
    }

    /// An answer that is not the documented shape.
    pub fn bad(&self, what: String) -> MetricsError {
        self.failed(Failure::BadAnswer(self.secrets.clean(&what)))
    }

    /// The vendor declined, in its own words.
    pub fn declined(&self, kind: &str, message: &str) -> MetricsError {
        self.failed(Failure::Declined {
            kind: kind.to_string(),
            message: self.secrets.clean(message),
        })
    }
}

/// `timeout` (per attempt) and `retries` (at most 10) of a source's keys.
pub fn policy(keys: &mut Keys<'_>, timeout: Duration, retries: u32) -> Result<Policy, ConfigError> {
    Ok(Policy {
        timeout: keys
            .take::<HumanDuration>("timeout")?
            .map_or(timeout, |t| t.value.get()),
        retries: keys
            .take::<u32>("retries")?
            .map_or(retries, |r| r.value)
            .min(10),
        ..Policy::default()
    })
}

/// The message of a vendor's error body: Sentry `{"detail": …}`, Datadog
/// `{"errors": […]}`, Splunk `{"message": …}`, or `{"error": …}`.
pub fn vendor_message(body: &str) -> Option<String> {
    let v: Value = serde_json::from_str(body).ok()?;
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    };
    if let Some(list) = v.get("errors").and_then(Value::as_array) {
        let all: Vec<String> = list.iter().filter_map(text).collect();
        if !all.is_empty() {
            return Some(all.join("; "));
        }
    }
    ["detail", "message", "error"]
        .iter()
        .find_map(|k| v.get(k).and_then(text))
}

/// A source over an [`Api`] whose queries are text: a metric's `query`
/// (values) or `errors` and `total` (counts per interval), filled for the
/// side and turned into a query by `make` (Datadog, Splunk Observability).
pub struct TextSource {
    pub api: Arc<Api>,
    /// What to use instead of histogram buckets.
    pub no_buckets: &'static str,
    /// What `query` holds, and what `errors` and `total` hold.
    pub values: &'static str,
    pub counts: &'static str,
    pub make: fn(Arc<Api>, String, Range) -> Box<dyn Query>,
}

impl MetricSource for TextSource {
    fn name(&self) -> &str {
        &self.api.name
    }
    fn url(&self) -> Option<String> {
        Some(redact_url(&self.api.base))
    }
    fn secrets(&self) -> Secrets {
        self.api.secrets.clone()
    }
    fn plan(&self, keys: &mut Keys<'_>, side: &PlanSide<'_>) -> Result<Request, ConfigError> {
        if side.asked == Asked::Buckets {
            return Err(keys.here(self.no_buckets.to_string()));
        }
        let range = side
            .range
            .ok_or_else(|| keys.here("internal: a time-series side without a range".into()))?;
        check_kind_keys(keys, side.asked, "query", Some(self.values), self.counts)?;
        let query = |key: &str| -> Result<Box<dyn Query>, ConfigError> {
            let t = keys
                .string(key)?
                .ok_or_else(|| keys.here(format!("needs `{key}`")))?;
            if t.value.trim().is_empty() {
                return Err(keys.here(format!("`{key}` is empty")));
            }
            Ok((self.make)(
                Arc::clone(&self.api),
                (side.fill)(&t, key)?,
                range,
            ))
        };
        Request::for_kind(side.asked, "query", query)
    }
}

/// A fixture of `tests/data/observability/`, parsed.
#[cfg(test)]
pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/tests/data/observability/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_messages() {
        assert_eq!(
            vendor_message(r#"{"detail": "Invalid field: \"x\""}"#).as_deref(),
            Some("Invalid field: \"x\"")
        );
        assert_eq!(
            vendor_message(r#"{"errors": ["a", "b"]}"#).as_deref(),
            Some("a; b")
        );
        assert_eq!(vendor_message("<html>").as_deref(), None);
    }
}
