//! One metric at a time: how each kind of data is classified, and the
//! reason sentence that says why.

use crate::Outcome;
use crate::judge::{
    Classification, Counts, Data, Direction, Kind, MetricInput, MetricSpec, Thresholds, Tolerance,
    Verdict, judge,
};

pub(super) fn ramp(n: usize, start: f64, step: f64) -> Vec<f64> {
    // A deterministic spread of values without ties, in a scrambled order.
    (0..n)
        .map(|i| start + step * ((i * 7) % n) as f64)
        .collect()
}

pub(super) fn one(spec: &MetricSpec, data: Data<'_>) -> Verdict {
    judge(&[MetricInput { spec, data }], Thresholds::default())
}

/// Continuous data: a baseline and a canary sample.
pub(super) fn continuous<'a>(baseline: &'a [f64], canary: &'a [f64]) -> Data<'a> {
    Data::Continuous { baseline, canary }
}

/// One continuous metric of a comparison.
pub(super) fn input<'a>(
    spec: &'a MetricSpec,
    baseline: &'a [f64],
    canary: &'a [f64],
) -> MetricInput<'a> {
    MetricInput {
        spec,
        data: continuous(baseline, canary),
    }
}

pub(super) fn latency() -> MetricSpec {
    MetricSpec::new("latency_p95", Kind::Continuous)
}

#[test]
fn identical_data_passes() {
    let b = ramp(40, 100.0, 1.0);
    let v = one(&latency(), continuous(&b, &b));
    let m = &v.metrics[0];
    assert_eq!(m.classification, Classification::Pass);
    assert_eq!(v.outcome, Outcome::Go);
    assert_eq!(v.score, Some(100.0));
    assert!(
        m.reason.starts_with("latency_p95 changed +0.0% (95% CI "),
        "{}",
        m.reason
    );
    assert!(
        m.reason
            .contains("not beyond tolerance 10% (at most 131.4) for an increase"),
        "{}",
        m.reason
    );
}

#[test]
fn constant_or_fully_tied_data_does_not_crash() {
    let same = vec![5.0; 30];
    let v = one(&latency(), continuous(&same, &same));
    assert_eq!(v.metrics[0].classification, Classification::Pass);
    // Tested against "canary − 10% of 5 exceeds the baseline": p ≈ 1.
    assert!(v.metrics[0].test.unwrap().p_value > 0.99);

    let higher = vec![7.0; 30];
    let v = one(&latency(), continuous(&same, &higher));
    let m = &v.metrics[0];
    assert_eq!(m.classification, Classification::High, "{}", m.reason);
    assert_eq!(m.estimate.unwrap().value, 2.0);
    assert!(
        m.reason
            .starts_with("latency_p95 rose 40.0% (95% CI 40.0%..40.0%) beyond tolerance 10%")
    );
}

#[test]
fn a_clear_regression_reads_like_the_numbers() {
    let b = ramp(40, 100.0, 1.0);
    let c: Vec<f64> = b.iter().map(|v| v * 1.25).collect();
    let v = one(&latency(), continuous(&b, &c));
    let m = &v.metrics[0];
    assert_eq!(m.classification, Classification::High);
    assert_eq!((v.score, v.outcome), (Some(0.0), Outcome::NoGo));
    assert!(
        m.reason.starts_with("latency_p95 rose 25.0% (95% CI "),
        "{}",
        m.reason
    );
    assert!(
        m.reason
            .contains(") beyond tolerance 10% (at most 131.4); median 119.5 → 149.4"),
        "{}",
        m.reason
    );
    assert!(!m.reason.contains("Holm"), "{}", m.reason);
    let stats = m.statistics.as_deref().unwrap_or_default();
    assert!(
        stats.starts_with("p=") && stats.contains("(Holm-adjusted "),
        "{stats}"
    );
    assert!(
        m.reason.ends_with("; median 119.5 → 149.4, n=40/40"),
        "{}",
        m.reason
    );
}

#[test]
fn decrease_and_either_directions() {
    let b = ramp(40, 100.0, 1.0);
    let lower: Vec<f64> = b.iter().map(|v| v * 0.7).collect();
    let throughput = MetricSpec::new("throughput", Kind::Continuous).direction(Direction::Decrease);
    let m = &one(&throughput, continuous(&b, &lower)).metrics[0];
    assert_eq!(m.classification, Classification::Low);
    assert!(
        m.reason.starts_with("throughput fell 30.0%"),
        "{}",
        m.reason
    );
    // An increase is harmless when only a decrease is bad.
    let higher: Vec<f64> = b.iter().map(|v| v * 1.3).collect();
    let m = &one(&throughput, continuous(&b, &higher)).metrics[0];
    assert_eq!(m.classification, Classification::Pass);
    assert!(
        m.reason
            .contains("not beyond tolerance 10% (at least 107.5) for a decrease"),
        "{}",
        m.reason
    );
    let either = latency().direction(Direction::Either);
    assert_eq!(
        one(&either, continuous(&b, &lower)).metrics[0].classification,
        Classification::Low
    );
    assert_eq!(
        one(&either, continuous(&b, &higher)).metrics[0].classification,
        Classification::High
    );
}

