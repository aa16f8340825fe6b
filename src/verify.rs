//! `greenlight verify`: after a deploy, before traffic moves. The semantic
//! checks run first; only when every one passes does the comparison run,
//! so a broken stack is never judged on its metrics and no metrics backend
//! is queried for it. One verdict, one exit code:
//!
//! | checks | comparison | verdict |
//! |---|---|---|
//! | a check failed | not run | no-go (1) |
//! | a check could not be evaluated | not run | inconclusive (3) |
//! | all passed (or none configured) | go / no-go / inconclusive | the comparison's |
//! | all passed | none configured | go (0) |

use serde::Serialize;

use crate::checks::{self, Check, CheckOutcome, CheckRun, RunOptions};
use crate::compare::{CompareResult, Comparison};
use crate::outcome::Outcome;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifyResult {
    pub outcome: Outcome,
    /// One sentence: what decided.
    pub reason: String,
    pub checks: CheckRun,
    /// `None` when the comparison did not run (see `reason`).
    pub compare: Option<CompareResult>,
    /// `--release`: what freeing the deploy lease did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub released: Option<crate::lease::ReleaseResult>,
    /// `on_no_go: {lock: true}`: the lock a no-go wrote.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locked_after: Option<crate::lock::LockRun>,
}

pub fn run(
    specs: &[Check],
    comparison: Option<&Comparison>,
    opts: &RunOptions,
    compare: impl FnOnce(&Comparison) -> CompareResult,
) -> VerifyResult {
    let run = checks::run(specs, opts);
    let names = |o: &[CheckOutcome]| -> Vec<String> {
        run.results
            .iter()
            .filter(|r| o.contains(&r.outcome))
            .map(|r| {
                let why = r
                    .failures()
                    .next()
                    .map(|a| {
                        format!(
                            "{}: expected {}, got {}",
                            a.description, a.expected, a.actual
                        )
                    })
                    .or_else(|| r.error.clone())
                    .unwrap_or_else(|| r.outcome.as_str().to_string());
                format!("{} ({why})", r.name)
            })
            .collect()
    };
    let checked = match run.totals.checks {
        0 => "no checks configured".to_string(),
        1 => "the check passed".to_string(),
        n => format!("{n} checks passed"),
    };
    let (outcome, reason, compared) = match run.outcome {
        Outcome::NoGo => (
            Outcome::NoGo,
            format!(
                "check failed: {}; comparison not run",
                names(&[CheckOutcome::Failed]).join(", ")
            ),
            None,
        ),
        Outcome::Inconclusive => (
            Outcome::Inconclusive,
            format!(
                "check could not be evaluated: {}; comparison not run",
                names(&[CheckOutcome::Error, CheckOutcome::TimedOut]).join(", ")
            ),
            None,
        ),
        Outcome::Go => match comparison {
            Some(cfg) => {
                let r = compare(cfg);
                let reason = format!("{checked}; comparison {}", r.verdict.summary);
                (r.outcome, reason, Some(r))
            }
            None => (
                Outcome::Go,
                format!("{checked}; no comparison configured"),
                None,
            ),
        },
    };
    VerifyResult {
        outcome,
        reason,
        checks: run,
        compare: compared,
        released: None,
        locked_after: None,
    }
}
