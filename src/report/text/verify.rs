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

use super::checks::check_lines;
use super::compare;
use crate::report::{Painter, outcome_word};
use crate::verify::VerifyResult;

pub fn verify(r: &VerifyResult, p: Painter, quiet: bool, verbose: bool) -> String {
    let mut lines = Vec::new();
    if !quiet {
        for c in &r.checks.results {
            lines.extend(check_lines(c, p));
        }
        if let Some(c) = &r.compare {
            lines.extend(compare::body(c, p, verbose));
        }
        if let Some(released) = &r.released {
            lines.push(super::lease::release(released, p));
        }
    }
    if let Some(locked) = &r.locked_after {
        lines.push(super::lock::lock(locked, p));
    }
    match &r.compare {
        Some(c) if !c.bad_queries.is_empty() => lines.push(compare::verdict(c, p)),
        _ => lines.push(p.line(
            Painter::outcome_mark(r.outcome),
            &format!("{}: {}", outcome_word(r.outcome), r.reason),
        )),
    }
    lines.join("\n")
}
