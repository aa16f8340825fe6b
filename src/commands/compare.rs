//! `compare`: the canary's metrics against the baseline, once or watched.

use super::{Progress, lock_on_no_go, run_comparison};
use crate::compare::CompareResult;
use crate::config::{CompareCommand, Settings};

pub fn compare(c: &CompareCommand, s: &Settings, progress: Progress<'_>) -> CompareResult {
    let mut result = run_comparison(&c.comparison, s, progress);
    log::debug!("compared in {}ms", result.duration_ms);
    result.locked_after = lock_on_no_go(
        c.auto_lock.as_ref(),
        result.outcome,
        &result.verdict.summary,
        s,
    );
    result
}
