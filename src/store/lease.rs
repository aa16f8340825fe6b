//! Deploy leases: at most `slots` holders of a name at once ("one
//! production deploy of shop at a time"), taken by `gate --lease` when it
//! says go and freed by `release` (or `verify --release`), or by their
//! time to live when a pipeline dies.
//!
//! In the store, under `<prefix>leases/<name>/`:
//! - `slot/<i>` (`i` < `slots`): the holder's JSON, attached to an etcd
//!   lease of the time to live, so etcd deletes it when that runs out;
//! - `queue/<holder>`: a waiting gate (`--wait`), attached to a short etcd
//!   lease it keeps alive while it waits; waiters are served in the order
//!   they arrived (the key's create revision).
//!
//! **Never a double grant.** A slot is taken by one etcd transaction whose
//! conditions are that the slot key does not exist and that every etcd
//! lock the gate read is unchanged since (so a lock set between the
//! gate's reading and the take makes the take fail, and the gate reads
//! again). Slot keys are distinct, so at most `slots` holders exist at any
//! revision. A holder asking again (the same pipeline re-running its gate)
//! gets its own slot back.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::history::{self, Event};
use super::{Compare, Etcd, Kv, Op, StoreError, key_part};
use crate::http::Deadline;

/// How long a waiter's queue key lives without being kept alive (a
/// waiting gate renews it every try, at most every few seconds).
pub const QUEUE_TTL: i64 = 120;

/// A lease to ask for.
#[derive(Debug, Clone, PartialEq)]
pub struct LeaseRequest {
    pub name: String,
    pub holder: String,
    pub ttl: Duration,
    pub slots: u32,
}

/// A lease held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lease {
    pub name: String,
    pub holder: String,
    pub since: DateTime<Utc>,
    pub expires: DateTime<Utc>,
    /// The slot it holds (0-based).
    pub slot: u32,
    /// etcd's lease id, to end it early.
    #[serde(skip)]
    pub id: i64,
}

/// What asking for a slot gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Taken {
    Granted(Lease),
    /// Every slot is held (by these), or the free ones belong to gates
    /// that have waited longer (`ahead` of this one).
    Held {
        holders: Vec<Lease>,
        ahead: usize,
    },
    /// A lock the gate read changed before the take: read again.
    GuardChanged,
}

/// A waiting gate's place in the queue.
#[derive(Debug, Clone, PartialEq)]
pub struct Queued {
    key: String,
    lease: i64,
}

/// The leases of one store.
#[derive(Clone)]
pub struct Leases {
    store: Arc<Etcd>,
}

fn slots_of(name: &str) -> String {
    format!("leases/{}/slot/", key_part(name))
}

fn queue_of(name: &str) -> String {
    format!("leases/{}/queue/", key_part(name))
}

/// How many slots the lease has, as the first gate to take it said.
fn meta_of(name: &str) -> String {
    format!("leases/{}/slots", key_part(name))
}

impl Leases {
    pub fn new(store: Arc<Etcd>) -> Leases {
        Leases { store }
    }

    /// Who holds `name` now.
    pub fn holders(&self, name: &str, deadline: Deadline) -> Result<Vec<Lease>, StoreError> {
        Ok(self
            .store
            .list(&slots_of(name), deadline)?
            .iter()
            .filter_map(|kv| lease_of(name, kv))
            .collect())
    }

