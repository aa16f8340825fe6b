//! Estimates from time series, whose points are not independent samples.
//!
//! A metric scraped every 15 s and read as `rate(x[5m])` at a 15 s step
//! gives points that share most of their data: neighbours are correlated
//! (lag-1 autocorrelation around 0.9 is common), so 40 points hold the
//! evidence of two or three. And replicas differ from each other by more
//! than their points vary in time. Two rules follow:
//!
//! - **Replicas are the unit** when a side has at least two: each replica
//!   gives one value (its mean, its log quantile, its slope), and the side's
//!   estimate is the mean of those values with standard error `sd / √R` and
//!   `R − 1` degrees of freedom ([`across_units`]). Time-correlation inside
//!   a replica is then already inside the spread of its mean, and so is any
//!   real difference between replicas: with 3 replicas a side the interval
//!   is wide, which is the honest answer.
//! - **One series** (no replica label, or a single replica) is judged by its
//!   mean with an effective number of independent points (the AR(1)
//!   variance inflation): `n_eff = n (1 − ρ) / (1 + ρ)` where ρ is the lag-1
//!   autocorrelation ([`effective_points`]). The sample estimate of ρ is
//!   biased low by about `(1 + 3ρ)/n` (Marriott & Pope 1954); we add
//!   `(1 + 4ρ̂)/n`, a little more, because the bias-corrected ρ̂ is itself
//!   noisy and under-correcting narrows the interval, and cap ρ at 0.98
//!   (at most 1 effective point in 100). Degrees of freedom `n_eff − 1`,
//!   at least 1. Validated by simulation in `scripts/sim` (A/A coverage of
//!   the 95% interval) and against NumPy in `scripts/reference`.
//! - **Slopes** (`kind: trend`): ordinary least squares per series; with one
//!   series its standard error is inflated by `(1 + ρ)/(1 − ρ)` in
//!   variance, ρ the residuals' lag-1 autocorrelation, corrected as above
//!   (for AR(1) errors and a linear time trend the OLS slope's variance
//!   inflation is `(1 + ρφ)/(1 − ρφ)` with φ ≈ 1 the regressor's own
//!   autocorrelation), with `n_eff − 2` degrees of freedom.

/// The largest lag-1 autocorrelation counted.
const MAX_RHO: f64 = 0.98;

/// A value with its standard error and degrees of freedom.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub value: f64,
    pub se: f64,
    pub df: f64,
    /// The effective independent points (one autocorrelated series).
    pub effective: Option<f64>,
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// The sample standard deviation (n − 1); 0 for fewer than two values.
pub fn sd(v: &[f64]) -> f64 {
    if v.len() < 2 {
        return 0.0;
    }
    let m = mean(v);
    (v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64).sqrt()
}

/// The lag-1 sample autocorrelation `Σ(x_t − x̄)(x_{t+1} − x̄) / Σ(x_t − x̄)²`
/// (what `statsmodels.tsa.acf(x)[1]` gives); 0 for a constant series or
/// fewer than 3 points.
pub fn lag1(v: &[f64]) -> f64 {
    if v.len() < 3 {
        return 0.0;
    }
    let m = mean(v);
    let denominator: f64 = v.iter().map(|x| (x - m) * (x - m)).sum();
    if denominator <= 0.0 {
        return 0.0;
    }
    let numerator: f64 = v.windows(2).map(|w| (w[0] - m) * (w[1] - m)).sum();
    numerator / denominator
}

/// The lag-1 autocorrelation counted for `n` points whose sample value is
/// `r1`: bias-corrected, in `[0, 0.98]`.
pub fn corrected_rho(r1: f64, n: usize) -> f64 {
    if n == 0 || !r1.is_finite() {
        return 0.0;
    }
    let r = r1 + (1.0 + 4.0 * r1.max(0.0)) / n as f64;
    r.clamp(0.0, MAX_RHO)
}

/// `n (1 − ρ) / (1 + ρ)`, at least 1, with ρ corrected from `r1`.
pub fn effective_points(n: usize, r1: f64) -> f64 {
    let rho = corrected_rho(r1, n);
    (n as f64 * (1.0 - rho) / (1.0 + rho)).max(1.0)
}

/// One series' mean, with its points counted as what they hold. `None`
/// without finite points.
pub fn series_mean(values: &[f64]) -> Option<Estimate> {
    let v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    let n_eff = effective_points(v.len(), lag1(&v));
    Some(Estimate {
        value: mean(&v),
        se: sd(&v) / n_eff.sqrt(),
        df: (n_eff - 1.0).max(1.0),
        effective: Some(n_eff),
    })
}

