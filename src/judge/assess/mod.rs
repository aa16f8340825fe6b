//! Judging one metric before the multiplicity adjustment: data checks
//! (non-finite values counted and dropped, `min_samples`), the estimate and
//! its interval, and the one-sided test against the tolerance-shifted null.
//!
//! The result leaves this step as `Pass` (tested), `NoData` or `Error`;
//! [`super::verdict`] then applies Holm across the tested metrics and turns a
//! `Pass` into `High`/`Low` when the interval lies wholly beyond the
//! tolerance in a bad direction (`beyond`) AND the adjusted p-value is below
//! α = 1 − confidence.

mod continuous;
pub(crate) mod dispersed;
pub(crate) mod estimates;
mod ratio;
mod threshold;

use super::JudgeError;
use super::mann_whitney::Alternative;
use super::result::{
    Classification, Comparison, MetricResult, SideSummary, TestMethod, TestResult,
};
use super::spec::{Data, Direction, MetricInput, MetricSpec};

/// One metric, judged up to the multiplicity adjustment.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Assessed {
    pub result: MetricResult,
    /// High or Low when the interval lies wholly beyond the tolerance in a
    /// bad direction.
    pub beyond: Option<Classification>,
    /// A remark the reason sentence must carry (e.g. a zero baseline median).
    pub note: Option<String>,
}

impl Assessed {
    /// A metric that was not tested (No data or Error).
    pub(crate) fn untested(result: MetricResult) -> Self {
        Assessed {
            result,
            beyond: None,
            note: None,
        }
    }
}

/// A one-sided test's outcome.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct OneSided {
    pub p: f64,
    pub statistic: f64,
    pub method: TestMethod,
}

pub(crate) fn assess(input: &MetricInput<'_>) -> Assessed {
    let spec = input.spec;
    let (baseline, canary, bound, comparison) = summarize(&input.data);
    let skeleton = skeleton(spec, comparison, baseline, canary, bound);
    if let Err(e) = spec.validate() {
        return error(skeleton, spec, &e);
    }
    if input.data.kind() != spec.kind {
        let kind = match spec.kind {
            super::Kind::Continuous => "continuous",
            super::Kind::Ratio => "ratio",
        };
        let e = JudgeError::KindMismatch {
            kind,
            data: input.data.label(),
        };
        return error(skeleton, spec, &e);
    }
    let judged = match input.data {
        Data::Continuous { baseline, canary } => {
            continuous::assess(spec, skeleton, baseline, canary)
        }
        Data::Threshold { canary, bound } => threshold::median(spec, skeleton, canary, bound),
        Data::Ratio { baseline, canary } => ratio::assess(spec, skeleton, baseline, canary),
        Data::RatioThreshold { canary, bound } => threshold::rate(spec, skeleton, canary, bound),
        Data::Estimates {
            baseline,
            canary,
            scale,
            statistic,
        } => estimates::assess(spec, skeleton, baseline, canary, scale, statistic),
        Data::UnitCounts { baseline, canary } => {
            dispersed::assess(spec, skeleton, baseline, canary)
        }
    };
    judged.unwrap_or_else(|failed| {
        let (skeleton, e) = *failed;
        error(skeleton, spec, &e)
    })
}

