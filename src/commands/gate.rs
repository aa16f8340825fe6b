//! `gate` and `status`: the deploy window and every lock source at the
//! run's one clock. `status` evaluates the same; its exit code differs
//! ([`crate::result::RunResult::exit_code`]).
//!
//! With a deploy lease (`--lease`), a `gate` that says go takes a slot in
//! the same etcd transaction that checks that every etcd lock it read is
//! unchanged; when every slot is held it says who holds them and exits 1,
//! or with `--wait` waits in line (first come, first served), reading the
//! window and the locks again before each try, and reporting its progress.
//! `status` only shows who holds the lease.

use std::time::{Duration, Instant};

use super::{Progress, ProgressEvent};
use crate::config::Settings;
use crate::gate::{self, GateConfig, GateResult};
use crate::http::Deadline;
use crate::lease::{LeasePlan, LeaseState, LeaseStatus, Waiting, held_reason};
use crate::lock::OnError;
use crate::outcome::Outcome;
use crate::store::history::{self, Event};
use crate::store::{Compare, Queued, StoreError, Taken};

/// How often a waiting gate tries again, and says so.
const POLL: Duration = Duration::from_millis(250);
const SAY_EVERY: Duration = Duration::from_secs(10);
/// A lock changing under a take is read again this many times.
const GUARD_TRIES: u32 = 5;

pub fn gate(cfg: &GateConfig, s: &Settings, progress: Progress<'_>) -> GateResult {
    let mut result = with_lease(cfg, s, progress);
    record_bypass(cfg, &result, s);
    result.timeline = gate::timeline(cfg, s.at, s.deadline);
    result
}

fn with_lease(cfg: &GateConfig, s: &Settings, progress: Progress<'_>) -> GateResult {
    let mut result = gate::evaluate(cfg, s.at, s.deadline);
    log::debug!("gate evaluated: {:?}", result.outcome);
    let Some(plan) = &cfg.lease else {
        return result;
    };
    if result.outcome != Outcome::Go {
        result.lease = Some(LeaseStatus::new(plan, LeaseState::NotAsked));
        return result;
    }
    match plan.wait {
        None => take_now(cfg, plan, s, result),
        Some(wait) => wait_in_line(cfg, plan, s, wait, progress),
    }
}

/// An override or rollback that went through something is recorded in the
/// store's history (`greenlight history --overrides`), and in the lease's.
fn record_bypass(cfg: &GateConfig, r: &GateResult, s: &Settings) {
    let (Some(store), Some(b)) = (&cfg.store, &r.bypass) else {
        return;
    };
    if b.bypassed.is_empty() || r.outcome != Outcome::Go {
        return;
    }
    let mut event = Event::new(b.kind, Some(b.by.clone()), r.at);
    event.reason = Some(format!(
        "{}; went through {}",
        b.reason,
        b.bypassed.join("; ")
    ));
    let mut bases = vec![history::overrides_key()];
    if let Some(plan) = &cfg.lease {
        bases.push(history::lease_key(&plan.request.name));
    }
    let deadline = Deadline::after(s.deadline_length);
    for base in bases {
        let ops = history::append_op(&base, &event);
        if let Err(e) = store.txn(&[], &ops, &[], deadline) {
            log::warn!("the {} could not be recorded in the store: {e}", b.kind);
        }
    }
}

/// `status`: the gate, and who holds the lease (nothing is taken).
pub fn status(cfg: &GateConfig, s: &Settings) -> GateResult {
    let mut result = gate::evaluate(cfg, s.at, s.deadline);
    if let Some(plan) = &cfg.lease {
        let mut status = LeaseStatus::new(plan, LeaseState::NotAsked);
        match plan.leases.holders(&plan.request.name, s.deadline) {
            Ok(holders) => status.holders = holders,
            Err(e) => {
                status.state = LeaseState::Unavailable;
                status.cause = Some(e.to_string());
            }
        }
        result.lease = Some(status);
    }
    result.timeline = gate::timeline(cfg, s.at, s.deadline);
    result
}

fn guards(r: &GateResult) -> Vec<Compare> {
    r.locks
        .sources
        .iter()
        .filter_map(|s| s.guard.clone())
        .collect()
}

/// One try (reading again when a lock changed under it).
fn take_now(
    cfg: &GateConfig,
    plan: &LeasePlan,
    s: &Settings,
    mut result: GateResult,
) -> GateResult {
    for _ in 0..GUARD_TRIES {
        let taken = plan
            .leases
            .take(&plan.request, &guards(&result), None, result.at, s.deadline);
        match taken {
            Ok(Taken::GuardChanged) => {
                result = gate::evaluate(cfg, s.at, s.deadline);
                if result.outcome != Outcome::Go {
                    result.lease = Some(LeaseStatus::new(plan, LeaseState::NotAsked));
                    return result;
                }
            }
            other => return settle(plan, result, other, cfg.on_error, None),
        }
    }
    settle(
        plan,
        result,
        Err(StoreError::Refused(
            "the locks kept changing while the lease was taken".into(),
        )),
        cfg.on_error,
        None,
    )
}

