//! The one-sentence reason of a tested metric, written from its result
//! after the Holm adjustment, in plain words, in the metric's unit, the
//! baseline before the canary:
//!
//! ```text
//! latency_p95 rose 23.1% (95% CI 18.0%..28.4%) beyond tolerance 10% (at most 132ms); median 120ms → 148ms, n=40/40
//! errors 0% → 0.02%, ratio ∞ (95% CI 4.937..∞) beyond tolerance 10% (ratio at most 1.1); errors 0/100000 → 20/100000
//! cpu changed +1.2% (95% CI -0.8%..3.1%), not beyond tolerance 10% (at most 45.1) for an increase; median 41 → 41.5, n=40/40
//! ```
//!
//! The test behind it (raw and Holm-adjusted p-values) is kept apart, in
//! [`MetricResult::statistics`], for `--verbose`; JSON has the numbers.

use super::format::{num, p, pct, rate, share, signed_pct};
use super::result::{Classification, Comparison, Measure, MetricResult, SideSummary};
use super::spec::{Direction, Kind, Statistic, Tolerance};
use super::unit::{signed_value, value};

/// The reason sentence and the test's statistics; `beyond` is where the
/// interval lay wholly beyond the tolerance before the adjustment, `note`
/// an extra remark.
pub(crate) fn explain(
    r: &MetricResult,
    beyond: Option<Classification>,
    note: Option<&str>,
) -> (String, Option<String>) {
    let (Some(test), Some(interval)) = (r.test, r.interval) else {
        return (r.reason.clone(), None);
    };
    let moved = match r.classification {
        Classification::High | Classification::Low => Some(r.classification),
        _ => beyond,
    };
    let (head, ci, tolerance, context) = match (r.kind, r.comparison) {
        (Kind::Continuous, Comparison::Baseline) => shift(r, moved, interval.lower, interval.upper),
        (Kind::Continuous, Comparison::Threshold) => {
            median(r, moved, interval.lower, interval.upper)
        }
        (Kind::Ratio, Comparison::Baseline) => ratio(r, interval.lower, interval.upper),
        (Kind::Ratio, Comparison::Threshold) => {
            rate_bound(r, moved, interval.lower, interval.upper)
        }
    };
    let statistics = format!(
        "p{} (Holm-adjusted {}, α={})",
        equals(p(test.p_value)),
        p(test.adjusted_p_value),
        p(1.0 - r.confidence)
    );
    let clause = match (r.classification, beyond) {
        (Classification::High | Classification::Low, _) => {
            format!(" beyond tolerance {tolerance}")
        }
        (_, Some(_)) => format!(
            " beyond tolerance {tolerance}, but not at {} confidence",
            share(r.confidence)
        ),
        _ => {
            let bad = match r.direction {
                Direction::Increase => "an increase",
                Direction::Decrease => "a decrease",
                Direction::Either => "either direction",
            };
            format!(", not beyond tolerance {tolerance} for {bad}")
        }
    };
    let note = note.map(|n| format!("; {n}")).unwrap_or_default();
    (
        format!(
            "{head} ({} CI {ci}){clause}; {context}{note}",
            share(r.confidence)
        ),
        Some(statistics),
    )
}

/// "=0.03", or "<1e-300" as it stands.
fn equals(value: String) -> String {
    if value.starts_with('<') {
        value
    } else {
        format!("={value}")
    }
}

fn verb(moved: Option<Classification>, magnitude: String, signed_value: String) -> String {
    match moved {
        Some(Classification::High) => format!("rose {magnitude}"),
        Some(Classification::Low) => format!("fell {magnitude}"),
        _ => format!("changed {signed_value}"),
    }
}

fn tolerance_text(r: &MetricResult) -> String {
    match r.tolerance {
        Tolerance::Relative(t) => share(t),
        Tolerance::Absolute(a) => value(a, r.unit),
    }
}

/// `at most 108.6ms`, `at least 20`, `between 90 and 110`: the edge of
/// the tolerated region around `level`, shown with `show`.
fn edges(direction: Direction, lo: f64, hi: f64, show: impl Fn(f64) -> String) -> String {
    match direction {
        Direction::Increase => format!("at most {}", show(hi)),
        Direction::Decrease => format!("at least {}", show(lo)),
        Direction::Either => format!("between {} and {}", show(lo), show(hi)),
    }
}