/// Counts per side before any judgement (medians are filled in later).
fn summarize(data: &Data<'_>) -> (Option<SideSummary>, SideSummary, Option<f64>, Comparison) {
    let samples = |v: &[f64]| {
        let n = v.iter().filter(|x| x.is_finite()).count();
        SideSummary {
            n: n as u64,
            removed: (v.len() - n) as u64,
            ..SideSummary::default()
        }
    };
    let counts = |c: &super::Counts| SideSummary {
        n: c.total,
        errors: Some(c.errors),
        rate: (c.total > 0 && c.errors <= c.total).then(|| c.rate()),
        ..SideSummary::default()
    };
    let estimated = |e: &super::spec::Estimated| SideSummary {
        n: e.n,
        removed: e.removed,
        level: e.level.is_finite().then_some(e.level),
        replicas: e.replicas,
        effective: e.effective,
        ..SideSummary::default()
    };
    let units = |cs: &[super::Counts]| {
        let total = cs.iter().fold(super::Counts::new(0, 0), |a, c| {
            super::Counts::new(
                a.errors.saturating_add(c.errors),
                a.total.saturating_add(c.total),
            )
        });
        SideSummary {
            replicas: u32::try_from(cs.len()).ok(),
            ..counts(&total)
        }
    };
    match data {
        Data::Continuous { baseline, canary } => (
            Some(samples(baseline)),
            samples(canary),
            None,
            Comparison::Baseline,
        ),
        Data::Threshold { canary, bound } => {
            (None, samples(canary), Some(*bound), Comparison::Threshold)
        }
        Data::Ratio { baseline, canary } => (
            Some(counts(baseline)),
            counts(canary),
            None,
            Comparison::Baseline,
        ),
        Data::RatioThreshold { canary, bound } => {
            (None, counts(canary), Some(*bound), Comparison::Threshold)
        }
        Data::Estimates {
            baseline, canary, ..
        } => (
            Some(estimated(baseline)),
            estimated(canary),
            None,
            Comparison::Baseline,
        ),
        Data::UnitCounts { baseline, canary } => (
            Some(units(baseline)),
            units(canary),
            None,
            Comparison::Baseline,
        ),
    }
}

/// A result with the spec's fields filled and nothing judged yet.
pub(in crate::judge) fn skeleton(
    spec: &MetricSpec,
    comparison: Comparison,
    baseline: Option<SideSummary>,
    canary: SideSummary,
    bound: Option<f64>,
) -> MetricResult {
    MetricResult {
        name: spec.name.clone(),
        kind: spec.kind,
        comparison,
        classification: Classification::Pass,
        direction: spec.direction,
        tolerance: spec.tolerance,
        margin: None,
        confidence: spec.confidence,
        weight: spec.weight,
        critical: spec.critical,
        must_have_data: spec.must_have_data,
        baseline,
        canary,
        bound,
        estimate: None,
        interval: None,
        relative: None,
        test: None,
        statistic: None,
        unit: spec.unit,
        reason: String::new(),
        statistics: None,
    }
}

fn error(mut result: MetricResult, spec: &MetricSpec, e: &JudgeError) -> Assessed {
    result.classification = Classification::Error;
    result.reason = format!("{} could not be judged: {e}", spec.name);
    Assessed::untested(result)
}

/// No data when either side has fewer than `min_samples` usable values
/// (requests for ratios); `None` when there is enough.
fn no_data(result: &MetricResult, spec: &MetricSpec, unit: &str) -> Option<Assessed> {
    let min = spec.min_samples as u64;
    let short = |s: &SideSummary| s.n < min;
    let describe = |side: &str, s: &SideSummary| {
        let removed = if s.removed > 0 {
            format!(" ({} non-finite removed)", s.removed)
        } else {
            String::new()
        };
        format!("{side} has {} {unit}{removed}", s.n)
    };
    let mut parts = Vec::new();
    if let Some(b) = result.baseline.as_ref().filter(|b| short(b)) {
        parts.push(describe("baseline", b));
    }
    if short(&result.canary) {
        parts.push(describe("canary", &result.canary));
    }
    if parts.is_empty() {
        return None;
    }
    let consequence = if spec.must_have_data {
        "; it must have data, so it counts as a failure"
    } else {
        "; left out of the score"
    };
    let mut result = result.clone();
    result.classification = Classification::NoData;
    result.reason = format!(
        "{} has no data: {}, fewer than min_samples {min}{consequence}",
        spec.name,
        parts.join(" and ")
    );
    Some(Assessed::untested(result))
}

