//! The one-sentence reason of a tested metric, written from its result
//! after the Holm adjustment, naming the numbers that decided:
//!
//! ```text
//! latency_p95 rose 23.1% (95% CI 18.0%..28.4%) beyond tolerance 10%, p=0.0003 (Holm-adjusted 0.0009); median 120 → 148, n=40/40
//! errors 0.02% vs 0%, ratio ∞ (95% CI 4.937..∞) beyond tolerance 10% (ratio 1.1), p=2.4e-6 (Holm-adjusted 4.8e-6); errors 20/100000 vs 0/100000
//! cpu changed +1.2% (95% CI -0.8%..3.1%), not beyond tolerance 10% for an increase, p=1 (Holm-adjusted 1); median 41 → 41.5, n=40/40
//! ```

use super::format::{num, p, pct, rate, share, signed, signed_pct};
use super::result::{Classification, Comparison, Measure, MetricResult, SideSummary};
use super::spec::{Direction, Kind, Statistic, Tolerance};

/// The reason sentence; `beyond` is where the interval lay wholly beyond
/// the tolerance before the adjustment, `note` an extra remark.
pub(crate) fn explain(
    r: &MetricResult,
    beyond: Option<Classification>,
    note: Option<&str>,
) -> String {
    let (Some(test), Some(interval)) = (r.test, r.interval) else {
        return r.reason.clone();
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
    let p_text = format!(
        "p{} (Holm-adjusted {})",
        equals(p(test.p_value)),
        p(test.adjusted_p_value)
    );
    let clause = match (r.classification, beyond) {
        (Classification::High | Classification::Low, _) => {
            format!(" beyond tolerance {tolerance}, {p_text}")
        }
        (_, Some(_)) => format!(
            " beyond tolerance {tolerance}, but {p_text} is not below α={}",
            p(1.0 - r.confidence)
        ),
        _ => {
            let bad = match r.direction {
                Direction::Increase => "an increase",
                Direction::Decrease => "a decrease",
                Direction::Either => "either direction",
            };
            format!(", not beyond tolerance {tolerance} for {bad}, {p_text}")
        }
    };
    let note = note.map(|n| format!("; {n}")).unwrap_or_default();
    format!(
        "{head} ({} CI {ci}){clause}; {context}{note}",
        share(r.confidence)
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
        Tolerance::Absolute(a) => num(a),
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

fn shift(
    r: &MetricResult,
    moved: Option<Classification>,
    lo: f64,
    hi: f64,
) -> (String, String, String, String) {
    let est = r.estimate.map(|e| e.value).unwrap_or(f64::NAN);
    let context = match r.statistic {
        Some(statistic) => estimated(r, statistic),
        None => {
            let median_of =
                |s: Option<&SideSummary>| s.and_then(|s| s.median).map(num).unwrap_or_default();
            format!(
                "median {} → {}, {}",
                median_of(r.baseline.as_ref()),
                median_of(Some(&r.canary)),
                sizes(r.baseline.as_ref(), &r.canary)
            )
        }
    };
    match (r.tolerance, r.relative) {
        (Tolerance::Relative(t), Some(rel)) => (
            format!(
                "{} {}",
                r.name,
                verb(moved, pct(rel.value.abs()), signed_pct(rel.value))
            ),
            format!("{}..{}", pct(rel.lower), pct(rel.upper)),
            share(t),
            context,
        ),
        // Slopes are per second in the data, per minute for people.
        _ if r.statistic == Some(Statistic::Slope) => {
            let per_min = |x: f64| format!("{}/min", num(x * 60.0));
            (
                format!(
                    "{} {}",
                    r.name,
                    verb(
                        moved,
                        per_min(est.abs()),
                        format!("{}/min", signed(est * 60.0))
                    )
                ),
                format!("{}..{}", num(lo * 60.0), per_min(hi)),
                per_min(r.tolerance.value()),
                context,
            )
        }
        _ => (
            format!("{} {}", r.name, verb(moved, num(est.abs()), signed(est))),
            format!("{}..{}", num(lo), num(hi)),
            match r.tolerance {
                Tolerance::Relative(_) => "0".into(),
                Tolerance::Absolute(a) => num(a),
            },
            context,
        ),
    }
}

/// `p95 0.212 → 0.257, 3 vs 3 replicas, n=51234/50980` or `mean 41 → 42,
/// n=40/40 (≈6/≈5 independent)`.
fn estimated(r: &MetricResult, statistic: Statistic) -> String {
    let name = match statistic {
        Statistic::Mean => "mean".to_string(),
        Statistic::Quantile { q } => format!("p{}", num(q * 100.0)),
        Statistic::Slope => "slope".to_string(),
    };
    let per = if statistic == Statistic::Slope {
        60.0
    } else {
        1.0
    };
    let suffix = if statistic == Statistic::Slope {
        "/min"
    } else {
        ""
    };
    let level = |s: Option<&SideSummary>| {
        s.and_then(|s| s.level)
            .map(|l| format!("{}{suffix}", num(l * per)))
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
    let med = r.canary.median.unwrap_or(f64::NAN);
    let bound = r.bound.unwrap_or(f64::NAN);
    let by = match (r.tolerance, r.relative) {
        (Tolerance::Relative(_), Some(rel)) => pct(rel.value.abs()),
        _ => num((med - bound).abs()),
    };
    let head = match moved {
        Some(Classification::High) => format!(
            "{} median {} is {by} above the bound {}",
            r.name,
            num(med),
            num(bound)
        ),
        Some(Classification::Low) => format!(
            "{} median {} is {by} below the bound {}",
            r.name,
            num(med),
            num(bound)
        ),
        _ => format!("{} median {} vs bound {}", r.name, num(med), num(bound)),
    };
    let edge = r.margin.map(num).unwrap_or_default();
    let tolerance = format!("{} (limit {edge})", tolerance_text(r));
    (
        head,
        format!("{}..{}", num(lo), num(hi)),
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
        "{} {} vs {rb}, ratio {ratio_text}",
        r.name,
        side_rate(&r.canary)
    );
    let edge = r.margin.map(num).unwrap_or_default();
    let context = format!(
        "errors {}/{} vs {eb}/{tb}",
        r.canary.errors.unwrap_or(0),
        r.canary.n
    );
    (
        head,
        format!("{}..{}", num(lo), num(hi)),
        format!("{} (ratio {edge})", tolerance_text(r)),
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
    let edge = r.margin.map(rate).unwrap_or_default();
    let context = format!("errors {}/{}", r.canary.errors.unwrap_or(0), r.canary.n);
    (
        head,
        format!("{}..{}", rate(lo), rate(hi)),
        format!("{} (limit {edge})", tolerance_text(r)),
        context,
    )
}
