//! Errors over requests: the exact conditional test for two Poisson rates,
//! the rate ratio and its exact interval, and the exact binomial test of one
//! error rate against a fixed bound (an absolute SLO).
//!
//! Two rates: with `x₁` canary errors in `t₁` requests and `x₂` baseline
//! errors in `t₂`, conditioning on the total `N = x₁ + x₂` makes
//! `x₁ ~ Binomial(N, π)` with `π = R t₁ / (R t₁ + t₂)`, where R is the ratio
//! of the canary's rate to the baseline's (Przyborowski & Wilenski 1940;
//! Gu et al. 2008 doi:10.1002/bimj.200710403). The null hypothesis
//! "R ≤ R₀" (R₀ = 1 + tolerance) is then one binomial tail, exact for any
//! counts: a canary with errors against a baseline with none is flagged once
//! the canary's count is unlikely under R₀ (all N errors on the canary's
//! side has probability π₀^N), and two errors on tiny traffic are not.
//! The rate-ratio interval maps the Clopper–Pearson interval of π through
//! `R = π/(1 − π) · t₂/t₁`.
//!
//! Limits: the Poisson model treats each request as an independent chance of
//! error; for error rates near 1 the binomial variance is smaller and the
//! test is conservative. Counts must be whole numbers (round a Prometheus
//! `increase()` before passing it in).

use serde::Serialize;

use super::mann_whitney::Alternative;
use super::{JudgeError, binomial};

/// Errors out of requests on one side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub errors: u64,
    pub total: u64,
}

impl Counts {
    pub fn new(errors: u64, total: u64) -> Self {
        Counts { errors, total }
    }

    /// errors / total (0 when there are no requests).
    pub fn rate(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.errors as f64 / self.total as f64
        }
    }

    pub(crate) fn check(&self, side: &'static str) -> Result<(), JudgeError> {
        if self.errors > self.total {
            return Err(JudgeError::ErrorsExceedTotal {
                side,
                errors: self.errors,
                total: self.total,
            });
        }
        Ok(())
    }
}

/// The one-sided tail for `x` successes of `n` at probability `p`.
fn tail(x: u64, n: u64, p: f64, alternative: Alternative) -> f64 {
    // Two-sided doubles the smaller tail, as for the other tests of the
    // judge; SciPy's binomtest two-sided sums the outcomes no more likely
    // than x instead.
    alternative.p_value(|| binomial::sf(x, n, p), || binomial::cdf(x, n, p))
}

/// π₀ = R₀ t₁ / (R₀ t₁ + t₂), the canary's share of errors under the null.
pub fn null_share(canary: Counts, baseline: Counts, null_ratio: f64) -> f64 {
    let a = null_ratio * canary.total as f64;
    a / (a + baseline.total as f64)
}

/// The p-value of the conditional test of the canary's error rate against
/// `null_ratio` × the baseline's; `Greater`: the canary's rate is higher.
/// No errors at all (N = 0) gives p = 1.
pub fn poisson_ratio_test(
    canary: Counts,
    baseline: Counts,
    null_ratio: f64,
    alternative: Alternative,
) -> Result<f64, JudgeError> {
    canary.check("canary")?;
    baseline.check("baseline")?;
    if !(null_ratio.is_finite() && null_ratio > 0.0) {
        return Err(JudgeError::NullRatio(null_ratio));
    }
    if canary.total == 0 || baseline.total == 0 {
        return Err(JudgeError::EmptySample {
            side: if canary.total == 0 {
                "canary"
            } else {
                "baseline"
            },
        });
    }
    let n = canary.errors.saturating_add(baseline.errors);
    Ok(tail(
        canary.errors,
        n,
        null_share(canary, baseline, null_ratio),
        alternative,
    ))
}

/// The canary's rate over the baseline's; `None` when the baseline has no
/// errors (the ratio is infinite or undefined: use the difference).
pub fn rate_ratio(canary: Counts, baseline: Counts) -> Option<f64> {
    (baseline.errors > 0 && canary.total > 0).then(|| canary.rate() / baseline.rate())
}