/// The test for the spec's direction: `test(up, Greater)` for "increase
/// beyond the tolerance", `test(down, Less)` for "decrease beyond it"; for
/// `Either` the smaller one-sided p-value, doubled (capped at 1). The
/// adjusted p-value starts as the p-value (Holm fills it in later).
fn directed(
    direction: Direction,
    (up, down): (f64, f64),
    test: impl Fn(f64, Alternative) -> OneSided,
) -> TestResult {
    let (t, alternative) = match direction {
        Direction::Increase => (test(up, Alternative::Greater), Alternative::Greater),
        Direction::Decrease => (test(down, Alternative::Less), Alternative::Less),
        Direction::Either => {
            let (u, d) = (
                test(up, Alternative::Greater),
                test(down, Alternative::Less),
            );
            let pick = if u.p <= d.p { u } else { d };
            (
                OneSided {
                    p: (2.0 * pick.p).min(1.0),
                    ..pick
                },
                Alternative::TwoSided,
            )
        }
    };
    TestResult {
        method: t.method,
        alternative,
        statistic: t.statistic,
        p_value: t.p,
        adjusted_p_value: t.p,
    }
}

/// Where the interval lies wholly beyond an edge in a bad direction.
fn beyond(
    direction: Direction,
    lower: f64,
    upper: f64,
    up: f64,
    down: f64,
) -> Option<Classification> {
    let high = matches!(direction, Direction::Increase | Direction::Either) && lower > up;
    let low = matches!(direction, Direction::Decrease | Direction::Either) && upper < down;
    if high {
        Some(Classification::High)
    } else if low {
        Some(Classification::Low)
    } else {
        None
    }
}

/// Whether the interval reaches beyond an edge in a bad direction without
/// lying wholly beyond it: the data cannot tell a harmless change from one
/// larger than the tolerance.
fn unresolved(direction: Direction, lower: f64, upper: f64, up: f64, down: f64) -> bool {
    let high = matches!(direction, Direction::Increase | Direction::Either) && upper > up;
    let low = matches!(direction, Direction::Decrease | Direction::Either) && lower < down;
    (high || low) && beyond(direction, lower, upper, up, down).is_none()
}

/// "inconclusive: 3 vs 3 replicas cannot separate a 10% change from
/// replica differences" for a metric whose interval straddles its edge.
fn inconclusive(
    baseline: Option<u32>,
    canary: Option<u32>,
    effective: Option<f64>,
    tolerance: &str,
) -> String {
    let (units, from) = match (baseline, canary, effective) {
        (None, None, Some(n)) => (
            format!("≈{} independent points", super::format::num(n)),
            "the noise of the series",
        ),
        (None, None, None) => ("the data".to_string(), "noise"),
        (b, c, _) => (
            format!("{} vs {} replicas", b.unwrap_or(1), c.unwrap_or(1)),
            "replica differences",
        ),
    };
    format!("inconclusive: {units} cannot separate a {tolerance} change from {from}")
}

/// A relative tolerance r as edges of a log ratio: ln(1 + r) up, ln(1 − r)
/// down (−∞ from r = 1).
fn log_edges(r: f64) -> (f64, f64) {
    let down = if r < 1.0 {
        (1.0 - r).ln()
    } else {
        f64::NEG_INFINITY
    };
    ((1.0 + r).ln(), down)
}

/// The one-sided Student t test of statistic `t` with `df` degrees of
/// freedom (a NaN p-value counts as 1).
fn t_test(t: f64, df: f64, alternative: Alternative, method: TestMethod) -> OneSided {
    let p = match alternative {
        Alternative::Less => super::student::sf(-t, df),
        _ => super::student::sf(t, df),
    };
    OneSided {
        p: if p.is_nan() { 1.0 } else { p },
        statistic: t,
        method,
    }
}

/// The edge reported as the margin: the upper one unless a decrease is bad.
fn margin(direction: Direction, up: f64, down: f64) -> f64 {
    if direction == Direction::Decrease {
        down
    } else {
        up
    }
}

/// A judged metric, or the result so far and why judging it failed.
type Judged = Result<Assessed, Box<(MetricResult, JudgeError)>>;
