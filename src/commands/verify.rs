//! `verify`: the checks, then, only when they pass, the comparison.

use crate::config::{Settings, VerifyConfig};
use crate::verify::{self, VerifyResult};

pub fn verify(cfg: &VerifyConfig, s: &Settings) -> VerifyResult {
    verify::run(&cfg.checks, cfg.compare.as_ref(), &cfg.options, s.deadline)
}
