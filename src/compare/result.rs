//! The comparison's result as data, for the reports (text, JSON, JUnit) to
//! read: the judge's [`Verdict`] (per metric: n per side, medians,
//! estimate, interval, p-values, tolerance, classification, reason), what
//! was queried for each side with its counts, the backends' warnings and
//! the sources' errors.
//!
//! JSON (after the `command`/`version`/`exit_code` envelope):
//!
//! ```json
//! {"outcome": "no_go", "at": "2026-01-01T00:10:00Z",
//!  "source": {"type": "prometheus", "name": "prometheus", "url": "http://127.0.0.1:9090", "window": "10m", "step": "15s"},
//!  "baseline": {"kind": "concurrent", "offset": null, "variables": {"group": "blue"}, "start": "2026-01-01T00:00:00Z", "end": "2026-01-01T00:10:00Z"},
//!  "canary": {"variables": {"group": "green"}, "start": "2026-01-01T00:00:00Z", "end": "2026-01-01T00:10:00Z"},
//!  "warnings": [],
//!  "verdict": {"outcome": "no_go", "score": 50.0, "thresholds": {"pass": 95.0, "marginal": 75.0}, "correction": "holm",
//!              "tally": {"pass": 1, "high": 1, "low": 0, "no_data": 0, "error": 0},
//!              "metrics": [{"name": "latency_p95", "classification": "high", "baseline": {"n": 40, ...}, "canary": {...},
//!                           "estimate": {...}, "interval": {...}, "test": {...}, "reason": "latency_p95 rose 30.1% ..."}],
//!              "summary": "no-go: critical latency_p95 high; ..."},
//!  "queries": [{"metric": "latency_p95",
//!               "baseline": [{"role": "values", "query": "latency{group=\"blue\"}", "series": 1, "values": 40, "non_finite": 0,
//!                             "warnings": [], "error": null, "duration_ms": 4}],
//!               "canary": [...]}],
//!  "duration_ms": 12}
//! ```

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::failure::{FailureKind, as_text_opt};
use crate::judge::Verdict;
use crate::metrics::{MetricsError, Role};
use crate::outcome::Outcome;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareResult {
    pub outcome: Outcome,
    pub at: DateTime<Utc>,
    pub source: SourceInfo,
    pub baseline: BaselineInfo,
    pub canary: SideInfo,
    /// Everything worth a second look that did not decide by itself: a
    /// historical baseline, backend warnings, unusable values in files.
    pub warnings: Vec<String>,
    pub verdict: Verdict,
    pub queries: Vec<MetricQueries>,
    /// Queries the source refused as wrong (bad PromQL): bad input, so the
    /// run exits 2 whatever the verdict.
    pub bad_queries: Vec<String>,
    /// The looks of a watch (`--watch`); absent for one judgement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub watch: Option<WatchResult>,
    /// `on_no_go: {lock: true}`: the lock a no-go wrote.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locked_after: Option<crate::lock::LockRun>,
    pub duration_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceInfo {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub name: String,
    /// Redacted.
    pub url: Option<String>,
    pub window: Option<String>,
    pub step: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SideInfo {
    pub variables: BTreeMap<String, String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BaselineKind {
    /// The old stack over the same window.
    Concurrent,
    /// The same queries earlier.
    Historical,
    /// Fixed bounds only.
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BaselineInfo {
    pub kind: BaselineKind,
    pub offset: Option<String>,
    pub variables: BTreeMap<String, String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
}

/// What one query gave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryOutcome {
    pub role: Role,
    /// PromQL as sent, or `path [column]`.
    pub query: String,
    /// Series returned (time-series sources).
    pub series: Option<usize>,
    /// Values (points) of the series kept, non-finite ones included.
    pub values: usize,
    pub non_finite: usize,
    pub warnings: Vec<String>,
    #[serde(serialize_with = "as_text_opt")]
    pub error: Option<MetricsError>,
    pub error_kind: Option<FailureKind>,
    pub duration_ms: u64,
    /// The series kept (a `combine: {label, value}` selection applied),
    /// as fetched: how they become evidence is the metric's business
    /// ([`super::evidence`]).
    #[serde(skip)]
    pub fetched: Vec<crate::metrics::Series>,
}

impl QueryOutcome {
    /// Records why the query gave nothing.
    pub fn fail(&mut self, e: MetricsError) {
        self.error_kind = Some(e.kind());
        self.error = Some(e);
    }
}

/// What a watch did, for the reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WatchResult {
    pub start: DateTime<Utc>,
    pub length: String,
    pub every: String,
    pub planned_looks: u32,
    /// Each look's confidence (the comparison's, shared out).
    pub confidence: f64,
    pub stop_on_go: bool,
    pub looks: Vec<LookResult>,
    /// Why it stopped before the last look, if it did.
    pub stopped: Option<String>,
}

/// One look of a watch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LookResult {
    /// 1-based.
    pub look: u32,
    pub of: u32,
    pub at: DateTime<Utc>,
    /// Seconds since the watch began.
    pub elapsed_s: u64,
    pub outcome: Outcome,
    pub summary: String,
}

/// What was queried for one metric. `baseline` is `null` for a bound.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricQueries {
    pub metric: String,
    pub baseline: Option<Vec<QueryOutcome>>,
    pub canary: Vec<QueryOutcome>,
}