/// Puts what a take gave into the result.
fn settle(
    plan: &LeasePlan,
    mut result: GateResult,
    taken: Result<Taken, StoreError>,
    on_error: OnError,
    waited: Option<Duration>,
) -> GateResult {
    let mut status = LeaseStatus::new(plan, LeaseState::Taken);
    status.waited_s = waited.map(|w| w.as_secs());
    match taken {
        Ok(Taken::Granted(lease)) => status.lease = Some(lease),
        Ok(Taken::Held { holders, ahead }) => {
            status.state = LeaseState::Held;
            result.outcome = Outcome::NoGo;
            result
                .reasons
                .push(held_reason(&plan.request.name, &holders, Some(ahead)));
            status.holders = holders;
            status.ahead = Some(ahead);
        }
        Ok(Taken::GuardChanged) => {
            status.state = LeaseState::NotAsked;
        }
        Err(e) => {
            status.state = LeaseState::Unavailable;
            status.cause = Some(e.to_string());
            let what = format!("the lease {} could not be taken ({e})", plan.request.name);
            match on_error {
                OnError::Closed => {
                    result.outcome = result.outcome.and(Outcome::Inconclusive);
                    result.reasons.push(format!("{what}; on_error: closed"));
                }
                OnError::Open => result.warnings.push(format!(
                    "{what}; deploying without it because on_error: open"
                )),
            }
        }
    }
    result.lease = Some(status);
    result
}

/// `--wait`: in line until a slot is ours, the window closes, a lock is
/// set, or the wait is over.
fn wait_in_line(
    cfg: &GateConfig,
    plan: &LeasePlan,
    s: &Settings,
    wait: Duration,
    progress: Progress<'_>,
) -> GateResult {
    let started = Instant::now();
    // The whole wait ends by `wait` plus one deadline, whatever happens;
    // each round of calls has at most the run's deadline, within that.
    let hard_end = Deadline::from(started, wait.saturating_add(s.deadline_length));
    let round = || Deadline(Deadline::after(s.deadline_length).0.min(hard_end.0));
    let leases = &plan.leases;
    let name = &plan.request.name;
    let mut queued: Queued = match leases.join(name, &plan.request.holder, round()) {
        Ok(q) => q,
        Err(e) => {
            let result = gate::evaluate(cfg, s.at, s.deadline);
            return settle(plan, result, Err(e), cfg.on_error, Some(Duration::ZERO));
        }
    };
    let mut said = None::<Instant>;
    loop {
        // Keep the place in line first: a slow round must not lose it.
        match leases.stay(&queued, round()) {
            Ok(true) => {}
            Ok(false) => {
                log::warn!("the place in line for {name} ran out; joining again at the end");
                if let Ok(q) = leases.join(name, &plan.request.holder, round()) {
                    queued = q;
                }
            }
            Err(e) => log::debug!("could not keep the place in line: {e}"),
        }
        let waited = started.elapsed();
        if hard_end.passed() {
            leases.leave(&queued, round());
            let result = gate::evaluate(cfg, s.at, round());
            return settle(
                plan,
                result,
                Err(StoreError::Unreachable(vec![
                    "the wait and the run's deadline have passed".into(),
                ])),
                cfg.on_error,
                Some(waited),
            );
        }
        let at = s.at + chrono::Duration::from_std(waited).unwrap_or_default();
        let mut result = gate::evaluate(cfg, at, round());
        if result.outcome != Outcome::Go {
            leases.leave(&queued, round());
            let mut status = LeaseStatus::new(plan, LeaseState::NotAsked);
            status.waited_s = Some(waited.as_secs());
            result.reasons.push(format!(
                "while waiting {} for the lease {name}",
                crate::duration::format(waited)
            ));
            result.lease = Some(status);
            return result;
        }
        let taken = leases.take(&plan.request, &guards(&result), Some(&queued), at, round());
        match taken {
            Ok(Taken::Held { holders, ahead }) if waited < wait => {
                if said.is_none_or(|t| t.elapsed() >= SAY_EVERY) {
                    said = Some(Instant::now());
                    progress(&ProgressEvent::Waiting(&Waiting {
                        name: name.clone(),
                        holders,
                        ahead,
                        waited,
                        wait,
                    }));
                }
                std::thread::sleep(
                    POLL.min(wait.saturating_sub(waited))
                        .max(Duration::from_millis(50)),
                );
            }
            Ok(Taken::Held { holders, ahead }) => {
                leases.leave(&queued, round());
                let mut result = settle(
                    plan,
                    result,
                    Ok(Taken::Held { holders, ahead }),
                    cfg.on_error,
                    Some(waited),
                );
                if let Some(l) = result.lease.as_mut() {
                    l.state = LeaseState::WaitedOut;
                }
                if let Some(last) = result.reasons.last_mut() {
                    *last = format!(
                        "waited {} for the lease: {last}",
                        crate::duration::format(waited)
                    );
                }
                return result;
            }
            Ok(Taken::GuardChanged) if waited < wait => std::thread::sleep(POLL),
            Ok(Taken::GuardChanged) => {
                leases.leave(&queued, round());
                return settle(
                    plan,
                    result,
                    Err(StoreError::Refused(
                        "the locks kept changing while the lease was taken".into(),
                    )),
                    cfg.on_error,
                    Some(waited),
                );
            }
            Ok(Taken::Granted(lease)) => {
                return settle(
                    plan,
                    result,
                    Ok(Taken::Granted(lease)),
                    cfg.on_error,
                    Some(waited),
                );
            }
            Err(e) => {
                leases.leave(&queued, round());
                return settle(plan, result, Err(e), cfg.on_error, Some(waited));
            }
        }
    }
}