#[test]
fn zero_baseline_median_with_relative_tolerance_says_so() {
    let b: Vec<f64> = (0..40).map(|i| if i < 30 { 0.0 } else { 1.0 }).collect();
    let c: Vec<f64> = (0..40).map(|i| if i < 5 { 0.0 } else { 3.0 }).collect();
    let m = &one(
        &MetricSpec::new("queue", Kind::Continuous),
        continuous(&b, &c),
    )
    .metrics[0];
    assert_eq!(m.classification, Classification::High);
    assert!(m.relative.is_none());
    assert!(
        m.reason
            .starts_with("queue rose 3 (95% CI 3..3) beyond tolerance 0"),
        "{}",
        m.reason
    );
    assert!(
        m.reason
            .contains("the baseline median is 0, so the relative tolerance 10% allows no shift")
    );
}

#[test]
fn errors_against_a_zero_error_baseline() {
    let spec = MetricSpec::new("errors", Kind::Ratio);
    let high_traffic = Data::Ratio {
        baseline: Counts::new(0, 100_000),
        canary: Counts::new(20, 100_000),
    };
    let m = &one(&spec, high_traffic).metrics[0];
    assert_eq!(m.classification, Classification::High, "{}", m.reason);
    assert!(
        m.reason
            == "errors 0% → 0.02%, ratio ∞ (95% CI 4.937..∞) beyond tolerance 10% (ratio at most 1.1); errors 0/100000 → 20/100000",
        "{}",
        m.reason
    );
    let tiny = Data::Ratio {
        baseline: Counts::new(0, 50),
        canary: Counts::new(2, 50),
    };
    let m = &one(&spec, tiny).metrics[0];
    assert_eq!(m.classification, Classification::Pass, "{}", m.reason);
    let none = Data::Ratio {
        baseline: Counts::new(0, 50),
        canary: Counts::new(0, 50),
    };
    assert_eq!(
        one(&spec, none).metrics[0].classification,
        Classification::Pass
    );
    let few = Data::Ratio {
        baseline: Counts::new(0, 10),
        canary: Counts::new(0, 50),
    };
    assert_eq!(
        one(&spec, few).metrics[0].classification,
        Classification::NoData
    );
}

#[test]
fn thresholds_as_baselines() {
    let spec = latency().tolerance(Tolerance::Relative(0.0));
    let slow = ramp(40, 310.0, 1.0);
    let m = &one(
        &spec,
        Data::Threshold {
            canary: &slow,
            bound: 300.0,
        },
    )
    .metrics[0];
    assert_eq!(m.classification, Classification::High, "{}", m.reason);
    assert!(
        m.reason
            .starts_with("latency_p95 median 329.5 is 9.8% above the bound 300 (95% CI"),
        "{}",
        m.reason
    );
    let fast = ramp(40, 200.0, 1.0);
    assert_eq!(
        one(
            &spec,
            Data::Threshold {
                canary: &fast,
                bound: 300.0
            }
        )
        .metrics[0]
            .classification,
        Classification::Pass
    );
    let errors = MetricSpec::new("errors", Kind::Ratio);
    let bad = Data::RatioThreshold {
        canary: Counts::new(40, 1000),
        bound: 0.01,
    };
    assert_eq!(
        one(&errors, bad).metrics[0].classification,
        Classification::High
    );
    let fine = Data::RatioThreshold {
        canary: Counts::new(12, 1000),
        bound: 0.01,
    };
    assert_eq!(
        one(&errors, fine).metrics[0].classification,
        Classification::Pass
    );
}

#[test]
fn tolerance_edges_follow_the_direction() {
    let fewer = |t: f64, d: Direction| {
        MetricSpec::new("errors", Kind::Ratio)
            .tolerance(Tolerance::Relative(t))
            .direction(d)
    };
    let same = Data::Ratio {
        baseline: Counts::new(50, 10_000),
        canary: Counts::new(50, 10_000),
    };
    let reason = |spec: &MetricSpec, data| one(spec, data).metrics[0].reason.clone();
    let r = reason(&fewer(0.5, Direction::Increase), same);
    assert!(r.contains("tolerance 50% (ratio at most 1.5)"), "{r}");
    let r = reason(&fewer(0.5, Direction::Decrease), same);
    assert!(r.contains("tolerance 50% (ratio at least 0.5)"), "{r}");
    let r = reason(&fewer(0.5, Direction::Either), same);
    assert!(
        r.contains("tolerance 50% (ratio between 0.5 and 1.5)"),
        "{r}"
    );
    // A rate bound's upper edge stops at 100%; the lower one mirrors the
    // tolerance, not the clipped edge.
    let at_80 = Data::RatioThreshold {
        canary: Counts::new(800, 1000),
        bound: 0.8,
    };
    let r = reason(&fewer(0.5, Direction::Either), at_80);
    assert!(r.contains("tolerance 50% (between 40% and 100%)"), "{r}");
    // A bound with a decrease: at least the bound less the tolerance.
    let spec = latency()
        .tolerance(Tolerance::Absolute(20.0))
        .direction(Direction::Decrease);
    let fast = ramp(40, 300.0, 1.0);
    let m = &one(
        &spec,
        Data::Threshold {
            canary: &fast,
            bound: 300.0,
        },
    )
    .metrics[0];
    assert!(
        m.reason.contains("tolerance 20 (at least 280)"),
        "{}",
        m.reason
    );
    assert_eq!(m.tolerated(), Some((280.0, f64::INFINITY)));
}
