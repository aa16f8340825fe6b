//! `type: always` (tests only, feature `test-kinds`): a source that is
//! always locked, with the reason given. It exists to prove that a lock
//! source is one file and one line in [`super::KINDS`].
//!
//! ```yaml
//! - { type: always, reason: "maintenance window of the database" }
//! ```

use super::source::{LockKind, LockSource, Reading, Setup};
use super::{LockInfo, LockState};
use crate::http::Deadline;
use crate::input::ConfigError;

pub struct Always;

impl LockKind for Always {
    fn name(&self) -> &'static str {
        "always"
    }
    fn keys(&self) -> &'static [&'static str] {
        &["reason"]
    }
    fn configure(&self, s: &mut Setup<'_>) -> Result<Box<dyn LockSource>, ConfigError> {
        let reason = s.keys.require("reason", "an `always` source needs `reason`")?.value;
        Ok(Box::new(AlwaysLocked {
            name: s.name_or("always", &reason),
            reason,
        }))
    }
}

struct AlwaysLocked {
    name: String,
    reason: String,
}

impl LockSource for AlwaysLocked {
    fn name(&self) -> &str {
        &self.name
    }
    fn kind(&self) -> &'static str {
        "always"
    }
    fn read(&self, _: Deadline) -> Reading {
        Reading::once(LockState::Locked(LockInfo {
            reason: self.reason.clone(),
            ..LockInfo::default()
        }))
    }
}
