//! Datadog, through the metrics query API:
//! `GET /api/v1/query?from=…&to=…&query=…` with `DD-API-KEY` and
//! `DD-APPLICATION-KEY`
//! (<https://docs.datadoghq.com/api/latest/metrics/#query-timeseries-points>).
//!
//! ```yaml
//! compare:
//!   source:
//!     type: datadog
//!     site: EU1                 # US1 (default), US3, US5, EU1, AP1, AP2, UK1, US1-FED, or a domain
//!     api_key_env: DD_API_KEY   # the default; never printed
//!     app_key_env: DD_APP_KEY   # the default
//!   replica_label: host        # series by {host} are the replicas
//!   metrics:
//!     - { name: latency, query: "avg:trace.http.request.duration{service:checkout,version:{{version}}} by {host}" }
//!     - { name: errors, kind: ratio,
//!         errors: "sum:trace.http.request.errors{service:checkout,version:{{version}}}.as_count()",
//!         total: "sum:trace.http.request.hits{service:checkout,version:{{version}}}.as_count()" }
//! ```
//!
//! An answer is `{"status":"ok","series":[{"tag_set":["host:web-1"],
//! "pointlist":[[1715673600000.0, 21.4], …]}, …]}`: each series' `tag_set`
//! (`key:value`) becomes its labels, so `by {host}` keeps replicas apart and
//! `combine` sums or keeps them like Prometheus's series; `null` points
//! (no data in that interval) are left out. Datadog chooses the interval
//! from the window; `.rollup(avg, 60)` in the query sets it. An error is
//! `{"errors": ["…"]}` (400, 403, 429) and is shown as Datadog wrote it; a
//! 429 waits for `X-RateLimit-Reset` within the deadline.

use std::sync::Arc;

use serde_json::Value;

use super::api::{Api, TextSource};
use super::source::{
    Fetched, MetricKind, MetricSource, Query, Range, Series, TimeSeries,
};
use super::MetricsError;
use crate::context::Context;
use crate::http::Deadline;
use crate::input::{ConfigError, Keys};

/// `type: datadog`.
pub struct Datadog;

/// Datadog's sites and their API hosts
/// (<https://docs.datadoghq.com/getting_started/site/>).
const SITES: [(&str, &str); 9] = [
    ("US1", "api.datadoghq.com"),
    ("US3", "api.us3.datadoghq.com"),
    ("US5", "api.us5.datadoghq.com"),
    ("EU1", "api.datadoghq.eu"),
    ("AP1", "api.ap1.datadoghq.com"),
    ("AP2", "api.ap2.datadoghq.com"),
    ("UK1", "api.uk1.datadoghq.com"),
    ("US1-FED", "api.ddog-gov.com"),
    ("US2-FED", "api.us2.ddog-gov.com"),
];

impl MetricKind for Datadog {
    fn name(&self) -> &'static str {
        "datadog"
    }
    fn source_keys(&self) -> &'static [&'static str] {
        &[
            "name",
            "url",
            "timeout",
            "retries",
            "site",
            "api_key_env",
            "app_key_env",
        ]
    }
    fn metric_keys(&self) -> &'static [&'static str] {
        &["query", "errors", "total"]
    }
    fn time_series(&self) -> Option<TimeSeries> {
        Some(TimeSeries { max_points: None })
    }
    fn configure(
        &self,
        keys: &mut Keys<'_>,
        ctx: &Context,
    ) -> Result<Box<dyn MetricSource>, ConfigError> {
        let host = match keys.string("site")? {
            None => SITES[0].1.to_string(),
            Some(site) => {
                let wanted = site.value.trim();
                match SITES.iter().find(|(name, _)| name.eq_ignore_ascii_case(wanted)) {
                    Some((_, host)) => host.to_string(),
                    // A site parameter as Datadog writes it: `datadoghq.eu`.
                    None if wanted.contains('.')
                        && wanted
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-') =>
                    {
                        format!("api.{}", wanted.trim_start_matches("api."))
                    }
                    None => {
                        let names: Vec<&str> = SITES.iter().map(|(n, _)| *n).collect();
                        return Err(keys.error(
                            &site.referenced,
                            "site",
                            format!(
                                "`{wanted}` is not a Datadog site: {} or a site domain such as datadoghq.eu",
                                names.join(", ")
                            ),
                        ));
                    }
                }
            }
        };
        let mut api = Api::configure(keys, "datadog", Some(format!("https://{host}")))?;
        api.secret_header(keys, ctx, "api_key_env", "DD_API_KEY", "DD-API-KEY", "")?;
        api.secret_header(keys, ctx, "app_key_env", "DD_APP_KEY", "DD-APPLICATION-KEY", "")?;
        Ok(Box::new(TextSource {
            api: Arc::new(api),
            no_buckets: "a `datadog` source has no histogram buckets: query a percentile (p95:…) as `kind: continuous`",
            values: "a Datadog metric query",
            counts: "queries counting errors and requests per interval, e.g. sum:trace.http.request.errors{…}.as_count()",
            make: |api, query, range| Box::new(DatadogQuery { api, query, range }),
        }))
    }
}

