//! The metric-source plugin interface. A kind of source ([`MetricKind`])
//! is listed once in [`super::KINDS`]; from `compare.source` it builds a
//! [`MetricSource`], which turns each metric's own keys into the
//! [`Query`]s of one side ([`MetricSource::plan`]); a query fetches
//! [`Fetched`] series within the run's deadline.
//!
//! What the comparison does with the series (combine them, count, judge)
//! is not a source's business; what it asks for, how, and which keys it
//! takes, is.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_saphyr::Spanned;

use super::MetricsError;
use crate::context::Context;
use crate::http::Deadline;
use crate::input::{ConfigError, Keys};
use crate::judge::Kind;
use crate::secret::Secrets;

/// A kind of metric source, as named by `compare.source.type`.
pub trait MetricKind: Sync {
    /// The `type:` value, e.g. `prometheus`.
    fn name(&self) -> &'static str;
    /// The keys `compare.source` takes besides `type`.
    fn source_keys(&self) -> &'static [&'static str];
    /// The keys a metric takes for this source, besides the comparison's
    /// own (`name`, `kind`, `tolerance`...).
    fn metric_keys(&self) -> &'static [&'static str];
    /// `Some` for sources of time series over a window (`window`, `step`,
    /// `offset` and `combine` apply); `None` when every value is a sample.
    fn time_series(&self) -> Option<TimeSeries>;
    /// Stage two of `compare.source`: take this kind's keys and build the
    /// source (secrets are read from `ctx` here, once). Keys left untaken
    /// are refused by the caller.
    fn configure(
        &self,
        keys: &mut Keys<'_>,
        ctx: &Context,
    ) -> Result<Box<dyn MetricSource>, ConfigError>;
}

/// What a time-series backend allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeSeries {
    /// The most points per series one query may ask for, and whose limit
    /// it is (`Prometheus`).
    pub max_points: Option<(u128, &'static str)>,
}

/// A configured source.
pub trait MetricSource: Send + Sync {
    /// Its name in reports (`prometheus`, or the `name:` given).
    fn name(&self) -> &str;
    /// Where it is, redacted, for reports.
    fn url(&self) -> Option<String> {
        None
    }
    /// Everything that must never be printed: tokens, passwords, secret
    /// header values, in every form they travel in.
    fn secrets(&self) -> Secrets {
        Secrets::new()
    }
    /// Stage two of one metric's own keys for one side: the queries to
    /// run. Called once per side; errors point at the key.
    fn plan(&self, keys: &mut Keys<'_>, side: &PlanSide<'_>) -> Result<Request, ConfigError>;
}

/// Fills `{{variable}}` templates for one side; the error points at the
/// template and names `key`.
pub type Fill<'a> = dyn Fn(&Spanned<String>, &str) -> Result<String, ConfigError> + 'a;

/// What the comparison asks a source for, by the metric's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    /// Values over time (`kind: continuous`, `kind: trend`): `query`.
    Values,
    /// Errors and requests (`kind: ratio`): `errors` and `total`.
    Counts,
    /// A histogram's cumulative buckets (`kind: histogram`): `buckets`.
    Buckets,
}

impl Asked {
    /// The judge's kind of metric this gives.
    pub fn kind(self) -> Kind {
        match self {
            Asked::Values | Asked::Buckets => Kind::Continuous,
            Asked::Counts => Kind::Ratio,
        }
    }
}

/// One side of one metric, as a source plans it.
pub struct PlanSide<'a> {
    /// The metric's name.
    pub metric: &'a str,
    pub asked: Asked,
    /// `baseline` or `canary`.
    pub side: &'a str,
    /// The side's time range, for time-series sources.
    pub range: Option<Range>,
    pub fill: &'a Fill<'a>,
}

/// The time range of a query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub step: std::time::Duration,
}

/// What to fetch for one side of a metric.
#[derive(Debug)]
pub enum Request {
    /// Values to compare (continuous and trend metrics).
    Values(Box<dyn Query>),
    /// Error and request counts (ratio metrics). `cumulative`: the series
    /// are raw counters, whose increase over the window is the count;
    /// otherwise the values are counts per step, summed.
    Counts {
        errors: Box<dyn Query>,
        total: Box<dyn Query>,
        cumulative: bool,
    },
    /// A histogram's raw cumulative bucket counters, one series per `le`
    /// (and replica).
    Buckets(Box<dyn Query>),
}

