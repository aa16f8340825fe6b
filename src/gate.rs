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

/// Why the window is closed, in the verdict line: `deploy window closed`,
/// or `deploy window closed: freeze `holidays` (year-end change freeze)`
/// so that `--quiet` and JSON's `reasons` keep the freeze's name and reason.
fn closed_reason(rule: &crate::window::Rule) -> String {
    match rule {
        crate::window::Rule::Freeze { name, reason, .. } => {
            let name = name
                .as_deref()
                .map(|n| format!(" `{n}`"))
                .unwrap_or_default();
            format!("deploy window closed: freeze{name} ({reason})")
        }
        _ => "deploy window closed".to_string(),
    }
}

/// What `gate` and `status` evaluate.
pub struct GateConfig {
    pub schedule: Schedule,
    pub sources: Vec<Box<dyn LockSource>>,
    pub on_error: OnError,
    /// The deploy lease to take when the gate says go.
    pub lease: Option<crate::lease::LeasePlan>,
    /// A break-glass override or an allowed rollback, when asked for.
    pub bypass: Option<Bypass>,
    /// Where an override is recorded (the shared store), if there is one.
    pub store: Option<std::sync::Arc<crate::store::Etcd>>,
    /// Freezes from calendars on the web (`ics: https://...`), fetched
    /// each run.
    pub calendars: Vec<crate::calendar::Feed>,
}

/// Going through what would stop a deploy, on purpose.
#[derive(Debug, Clone, PartialEq)]
pub struct Bypass {
    pub kind: BypassKind,
    /// Who (the pipeline's identity).
    pub by: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BypassKind {
    /// `--override "P1 hotfix INC-9"`: through a closed window, a freeze,
    /// any lock (not a lease held by another deploy).
    Override { reason: String },
    /// `--rollback` (or `bamboo_deploy_rollback=true`) with
    /// `allow_rollbacks: true`: through freezes and closed windows, and
    /// incidents unless `incidents_block_rollbacks: true`; a person's lock
    /// still stops it.
    Rollback {
        /// The flag or variable that said so.
        from: String,
        incidents_block: bool,
    },
}

/// What a bypass went through, for every report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bypassed {
    /// `override` or `rollback`.
    pub kind: &'static str,
    pub by: String,
    /// The override's reason, or what said it is a rollback.
    pub reason: String,
    /// What would have stopped the deploy.
    pub bypassed: Vec<String>,
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
    /// An override or a rollback, and what it went through.
    #[serde(rename = "override", skip_serializing_if = "Option::is_none")]
    pub bypass: Option<Bypassed>,
    /// The window's open and closed periods over the coming
    /// [`TIMELINE_DAYS`] days (web calendars included), in the first
    /// window's zone, for the HTML report's timeline.
    #[serde(skip)]
    pub timeline: Vec<crate::calendar_view::Period>,
}

/// How far ahead the gate's timeline looks.
pub const TIMELINE_DAYS: i64 = 7;

#[derive(Debug, Clone, Serialize)]
pub struct Locks {
    pub on_error: OnError,
    pub sources: Vec<LockReading>,
}

/// Evaluates the window and every lock source at `at`, the run's one
/// clock, and goes through what an override or a rollback may.
pub fn evaluate(cfg: &GateConfig, at: DateTime<Utc>, deadline: Deadline) -> GateResult {
    let (schedule, unreadable) =
        crate::calendar::with_feeds(&cfg.schedule, &cfg.calendars, at, deadline);
    let window = schedule.evaluate(at);
    let sources = lock::check_all(&cfg.sources, at, deadline);
    let decided = decide(at, window, sources, cfg.on_error);
    let calendars: Vec<String> = unreadable
        .iter()
        .map(|(feed, cause)| format!("calendar {feed} unavailable ({cause})"))
        .collect();
    match &cfg.bypass {
        // Both go through freezes, so through a calendar of freezes that
        // could not be read; it is listed with what they went through.
        Some(b) => bypass(decided, b, cfg.on_error, &calendars),
        None => with_calendars(decided, &calendars, cfg.on_error),
    }
}

