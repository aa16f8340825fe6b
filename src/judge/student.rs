//! Student's t distribution, for intervals and tests whose standard error is
//! itself estimated from few units (3 replicas a side, a handful of
//! effective points): the upper tail and its inverse, for any real degrees
//! of freedom (Welch–Satterthwaite gives fractional ones).
//!
//! The tail is `I_{df/(df+t²)}(df/2, 1/2) / 2` (the regularized incomplete
//! beta, statrs' continued fraction, checked so that bad input is never a
//! panic); past 10⁷ degrees of freedom, or with infinite ones, the normal
//! tail. The inverse is by bisection on the tail, to 1e-12. Checked against
//! SciPy's `scipy.stats.t` (`scripts/reference`).

use statrs::function::beta::checked_beta_reg;

use super::normal;

/// Above this, the t distribution is the normal one to double precision
/// for the probabilities used here.
const NORMAL_DF: f64 = 1e7;

/// P(T > t) for T ~ t(df). `df` ≤ 0 or NaN gives NaN.
pub fn sf(t: f64, df: f64) -> f64 {
    if df.is_nan() || df <= 0.0 || t.is_nan() {
        return f64::NAN;
    }
    if df > NORMAL_DF {
        return normal::sf(t);
    }
    if t.is_infinite() {
        return if t > 0.0 { 0.0 } else { 1.0 };
    }
    let x = df / (df + t * t);
    let half = 0.5 * checked_beta_reg(df / 2.0, 0.5, x).unwrap_or(f64::NAN);
    if t > 0.0 { half } else { 1.0 - half }
}

/// The `t` with P(T > t) = `upper_tail` (0 < upper_tail < 1).
pub fn isf(upper_tail: f64, df: f64) -> f64 {
    if !(upper_tail > 0.0 && upper_tail < 1.0) || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if df > NORMAL_DF {
        return normal::isf(upper_tail);
    }
    if upper_tail > 0.5 {
        return -isf(1.0 - upper_tail, df);
    }
    // The t quantile is above the normal one; double until bracketed.
    let (mut lo, mut hi) = (0.0_f64, normal::isf(upper_tail).max(1.0));
    while sf(hi, df) > upper_tail && hi < 1e300 {
        lo = hi;
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if sf(mid, df) > upper_tail {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-12 * hi.max(1.0) {
            break;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_quantiles() {
        // scipy.stats.t.isf(0.025, df)
        for (df, t) in [
            (1.0, 12.706_204_736_174_705),
            (2.0, 4.302_652_729_749_464),
            (4.0, 2.776_445_105_197_794_3),
            (10.0, 2.228_138_851_986_275_3),
            (4.5, 2.658_912_347_204_404),
        ] {
            let got = isf(0.025, df);
            assert!((got - t).abs() < 1e-9 * t, "df {df}: {got} vs {t}");
            assert!((sf(t, df) - 0.025).abs() < 1e-12, "df {df}");
        }
        assert!((isf(0.025, f64::INFINITY) - 1.959_963_984_540_054).abs() < 1e-12);
        assert!((sf(-1.0, 3.0) + sf(1.0, 3.0) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn bad_input_is_nan_not_a_panic() {
        assert!(sf(1.0, 0.0).is_nan());
        assert!(sf(f64::NAN, 3.0).is_nan());
        assert!(isf(0.0, 3.0).is_nan());
        assert!(isf(0.5, -1.0).is_nan());
        assert_eq!(sf(f64::INFINITY, 3.0), 0.0);
    }
}
