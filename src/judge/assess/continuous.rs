//! A continuous metric against a baseline sample: Hodges–Lehmann shift with
//! its Moses interval, and Mann-Whitney against the tolerance-shifted null.
//!
//! The tolerance becomes a shift δ in the metric's unit: absolute as given,
//! relative as `tolerance × |baseline median|`. The test for "an increase
//! beyond the tolerance" is Mann-Whitney of `canary − δ` against the
//! baseline with alternative `greater` (H₀: shift ≤ δ); for a decrease,
//! `canary + δ` with `less`. When the baseline median is 0 a relative
//! tolerance has no scale: δ = 0, statistical significance alone decides,
//! the reason says so, and the relative figures are left out. Relative
//! figures divide by the observed baseline median and do not carry its
//! uncertainty.

use super::{Assessed, Judged, OneSided, beyond, directed, margin, no_data};
use crate::judge::hodges_lehmann;
use crate::judge::mann_whitney::{self, Alternative, Method};
use crate::judge::result::{Estimate, Interval, Measure, MetricResult, Relative, TestMethod};
use crate::judge::sample::{self, median};
use crate::judge::spec::{MetricSpec, Tolerance};
use crate::judge::{JudgeError, format};

pub(super) fn assess(
    spec: &MetricSpec,
    mut result: MetricResult,
    baseline: &[f64],
    canary: &[f64],
) -> Judged {
    let (b, c) = (sample::clean(baseline), sample::clean(canary));
    let (mb, mc) = (median(&b), median(&c));
    if let Some(side) = result.baseline.as_mut() {
        side.median = mb;
    }
    result.canary.median = mc;
    if let Some(nodata) = no_data(&result, spec, "usable samples") {
        return Ok(nodata);
    }
    // Both sides have ≥ min_samples ≥ 1 values here.
    let (Some(mb), Some(_)) = (mb, mc) else {
        return Err(Box::new((
            result,
            JudgeError::EmptySample { side: "baseline" },
        )));
    };

    let mut note = None;
    let delta = match spec.tolerance {
        Tolerance::Absolute(a) => a,
        Tolerance::Relative(r) if mb == 0.0 && r > 0.0 => {
            note = Some(format!(
                "the baseline median is 0, so the relative tolerance {} allows no shift; \
                 set an absolute tolerance for this metric",
                format::share(r)
            ));
            0.0
        }
        Tolerance::Relative(r) => r * mb.abs(),
    };

    let hl = hodges_lehmann::from_sorted(&c, &b, spec.confidence);
    if hl.estimate.is_nan() {
        return Err(Box::new((result, JudgeError::Overflow)));
    }
    let shifted_test = |shift: f64, alternative: Alternative| {
        let moved: Vec<f64> = c.iter().map(|v| v - shift).collect();
        let t = mann_whitney::p_value(&mann_whitney::rank(&moved, &b), alternative, Method::Auto);
        let method = match t.method {
            Method::Exact => TestMethod::MannWhitneyExact,
            _ => TestMethod::MannWhitneyAsymptotic,
        };
        OneSided {
            p: t.p_value,
            statistic: t.u,
            method,
        }
    };
    let test = directed(spec.direction, (delta, -delta), shifted_test);

    result.margin = Some(margin(spec.direction, delta, -delta));
    result.estimate = Some(Estimate {
        measure: Measure::Shift,
        value: hl.estimate,
    });
    result.interval = Some(Interval {
        measure: Measure::Shift,
        confidence: spec.confidence,
        lower: hl.lower,
        upper: hl.upper,
    });
    result.relative = (mb != 0.0).then(|| Relative {
        value: hl.estimate / mb.abs(),
        lower: hl.lower / mb.abs(),
        upper: hl.upper / mb.abs(),
    });
    result.test = Some(test);
    Ok(Assessed {
        beyond: beyond(spec.direction, hl.lower, hl.upper, delta, -delta),
        result,
        note,
    })
}
