//! A checks run as a JUnit suite (also used by `verify`): one test case
//! per assert (classname `checks.<check>`); a check that could not be
//! evaluated (unreachable, timed out) is one `<error>` case named
//! `reachable`.

use std::time::Duration;

use super::xml::{Case, CaseResult, Suite};
use crate::checks::{CheckOutcome, CheckRun};

/// The checks as one JUnit suite (also used by `verify`).
pub fn suite(run: &CheckRun) -> Suite {
    let mut cases = Vec::new();
    for r in &run.results {
        let classname = format!("checks.{}", r.name);
        // The check's whole time, retries included.
        let time = Duration::from_millis(r.duration_ms);
        if matches!(r.outcome, CheckOutcome::Error | CheckOutcome::TimedOut) {
            cases.push(Case {
                classname: classname.clone(),
                name: "reachable".into(),
                time,
                result: CaseResult::Error {
                    message: r
                        .error
                        .clone()
                        .unwrap_or_else(|| "could not be evaluated".into()),
                    detail: format!(
                        "{} {} ({} attempt{})",
                        r.method,
                        r.url,
                        r.attempts,
                        if r.attempts == 1 { "" } else { "s" }
                    ),
                    kind: Some(r.outcome.as_str().to_string()),
                },
            });
            continue;
        }
        for a in &r.asserts {
            let result = if a.passed {
                CaseResult::Passed
            } else {
                CaseResult::Failure {
                    message: format!("expected {}, got {}", a.expected, a.actual),
                    detail: format!(
                        "{} {}\nexpected: {}\nactual: {}{}",
                        r.method,
                        r.url,
                        a.expected,
                        a.actual,
                        a.note
                            .as_deref()
                            .map(|n| format!("\nnote: {n}"))
                            .unwrap_or_default()
                    ),
                }
            };
            cases.push(Case {
                classname: classname.clone(),
                name: a.description.clone(),
                time,
                result,
            });
        }
    }
    Suite {
        name: "greenlight checks".into(),
        cases,
        // Checks run at once: the run's wall time, not the sum.
        time: Some(Duration::from_millis(run.duration_ms)),
    }
}
