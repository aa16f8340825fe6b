//! The Hodges–Lehmann shift estimate — the median of all pairwise
//! differences `x_i − y_j` (canary − baseline) — with the distribution-free
//! Moses confidence interval obtained by inverting the Mann-Whitney test.
//!
//! Selection without enumeration: with both samples sorted, the pairwise
//! differences form an implicit matrix sorted along rows and columns, so the
//! number of differences `≤ t` is counted in O(n + m) with two pointers
//! (Johnson & Mizoguchi 1978, Monahan 1984 select from the same matrix with
//! random pivots). The k-th smallest difference is found by bisection over
//! the *bit patterns* of f64 (ordered like the values), at most 64 counts:
//! the result is exactly a computed difference `fl(x_i − y_j)`, the same
//! value NumPy's `median(np.subtract.outer(x, y))` sees, in O(n + m) memory.
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

/// A total order on f64 as i64 (−∞ < … < −0 < +0 < … < +∞); its own inverse.
fn key(v: f64) -> i64 {
    let b = v.to_bits() as i64;
    if b < 0 { b ^ i64::MAX } else { b }
}

fn from_key(k: i64) -> f64 {
    let b = if k < 0 { k ^ i64::MAX } else { k };
    f64::from_bits(b as u64)
}

/// How many computed differences `fl(x_i − y_j)` are ≤ t (x, y sorted).
fn count_le(x: &[f64], y: &[f64], t: f64) -> u64 {
    let m = y.len();
    let mut j = 0usize;
    let mut count = 0u64;
    for &xi in x {
        // fl(xi − y_j) is non-increasing in j and non-decreasing in xi, so
        // the first j with a difference ≤ t only moves right.
        while j < m && xi - y[j] > t {
            j += 1;
        }
        count += (m - j) as u64;
    }
    count
}

/// The smallest computed difference `fl(x_i − y_j)` above t (+∞ if none).
fn min_above(x: &[f64], y: &[f64], t: f64) -> f64 {
    let mut j = 0usize;
    let mut best = f64::INFINITY;
    for &xi in x {
        // Row i's differences above t are those at j < j_i; the smallest is at j_i − 1.
        while j < y.len() && xi - y[j] > t {
            j += 1;
        }
        if j > 0 {
            best = best.min(xi - y[j - 1]);
        }
    }
    best
}

/// The k-th smallest (1-based) pairwise difference x_i − y_j, searched
/// between `lo` and `hi` (which must bracket it); x and y sorted, non-empty.
fn kth_between(x: &[f64], y: &[f64], k: u64, lo: f64, hi: f64) -> f64 {
    let (mut lo, mut hi) = (key(lo), key(hi));
    while lo < hi {
        let mid = (lo as i128 + (hi as i128 - lo as i128) / 2) as i64;
        if count_le(x, y, from_key(mid)) >= k {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    from_key(lo)
}

/// The k-th smallest (1-based, clamped to 1..=nm) pairwise difference.
pub(crate) fn kth_difference(x: &[f64], y: &[f64], k: u64) -> f64 {
    let (Some(&x0), Some(&xn), Some(&y0), Some(&ym)) = (x.first(), x.last(), y.first(), y.last())
    else {
        return f64::NAN;
    };
    let nm = x.len() as u64 * y.len() as u64;
    kth_between(x, y, k.clamp(1, nm), x0 - ym, xn - y0)
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
    let nm = x.len() as u64 * y.len() as u64;
    let (k, method) = critical_k(&ranked, confidence);
    let (lower, upper) = if k == 0 {
        (f64::NEG_INFINITY, f64::INFINITY)
    } else {
        (kth_difference(x, y, k), kth_difference(x, y, nm + 1 - k))
    };
    // The median lies inside any interval of confidence ≥ 0 around it: when
    // bounded, search only between the bounds (fewer bisection steps).
    let median_k = |k: u64| match (lower.is_finite(), upper.is_finite()) {
        (true, true) => kth_between(x, y, k, lower, upper),
        _ => kth_difference(x, y, k),
    };
    let estimate = if nm % 2 == 1 {
        median_k(nm / 2 + 1)
    } else {
        let a = median_k(nm / 2);
        let b = if count_le(x, y, a) > nm / 2 {
            a
        } else {
            min_above(x, y, a)
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

    fn brute_sorted_differences(x: &[f64], y: &[f64]) -> Vec<f64> {
        let mut d: Vec<f64> = x
            .iter()
            .flat_map(|a| y.iter().map(move |b| a - b))
            .collect();
        d.sort_by(f64::total_cmp);
        d
    }

    #[test]
    fn keys_order_like_values() {
        let vals = [
            f64::NEG_INFINITY,
            -1e300,
            -1.0,
            -1e-300,
            -0.0,
            0.0,
            1e-300,
            1.0,
            f64::INFINITY,
        ];
        for w in vals.windows(2) {
            assert!(key(w[0]) < key(w[1]));
            assert_eq!(from_key(key(w[0])).to_bits(), w[0].to_bits());
        }
    }

    #[test]
    fn selection_matches_enumeration_with_and_without_ties() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for case in 0..300 {
            let n = rng.random_range(1..25);
            let m = rng.random_range(1..25);
            let tied = case % 2 == 0;
            let draw = |rng: &mut ChaCha8Rng| {
                let v: f64 = rng.random_range(-50.0..50.0);
                if tied { v.round() } else { v }
            };
            let mut x: Vec<f64> = (0..n).map(|_| draw(&mut rng)).collect();
            let mut y: Vec<f64> = (0..m).map(|_| draw(&mut rng)).collect();
            x.sort_by(f64::total_cmp);
            y.sort_by(f64::total_cmp);
            let d = brute_sorted_differences(&x, &y);
            for k in [1, d.len() / 3 + 1, d.len() / 2 + 1, d.len()] {
                assert_eq!(
                    kth_difference(&x, &y, k as u64),
                    d[k - 1],
                    "case {case} k {k}"
                );
            }
        }
    }

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
            let d = brute_sorted_differences(&x, &y);
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
