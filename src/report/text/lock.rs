//! `lock` and `unlock` for people: a line per source written.
//!
//! ```text
//! ✔ Locked file:.greenlight/lock.json: wrote .greenlight/lock.json (incident INC-42, by alice, expires 2026-03-04 03:00 UTC)
//! ✖ http:locks.example.com: lock API answered HTTP 403: forbidden
//! ```

use crate::lock::{LockRecord, LockRun, Write};
use crate::report::{Mark, Painter};

pub fn lock(r: &LockRun, p: Painter) -> String {
    let (verb, detail) = match &r.write {
        Write::Lock(record) => ("Locked", detail(record)),
        Write::Unlock => ("Unlocked", String::new()),
    };
    let lines: Vec<String> = r
        .results
        .iter()
        .map(|w| match &w.result {
            Ok(m) if detail.is_empty() => p.line(Mark::Ok, &format!("{verb} {}: {m}", w.source)),
            Ok(m) => p.line(Mark::Ok, &format!("{verb} {}: {m} ({detail})", w.source)),
            Err(e) => p.line(Mark::Fail, &e.to_string()),
        })
        .collect();
    lines.join("\n")
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
