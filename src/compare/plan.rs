//! The validated comparison (stage two's output): every template filled,
//! every query concrete, every number a real type. Fetching
//! ([`super::fetch`]) and judging read only this.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::combine::Combine;
use crate::judge::{MetricSpec, Thresholds};
use crate::metrics::{MetricSource, Range, Request};

pub struct CompareConfig {
    pub source: Box<dyn MetricSource>,
    /// The source's `type`.
    pub source_kind: &'static str,
    /// The end of the canary's window (the run's one clock: `--at`, or now).
    pub at: DateTime<Utc>,
    /// Time-series sources only.
    pub window: Option<Duration>,
    pub step: Option<Duration>,
    /// The label that tells replicas apart.
    pub replica_label: String,
    pub canary: Side,
    pub baseline: Baseline,
    pub thresholds: Thresholds,
    pub metrics: Vec<MetricPlan>,
}

/// What `compare` (and `verify`) runs: one judgement, or a watch's looks.
pub struct Comparison {
    /// The only look, or a watch's first.
    pub first: CompareConfig,
    /// A watch's later looks, in order.
    pub later: Vec<CompareConfig>,
    pub watch: Option<Watch>,
}

/// Watching a canary (`--watch 15m --every 1m`).
#[derive(Debug, Clone, PartialEq)]
pub struct Watch {
    /// When the watch began (`--at`, or now).
    pub start: DateTime<Utc>,
    pub length: Duration,
    pub every: Duration,
    pub stop_on_go: bool,
    /// Each look's confidence: the comparison's shared out between them.
    pub confidence: f64,
    /// The wall clock at a known instant, to wait for each look's end.
    pub clock: (DateTime<Utc>, std::time::Instant),
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

/// What a metric measures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shape {
    /// Values: samples (files) or time series (means).
    Continuous,
    /// Errors over requests.
    Ratio,
    /// A quantile of raw histogram buckets.
    Histogram { quantile: f64 },
    /// A gauge's slope over the window.
    Trend,
}

#[derive(Debug)]
pub struct MetricPlan {
    pub spec: MetricSpec,
    /// What the metric measures, so how its series become evidence.
    pub shape: Shape,
    /// A fixed bound (absolute SLO): the canary alone is compared with it.
    pub bound: Option<f64>,
    /// How a query's series become one sample set.
    pub combine: Combine,
    /// `None` for a bound.
    pub baseline: Option<Request>,
    pub canary: Request,
}
