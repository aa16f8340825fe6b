//! A lock in etcd, shared by every pipeline and person that uses the same
//! store (`store:`): the [`LockRecord`] as JSON at `<prefix>locks/<key>`.
//!
//! - Reading: no key is unlocked; a record is locked until it expires.
//! - `lock` is compare-and-set: the record is written only if the key is
//!   unchanged since it was read (absent, or at the revision read), in one
//!   etcd transaction. Someone else's live lock is refused with who holds
//!   it, unless `--force`, which is recorded in the history.
//! - `unlock` deletes the key if it is unchanged since it was read, and
//!   says whose lock it lifted.
//! - Every write adds an event to the key's history
//!   (`<prefix>history/locks/<key>/...`, the newest 100 kept), which
//!   `greenlight history --source` prints.
//!
//! ```yaml
//! store: { type: etcd, endpoints: [https://etcd-1:2379], prefix: /greenlight/ }
//! locks:
//!   sources:
//!     - { type: etcd, key: shop/production }
//! ```

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::source::{Done, LockKind, LockSource, LockWriter, Reading, Setup};
use super::{LockError, LockInfo, LockRecord, LockState};
use crate::failure::Failure;
use crate::http::Deadline;
use crate::input::ConfigError;
use crate::store::history::{self, Event};
use crate::store::{Compare, Etcd, Op, StoreError};

/// `type: etcd`.
pub struct EtcdLock;

impl LockKind for EtcdLock {
    fn name(&self) -> &'static str {
        "etcd"
    }
    fn writable(&self) -> bool {
        true
    }
    fn keys(&self) -> &'static [&'static str] {
        &["key"]
    }
    fn configure(&self, s: &mut Setup<'_>) -> Result<Box<dyn LockSource>, ConfigError> {
        let key = s
            .keys
            .require("key", "an `etcd` source needs `key` (e.g. shop/production)")?;
        let name = key.value.trim().trim_matches('/').to_string();
        if name.is_empty() {
            return Err(s.keys.error(&key.referenced, "key", "`key` is empty".into()));
        }
        let store = s.store.clone().ok_or_else(|| {
            s.keys.here(
                "an `etcd` lock source needs the store: add `store: {type: etcd, endpoints: [...]}` (or --etcd-endpoints)"
                    .into(),
            )
        })?;
        Ok(Box::new(EtcdLockSource {
            name: s.name_or("etcd", &name),
            key: name,
            store,
        }))
    }
}

pub struct EtcdLockSource {
    name: String,
    /// Under `locks/`.
    key: String,
    store: Arc<Etcd>,
}

impl EtcdLockSource {
    fn path(&self) -> String {
        format!("locks/{}", self.key)
    }

    fn error(&self, e: StoreError) -> LockError {
        LockError::Store {
            source_name: self.name.clone(),
            error: e,
        }
    }

    /// The record there now and its revision (0: none).
    fn current(&self, deadline: Deadline) -> Result<(Option<LockRecord>, i64), LockError> {
        let kv = self
            .store
            .get(&self.path(), deadline)
            .map_err(|e| self.error(e))?;
        match kv {
            None => Ok((None, 0)),
            Some(kv) => {
                let record = LockRecord::parse(&kv.value).map_err(|m| {
                    self.error(StoreError::BadAnswer(format!("{}: {m}", self.path())))
                })?;
                Ok((Some(record), kv.mod_revision))
            }
        }
    }

