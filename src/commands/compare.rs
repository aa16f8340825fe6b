//! `compare`: the canary's metrics against the baseline, once or watched.

use super::{Progress, ProgressEvent};
use crate::compare::{CompareResult, Comparison, watch};
use crate::config::Settings;

pub fn compare(c: &Comparison, s: &Settings, progress: Progress<'_>) -> CompareResult {
    let mut looks = |l: &crate::compare::result::LookResult| progress(&ProgressEvent::Look(l));
    let result = watch::run(c, s.deadline, s.deadline_length, &mut looks);
    log::debug!("compared in {}ms", result.duration_ms);
    result
}
