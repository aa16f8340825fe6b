//! What happened to a lock or a lease, kept in the store beside it: every
//! lock, unlock, forced takeover, lease taken and released, with who, when
//! and why. One key per event under `<prefix>history/<kind>/<name>/`,
//! named by its time so that keys sort in time; the newest
//! [`KEEP`] are kept. A lease that ran out is shown as `expired` when its
//! `taken` event has no `released` after it and its expiry has passed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Etcd, Op};
use crate::http::Deadline;

/// Events kept per lock or lease.
pub const KEEP: usize = 100;

/// One event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// `locked`, `forced`, `unlocked`, `taken`, `released`, `expired`.
    pub event: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    pub at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Whose lock or lease this replaced or lifted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<DateTime<Utc>>,
}

impl Event {
    pub fn new(event: &str, by: Option<String>, at: DateTime<Utc>) -> Event {
        Event {
            event: event.to_string(),
            by,
            at,
            reason: None,
            replaced: None,
            expires: None,
        }
    }
}

/// The history folder of a lock source's key (escaped, so that `shop`'s
/// history never lists `shop/production`'s).
pub fn lock_key(key: &str) -> String {
    format!("history/locks/{}/events/", super::key_part(key))
}

/// Where overrides and rollbacks that went through something are kept.
pub fn overrides_key() -> String {
    "history/overrides/events/".into()
}

/// The history folder of a lease.
pub fn lease_key(name: &str) -> String {
    format!("history/leases/{}/events/", super::key_part(name))
}

/// The operation that records `event` (to run in the same transaction as
/// what it records).
pub fn append_op(base: &str, event: &Event) -> Vec<Op> {
    let micros = event.at.timestamp_micros().max(0);
    // Two events in one microsecond keep both: a random tail.
    let tail: u32 = std::process::id()
        ^ (std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0));
    vec![Op::Put {
        key: format!("{base}{micros:020}-{tail:08x}"),
        value: serde_json::to_string(event).unwrap_or_default(),
        lease: None,
    }]
}

/// Deletes all but the newest [`KEEP`] events; best effort (a failure only
/// leaves a longer history).
pub fn trim(store: &Etcd, base: &str, deadline: Deadline) {
    let Ok(mut all) = store.list(base, deadline) else {
        return;
    };
    // Oldest first by commit, not by the writers' clocks.
    all.sort_by_key(|kv| kv.create_revision);
    if all.len() <= KEEP {
        return;
    }
    for kv in &all[..all.len() - KEEP] {
        if let Err(e) = store.delete(&kv.key, deadline) {
            log::debug!("history: could not trim {}: {e}", kv.key);
            return;
        }
    }
}

/// The events, oldest first, with expired leases made explicit at `now`.
pub fn read(
    store: &Etcd,
    base: &str,
    now: DateTime<Utc>,
    deadline: Deadline,
) -> Result<Vec<Event>, super::StoreError> {
    // In the order the store committed them (each event is written in the
    // transaction of what it records); the times are each writer's clock.
    let mut kvs = store.list(base, deadline)?;
    kvs.sort_by_key(|kv| kv.create_revision);
    let events: Vec<Event> = kvs
        .into_iter()
        .filter_map(|kv| serde_json::from_str(&kv.value).ok())
        .collect();
    Ok(with_expiries(events, now))
}

/// Adds an `expired` event for each `taken` whose holder never released
/// and whose expiry has passed, before the first later event that
/// happened after the expiry.
fn with_expiries(events: Vec<Event>, now: DateTime<Utc>) -> Vec<Event> {
    let mut expiries: Vec<(usize, Event)> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let Some(expires) = e.expires.filter(|x| e.event == "taken" && *x <= now) else {
            continue;
        };
        let released = events[i + 1..].iter().any(|later| {
            matches!(later.event.as_str(), "released" | "force-released")
                && later.replaced == e.by
                && later.at <= expires
        });
        if !released {
            let mut ex = Event::new("expired", e.by.clone(), expires);
            ex.reason = Some("its time to live ran out (the holder did not release it)".into());
            let place = events[i + 1..]
                .iter()
                .position(|later| later.at > expires)
                .map_or(events.len(), |p| i + 1 + p);
            expiries.push((place, ex));
        }
    }
    let n = events.len();
    let mut out = Vec::with_capacity(n + expiries.len());
    for (i, e) in events.into_iter().enumerate() {
        out.extend(
            expiries
                .iter()
                .filter(|(p, _)| *p == i)
                .map(|(_, x)| x.clone()),
        );
        out.push(e);
    }
    out.extend(
        expiries
            .into_iter()
            .filter(|(p, _)| *p >= n)
            .map(|(_, x)| x),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn a_lease_never_released_is_shown_expired() {
        let mut taken = Event::new("taken", Some("p1".into()), at("2026-01-01T10:00:00Z"));
        taken.expires = Some(at("2026-01-01T10:30:00Z"));
        let mut taken2 = taken.clone();
        taken2.by = Some("p2".into());
        taken2.at = at("2026-01-01T11:00:00Z");
        taken2.expires = Some(at("2026-01-01T11:30:00Z"));
        let mut released = Event::new("released", Some("p2".into()), at("2026-01-01T11:10:00Z"));
        released.replaced = Some("p2".into());
        let events = with_expiries(vec![taken, taken2, released], at("2026-01-02T00:00:00Z"));
        let kinds: Vec<(&str, Option<&str>)> = events
            .iter()
            .map(|e| (e.event.as_str(), e.by.as_deref()))
            .collect();
        assert_eq!(
            kinds,
            vec![
                ("taken", Some("p1")),
                ("expired", Some("p1")),
                ("taken", Some("p2")),
                ("released", Some("p2"))
            ]
        );
    }
}
