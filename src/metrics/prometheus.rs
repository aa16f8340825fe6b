//! Prometheus, through its HTTP API's range query:
//! `GET /api/v1/query_range?query=…&start=…&end=…&step=…`
//! (<https://prometheus.io/docs/prometheus/latest/querying/api/#range-queries>).
//!
//! A success is `{"status":"success","data":{"resultType":"matrix","result":
//! [{"metric":{…},"values":[[1767225600,"0.1"],…]}]},"warnings":[…]}`; values
//! are strings and may be `NaN`, `+Inf` or `-Inf`. An error is
//! `{"status":"error","errorType":"bad_data","error":"…"}` (HTTP 400/422/503).
//! Optional bearer token, basic auth and extra headers (e.g. `X-Scope-OrgID`
//! for Mimir/Cortex/Thanos).
//!
//! ```yaml
//! compare:
//!   source:
//!     type: prometheus
//!     url: http://prometheus.internal:9090  # may hold ${VAR}s; user:password@ becomes basic auth
//!     token_env: PROMETHEUS_TOKEN          # bearer token from this variable; never printed
//!     headers: { X-Scope-OrgID: payments }  # values may hold ${VAR}s
//!     timeout: 10s                         # per attempt (default 10s)
//!     retries: 2
//!   metrics:
//!     - { name: latency, query: 'histogram_quantile(0.95, ...{group="{{group}}"}...)' }
//!     - { name: errors, kind: ratio, errors: '...', total: '...' }
//! ```
//!
//! - `token_env` / `password_env` name variables; an unset one is bad input.
//! - A header whose name looks secret (`Authorization`, `X-Api-Key`...) or
//!   whose variable does (`*TOKEN*`, `*KEY*`...) is scrubbed from every
//!   message.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use serde_saphyr::Spanned;

use super::MetricsError;
use super::source::{
    Asked, Fetched, MetricKind, check_kind_keys, MetricSource, PlanSide, Query, Range, Request, Series, TimeSeries,
};
use crate::context::Context;
use crate::failure::Failure;
use crate::http::{self, Deadline, HttpError, Policy};
use crate::input::EnvTemplate as Template;
use crate::input::{ConfigError, Keys};
use crate::secret::{Secret, Secrets, is_secret_header, redact_url};

/// Per attempt: range queries over a window can take a while.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_RETRIES: u32 = 2;
/// Prometheus refuses range queries of more points per series than this.
pub const MAX_POINTS: u128 = 11_000;

/// `type: prometheus`.
pub struct Prometheus;

impl MetricKind for Prometheus {
    fn name(&self) -> &'static str {
        "prometheus"
    }
    fn source_keys(&self) -> &'static [&'static str] {
        &[
            "name",
            "url",
            "token_env",
            "user",
            "password_env",
            "headers",
            "timeout",
            "retries",
        ]
    }
    fn metric_keys(&self) -> &'static [&'static str] {
        &["query", "errors", "total", "counters", "buckets"]
    }
    fn time_series(&self) -> Option<TimeSeries> {
        Some(TimeSeries {
            max_points: Some((MAX_POINTS, "Prometheus")),
        })
    }
    fn configure(
        &self,
        keys: &mut Keys<'_>,
        ctx: &Context,
    ) -> Result<Box<dyn MetricSource>, ConfigError> {
        configure(keys, ctx)
            .map(|c| Box::new(PrometheusSource(Arc::new(c))) as Box<dyn MetricSource>)
    }
}