/// The window's periods over the coming [`TIMELINE_DAYS`] days from
/// `at` (web calendars included: fetched once per run), in the first
/// window's zone. Once per command, not per evaluation: a waiting gate
/// evaluates every few hundred milliseconds.
pub fn timeline(
    cfg: &GateConfig,
    at: DateTime<Utc>,
    deadline: Deadline,
) -> Vec<crate::calendar_view::Period> {
    let (schedule, _) = crate::calendar::with_feeds(&cfg.schedule, &cfg.calendars, at, deadline);
    let tz = schedule.windows.first().map_or(chrono_tz::UTC, |w| w.tz);
    crate::calendar_view::timeline(
        &schedule,
        tz,
        at,
        at + chrono::Duration::days(TIMELINE_DAYS),
    )
    .0
}

/// Calendars that could not be read, decided by `on_error`.
fn with_calendars(mut decided: GateResult, calendars: &[String], on_error: OnError) -> GateResult {
    for what in calendars {
        match on_error {
            OnError::Closed => {
                decided.outcome = decided.outcome.and(Outcome::Inconclusive);
                decided.reasons.push(format!("{what}; on_error: closed"));
            }
            OnError::Open => decided
                .warnings
                .push(format!("{what}; ignored because on_error: open")),
        }
    }
    decided
}

/// Decides again with what `b` goes through left out, and says what that
/// was (pure). Nothing is left out when nothing stood in the way.
pub fn bypass(r: GateResult, b: &Bypass, on_error: OnError, calendars: &[String]) -> GateResult {
    let (window_too, incidents_too, locks_too, why, kind) = match &b.kind {
        BypassKind::Override { reason } => (true, true, true, reason.clone(), "override"),
        BypassKind::Rollback {
            from,
            incidents_block,
        } => (true, !incidents_block, false, from.clone(), "rollback"),
    };
    let mut bypassed: Vec<String> = calendars.to_vec();
    let mut window = r.window.clone();
    if window_too && !window.open {
        bypassed.push(closed_reason(&window.rule));
        window.open = true;
    }
    let stops = |s: &LockReading| {
        matches!(s.state, LockState::Locked(_))
            || (matches!(s.state, LockState::Unavailable { .. }) && on_error == OnError::Closed)
    };
    // A rollback goes through a bad deploy's own lock: it is the fix.
    let rollback = matches!(b.kind, BypassKind::Rollback { .. });
    let auto = |s: &LockReading| matches!(&s.state, LockState::Locked(info) if info.auto);
    let (skipped, kept): (Vec<LockReading>, Vec<LockReading>) =
        r.locks.sources.iter().cloned().partition(|s| {
            stops(s)
                && (locks_too
                    || (incidents_too && lock::is_incident(s.kind))
                    || (rollback && auto(s)))
        });
    for s in &skipped {
        bypassed.push(match &s.state {
            LockState::Locked(info) => format!("locked ({}): {}", s.source, info.reason),
            _ => format!("lock source {} unavailable", s.source),
        });
    }
    let mut decided = decide(r.at, window, kept, on_error);
    // Show every source as it was read; decide without the bypassed ones.
    decided.window = r.window;
    decided.locks.sources = r.locks.sources;
    for w in r.warnings {
        if !decided.warnings.contains(&w) {
            decided.warnings.push(w);
        }
    }
    if !bypassed.is_empty() {
        decided.warnings.insert(
            0,
            format!(
                "{} by {}: went through {} ({why})",
                kind.to_uppercase(),
                b.by,
                bypassed.join("; ")
            ),
        );
    }
    decided.bypass = Some(Bypassed {
        kind,
        by: b.by.clone(),
        reason: why,
        bypassed,
    });
    decided
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
        reasons.push(closed_reason(&window.rule));
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
        bypass: None,
        timeline: Vec::new(),
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
