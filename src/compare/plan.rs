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
    pub canary: Side,
    pub baseline: Baseline,
    pub thresholds: Thresholds,
    pub metrics: Vec<MetricPlan>,
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

#[derive(Debug)]
pub struct MetricPlan {
    pub spec: MetricSpec,
    /// A fixed bound (absolute SLO): the canary alone is compared with it.
    pub bound: Option<f64>,
    /// How a query's series become one sample set.
    pub combine: Combine,
    /// `None` for a bound.
    pub baseline: Option<Request>,
    pub canary: Request,
}
