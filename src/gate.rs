//! `gate` and `status`: evaluate the deploy window and every lock source at
//! one instant, and decide. The result is data; reports only read it.
//!
//! - window closed, or any source locked → no-go (exit 1);
//! - a source unavailable and `on_error: closed` → inconclusive (exit 3);
//!   with `on_error: open` → go, with a warning;
//! - otherwise → go.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::http::Deadline;
use crate::lock::{self, LockReading, LockSource, LockState, OnError};
use crate::outcome::Outcome;
use crate::window::{Schedule, WindowStatus};

/// What `gate` and `status` evaluate.
pub struct GateConfig {
    pub schedule: Schedule,
    pub sources: Vec<Box<dyn LockSource>>,
    pub on_error: OnError,
    /// The deploy lease to take when the gate says go.
    pub lease: Option<crate::lease::LeasePlan>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GateResult {
    pub at: DateTime<Utc>,
    pub outcome: Outcome,
    /// One sentence per thing that decided, most important first.
    pub reasons: Vec<String>,
    pub warnings: Vec<String>,
    pub window: WindowStatus,
    pub locks: Locks,
    /// The deploy lease, when one is configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lease: Option<crate::lease::LeaseStatus>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Locks {
    pub on_error: OnError,
    pub sources: Vec<LockReading>,
}

/// Evaluates the window and every lock source at `at`, the run's one clock.
pub fn evaluate(cfg: &GateConfig, at: DateTime<Utc>, deadline: Deadline) -> GateResult {
    let window = cfg.schedule.evaluate(at);
    let sources = lock::check_all(&cfg.sources, at, deadline);
    decide(at, window, sources, cfg.on_error)
}

/// The decision, from evaluated parts (pure: unit-tested without I/O).
pub fn decide(
    at: DateTime<Utc>,
    window: WindowStatus,
    sources: Vec<LockReading>,
    on_error: OnError,
) -> GateResult {
    let mut outcome = Outcome::Go;
    let mut reasons = Vec::new();
    let mut warnings = Vec::new();
    if !window.open {
        outcome = Outcome::NoGo;
        reasons.push("deploy window closed".to_string());
    }
    for s in &sources {
        match &s.state {
            LockState::Locked(info) => {
                outcome = outcome.and(Outcome::NoGo);
                let by = info
                    .by
                    .as_deref()
                    .map(|b| format!(" by {b}"))
                    .unwrap_or_default();
                reasons.push(format!("locked{by} ({}): {}", s.source, info.reason));
            }
            LockState::Unavailable { cause, .. } => match on_error {
                OnError::Closed => {
                    outcome = outcome.and(Outcome::Inconclusive);
                    reasons.push(format!(
                        "lock source {} unavailable ({cause}); on_error: closed",
                        s.source
                    ));
                }
                OnError::Open => {
                    warnings.push(format!(
                        "lock source {} unavailable ({cause}); ignored because on_error: open",
                        s.source
                    ));
                }
            },
            LockState::Expired(info) => {
                warnings.push(format!(
                    "lock source {} holds an expired lock ({}); ignored",
                    s.source, info.reason
                ));
            }
            LockState::Unlocked => {}
        }
    }
    GateResult {
        at,
        outcome,
        reasons,
        warnings,
        window,
        locks: Locks { on_error, sources },
        lease: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lock::LockInfo;
    use crate::window::Rule;

    fn window(open: bool) -> WindowStatus {
        WindowStatus {
            open,
            rule: Rule::NoWindows,
            next_open: None,
            next_close: None,
        }
    }

    fn source(state: LockState) -> LockReading {
        LockReading {
            source: "s".into(),
            kind: "env",
            state,
            attempts: 1,
            elapsed_ms: 0,
            guard: None,
        }
    }

    fn outcome(open: bool, states: Vec<LockState>, on_error: OnError) -> Outcome {
        decide(
            Utc::now(),
            window(open),
            states.into_iter().map(source).collect(),
            on_error,
        )
        .outcome
    }

    #[test]
    fn open_and_unlocked_is_go() {
        assert_eq!(
            outcome(true, vec![LockState::Unlocked], OnError::Closed),
            Outcome::Go
        );
    }

    #[test]
    fn closed_window_or_lock_is_no_go() {
        assert_eq!(outcome(false, vec![], OnError::Closed), Outcome::NoGo);
        let locked = LockState::Locked(LockInfo {
            reason: "INC-42".into(),
            ..Default::default()
        });
        assert_eq!(
            outcome(true, vec![locked.clone()], OnError::Closed),
            Outcome::NoGo
        );
        let down = LockState::unavailable(crate::failure::Failure::BadAnswer("timeout".into()));
        assert_eq!(
            outcome(true, vec![down, locked], OnError::Closed),
            Outcome::NoGo
        );
    }

    #[test]
    fn unavailable_source_follows_the_policy() {
        let down = || {
            vec![LockState::unavailable(crate::failure::Failure::BadAnswer(
                "timeout".into(),
            ))]
        };
        assert_eq!(
            outcome(true, down(), OnError::Closed),
            Outcome::Inconclusive
        );
        assert_eq!(outcome(true, down(), OnError::Open), Outcome::Go);
        assert_eq!(outcome(false, down(), OnError::Open), Outcome::NoGo);
    }

    #[test]
    fn expired_lock_does_not_block() {
        let expired = LockState::Expired(LockInfo {
            reason: "old".into(),
            ..Default::default()
        });
        let r = decide(
            Utc::now(),
            window(true),
            vec![source(expired)],
            OnError::Closed,
        );
        assert_eq!(r.outcome, Outcome::Go);
        assert_eq!(
            r.warnings,
            vec!["lock source s holds an expired lock (old); ignored"]
        );
    }
}