fn configure(keys: &mut Keys<'_>, ctx: &Context) -> Result<Client, ConfigError> {
    let url = keys.string("url")?.ok_or_else(|| {
        keys.here("a `prometheus` source needs `url`, e.g. http://prometheus:9090".into())
    })?;
    let (expanded, url_secrets) =
        fill_env(&url.value, ctx).map_err(|m| keys.error(&url.referenced, "url", m))?;
    let mut secrets = Secrets::new();
    url_secrets.iter().for_each(|s| secrets.add(s));
    secrets.add_url(&expanded);
    let (base, userinfo) = http::split_userinfo(&expanded);
    http::check_url(&base).map_err(|_| {
        keys.error(
            &url.referenced,
            "url",
            format!("`{}` is not an http(s) URL", redact_url(&expanded)),
        )
    })?;
    let mut secret_var = |key: &str| -> Result<Option<Secret>, ConfigError> {
        match keys.string(key)? {
            Some(var) => ctx
                .var(&var.value)
                .map(|v| Some(Secret::new(v)))
                .ok_or_else(|| {
                    keys.error(
                        &var.referenced,
                        key,
                        format!("variable `{}` is not set", var.value),
                    )
                }),
            None => Ok(None),
        }
    };
    let bearer = secret_var("token_env")?;
    let password = secret_var("password_env")?;
    let user = keys.string("user")?.map(|u| u.value);
    let basic = match (user, password, userinfo) {
        (Some(user), Some(pw), _) => Some((user, pw)),
        (None, Some(_), _) => return Err(keys.here("`password_env` needs `user`".into())),
        (Some(_), None, _) => {
            return Err(
                keys.here("`user` needs `password_env` (the variable holding the password)".into())
            );
        }
        (None, None, Some((user, pw))) => Some((
            crate::encode::percent_decode(&user),
            Secret::new(crate::encode::percent_decode(&pw)),
        )),
        (None, None, None) => None,
    };
    if bearer.is_some() && basic.is_some() {
        return Err(keys.here(
            "give either a bearer token (`token_env`) or basic auth (`user`/`password_env`), not both".into(),
        ));
    }
    let mut headers = Vec::new();
    if let Some(h) = keys.take::<BTreeMap<String, String>>("headers")? {
        for (name, value) in &h.value {
            let field = format!("headers.{name}");
            if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
                return Err(keys.error(
                    &h.referenced,
                    &field,
                    format!("`{name}` is not a header name"),
                ));
            }
            let (filled, found) =
                fill_env(value, ctx).map_err(|m| keys.error(&h.referenced, &field, m))?;
            if filled.contains(['\r', '\n']) {
                return Err(keys.error(
                    &h.referenced,
                    &field,
                    "a header value cannot hold a line break".into(),
                ));
            }
            if is_secret_header(name) {
                secrets.add_header_value(&filled);
            }
            found.iter().for_each(|s| secrets.add(s));
            headers.push((name.clone(), filled));
        }
    }
    let policy = super::api::policy(keys, DEFAULT_TIMEOUT, DEFAULT_RETRIES)?;
    // Basic auth as it travels (`Basic dXNlcjpwYXNz`), in case a server
    // echoes the header.
    if let Some((user, password)) = &basic {
        secrets.add_basic(user, password);
    }
    bearer.iter().for_each(|b| secrets.add_secret(b));
    Ok(Client {
        name: keys
            .string("name")?
            .map_or_else(|| "prometheus".into(), |n| n.value),
        url: base.trim_end_matches('/').to_string(),
        bearer,
        basic,
        headers,
        policy,
        secrets,
    })
}

/// Fills `${VAR}`s from the environment; also returns the values of
/// secret-looking variables (`*TOKEN*`, `*PASSWORD*`...).
fn fill_env(raw: &str, ctx: &Context) -> Result<(String, Vec<String>), String> {
    let e = Template::parse(raw)?.expand(ctx)?;
    Ok((e.text, e.secrets))
}

/// A Prometheus server, shared by every query of a run.
pub struct Client {
    pub name: String,
    /// Base URL, e.g. `http://prometheus:9090` (no trailing `/api/v1`).
    pub url: String,
    pub bearer: Option<Secret>,
    pub basic: Option<(String, Secret)>,
    pub headers: Vec<(String, String)>,
    pub policy: Policy,
    /// Every secret, in every form it travels in.
    pub secrets: Secrets,
}

struct PrometheusSource(Arc<Client>);

