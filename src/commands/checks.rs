//! `checks`: the semantic HTTP checks, run concurrently within the deadline.

use crate::checks::{self, CheckRun};
use crate::config::{ChecksConfig, Settings};

pub fn checks(cfg: &ChecksConfig, _: &Settings) -> CheckRun {
    checks::run(&cfg.checks, &cfg.options)
}
