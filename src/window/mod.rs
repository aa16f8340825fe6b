//! Deploy windows and freezes: is deploying allowed at an instant, which rule
//! decided, and when does that change next.
//!
//! A [`Schedule`] holds weekly open windows ([`WeeklyWindow`], each in its own
//! IANA zone, OR'ed together; none means always open) and freezes
//! ([`Freeze`], which always win). [`Schedule::evaluate`] gives a
//! [`WindowStatus`]: open or not, the [`Rule`] that decided, and the next
//! instant the decision changes, as a [`Transition`] that reads in the zone
//! of the rule causing it.
//!
//! Daylight saving (issue 2): "open now" is decided on each window's local
//! wall-clock time; transitions are real instants. A boundary in a
//! spring-forward gap moves to the first valid local time after it; one in a
//! repeated fall-back hour counts at its first occurrence (see `local.rs`).
//! Because windows are wall-clock rules, a window inside the repeated hour is
//! open during both occurrences, and transitions agree with that.
//!
//! Limits: next transitions are searched up to [`HORIZON_DAYS`] days ahead and
//! are `None` beyond. Example (JSON of a [`WindowStatus`]):
//!
//! ```json
//! {"open": false, "rule": {"kind": "outside_windows"},
//!  "next_open": {"at": "2026-04-05T23:00:00Z", "local": "2026-04-06 09:00 AEST",
//!                "timezone": "Australia/Sydney"},
//!  "next_close": null}
//! ```

mod days;
mod freeze;
pub mod ics;
mod local;
mod schedule;
mod spec;

#[cfg(test)]
mod parse_timezone_tests {
    #[test]
    fn time_zone_names_ignore_case() {
        assert_eq!(
            super::parse_timezone("europe/LONDON").unwrap().name(),
            "Europe/London"
        );
        assert!(super::parse_timezone("Mars/Olympus").is_err());
    }
}

#[cfg(test)]
mod dst_tests;
#[cfg(test)]
mod prop_tests;

use chrono::{DateTime, Utc};
pub use chrono_tz::Tz;
use serde::Serialize;

pub use freeze::{Freeze, Length};
pub use schedule::{HORIZON_DAYS, Schedule};
use spec::WindowSpec;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WindowError {
    #[error("unknown time zone `{0}` (use an IANA name such as Europe/London or Australia/Sydney)")]
    UnknownTimeZone(String),
    #[error("invalid window `{spec}`: {why}")]
    Window { spec: String, why: String },
    #[error("invalid freeze: {0}")]
    Freeze(String),
}

/// An IANA time zone by its exact name (`Europe/London`), surrounding
/// whitespace ignored.
/// An IANA zone by name; `europe/london` is accepted as `Europe/London`
/// (the canonical name is what output shows).
pub fn parse_timezone(name: &str) -> Result<Tz, WindowError> {
    let name = name.trim();
    name.parse::<Tz>()
        .or_else(|_| Tz::from_str_insensitive(name))
        .map_err(|_| WindowError::UnknownTimeZone(name.to_string()))
}

/// A weekly open window such as `Mon-Fri 09:00-15:30` in one time zone.
#[derive(Debug, Clone, PartialEq)]
pub struct WeeklyWindow {
    pub name: Option<String>,
    /// The canonical spec, e.g. `Mon-Fri 09:00-15:30`.
    pub spec: String,
    pub tz: Tz,
    parsed: WindowSpec,
}

impl WeeklyWindow {
    /// Parses the window syntax described in `spec.rs`; the error's `spec` is
    /// the input as written (trimmed) and `why` says what is wrong.
    pub fn parse(spec: &str, tz: Tz) -> Result<Self, WindowError> {
        let parsed = WindowSpec::parse(spec).map_err(|why| WindowError::Window {
            spec: spec.trim().to_string(),
            why,
        })?;
        Ok(WeeklyWindow {
            name: None,
            spec: parsed.to_string(),
            tz,
            parsed,
        })
    }

    pub fn named(mut self, name: Option<String>) -> Self {
        self.name = name;
        self
    }