#[derive(Debug)]
struct DatadogQuery {
    api: Arc<Api>,
    query: String,
    range: Range,
}

impl Query for DatadogQuery {
    fn describe(&self) -> String {
        self.query.clone()
    }
    fn fetch(&self, deadline: Deadline) -> Result<Fetched, MetricsError> {
        let path = format!(
            "/api/v1/query?from={}&to={}&query={}",
            self.range.start.timestamp(),
            self.range.end.timestamp(),
            crate::encode::encode_query_value(&self.query)
        );
        let answer = self.api.get(&path, deadline)?;
        parse(&answer).map_err(|e| match e {
            Parsed::Declined(m) => self.api.declined("Datadog", &m),
            Parsed::Bad(m) => self.api.bad(m),
        })
    }
}

enum Parsed {
    Declined(String),
    Bad(String),
}

/// A `/api/v1/query` answer's series.
fn parse(answer: &Value) -> Result<Fetched, Parsed> {
    match answer.get("status").and_then(Value::as_str) {
        Some("ok") => {}
        Some(_) => {
            let said = answer
                .get("error")
                .and_then(Value::as_str)
                .unwrap_or("no error message");
            return Err(Parsed::Declined(said.to_string()));
        }
        None => {
            return Err(Parsed::Bad(
                "not a Datadog query answer (no `status`)".into(),
            ));
        }
    }
    let list = answer
        .get("series")
        .and_then(Value::as_array)
        .ok_or_else(|| Parsed::Bad("a Datadog answer without `series`".into()))?;
    let mut series = Vec::with_capacity(list.len());
    for s in list {
        let mut out = Series::default();
        for tag in s.get("tag_set").and_then(Value::as_array).into_iter().flatten() {
            if let Some(t) = tag.as_str() {
                let (k, v) = t.split_once(':').unwrap_or((t, ""));
                out.labels.insert(k.to_string(), v.to_string());
            }
        }
        if let Some(m) = s.get("metric").and_then(Value::as_str) {
            out.labels.entry("metric".into()).or_insert_with(|| m.to_string());
        }
        let points = s
            .get("pointlist")
            .and_then(Value::as_array)
            .ok_or_else(|| Parsed::Bad("a Datadog series without `pointlist`".into()))?;
        for p in points {
            let (Some(t), Some(v)) = (p.get(0).and_then(Value::as_f64), p.get(1)) else {
                return Err(Parsed::Bad(format!(
                    "a Datadog point is not [time, value]: {p}"
                )));
            };
            // `null`: no data in that interval.
            if let Some(v) = v.as_f64() {
                out.times.push(t / 1000.0);
                out.values.push(v);
            }
        }
        series.push(out);
    }
    Ok(Fetched {
        series,
        warnings: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::api::fixture;


    #[test]
    fn the_documented_answer_gives_one_series_per_tag_set() {
        let Ok(f) = parse(&fixture("datadog_query.json")) else {
            panic!("parses")
        };
        assert!(f.series.len() >= 2);
        let first = &f.series[0];
        assert_eq!(first.labels["host"], "web-1");
        assert_eq!(first.labels["version"], "v41");
        assert_eq!(first.times[0], 1715673600.0);
        assert_eq!(first.values[0], 21.43);
        assert_eq!(first.times.len(), first.values.len());
    }

    #[test]
    fn errors_and_strange_answers() {
        let err = serde_json::json!({"status": "error", "error": "query too heavy"});
        assert!(matches!(parse(&err), Err(Parsed::Declined(m)) if m == "query too heavy"));
        assert!(matches!(parse(&serde_json::json!({"x": 1})), Err(Parsed::Bad(_))));
        let nulls = serde_json::json!({"status": "ok", "series": [{"tag_set": [], "pointlist": [[1000.0, null], [2000.0, 3]]}]});
        let Ok(f) = parse(&nulls) else { panic!() };
        assert_eq!((f.series[0].times.clone(), f.series[0].values.clone()), (vec![2.0], vec![3.0]));
    }
}
