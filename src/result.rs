//! What a run produced, as one value: the command's result, for the
//! reports to render and for [`RunResult::exit_code`], the one place the
//! exit code is decided.

use crate::checks::CheckRun;
use crate::compare::CompareResult;
use crate::gate::GateResult;
use crate::lock::LockRun;
use crate::verify::VerifyResult;

/// A command's result.
#[derive(Debug, Clone)]
pub enum RunResult {
    Gate(GateResult),
    /// The gate's result; `status` never fails the build.
    Status(GateResult),
    Lock(LockRun),
    Unlock(LockRun),
    Checks(CheckRun),
    Compare(CompareResult),
    Verify(VerifyResult),
}

impl RunResult {
    /// The command's name, as typed.
    pub fn command(&self) -> &'static str {
        match self {
            RunResult::Gate(_) => "gate",
            RunResult::Status(_) => "status",
            RunResult::Lock(_) => "lock",
            RunResult::Unlock(_) => "unlock",
            RunResult::Checks(_) => "checks",
            RunResult::Compare(_) => "compare",
            RunResult::Verify(_) => "verify",
        }
    }

    /// The process exit code (see [`crate::outcome`]): 0 go, 1 no-go,
    /// 3 inconclusive; `status` is always 0; `lock`/`unlock` give the worst
    /// of their sources (2 for a file that cannot be written, 3 for an API
    /// that did not do it).
    pub fn exit_code(&self) -> u8 {
        match self {
            RunResult::Gate(r) => r.outcome.code(),
            RunResult::Status(_) => 0,
            RunResult::Lock(r) | RunResult::Unlock(r) => r.code(),
            RunResult::Checks(r) => r.outcome.code(),
            RunResult::Compare(r) => r.outcome.code(),
            RunResult::Verify(r) => r.outcome.code(),
        }
    }
}