/// `10% (at most 330ms)`, `50% (ratio between 0.5 and 1.5)`: the
/// tolerance and the edges of its region ([`MetricResult::tolerated`]).
fn limits(r: &MetricResult, what: &str, show: impl Fn(f64) -> String) -> String {
    match r.tolerated() {
        Some((lo, hi)) => format!(
            "{} ({what}{})",
            tolerance_text(r),
            edges(r.direction, lo, hi, show)
        ),
        None => tolerance_text(r),
    }
}

fn sizes(baseline: Option<&SideSummary>, canary: &SideSummary) -> String {
    let b = baseline.map(|b| (b.n, b.removed)).unwrap_or((0, 0));
    let mut s = match baseline {
        Some(_) => format!("n={}/{}", b.0, canary.n),
        None => format!("n={}", canary.n),
    };
    if b.1 + canary.removed > 0 {
        match baseline {
            Some(_) => s.push_str(&format!(", non-finite removed {}/{}", b.1, canary.removed)),
            None => s.push_str(&format!(", non-finite removed {}", canary.removed)),
        }
    }
    s
}

/// The baseline's level the tolerance applies to: its statistic's level
/// when judged from estimates, else its median.
fn baseline_level(r: &MetricResult) -> Option<f64> {
    let b = r.baseline.as_ref()?;
    match r.statistic {
        Some(_) => b.level,
        None => b.median,
    }
}

fn shift(
    r: &MetricResult,
    moved: Option<Classification>,
    lo: f64,
    hi: f64,
) -> (String, String, String, String) {
    let est = r.estimate.map(|e| e.value).unwrap_or(f64::NAN);
    let unit = r.unit;
    let context = match r.statistic {
        Some(statistic) => estimated(r, statistic),
        None => {
            let median_of = |s: Option<&SideSummary>| {
                s.and_then(|s| s.median)
                    .map(|m| value(m, unit))
                    .unwrap_or_default()
            };
            format!(
                "median {} → {}, {}",
                median_of(r.baseline.as_ref()),
                median_of(Some(&r.canary)),
                sizes(r.baseline.as_ref(), &r.canary)
            )
        }
    };
    let level = baseline_level(r);
    let around = |t_lo: f64, t_hi: f64| {
        level
            .filter(|l| l.is_finite())
            .map(|l| {
                format!(
                    " ({})",
                    edges(r.direction, l + t_lo * l.abs(), l + t_hi * l.abs(), |x| {
                        value(x, unit)
                    })
                )
            })
            .unwrap_or_default()
    };
    match (r.tolerance, r.relative) {
        (Tolerance::Relative(t), Some(rel)) => (
            format!(
                "{} {}",
                r.name,
                verb(moved, pct(rel.value.abs()), signed_pct(rel.value))
            ),
            format!("{}..{}", pct(rel.lower), pct(rel.upper)),
            format!("{}{}", share(t), around(-t, t)),
            context,
        ),
        // Slopes are per second in the data, per minute for people.
        _ if r.statistic == Some(Statistic::Slope) => {
            let per_min = |x: f64| format!("{}/min", value(x * 60.0, unit));
            (
                format!(
                    "{} {}",
                    r.name,
                    verb(
                        moved,
                        per_min(est.abs()),
                        format!("{}/min", signed_value(est * 60.0, unit))
                    )
                ),
                format!("{}..{}", value(lo * 60.0, unit), per_min(hi)),
                per_min(r.tolerance.value()),
                context,
            )
        }
        _ => {
            let a = match r.tolerance {
                Tolerance::Relative(_) => 0.0,
                Tolerance::Absolute(a) => a,
            };
            let limit = level
                .filter(|l| l.is_finite())
                .map(|l| {
                    format!(
                        " ({})",
                        edges(r.direction, l - a, l + a, |x| value(x, unit))
                    )
                })
                .unwrap_or_default();
            (
                format!(
                    "{} {}",
                    r.name,
                    verb(moved, value(est.abs(), unit), signed_value(est, unit))
                ),
                format!("{}..{}", value(lo, unit), value(hi, unit)),
                format!("{}{limit}", value(a, unit)),
                context,
            )
        }
    }
}