/// The exact interval of the rate ratio (canary over baseline): the
/// Clopper–Pearson interval of the canary's share of the errors, mapped to a
/// ratio. No errors at all gives [0, ∞]; all errors on the canary's side
/// gives an infinite upper bound, and so does a side without requests.
pub fn rate_ratio_interval(canary: Counts, baseline: Counts, confidence: f64) -> (f64, f64) {
    if canary.total == 0 || baseline.total == 0 {
        return (0.0, f64::INFINITY);
    }
    let n = canary.errors.saturating_add(baseline.errors);
    let (lo, hi) = binomial::clopper_pearson(canary.errors, n, confidence);
    let exposure = baseline.total as f64 / canary.total as f64;
    let to_ratio = |p: f64| {
        if p >= 1.0 {
            f64::INFINITY
        } else {
            p / (1.0 - p) * exposure
        }
    };
    (to_ratio(lo), to_ratio(hi))
}

/// The exact binomial test of the canary's error rate against a fixed rate
/// `bound` (`Greater`: the rate is above it).
pub fn rate_bound_test(
    canary: Counts,
    bound: f64,
    alternative: Alternative,
) -> Result<f64, JudgeError> {
    canary.check("canary")?;
    if !(0.0..=1.0).contains(&bound) {
        return Err(JudgeError::RateBound(bound));
    }
    Ok(tail(canary.errors, canary.total, bound, alternative))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_error_baseline_at_high_traffic_is_significant() {
        let p = poisson_ratio_test(
            Counts::new(20, 100_000),
            Counts::new(0, 100_000),
            1.1,
            Alternative::Greater,
        )
        .unwrap();
        // All 20 errors on the canary's side: π₀^20 with π₀ = 1.1/2.1.
        assert!((p / (1.1f64 / 2.1).powi(20) - 1.0).abs() < 1e-12);
        let (lo, hi) = rate_ratio_interval(Counts::new(20, 100_000), Counts::new(0, 100_000), 0.95);
        assert!(lo > 4.0 && hi.is_infinite());
        assert_eq!(
            rate_ratio(Counts::new(20, 100_000), Counts::new(0, 100_000)),
            None
        );
    }

    #[test]
    fn two_errors_on_tiny_traffic_are_not() {
        let p = poisson_ratio_test(
            Counts::new(2, 50),
            Counts::new(0, 50),
            1.1,
            Alternative::Greater,
        );
        assert!(p.unwrap() > 0.2);
    }

    #[test]
    fn no_errors_at_all() {
        let p = poisson_ratio_test(
            Counts::new(0, 50),
            Counts::new(0, 50),
            1.1,
            Alternative::Greater,
        );
        assert_eq!(p.unwrap(), 1.0);
        let (lo, hi) = rate_ratio_interval(Counts::new(0, 50), Counts::new(0, 50), 0.95);
        assert_eq!((lo, hi), (0.0, f64::INFINITY));
    }

    #[test]
    fn huge_counts_do_not_overflow() {
        let huge = Counts::new(u64::MAX, u64::MAX);
        let p = poisson_ratio_test(huge, huge, 1.1, Alternative::Greater).unwrap();
        assert!((0.0..=1.0).contains(&p));
        let (lo, hi) = rate_ratio_interval(huge, huge, 0.95);
        assert!(lo <= hi);
    }

    #[test]
    fn bad_counts_are_errors() {
        assert!(
            poisson_ratio_test(Counts::new(5, 2), Counts::new(0, 5), 1.0, Alternative::Less)
                .is_err()
        );
        assert!(
            poisson_ratio_test(
                Counts::new(0, 2),
                Counts::new(0, 5),
                f64::NAN,
                Alternative::Less
            )
            .is_err()
        );
        assert!(rate_bound_test(Counts::new(0, 2), 1.5, Alternative::Less).is_err());
    }
}
