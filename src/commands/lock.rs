//! `lock` and `unlock`: write every chosen source, within the deadline.

use crate::config::{LockConfig, Settings};
use crate::lock::{self, LockRun};

pub fn write(cfg: &LockConfig, s: &Settings) -> LockRun {
    lock::write_all(&cfg.sources, cfg.write.clone(), s.at, s.deadline)
}
