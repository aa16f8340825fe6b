//! Results as data: what each check saw and decided, for the reports (text,
//! JSON, JUnit) to read without recomputing anything, and the [`Outcome`]
//! of the run.
//!
//! | check outcome | meaning | run outcome |
//! |---|---|---|
//! | `passed` | every assert held | go, when all passed |
//! | `failed` | the server answered and an assert did not hold (a bad certificate counts) | no-go |
//! | `error` | could not be evaluated: refused, unknown host, broken response | inconclusive |
//! | `timed_out` | no answer within the timeout, the retry window or the run's deadline | inconclusive |
//!
//! In JUnit a `failed` check is a `<failure>`, an `error`/`timed_out` one an
//! `<error>`. Every string here is already redacted (see `redact.rs`).
//! See the module docs of [`crate::checks`] for a serialized example.

use serde::Serialize;

use crate::Outcome;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckOutcome {
    Passed,
    Failed,
    Error,
    TimedOut,
}

impl CheckOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckOutcome::Passed => "passed",
            CheckOutcome::Failed => "failed",
            CheckOutcome::Error => "error",
            CheckOutcome::TimedOut => "timed_out",
        }
    }

    /// This check's share of the run's outcome.
    pub fn outcome(self) -> Outcome {
        match self {
            CheckOutcome::Passed => Outcome::Go,
            CheckOutcome::Failed => Outcome::NoGo,
            CheckOutcome::Error | CheckOutcome::TimedOut => Outcome::Inconclusive,
        }
    }
}

/// What one check saw on its last attempt, and how it got there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckResult {
    pub name: String,
    pub method: String,
    /// Redacted.
    pub url: String,
    pub outcome: CheckOutcome,
    /// Requests made (0 when the run's deadline passed before it started).
    pub attempts: u32,
    /// From the check's start to its end, retries and pauses included.
    pub duration_ms: u64,
    /// The HTTP status of the last response, if there was one.
    pub status: Option<u16>,
    /// Request sent to body read, on the last attempt.
    pub latency_ms: Option<u64>,
    /// Where redirects led, when they were followed.
    pub final_url: Option<String>,
    /// The address `resolve` connected to (`10.0.3.17:443`); absent
    /// without `resolve`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connected_to: Option<String>,
    /// Bytes of body read (at most the cap) and whether there was more.
    pub body_bytes: Option<usize>,
    pub body_truncated: bool,
    pub tls_days_left: Option<i64>,
    /// Why the check could not be evaluated (`error`, `timed_out`).
    pub error: Option<String>,
    pub asserts: Vec<AssertResult>,
    pub warnings: Vec<String>,
}

impl CheckResult {
    /// A result with nothing observed yet: no attempt, no answer, no assert.
    pub fn blank(name: String, method: String, url: String, outcome: CheckOutcome) -> CheckResult {
        CheckResult {
            name,
            method,
            url,
            outcome,
            attempts: 0,
            duration_ms: 0,
            status: None,
            latency_ms: None,
            final_url: None,
            connected_to: None,
            body_bytes: None,
            body_truncated: false,
            tls_days_left: None,
            error: None,
            asserts: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// The asserts that did not hold.
    pub fn failures(&self) -> impl Iterator<Item = &AssertResult> {
        self.asserts.iter().filter(|a| !a.passed)
    }
}

/// What an assert is about, for grouping in reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AssertKind {
    Status,
    Header,
    Body,
    Json,
    Latency,
    Tls,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssertResult {
    pub kind: AssertKind,
    /// One line for people: `status is 200`, `$.items[0].price > 0`.
    pub description: String,
    pub expected: String,
    /// A short excerpt of what was seen; never a secret.
    pub actual: String,
    pub passed: bool,
    /// A caveat, e.g. that the body was truncated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Every check's result, their totals, and the decision.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckRun {
    pub outcome: Outcome,
    pub totals: Totals,
    pub duration_ms: u64,
    pub results: Vec<CheckResult>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub checks: usize,
    pub passed: usize,
    pub failed: usize,
    pub error: usize,
    pub timed_out: usize,
}

impl CheckRun {
    pub fn new(results: Vec<CheckResult>, duration_ms: u64) -> CheckRun {
        let mut totals = Totals {
            checks: results.len(),
            ..Totals::default()
        };
        for r in &results {
            match r.outcome {
                CheckOutcome::Passed => totals.passed += 1,
                CheckOutcome::Failed => totals.failed += 1,
                CheckOutcome::Error => totals.error += 1,
                CheckOutcome::TimedOut => totals.timed_out += 1,
            }
        }
        CheckRun {
            outcome: outcome(&results),
            totals,
            duration_ms,
            results,
        }
    }
}

/// All passed: go. Any failed: no-go. Otherwise some could not be
/// evaluated: inconclusive. No checks at all is go (nothing was asked).
fn outcome(results: &[CheckResult]) -> Outcome {
    results
        .iter()
        .map(|r| r.outcome.outcome())
        .fold(Outcome::Go, Outcome::and)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(outcome: CheckOutcome) -> CheckResult {
        CheckResult {
            attempts: 1,
            duration_ms: 1,
            ..CheckResult::blank("x".into(), "GET".into(), "http://x/".into(), outcome)
        }
    }

    #[test]
    fn failed_beats_unreachable_beats_passed() {
        use CheckOutcome::*;
        let run = |o: &[CheckOutcome]| CheckRun::new(o.iter().map(|o| result(*o)).collect(), 0);
        assert_eq!(run(&[Passed, Passed]).outcome, Outcome::Go);
        assert_eq!(run(&[Passed, TimedOut]).outcome, Outcome::Inconclusive);
        assert_eq!(run(&[Error, Passed]).outcome, Outcome::Inconclusive);
        assert_eq!(run(&[TimedOut, Failed, Passed]).outcome, Outcome::NoGo);
        assert_eq!(run(&[]).outcome, Outcome::Go);
        let totals = run(&[Passed, Failed, Error, TimedOut, TimedOut]).totals;
        assert_eq!(
            (
                totals.checks,
                totals.passed,
                totals.failed,
                totals.error,
                totals.timed_out
            ),
            (5, 1, 1, 1, 2)
        );
    }
}
