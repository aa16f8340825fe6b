//! Errors over requests counted per replica ([`Data::UnitCounts`]): the rate
//! ratio of the pooled counts, with the replica-to-replica spread beyond
//! Poisson counted (quasi-Poisson).
//!
//! The dispersion φ is Pearson's χ² of the replicas around their side's
//! pooled rate, `Σ (e − n·p)² / (n·p)` (Poisson variance), over its degrees
//! of freedom (replicas − 1 per side, summed): what a Poisson GLM with a
//! canary indicator and `scale="X2"` estimates (statsmodels; checked in
//! `src/judge/tests/series_reference.rs`).
//! When φ ≤ 1, or a side has fewer than 2 replicas, or a side has no
//! errors, the counts are judged as one Poisson pair, exactly ([`super::ratio`]).
//! Otherwise `ln(ratio) ± t(df) · sqrt(φ · (1/E_c + 1/E_b))`, and the
//! one-sided t test of `ln(ratio)` against `ln(1 ± tolerance)`
//! (McCullagh & Nelder, *Generalized Linear Models*, §6.2).
//!
//! [`Data::UnitCounts`]: crate::judge::Data::UnitCounts

use super::{
    Assessed, Judged, beyond, directed, inconclusive, log_edges, margin, no_data, ratio, t_test,
    unresolved,
};
use crate::judge::mann_whitney::Alternative;
use crate::judge::rates::Counts;
use crate::judge::result::{Estimate, Interval, Measure, MetricResult, Relative, TestMethod};
use crate::judge::spec::MetricSpec;
use crate::judge::student;

/// Pearson's dispersion of replicas around their pooled rate, and its
/// degrees of freedom.
pub fn dispersion(sides: &[&[Counts]]) -> (f64, f64) {
    let (mut chi2, mut df) = (0.0, 0.0);
    for side in sides {
        let (e, n) = side.iter().fold((0.0, 0.0), |(e, n), c| {
            (e + c.errors as f64, n + c.total as f64)
        });
        // Replicas without requests say nothing about the spread.
        let units = side.iter().filter(|c| c.total > 0).count();
        if n <= 0.0 || units < 2 {
            continue;
        }
        let p = e / n;
        for c in side.iter().filter(|c| c.total > 0) {
            let expected = c.total as f64 * p;
            if expected > 0.0 {
                let d = c.errors as f64 - expected;
                chi2 += d * d / expected;
            }
        }
        df += (units - 1) as f64;
    }
    if df > 0.0 {
        (chi2 / df, df)
    } else {
        (1.0, 0.0)
    }
}

fn pooled(side: &[Counts]) -> Counts {
    side.iter().fold(Counts::new(0, 0), |a, c| {
        Counts::new(
            a.errors.saturating_add(c.errors),
            a.total.saturating_add(c.total),
        )
    })
}

pub(super) fn assess(
    spec: &MetricSpec,
    result: MetricResult,
    baseline: &[Counts],
    canary: &[Counts],
) -> Judged {
    let (b, c) = (pooled(baseline), pooled(canary));
    let (phi, df) = dispersion(&[baseline, canary]);
    if phi <= 1.0 || df == 0.0 || b.errors == 0 || c.errors == 0 {
        return ratio::assess(spec, result, b, c);
    }
    if let Err(e) = b.check("baseline").and(c.check("canary")) {
        return Err(Box::new((result, e)));
    }
    if let Some(nodata) = no_data(&result, spec, "requests") {
        return Ok(nodata);
    }
    let mut result = result;
    let tol = spec.tolerance.value();
    let (up, down) = log_edges(tol);
    let log_ratio = (c.rate() / b.rate()).ln();
    let se = (phi * (1.0 / c.errors as f64 + 1.0 / b.errors as f64)).sqrt();
    let half = student::isf((1.0 - spec.confidence) / 2.0, df) * se;
    let (lower, upper) = (log_ratio - half, log_ratio + half);
    let test = |edge: f64, alternative: Alternative| {
        t_test(
            (log_ratio - edge) / se,
            df,
            alternative,
            TestMethod::QuasiPoissonT,
        )
    };
    let test = directed(spec.direction, (up, down), test);
    result.margin = Some(margin(spec.direction, up, down).exp());
    result.estimate = Some(Estimate {
        measure: Measure::RateRatio,
        value: log_ratio.exp(),
    });
    result.interval = Some(Interval {
        measure: Measure::RateRatio,
        confidence: spec.confidence,
        lower: lower.exp(),
        upper: upper.exp(),
    });
    result.relative = Some(Relative {
        value: log_ratio.exp() - 1.0,
        lower: lower.exp() - 1.0,
        upper: upper.exp() - 1.0,
    });
    result.test = Some(test);
    let spread = format!(
        "replicas spread {} times more than Poisson, counted",
        crate::judge::format::num(phi)
    );
    let note = if unresolved(spec.direction, lower, upper, up, down) {
        let units = |side: &[Counts]| u32::try_from(side.len()).ok();
        let tolerance = crate::judge::format::share(tol);
        format!(
            "{spread}; {}",
            inconclusive(units(baseline), units(canary), None, &tolerance)
        )
    } else {
        spread
    };
    Ok(Assessed {
        beyond: beyond(spec.direction, lower, upper, up, down),
        result,
        note: Some(note),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispersion_is_pearsons_chi_square_over_df() {
        // Rates 1%, 1%, 1%: no spread beyond Poisson.
        let even = [
            Counts::new(100, 10_000),
            Counts::new(100, 10_000),
            Counts::new(100, 10_000),
        ];
        assert_eq!(dispersion(&[&even]), (0.0, 2.0));
        // 50, 100, 150 errors of 10,000: χ² = (50² + 0 + 50²) / 100.
        let spread = [
            Counts::new(50, 10_000),
            Counts::new(100, 10_000),
            Counts::new(150, 10_000),
        ];
        let (phi, df) = dispersion(&[&spread]);
        assert_eq!(df, 2.0);
        assert!((phi - 50.0 / 2.0).abs() < 1e-12, "{phi}");
    }
}
