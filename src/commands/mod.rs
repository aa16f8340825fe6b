//! The commands: each evaluates its validated config and returns its
//! result as data, never printing. One file per command; [`execute`] is
//! the only dispatch.

mod checks;
mod compare;
mod gate;
mod lock;
mod verify;

use crate::config::{CommandConfig, Settings};
use crate::result::{Body, RunResult};

/// Runs the command `cfg` configures.
pub fn execute(cfg: &CommandConfig, s: &Settings) -> RunResult {
    let body = match cfg {
        CommandConfig::Gate(c) => Body::Gate(gate::gate(c, s)),
        CommandConfig::Status(c) => Body::Status(gate::gate(c, s)),
        CommandConfig::Lock(c) => Body::Lock(lock::write(c, s)),
        CommandConfig::Unlock(c) => Body::Unlock(lock::write(c, s)),
        CommandConfig::Checks(c) => Body::Checks(checks::checks(c, s)),
        CommandConfig::Compare(c) => Body::Compare(compare::compare(c, s)),
        CommandConfig::Verify(c) => Body::Verify(verify::verify(c, s)),
    };
    RunResult {
        info: s.info(),
        body,
    }
}
