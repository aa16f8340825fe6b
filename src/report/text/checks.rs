//! A checks run for people: a line per check, the failed asserts under it,
//! and the verdict.
//!
//! ```text
//! ✔ health: GET https://shop.example.com/health → 200 in 45ms
//! ✖ home: GET https://shop.example.com/ → 503 in 12ms
//!     ✖ status is 200: expected 200, got 503
//! ⚠ api: timed out: no answer within 10s (2 attempts)
//! ✖ NO-GO: 1 of 3 checks failed (home); 1 did not answer (api)
//! ```

use crate::checks::{CheckOutcome, CheckResult, CheckRun};
use crate::report::{Mark, Painter, outcome_word};

pub fn text(run: &CheckRun, p: Painter, quiet: bool) -> String {
    let mut lines = Vec::new();
    if !quiet {
        for r in &run.results {
            lines.extend(check_lines(r, p));
        }
    }
    lines.push(p.line(
        Painter::outcome_mark(run.outcome),
        &format!("{}: {}", outcome_word(run.outcome), summary(run)),
    ));
    lines.join("\n")
}

/// One check's lines: the head line, then each failed assert and warning.
pub fn check_lines(r: &CheckResult, p: Painter) -> Vec<String> {
    let attempts = if r.attempts > 1 {
        format!(" after {} attempts", r.attempts)
    } else {
        String::new()
    };
    let via = r
        .connected_to
        .as_deref()
        .map(|a| format!(" via {a}"))
        .unwrap_or_default();
    let answer = match (r.status, r.latency_ms) {
        (Some(s), Some(ms)) => format!(" → {s} in {ms}ms{via}"),
        (Some(s), None) => format!(" → {s}{via}"),
        _ => via,
    };
    // A check made from --url is named by its URL: do not say it twice.
    let head = if r.name == r.url {
        format!("{} {}{answer}{attempts}", r.method, r.url)
    } else {
        format!("{}: {} {}{answer}{attempts}", r.name, r.method, r.url)
    };
    let mut lines = match r.outcome {
        CheckOutcome::Passed => vec![p.line(Mark::Ok, &head)],
        CheckOutcome::Failed => vec![p.line(Mark::Fail, &head)],
        CheckOutcome::Error | CheckOutcome::TimedOut => {
            let what = if r.outcome == CheckOutcome::TimedOut {
                "timed out"
            } else {
                "could not be evaluated"
            };
            let why = r
                .error
                .as_deref()
                .map(|e| format!(": {e}"))
                .unwrap_or_default();
            vec![p.line(Mark::Warn, &format!("{head}: {what}{why}"))]
        }
    };
    for a in r.failures() {
        let note = a
            .note
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        lines.push(format!(
            "    {}",
            p.line(
                Mark::Fail,
                &format!(
                    "{}: expected {}, got {}{note}",
                    a.description, a.expected, a.actual
                )
            )
        ));
    }
    for w in &r.warnings {
        lines.push(format!("    {}", p.line(Mark::Warn, w)));
    }
    lines
}

fn summary(run: &CheckRun) -> String {
    let t = &run.totals;
    let names = |f: fn(&CheckResult) -> bool| {
        run.results
            .iter()
            .filter(|r| f(r))
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = Vec::new();
    if t.failed > 0 {
        parts.push(format!(
            "{} of {} checks failed ({})",
            t.failed,
            t.checks,
            names(|r| r.outcome == CheckOutcome::Failed)
        ));
    }
    let unanswered = t.error + t.timed_out;
    if unanswered > 0 {
        parts.push(format!(
            "{unanswered} did not answer ({})",
            names(|r| matches!(r.outcome, CheckOutcome::Error | CheckOutcome::TimedOut))
        ));
    }
    if parts.is_empty() {
        format!("all {} checks passed in {}ms", t.checks, run.duration_ms)
    } else {
        parts.join("; ")
    }
}
