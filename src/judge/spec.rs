//! What to judge about one metric, and the data it is judged on.
//!
//! A [`MetricSpec`] is validated configuration (the config layer parses
//! `10%`, `5ms`, `increase` into it); [`Data`] is what the metric sources
//! fetched for it. Defaults: direction `increase`, tolerance 10% relative,
//! not critical, no data allowed, weight 1, `min_samples` 20, confidence 0.95.

use serde::Serialize;

use super::JudgeError;
use super::rates::Counts;

/// What kind of values a metric has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Latency, CPU, memory: samples compared by rank.
    Continuous,
    /// Errors over requests: counts compared as rates.
    Ratio,
}

/// Which change is bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Increase,
    Decrease,
    Either,
}

/// How much change is tolerated in the bad direction before it matters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tolerance {
    /// A fraction (0.10 = 10%) of the baseline median (continuous), of the
    /// bound (threshold), or on the rate ratio (ratio: 1.10).
    Relative(f64),
    /// A value in the metric's own unit (continuous metrics only).
    Absolute(f64),
}

/// The judged metric's configuration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricSpec {
    pub name: String,
    pub kind: Kind,
    pub direction: Direction,
    pub tolerance: Tolerance,
    /// A High/Low (or, with `must_have_data`, No data) fails the verdict.
    pub critical: bool,
    /// No data counts as a failure instead of being left out of the score.
    pub must_have_data: bool,
    /// Share of the score (≥ 0; 0 = shown but not scored).
    pub weight: f64,
    /// Fewer usable samples (continuous) or requests (ratio) on either side
    /// is No data.
    pub min_samples: usize,
    /// Of the interval; 1 − confidence is the significance level α the
    /// Holm-adjusted p-value is held to.
    pub confidence: f64,
    /// The unit the values are in, for reports (`None`: plain numbers).
    pub unit: Option<super::Unit>,
}

impl MetricSpec {
    /// A spec with the defaults.
    pub fn new(name: impl Into<String>, kind: Kind) -> Self {
        MetricSpec {
            name: name.into(),
            kind,
            direction: Direction::Increase,
            tolerance: Tolerance::Relative(0.10),
            critical: false,
            must_have_data: false,
            weight: 1.0,
            min_samples: 20,
            confidence: 0.95,
            unit: None,
        }
    }

    pub fn direction(mut self, direction: Direction) -> Self {
        self.direction = direction;
        self
    }

    pub fn tolerance(mut self, tolerance: Tolerance) -> Self {
        self.tolerance = tolerance;
        self
    }

    pub fn critical(mut self, critical: bool) -> Self {
        self.critical = critical;
        self
    }

    pub fn must_have_data(mut self, must: bool) -> Self {
        self.must_have_data = must;
        self
    }

    pub fn weight(mut self, weight: f64) -> Self {
        self.weight = weight;
        self
    }

    pub fn min_samples(mut self, min: usize) -> Self {
        self.min_samples = min;
        self
    }

    pub fn unit(mut self, unit: Option<super::Unit>) -> Self {
        self.unit = unit;
        self
    }

    pub fn confidence(mut self, confidence: f64) -> Self {
        self.confidence = confidence;
        self
    }

    /// α = 1 − confidence.
    pub fn alpha(&self) -> f64 {
        1.0 - self.confidence
    }

    /// Checks everything that does not depend on the data.
    pub fn validate(&self) -> Result<(), JudgeError> {
        if self.name.trim().is_empty() {
            return Err(JudgeError::EmptyName);
        }
        if !(self.confidence > 0.0 && self.confidence < 1.0) {
            return Err(JudgeError::Confidence(self.confidence));
        }
        if !(self.weight.is_finite() && self.weight >= 0.0) {
            return Err(JudgeError::Weight(self.weight));
        }
        if self.min_samples == 0 {
            return Err(JudgeError::MinSamples);
        }
        let t = self.tolerance.value();
        if !(t.is_finite() && t >= 0.0) {
            return Err(JudgeError::Tolerance(t));
        }
        if self.kind == Kind::Ratio && matches!(self.tolerance, Tolerance::Absolute(_)) {
            return Err(JudgeError::RatioAbsoluteTolerance);
        }
        Ok(())
    }
}

