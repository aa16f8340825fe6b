//! A quantile read from a classic histogram's cumulative bucket counts.
//!
//! Prometheus's `histogram_quantile` interpolates linearly inside the
//! bucket that holds the quantile. With the default buckets (each about
//! 2–2.5× the previous) that bends the reading towards the bucket's middle:
//! a true +20% can read as anything from +4% to +47% depending on where the
//! quantile sits. Latencies are close to log-normal, so greenlight
//! interpolates where a log-normal distribution is a straight line: the
//! probit of the cumulative share against the log of the bound. Between the
//! bucket's edges `lo` and `hi` with cumulative shares `F_lo` and `F_hi`,
//!
//! ```text
//! z(x) = Φ⁻¹(F_lo) + (Φ⁻¹(F_hi) − Φ⁻¹(F_lo)) · ln(x/lo) / ln(hi/lo)
//! x_q  = the x with z(x) = Φ⁻¹(q)
//! ```
//!
//! which is exact for a log-normal distribution whatever the buckets, and
//! never leaves the bucket. Where a share is 0 or 1 (an empty neighbour
//! bucket) the probit is infinite, so the reading falls back to linear in
//! `ln x`; in the first bucket (lower edge 0) it is linear in `x`, as
//! Prometheus does. A quantile in the `+Inf` bucket cannot be read: only
//! that it is above the largest finite bound.
//!
//! The standard error of `ln x_q` from one histogram is the sample
//! quantile's: `sqrt(q(1 − q)/N) / f(ln x_q)`, with `f` the interpolated
//! density of `ln x` (the delta method; observations counted as
//! independent, which holds within a replica far better than across them).

use super::normal;

/// Where the quantile was read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    /// The quantile, in the histogram's unit.
    pub value: f64,
    /// The standard error of `ln value`.
    pub log_se: f64,
    /// The bucket it lies in: `(lo, hi]`.
    pub lower: f64,
    pub upper: f64,
    /// Observations counted.
    pub count: f64,
}

/// Why a quantile cannot be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HistogramError {
    #[error("no observations in the window")]
    Empty,
    #[error("the buckets have no `+Inf` bucket")]
    NoInf,
    #[error(
        "the quantile lies above the largest finite bucket bound ({0}): the buckets cannot measure it"
    )]
    AboveLargest(f64),
}

fn phi_inv(p: f64) -> f64 {
    normal::isf(1.0 - p)
}

