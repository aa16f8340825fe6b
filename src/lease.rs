//! The deploy lease a gate takes when it says go (`gate --lease
//! shop/production`, or `lease:` in the config): what was asked, and what
//! happened, as data for the reports. The store side (slots, queue,
//! transactions) is [`crate::store::lease`]; the gate's side (when to
//! take, waiting in line) is `commands::gate`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::store::{Lease, LeaseRequest, Leases};

/// A lease to take, from the config and the flags.
#[derive(Clone)]
pub struct LeasePlan {
    pub leases: Leases,
    pub request: LeaseRequest,
    /// Wait in line this long for a slot (`--wait`); `None`: do not wait.
    pub wait: Option<Duration>,
}

/// What became of the lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaseState {
    /// Taken (or already held by this holder).
    Taken,
    /// Every slot is held by others (or promised to gates waiting longer).
    Held,
    /// Waited `--wait` and still held.
    WaitedOut,
    /// Not asked for: the gate said no-go for another reason (or `status`).
    NotAsked,
    /// The store could not be asked.
    Unavailable,
}

/// The lease part of a gate's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LeaseStatus {
    pub name: String,
    pub holder: String,
    pub slots: u32,
    pub ttl_s: u64,
    pub state: LeaseState,
    /// This holder's lease, when taken.
    pub lease: Option<Lease>,
    /// Who holds it (when not taken, or at `status`).
    pub holders: Vec<Lease>,
    /// Gates waiting ahead of this one.
    pub ahead: Option<usize>,
    /// How long this gate waited in line.
    pub waited_s: Option<u64>,
    pub cause: Option<String>,
}

impl LeaseStatus {
    pub fn new(plan: &LeasePlan, state: LeaseState) -> LeaseStatus {
        LeaseStatus {
            name: plan.request.name.clone(),
            holder: plan.request.holder.clone(),
            slots: plan.request.slots,
            ttl_s: plan.request.ttl.as_secs(),
            state,
            lease: None,
            holders: Vec::new(),
            ahead: None,
            waited_s: None,
            cause: None,
        }
    }
}

/// `deploy in progress: shop/production held by acme/shop#{1} since
/// 10:00:00Z, expires 10:30:00Z` (every holder, for several slots).
pub fn held_reason(name: &str, holders: &[Lease], ahead: Option<usize>) -> String {
    let who: Vec<String> = holders.iter().map(holder_text).collect();
    let queue = match ahead {
        Some(n) if n > 0 => format!(" ({n} waiting ahead)"),
        _ => String::new(),
    };
    if who.is_empty() {
        return format!(
            "deploy in progress: {name}'s free slots are promised to gates waiting ahead{queue}"
        );
    }
    format!(
        "deploy in progress: {name} held by {}{queue}",
        who.join(", ")
    )
}

/// `acme/shop#{1} since 2026-03-02T10:00:00Z, expires 2026-03-02T10:30:00Z`.
pub fn holder_text(l: &Lease) -> String {
    format!(
        "{} since {}, expires {}",
        l.holder,
        stamp(l.since),
        stamp(l.expires)
    )
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A waiting gate's progress, for a line now and then.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiting {
    pub name: String,
    pub holders: Vec<Lease>,
    pub ahead: usize,
    pub waited: Duration,
    pub wait: Duration,
}

/// `release` (and `verify --release`): which lease to free, whose, and
/// whether someone else's (with the reason recorded).
#[derive(Clone)]
pub struct ReleasePlan {
    pub leases: Leases,
    pub name: String,
    pub holder: String,
    /// `--force`: another holder's (this one, or every holder), and why.
    pub force: Option<(Option<String>, String)>,
}

/// What `release` did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReleaseResult {
    pub name: String,
    pub holder: String,
    #[serde(flatten)]
    pub outcome: ReleaseOutcome,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum ReleaseOutcome {
    /// These slots were freed.
    Released { leases: Vec<Lease> },
    /// Nobody held it: nothing to do.
    NotHeld,
    /// Held by others, and not forced: nothing freed (exit 1).
    HeldByOthers { holders: Vec<Lease> },
    /// The store could not be asked (exit 3).
    Unavailable { cause: String },
}

impl ReleaseResult {
    /// 0 freed or nothing to free; 1 someone else's; 3 the store.
    pub fn code(&self) -> u8 {
        match self.outcome {
            ReleaseOutcome::Released { .. } | ReleaseOutcome::NotHeld => 0,
            ReleaseOutcome::HeldByOthers { .. } => 1,
            ReleaseOutcome::Unavailable { .. } => 3,
        }
    }
}

/// Frees the lease as `plan` says, at the run's clock.
pub fn release(
    plan: &ReleasePlan,
    at: DateTime<Utc>,
    deadline: crate::http::Deadline,
) -> ReleaseResult {
    let force = plan
        .force
        .as_ref()
        .map(|(holder, reason)| (holder.as_deref(), reason.as_str()));
    let outcome = match plan
        .leases
        .release(&plan.name, &plan.holder, force, at, deadline)
    {
        Ok(crate::store::Released::Freed(leases)) => ReleaseOutcome::Released { leases },
        Ok(crate::store::Released::NotHeld) => ReleaseOutcome::NotHeld,
        Ok(crate::store::Released::HeldByOthers(holders)) => {
            ReleaseOutcome::HeldByOthers { holders }
        }
        Err(e) => ReleaseOutcome::Unavailable {
            cause: e.to_string(),
        },
    };
    ReleaseResult {
        name: plan.name.clone(),
        holder: plan.holder.clone(),
        outcome,
    }
}
