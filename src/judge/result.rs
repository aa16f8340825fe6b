//! The judgement of one metric as plain data. Reports (text, JSON, JUnit)
//! read these and never recompute: every number the decision used is here,
//! and `reason` says in one sentence which numbers decided.
//!
//! Infinite interval ends (too few samples for the confidence, or a ratio
//! over a baseline without errors) serialize as `null`.
//!
//! Example (JSON):
//! ```json
//! {"name":"latency_p95","kind":"continuous","comparison":"baseline",
//!  "classification":"high","direction":"increase","tolerance":{"relative":0.1},
//!  "margin":12.0,"confidence":0.95,"weight":1.0,"critical":false,"must_have_data":false,
//!  "baseline":{"n":40,"removed":0,"median":120.0,"errors":null,"rate":null},
//!  "canary":{"n":40,"removed":2,"median":148.0,"errors":null,"rate":null},"bound":null,
//!  "estimate":{"measure":"shift","value":27.7},
//!  "interval":{"measure":"shift","confidence":0.95,"lower":21.6,"upper":34.1},
//!  "relative":{"value":0.231,"lower":0.18,"upper":0.284},
//!  "test":{"method":"mann_whitney_asymptotic","alternative":"greater","statistic":1402.0,"p_value":0.0003,"adjusted_p_value":0.0009},
//!  "reason":"latency_p95 rose 23.1% (95% CI 18.0%..28.4%) beyond tolerance 10%, p=0.0003 (Holm-adjusted 0.0009); median 120 → 148, n=40/40"}
//! ```

use serde::{Serialize, Serializer};

use super::mann_whitney::Alternative;
use super::spec::{Direction, Kind, Tolerance};

/// The outcome for one metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    /// No evidence of a change beyond the tolerance in the bad direction.
    Pass,
    /// Higher than the baseline (or bound) by more than the tolerance.
    High,
    /// Lower than the baseline (or bound) by more than the tolerance.
    Low,
    /// Too few usable samples (or requests) on a side.
    NoData,
    /// The metric could not be judged (bad spec or data).
    Error,
}

impl Classification {
    /// High or Low.
    pub fn is_regression(self) -> bool {
        matches!(self, Classification::High | Classification::Low)
    }

    pub fn label(self) -> &'static str {
        match self {
            Classification::Pass => "pass",
            Classification::High => "high",
            Classification::Low => "low",
            Classification::NoData => "no data",
            Classification::Error => "error",
        }
    }
}

/// What the canary was compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// A baseline sample (or baseline counts).
    Baseline,
    /// A fixed bound (absolute SLO).
    Threshold,
}

/// The quantity an estimate or interval is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Hodges–Lehmann shift, canary − baseline, in the metric's unit.
    Shift,
    /// Canary error rate over baseline error rate.
    RateRatio,
    /// Canary error rate − baseline error rate (when the baseline has none).
    RateDifference,
    /// The canary's median (threshold comparisons).
    Median,
    /// The canary's error rate (rate threshold comparisons).
    Rate,
    /// A difference of slopes (change per second), for trends.
    Slope,
}

/// Which test gave the p-value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TestMethod {
    MannWhitneyExact,
    MannWhitneyAsymptotic,
    PoissonConditionalExact,
    SignTestExact,
    BinomialExact,
    /// Student's t on estimates with estimated standard errors (pooled for
    /// equal numbers of replicas, else Welch's).
    StudentT,
    /// The log rate ratio with over-dispersion from the replicas, t-based.
    QuasiPoissonT,
}

/// Usable observations of one side.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct SideSummary {
    /// Usable samples (continuous) or requests (ratio).
    pub n: u64,
    /// NaN/±Inf samples that were dropped (continuous).
    pub removed: u64,
    pub median: Option<f64>,
    pub errors: Option<u64>,
    pub rate: Option<f64>,
    /// The estimate in the metric's unit (a mean, a quantile, a slope per
    /// second), when the metric is judged from estimates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<f64>,
    /// Replicas, when they were the unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// Effective independent points of one autocorrelated series.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub measure: Measure,
    #[serde(serialize_with = "finite_or_null")]
    pub value: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub measure: Measure,
    pub confidence: f64,
    #[serde(serialize_with = "finite_or_null")]
    pub lower: f64,
    #[serde(serialize_with = "finite_or_null")]
    pub upper: f64,
}