impl Tolerance {
    pub fn value(&self) -> f64 {
        match *self {
            Tolerance::Relative(v) | Tolerance::Absolute(v) => v,
        }
    }
}

/// The observations of one metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Data<'a> {
    /// Canary and baseline samples (NaN/±Inf allowed: they are counted and
    /// dropped).
    Continuous {
        baseline: &'a [f64],
        canary: &'a [f64],
    },
    /// Canary samples against a fixed bound (absolute SLO): is the canary's
    /// median beyond `bound`?
    Threshold { canary: &'a [f64], bound: f64 },
    /// Errors over requests on each side.
    Ratio { baseline: Counts, canary: Counts },
    /// The canary's error rate against a fixed rate `bound` (0.01 = 1%).
    RatioThreshold { canary: Counts, bound: f64 },
    /// Each side as an estimate with its standard error and degrees of
    /// freedom, made from what the points really hold: the mean of each
    /// replica (replicas as the unit), one series' mean with its effective
    /// number of points, a quantile from histogram buckets, a slope. Judged
    /// by Welch's t on `scale`.
    Estimates {
        baseline: Estimated,
        canary: Estimated,
        scale: Scale,
        statistic: Statistic,
    },
    /// Errors over requests per replica on each side: the rate ratio, with
    /// the replica-to-replica spread beyond Poisson counted (quasi-Poisson).
    UnitCounts {
        baseline: &'a [Counts],
        canary: &'a [Counts],
    },
}

/// One side's estimate, for [`Data::Estimates`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimated {
    /// On the judged scale (the log of a quantile, a mean, a slope).
    pub value: f64,
    /// Its standard error, on the same scale.
    pub se: f64,
    /// The degrees of freedom of `se` (∞ when it is known).
    pub df: f64,
    /// The value in the metric's own unit, for reports (the quantile, the
    /// mean, the slope per second).
    pub level: f64,
    /// Usable points (or observations) behind it: `min_samples` applies.
    pub n: u64,
    /// Non-finite points dropped.
    pub removed: u64,
    /// Replicas when they are the unit.
    pub replicas: Option<u32>,
    /// Effective independent points of one autocorrelated series.
    pub effective: Option<f64>,
}

/// Where a difference is measured: `Log` for relative changes of positive
/// quantities (latency quantiles), `Linear` for differences in the unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    Log,
    Linear,
}

/// What an estimate is of, for reports.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "of", rename_all = "snake_case")]
pub enum Statistic {
    Mean,
    Quantile {
        q: f64,
    },
    /// Change per second.
    Slope,
}

impl Data<'_> {
    pub(crate) fn label(&self) -> &'static str {
        match self {
            Data::Continuous { .. } => "continuous",
            Data::Threshold { .. } => "threshold",
            Data::Ratio { .. } => "ratio",
            Data::RatioThreshold { .. } => "ratio threshold",
            Data::Estimates { .. } => "estimates",
            Data::UnitCounts { .. } => "counts per replica",
        }
    }

    pub(crate) fn kind(&self) -> Kind {
        match self {
            Data::Continuous { .. } | Data::Threshold { .. } | Data::Estimates { .. } => {
                Kind::Continuous
            }
            Data::Ratio { .. } | Data::RatioThreshold { .. } | Data::UnitCounts { .. } => {
                Kind::Ratio
            }
        }
    }
}

/// One metric to judge: its spec and its data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetricInput<'a> {
    pub spec: &'a MetricSpec,
    pub data: Data<'a>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate_and_bad_values_do_not() {
        let spec = MetricSpec::new("latency", Kind::Continuous);
        assert!(spec.validate().is_ok());
        assert!((spec.alpha() - 0.05).abs() < 1e-15);
        let bad = [
            spec.clone().confidence(1.0),
            spec.clone().confidence(f64::NAN),
            spec.clone().weight(-1.0),
            spec.clone().min_samples(0),
            spec.clone().tolerance(Tolerance::Relative(f64::INFINITY)),
            spec.clone().tolerance(Tolerance::Absolute(-2.0)),
            MetricSpec::new(" ", Kind::Continuous),
            MetricSpec::new("errors", Kind::Ratio).tolerance(Tolerance::Absolute(0.01)),
        ];
        for b in bad {
            assert!(b.validate().is_err(), "{b:?}");
        }
    }
}