/// `p95 212ms → 257ms, 3 vs 3 replicas, n=51234/50980` or `mean 41 →
/// 42, n=40/40 (≈6/≈5 independent)`.
fn estimated(r: &MetricResult, statistic: Statistic) -> String {
    let name = match statistic {
        Statistic::Mean => "mean".to_string(),
        Statistic::Quantile { q } => format!("p{}", num(q * 100.0)),
        Statistic::Slope => "slope".to_string(),
    };
    let level = |s: Option<&SideSummary>| {
        s.and_then(|s| s.level)
            .map(|l| match statistic {
                Statistic::Slope => format!("{}/min", value(l * 60.0, r.unit)),
                _ => value(l, r.unit),
            })
            .unwrap_or_else(|| "?".into())
    };
    let b = r.baseline.as_ref();
    let sizes = sizes(b, &r.canary);
    let units = match (b.and_then(|b| b.replicas), r.canary.replicas) {
        (None, None) => match (b.and_then(|b| b.effective), r.canary.effective) {
            (Some(eb), Some(ec)) => format!("{sizes} (≈{}/≈{} independent)", num(eb), num(ec)),
            _ => sizes,
        },
        (rb, rc) => format!(
            "{} vs {} replicas, {sizes}",
            rb.unwrap_or(1),
            rc.unwrap_or(1)
        ),
    };
    format!("{name} {} → {}, {units}", level(b), level(Some(&r.canary)))
}

fn median(
    r: &MetricResult,
    moved: Option<Classification>,
    lo: f64,
    hi: f64,
) -> (String, String, String, String) {
    let unit = r.unit;
    let med = r.canary.median.unwrap_or(f64::NAN);
    let bound = r.bound.unwrap_or(f64::NAN);
    let by = match (r.tolerance, r.relative) {
        (Tolerance::Relative(_), Some(rel)) => pct(rel.value.abs()),
        _ => value((med - bound).abs(), unit),
    };
    let (m, b) = (value(med, unit), value(bound, unit));
    let head = match moved {
        Some(Classification::High) => format!("{} median {m} is {by} above the bound {b}", r.name),
        Some(Classification::Low) => format!("{} median {m} is {by} below the bound {b}", r.name),
        _ => format!("{} median {m} vs bound {b}", r.name),
    };
    let tolerance = limits(r, "", |x| value(x, unit));
    (
        head,
        format!("{}..{}", value(lo, unit), value(hi, unit)),
        tolerance,
        sizes(None, &r.canary),
    )
}

fn ratio(r: &MetricResult, lo: f64, hi: f64) -> (String, String, String, String) {
    let side_rate = |s: &SideSummary| s.rate.map(rate).unwrap_or_default();
    let (rb, eb, tb) = r
        .baseline
        .map(|b| (side_rate(&b), b.errors.unwrap_or(0), b.n))
        .unwrap_or_default();
    let ratio_text = match r.estimate {
        Some(e) if e.measure == Measure::RateRatio => num(e.value),
        Some(e) if e.value > 0.0 => "∞".into(),
        _ => "undefined".into(),
    };
    let head = format!(
        "{} {rb} → {}, ratio {ratio_text}",
        r.name,
        side_rate(&r.canary)
    );
    let tolerance = limits(r, "ratio ", num);
    let context = format!(
        "errors {eb}/{tb} → {}/{}",
        r.canary.errors.unwrap_or(0),
        r.canary.n
    );
    (
        head,
        format!("{}..{}", num(lo), num(hi)),
        tolerance,
        context,
    )
}

fn rate_bound(
    r: &MetricResult,
    moved: Option<Classification>,
    lo: f64,
    hi: f64,
) -> (String, String, String, String) {
    let bound = r.bound.unwrap_or(f64::NAN);
    let current = r.canary.rate.map(rate).unwrap_or_default();
    let head = match moved {
        Some(Classification::High) => {
            format!("{} {current} is above the bound {}", r.name, rate(bound))
        }
        Some(Classification::Low) => {
            format!("{} {current} is below the bound {}", r.name, rate(bound))
        }
        _ => format!("{} {current} vs bound {}", r.name, rate(bound)),
    };
    let tolerance = limits(r, "", rate);
    let context = format!("errors {}/{}", r.canary.errors.unwrap_or(0), r.canary.n);
    (
        head,
        format!("{}..{}", rate(lo), rate(hi)),
        tolerance,
        context,
    )
}