    /// Takes a free slot for `req.holder` if the queue allows it, in one
    /// transaction with `guards`; `queued` is this gate's place in the
    /// queue, if it waits.
    ///
    /// A transaction sent again to another endpoint (after a timeout) may
    /// find its own first attempt already committed: a slot held by this
    /// holder under the lease just granted is then the grant, not a loss.
    pub fn take(
        &self,
        req: &LeaseRequest,
        guards: &[Compare],
        queued: Option<&Queued>,
        at: DateTime<Utc>,
        deadline: Deadline,
    ) -> Result<Taken, StoreError> {
        let meta = self.store.get(&meta_of(&req.name), deadline)?;
        let slots_guard = match &meta {
            Some(kv) if kv.value.trim() != req.slots.to_string() => {
                return Err(StoreError::Refused(format!(
                    "the lease {} has {} slot(s) in the store and this gate asks for {}: every gate of a lease must use the same `slots`",
                    req.name,
                    kv.value.trim(),
                    req.slots
                )));
            }
            Some(_) => Compare::Value(meta_of(&req.name), req.slots.to_string()),
            None => Compare::Absent(meta_of(&req.name)),
        };
        let held: Vec<(Kv, Lease)> = self
            .store
            .list(&slots_of(&req.name), deadline)?
            .into_iter()
            .filter_map(|kv| lease_of(&req.name, &kv).map(|l| (kv, l)))
            .collect();
        if let Some((kv, mine)) = held.iter().find(|(_, l)| l.holder == req.holder) {
            // The same holder again (a re-run): its lease, renewed.
            if let Some(q) = queued {
                self.leave(q, deadline);
            }
            return Ok(Taken::Granted(self.renew(kv, mine, req, at, deadline)));
        }
        let holders: Vec<Lease> = held.iter().map(|(_, l)| l.clone()).collect();
        let mut waiters = self.store.list(&queue_of(&req.name), deadline)?;
        waiters.sort_by_key(|kv| kv.create_revision);
        let ahead = match queued {
            Some(q) => waiters.iter().take_while(|kv| kv.key != q.key).count(),
            None => waiters.len(),
        };
        let free: Vec<u32> = (0..req.slots)
            .filter(|i| !held.iter().any(|(_, l)| l.slot == *i))
            .collect();
        if held.len() >= req.slots as usize || ahead >= free.len() {
            return Ok(Taken::Held { holders, ahead });
        }
        let ttl = i64::try_from(req.ttl.as_secs().max(1)).unwrap_or(i64::MAX);
        let id = self.store.grant(ttl, deadline)?;
        let expires = at + chrono::Duration::seconds(ttl);
        for slot in free {
            let lease = Lease {
                name: req.name.clone(),
                holder: req.holder.clone(),
                since: at,
                expires,
                slot,
                id,
            };
            let key = format!("{}{slot}", slots_of(&req.name));
            let mut compares = vec![Compare::Absent(key.clone()), slots_guard.clone()];
            compares.extend(guards.iter().cloned());
            let mut event = Event::new("taken", Some(req.holder.clone()), at);
            event.expires = Some(expires);
            let mut ops = vec![Op::Put {
                key: key.clone(),
                value: serde_json::to_string(&lease).unwrap_or_default(),
                lease: Some(id),
            }];
            if meta.is_none() {
                ops.push(Op::Put {
                    key: meta_of(&req.name),
                    value: req.slots.to_string(),
                    lease: None,
                });
            }
            ops.extend(history::append_op(&history::lease_key(&req.name), &event));
            if let Some(q) = queued {
                ops.push(Op::Delete(q.key.clone()));
            }
            let range = Op::Range {
                key: key.clone(),
                prefix: false,
            };
            let done = match self.store.txn(&compares, &ops, &[range], deadline) {
                Ok(done) => done,
                Err(e) => {
                    // It may have been committed with the answer lost:
                    // ours if the slot is, else nothing is left behind.
                    if self.holds(&key, &req.holder, id, deadline) {
                        return Ok(Taken::Granted(lease));
                    }
                    self.end(id, deadline);
                    return Err(e);
                }
            };
            if done.succeeded {
                history::trim(&self.store, &history::lease_key(&req.name), deadline);
                if let Some(q) = queued {
                    self.end(q.lease, deadline);
                }
                return Ok(Taken::Granted(lease));
            }
            let there = done.ranges.first().and_then(|r| r.first());
            match there {
                // Our own attempt, committed before a fail-over resent it.
                Some(kv) if kv.lease == id => return Ok(Taken::Granted(lease)),
                Some(_) => {}
                None => {
                    self.end(id, deadline);
                    return Ok(Taken::GuardChanged);
                }
            }
        }
        // Every free slot went to someone faster.
        self.end(id, deadline);
        Ok(Taken::Held {
            holders: self.holders(&req.name, deadline)?,
            ahead,
        })
    }

    /// Whether `key` is held by `holder` under etcd lease `id`.
    fn holds(&self, key: &str, holder: &str, id: i64, deadline: Deadline) -> bool {
        matches!(
            self.store.get(key, deadline),
            Ok(Some(kv)) if kv.lease == id && kv.value.contains(&format!("\"holder\":{}", serde_json::to_string(holder).unwrap_or_default()))
        )
    }

    /// A holder's own lease, its time to live started again.
    fn renew(
        &self,
        kv: &Kv,
        mine: &Lease,
        req: &LeaseRequest,
        at: DateTime<Utc>,
        deadline: Deadline,
    ) -> Lease {
        let mut lease = mine.clone();
        match self.store.keep_alive(kv.lease, deadline) {
            Ok(true) => {
                let ttl = i64::try_from(req.ttl.as_secs().max(1)).unwrap_or(i64::MAX);
                lease.expires = at + chrono::Duration::seconds(ttl);
                let put = Op::Put {
                    key: kv.key.clone(),
                    value: serde_json::to_string(&lease).unwrap_or_default(),
                    lease: Some(kv.lease),
                };
                let guard = Compare::ModRevision(kv.key.clone(), kv.mod_revision);
                if let Err(e) = self.store.txn(&[guard], &[put], &[], deadline) {
                    log::debug!("could not record the renewed expiry: {e}");
                }
            }
            Ok(false) => log::debug!("the lease {} expired while renewing it", req.name),
            Err(e) => log::debug!("could not renew the lease {}: {e}", req.name),
        }
        lease
    }

