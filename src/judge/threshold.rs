//! One sample against a fixed bound (an absolute SLO, "p95 latency below
//! 300 ms"): the exact sign test on the median, and the distribution-free
//! interval for the median from order statistics.
//!
//! Why the sign test: per-step latency, CPU or memory values are skewed and
//! often tied, so a test that assumes symmetry (Wilcoxon signed-rank, whose
//! Hodges–Lehmann pseudo-median is not the median for skewed data) would
//! judge a quantity the user did not ask about. The sign test asks exactly
//! "is the typical (median) value beyond the bound", is exact for any n,
//! and needs no assumption but independence. Values equal to the bound are
//! dropped (the classic convention, Hollander, Wolfe & Chicken §3.4).
//!
//! Interval: [x(l), x(n+1−l)] with l the largest index such that
//! P(Binomial(n, ½) ≤ l − 1) ≤ (1 − confidence)/2; coverage is at least the
//! confidence. Too few values for that leave the side unbounded (±∞).

use serde::Serialize;

use super::binomial;
use super::mann_whitney::Alternative;

/// Counts on each side of the bound and the p-value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SignTest {
    pub above: u64,
    pub below: u64,
    pub p_value: f64,
}

/// The sign test of "the median is `theta`" (`Greater`: the median is above).
pub fn sign_test(values: &[f64], theta: f64, alternative: Alternative) -> SignTest {
    let above = values.iter().filter(|&&v| v > theta).count() as u64;
    let below = values.iter().filter(|&&v| v < theta).count() as u64;
    let n = above + below;
    let p_value = alternative.p_value(
        || binomial::sf(above, n, 0.5),
        || binomial::sf(below, n, 0.5),
    );
    SignTest {
        above,
        below,
        p_value,
    }
}

/// The distribution-free interval for the median of a sorted sample.
pub fn median_interval(sorted: &[f64], confidence: f64) -> (f64, f64) {
    let n = sorted.len() as u64;
    let tail = (1.0 - confidence) / 2.0;
    // Largest l with P(B ≤ l − 1) ≤ tail; P(B ≤ l − 1) grows with l, and
    // l ≤ n/2 + 1 since P(B ≤ n/2) ≥ ½ > tail.
    // Binary search: the largest l in 0..=n/2+1 whose P(B ≤ l − 1) ≤ tail.
    let (mut lo, mut hi) = (0u64, n / 2 + 1);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if binomial::cdf(mid - 1, n, 0.5) <= tail {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let l = lo;
    if l == 0 {
        return (f64::NEG_INFINITY, f64::INFINITY);
    }
    (sorted[(l - 1) as usize], sorted[(n - l) as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// P(B ≤ j) for B ~ Binomial(n, ½) from exact integer counts.
    fn exact_cdf_half(j: u64, n: u64) -> f64 {
        let mut c = 1u128;
        let mut sum = 0u128;
        for i in 0..=j {
            sum += c;
            c = c * (n - i) as u128 / (i + 1) as u128;
        }
        sum as f64 / 2f64.powi(n as i32)
    }

    #[test]
    fn median_interval_matches_brute_force_indices() {
        for n in 1..=60u64 {
            let xs: Vec<f64> = (1..=n).map(|v| v as f64).collect();
            let (lo, hi) = median_interval(&xs, 0.95);
            let l = (1..=n)
                .take_while(|&l| exact_cdf_half(l - 1, n) <= 0.025)
                .last()
                .unwrap_or(0);
            if l == 0 {
                assert!(lo.is_infinite() && hi.is_infinite(), "n={n}");
            } else {
                assert_eq!((lo, hi), (l as f64, (n + 1 - l) as f64), "n={n}");
            }
        }
    }

    #[test]
    fn sign_test_drops_values_at_the_bound() {
        let t = sign_test(&[1.0, 2.0, 3.0, 3.0, 4.0, 5.0], 3.0, Alternative::Greater);
        assert_eq!((t.above, t.below), (2, 2));
        assert!((t.p_value - 11.0 / 16.0).abs() < 1e-15);
        let t = sign_test(&[3.0; 5], 3.0, Alternative::TwoSided);
        assert_eq!(t.p_value, 1.0);
    }
}
