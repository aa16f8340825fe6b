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

/// What a long command has done so far, as data; the caller decides how
/// to show it.
pub enum ProgressEvent<'a> {
    /// A look of a watch (`--watch`).
    Look(&'a LookResult),
    /// A gate waiting in line for its lease (`--wait`).
    Waiting(&'a crate::lease::Waiting),
}

/// Where a long command reports its progress.
pub type Progress<'a> = &'a mut dyn FnMut(&ProgressEvent<'_>);

/// The run's clock moved on by the time spent so far (for what a long
/// command writes at its end).
fn now(s: &Settings) -> chrono::DateTime<chrono::Utc> {
    let spent = s.deadline_length.saturating_sub(s.deadline.remaining());
    s.at + chrono::Duration::from_std(spent).unwrap_or_default()
}

/// A comparison, once or watched, each look reported as progress.
fn run_comparison(
    c: &crate::compare::Comparison,
    s: &Settings,
    progress: Progress<'_>,
) -> crate::compare::CompareResult {
    let mut looks = |l: &LookResult| progress(&ProgressEvent::Look(l));
    crate::compare::watch::run(c, s.deadline, s.deadline_length, &mut looks)
}

/// The lock a no-go writes (`on_no_go`), naming `why`; nothing otherwise.
fn lock_on_no_go(
    lock: Option<&crate::autolock::AutoLock>,
    outcome: crate::outcome::Outcome,
    why: &str,
    s: &Settings,
) -> Option<crate::lock::LockRun> {
    let lock = lock.filter(|_| outcome == crate::outcome::Outcome::NoGo)?;
    Some(lock.apply(why, now(s), crate::http::Deadline::after(s.deadline_length)))
}

/// Runs the command `cfg` configures.
pub fn execute(cfg: &CommandConfig, s: &Settings, progress: Progress<'_>) -> RunResult {
    let body = match cfg {
        CommandConfig::Gate(c) => Body::Gate(gate::gate(c, s, progress)),
        CommandConfig::Status(c) => Body::Status(gate::status(c, s)),
        CommandConfig::Lock(c) => Body::Lock(lock::write(c, s)),
        CommandConfig::Unlock(c) => Body::Unlock(lock::write(c, s)),
        CommandConfig::Checks(c) => Body::Checks(checks::checks(c, s)),
        CommandConfig::Compare(c) => Body::Compare(Box::new(compare::compare(c, s, progress))),
        CommandConfig::Verify(c) => Body::Verify(Box::new(verify::verify(c, s, progress))),
        CommandConfig::Release(c) => Body::Release(crate::lease::release(c, s.at, s.deadline)),
        CommandConfig::History(c) => Body::History(crate::history::read(c, s.at, s.deadline)),
        CommandConfig::Calendar(c) => {
            Body::Calendar(crate::calendar_view::periods(c, s.at, s.deadline))
        }
    };
    RunResult {
        info: s.info(),
        body,
    }
}
