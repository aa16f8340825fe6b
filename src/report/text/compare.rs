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

use crate::compare::CompareResult;
use crate::compare::result::{LookResult, WatchResult};
use crate::compare::result::BaselineKind;
use crate::compare::sides::show;
use crate::judge::{Comparison, MetricResult};
use crate::report::{Mark, Painter, outcome_word};

/// Every line, the verdict last; only the verdict when `quiet`; each
/// metric's statistics too when `verbose`.
pub fn compare(r: &CompareResult, p: Painter, quiet: bool, verbose: bool) -> String {
    let mut lines = if quiet {
        Vec::new()
    } else {
        body(r, p, verbose)
    };
    if let Some(locked) = &r.locked_after {
        lines.push(super::lock::lock(locked, p));
    }
    lines.push(verdict(r, p));
    lines.join("\n")
}

/// Everything but the verdict line.
pub fn body(r: &CompareResult, p: Painter, verbose: bool) -> Vec<String> {
    let mut lines = vec![p.line(Mark::Info, &header(r))];
    if let Some(w) = &r.watch {
        lines.push(p.line(Mark::Info, &watched(w)));
    }
    lines.extend(r.verdict.metrics.iter().map(|m| metric(m, p, verbose)));
    lines.extend(r.warnings.iter().map(|w| p.line(Mark::Warn, w)));
    lines
}

/// `• Watched 15m every 1m from 2026-01-01 00:00:00 UTC: 4 of 15 looks, each at 99.67% confidence; stopped at look 4 of 15: a clear no-go`
fn watched(w: &WatchResult) -> String {
    let end = w
        .stopped
        .clone()
        .unwrap_or_else(|| "watched to the end".to_string());
    format!(
        "Watched {} every {} from {}: {} of {} looks, each at {} confidence; {end}; the last look decides",
        w.length,
        w.every,
        w.start.format("%Y-%m-%d %H:%M:%S UTC"),
        w.looks.len(),
        w.planned_looks,
        crate::judge::format::share(w.confidence),
    )
}

/// One look of a watch, as it happens:
/// `• look 4/15 (4m): NO-GO: critical 5xx ratio high; score 0 (...)`.
pub fn look(l: &LookResult, p: Painter) -> String {
    let elapsed = crate::compare::template::promql_duration(std::time::Duration::from_secs(
        l.elapsed_s,
    ));
    let summary = l
        .summary
        .split_once(": ")
        .map_or(l.summary.as_str(), |(_, rest)| rest);
    p.line(
        Painter::outcome_mark(l.outcome),
        &format!(
            "look {}/{} ({elapsed}): {}: {summary}",
            l.look,
            l.of,
            outcome_word(l.outcome)
        ),
    )
}

/// `✖ NO-GO: critical latency_p95 high; score 50 (...); 1 pass, 1 high (latency_p95)`.
pub fn verdict(r: &CompareResult, p: Painter) -> String {
    if !r.bad_queries.is_empty() {
        return p.line(
            Mark::Fail,
            &format!(
                "BAD INPUT: {}; fix the query (exit 2)",
                r.bad_queries.join("; ")
            ),
        );
    }
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

/// `Comparing canary {group=green} with baseline {group=blue}: …`.
pub fn header(r: &CompareResult) -> String {
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
        // The baseline's own variables (`baseline: {group: blue}` with
        // `--baseline offset=1d`) are what its queries used: name them
        // unless they are the canary's.
        BaselineKind::Historical
            if r.baseline.variables.is_empty() || r.baseline.variables == r.canary.variables =>
        {
            format!(
                "itself {} earlier (historical baseline)",
                r.baseline.offset.as_deref().unwrap_or("")
            )
        }
        BaselineKind::Historical => format!(
            "baseline {} {} earlier (historical baseline)",
            show(&r.baseline.variables),
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

fn metric(m: &MetricResult, p: Painter, verbose: bool) -> String {
    let mark = crate::report::metric_mark(m);
    let critical = if m.critical { " (critical)" } else { "" };
    let statistics = match (&m.statistics, verbose) {
        (Some(s), true) => format!("; {s}"),
        _ => String::new(),
    };
    p.line(
        mark,
        &format!(
            "[{}] {}{critical}{statistics}",
            m.classification.label(),
            m.reason
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_a_line_and_the_verdict_last() {
        let text = compare(
            &crate::compare::result::sample(),
            Painter { color: false },
            false,
            false,
        );
        assert_eq!(
            text,
            "• Comparing canary {group=green} with baseline {group=blue}: prometheus (http://prom:9090), 10m to 2026-01-01 00:10:00 UTC, step 15s
✖ [high] latency_p95 rose 30.0% (95% CI 29.0%..31.0%) beyond tolerance 10% (at most 113.3ms); median 103ms → 133.9ms, n=40/40 (critical)
⚠ [error] errors could not be fetched: prometheus could not be reached: connection failed: connection refused (3 attempts)
⚠ [no data] p99 slo has no data: canary has 1 usable samples, fewer than min_samples 20; left out of the score
⚠ latency_p95 (canary): prometheus warned: partial response
✖ NO-GO: critical latency_p95 high; score 0 (go ≥ 95, inconclusive ≥ 75); 1 high (latency_p95), 1 no data (p99 slo), 1 error (errors)"
        );
    }

    #[test]
    fn a_historical_baseline_names_its_own_group() {
        let mut r = crate::compare::result::sample();
        r.baseline.kind = BaselineKind::Historical;
        r.baseline.offset = Some("1d".into());
        assert!(
            header(&r).starts_with(
                "Comparing canary {group=green} with baseline {group=blue} 1d earlier (historical baseline)"
            ),
            "{}",
            header(&r)
        );
        r.baseline.variables = r.canary.variables.clone();
        assert!(header(&r).contains("with itself 1d earlier"), "{}", header(&r));
    }

    #[test]
    fn verbose_adds_the_statistics() {
        let text = compare(
            &crate::compare::result::sample(),
            Painter { color: false },
            false,
            true,
        );
        assert!(
            text.contains("n=40/40 (critical); p=6.2e-15 (Holm-adjusted 6.2e-15, α=0.05)"),
            "{text}"
        );
    }

    #[test]
    fn quiet_is_the_verdict_alone_in_colour() {
        let text = compare(
            &crate::compare::result::sample(),
            Painter { color: true },
            true,
            false,
        );
        assert_eq!(
            text,
            "\x1b[31m✖ NO-GO: critical latency_p95 high; score 0 (go ≥ 95, inconclusive ≥ 75); 1 high (latency_p95), 1 no data (p99 slo), 1 error (errors)\x1b[0m"
        );
    }
}
