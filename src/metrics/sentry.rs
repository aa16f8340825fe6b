//! Sentry: release health and event counts, per release
//! (<https://docs.sentry.io/api/releases/retrieve-release-health-session-statistics/>),
//! with `Authorization: Bearer <token>`.
//!
//! ```yaml
//! compare:
//!   source:
//!     type: sentry
//!     organization: acme
//!     project: 4505            # optional: project ids
//!     environment: production  # optional
//!     token_env: SENTRY_AUTH_TOKEN   # the default; never printed
//!     url: https://sentry.example.com  # self-hosted; default https://sentry.io
//!   baseline: { release: "checkout@41.0.0" }
//!   canary: { release: "checkout@42.0.0" }
//!   metrics:
//!     - { name: crashes, kind: ratio, sessions: crashed, release: "{{release}}" }
//!     - { name: errors, query: "event.type:error release:{{release}}" }
//! ```
//!
//! - **Sessions** (`kind: ratio`, `sessions:`): `GET
//!   /api/0/organizations/{org}/sessions/?field=sum(session)&groupBy=session.status&query=release:"…"`
//!   over the side's window. Sentry's four statuses do not overlap
//!   (healthy, errored, crashed, abnormal); `sessions:` names which count
//!   as errors: `crashed` (1 − crash-free), `abnormal`, `errored`, or
//!   `unhealthy` (all but healthy); the total is all four. The counts are
//!   the window's totals; Sentry rounds the window out to its `interval`
//!   (`interval:` on the source, default `1h`), which a release filter
//!   makes harmless.
//! - **Events** (`kind: continuous`, `query:`): `GET
//!   /api/0/organizations/{org}/events-stats/?yAxis=count()&query=…`, the
//!   number of matching events per step (the step as Sentry's
//!   `interval`). Sentry marks this endpoint experimental.
//!
//! An error is `{"detail": "…"}` and is shown as Sentry wrote it; a 429
//! waits for `X-Sentry-Rate-Limit-Reset` within the deadline.

use std::sync::Arc;

use serde_json::Value;

use super::MetricsError;
use super::api::Api;
use super::source::{
    Asked, Fetched, MetricKind, MetricSource, PlanSide, Query, Request, Series, TimeSeries,
};
use crate::context::Context;
use crate::encode::encode_query_value as enc;
use crate::http::Deadline;
use crate::input::{ConfigError, Keys, OneOrMany};
use crate::secret::{Secrets, redact_url};

/// `type: sentry`.
pub struct Sentry;

/// Session statuses, as Sentry groups them.
const STATUSES: [&str; 4] = ["healthy", "errored", "crashed", "abnormal"];

impl MetricKind for Sentry {
    fn name(&self) -> &'static str {
        "sentry"
    }
    fn source_keys(&self) -> &'static [&'static str] {
        &[
            "name",
            "url",
            "timeout",
            "retries",
            "organization",
            "project",
            "environment",
            "token_env",
            "interval",
        ]
    }
    fn metric_keys(&self) -> &'static [&'static str] {
        &["sessions", "release", "query", "dataset"]
    }
    fn time_series(&self) -> Option<TimeSeries> {
        Some(TimeSeries { max_points: None })
    }
    fn configure(
        &self,
        keys: &mut Keys<'_>,
        ctx: &Context,
    ) -> Result<Box<dyn MetricSource>, ConfigError> {
        let mut api = Api::configure(keys, "sentry", Some("https://sentry.io".into()))?;
        let org = keys
            .string("organization")?
            .ok_or_else(|| keys.here("a `sentry` source needs `organization` (its slug)".into()))?;
        if org.value.is_empty() || !org.value.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(keys.error(&org.referenced, "organization", format!("`{}` is not an organization slug", org.value)));
        }
        let mut filters = String::new();
        if let Some(p) = keys.take::<OneOrMany<String>>("project")? {
            for id in p.value.0 {
                filters.push_str(&format!("&project={}", enc(&id)));
            }
        }
        if let Some(e) = keys.take::<OneOrMany<String>>("environment")? {
            for env in e.value.0 {
                filters.push_str(&format!("&environment={}", enc(&env)));
            }
        }
        let interval = match keys.take::<crate::duration::HumanDuration>("interval")? {
            Some(d) => sentry_interval(d.value.get()),
            None => "1h".to_string(),
        };
        api.secret_header(keys, ctx, "token_env", "SENTRY_AUTH_TOKEN", "Authorization", "Bearer ")?;
        Ok(Box::new(SentrySource {
            api: Arc::new(api),
            org: org.value,
            filters,
            interval,
        }))
    }
}

