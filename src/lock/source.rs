//! The lock-source plugin interface. A kind of source ([`LockKind`]) is
//! listed once in [`super::KINDS`]; it reads its own keys from a
//! `locks.sources` entry and builds a [`LockSource`], which can always be
//! read and may offer more:
//!
//! | capability | trait | used by |
//! |---|---|---|
//! | read | [`LockSource::read`] | `gate`, `status` |
//! | write | [`LockWriter`] | `lock`, `unlock` |
//! | lease | [`LockSource::leases`] | `gate --lease`, `release`: deploy leases in the shared store (etcd) |

use chrono::{DateTime, Utc};

use super::{LockError, LockInfo, LockRecord, LockState};
use crate::context::Context;
use crate::http::{Deadline, Policy};
use crate::input::{ConfigError, Keys};

/// A kind of lock source, as named by `type:` in `locks.sources`.
pub trait LockKind: Sync {
    /// The `type:` value, e.g. `http`.
    fn name(&self) -> &'static str;
    /// The keys this kind takes besides `type` and `name`.
    fn keys(&self) -> &'static [&'static str];
    /// Stage two: take this kind's keys and build the source. Keys left
    /// untaken are refused by the caller.
    fn configure(&self, setup: &mut Setup<'_>) -> Result<Box<dyn LockSource>, ConfigError>;
    /// Whether its sources can be written (`lock`, `unlock`, `on_no_go`).
    fn writable(&self) -> bool {
        false
    }
    /// Whether it locks because of an incident, not because a person said
    /// so: what a rollback may go through.
    fn incident(&self) -> bool {
        false
    }
}

/// What a kind is configured from.
pub struct Setup<'a> {
    /// `name:` when given.
    pub name: Option<String>,
    pub keys: Keys<'a>,
    /// Secrets are read from here, once.
    pub ctx: &'a Context,
    /// `locks.timeout` and `locks.retries`.
    pub policy: Policy,
    /// The shared store (`store:`), for kinds that live in it.
    pub store: Option<std::sync::Arc<crate::store::Etcd>>,
}

impl Setup<'_> {
    /// The given name, else `kind:detail` (`file:.greenlight/lock.json`).
    pub fn name_or(&self, kind: &str, detail: &str) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| super::default_name(kind, detail))
    }
}

/// A configured source that can say "locked".
pub trait LockSource: Send + Sync {
    fn name(&self) -> &str;
    fn kind(&self) -> &'static str;
    /// Reads the state, within the deadline. Never fails: a problem is
    /// [`LockState::Unavailable`] with its cause.
    fn read(&self, deadline: Deadline) -> Reading;
    /// Sources that `lock` and `unlock` can write.
    fn writer(&self) -> Option<&dyn LockWriter> {
        None
    }
}

/// A state and how many attempts it took to learn it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub state: LockState,
    pub attempts: u32,
    /// For a source in the shared store: the condition that what was read
    /// is still there, for a lease taken on the strength of it.
    pub guard: Option<crate::store::Compare>,
}

impl Reading {
    pub fn once(state: LockState) -> Reading {
        Reading {
            state,
            attempts: 1,
            guard: None,
        }
    }
}

/// The write capability: set and lift a lock.
///
/// A lock held by someone else is never silently replaced: `lock` refuses
/// it ([`LockError::Held`]) unless `force`, and then says whose it
/// replaced; the same holder may update its own lock; an expired lock is
/// free. `unlock` lifts any manual lock and says whose. Sources decide
/// this atomically against concurrent writers (see each kind).
pub trait LockWriter {
    fn lock(
        &self,
        record: &LockRecord,
        force: bool,
        at: DateTime<Utc>,
        deadline: Deadline,
    ) -> Result<Done, LockError>;
    /// Lifts the lock; `by` is who does (for sources that keep a history).
    fn unlock(
        &self,
        by: Option<&str>,
        at: DateTime<Utc>,
        deadline: Deadline,
    ) -> Result<Done, LockError>;
}

/// What a write did: one line (`wrote .greenlight/lock.json`), and the lock
/// it replaced or lifted, if it was someone's.
#[derive(Debug, Clone, PartialEq)]
pub struct Done {
    pub message: String,
    pub replaced: Option<LockInfo>,
}