impl MetricSource for PrometheusSource {
    fn name(&self) -> &str {
        &self.0.name
    }
    fn url(&self) -> Option<String> {
        Some(redact_url(&self.0.url))
    }
    fn secrets(&self) -> Secrets {
        self.0.secrets.clone()
    }
    fn plan(&self, keys: &mut Keys<'_>, side: &PlanSide<'_>) -> Result<Request, ConfigError> {
        let range = side
            .range
            .ok_or_else(|| keys.here("internal: a time-series side without a range".into()))?;
        check_kind_keys(
            keys,
            side.asked,
            "query",
            Some("PromQL"),
            "PromQL counting errors and requests, or counters with `counters: true`",
        )?;
        let counters = keys.take::<bool>("counters")?.map(|c| (c.value, c.referenced));
        if let Some((_, at)) = counters.filter(|_| side.asked != Asked::Counts) {
            return Err(keys.error(&at, "counters", "`counters` belongs to `kind: ratio` metrics".into()));
        }
        let counters = counters.is_some_and(|(c, _)| c);
        // Raw reads (counters, buckets): the series' own samples over the
        // window, however they were scraped.
        let raw = counters || side.asked == Asked::Buckets;
        let query = |key: &str| -> Result<Box<dyn Query>, ConfigError> {
            let t: Spanned<String> = keys
                .string(key)?
                .ok_or_else(|| keys.here(format!("needs `{key}`")))?;
            if t.value.trim().is_empty() {
                return Err(keys.here(format!("`{key}` is empty")));
            }
            let promql = (side.fill)(&t, key)?;
            if raw && !is_selector(&promql) {
                return Err(keys.error(
                    &t.referenced,
                    key,
                    format!(
                        "`{promql}` is not a series selector: raw counters and buckets are read as they were scraped, so name the series (e.g. http_requests_total{{code=~\"5..\"}}), not an expression"
                    ),
                ));
            }
            Ok(Box::new(PromQuery {
                client: Arc::clone(&self.0),
                promql,
                range,
                raw,
            }))
        };
        let request = Request::for_kind(side.asked, "query", query)?;
        Ok(match request {
            Request::Counts { errors, total, .. } => Request::Counts {
                errors,
                total,
                cumulative: counters,
            },
            other => other,
        })
    }
}