/// A duration as Sentry writes an interval (`1m`, `1h`, `1d`), at least a
/// minute.
fn sentry_interval(d: std::time::Duration) -> String {
    let secs = d.as_secs().max(60);
    if secs.is_multiple_of(86_400) {
        format!("{}d", secs / 86_400)
    } else if secs.is_multiple_of(3600) {
        format!("{}h", secs / 3600)
    } else {
        format!("{}m", secs.div_ceil(60))
    }
}

struct SentrySource {
    api: Arc<Api>,
    org: String,
    /// `&project=…&environment=…`.
    filters: String,
    /// Sessions' interval.
    interval: String,
}

impl MetricSource for SentrySource {
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
        let range = side
            .range
            .ok_or_else(|| keys.here("internal: a time-series side without a range".into()))?;
        let base = format!("/api/0/organizations/{}", self.org);
        match side.asked {
            Asked::Buckets => Err(keys.here(
                "a `sentry` source has no histogram buckets: use `sessions` (kind: ratio) or `query` (event counts)".into(),
            )),
            Asked::Counts => {
                if let Some(k) = ["query", "errors", "total", "dataset"].into_iter().find(|k| keys.has(k)) {
                    return Err(keys.here(format!(
                        "a Sentry ratio reads release health: `sessions` and `release`, not `{k}`"
                    )));
                }
                let sessions = keys.string("sessions")?.ok_or_else(|| {
                    keys.here("a Sentry ratio needs `sessions`: crashed, abnormal, errored or unhealthy".into())
                })?;
                let errors: Vec<&'static str> = match sessions.value.as_str() {
                    "crashed" => vec!["crashed"],
                    "abnormal" => vec!["abnormal"],
                    "errored" => vec!["errored"],
                    "unhealthy" => vec!["errored", "crashed", "abnormal"],
                    other => {
                        return Err(keys.error(
                            &sessions.referenced,
                            "sessions",
                            format!("`{other}` is not crashed, abnormal, errored or unhealthy"),
                        ));
                    }
                };
                let release = keys.string("release")?.ok_or_else(|| {
                    keys.here("a Sentry ratio needs `release`, e.g. \"{{release}}\" with `release:` on each side".into())
                })?;
                let release = (side.fill)(&release, "release")?;
                if release.trim().is_empty() || release.contains('"') {
                    return Err(keys.here(format!("`{release}` is not a release")));
                }
                let path = format!(
                    "{base}/sessions/?field={}&groupBy=session.status&query={}&start={}&end={}&interval={}&includeSeries=0{}",
                    enc("sum(session)"),
                    enc(&format!("release:\"{release}\"")),
                    enc(&iso(range.start)),
                    enc(&iso(range.end)),
                    self.interval,
                    self.filters
                );
                let query = |statuses: Vec<&'static str>| -> Box<dyn Query> {
                    Box::new(Sessions {
                        api: Arc::clone(&self.api),
                        path: path.clone(),
                        release: release.clone(),
                        statuses,
                        end: range.end.timestamp() as f64,
                    })
                };
                Ok(Request::Counts {
                    errors: query(errors),
                    total: query(STATUSES.to_vec()),
                    cumulative: false,
                })
            }
            Asked::Values => {
                if let Some(k) = ["sessions", "release", "errors", "total"].into_iter().find(|k| keys.has(k)) {
                    return Err(keys.here(format!(
                        "a continuous Sentry metric counts events: `query` (and `dataset`), not `{k}`; release health is `kind: ratio` with `sessions`"
                    )));
                }
                let t = keys.string("query")?.ok_or_else(|| {
                    keys.here("a continuous Sentry metric needs `query`, e.g. \"event.type:error release:{{release}}\"".into())
                })?;
                let q = (side.fill)(&t, "query")?;
                let dataset = keys
                    .string("dataset")?
                    .map(|d| format!("&dataset={}", enc(&d.value)))
                    .unwrap_or_default();
                let path = format!(
                    "{base}/events-stats/?yAxis={}&query={}&start={}&end={}&interval={}{dataset}{}",
                    enc("count()"),
                    enc(&q),
                    enc(&iso(range.start)),
                    enc(&iso(range.end)),
                    sentry_interval(range.step),
                    self.filters
                );
                Ok(Request::Values(Box::new(Events {
                    api: Arc::clone(&self.api),
                    path,
                    query: q,
                })))
            }
        }
    }
}

