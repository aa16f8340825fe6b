//! `verify` for people: a line per check, the comparison's lines when it
//! ran, and one verdict:
//!
//! ```text
//! ✔ Check health: passed (HTTP 200 in 3ms)
//! • Comparing canary {group=green} with baseline {group=blue}: prometheus (http://127.0.0.1:9090), 10m to 2026-01-01 00:10:00 UTC, step 15s
//! ✔ [pass] latency_p95 changed +0.4% (95% CI ...) ...
//! ✔ GO: the check passed; comparison go: score 100 (go ≥ 95, inconclusive ≥ 75); 1 pass
//! ```
//!
//! ```text
//! ✖ Check health: status is 200: expected 200, got 503
//! ✖ NO-GO: check failed: health (status is 200: expected 200, got 503); comparison not run
//! ```

use super::{Mark, Painter, compare_text, outcome_word};
use crate::checks::{CheckOutcome, CheckResult};
use crate::verify::VerifyResult;

pub fn verify(r: &VerifyResult, p: Painter, quiet: bool) -> String {
    let mut lines = Vec::new();
    if !quiet {
        lines.extend(r.checks.results.iter().map(|c| check(c, p)));
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

fn check(c: &CheckResult, p: Painter) -> String {
    match c.outcome {
        CheckOutcome::Passed => {
            let status = c.status.map(|s| format!("HTTP {s}")).unwrap_or_default();
            let latency = c
                .latency_ms
                .map(|ms| format!(" in {ms}ms"))
                .unwrap_or_default();
            p.line(
                Mark::Ok,
                &format!("Check {}: passed ({status}{latency})", c.name),
            )
        }
        CheckOutcome::Failed => {
            let failures: Vec<String> = c
                .failures()
                .map(|a| {
                    format!(
                        "{}: expected {}, got {}",
                        a.description, a.expected, a.actual
                    )
                })
                .collect();
            p.line(
                Mark::Fail,
                &format!("Check {}: {}", c.name, failures.join("; ")),
            )
        }
        CheckOutcome::Error | CheckOutcome::TimedOut => p.line(
            Mark::Warn,
            &format!(
                "Check {}: {}: {}",
                c.name,
                c.outcome.as_str().replace('_', " "),
                c.error.as_deref().unwrap_or("could not be evaluated")
            ),
        ),
    }
}