impl Request {
    /// What a metric asking `asked` fetches: the query of its `values`
    /// key, or of `errors` and `total` (counts per step), or of `buckets`.
    pub fn for_kind(
        asked: Asked,
        values: &str,
        mut query: impl FnMut(&str) -> Result<Box<dyn Query>, ConfigError>,
    ) -> Result<Request, ConfigError> {
        Ok(match asked {
            Asked::Values => Request::Values(query(values)?),
            Asked::Counts => Request::Counts {
                errors: query("errors")?,
                total: query("total")?,
                cumulative: false,
            },
            Asked::Buckets => Request::Buckets(query("buckets")?),
        })
    }

    pub fn queries(&self) -> Vec<(Role, &dyn Query)> {
        match self {
            Request::Values(q) => vec![(Role::Values, q.as_ref())],
            Request::Counts { errors, total, .. } => {
                vec![
                    (Role::Errors, errors.as_ref()),
                    (Role::Total, total.as_ref()),
                ]
            }
            Request::Buckets(q) => vec![(Role::Buckets, q.as_ref())],
        }
    }
}

/// What a query's values are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Values,
    Errors,
    Total,
    Buckets,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Values => "values",
            Role::Errors => "errors",
            Role::Total => "total",
            Role::Buckets => "buckets",
        }
    }
}

/// One concrete query.
pub trait Query: Send + Sync + std::fmt::Debug {
    /// The query as shown in reports: PromQL, or `path [column]`.
    fn describe(&self) -> String;
    /// Runs it within the deadline. Messages are not yet scrubbed: the
    /// caller scrubs them of the source's secrets.
    fn fetch(&self, deadline: Deadline) -> Result<Fetched, MetricsError>;
    /// Remarks about how the query's points will be read (e.g. a range
    /// longer than the step makes neighbouring points overlap).
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
}

/// What a query returned, with the backend's warnings.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fetched {
    pub series: Vec<Series>,
    pub warnings: Vec<String>,
}

/// One series: its labels, and its values with their times (unix seconds;
/// empty when the values have no time, as in a file of samples).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    pub labels: BTreeMap<String, String>,
    pub times: Vec<f64>,
    pub values: Vec<f64>,
}

/// The keys a metric of each kind takes: a continuous metric `values`
/// (`query`, `column`), a ratio `errors` and `total`. `needs_values` says
/// what a continuous metric without `values` lacks (`None` when it may
/// go without); `counts` what `errors` and `total` hold.
pub fn check_kind_keys(
    keys: &Keys<'_>,
    asked: Asked,
    values: &str,
    needs_values: Option<&str>,
    counts: &str,
) -> Result<(), ConfigError> {
    if asked != Asked::Buckets && keys.has("buckets") {
        return Err(keys.here("`buckets` belongs to `kind: histogram` metrics".into()));
    }
    match asked {
        Asked::Buckets => {
            if let Some(k) = [values, "errors", "total"]
                .into_iter()
                .find(|k| keys.has(k))
            {
                return Err(keys.here(format!("a histogram metric takes `buckets`, not `{k}`")));
            }
            if !keys.has("buckets") {
                return Err(keys.here(
                    "a histogram metric needs `buckets` (the `_bucket` series, e.g. http_request_duration_seconds_bucket{...})"
                        .into(),
                ));
            }
            Ok(())
        }
        Asked::Values => {
            if let Some(k) = ["errors", "total"].into_iter().find(|k| keys.has(k)) {
                return Err(keys.here(format!(
                    "`{k}` belongs to `kind: ratio` metrics; a continuous metric takes `{values}`"
                )));
            }
            match needs_values {
                Some(what) if !keys.has(values) => Err(keys.here(format!(
                    "a continuous metric needs `{values}` ({what}; or `kind: ratio` with `errors` and `total`)"
                ))),
                _ => Ok(()),
            }
        }
        Asked::Counts if keys.has(values) => Err(keys.here(format!(
            "a ratio metric takes `errors` and `total` instead of `{values}`"
        ))),
        Asked::Counts if !(keys.has("errors") && keys.has("total")) => Err(keys.here(format!(
            "a ratio metric needs both `errors` and `total` ({counts})"
        ))),
        Asked::Counts => Ok(()),
    }
}
