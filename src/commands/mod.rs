//! The commands: each evaluates its validated config and returns its
//! result as data, never printing. One file per command; [`execute`] is
//! the only dispatch.

mod checks;
mod compare;
mod gate;
mod lock;
mod verify;

use crate::compare::result::LookResult;
use crate::config::{CommandConfig, Settings};
use crate::result::{Body, RunResult};

/// Where a long command reports what it has done so far (each look of a
/// watch), as data; the caller decides how to show it.
pub type Progress<'a> = &'a mut dyn FnMut(&LookResult);

/// Runs the command `cfg` configures.
pub fn execute(cfg: &CommandConfig, s: &Settings, progress: Progress<'_>) -> RunResult {
    let body = match cfg {
        CommandConfig::Gate(c) => Body::Gate(gate::gate(c, s)),
        CommandConfig::Status(c) => Body::Status(gate::gate(c, s)),
        CommandConfig::Lock(c) => Body::Lock(lock::write(c, s)),
        CommandConfig::Unlock(c) => Body::Unlock(lock::write(c, s)),
        CommandConfig::Checks(c) => Body::Checks(checks::checks(c, s)),
        CommandConfig::Compare(c) => Body::Compare(compare::compare(c, s, progress)),
        CommandConfig::Verify(c) => Body::Verify(verify::verify(c, s, progress)),
    };
    RunResult {
        info: s.info(),
        body,
    }
}
