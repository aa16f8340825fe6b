//! The Hodges–Lehmann shift estimate — the median of all pairwise
//! differences `x_i − y_j` (canary − baseline) — with the distribution-free
//! Moses confidence interval obtained by inverting the Mann-Whitney test.
//!
//! Selection without enumeration ([`super::pairwise`]): each order
//! statistic of the n·m differences in about ten O(n + m) passes, exactly a
//! computed difference `fl(x_i − y_j)`, the same value NumPy's
//! `median(np.subtract.outer(x, y))` sees, in O(n + m) memory.
//!
//! Interval: [D(k), D(nm + 1 − k)] over the sorted differences D.
//! - exact (when Mann-Whitney's `Auto` rule picks exact): the largest k with
//!   P(U ≤ k − 1) ≤ (1 − confidence)/2;
//! - asymptotic: `k = ⌈nm/2 − 1/2 − z·σ⌉` with σ tie-corrected from the
//!   observed pooled sample and the continuity correction: exactly the
//!   shifts δ at which the one-sided asymptotic tests of `x − δ` against `y`
//!   do not reject at (1 − confidence)/2 each. R's `wilcox.test(conf.int =
//!   TRUE)` instead recomputes the tie pattern at each δ by root-finding; the
//!   two agree without ties.
//! - k < 1 (tiny samples, high confidence) leaves that side unbounded (±∞).
//!
//! References: Hodges & Lehmann (1963) doi:10.1214/aoms/1177704172;
//! Hollander, Wolfe & Chicken, *Nonparametric Statistical Methods*, §4.3.

use serde::Serialize;

use super::mann_whitney::{self, Method, Ranked};
use super::pairwise::Pairs;
use super::{JudgeError, mwu_exact, normal, sample};

/// The shift estimate and its confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HodgesLehmann {
    /// Median of the pairwise differences x − y.
    pub estimate: f64,
    pub lower: f64,
    pub upper: f64,
    pub confidence: f64,
    /// How the interval's order statistics were chosen.
    pub method: Method,
}

/// The interval's order-statistic index k (0 = unbounded).
fn critical_k(ranked: &Ranked, confidence: f64) -> (u64, Method) {
    let tail = (1.0 - confidence) / 2.0;
    if mann_whitney::use_exact(Method::Auto, ranked)
        && let Some(k) = mwu_exact::lower_critical(ranked.n1, ranked.n2, tail)
    {
        return (k, Method::Exact);
    }
    let mu = ranked.n1 as f64 * ranked.n2 as f64 / 2.0;
    let k = (mu - 0.5 - normal::isf(tail) * ranked.sigma()).ceil();
    // k ≤ mu − 0.5 < nm/2, so only the lower clamp can bind.
    (if k >= 1.0 { k as u64 } else { 0 }, Method::Asymptotic)
}

/// Hodges–Lehmann from sorted, finite, non-empty samples.
pub(crate) fn from_sorted(x: &[f64], y: &[f64], confidence: f64) -> HodgesLehmann {
    let ranked = mann_whitney::rank(x, y);
    let pairs = Pairs::new(x, y);
    let nm = pairs.total();
    let (k, method) = critical_k(&ranked, confidence);
    let (lower, upper) = if k == 0 {
        (f64::NEG_INFINITY, f64::INFINITY)
    } else {
        (pairs.kth(k), pairs.kth(nm + 1 - k))
    };
    let estimate = if nm % 2 == 1 {
        pairs.kth(nm / 2 + 1)
    } else {
        let a = pairs.kth(nm / 2);
        let b = if pairs.count_le(a) > nm / 2 {
            a
        } else {
            pairs.min_above(a)
        };
        sample::midpoint(a, b)
    };
    HodgesLehmann {
        estimate,
        lower,
        upper,
        confidence,
        method,
    }
}