/// The change relative to the baseline median, the baseline rate (ratio − 1)
/// or the bound, as fractions (0.231 = +23.1%).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Relative {
    #[serde(serialize_with = "finite_or_null")]
    pub value: f64,
    #[serde(serialize_with = "finite_or_null")]
    pub lower: f64,
    #[serde(serialize_with = "finite_or_null")]
    pub upper: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TestResult {
    pub method: TestMethod,
    /// `greater` when an increase is bad, `less` for a decrease, `two_sided`
    /// for either (the smaller one-sided p-value, doubled).
    pub alternative: Alternative,
    /// U of the canary, errors of the canary, or values above the bound.
    pub statistic: f64,
    pub p_value: f64,
    /// Holm-adjusted across the metrics of the comparison.
    pub adjusted_p_value: f64,
}

/// The judgement of one metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricResult {
    pub name: String,
    pub kind: Kind,
    pub comparison: Comparison,
    pub classification: Classification,
    pub direction: Direction,
    pub tolerance: Tolerance,
    /// The tolerance as applied: the edge of the tolerated region that the
    /// interval must lie beyond and the one-sided test is against, in the
    /// estimate's unit — a shift (±δ), a rate ratio (1 ± tolerance), a
    /// median or a rate limit. For `either` the upper edge (the lower one
    /// mirrors it). `None` when nothing was tested.
    pub margin: Option<f64>,
    pub confidence: f64,
    pub weight: f64,
    pub critical: bool,
    pub must_have_data: bool,
    /// `None` for threshold comparisons.
    pub baseline: Option<SideSummary>,
    pub canary: SideSummary,
    /// The fixed bound of a threshold comparison.
    pub bound: Option<f64>,
    pub estimate: Option<Estimate>,
    pub interval: Option<Interval>,
    pub relative: Option<Relative>,
    pub test: Option<TestResult>,
    /// What the sides' levels are of (a mean, a quantile, a slope), when
    /// the metric is judged from estimates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statistic: Option<super::spec::Statistic>,
    /// The unit the values are in (`None`: plain numbers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<super::Unit>,
    /// Plain words: what changed, by how much, against what tolerance.
    pub reason: String,
    /// The test behind the reason, for `--verbose`: raw and
    /// Holm-adjusted p-values (JSON has them as numbers in `test`).
    #[serde(skip)]
    pub statistics: Option<String>,
}

impl MetricResult {
    /// Whether this metric counts against the score: High, Low, or No data
    /// when it must have data.
    pub fn is_failure(&self) -> bool {
        self.classification.is_regression()
            || (self.classification == Classification::NoData && self.must_have_data)
    }

    /// The tolerated region of the compared measure, as the tolerance
    /// applies: a shift against the baseline (a fraction of its level for
    /// a relative tolerance, else in the unit), a rate ratio around 1, or
    /// a value around the bound (a rate at most 1). The harmless
    /// direction's end is open (±∞); the bad direction's end is the
    /// judge's `margin` where it has one. `None` when nothing was tested.
    pub fn tolerated(&self) -> Option<(f64, f64)> {
        use super::spec::{Direction, Kind, Tolerance};
        self.test?;
        let t = self.tolerance.value();
        let around = |b: f64| match self.tolerance {
            Tolerance::Relative(t) => (b - t * b.abs(), b + t * b.abs()),
            Tolerance::Absolute(a) => (b - a, b + a),
        };
        let (lo, hi) = match (self.kind, self.comparison) {
            (Kind::Continuous, Comparison::Baseline) => (-t, t),
            (Kind::Ratio, Comparison::Baseline) => (1.0 - t, 1.0 + t),
            (Kind::Continuous, Comparison::Threshold) => around(self.bound?),
            (Kind::Ratio, Comparison::Threshold) => {
                let (lo, hi) = around(self.bound?);
                (lo.max(0.0), hi.min(1.0))
            }
        };
        let edge = |fallback: f64| match (self.comparison, self.kind, self.margin) {
            // A baseline shift's margin is in the estimate's own measure.
            (Comparison::Baseline, Kind::Continuous, _) | (_, _, None) => fallback,
            (_, _, Some(m)) => m,
        };
        Some(match self.direction {
            Direction::Increase => (f64::NEG_INFINITY, edge(hi)),
            Direction::Decrease => (edge(lo), f64::INFINITY),
            Direction::Either => (lo, edge(hi)),
        })
    }

    /// Whether this metric is part of the score's denominator.
    pub fn is_scored(&self) -> bool {
        match self.classification {
            Classification::Pass | Classification::High | Classification::Low => true,
            Classification::NoData => self.must_have_data,
            Classification::Error => false,
        }
    }
}

fn finite_or_null<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.is_finite() {
        s.serialize_f64(*v)
    } else {
        s.serialize_none()
    }
}
