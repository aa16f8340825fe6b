//! The canary against a fixed bound (absolute SLO): the median of its
//! samples by the exact sign test, or its error rate by the exact binomial
//! test with the Clopper–Pearson interval.
//!
//! Edges: relative tolerance is a fraction of the bound
//! (`bound × (1 ± tolerance)`), absolute is added to it (samples only).
//! As everywhere in the judge, the canary is flagged only on evidence:
//! its interval wholly beyond the edge and the adjusted p-value below α.

use super::{Assessed, Judged, OneSided, beyond, directed, margin, no_data};
use crate::judge::mann_whitney::Alternative;
use crate::judge::rates::{self, Counts};
use crate::judge::result::{
    Estimate, Interval, Measure, MetricResult, Relative, TestMethod, TestResult,
};
use crate::judge::spec::{MetricSpec, Tolerance};
use crate::judge::{JudgeError, binomial, sample, threshold};

/// Estimate, interval, relative change and test, filled in one place.
fn fill(
    mut result: MetricResult,
    spec: &MetricSpec,
    measure: Measure,
    (estimate, lower, upper): (f64, f64, f64),
    bound: f64,
    test: TestResult,
    (up, down): (f64, f64),
) -> Assessed {
    result.margin = Some(margin(spec.direction, up, down));
    result.estimate = Some(Estimate {
        measure,
        value: estimate,
    });
    result.interval = Some(Interval {
        measure,
        confidence: spec.confidence,
        lower,
        upper,
    });
    result.relative = (bound != 0.0).then(|| Relative {
        value: (estimate - bound) / bound.abs(),
        lower: (lower - bound) / bound.abs(),
        upper: (upper - bound) / bound.abs(),
    });
    result.test = Some(test);
    Assessed {
        beyond: beyond(spec.direction, lower, upper, up, down),
        result,
        note: None,
    }
}

pub(super) fn median(
    spec: &MetricSpec,
    mut result: MetricResult,
    canary: &[f64],
    bound: f64,
) -> Judged {
    if !bound.is_finite() {
        return Err(Box::new((result, JudgeError::Bound(bound))));
    }
    let c = sample::clean(canary);
    let med = sample::median(&c);
    result.canary.median = med;
    if let Some(nodata) = no_data(&result, spec, "usable samples") {
        return Ok(nodata);
    }
    let Some(med) = med else {
        return Err(Box::new((
            result,
            JudgeError::EmptySample { side: "canary" },
        )));
    };
    let delta = match spec.tolerance {
        Tolerance::Absolute(a) => a,
        Tolerance::Relative(r) => r * bound.abs(),
    };
    let (up, down) = (bound + delta, bound - delta);
    let test = |theta: f64, alternative: Alternative| {
        let t = threshold::sign_test(&c, theta, alternative);
        OneSided {
            p: t.p_value,
            statistic: t.above as f64,
            method: TestMethod::SignTestExact,
        }
    };
    let t = directed(spec.direction, (up, down), test);
    let (lower, upper) = threshold::median_interval(&c, spec.confidence);
    Ok(fill(
        result,
        spec,
        Measure::Median,
        (med, lower, upper),
        bound,
        t,
        (up, down),
    ))
}

pub(super) fn rate(spec: &MetricSpec, result: MetricResult, canary: Counts, bound: f64) -> Judged {
    if let Err(e) = canary.check("canary") {
        return Err(Box::new((result, e)));
    }
    if !(0.0..=1.0).contains(&bound) {
        return Err(Box::new((result, JudgeError::RateBound(bound))));
    }
    if let Some(nodata) = no_data(&result, spec, "requests") {
        return Ok(nodata);
    }
    let tol = spec.tolerance.value();
    let (up, down) = ((bound * (1.0 + tol)).min(1.0), bound * (1.0 - tol));
    let test = |limit: f64, alternative: Alternative| {
        // A limit of 1 (or 0) cannot be exceeded (undercut): p = 1.
        let possible = match alternative {
            Alternative::Greater => limit < 1.0,
            _ => limit > 0.0,
        };
        let p = if possible {
            rates::rate_bound_test(canary, limit, alternative).unwrap_or(1.0)
        } else {
            1.0
        };
        OneSided {
            p,
            statistic: canary.errors as f64,
            method: TestMethod::BinomialExact,
        }
    };
    let t = directed(spec.direction, (up, down), test);
    let (lower, upper) = binomial::clopper_pearson(canary.errors, canary.total, spec.confidence);
    let estimate = (canary.rate(), lower, upper);
    Ok(fill(
        result,
        spec,
        Measure::Rate,
        estimate,
        bound,
        t,
        (up, down),
    ))
}
