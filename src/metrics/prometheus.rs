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

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Fetched, MetricsError, Range, Series};
use crate::http::{self, Deadline, HttpError, Policy, Request};
use crate::secret::Secret;

pub struct Prometheus {
    pub name: String,
    /// Base URL, e.g. `http://prometheus:9090` (no trailing `/api/v1`).
    pub url: String,
    pub bearer: Option<Secret>,
    pub basic: Option<(String, Secret)>,
    pub headers: Vec<(String, String)>,
    pub policy: Policy,
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
    values: Vec<(f64, String)>,
}

impl Prometheus {
    fn err_unreachable(&self, e: &HttpError, attempts: u32) -> MetricsError {
        MetricsError::Unreachable {
            source_name: self.name.clone(),
            cause: format!(
                "{e} ({attempts} attempt{})",
                if attempts == 1 { "" } else { "s" }
            ),
        }
    }
}

impl Prometheus {
    /// The range query of `query` over `range`.
    pub fn query(
        &self,
        query: &str,
        range: &Range,
        deadline: Deadline,
    ) -> Result<Fetched, MetricsError> {
        let url = format!(
            "{}/api/v1/query_range?query={}&start={}&end={}&step={}",
            self.url.trim_end_matches('/'),
            http::encode_query_value(query),
            range.start.timestamp(),
            range.end.timestamp(),
            range.step.as_secs_f64().max(0.001),
        );
        let mut req = Request::new("GET", &url);
        req.headers = self.headers.clone();
        req.bearer = self.bearer.as_ref();
        req.basic = self.basic.as_ref().map(|(u, p)| (u.as_str(), p));
        // 4xx/5xx bodies still carry Prometheus's error JSON: read them.
        let resp = match http::send(&req, self.policy, deadline) {
            Ok(r) => r,
            Err((HttpError::Status { status, body }, attempts)) if status >= 500 => {
                return match parse(&body) {
                    Err(e @ MetricsError::Query { .. }) => Err(self.named(e)),
                    _ => Err(self.err_unreachable(&HttpError::Status { status, body }, attempts)),
                };
            }
            Err((e, attempts)) => return Err(self.err_unreachable(&e, attempts)),
        };
        parse(&resp.body).map_err(|e| self.named(e))
    }
}

impl Prometheus {
    fn named(&self, mut e: MetricsError) -> MetricsError {
        match &mut e {
            MetricsError::Query { source_name, .. }
            | MetricsError::BadResponse { source_name, .. }
            | MetricsError::Unreachable { source_name, .. } => source_name.clone_from(&self.name),
        }
        e
    }
}

/// Parses a `query_range` answer. Source names are filled in by the caller.
pub fn parse(body: &str) -> Result<Fetched, MetricsError> {
    let bad = |cause: String| MetricsError::BadResponse {
        source_name: String::new(),
        cause,
    };
    let env: Envelope = serde_json::from_str(body).map_err(|e| {
        bad(format!(
            "not a Prometheus API response ({e}): {}",
            http::excerpt(body)
        ))
    })?;
    if env.status != "success" {
        return Err(MetricsError::Query {
            source_name: String::new(),
            error_type: env.error_type.unwrap_or_else(|| "error".into()),
            message: env.error.unwrap_or_else(|| "no error message".into()),
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
    let mut series = Vec::with_capacity(data.result.len());
    for raw in data.result {
        let mut points = Vec::with_capacity(raw.values.len());
        for (t, v) in raw.values {
            let value = parse_value(&v)
                .ok_or_else(|| bad(format!("sample value `{v}` is not a number")))?;
            points.push((t, value));
        }
        series.push(Series {
            labels: raw.metric,
            points,
        });
    }
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
    fn parses_a_matrix_with_special_values_and_warnings() {
        let body = r#"{"status":"success","warnings":["partial response"],"data":{"resultType":"matrix","result":[
            {"metric":{"group":"blue"},"values":[[1767225600,"0.1"],[1767225615,"NaN"],[1767225630,"+Inf"],[1767225645,"-Inf"]]}]}}"#;
        let f = parse(body).unwrap();
        assert_eq!(f.warnings, vec!["partial response"]);
        let v: Vec<f64> = f.series[0].points.iter().map(|p| p.1).collect();
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
            " rejected the query: bad_data: 1:5: parse error: unexpected end of input"
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
