//! The validated comparison (stage two's output): every template filled,
//! every query concrete, every number a real type. Fetching
//! ([`super::fetch`]) and judging read only this.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::judge::{MetricSpec, Thresholds};
use crate::metrics::file::{Format, Selector};
use crate::metrics::prometheus::Prometheus;
use crate::metrics::{Combine, Range};
use crate::secret::Secret;

pub struct CompareConfig {
    pub source: Source,
    /// The end of the canary's window (`--at`, or now).
    pub at: DateTime<Utc>,
    /// Time-series sources only.
    pub window: Option<Duration>,
    pub step: Option<Duration>,
    pub canary: Side,
    pub baseline: Baseline,
    pub thresholds: Thresholds,
    pub metrics: Vec<MetricPlan>,
}

pub enum Source {
    Prometheus {
        source: Box<Prometheus>,
        /// Secret header values, scrubbed from every message.
        secrets: Vec<Secret>,
    },
    File,
}

impl Source {
    pub fn name(&self) -> &str {
        match self {
            Source::Prometheus { source, .. } => &source.name,
            Source::File => "file",
        }
    }
}

/// One side's variables and, for time-series sources, its time range.
#[derive(Debug, Clone, PartialEq)]
pub struct Side {
    pub variables: BTreeMap<String, String>,
    pub range: Option<Range>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Baseline {
    /// The old stack over the same window.
    Concurrent(Side),
    /// The same queries `offset` earlier: weaker evidence.
    Historical { side: Side, offset: Duration },
    /// Only fixed bounds are compared.
    None,
}

impl Baseline {
    pub fn side(&self) -> Option<&Side> {
        match self {
            Baseline::Concurrent(s) | Baseline::Historical { side: s, .. } => Some(s),
            Baseline::None => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MetricPlan {
    pub spec: MetricSpec,
    /// A fixed bound (absolute SLO): the canary alone is compared with it.
    pub bound: Option<f64>,
    /// `None` for a bound.
    pub baseline: Option<SideRequest>,
    pub canary: SideRequest,
}

/// What to fetch for one side of a metric.
#[derive(Debug, Clone, PartialEq)]
pub enum SideRequest {
    Samples(Query),
    Counts { errors: Query, total: Query },
}

impl SideRequest {
    pub fn queries(&self) -> Vec<(Role, &Query)> {
        match self {
            SideRequest::Samples(q) => vec![(Role::Values, q)],
            SideRequest::Counts { errors, total } => {
                vec![(Role::Errors, errors), (Role::Total, total)]
            }
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
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Values => "values",
            Role::Errors => "errors",
            Role::Total => "total",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    Prometheus {
        promql: String,
        range: Range,
        combine: Combine,
    },
    File {
        path: String,
        format: Format,
        selector: Selector,
    },
}

impl Query {
    /// The query as shown in reports: PromQL, or `path column`.
    pub fn describe(&self) -> String {
        match self {
            Query::Prometheus { promql, .. } => promql.clone(),
            Query::File { path, selector, .. } => {
                let mut out = path.clone();
                if let Some(p) = &selector.pointer {
                    out.push_str(&format!(" {p}"));
                }
                if let Some(c) = &selector.column {
                    out.push_str(&format!(" [{c}]"));
                }
                out
            }
        }
    }
}
