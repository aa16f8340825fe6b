//! The one error type of the judge: input that cannot be judged at all.
//!
//! Statistics functions return these for input they refuse (an empty sample,
//! a NaN, a confidence outside (0, 1)); the metric evaluation turns them into
//! an `Error` classification with the message as its reason, so a bad metric
//! never panics and never aborts the other metrics of a comparison.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Error)]
pub enum JudgeError {
    #[error("the {side} sample is empty")]
    EmptySample { side: &'static str },
    #[error("the {side} sample holds a non-finite value (NaN or ±Inf); remove those first")]
    NonFinite { side: &'static str },
    #[error("confidence must lie strictly between 0 and 1, got {0}")]
    Confidence(f64),
    #[error("tolerance must be a finite number ≥ 0, got {0}")]
    Tolerance(f64),
    #[error("weight must be a finite number ≥ 0, got {0}")]
    Weight(f64),
    #[error("min_samples must be at least 1")]
    MinSamples,
    #[error("the metric has no name")]
    EmptyName,
    #[error("a ratio metric takes a relative tolerance (on the rate ratio), not an absolute one")]
    RatioAbsoluteTolerance,
    #[error(
        "the {side} has {errors} errors out of {total} requests; errors cannot exceed requests"
    )]
    ErrorsExceedTotal {
        side: &'static str,
        errors: u64,
        total: u64,
    },
    #[error("the bound must be a finite number, got {0}")]
    Bound(f64),
    #[error("a rate bound must lie between 0 and 1, got {0}")]
    RateBound(f64),
    #[error("a {kind} metric cannot be judged with {data} data")]
    KindMismatch {
        kind: &'static str,
        data: &'static str,
    },
    #[error("thresholds need 0 ≤ marginal ≤ pass ≤ 100, got pass {pass} and marginal {marginal}")]
    Thresholds { pass: f64, marginal: f64 },
    #[error("the differences between canary and baseline values overflow (values near ±1.8e308)")]
    Overflow,
    #[error("the rate ratio under the null hypothesis must be a finite number > 0, got {0}")]
    NullRatio(f64),
}
