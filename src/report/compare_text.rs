//! The comparison for people: what was compared, one line per metric with
//! the judge's reason (n per side, medians, estimate, interval, p-value,
//! tolerance), the warnings, and the verdict:
//!
//! ```text
//! • Comparing canary {group=green} with baseline {group=blue}: prometheus (http://127.0.0.1:9090), 10m to 2026-01-01 00:10:00 UTC, step 15s
//! ✖ [high] latency_p95 rose 30.0% (95% CI 28.1%..31.9%) beyond tolerance 10%, p=1.5e-14 (Holm-adjusted 3.0e-14); median 0.1 → 0.13, n=40/40 (critical)
//! ✔ [pass] errors 0.1% vs 0.1%, ratio 1 (95% CI 0.5..2) not beyond tolerance 50% (ratio 1.5) for an increase, p=0.5 (Holm-adjusted 0.5); errors 20/20000 vs 20/20000
//! ✖ NO-GO: critical latency_p95 high; score 50 (go ≥ 95, inconclusive ≥ 75); 1 pass, 1 high (latency_p95)
//! ```
//!
//! A metric that could not be judged (`[error]`, e.g. Prometheus down) or
//! has too little data (`[no data]`) gets a `⚠`, or a `✖` when it must
//! have data.

use super::{Mark, Painter, outcome_word};
use crate::compare::CompareResult;
use crate::compare::result::BaselineKind;
use crate::compare::sides::show;
use crate::judge::{Classification, Comparison, MetricResult};

/// Every line, the verdict last; only the verdict when `quiet`.
pub fn compare(r: &CompareResult, p: Painter, quiet: bool) -> String {
    let mut lines = if quiet { Vec::new() } else { body(r, p) };
    lines.push(verdict(r, p));
    lines.join("\n")
}

/// Everything but the verdict line.
pub fn body(r: &CompareResult, p: Painter) -> Vec<String> {
    let mut lines = vec![p.line(Mark::Info, &header(r))];
    lines.extend(r.verdict.metrics.iter().map(|m| metric(m, p)));
    lines.extend(r.warnings.iter().map(|w| p.line(Mark::Warn, w)));
    lines
}

/// `✖ NO-GO: critical latency_p95 high; score 50 (...); 1 pass, 1 high (latency_p95)`.
pub fn verdict(r: &CompareResult, p: Painter) -> String {
    p.line(
        Painter::outcome_mark(r.outcome),
        &format!("{}: {}", outcome_word(r.outcome), summary(r)),
    )
}

/// The judge's summary without its leading outcome word.
pub fn summary(r: &CompareResult) -> &str {
    let s = r.verdict.summary.as_str();
    s.split_once(": ").map_or(s, |(_, rest)| rest)
}

fn header(r: &CompareResult) -> String {
    let canary = if r.canary.variables.is_empty() {
        "the canary".to_string()
    } else {
        format!("canary {}", show(&r.canary.variables))
    };
    let only_bounds = r
        .verdict
        .metrics
        .iter()
        .all(|m| m.comparison == Comparison::Threshold);
    let baseline = match r.baseline.kind {
        _ if only_bounds => "fixed bounds".to_string(),
        BaselineKind::Concurrent if r.baseline.variables.is_empty() => "the baseline".to_string(),
        BaselineKind::Concurrent => format!("baseline {}", show(&r.baseline.variables)),
        BaselineKind::Historical => format!(
            "itself {} earlier (historical baseline)",
            r.baseline.offset.as_deref().unwrap_or("")
        ),
        BaselineKind::None => "fixed bounds".to_string(),
    };
    let source = match &r.source.url {
        Some(url) => format!("{} ({url})", r.source.name),
        None => "files".to_string(),
    };
    let window = match (&r.source.window, &r.source.step) {
        (Some(w), Some(s)) => format!(
            ", {w} to {}, step {s}",
            r.at.format("%Y-%m-%d %H:%M:%S UTC")
        ),
        _ => String::new(),
    };
    format!("Comparing {canary} with {baseline}: {source}{window}")
}

fn metric(m: &MetricResult, p: Painter) -> String {
    let mark = match m.classification {
        Classification::Pass => Mark::Ok,
        Classification::High | Classification::Low => Mark::Fail,
        Classification::NoData if m.must_have_data => Mark::Fail,
        Classification::NoData | Classification::Error => Mark::Warn,
    };
    let critical = if m.critical { " (critical)" } else { "" };
    p.line(
        mark,
        &format!("[{}] {}{critical}", m.classification.label(), m.reason),
    )
}
