//! The readable summary, one line per thing evaluated and a verdict line:
//!
//! ```text
//! ✖ Window closed: outside every window; opens 2026-03-30 09:00 AEDT (2026-03-29 22:00 UTC), in 10h 30m
//! ✔ Lock env:DEPLOY_LOCK: unlocked
//! ✖ Lock file:.greenlight/lock.json: locked by alice since 2026-03-29T01:00:00Z: incident INC-42
//! ✖ NO-GO: deploy window closed; locked by alice (file:.greenlight/lock.json): incident INC-42
//! ```

use chrono::{DateTime, Utc};

use crate::duration;
use crate::gate::GateResult;
use crate::lease::{LeaseState, LeaseStatus, Waiting, holder_text};
use crate::lock::{LockReading, LockState};
use crate::report::{Mark, Painter, outcome_word};
use crate::window::{HORIZON_DAYS, Rule, Transition};

/// The gate's lines. `verdict_prefix` is `""` for `gate` and
/// `"gate would say "` for `status`.
pub fn gate(r: &GateResult, p: Painter, quiet: bool, verdict_prefix: &str) -> String {
    let mut lines = Vec::new();
    if !quiet {
        lines.push(window_line(r, p));
        for s in &r.locks.sources {
            lines.push(lock_line(s, p));
        }
        if let Some(l) = &r.lease {
            lines.push(lease_line(l, p));
        }
        for w in &r.warnings {
            lines.push(p.line(Mark::Warn, w));
        }
    }
    let why = if let Some(b) = r.bypass.as_ref().filter(|b| !b.bypassed.is_empty() && r.reasons.is_empty()) {
        format!(
            "{} by {} ({}), went through {}",
            b.kind.to_uppercase(),
            b.by,
            b.reason,
            b.bypassed.join("; ")
        )
    } else if r.reasons.is_empty() {
        let locks = if r.locks.sources.is_empty() {
            "no lock sources configured"
        } else {
            "no lock set"
        };
        format!("deploy window open, {locks}")
    } else {
        r.reasons.join("; ")
    };
    lines.push(p.line(
        Painter::outcome_mark(r.outcome),
        &format!("{verdict_prefix}{}: {why}", outcome_word(r.outcome)),
    ));
    lines.join("\n")
}

/// A waiting gate, now and then:
/// `• waiting 40s of 20m for the lease shop/production: held by acme/shop#{1} since ..., expires ...; 1 waiting ahead`.
pub fn waiting(w: &Waiting, p: Painter) -> String {
    let held: Vec<String> = w.holders.iter().map(holder_text).collect();
    let held = if held.is_empty() {
        "its free slots are promised to gates waiting ahead".to_string()
    } else {
        format!("held by {}", held.join(", "))
    };
    let ahead = if w.ahead > 0 {
        format!("; {} waiting ahead", w.ahead)
    } else {
        String::new()
    };
    p.line(
        Mark::Info,
        &format!(
            "waiting {} of {} for the lease {}: {held}{ahead}",
            duration::format(w.waited),
            duration::format(w.wait),
            w.name
        ),
    )
}

/// The lease line: taken, held, waited out, not asked for, unavailable.
fn lease_line(l: &LeaseStatus, p: Painter) -> String {
    let slots = if l.slots > 1 {
        format!(" ({} slots)", l.slots)
    } else {
        String::new()
    };
    let held: Vec<String> = l.holders.iter().map(holder_text).collect();
    let (mark, text) = match l.state {
        LeaseState::Taken => (
            Mark::Ok,
            match &l.lease {
                Some(lease) => format!(
                    "taken by {} until {}{}",
                    lease.holder,
                    lease.expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    l.waited_s
                        .filter(|w| *w > 0)
                        .map(|w| format!(" after waiting {}", duration::format(std::time::Duration::from_secs(w))))
                        .unwrap_or_default()
                ),
                None => "taken".into(),
            },
        ),
        LeaseState::Held | LeaseState::WaitedOut => (Mark::Fail, format!("held by {}", held.join(", "))),
        LeaseState::NotAsked if held.is_empty() => (Mark::Info, "free (not taken)".to_string()),
        LeaseState::NotAsked => (Mark::Info, format!("held by {}", held.join(", "))),
        LeaseState::Unavailable => (
            Mark::Warn,
            format!("unavailable: {}", l.cause.as_deref().unwrap_or("unknown")),
        ),
    };
    p.line(mark, &format!("Lease {}{slots}: {text}", l.name))
}

fn window_line(r: &GateResult, p: Painter) -> String {
    let w = &r.window;
    let rule = match &w.rule {
        Rule::NoWindows => "no windows configured".to_string(),
        Rule::InsideWindow { window } => format!("inside {window}"),
        Rule::OutsideWindows => "outside every window".to_string(),
        Rule::Freeze {
            name,
            reason,
            until,
        } => {
            let name = name
                .as_deref()
                .map(|n| format!(" `{n}`"))
                .unwrap_or_default();
            let until = until
                .as_ref()
                .map(|u| format!(" until {}", when(u, r.at)))
                .unwrap_or_default();
            format!("freeze{name} ({reason}){until}")
        }
    };
    let next = match (w.open, &w.next_close, &w.next_open) {
        (true, Some(c), _) => format!("; closes {}", when(c, r.at)),
        (true, None, _) => "; no closing ahead".to_string(),
        (false, _, Some(o)) => format!("; opens {}", when(o, r.at)),
        (false, _, None) => format!("; does not open within the next {HORIZON_DAYS} days"),
    };
    let (mark, state) = if w.open {
        (Mark::Ok, "open")
    } else {
        (Mark::Fail, "closed")
    };
    p.line(mark, &format!("Window {state}: {rule}{next}"))
}

/// `2026-03-30 09:00 AEDT (2026-03-29 22:00 UTC), in 10h 30m`.
pub fn when(t: &Transition, now: DateTime<Utc>) -> String {
    let utc = t.at.format("%Y-%m-%d %H:%M UTC");
    let delta = (t.at - now)
        .to_std()
        .map(duration::format)
        .unwrap_or_else(|_| "now".into());
    format!("{} ({utc}), in {delta}", t.local)
}

fn lock_line(s: &LockReading, p: Painter) -> String {
    let (mark, text) = match &s.state {
        LockState::Unlocked => (Mark::Ok, "unlocked".to_string()),
        LockState::Locked(i) => {
            let by =
                i.by.as_deref()
                    .map(|b| format!(" by {b}"))
                    .unwrap_or_default();
            let since = i
                .since
                .as_deref()
                .map(|b| format!(" since {b}"))
                .unwrap_or_default();
            let expires = i
                .expires
                .map(|e| format!(" (expires {})", e.format("%Y-%m-%d %H:%M UTC")))
                .unwrap_or_default();
            (
                Mark::Fail,
                format!("locked{by}{since}: {}{expires}", i.reason),
            )
        }
        LockState::Expired(i) => (Mark::Warn, format!("expired lock ignored: {}", i.reason)),
        LockState::Unavailable { cause, .. } => (Mark::Warn, format!("unavailable: {cause}")),
    };
    p.line(mark, &format!("Lock {}: {text}", s.source))
}