/// The Hodges–Lehmann shift of `x` (canary) over `y` (baseline) with its
/// Moses confidence interval at `confidence` (e.g. 0.95).
pub fn hodges_lehmann(x: &[f64], y: &[f64], confidence: f64) -> Result<HodgesLehmann, JudgeError> {
    if !(confidence > 0.0 && confidence < 1.0) {
        return Err(JudgeError::Confidence(confidence));
    }
    let x = sample::sorted_finite(x, "first")?;
    let y = sample::sorted_finite(y, "second")?;
    Ok(from_sorted(&x, &y, confidence))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn interval_is_the_kth_order_statistics_by_brute_force() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for case in 0..200 {
            // Sizes on both sides of the exact rule (≤ 8), with and without ties.
            let n = rng.random_range(3..14);
            let m = rng.random_range(3..14);
            let tied = case % 3 == 0;
            let draw = |rng: &mut ChaCha8Rng| {
                let v: f64 = rng.random_range(0.0..20.0);
                if tied { v.round() } else { v }
            };
            let x: Vec<f64> = (0..n).map(|_| draw(&mut rng)).collect();
            let y: Vec<f64> = (0..m).map(|_| draw(&mut rng)).collect();
            let hl = hodges_lehmann(&x, &y, 0.95).unwrap();
            let d = crate::judge::pairwise::tests::sorted_differences(&x, &y);
            let nm = d.len();
            let med = if nm % 2 == 1 {
                d[nm / 2]
            } else {
                (d[nm / 2 - 1] + d[nm / 2]) / 2.0
            };
            assert_eq!(hl.estimate, med);

            // k from first principles: exact tail sums of brute-force counts,
            // or the normal approximation with ties and continuity.
            let (xs, ys) = (sample::clean(&x), sample::clean(&y));
            let ranked = mann_whitney::rank(&xs, &ys);
            let k = if mann_whitney::use_exact(Method::Auto, &ranked) {
                assert_eq!(hl.method, Method::Exact);
                brute_exact_k(n, m, 0.025)
            } else {
                assert_eq!(hl.method, Method::Asymptotic);
                let mu = (n * m) as f64 / 2.0;
                let k = (mu - 0.5 - 1.959963984540054 * ranked.sigma()).ceil();
                if k < 1.0 { 0 } else { k as usize }
            };
            if k == 0 {
                assert!(hl.lower.is_infinite() && hl.upper.is_infinite());
            } else {
                assert_eq!((hl.lower, hl.upper), (d[k - 1], d[nm - k]), "case {case}");
            }
            assert!(hl.lower <= hl.estimate && hl.estimate <= hl.upper);
        }
    }

    /// Largest k with P(U ≤ k−1) ≤ tail, from a brute-force U distribution.
    fn brute_exact_k(n: usize, m: usize, tail: f64) -> usize {
        let counts = mwu_exact::brute_counts(n, m);
        let total: u64 = counts.iter().sum();
        let mut cum = 0u64;
        counts
            .iter()
            .take_while(|&&c| {
                cum += c;
                cum as f64 / total as f64 <= tail
            })
            .count()
    }

    #[test]
    fn constant_and_identical_samples() {
        let hl = hodges_lehmann(&[3.0; 25], &[3.0; 25], 0.95).unwrap();
        assert_eq!((hl.estimate, hl.lower, hl.upper), (0.0, 0.0, 0.0));
        let hl = hodges_lehmann(&[5.0; 25], &[3.0; 30], 0.95).unwrap();
        assert_eq!((hl.estimate, hl.lower, hl.upper), (2.0, 2.0, 2.0));
    }

    #[test]
    fn tiny_samples_give_an_unbounded_interval() {
        let hl = hodges_lehmann(&[1.0, 2.0], &[3.0, 4.0], 0.95).unwrap();
        assert_eq!(hl.estimate, -2.0);
        assert!(hl.lower == f64::NEG_INFINITY && hl.upper == f64::INFINITY);
    }

    #[test]
    fn huge_values_do_not_panic() {
        let hl = hodges_lehmann(&[f64::MAX, -f64::MAX], &[-f64::MAX, f64::MAX], 0.95).unwrap();
        assert!(!hl.estimate.is_nan());
        assert!(hodges_lehmann(&[1.0], &[1.0], 1.0).is_err());
    }
}