impl MetricQueries {
    /// Every query, baseline first, with its side's name.
    pub fn sides(&self) -> impl Iterator<Item = (&'static str, &QueryOutcome)> {
        let baseline = self.baseline.iter().flatten().map(|q| ("baseline", q));
        baseline.chain(self.canary.iter().map(|q| ("canary", q)))
    }

    /// How long the slowest query of this metric took.
    pub fn duration_ms(&self) -> u64 {
        self.sides().map(|(_, q)| q.duration_ms).max().unwrap_or(0)
    }
}

/// A fixed result for report tests: latency regressed (critical), errors
/// could not be fetched, a bound with no data.
#[cfg(test)]
pub(crate) fn sample() -> CompareResult {
    use crate::judge::{Data, Judgeable, Kind, MetricInput, MetricSpec, Thresholds, judge_all};

    let latency = MetricSpec::new("latency_p95", Kind::Continuous)
        .critical(true)
        .unit(Some(crate::judge::Unit::Seconds));
    let errors = MetricSpec::new("errors", Kind::Ratio);
    let slo = MetricSpec::new("p99 slo", Kind::Continuous);
    let base: Vec<f64> = (0..40).map(|i| 0.1 + f64::from(i % 7) * 0.001).collect();
    let slow: Vec<f64> = base.iter().map(|v| v * 1.3).collect();
    let verdict = judge_all(
        &[
            Judgeable::Data(MetricInput {
                spec: &latency,
                data: Data::Continuous {
                    baseline: &base,
                    canary: &slow,
                },
            }),
            Judgeable::Unavailable {
                spec: &errors,
                threshold: false,
                cause: "prometheus could not be reached: connection failed: connection refused (3 attempts)".into(),
            },
            Judgeable::Data(MetricInput {
                spec: &slo,
                data: Data::Threshold {
                    canary: &[0.2],
                    bound: 0.8,
                },
            }),
        ],
        Thresholds::default(),
    );
    let at: DateTime<Utc> = "2026-01-01T00:10:00Z".parse().unwrap_or_default();
    let start: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap_or_default();
    let query = |role, q: &str, down: bool| {
        let mut o = QueryOutcome {
            role,
            query: q.into(),
            series: (!down).then_some(1),
            values: if down { 0 } else { 40 },
            non_finite: 0,
            warnings: vec![],
            error: None,
            error_kind: None,
            duration_ms: 7,
            fetched: vec![],
        };
        if down {
            o.fail(MetricsError {
                source_name: "prometheus".into(),
                failure: crate::failure::Failure::Http {
                    error: crate::http::HttpError::Connect("connection refused".into()),
                    attempts: 3,
                },
            });
        }
        o
    };
    let down = true;
    CompareResult {
        outcome: verdict.outcome,
        at,
        source: SourceInfo {
            kind: "prometheus",
            name: "prometheus".into(),
            url: Some("http://prom:9090".into()),
            window: Some("10m".into()),
            step: Some("15s".into()),
        },
        baseline: BaselineInfo {
            kind: BaselineKind::Concurrent,
            offset: None,
            variables: [("group".to_string(), "blue".to_string())].into(),
            start: Some(start),
            end: Some(at),
        },
        canary: SideInfo {
            variables: [("group".to_string(), "green".to_string())].into(),
            start: Some(start),
            end: Some(at),
        },
        warnings: vec!["latency_p95 (canary): prometheus warned: partial response".into()],
        verdict,
        bad_queries: Vec::new(),
        watch: None,
        locked_after: None,
        queries: vec![
            MetricQueries {
                metric: "latency_p95".into(),
                baseline: Some(vec![query(Role::Values, r#"lat{group="blue"}"#, false)]),
                canary: vec![query(Role::Values, r#"lat{group="green"}"#, false)],
            },
            MetricQueries {
                metric: "errors".into(),
                baseline: Some(vec![
                    query(Role::Errors, "e{group=\"blue\"}", down),
                    query(Role::Total, "t{group=\"blue\"}", down),
                ]),
                canary: vec![
                    query(Role::Errors, "e{group=\"green\"}", down),
                    query(Role::Total, "t{group=\"green\"}", down),
                ],
            },
            MetricQueries {
                metric: "p99 slo".into(),
                baseline: None,
                canary: vec![query(Role::Values, r#"p99{group="green"}"#, false)],
            },
        ],
        duration_ms: 9,
    }
}