    /// Writes `ops` if the key is still at `revision`. `wanted` is the
    /// value the key should hold after (`None`: deleted): a transaction
    /// sent again to another endpoint after a timeout can find its own
    /// first attempt committed, which is success, not a lost race.
    fn swap(
        &self,
        revision: i64,
        ops: &[Op],
        wanted: Option<&str>,
        deadline: Deadline,
    ) -> Result<(), LockError> {
        let guard = if revision == 0 {
            Compare::Absent(self.path())
        } else {
            Compare::ModRevision(self.path(), revision)
        };
        let done = self.store.txn(&[guard], ops, &[], deadline);
        if matches!(done, Ok(ref d) if d.succeeded) {
            return Ok(());
        }
        let now = self
            .store
            .get(&self.path(), deadline)
            .map_err(|e| self.error(e))?;
        let ours = match (wanted, &now) {
            (Some(v), Some(kv)) => kv.value == v && kv.mod_revision > revision,
            (None, None) => true,
            _ => false,
        };
        match done {
            _ if ours => Ok(()),
            Err(e) => Err(self.error(e)),
            Ok(_) => Err(LockError::Changed {
                source_name: self.name.clone(),
                detail: "another writer changed it first".into(),
            }),
        }
    }
}

impl LockSource for EtcdLockSource {
    fn name(&self) -> &str {
        &self.name
    }
    fn kind(&self) -> &'static str {
        "etcd"
    }
    fn read(&self, deadline: Deadline) -> Reading {
        // The guard is what was read: absent, or at its revision; nothing
        // when it could not be read (a lease is then not taken on it).
        let (state, guard) = match self.current(deadline) {
            Ok((None, _)) => (LockState::Unlocked, Some(Compare::Absent(self.path()))),
            Ok((Some(record), r)) => (
                record.state(),
                Some(Compare::ModRevision(self.path(), r)),
            ),
            Err(LockError::Store { error, .. }) => (LockState::unavailable(error.failure()), None),
            Err(e) => (LockState::unavailable(Failure::BadAnswer(e.to_string())), None),
        };
        Reading {
            guard,
            ..Reading::once(state)
        }
    }
    fn writer(&self) -> Option<&dyn LockWriter> {
        Some(self)
    }
}

impl LockWriter for EtcdLockSource {
    fn lock(
        &self,
        record: &LockRecord,
        force: bool,
        at: DateTime<Utc>,
        deadline: Deadline,
    ) -> Result<Done, LockError> {
        let (current, revision) = self.current(deadline)?;
        let live = current.as_ref().and_then(|r| match r.state() {
            LockState::Locked(info) => Some(info),
            _ => None,
        });
        let replaced = record
            .may_replace(live, force, at)
            .map_err(|holder| LockError::Held {
                source_name: self.name.clone(),
                holder,
            })?;
        let value = serde_json::to_string(record).unwrap_or_default();
        let put_value = value.clone();
        let mut event = Event::new(
            if replaced.is_some() { "forced" } else { "locked" },
            record.by.clone(),
            at,
        );
        event.reason = Some(record.reason.clone());
        event.replaced = replaced.as_ref().and_then(|r| r.by.clone());
        let mut ops = vec![Op::Put {
            key: self.path(),
            value: put_value,
            lease: None,
        }];
        ops.extend(history::append_op(&history::lock_key(&self.key), &event));
        self.swap(revision, &ops, Some(&value), deadline)?;
        history::trim(&self.store, &history::lock_key(&self.key), deadline);
        Ok(Done {
            message: format!("locked in {}", self.store.describe()),
            replaced,
        })
    }

    fn unlock(
        &self,
        by: Option<&str>,
        at: DateTime<Utc>,
        deadline: Deadline,
    ) -> Result<Done, LockError> {
        let (current, revision) = self.current(deadline)?;
        let Some(record) = current else {
            return Ok(Done {
                message: format!("{} was not locked", self.name),
                replaced: None,
            });
        };
        let lifted = match record.state() {
            LockState::Locked(info) => Some(info),
            _ => None,
        };
        let mut event = Event::new("unlocked", by.map(str::to_string), at);
        event.replaced = lifted.as_ref().and_then(|l: &LockInfo| l.by.clone());
        let mut ops = vec![Op::Delete(self.path())];
        ops.extend(history::append_op(&history::lock_key(&self.key), &event));
        self.swap(revision, &ops, None, deadline)?;
        history::trim(&self.store, &history::lock_key(&self.key), deadline);
        Ok(Done {
            message: format!("unlocked in {}", self.store.describe()),
            replaced: lifted,
        })
    }
}
