//! Binomial probabilities accurate in the far tails: the probability mass by
//! Loader's saddle-point method (the one R's `dbinom` uses), tails by summing
//! the mass outward from the observed count until the terms stop mattering,
//! and the exact Clopper–Pearson interval by bisection on those tails.
//!
//! Why not the regularized incomplete beta from statrs: its continued
//! fraction stops after 140 iterations, which is too few for counts in the
//! millions (and panics in the unchecked form). Summation needs about
//! 9·sqrt(npq) terms, each one multiply.
//!
//! Limits: above [`MAX_EXACT_N`] trials the tails use the normal
//! approximation with continuity correction (no service produces 1e12
//! errors in a deploy window, but huge input must not hang).
//! References: C. Loader (2000), "Fast and Accurate Computation of Binomial
//! Probabilities"; Clopper & Pearson (1934) doi:10.1093/biomet/26.4.404.

use super::normal;

/// Above this many trials, tails use the normal approximation.
pub const MAX_EXACT_N: u64 = 1_000_000_000_000;

const LN_2PI: f64 = 1.837_877_066_409_345_5;

/// ln(n!) − ln(sqrt(2πn) (n/e)^n), Stirling's error, for n ≥ 1.
fn stirlerr(n: f64) -> f64 {
    // Exact values for n = 1..=15 (mpmath, 40 digits, rounded).
    #[allow(clippy::excessive_precision)]
    const SMALL: [f64; 15] = [
        0.081_061_466_795_327_26,
        0.041_340_695_955_409_294,
        0.027_677_925_684_998_339,
        0.020_790_672_103_765_093,
        0.016_644_691_189_821_192,
        0.013_876_128_823_070_748,
        0.011_896_709_945_891_77,
        0.010_411_265_261_972_096,
        0.009_255_462_182_712_733,
        0.008_330_563_433_362_871,
        0.007_573_675_487_951_841,
        0.006_942_840_107_209_53,
        0.006_408_994_188_004_207,
        0.005_951_370_112_758_848,
        0.005_554_733_551_962_801,
    ];
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    if n <= 15.0 {
        return SMALL[(n as usize).clamp(1, 15) - 1];
    }
    let nn = n * n;
    if n > 500.0 {
        (S0 - S1 / nn) / n
    } else if n > 80.0 {
        (S0 - (S1 - S2 / nn) / nn) / n
    } else if n > 35.0 {
        (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n
    } else {
        (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n
    }
}

/// x·ln(x/np) + np − x, without cancellation when x ≈ np.
fn bd0(x: f64, np: f64) -> f64 {
    if (x - np).abs() < 0.1 * (x + np) {
        let mut v = (x - np) / (x + np);
        let mut s = (x - np) * v;
        let mut ej = 2.0 * x * v;
        v *= v;
        for j in 1..1000 {
            ej *= v;
            let s1 = s + ej / f64::from(2 * j + 1);
            if s1 == s {
                return s1;
            }
            s = s1;
        }
        return s;
    }
    x * (x / np).ln() + np - x
}

/// P(X = k) for X ~ Binomial(n, p).
pub fn pmf(k: u64, n: u64, p: f64) -> f64 {
    let q = 1.0 - p;
    if k > n {
        return 0.0;
    }
    if p <= 0.0 {
        return if k == 0 { 1.0 } else { 0.0 };
    }
    if q <= 0.0 {
        return if k == n { 1.0 } else { 0.0 };
    }
    let (kf, nf) = (k as f64, n as f64);
    if k == 0 {
        let lc = if p < 0.1 {
            -bd0(nf, nf * q) - nf * p
        } else {
            nf * q.ln()
        };
        return lc.exp();
    }
    if k == n {
        let lc = if q < 0.1 {
            -bd0(nf, nf * p) - nf * q
        } else {
            nf * p.ln()
        };
        return lc.exp();
    }
    let lc =
        stirlerr(nf) - stirlerr(kf) - stirlerr(nf - kf) - bd0(kf, nf * p) - bd0(nf - kf, nf * q);
    let lf = LN_2PI + kf.ln() + (-kf / nf).ln_1p();
    (lc - 0.5 * lf).exp()
}

/// Σ pmf(j) from j = k moving away from the mean (up when `upward`).
fn tail_sum(k: u64, n: u64, p: f64, upward: bool) -> f64 {
    let q = 1.0 - p;
    let mut term = pmf(k, n, p);
    let mut sum = term;
    let mut j = k;
    loop {
        if upward {
            if j >= n {
                break;
            }
            term *= (n - j) as f64 / (j + 1) as f64 * (p / q);
            j += 1;
        } else {
            if j == 0 {
                break;
            }
            term *= j as f64 / (n - j + 1) as f64 * (q / p);
            j -= 1;
        }
        sum += term;
        if term <= sum * 1e-17 {
            break;
        }
    }
    sum
}

/// P(X ≥ k) for X ~ Binomial(n, p).
pub fn sf(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    if n > MAX_EXACT_N {
        let (nf, kf) = (n as f64, k as f64);
        return normal::sf((kf - 0.5 - nf * p) / (nf * p * (1.0 - p)).sqrt());
    }
    if k as f64 > n as f64 * p {
        tail_sum(k, n, p, true).min(1.0)
    } else {
        (1.0 - tail_sum(k - 1, n, p, false)).max(0.0)
    }
}

/// P(X ≤ k) for X ~ Binomial(n, p).
pub fn cdf(k: u64, n: u64, p: f64) -> f64 {
    // P(X ≤ k) = P(n − X ≥ n − k) with n − X ~ Binomial(n, 1 − p).
    if k >= n {
        return 1.0;
    }
    sf(n - k, n, 1.0 - p)
}

/// Bisection over the bit patterns of p in [0, 1] (ordered like the values)
/// for the boundary where `below(p)` turns false; `below` must be monotone.
fn bisect_p(below: impl Fn(f64) -> bool) -> f64 {
    let (mut lo, mut hi) = (0u64, 1f64.to_bits());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if below(f64::from_bits(mid)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    f64::from_bits(lo)
}

/// The exact (Clopper–Pearson) two-sided interval for the success
/// probability after `x` successes in `n` trials, as SciPy's
/// `binomtest(x, n).proportion_ci(confidence, method="exact")`.
/// With n = 0 the interval is [0, 1].
pub fn clopper_pearson(x: u64, n: u64, confidence: f64) -> (f64, f64) {
    let tail = (1.0 - confidence) / 2.0;
    let x = x.min(n);
    // Lower: P(X ≥ x | p) = tail, increasing in p.
    let lower = if x == 0 {
        0.0
    } else {
        bisect_p(|p| sf(x, n, p) < tail)
    };
    // Upper: P(X ≤ x | p) = tail, decreasing in p.
    let upper = if x == n {
        1.0
    } else {
        bisect_p(|p| cdf(x, n, p) > tail)
    };
    (lower, upper)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact binomial probabilities for small n from integer coefficients.
    fn exact_pmf(k: u64, n: u64, p: f64) -> f64 {
        let mut c = 1u128;
        for i in 0..k as u128 {
            c = c * (n as u128 - i) / (i + 1);
        }
        c as f64 * p.powi(k as i32) * (1.0 - p).powi((n - k) as i32)
    }

    #[test]
    fn pmf_matches_exact_for_small_n() {
        for n in [1u64, 2, 5, 17, 40, 90] {
            for p in [0.01, 0.3, 0.5, 0.77, 0.999] {
                for k in 0..=n {
                    let (a, b) = (pmf(k, n, p), exact_pmf(k, n, p));
                    assert!(
                        (a - b).abs() <= 1e-12 * b + 1e-300,
                        "n={n} p={p} k={k}: {a} vs {b}"
                    );
                }
            }
        }
    }

    #[test]
    fn tails_sum_to_one_and_handle_edges() {
        for (k, n, p) in [(3u64, 10u64, 0.2), (50, 100, 0.5), (5000, 1_000_000, 0.005)] {
            let total = sf(k, n, p) + cdf(k - 1, n, p);
            assert!((total - 1.0).abs() < 1e-12, "{k} {n} {p}: {total}");
        }
        assert_eq!(sf(0, 0, 0.5), 1.0);
        assert_eq!(sf(1, 0, 0.5), 0.0);
        assert_eq!(cdf(0, 0, 0.5), 1.0);
        assert_eq!(sf(3, 10, 0.0), 0.0);
        assert_eq!(sf(3, 10, 1.0), 1.0);
        assert!(sf(u64::MAX / 2, u64::MAX, 0.5) > 0.4);
    }

    #[test]
    fn clopper_pearson_edges() {
        assert_eq!(clopper_pearson(0, 0, 0.95), (0.0, 1.0));
        let (lo, hi) = clopper_pearson(0, 10, 0.95);
        assert_eq!(lo, 0.0);
        // 1 − 0.025^(1/10)
        assert!((hi - (1.0 - 0.025f64.powf(0.1))).abs() < 1e-14);
        let (lo, hi) = clopper_pearson(20, 20, 0.95);
        assert!((lo - 0.025f64.powf(1.0 / 20.0)).abs() < 1e-14);
        assert_eq!(hi, 1.0);
    }
}
