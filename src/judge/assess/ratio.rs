//! A ratio metric (errors over requests) against baseline counts: the exact
//! conditional Poisson test against the tolerance on the rate ratio, the
//! ratio (or, when the baseline has no errors, the difference of rates) and
//! the exact interval of the ratio.
//!
//! Edges: an increase is bad beyond a ratio of `1 + tolerance`, a decrease
//! below `1 − tolerance` (a tolerance ≥ 100% makes a decrease impossible to
//! flag, p = 1).

use super::{Assessed, Judged, OneSided, beyond, directed, margin, no_data};
use crate::judge::mann_whitney::Alternative;
use crate::judge::rates::{self, Counts};
use crate::judge::result::{Estimate, Interval, Measure, MetricResult, Relative, TestMethod};
use crate::judge::spec::MetricSpec;

pub(super) fn assess(
    spec: &MetricSpec,
    mut result: MetricResult,
    baseline: Counts,
    canary: Counts,
) -> Judged {
    if let Err(e) = baseline.check("baseline").and(canary.check("canary")) {
        return Err(Box::new((result, e)));
    }
    if let Some(nodata) = no_data(&result, spec, "requests") {
        return Ok(nodata);
    }
    let tol = spec.tolerance.value();
    let (up, down) = (1.0 + tol, 1.0 - tol);
    let test = |null_ratio: f64, alternative: Alternative| {
        let p = if null_ratio > 0.0 {
            rates::poisson_ratio_test(canary, baseline, null_ratio, alternative).unwrap_or(1.0)
        } else {
            1.0
        };
        OneSided {
            p,
            statistic: canary.errors as f64,
            method: TestMethod::PoissonConditionalExact,
        }
    };
    let test = directed(spec.direction, (up, down), test);
    let (lower, upper) = rates::rate_ratio_interval(canary, baseline, spec.confidence);
    let ratio = rates::rate_ratio(canary, baseline);

    result.margin = Some(margin(spec.direction, up, down));
    result.estimate = Some(match ratio {
        Some(r) => Estimate {
            measure: Measure::RateRatio,
            value: r,
        },
        None => Estimate {
            measure: Measure::RateDifference,
            value: canary.rate() - baseline.rate(),
        },
    });
    result.interval = Some(Interval {
        measure: Measure::RateRatio,
        confidence: spec.confidence,
        lower,
        upper,
    });
    let relative_value = match ratio {
        Some(r) => r - 1.0,
        None if canary.errors > 0 => f64::INFINITY,
        None => 0.0,
    };
    result.relative = Some(Relative {
        value: relative_value,
        lower: lower - 1.0,
        upper: upper - 1.0,
    });
    result.test = Some(test);
    Ok(Assessed {
        beyond: beyond(spec.direction, lower, upper, up, down),
        result,
        note: None,
    })
}
