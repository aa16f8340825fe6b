//! `greenlight calendar --next 14d`: the coming open and closed periods of
//! the deploy window and freezes (calendars on the web included), each with
//! the rule behind it, in the config's time zone and UTC, as data for the
//! text, JSON and iCalendar reports.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::calendar::Feed;
use crate::http::Deadline;
use crate::lock::OnError;
use crate::window::{Rule, Schedule, Transition, Tz};

/// The most periods listed.
const MAX_PERIODS: usize = 1000;

pub struct CalendarConfig {
    pub schedule: Schedule,
    pub calendars: Vec<Feed>,
    /// The zone local times are shown in.
    pub tz: Tz,
    pub next: Duration,
    pub on_error: OnError,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalendarResult {
    pub from: Transition,
    pub to: Transition,
    pub periods: Vec<Period>,
    pub warnings: Vec<String>,
    /// A calendar could not be read and `on_error: closed` (exit 3).
    pub unavailable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Period {
    pub open: bool,
    pub from: Transition,
    pub to: Transition,
    /// The rule at the period's start.
    pub rule: Rule,
}

impl CalendarResult {
    pub fn code(&self) -> u8 {
        if self.unavailable { 3 } else { 0 }
    }
}

pub fn periods(cfg: &CalendarConfig, at: DateTime<Utc>, deadline: Deadline) -> CalendarResult {
    let (schedule, unreadable) =
        crate::calendar::with_feeds(&cfg.schedule, &cfg.calendars, at, deadline);
    let mut warnings = Vec::new();
    let mut unavailable = false;
    for (feed, cause) in unreadable {
        let what = format!("calendar {feed} unavailable ({cause})");
        match cfg.on_error {
            OnError::Closed => {
                unavailable = true;
                warnings.push(format!(
                    "{what}; on_error: closed, so the periods below may be wrong"
                ));
            }
            OnError::Open => warnings.push(format!("{what}; left out because on_error: open")),
        }
    }
    let end =
        at + chrono::Duration::from_std(cfg.next).unwrap_or_else(|_| chrono::Duration::days(366));
    let (out, t) = timeline(&schedule, cfg.tz, at, end);
    if out.len() >= MAX_PERIODS && t < end {
        warnings.push(format!(
            "more than {MAX_PERIODS} periods: the list ends at {}",
            Transition::new(t, cfg.tz).local
        ));
    }
    CalendarResult {
        from: Transition::new(at, cfg.tz),
        to: Transition::new(end, cfg.tz),
        periods: out,
        warnings,
        unavailable,
    }
}

/// The open and closed periods of `schedule` from `at` to `end` (at most
/// [`MAX_PERIODS`]), local times in `tz`, and where the list stopped.
pub fn timeline(
    schedule: &Schedule,
    tz: Tz,
    at: DateTime<Utc>,
    end: DateTime<Utc>,
) -> (Vec<Period>, DateTime<Utc>) {
    let mut out = Vec::new();
    let mut t = at;
    while t < end && out.len() < MAX_PERIODS {
        let status = schedule.evaluate(t);
        let next = if status.open {
            status.next_close.as_ref().map(|n| n.at)
        } else {
            status.next_open.as_ref().map(|n| n.at)
        };
        let until = next.filter(|n| *n < end).unwrap_or(end);
        // A closed period can hold several reasons (outside the windows,
        // then a freeze): split it where a freeze starts or ends.
        let mut cuts = Vec::new();
        for f in &schedule.freezes {
            f.boundaries(t, until, &mut cuts);
        }
        cuts.retain(|c| *c > t && *c < until);
        cuts.sort();
        cuts.dedup();
        let (mut from, mut rule) = (t, status.rule);
        for cut in cuts {
            if out.len() >= MAX_PERIODS {
                break;
            }
            let here = schedule.rule_at(cut);
            if here != rule {
                out.push(Period {
                    open: status.open,
                    from: Transition::new(from, tz),
                    to: Transition::new(cut, tz),
                    rule: std::mem::replace(&mut rule, here),
                });
                from = cut;
            }
        }
        out.push(Period {
            open: status.open,
            from: Transition::new(from, tz),
            to: Transition::new(until, tz),
            rule,
        });
        if until <= t {
            break;
        }
        t = until;
    }
    (out, t)
}
