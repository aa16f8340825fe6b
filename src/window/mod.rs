//! Deploy windows and freezes: is deploying allowed at an instant, which rule
//! decided, and when does that change next.
//!
//! CONTRACT STUB: the public API below is fixed (config, gate and report are
//! written against it); the implementation is being written in its own branch.

use chrono::{DateTime, Utc};
pub use chrono_tz::Tz;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WindowError {
    #[error("unknown time zone `{0}` (use an IANA name such as Europe/London or Australia/Sydney)")]
    UnknownTimeZone(String),
    #[error("invalid window `{spec}`: {why}")]
    Window { spec: String, why: String },
    #[error("invalid freeze: {0}")]
    Freeze(String),
}

pub fn parse_timezone(name: &str) -> Result<Tz, WindowError> {
    name.trim()
        .parse::<Tz>()
        .map_err(|_| WindowError::UnknownTimeZone(name.to_string()))
}

/// A weekly open window such as `Mon-Fri 09:00-15:30` in one time zone.
#[derive(Debug, Clone, PartialEq)]
pub struct WeeklyWindow {
    pub name: Option<String>,
    pub spec: String,
    pub tz: Tz,
}

impl WeeklyWindow {
    pub fn parse(spec: &str, tz: Tz) -> Result<Self, WindowError> {
        Err(WindowError::Window { spec: spec.into(), why: format!("not implemented ({tz})") })
    }
    pub fn named(mut self, name: Option<String>) -> Self {
        self.name = name;
        self
    }
    /// `name` if set, else the canonical spec with its zone:
    /// `Mon-Fri 09:00-15:30 (Australia/Sydney)`.
    pub fn label(&self) -> String {
        self.name.clone().unwrap_or_else(|| format!("{} ({})", self.spec, self.tz))
    }
}

/// A period when deploys are not allowed, whatever the windows say.
#[derive(Debug, Clone, PartialEq)]
pub struct Freeze {
    pub name: Option<String>,
    pub reason: String,
    pub tz: Tz,
}

impl Freeze {
    /// A one-off freeze. `from`/`to` are dates (`2026-12-24`, whole days,
    /// `to` inclusive) or local date-times (`2026-12-24T18:00`) or RFC 3339
    /// instants (`2026-12-24T18:00:00+11:00`).
    pub fn one_off(from: &str, to: &str, tz: Tz, reason: String) -> Result<Self, WindowError> {
        Err(WindowError::Freeze(format!("not implemented {from} {to} {tz} {reason}")))
    }
    /// A freeze every year from `from` to `to` (`MM-DD`, inclusive; may wrap
    /// the new year, e.g. `12-24` to `01-02`).
    pub fn yearly(from: &str, to: &str, tz: Tz, reason: String) -> Result<Self, WindowError> {
        Err(WindowError::Freeze(format!("not implemented {from} {to} {tz} {reason}")))
    }
    pub fn named(mut self, name: Option<String>) -> Self {
        self.name = name;
        self
    }
}

/// Every open window and freeze of a config.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schedule {
    pub windows: Vec<WeeklyWindow>,
    pub freezes: Vec<Freeze>,
}

impl Schedule {
    pub fn is_empty(&self) -> bool {
        self.windows.is_empty() && self.freezes.is_empty()
    }
    pub fn evaluate(&self, at: DateTime<Utc>) -> WindowStatus {
        let _ = at;
        WindowStatus { open: true, rule: Rule::NoWindows, next_open: None, next_close: None }
    }
}

/// The decision at one instant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowStatus {
    pub open: bool,
    /// The rule that decided.
    pub rule: Rule,
    /// The next instant the decision becomes open (None when open now, or
    /// nothing opens within the search horizon).
    pub next_open: Option<Transition>,
    /// The next instant the decision becomes closed (None when closed now, or
    /// nothing closes within the search horizon).
    pub next_close: Option<Transition>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rule {
    /// No windows configured (and no freeze active): always open.
    NoWindows,
    /// Inside this open window.
    InsideWindow { window: String },
    /// Outside every configured window.
    OutsideWindows,
    /// Inside a freeze (a freeze always wins over an open window).
    Freeze { name: Option<String>, reason: String, until: Option<Transition> },
}

/// An instant with how it reads in the time zone that matters for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transition {
    pub at: DateTime<Utc>,
    /// Local wall-clock time, e.g. `2026-03-30 09:00 AEDT`.
    pub local: String,
    pub timezone: String,
}
