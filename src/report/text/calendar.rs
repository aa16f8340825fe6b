//! `calendar` for people: one line per period, the rule behind it, in the
//! config's zone and UTC:
//!
//! ```text
//! • Deploys from 2026-03-02 09:00 AEDT to 2026-03-16 09:00 AEDT (Australia/Sydney)
//! ✔ open    2026-03-02 09:00 AEDT → 2026-03-02 15:30 AEDT (2026-03-01 22:00 → 2026-03-02 04:30 UTC): inside Mon-Fri 09:00-15:30 (Australia/Sydney)
//! ✖ closed  2026-03-02 15:30 AEDT → 2026-03-03 09:00 AEDT (2026-03-02 04:30 → 2026-03-02 22:00 UTC): outside every window
//! ```

use crate::calendar_view::{CalendarResult, Period};
use crate::report::{Mark, Painter};
use crate::window::Rule;

pub fn calendar(r: &CalendarResult, p: Painter) -> String {
    let mut lines = vec![p.line(
        Mark::Info,
        &format!(
            "Deploys from {} to {} ({})",
            r.from.local, r.to.local, r.from.timezone
        ),
    )];
    lines.extend(r.warnings.iter().map(|w| p.line(Mark::Warn, w)));
    lines.extend(r.periods.iter().map(|period| line(period, p)));
    lines.join("\n")
}

fn utc(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

fn line(period: &Period, p: Painter) -> String {
    let (mark, state) = if period.open {
        (Mark::Ok, "open  ")
    } else {
        (Mark::Fail, "closed")
    };
    p.line(
        mark,
        &format!(
            "{state}  {} → {} ({} → {} UTC): {}",
            period.from.local,
            period.to.local,
            utc(&period.from.at),
            utc(&period.to.at),
            rule(&period.rule)
        ),
    )
}

/// What decided, in words.
pub fn rule(r: &Rule) -> String {
    match r {
        Rule::NoWindows => "no windows configured".into(),
        Rule::InsideWindow { window } => format!("inside {window}"),
        Rule::OutsideWindows => "outside every window".into(),
        Rule::Freeze { name, reason, .. } => match name {
            Some(n) => format!("freeze `{n}` ({reason})"),
            None => format!("freeze ({reason})"),
        },
    }
}
