//! The judge: is the canary worse than the baseline, beyond what is
//! tolerated, with evidence? Statistics written out, not hidden
//! (issue #4, "The statistics").
//!
//! - Continuous metrics: Mann-Whitney U ([`mann_whitney`], exact for small
//!   samples without ties) against the tolerance-shifted null, and the
//!   Hodges–Lehmann shift with its Moses interval ([`hodges_lehmann`],
//!   selection without enumerating the n·m differences).
//! - Ratio metrics: the exact conditional test of two Poisson rates and the
//!   exact interval of the rate ratio ([`rates`]).
//! - Against a fixed bound (absolute SLO): the exact sign test on the median
//!   with its order-statistic interval ([`threshold`]), or the exact binomial
//!   test of an error rate.
//! - A metric is High/Low only when its interval lies wholly beyond the
//!   tolerance in a bad direction AND its Holm-adjusted one-sided p-value is
//!   below α: statistical and practical significance together. The rules
//!   that turn metrics into a score and an [`Outcome`](crate::Outcome) are in
//!   [`verdict`].
//!
//! Validated against SciPy (`scripts/reference/make_reference.py` →
//! `tests/data/judge/reference.json`) and by simulation on fixed seeds
//! (`src/judge/tests/simulation.rs`).
//!
//! ```
//! use greenlight::judge::{judge, Data, Kind, MetricInput, MetricSpec, Thresholds};
//! let spec = MetricSpec::new("latency_p95", Kind::Continuous);
//! let baseline: Vec<f64> = (0..40).map(|i| 100.0 + (i % 7) as f64).collect();
//! let canary: Vec<f64> = baseline.iter().map(|v| v * 1.3).collect();
//! let data = Data::Continuous { baseline: &baseline, canary: &canary };
//! let verdict = judge(&[MetricInput { spec: &spec, data }], Thresholds::default());
//! assert_eq!(verdict.outcome, greenlight::Outcome::NoGo);
//! println!("{}", verdict.metrics[0].reason);
//! ```

mod assess;
pub mod binomial;
mod error;
pub mod format;
pub mod histogram;
pub mod hodges_lehmann;
pub mod holm;
pub mod mann_whitney;
pub mod mwu_exact;
pub mod normal;
mod pairwise;
pub mod rates;
mod reason;
pub mod result;
pub mod sample;
pub mod series;
pub mod spec;
pub mod student;
pub mod threshold;
mod unavailable;
pub mod unit;
pub mod verdict;

#[cfg(test)]
mod tests;

pub use error::JudgeError;
pub use hodges_lehmann::{HodgesLehmann, hodges_lehmann};
pub use mann_whitney::{Alternative, MannWhitney, Method, mann_whitney_u};
pub use rates::Counts;
pub use result::{
    Classification, Comparison, Estimate, Interval, Measure, MetricResult, Relative, SideSummary,
    TestMethod, TestResult,
};
pub use spec::{
    Data, Direction, Estimated, Kind, MetricInput, MetricSpec, Scale, Statistic, Tolerance,
};
pub use unavailable::{Judgeable, judge_all};
pub use unit::Unit;
pub use verdict::{Tally, Thresholds, Verdict, judge};
