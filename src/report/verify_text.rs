//! `verify` for people: the checks as `greenlight checks` prints them, the
//! comparison's lines when it ran, and one verdict:
//!
//! ```text
//! ✔ health: GET https://shop.example.com/health → 200 in 3ms
//! • Comparing canary {group=green} with baseline {group=blue}: prometheus (http://127.0.0.1:9090), 10m to 2026-01-01 00:10:00 UTC, step 15s
//! ✔ [pass] latency_p95 changed +0.4% (95% CI ...) ...
//! ✔ GO: the check passed; comparison go: score 100 (go ≥ 95, inconclusive ≥ 75); 1 pass
//! ```
//!
//! ```text
//! ✖ health: GET https://shop.example.com/health → 503 in 4ms
//!     ✖ status is 200: expected 200, got 503
//! ✖ NO-GO: check failed: health (status is 200: expected 200, got 503); comparison not run
//! ```

use super::{Mark, Painter, compare_text, outcome_word};
use crate::checks::{CheckOutcome, CheckResult};
use crate::verify::VerifyResult;

pub fn verify(r: &VerifyResult, p: Painter, quiet: bool) -> String {
    let mut lines = Vec::new();
    if !quiet {
        for c in &r.checks.results {
            lines.extend(check_lines(c, p));
        }
        if let Some(c) = &r.compare {
            lines.extend(compare_text::body(c, p));
        }
    }
    lines.push(p.line(
        Painter::outcome_mark(r.outcome),
        &format!("{}: {}", outcome_word(r.outcome), r.reason),
    ));
    lines.join("\n")
}

/// A check's lines, as `greenlight checks` prints them (`report/checks.rs`
/// on main; once merged, `verify` should call that instead of this copy).
fn check_lines(r: &CheckResult, p: Painter) -> Vec<String> {
    let attempts = if r.attempts > 1 {
        format!(" after {} attempts", r.attempts)
    } else {
        String::new()
    };
    let answer = match (r.status, r.latency_ms) {
        (Some(s), Some(ms)) => format!(" → {s} in {ms}ms"),
        (Some(s), None) => format!(" → {s}"),
        _ => String::new(),
    };
    let head = format!("{}: {} {}{answer}{attempts}", r.name, r.method, r.url);
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
