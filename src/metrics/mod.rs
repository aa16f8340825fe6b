//! Metric sources: where the numbers the judge compares come from, one file
//! each (`prometheus.rs`: range queries; `file.rs`: JSON/CSV samples). The
//! comparison's plan (`compare::plan::Query`) says which source a query goes
//! to; sources know nothing about statistics.
//!
//! Non-finite values (`NaN`, `+Inf`, `-Inf`) are kept as they come: the
//! judge counts and reports what it drops.

pub mod file;
pub mod prometheus;

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// One time series: its labels and `(unix seconds, value)` points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub labels: BTreeMap<String, String>,
    pub points: Vec<(f64, f64)>,
}

/// The time range of a query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub step: Duration,
}

/// What a query returned, with the backend's warnings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fetched {
    pub series: Vec<Series>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MetricsError {
    /// Could not talk to the backend (timeout, refused, 5xx after retries).
    #[error("{source_name} could not be reached: {cause}")]
    Unreachable { source_name: String, cause: String },
    /// The backend rejected the query (bad syntax, unknown function...).
    #[error("{source_name} rejected the query: {error_type}: {message}")]
    Query {
        source_name: String,
        error_type: String,
        message: String,
    },
    /// The backend answered something we cannot read.
    #[error("{source_name} answered something unexpected: {cause}")]
    BadResponse { source_name: String, cause: String },
}

/// How several series become one sample set.
#[derive(Debug, Clone, PartialEq)]
pub enum Combine {
    /// Sum the series at each timestamp (e.g. requests per instance).
    Sum,
    /// Every point of every series is a sample (e.g. latency per pod).
    Pool,
    /// Only the series whose label has this value.
    Select { label: String, value: String },
}

/// Turns series into samples as `combine` says.
pub fn samples(series: &[Series], combine: &Combine) -> Vec<f64> {
    match combine {
        Combine::Pool => series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .collect(),
        Combine::Select { label, value } => series
            .iter()
            .filter(|s| s.labels.get(label) == Some(value))
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .collect(),
        Combine::Sum => {
            let mut by_time: BTreeMap<i64, f64> = BTreeMap::new();
            for s in series {
                for &(t, v) in &s.points {
                    // Timestamps are whole or millisecond seconds: key by ms.
                    *by_time.entry((t * 1000.0).round() as i64).or_insert(0.0) += v;
                }
            }
            by_time.into_values().collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(label: &str, points: &[(f64, f64)]) -> Series {
        Series {
            labels: [("pod".to_string(), label.to_string())].into(),
            points: points.to_vec(),
        }
    }

    #[test]
    fn sum_adds_series_at_each_timestamp() {
        let s = [
            series("a", &[(1.0, 1.0), (2.0, 2.0)]),
            series("b", &[(1.0, 10.0), (3.0, 5.0)]),
        ];
        assert_eq!(samples(&s, &Combine::Sum), vec![11.0, 2.0, 5.0]);
    }

    #[test]
    fn pool_and_select() {
        let s = [series("a", &[(1.0, 1.0)]), series("b", &[(1.0, 2.0)])];
        assert_eq!(samples(&s, &Combine::Pool), vec![1.0, 2.0]);
        let sel = Combine::Select {
            label: "pod".into(),
            value: "b".into(),
        };
        assert_eq!(samples(&s, &sel), vec![2.0]);
    }

    #[test]
    fn nan_survives_sum_for_the_judge_to_count() {
        let s = [series("a", &[(1.0, f64::NAN)])];
        assert!(samples(&s, &Combine::Sum)[0].is_nan());
    }
}