/// The least-squares slope of `values` over `times` (per unit of time) and
/// the residuals. `None` with fewer than 3 finite points or no spread in
/// time.
pub fn ols(times: &[f64], values: &[f64]) -> Option<(f64, f64, Vec<f64>)> {
    let points: Vec<(f64, f64)> = times
        .iter()
        .zip(values)
        .filter(|(t, v)| t.is_finite() && v.is_finite())
        .map(|(&t, &v)| (t, v))
        .collect();
    if points.len() < 3 {
        return None;
    }
    let n = points.len() as f64;
    let tm = points.iter().map(|p| p.0).sum::<f64>() / n;
    let vm = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - tm) * (p.0 - tm)).sum();
    if sxx <= 0.0 {
        return None;
    }
    let sxy: f64 = points.iter().map(|p| (p.0 - tm) * (p.1 - vm)).sum();
    let slope = sxy / sxx;
    // Centred, so that Unix-time seconds (~1.8e9) cancel exactly.
    let residuals = points
        .iter()
        .map(|p| (p.1 - vm) - slope * (p.0 - tm))
        .collect();
    Some((slope, sxx, residuals))
}

/// One series' slope with its standard error inflated for autocorrelated
/// residuals. `None` as for [`ols`].
pub fn series_slope(times: &[f64], values: &[f64]) -> Option<Estimate> {
    let (slope, sxx, residuals) = ols(times, values)?;
    let n = residuals.len();
    let sse: f64 = residuals.iter().map(|r| r * r).sum();
    let plain = (sse / (n as f64 - 2.0) / sxx).sqrt();
    let rho = corrected_rho(lag1(&residuals), n);
    let inflation = ((1.0 + rho) / (1.0 - rho)).sqrt();
    let n_eff = (n as f64 * (1.0 - rho) / (1.0 + rho)).max(1.0);
    Some(Estimate {
        value: slope,
        se: plain * inflation,
        df: (n_eff - 2.0).max(1.0),
        effective: Some(n_eff),
    })
}

/// Units (replicas) as the evidence: the mean of their values, standard
/// error `sd / √R`, `R − 1` degrees of freedom. `None` for fewer than 2.
pub fn across_units(values: &[f64]) -> Option<Estimate> {
    if values.len() < 2 || values.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let r = values.len() as f64;
    Some(Estimate {
        value: mean(values),
        se: sd(values) / r.sqrt(),
        df: r - 1.0,
        effective: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lag1_matches_the_textbook_estimator() {
        // numpy: x = [1, 3, 2, 5, 4, 6]; m = x.mean();
        // sum((x[:-1]-m)*(x[1:]-m)) / sum((x-m)**2) = 1.75 / 17.5 = 0.1
        let x = [1.0, 3.0, 2.0, 5.0, 4.0, 6.0];
        assert!((lag1(&x) - 0.1).abs() < 1e-15, "{}", lag1(&x));
        assert_eq!(lag1(&[2.0, 2.0, 2.0]), 0.0);
        assert_eq!(lag1(&[1.0, 2.0]), 0.0);
    }

    #[test]
    fn effective_points_shrink_with_autocorrelation() {
        // No correlation: the correction alone (ρ = 1/n).
        let n = effective_points(100, 0.0);
        assert!((n - 100.0 * 0.99 / 1.01).abs() < 1e-9, "{n}");
        // ρ̂ = 0.9 of 40 points: ρ = 0.9 + 4.6/40 = 1.015 → capped 0.98.
        let n = effective_points(40, 0.9);
        assert!((n - 40.0 * 0.02 / 1.98).max(1.0) - n < 1e-12 && n == 1.0);
        // Negative sample correlation counts as none (never more points).
        assert!(effective_points(50, -0.5) <= 50.0);
    }

    #[test]
    fn slope_of_a_line_and_its_inflated_error() {
        let t: Vec<f64> = (0..20).map(f64::from).collect();
        let v: Vec<f64> = t
            .iter()
            .map(|x| 3.0 * x + 1.0 + if (*x as i32) % 2 == 0 { 0.5 } else { -0.5 })
            .collect();
        let e = series_slope(&t, &v).unwrap();
        assert!((e.value - 3.0).abs() < 0.01, "{e:?}");
        // Alternating residuals: negative autocorrelation, no inflation.
        assert!(e.effective.unwrap() > 15.0, "{e:?}");
        assert!(series_slope(&[1.0, 1.0, 1.0], &[1.0, 2.0, 3.0]).is_none());
    }

    #[test]
    fn units_give_mean_sd_over_root_r() {
        let e = across_units(&[1.0, 2.0, 3.0]).unwrap();
        assert_eq!((e.value, e.df), (2.0, 2.0));
        assert!((e.se - 1.0 / 3f64.sqrt()).abs() < 1e-15);
        assert!(across_units(&[1.0]).is_none());
    }
}
