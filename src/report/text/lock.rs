//! `lock` and `unlock` for people: a line per source written.
//!
//! ```text
//! ✔ Locked file:.greenlight/lock.json: wrote .greenlight/lock.json (incident INC-42, by alice, expires 2026-03-04 03:00 UTC)
//! ✔ Locked file:.greenlight/lock.json: wrote .greenlight/lock.json (release, by bob); replaced the lock of alice (incident INC-42, since 2026-03-04T01:00:00Z)
//! ✖ file:.greenlight/lock.json: locked by alice since 2026-03-04T01:00:00Z: incident INC-42; not replaced (--force replaces it)
//! ✔ Unlocked file:.greenlight/lock.json: removed .greenlight/lock.json (lifted the lock of alice: incident INC-42, since 2026-03-04T01:00:00Z)
//! ✖ http:locks.example.com: lock API answered HTTP 403: forbidden
//! ```

use crate::lock::{LockInfo, LockRecord, LockRun, Write};
use crate::report::{Mark, Painter};

pub fn lock(r: &LockRun, p: Painter) -> String {
    let (verb, detail) = match &r.write {
        Write::Lock { record, .. } => ("Locked", format!(" ({})", detail(record))),
        Write::Unlock { .. } => ("Unlocked", String::new()),
    };
    let lines: Vec<String> = r
        .results
        .iter()
        .map(|w| match &w.result {
            Ok(done) => {
                let other = match (&done.replaced, &r.write) {
                    (Some(h), Write::Lock { .. }) => format!("; replaced the lock of {}", whose(h)),
                    (Some(h), Write::Unlock { .. }) => format!(" (lifted the lock of {})", lifted(h)),
                    (None, _) => String::new(),
                };
                p.line(
                    Mark::Ok,
                    &format!("{verb} {}: {}{detail}{other}", w.source, done.message),
                )
            }
            Err(e) => p.line(Mark::Fail, &e.to_string()),
        })
        .collect();
    lines.join("\n")
}

/// `alice (incident INC-42, since 2026-03-04T01:00:00Z)`.
fn whose(h: &LockInfo) -> String {
    let since = h
        .since
        .as_deref()
        .map(|s| format!(", since {s}"))
        .unwrap_or_default();
    format!("{} ({}{since})", h.by.as_deref().unwrap_or("someone"), h.reason)
}

/// `alice: incident INC-42, since 2026-03-04T01:00:00Z`.
fn lifted(h: &LockInfo) -> String {
    let since = h
        .since
        .as_deref()
        .map(|s| format!(", since {s}"))
        .unwrap_or_default();
    format!("{}: {}{since}", h.by.as_deref().unwrap_or("someone"), h.reason)
}

/// `incident INC-42, by alice, expires 2026-03-04 03:00 UTC`.
fn detail(record: &LockRecord) -> String {
    format!(
        "{}{}{}",
        record.reason,
        record
            .by
            .as_deref()
            .map(|b| format!(", by {b}"))
            .unwrap_or_default(),
        record
            .expires
            .map(|e| format!(", expires {}", e.format("%Y-%m-%d %H:%M UTC")))
            .unwrap_or_default()
    )
}