fn iso(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Sessions of some statuses for one release over the window.
#[derive(Debug)]
struct Sessions {
    api: Arc<Api>,
    path: String,
    release: String,
    statuses: Vec<&'static str>,
    end: f64,
}

impl Query for Sessions {
    fn describe(&self) -> String {
        format!("sessions {} of release {}", self.statuses.join("+"), self.release)
    }
    fn fetch(&self, deadline: Deadline) -> Result<Fetched, MetricsError> {
        let answer = self.api.get(&self.path, deadline)?;
        let count = sessions(&answer, &self.statuses).map_err(|m| self.api.bad(m))?;
        Ok(Fetched {
            series: vec![Series {
                times: vec![self.end],
                values: vec![count],
                ..Series::default()
            }],
            warnings: Vec::new(),
        })
    }
}

/// The sessions of `statuses` in a sessions answer's totals.
fn sessions(answer: &Value, statuses: &[&str]) -> Result<f64, String> {
    let groups = answer
        .get("groups")
        .and_then(Value::as_array)
        .ok_or("not a Sentry sessions answer (no `groups`)")?;
    let mut sum = 0.0;
    for g in groups {
        let status = g.pointer("/by/session.status").and_then(Value::as_str).ok_or(
            "a sessions group without `by.session.status` (grouped by session.status was asked)",
        )?;
        if !statuses.contains(&status) {
            continue;
        }
        let n = g
            .pointer("/totals/sum(session)")
            .and_then(Value::as_f64)
            .ok_or("a sessions group without `totals.sum(session)`")?;
        sum += n;
    }
    Ok(sum)
}

/// Events matching a query, counted per step.
#[derive(Debug)]
struct Events {
    api: Arc<Api>,
    path: String,
    query: String,
}

impl Query for Events {
    fn describe(&self) -> String {
        format!("count() of {}", self.query)
    }
    fn fetch(&self, deadline: Deadline) -> Result<Fetched, MetricsError> {
        let answer = self.api.get(&self.path, deadline)?;
        let series = events(&answer).map_err(|m| self.api.bad(m))?;
        Ok(Fetched {
            series: vec![series],
            warnings: Vec::new(),
        })
    }
}

/// `{"data": [[1715673600, [{"count": 24}]], …]}`: an empty bucket (`[]`)
/// counts 0.
fn events(answer: &Value) -> Result<Series, String> {
    let data = answer
        .get("data")
        .and_then(Value::as_array)
        .ok_or("not a Sentry events-stats answer (no `data`)")?;
    let mut out = Series::default();
    for bucket in data {
        let (Some(t), Some(counts)) = (
            bucket.get(0).and_then(Value::as_f64),
            bucket.get(1).and_then(Value::as_array),
        ) else {
            return Err(format!("an events-stats bucket is not [time, [{{count}}]]: {bucket}"));
        };
        let count = counts
            .iter()
            .filter_map(|c| c.get("count").and_then(Value::as_f64))
            .sum::<f64>();
        out.times.push(t);
        out.values.push(count);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::api::fixture;


    #[test]
    fn sessions_by_status_from_the_documented_answer() {
        let a = fixture("sentry_sessions.json");
        let total = sessions(&a, &STATUSES).unwrap();
        let crashed = sessions(&a, &["crashed"]).unwrap();
        assert_eq!(sessions(&a, &["healthy"]).unwrap(), 11940.0);
        assert!(crashed > 0.0 && crashed < total);
        assert!(sessions(&serde_json::json!({"x": 1}), &["crashed"]).is_err());
        assert_eq!(sessions(&serde_json::json!({"groups": []}), &["crashed"]).unwrap(), 0.0);
    }

    #[test]
    fn events_per_bucket() {
        let s = events(&fixture("sentry_events_stats.json")).unwrap();
        assert_eq!(s.values, vec![24.0, 20.0, 30.0, 39.0, 34.0, 27.0]);
        assert_eq!(s.times[0], 1715673600.0);
        let empty = serde_json::json!({"data": [[1, []], [2, [{"count": 3}]]]});
        assert_eq!(events(&empty).unwrap().values, vec![0.0, 3.0]);
    }

    #[test]
    fn intervals() {
        use std::time::Duration;
        assert_eq!(sentry_interval(Duration::from_secs(30)), "1m");
        assert_eq!(sentry_interval(Duration::from_secs(90)), "2m");
        assert_eq!(sentry_interval(Duration::from_secs(3600)), "1h");
        assert_eq!(sentry_interval(Duration::from_secs(86_400)), "1d");
    }
}
