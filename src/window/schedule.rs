//! Evaluating a [`Schedule`]: the decision at an instant, the rule behind it,
//! and the next instant the combined decision changes.
//!
//! The decision at `t` is "no freeze active, and some window open on its own
//! wall clock (or no windows at all)". It can only change at a *candidate*:
//! an instant where some window's local clock arrives at one of its
//! boundaries (both occurrences in a repeated hour; the end of the gap for a
//! skipped time), an offset change of a window's zone (the wall clock jumps),
//! or a freeze start or end. So the next transition is found by generating
//! the candidates a week at a time, sorting and de-duplicating them, and
//! evaluating each in order: the first whose decision differs is the answer.
//! While a freeze is active the search skips straight to its end.
//!
//! Limits: the search stops [`HORIZON_DAYS`] days after the instant
//! evaluated; beyond that the next transition is `None`. Typical evaluation
//! costs tens of microseconds; a schedule that never changes within the
//! horizon costs the most (every candidate of 400 days is evaluated, a few
//! milliseconds with several windows).
//!
//! ```text
//! Mon-Fri 09:00-15:30 (Australia/Sydney) at 2026-04-03T23:00:00Z
//!   → closed, outside windows, next open 2026-04-05T23:00:00Z (2026-04-06 09:00 AEST)
//! ```

use chrono::{DateTime, Days, Duration, Utc};
use chrono_tz::Tz;

use super::{Freeze, Rule, Transition, WeeklyWindow, WindowStatus, local};

/// How far ahead next transitions are searched, in days.
pub const HORIZON_DAYS: i64 = 400;

/// Candidates are generated this many days at a time.
const CHUNK_DAYS: i64 = 7;

/// Every open window and freeze of a config.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Schedule {
    pub windows: Vec<WeeklyWindow>,
    pub freezes: Vec<Freeze>,
}

/// What holds at one instant.
struct State<'a> {
    /// The first active freeze in config order, with the end of its period.
    freeze: Option<(&'a Freeze, DateTime<Utc>)>,
    /// The latest end among active freezes: closed at least until then.
    frozen_until: Option<DateTime<Utc>>,
    /// The first open window in config order (not looked for when frozen).
    window: Option<&'a WeeklyWindow>,
    open: bool,
}

impl Schedule {
    pub fn is_empty(&self) -> bool {
        self.windows.is_empty() && self.freezes.is_empty()
    }

    /// The decision at `at`, the rule behind it and when it next changes.
    pub fn evaluate(&self, at: DateTime<Utc>) -> WindowStatus {
        let now = self.state_at(at);
        let rule = match now.freeze {
            Some((freeze, until)) => Rule::Freeze {
                name: freeze.name.clone(),
                reason: freeze.reason.clone(),
                until: Some(Transition::new(until, freeze.tz)),
            },
            None if self.windows.is_empty() => Rule::NoWindows,
            None => match now.window {
                Some(window) => Rule::InsideWindow {
                    window: window.label(),
                },
                None => Rule::OutsideWindows,
            },
        };
        let next = self.next_change(at, !now.open);
        let (next_open, next_close) = if now.open { (None, next) } else { (next, None) };
        WindowStatus {
            open: now.open,
            rule,
            next_open,
            next_close,
        }
    }

    /// Just the decision at `at`.
    pub fn is_open_at(&self, at: DateTime<Utc>) -> bool {
        self.state_at(at).open
    }

    fn state_at(&self, at: DateTime<Utc>) -> State<'_> {
        let mut freeze = None;
        let mut frozen_until: Option<DateTime<Utc>> = None;
        for f in &self.freezes {
            if let Some(until) = f.active_until(at) {
                freeze = freeze.or(Some((f, until)));
                frozen_until = Some(frozen_until.map_or(until, |u| u.max(until)));
            }
        }
        let window = match freeze {
            Some(_) => None,
            None => self.windows.iter().find(|w| w.is_open_at(at)),
        };
        let open = freeze.is_none() && (self.windows.is_empty() || window.is_some());
        State {
            freeze,
            frozen_until,
            window,
            open,
        }
    }

    /// The first instant in `(at, at + HORIZON_DAYS)` whose decision is
    /// `open`, given that the decision at `at` is not.
    fn next_change(&self, at: DateTime<Utc>, open: bool) -> Option<Transition> {
        let horizon = at
            .checked_add_signed(Duration::days(HORIZON_DAYS))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let mut candidates = Vec::new();
        let mut skip_to: Option<DateTime<Utc>> = None;
        let mut lo = at;
        while lo < horizon {
            let hi = lo
                .checked_add_signed(Duration::days(CHUNK_DAYS))
                .map_or(horizon, |t| t.min(horizon));
            candidates.clear();
            self.candidates(lo, hi, &mut candidates);
            candidates.sort_unstable();
            candidates.dedup();
            for &c in candidates.iter().filter(|&&c| c > at) {
                if skip_to.is_some_and(|s| c < s) {
                    continue;
                }
                let state = self.state_at(c);
                if state.open == open {
                    return Some(self.transition(c, &state));
                }
                // Frozen: nothing opens before the freeze ends.
                if let Some(until) = state.frozen_until {
                    skip_to = Some(until);
                }
            }
            lo = match skip_to {
                Some(s) if s > hi => s,
                _ => hi,
            };
        }
        None
    }

    /// Every instant in `[lo, hi)` where the decision may change.
    fn candidates(&self, lo: DateTime<Utc>, hi: DateTime<Utc>, out: &mut Vec<DateTime<Utc>>) {
        let mut zones: Vec<Tz> = Vec::new();
        for window in &self.windows {
            let tz = window.tz;
            if !zones.contains(&tz) {
                zones.push(tz);
            }
            // A window opening on day d closes by d+2 00:00 local, and the
            // wall clock of [lo, hi) lies within a day of lo's and hi's.
            let first = local::wall_clock(tz, lo).date();
            let first = first.checked_sub_days(Days::new(2)).unwrap_or(first);
            let last = local::wall_clock(tz, hi).date();
            let last = last.checked_add_days(Days::new(1)).unwrap_or(last);
            for date in first.iter_days().take_while(|d| *d <= last) {
                let Some((opens, closes)) = window.parsed.occurrence(date) else {
                    continue;
                };
                for boundary in [opens, closes] {
                    let arrivals = local::arrivals(tz, boundary).into_iter().flatten();
                    out.extend(arrivals.filter(|t| lo <= *t && *t < hi));
                }
            }
        }
        for tz in zones {
            out.extend(local::offset_changes(tz, lo, hi));
        }
        for freeze in &self.freezes {
            freeze.boundaries(lo, hi, out);
        }
    }

    /// The change at `at` (to `after`), read in the zone of the rule causing
    /// it: the freeze that ends or the window that opens; the freeze that
    /// starts or the window that closes.
    fn transition(&self, at: DateTime<Utc>, after: &State<'_>) -> Transition {
        let before = local::just_before(at).map(|t| self.state_at(t));
        let freeze_tz = |s: &State<'_>| s.freeze.map(|(f, _)| f.tz);
        let window_tz = |s: &State<'_>| s.window.map(|w| w.tz);
        let tz = if after.open {
            before
                .as_ref()
                .and_then(freeze_tz)
                .or_else(|| window_tz(after))
        } else {
            freeze_tz(after).or_else(|| before.as_ref().and_then(window_tz))
        };
        Transition::new(at, tz.unwrap_or(Tz::UTC))
    }
}
