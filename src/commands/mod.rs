//! The commands: each evaluates its validated config and returns its
//! result as data, never printing. One file per command; [`execute`] is
//! the only dispatch.

mod checks;
mod compare;
mod gate;
mod lock;
mod verify;

use crate::config::{CommandConfig, Settings};
use crate::result::RunResult;

/// Runs the command `cfg` configures.
pub fn execute(cfg: &CommandConfig, s: &Settings) -> RunResult {
    match cfg {
        CommandConfig::Gate(c) => RunResult::Gate(gate::gate(c, s)),
        CommandConfig::Status(c) => RunResult::Status(gate::gate(c, s)),
        CommandConfig::Lock(c) => RunResult::Lock(lock::write(c, s)),
        CommandConfig::Unlock(c) => RunResult::Unlock(lock::write(c, s)),
        CommandConfig::Checks(c) => RunResult::Checks(checks::checks(c, s)),
        CommandConfig::Compare(c) => RunResult::Compare(compare::compare(c, s)),
        CommandConfig::Verify(c) => RunResult::Verify(verify::verify(c, s)),
    }
}
