//! `verify`: the checks, then, only when they pass, the comparison (once
//! or watched); then, as configured, the lock a no-go writes and the lease
//! it frees.

use super::{Progress, lock_on_no_go, now, run_comparison};
use crate::config::{Settings, VerifyConfig};
use crate::http::Deadline;
use crate::verify::{self, VerifyResult};

pub fn verify(cfg: &VerifyConfig, s: &Settings, progress: Progress<'_>) -> VerifyResult {
    let compare = |c: &crate::compare::Comparison| run_comparison(c, s, progress);
    let mut result = verify::run(&cfg.checks, cfg.compare.as_ref(), &cfg.options, compare);
    result.locked_after = lock_on_no_go(cfg.auto_lock.as_ref(), result.outcome, &result.reason, s);
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
