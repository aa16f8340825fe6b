//! What a run produced, as one value: what it ran with ([`RunInfo`]) and
//! the command's result ([`Body`]), for the reports to render and for
//! [`RunResult::exit_code`], the one place the exit code is decided.

use serde::Serialize;

use crate::checks::CheckRun;
use crate::compare::CompareResult;
use crate::gate::GateResult;
use crate::lock::LockRun;
use crate::verify::VerifyResult;

/// A run: what it ran with, and what the command found.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub info: RunInfo,
    pub body: Body,
}

/// What a run ran with, shown in every report's header.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RunInfo {
    /// The config file, as the user wrote its path.
    pub config_file: Option<String>,
    pub environment: Option<Environment>,
    /// What the user should see even when nothing fails.
    pub warnings: Vec<String>,
}

/// The deployment environment a run is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Environment {
    pub name: String,
    /// The flag or variable that named it (`bamboo_deploy_environment`).
    pub from: String,
    /// The `environments:` block that applies; `None` when none does and
    /// the top-level settings apply.
    pub block: Option<String>,
}

/// A command's result.
#[derive(Debug, Clone)]
pub enum Body {
    Gate(GateResult),
    /// The gate's result; `status` never fails the build.
    Status(GateResult),
    Lock(LockRun),
    Unlock(LockRun),
    Checks(CheckRun),
    Compare(Box<CompareResult>),
    Verify(Box<VerifyResult>),
    Release(crate::lease::ReleaseResult),
    Calendar(crate::calendar_view::CalendarResult),
    History(crate::history::HistoryResult),
}

impl RunResult {
    /// The command's name, as typed.
    pub fn command(&self) -> &'static str {
        match self.body {
            Body::Gate(_) => "gate",
            Body::Status(_) => "status",
            Body::Lock(_) => "lock",
            Body::Unlock(_) => "unlock",
            Body::Checks(_) => "checks",
            Body::Compare(_) => "compare",
            Body::Verify(_) => "verify",
            Body::Release(_) => "release",
            Body::Calendar(_) => "calendar",
            Body::History(_) => "history",
        }
    }

    /// What the run decided: the command's outcome (`status` says what
    /// the gate would, though it exits 0), or for commands without one the
    /// outcome its exit code stands for; `None` for bad input (exit 2).
    pub fn outcome(&self) -> Option<crate::outcome::Outcome> {
        use crate::outcome::Outcome;
        match (&self.body, self.exit_code()) {
            (_, 2) => None,
            (Body::Gate(r) | Body::Status(r), _) => Some(r.outcome),
            (Body::Checks(r), _) => Some(r.outcome),
            (Body::Compare(r), _) => Some(r.outcome),
            (Body::Verify(r), _) => Some(r.outcome),
            (_, 0) => Some(Outcome::Go),
            (_, 1) => Some(Outcome::NoGo),
            _ => Some(Outcome::Inconclusive),
        }
    }

    /// The comparison a run holds (`compare`, or `verify`'s when it ran).
    pub fn comparison(&self) -> Option<&CompareResult> {
        match &self.body {
            Body::Compare(c) => Some(c),
            Body::Verify(v) => v.compare.as_ref(),
            _ => None,
        }
    }

    /// The process exit code (see [`crate::outcome`]): 0 go, 1 no-go,
    /// 3 inconclusive; `status` is always 0; `lock`/`unlock` give the worst
    /// of their sources (1 for someone else's lock, 2 for a file that
    /// cannot be written, 3 for an API that did not do it); a comparison
    /// whose source refused a query as wrong is bad input (2).
    pub fn exit_code(&self) -> u8 {
        match &self.body {
            Body::Gate(r) => r.outcome.code(),
            Body::Status(_) => 0,
            Body::Lock(r) | Body::Unlock(r) => r.code(),
            Body::Checks(r) => r.outcome.code(),
            Body::Compare(r) if !r.bad_queries.is_empty() => 2,
            Body::Verify(r)
                if r.compare
                    .as_ref()
                    .is_some_and(|c| !c.bad_queries.is_empty()) =>
            {
                2
            }
            Body::Compare(r) => r.outcome.code(),
            Body::Verify(r) => r.outcome.code(),
            Body::Release(r) => r.code(),
            Body::Calendar(r) => r.code(),
            Body::History(r) => r.code(),
        }
    }
}