/// Reads quantile `q` from `buckets`: `(upper bound, cumulative count)`
/// sorted by bound, the last one `+Inf`. Counts are made non-decreasing
/// first (a scrape can see buckets a moment apart).
pub fn quantile(buckets: &[(f64, f64)], q: f64) -> Result<Reading, HistogramError> {
    let Some(&(last, _)) = buckets.last() else {
        return Err(HistogramError::Empty);
    };
    if last != f64::INFINITY {
        return Err(HistogramError::NoInf);
    }
    let mut cumulative = Vec::with_capacity(buckets.len());
    let mut running: f64 = 0.0;
    for &(le, c) in buckets {
        running = running.max(if c.is_finite() { c } else { 0.0 });
        cumulative.push((le, running));
    }
    let total = running;
    if total <= 0.0 {
        return Err(HistogramError::Empty);
    }
    let rank = q * total;
    let i = cumulative
        .iter()
        .position(|&(_, c)| c >= rank)
        .unwrap_or(cumulative.len() - 1);
    let (hi, c_hi) = cumulative[i];
    let (lo, c_lo) = if i == 0 {
        (0.0, 0.0)
    } else {
        cumulative[i - 1]
    };
    if hi == f64::INFINITY {
        return Err(HistogramError::AboveLargest(lo));
    }
    let (f_lo, f_hi) = (c_lo / total, c_hi / total);
    let se_share = (q * (1.0 - q) / total).sqrt();
    if lo <= 0.0 || hi <= lo {
        // The first bucket: linear in x, as Prometheus reads it.
        let width = f_hi - f_lo;
        let value = if width > 0.0 {
            lo + (hi - lo) * (q - f_lo) / width
        } else {
            hi
        };
        // d(ln x)/dF = (hi − lo) / (width · x).
        let log_se = if width > 0.0 && value > 0.0 {
            se_share * (hi - lo) / (width * value)
        } else {
            f64::INFINITY
        };
        return Ok(Reading {
            value,
            log_se,
            lower: lo,
            upper: hi,
            count: total,
        });
    }
    let span = (hi / lo).ln();
    let (z_lo, z_hi) = (phi_inv(f_lo), phi_inv(f_hi));
    let (value, slope_per_log) = if z_lo.is_finite() && z_hi.is_finite() && z_hi > z_lo {
        let b = (z_hi - z_lo) / span;
        let zq = phi_inv(q);
        let ln_x = lo.ln() + (zq - z_lo) / b;
        // dF/d(ln x) = b · φ(z).
        (ln_x.exp(), b * super::normal::pdf(zq))
    } else {
        let width = f_hi - f_lo;
        let t = if width > 0.0 { (q - f_lo) / width } else { 1.0 };
        ((lo.ln() + t * span).exp(), width / span)
    };
    let log_se = if slope_per_log > 0.0 {
        se_share / slope_per_log
    } else {
        f64::INFINITY
    };
    Ok(Reading {
        value: value.clamp(lo, hi),
        log_se,
        lower: lo,
        upper: hi,
        count: total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cumulative counts of a log-normal(μ, σ) sample of `n` at `bounds`.
    fn lognormal(mu: f64, sigma: f64, n: f64, bounds: &[f64]) -> Vec<(f64, f64)> {
        bounds
            .iter()
            .map(|&b| {
                let f = if b == f64::INFINITY {
                    1.0
                } else {
                    normal::sf(-((b.ln() - mu) / sigma))
                };
                (b, n * f)
            })
            .collect()
    }

    const DEFAULT: [f64; 12] = [
        0.005,
        0.01,
        0.025,
        0.05,
        0.1,
        0.25,
        0.5,
        1.0,
        2.5,
        5.0,
        10.0,
        f64::INFINITY,
    ];

    #[test]
    fn exact_for_a_log_normal_in_the_default_buckets() {
        // p95 of log-normal(ln 0.1, 0.5) is 0.1·e^{0.5·1.6449} = 0.2276;
        // a +20% shift reads as +20% (linear interpolation: +4% to +47%).
        for (mu, sigma) in [((0.1f64).ln(), 0.5), ((0.03f64).ln(), 0.8)] {
            let truth = (mu + sigma * 1.644_853_626_951_472_2).exp();
            let base = quantile(&lognormal(mu, sigma, 1e6, &DEFAULT), 0.95).unwrap();
            assert!((base.value / truth - 1.0).abs() < 1e-9, "{base:?} {truth}");
            let shifted =
                quantile(&lognormal(mu + 1.2f64.ln(), sigma, 1e6, &DEFAULT), 0.95).unwrap();
            assert!((shifted.value / base.value - 1.2).abs() < 1e-9);
        }
    }

    #[test]
    fn standard_error_is_the_sample_quantiles() {
        // Var(ln x_q) = q(1−q) / (N f(ln x_q)²), f the normal(μ, σ) density:
        // σ · sqrt(q(1−q)/N) / φ(z_q).
        let (mu, sigma, n) = ((0.1f64).ln(), 0.5, 10_000.0);
        let r = quantile(&lognormal(mu, sigma, n, &DEFAULT), 0.95).unwrap();
        let want =
            sigma * (0.95f64 * 0.05 / n).sqrt() / super::normal::pdf(1.644_853_626_951_472_2);
        assert!((r.log_se / want - 1.0).abs() < 1e-9, "{} {want}", r.log_se);
        assert_eq!((r.lower, r.upper), (0.1, 0.25));
    }

    #[test]
    fn edges_and_bad_layouts() {
        assert_eq!(quantile(&[], 0.95), Err(HistogramError::Empty));
        assert_eq!(quantile(&[(1.0, 5.0)], 0.95), Err(HistogramError::NoInf));
        assert_eq!(
            quantile(&[(1.0, 0.0), (f64::INFINITY, 0.0)], 0.5),
            Err(HistogramError::Empty)
        );
        assert_eq!(
            quantile(&[(1.0, 50.0), (f64::INFINITY, 100.0)], 0.95),
            Err(HistogramError::AboveLargest(1.0))
        );
        // First bucket: linear from 0.
        let r = quantile(&[(1.0, 100.0), (f64::INFINITY, 100.0)], 0.5).unwrap();
        assert!((r.value - 0.5).abs() < 1e-12);
        // Counts that dip (buckets scraped a moment apart) are evened out.
        let r = quantile(&[(0.1, 10.0), (0.2, 9.0), (f64::INFINITY, 10.0)], 0.5).unwrap();
        assert!(r.value <= 0.1);
    }
}
