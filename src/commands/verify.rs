//! `verify`: the checks, then, only when they pass, the comparison (once
//! or watched).

use super::Progress;
use crate::config::{Settings, VerifyConfig};
use crate::verify::{self, VerifyResult};

pub fn verify(cfg: &VerifyConfig, s: &Settings, progress: Progress<'_>) -> VerifyResult {
    let compare = |c: &crate::compare::Comparison| {
        crate::compare::watch::run(c, s.deadline, s.deadline_length, progress)
    };
    verify::run(&cfg.checks, cfg.compare.as_ref(), &cfg.options, compare)
}
