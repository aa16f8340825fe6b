//! Splunk Observability Cloud (SignalFx): metric time series over the
//! window, with `X-SF-Token`.
//!
//! ```yaml
//! compare:
//!   source:
//!     type: signalfx
//!     realm: eu0               # api.eu0.signalfx.com; default us0
//!     token_env: SF_TOKEN      # the default; never printed
//!   replica_label: host
//!   metrics:
//!     - name: latency
//!       query: 'sf_metric:"http.server.duration.p95" AND service:checkout AND version:{{version}}'
//! ```
//!
//! `query` is a metadata search (the time series' dimensions select the
//! side). Values: `GET /v1/timeserieswindow?query=…&startMs=…&endMs=…&resolution=…`
//! (<https://dev.splunk.com/observability/reference/api/retrieve_timeserieswindow/latest>),
//! `{"data": {"<tsid>": [[ms, value], …]}, "errors": []}`, at the stored
//! resolution nearest above the step (1s, 1m, 5m, 1h; the metric type's
//! own rollup). Each series' dimensions: `GET /v2/metrictimeseries?query=…`
//! (<https://dev.splunk.com/observability/reference/api/metrics_metadata/latest>),
//! read in pages of 1,000 by `offset` (at most 10 pages), so
//! `replica_label: host` (on `compare`) and `combine` work as with Prometheus.
//! `errors` in an answer become warnings; error bodies (`{"message": …}`)
//! are shown as sent.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use super::MetricsError;
use super::api::{Api, TextSource};
use super::source::{
    Fetched, MetricKind, MetricSource, Query, Range, Series, TimeSeries,
};
use crate::context::Context;
use crate::encode::encode_query_value as enc;
use crate::http::Deadline;
use crate::input::{ConfigError, Keys};

/// `type: signalfx`.
pub struct SignalFx;

/// Resolutions the API stores, in ms.
const RESOLUTIONS: [u64; 4] = [1_000, 60_000, 300_000, 3_600_000];
/// Dimension pages read at most.
const MAX_PAGES: usize = 10;
const PAGE: usize = 1000;

impl MetricKind for SignalFx {
    fn name(&self) -> &'static str {
        "signalfx"
    }
    fn source_keys(&self) -> &'static [&'static str] {
        &["name", "url", "timeout", "retries", "realm", "token_env"]
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
        let realm = match keys.string("realm")? {
            Some(r) if !r.value.is_empty() && r.value.bytes().all(|b| b.is_ascii_alphanumeric()) => {
                r.value.to_ascii_lowercase()
            }
            Some(r) => {
                return Err(keys.error(&r.referenced, "realm", format!("`{}` is not a realm such as us0 or eu0", r.value)));
            }
            None => "us0".into(),
        };
        let mut api = Api::configure(keys, "signalfx", Some(format!("https://api.{realm}.signalfx.com")))?;
        api.secret_header(keys, ctx, "token_env", "SF_TOKEN", "X-SF-Token", "")?;
        Ok(Box::new(TextSource {
            api: Arc::new(api),
            no_buckets: "a `signalfx` source has no histogram buckets: query a percentile metric as `kind: continuous`",
            values: "a metadata search such as sf_metric:\"http.server.duration.p95\" AND version:{{version}}",
            counts: "searches of metrics counting errors and requests per interval",
            make: |api, query, range| Box::new(SfxQuery { api, query, range }),
        }))
    }
}

#[derive(Debug)]
struct SfxQuery {
    api: Arc<Api>,
    query: String,
    range: Range,
}

/// The stored resolution nearest at or above the step.
fn resolution(step: std::time::Duration) -> u64 {
    let ms = step.as_millis().min(u64::MAX as u128) as u64;
    RESOLUTIONS
        .into_iter()
        .find(|&r| r >= ms)
        .unwrap_or(RESOLUTIONS[RESOLUTIONS.len() - 1])
}

