//! `compare`: the canary's metrics against the baseline.

use crate::compare::{self, CompareConfig, CompareResult};
use crate::config::Settings;

pub fn compare(cfg: &CompareConfig, s: &Settings) -> CompareResult {
    let result = compare::run(cfg, s.deadline);
    log::debug!("compared in {}ms", result.duration_ms);
    result
}