    /// Ends an etcd lease early; best effort (it runs out by itself).
    fn end(&self, id: i64, deadline: Deadline) {
        if let Err(e) = self.store.revoke(id, deadline) {
            log::debug!("could not revoke lease {id}: {e}");
        }
    }

    /// Joins the queue of `name`. A key left by an earlier run of the same
    /// holder keeps its place (its create revision) and gets this run's
    /// etcd lease.
    pub fn join(&self, name: &str, holder: &str, deadline: Deadline) -> Result<Queued, StoreError> {
        let lease = self.store.grant(QUEUE_TTL, deadline)?;
        let key = format!("{}{}", queue_of(name), key_part(holder));
        let put = Op::Put {
            key: key.clone(),
            value: holder.to_string(),
            lease: Some(lease),
        };
        self.store.txn(&[], &[put], &[], deadline)?;
        Ok(Queued { key, lease })
    }

    /// Keeps this gate's place (its queue key) alive; false when it had
    /// already run out (the place is lost: join again).
    pub fn stay(&self, q: &Queued, deadline: Deadline) -> Result<bool, StoreError> {
        self.store.keep_alive(q.lease, deadline)
    }

    /// Leaves the queue.
    pub fn leave(&self, q: &Queued, deadline: Deadline) {
        if let Err(e) = self.store.delete(&q.key, deadline) {
            log::debug!("could not leave the queue: {e}");
        }
        self.end(q.lease, deadline);
    }

    /// Frees `holder`'s slot of `name`. With `force`, frees another's (the
    /// given holder's, or every slot without one), recording `reason`.
    pub fn release(
        &self,
        name: &str,
        holder: &str,
        force: Option<(Option<&str>, &str)>,
        at: DateTime<Utc>,
        deadline: Deadline,
    ) -> Result<Released, StoreError> {
        let held: Vec<(Kv, Lease)> = self
            .store
            .list(&slots_of(name), deadline)?
            .into_iter()
            .filter_map(|kv| lease_of(name, &kv).map(|l| (kv, l)))
            .collect();
        let targets: Vec<&(Kv, Lease)> = held
            .iter()
            .filter(|(_, l)| match force {
                None => l.holder == holder,
                Some((Some(h), _)) => l.holder == h,
                Some((None, _)) => true,
            })
            .collect();
        if targets.is_empty() {
            let others: Vec<Lease> = held.into_iter().map(|(_, l)| l).collect();
            return Ok(if others.is_empty() {
                Released::NotHeld
            } else {
                Released::HeldByOthers(others)
            });
        }
        let mut freed = Vec::new();
        for (kv, lease) in targets {
            let forced = force.is_some() && lease.holder != holder;
            let mut event = Event::new(
                if forced { "force-released" } else { "released" },
                Some(holder.to_string()),
                at,
            );
            event.replaced = Some(lease.holder.clone());
            event.reason = force.map(|(_, reason)| reason.to_string());
            let mut ops = vec![Op::Delete(kv.key.clone())];
            ops.extend(history::append_op(&history::lease_key(name), &event));
            let done = self.store.txn(
                &[Compare::ModRevision(kv.key.clone(), kv.mod_revision)],
                &ops,
                &[],
                deadline,
            )?;
            // Failed: the slot changed meanwhile (it ran out, or a resent
            // delete already went through); either way it is not held now
            // under that lease.
            let gone = done.succeeded
                || self
                    .store
                    .get(&kv.key, deadline)?
                    .is_none_or(|k| k.lease != kv.lease);
            if gone {
                self.end(kv.lease, deadline);
                freed.push(lease.clone());
            }
        }
        history::trim(&self.store, &history::lease_key(name), deadline);
        Ok(Released::Freed(freed))
    }
}

/// What `release` did.
#[derive(Debug, Clone, PartialEq)]
pub enum Released {
    Freed(Vec<Lease>),
    NotHeld,
    /// Held, but not by the one releasing (and not forced).
    HeldByOthers(Vec<Lease>),
}

/// The lease a slot key holds.
fn lease_of(name: &str, kv: &Kv) -> Option<Lease> {
    let slot = kv.key.strip_prefix(&slots_of(name))?.parse().ok()?;
    let mut lease: Lease = serde_json::from_str(&kv.value).ok()?;
    lease.slot = slot;
    lease.id = kv.lease;
    Some(lease)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_key_parts() {
        assert_eq!(key_part("shop/app#{42}"), "shop%2Fapp#{42}");
        assert_eq!(key_part("a%b"), "a%25b");
        assert_ne!(slots_of("a/slot"), slots_of("a"));
    }
}
