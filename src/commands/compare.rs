//! `compare`: the canary's metrics against the baseline, once or watched.

use super::{Progress, ProgressEvent};
use crate::compare::{CompareResult, watch};
use crate::config::{CompareCommand, Settings};
use crate::outcome::Outcome;

pub fn compare(c: &CompareCommand, s: &Settings, progress: Progress<'_>) -> CompareResult {
    let mut looks = |l: &crate::compare::result::LookResult| progress(&ProgressEvent::Look(l));
    let mut result = watch::run(&c.comparison, s.deadline, s.deadline_length, &mut looks);
    log::debug!("compared in {}ms", result.duration_ms);
    if let Some(lock) = c
        .auto_lock
        .as_ref()
        .filter(|_| result.outcome == Outcome::NoGo)
    {
        let why = result.verdict.summary.clone();
        result.locked_after = Some(lock.apply(
            &why,
            super::now(s),
            crate::http::Deadline::after(s.deadline_length),
        ));
    }
    result
}