/// `name{labels}`, `name` or `{labels}`, without functions or operators:
/// what a range selector can be applied to. Quoted label values may hold
/// anything (`code=~"5[0-9]{2}"`).
fn is_selector(promql: &str) -> bool {
    let s = promql.trim();
    let name_end = s.find('{').unwrap_or(s.len());
    let name = &s[..name_end];
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
    {
        return false;
    }
    let rest = &s[name_end..];
    if rest.is_empty() {
        return !name.is_empty();
    }
    // `{...}` to the end, braces outside quotes only.
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in rest.char_indices().skip(1) {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' || c == '`' => quote = Some(c),
            None if c == '{' => return false,
            None if c == '}' => return i + 1 == rest.len(),
            None => {}
        }
    }
    false
}

/// The largest `[5m]`-style range in a query, if any.
fn longest_range(promql: &str) -> Option<std::time::Duration> {
    let mut longest = None;
    let mut rest = promql;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']') else { break };
        let inner = &rest[open + 1..open + close];
        let range = inner.split(':').next().unwrap_or_default().trim();
        if let Ok(d) = crate::duration::parse(range) {
            longest = longest.max(Some(d));
        }
        rest = &rest[open + close..];
    }
    longest
}

/// One query: a range query (`query_range` at the step), or, for raw
/// counters and buckets, the instant query of `selector[window]` at the
/// window's end, which returns every sample scraped in the window with its
/// own timestamp.
#[derive(Debug)]
pub struct PromQuery {
    client: Arc<Client>,
    promql: String,
    range: Range,
    raw: bool,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Query for PromQuery {
    fn describe(&self) -> String {
        if self.raw {
            format!("{}[{}]", self.promql, window_text(&self.range))
        } else {
            self.promql.clone()
        }
    }

    fn fetch(&self, deadline: Deadline) -> Result<Fetched, MetricsError> {
        self.client
            .query(&self.promql, &self.range, self.raw, deadline)
    }

    fn notes(&self) -> Vec<String> {
        match longest_range(&self.promql) {
            Some(r) if !self.raw && r > self.range.step => vec![format!(
                "its range [{}] is longer than the step {}: neighbouring points share most of their data, so they are counted as fewer independent points (or use raw counters and histograms)",
                crate::duration::format(r),
                crate::duration::format(self.range.step)
            )],
            _ => Vec::new(),
        }
    }
}

/// The window in seconds, as PromQL writes a range (`600s`).
fn window_text(range: &Range) -> String {
    let secs = (range.end - range.start).num_seconds().max(1);
    format!("{secs}s")
}

#[derive(Deserialize)]
struct Envelope {
    status: String,
    #[serde(default)]
    data: Option<Data>,
    #[serde(default, rename = "errorType")]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    warnings: Vec<String>,
}

#[derive(Deserialize)]
struct Data {
    #[serde(rename = "resultType")]
    result_type: String,
    result: Vec<RawSeries>,
}

#[derive(Deserialize)]
struct RawSeries {
    metric: BTreeMap<String, String>,
    #[serde(default)]
    values: Points,
}

/// `[[1767225600, "0.1"], ...]` read straight into two columns of
/// numbers: no string is kept per sample, so an answer takes about the
/// memory of its numbers (16 bytes a point), not several times its text.
#[derive(Default)]
struct Points {
    times: Vec<f64>,
    values: Vec<f64>,
}

impl<'de> Deserialize<'de> for Points {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Points;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of [time, \"value\"] pairs")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Points, A::Error> {
                let mut p = Points {
                    times: Vec::with_capacity(seq.size_hint().unwrap_or(0)),
                    values: Vec::with_capacity(seq.size_hint().unwrap_or(0)),
                };
                while let Some((t, v)) = seq.next_element::<(f64, Sample)>()? {
                    p.times.push(t);
                    p.values.push(v.0);
                }
                Ok(p)
            }
        }
        d.deserialize_seq(V)
    }
}

/// A sample's value: Prometheus sends it as a string.
struct Sample(f64);

impl<'de> Deserialize<'de> for Sample {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Sample;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a sample value as a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Sample, E> {
                parse_value(v)
                    .map(Sample)
                    .ok_or_else(|| E::custom(format!("sample value `{v}` is not a number")))
            }
        }
        d.deserialize_str(V)
    }
}

impl Client {
    /// The range query of `query` over `range`; with `raw`, the instant
    /// query of `query[window]` at the end of the range.
    pub fn query(
        &self,
        query: &str,
        range: &Range,
        raw: bool,
        deadline: Deadline,
    ) -> Result<Fetched, MetricsError> {
        let base = self.url.trim_end_matches('/');
        let url = if raw {
            format!(
                "{base}/api/v1/query?query={}&time={}",
                crate::encode::encode_query_value(&format!("{query}[{}]", window_text(range))),
                range.end.timestamp(),
            )
        } else {
            format!(
                "{base}/api/v1/query_range?query={}&start={}&end={}&step={}",
                crate::encode::encode_query_value(query),
                range.start.timestamp(),
                range.end.timestamp(),
                range.step.as_secs_f64().max(0.001),
            )
        };
        let mut req = http::Request::new("GET", &url);
        req.headers = self.headers.clone();
        req.bearer = self.bearer.as_ref();
        req.basic = self.basic.as_ref().map(|(u, p)| (u.as_str(), p));
        let named = |failure| MetricsError {
            source_name: self.name.clone(),
            failure,
        };
        // 4xx/5xx bodies may carry Prometheus's error JSON: read it, else
        // say the status (a proxy's HTML page, a redirect to a login).
        let (status, body, attempts) = match http::send(&req, self.policy, deadline) {
            Ok(r) => (r.status, r.body, r.attempts),
            Err((HttpError::Status { status, body }, attempts)) => (status, body, attempts),
            Err((error, attempts)) => return Err(named(Failure::Http { error, attempts })),
        };
        if !(200..300).contains(&status) {
            return Err(named(match parse(&body) {
                Err(f @ (Failure::Rejected { .. } | Failure::Declined { .. })) => f,
                _ => Failure::Http {
                    error: HttpError::Status { status, body },
                    attempts,
                },
            }));
        }
        let mut fetched = parse(&body).map_err(named)?;
        for w in &mut fetched.warnings {
            *w = format!("{} warned: {w}", self.name);
        }
        Ok(fetched)
    }
}

/// Parses a `query_range` answer.
pub fn parse(body: &str) -> Result<Fetched, Failure> {
    let bad = Failure::BadAnswer;
    let env: Envelope = serde_json::from_str(body).map_err(|e| {
        bad(format!(
            "not a Prometheus API response ({e}): {}",
            http::excerpt(body)
        ))
    })?;
    if env.status != "success" {
        let kind = env.error_type.unwrap_or_else(|| "error".into());
        let message = env.error.unwrap_or_else(|| "no error message".into());
        // `bad_data` is the query's fault (bad input); `timeout`,
        // `execution`, `internal`, `unavailable`... are Prometheus's.
        return Err(if kind == "bad_data" {
            Failure::Rejected { kind, message }
        } else {
            Failure::Declined { kind, message }
        });
    }
    let data = env
        .data
        .ok_or_else(|| bad("success without `data`".into()))?;
    if data.result_type != "matrix" {
        return Err(bad(format!(
            "expected a matrix result, got `{}`",
            data.result_type
        )));
    }
    let series = data
        .result
        .into_iter()
        .map(|raw| Series {
            labels: raw.metric,
            times: raw.values.times,
            values: raw.values.values,
        })
        .collect();
    Ok(Fetched {
        series,
        warnings: env.warnings,
    })
}

/// Prometheus's sample strings: decimals, `NaN`, `+Inf`, `-Inf`.
fn parse_value(v: &str) -> Option<f64> {
    match v {
        "NaN" => Some(f64::NAN),
        "+Inf" | "Inf" => Some(f64::INFINITY),
        "-Inf" => Some(f64::NEG_INFINITY),
        other => other.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_and_ranges() {
        assert!(is_selector(r#"http_requests_total{code=~"5..",group="a"}"#));
        assert!(is_selector("up"));
        assert!(!is_selector("sum(rate(x[5m]))"));
        assert!(!is_selector("x{a=\"b\"} / y{c=\"d\"}"));
        assert!(is_selector(r#"http_requests_total{code=~"5[0-9]{2}"}"#));
        assert!(is_selector(r#"{__name__="x", a="}"}"#));
        assert!(!is_selector(r#"x{a="b"}[5m]"#));
        assert!(!is_selector("x{a=\"b\""));
        assert_eq!(
            longest_range("sum(rate(x[5m])) / rate(y[1h:30s])"),
            Some(std::time::Duration::from_secs(3600))
        );
        assert_eq!(longest_range("x"), None);
    }

    #[test]
    fn parses_a_matrix_with_special_values_and_warnings() {
        let body = r#"{"status":"success","warnings":["partial response"],"data":{"resultType":"matrix","result":[
            {"metric":{"group":"blue"},"values":[[1767225600,"0.1"],[1767225615,"NaN"],[1767225630,"+Inf"],[1767225645,"-Inf"]]}]}}"#;
        let f = parse(body).unwrap();
        assert_eq!(f.warnings, vec!["partial response"]);
        let v = &f.series[0].values;
        assert_eq!(v[0], 0.1);
        assert!(v[1].is_nan());
        assert_eq!((v[2], v[3]), (f64::INFINITY, f64::NEG_INFINITY));
        assert_eq!(f.series[0].labels["group"], "blue");
    }

    #[test]
    fn error_envelope_becomes_a_query_error() {
        let body = r#"{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected end of input"}"#;
        assert_eq!(
            parse(body).unwrap_err().to_string(),
            "bad_data: 1:5: parse error: unexpected end of input"
        );
    }

    #[test]
    fn non_matrix_and_garbage_are_bad_responses() {
        let vector = r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#;
        assert!(
            parse(vector)
                .unwrap_err()
                .to_string()
                .contains("expected a matrix result, got `vector`")
        );
        assert!(
            parse("<html>")
                .unwrap_err()
                .to_string()
                .contains("not a Prometheus API response")
        );
        let bad_value = r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"x"]]}]}}"#;
        assert!(
            parse(bad_value)
                .unwrap_err()
                .to_string()
                .contains("sample value `x` is not a number")
        );
    }
}