impl Query for SfxQuery {
    fn describe(&self) -> String {
        self.query.clone()
    }
    fn fetch(&self, deadline: Deadline) -> Result<Fetched, MetricsError> {
        let q = enc(&self.query);
        let window = self.api.get(
            &format!(
                "/v1/timeserieswindow?query={q}&startMs={}&endMs={}&resolution={}",
                self.range.start.timestamp_millis(),
                self.range.end.timestamp_millis(),
                resolution(self.range.step)
            ),
            deadline,
        )?;
        let mut fetched = points(&window).map_err(|m| self.api.bad(m))?;
        if fetched.series.is_empty() {
            return Ok(fetched);
        }
        let mut dimensions: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        let mut offset = 0usize;
        for _ in 0..MAX_PAGES {
            let answer = self.api.get(
                &format!("/v2/metrictimeseries?query={q}&offset={offset}&limit={PAGE}"),
                deadline,
            )?;
            let (found, count, results) =
                series_dimensions(&answer).map_err(|m| self.api.bad(m))?;
            dimensions.extend(found);
            offset += results;
            // An empty page ends it; `count` (all matches) may say so first.
            if results == 0 || count.is_some_and(|c| offset >= c) {
                break;
            }
        }
        let unknown = fetched
            .series
            .iter()
            .filter(|s| !s.labels.get("sf_tsid").is_some_and(|id| dimensions.contains_key(id)))
            .count();
        if unknown > 0 {
            fetched.warnings.push(format!(
                "Splunk Observability: {unknown} time series without dimensions (not in the first {MAX_PAGES} pages of metadata): told apart by their ids only"
            ));
        }
        for s in &mut fetched.series {
            let id = s.labels.get("sf_tsid").cloned().unwrap_or_default();
            if let Some(dims) = dimensions.get(&id) {
                s.labels.extend(dims.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        Ok(fetched)
    }
}

/// `{"data": {"tsid": [[ms, v], …]}, "errors": […]}`; each series labelled
/// `sf_tsid`.
fn points(answer: &Value) -> Result<Fetched, String> {
    let data = answer
        .get("data")
        .and_then(Value::as_object)
        .ok_or("not a timeserieswindow answer (no `data` object)")?;
    let mut fetched = Fetched::default();
    for (id, list) in data {
        let mut s = Series::default();
        s.labels.insert("sf_tsid".into(), id.clone());
        for p in list.as_array().ok_or("a time series is not a list of [ms, value]")? {
            let (Some(t), Some(v)) = (p.get(0).and_then(Value::as_f64), p.get(1)) else {
                return Err(format!("a point is not [ms, value]: {p}"));
            };
            if let Some(v) = v.as_f64() {
                s.times.push(t / 1000.0);
                s.values.push(v);
            }
        }
        fetched.series.push(s);
    }
    for e in answer.get("errors").and_then(Value::as_array).into_iter().flatten() {
        fetched.warnings.push(format!("Splunk Observability: {}", e.as_str().map_or_else(|| e.to_string(), str::to_string)));
    }
    Ok(fetched)
}

/// One page of `/v2/metrictimeseries`: each tsid's dimensions (and
/// `sf_metric`), the `count` of matches, and how many results it held.
type Dimensions = (
    BTreeMap<String, BTreeMap<String, String>>,
    Option<usize>,
    usize,
);

fn series_dimensions(answer: &Value) -> Result<Dimensions, String> {
    let results = answer
        .get("results")
        .and_then(Value::as_array)
        .ok_or("not a metrictimeseries answer (no `results`)")?;
    let mut out = BTreeMap::new();
    for r in results {
        let Some(id) = r.get("id").and_then(Value::as_str) else {
            continue;
        };
        let mut dims: BTreeMap<String, String> = r
            .get("dimensions")
            .and_then(Value::as_object)
            .map(|d| {
                d.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().map_or_else(|| v.to_string(), str::to_string)))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(m) = r.get("metric").and_then(Value::as_str) {
            dims.insert("sf_metric".into(), m.to_string());
        }
        out.insert(id.to_string(), dims);
    }
    let count = answer.get("count").and_then(Value::as_u64).map(|c| c as usize);
    Ok((out, count, results.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::api::fixture;


    #[test]
    fn the_documented_answers_give_series_with_dimensions() {
        let f = points(&fixture("signalfx_timeserieswindow.json")).unwrap();
        assert_eq!(f.series.len(), 2);
        let (dims, count, n) = series_dimensions(&fixture("signalfx_metrictimeseries.json")).unwrap();
        assert_eq!(n, 2);
        assert_eq!(count, Some(2));
        let s = f.series.iter().find(|s| s.labels["sf_tsid"] == "AAAAAKd8nD4").unwrap();
        assert_eq!(s.values[0], 212.4);
        assert_eq!(s.times[0], 1715673600.0);
        assert_eq!(dims["AAAAAKd8nD4"]["host"], "web-1");
        assert_eq!(dims["AAAAAKd8nD4"]["sf_metric"], "http.server.duration.p95");
    }

    #[test]
    fn resolutions() {
        use std::time::Duration;
        assert_eq!(resolution(Duration::from_secs(1)), 1_000);
        assert_eq!(resolution(Duration::from_secs(15)), 60_000);
        assert_eq!(resolution(Duration::from_secs(60)), 60_000);
        assert_eq!(resolution(Duration::from_secs(7200)), 3_600_000);
    }
}
