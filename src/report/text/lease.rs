//! `release` and `history` for people:
//!
//! ```text
//! ✔ Released shop/production (slot 1, held by acme/shop#{1} since 2026-03-02T10:00:00Z)
//! • History of lease shop/production
//!   2026-03-02T10:00:00Z taken by acme/shop#{1} (expires 2026-03-02T10:30:00Z)
//!   2026-03-02T10:12:40Z released by acme/shop#{1}
//! ```

use crate::history::HistoryResult;
use crate::lease::{ReleaseOutcome, ReleaseResult, holder_text};
use crate::report::{Mark, Painter};

pub fn release(r: &ReleaseResult, p: Painter) -> String {
    match &r.outcome {
        ReleaseOutcome::Released { leases } => {
            let freed: Vec<String> = leases
                .iter()
                .map(|l| format!("slot {}, held by {}", l.slot + 1, holder_text(l)))
                .collect();
            p.line(Mark::Ok, &format!("Released {} ({})", r.name, freed.join("; ")))
        }
        ReleaseOutcome::NotHeld => p.line(
            Mark::Ok,
            &format!("{} was not held: nothing to release", r.name),
        ),
        ReleaseOutcome::HeldByOthers { holders } => {
            let who: Vec<String> = holders.iter().map(holder_text).collect();
            p.line(
                Mark::Fail,
                &format!(
                    "{} is not held by {} but by {}: not released (--force --reason frees it)",
                    r.name,
                    r.holder,
                    who.join(", ")
                ),
            )
        }
        ReleaseOutcome::Unavailable { cause } => p.line(
            Mark::Warn,
            &format!("{} could not be released: {cause}", r.name),
        ),
    }
}

pub fn history(r: &HistoryResult, p: Painter, quiet: bool) -> String {
    if let Some(e) = &r.error {
        return p.line(Mark::Warn, &format!("History of {}: {e}", r.of));
    }
    let mut lines = vec![p.line(
        Mark::Info,
        &format!("History of {}: {} event(s)", r.of, r.events.len()),
    )];
    if quiet {
        return lines.join("\n");
    }
    for e in &r.events {
        let mut line = format!(
            "  {} {}",
            e.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            e.event
        );
        if let Some(by) = &e.by {
            line.push_str(&format!(" by {by}"));
        }
        if let Some(whose) = e.replaced.as_ref().filter(|w| Some(*w) != e.by.as_ref()) {
            line.push_str(&format!(" (was {whose}'s)"));
        }
        if let Some(x) = e.expires {
            line.push_str(&format!(
                " (expires {})",
                x.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            ));
        }
        if let Some(reason) = &e.reason {
            line.push_str(&format!(": {reason}"));
        }
        lines.push(line);
    }
    lines.join("\n")
}
