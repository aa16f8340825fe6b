//! `verify`: the checks, then, only when they pass, the comparison (once
//! or watched); then, as configured, the lock a no-go writes and the lease
//! it frees.

use super::{Progress, ProgressEvent, now};
use crate::config::{Settings, VerifyConfig};
use crate::http::Deadline;
use crate::outcome::Outcome;
use crate::verify::{self, VerifyResult};

pub fn verify(cfg: &VerifyConfig, s: &Settings, progress: Progress<'_>) -> VerifyResult {
    let compare = |c: &crate::compare::Comparison| {
        let mut looks = |l: &crate::compare::result::LookResult| progress(&ProgressEvent::Look(l));
        crate::compare::watch::run(c, s.deadline, s.deadline_length, &mut looks)
    };
    let mut result = verify::run(&cfg.checks, cfg.compare.as_ref(), &cfg.options, compare);
    if let Some(lock) = cfg
        .auto_lock
        .as_ref()
        .filter(|_| result.outcome == Outcome::NoGo)
    {
        let why = result.reason.clone();
        result.locked_after = Some(lock.apply(&why, now(s), Deadline::after(s.deadline_length)));
    }
    // Whatever the verdict: a failed verification must not hold the lease.
    if let Some(plan) = &cfg.release {
        result.released = Some(crate::lease::release(
            plan,
            now(s),
            Deadline::after(s.deadline_length),
        ));
    }
    result
}