    /// `name` if set, else the canonical spec with its zone:
    /// `Mon-Fri 09:00-15:30 (Australia/Sydney)`.
    pub fn label(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| format!("{} ({})", self.spec, self.tz))
    }

    /// Whether the window is open at `at`, judged on its local wall clock.
    pub fn is_open_at(&self, at: DateTime<Utc>) -> bool {
        local::wall_clock(self.tz, at).is_some_and(|local| self.parsed.contains(local))
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
    /// Inside this open window (the first in config order that is open).
    InsideWindow { window: String },
    /// Outside every configured window.
    OutsideWindows,
    /// Inside a freeze (a freeze always wins over an open window); the first
    /// active one in config order, `until` the end of its current period.
    Freeze {
        name: Option<String>,
        reason: String,
        until: Option<Transition>,
    },
}

/// An instant with how it reads in the time zone that matters for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transition {
    pub at: DateTime<Utc>,
    /// Local wall-clock time, e.g. `2026-03-30 09:00 AEDT`.
    pub local: String,
    pub timezone: String,
}

impl Transition {
    /// `at` as read in `tz`.
    pub fn new(at: DateTime<Utc>, tz: Tz) -> Self {
        Transition {
            at,
            local: local::describe(tz, at),
            timezone: tz.name().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zones_are_iana_names() {
        assert_eq!(
            parse_timezone(" Australia/Sydney "),
            Ok(chrono_tz::Australia::Sydney)
        );
        assert_eq!(
            parse_timezone("Mars/Olympus").unwrap_err().to_string(),
            "unknown time zone `Mars/Olympus` (use an IANA name such as Europe/London or \
             Australia/Sydney)"
        );
        assert!(parse_timezone("").is_err());
    }

    #[test]
    fn a_window_error_quotes_the_input_and_says_why() {
        let err = WeeklyWindow::parse(" Mon-Fri 25:00-09:00", Tz::UTC).unwrap_err();
        assert_eq!(
            err,
            WindowError::Window {
                spec: "Mon-Fri 25:00-09:00".into(),
                why: "hour 25 is out of range (00-24)".into()
            }
        );
        assert_eq!(
            err.to_string(),
            "invalid window `Mon-Fri 25:00-09:00`: hour 25 is out of range (00-24)"
        );
    }

    #[test]
    fn a_window_is_labelled_by_name_or_by_canonical_spec_and_zone() {
        let w =
            WeeklyWindow::parse("monday-friday 9:00-15:30", chrono_tz::Australia::Sydney).unwrap();
        assert_eq!(w.spec, "Mon-Fri 09:00-15:30");
        assert_eq!(w.label(), "Mon-Fri 09:00-15:30 (Australia/Sydney)");
        assert_eq!(w.named(Some("office hours".into())).label(), "office hours");
    }

    #[test]
    fn a_status_serializes_to_stable_json() {
        let window = WeeklyWindow::parse("Mon-Fri 09:00-15:30", chrono_tz::Australia::Sydney);
        let schedule = Schedule {
            windows: vec![window.unwrap()],
            freezes: vec![],
        };
        let at = DateTime::parse_from_rfc3339("2026-04-03T23:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            serde_json::to_string(&schedule.evaluate(at)).unwrap(),
            r#"{"open":false,"rule":{"kind":"outside_windows"},"next_open":{"at":"2026-04-05T23:00:00Z","local":"2026-04-06 09:00 AEST","timezone":"Australia/Sydney"},"next_close":null}"#
        );
        let freeze = Freeze::yearly(
            "12-24",
            "01-02",
            chrono_tz::Europe::London,
            "holidays".into(),
        );
        let schedule = Schedule {
            windows: vec![],
            freezes: vec![freeze.unwrap()],
        };
        let at = DateTime::parse_from_rfc3339("2026-12-25T10:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            serde_json::to_string(&schedule.evaluate(at).rule).unwrap(),
            r#"{"kind":"freeze","name":null,"reason":"holidays","until":{"at":"2027-01-03T00:00:00Z","local":"2027-01-03 00:00 GMT","timezone":"Europe/London"}}"#
        );
    }

    #[test]
    fn a_transition_reads_in_its_zone() {
        let at = DateTime::parse_from_rfc3339("2026-03-29T22:00:00Z")
            .unwrap()
            .to_utc();
        let t = Transition::new(at, chrono_tz::Australia::Sydney);
        assert_eq!(t.local, "2026-03-30 09:00 AEDT");
        assert_eq!(t.timezone, "Australia/Sydney");
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"at":"2026-03-29T22:00:00Z","local":"2026-03-30 09:00 AEDT","timezone":"Australia/Sydney"}"#
        );
    }
}
