//! The standard normal distribution's upper tail and quantile: the tail
//! from `libm`'s `erfc` (FreeBSD msun's, ~1 ulp, what SciPy's
//! `special.ndtr(-z)` gives too; statrs' is off by ~1e-10 relative, too
//! much for 1e-9 reference checks), the quantile from statrs' `erfc_inv`
//! polished by two Newton steps on that tail.

use statrs::function::erf::erfc_inv;
use std::f64::consts::{PI, SQRT_2};

use libm::erfc;

/// P(Z > z) for a standard normal Z; 1 at -∞, 0 at +∞, 1 for NaN.
pub fn sf(z: f64) -> f64 {
    if z.is_nan() {
        return 1.0;
    }
    0.5 * erfc(z / SQRT_2)
}

/// The standard normal density at z.
pub fn pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * PI).sqrt()
}

/// The z with P(Z > z) = `upper_tail`, for `upper_tail` in (0, 1).
pub fn isf(upper_tail: f64) -> f64 {
    if !(upper_tail > 0.0 && upper_tail < 1.0) {
        return if upper_tail >= 1.0 {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    let mut z = SQRT_2 * erfc_inv(2.0 * upper_tail);
    for _ in 0..2 {
        let density = pdf(z);
        if density > 0.0 {
            z += (sf(z) - upper_tail) / density;
        }
    }
    z
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // mpmath at 50 digits (SciPy's ndtr is within ~3e-14 of these).
        let cases = [
            (0.0, 0.5),
            (1.959963984540054, 0.025),
            (1.0, 0.15865525393145707),
            (8.0, 6.220960574271784e-16),
            (-3.0, 0.9986501019683699),
            (20.0, 2.7536241186062337e-89),
        ];
        for (z, want) in cases {
            let got = sf(z);
            // The argument z/√2 is rounded; erfc amplifies that by 2(z/√2)²ε.
            assert!(
                (got / want - 1.0).abs() < 1e-13,
                "sf({z}) = {got}, want {want}"
            );
        }
        assert!((isf(0.025) - 1.959963984540054).abs() < 1e-14);
        assert!((isf(1e-10) - 6.361340902404056).abs() < 1e-12);
        assert_eq!(sf(f64::NEG_INFINITY), 1.0);
        assert_eq!(sf(f64::INFINITY), 0.0);
    }

    #[test]
    fn erfc_special_values_and_symmetry() {
        assert_eq!(erfc(0.0), 1.0);
        assert_eq!(erfc(f64::INFINITY), 0.0);
        assert_eq!(erfc(f64::NEG_INFINITY), 2.0);
        assert!(erfc(f64::NAN).is_nan());
        assert_eq!(erfc(30.0), 0.0);
        for x in [0.1, 0.5, 0.9, 1.3, 3.0, 6.0] {
            assert!((erfc(x) + erfc(-x) - 2.0).abs() < 1e-15);
        }
    }
}
