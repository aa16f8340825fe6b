//! Telling people where they look, after the verdict is decided: a Code
//! Insights report on the Bitbucket commit ([`code_insights`]), the
//! commit's build status ([`build_status`]) and chat or webhook
//! notifications ([`notify`]). Each is asked for in the configuration
//! ([`crate::config::publish`]) and runs under the run's deadline; one that
//! fails is a warning on stderr and never changes the verdict or the exit
//! code. Nothing here prints or sends a secret: bodies are built from the
//! result (already free of secrets: every source masks its own) and
//! cleaned again of the publishing credentials and webhook URLs, which
//! are secrets themselves.

pub mod build_status;
pub mod code_insights;
pub mod notify;

use std::time::Duration;

use crate::http::{Deadline, Policy};
use crate::result::RunResult;
use crate::secret::Secrets;

/// Where a run happens, as the CI says (`BITBUCKET_*`, `bamboo_*`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pipeline {
    /// `workspace/repo_slug`.
    pub repo: Option<String>,
    pub commit: Option<String>,
    pub branch: Option<String>,
    /// The pipeline's (or its step's) page, for people.
    pub link: Option<String>,
}

/// What to publish, validated.
#[derive(Debug, Default)]
pub struct Publish {
    pub pipeline: Pipeline,
    pub code_insights: Option<code_insights::Plan>,
    pub build_status: Option<build_status::Plan>,
    pub notify: Vec<notify::Target>,
    /// The HTML report's path, when one is written (named in Code Insights).
    pub html_report: Option<String>,
    /// The run's environment name, for messages.
    pub environment: Option<String>,
    pub secrets: Secrets,
    /// The run's clock.
    pub at: chrono::DateTime<chrono::Utc>,
}

impl Publish {
    pub fn is_empty(&self) -> bool {
        self.code_insights.is_none() && self.build_status.is_none() && self.notify.is_empty()
    }
}

/// The longest the build status may hold up the command.
pub const START_BUDGET: Duration = Duration::from_secs(5);
/// The longest publishing may take after the verdict.
pub const FINISH_BUDGET: Duration = Duration::from_secs(20);

/// Each call's timeout and retries: short, so that a slow chat service
/// cannot hold a deploy (the run's deadline bounds them all).
pub fn policy() -> Policy {
    Policy {
        timeout: Duration::from_secs(5),
        retries: 1,
        backoff: Duration::from_millis(200),
    }
}

/// Before the command runs: the build status `INPROGRESS`, within a few
/// seconds of the run's budget. Returns the warnings.
pub fn start(p: &Publish, command: &str, deadline: Deadline) -> Vec<String> {
    let mut warnings = Vec::new();
    let deadline = Deadline(deadline.0.min(std::time::Instant::now() + START_BUDGET));
    if let Some(b) = p
        .build_status
        .as_ref()
        .filter(|_| build_status::COMMANDS.contains(&command))
    {
        warnings.extend(build_status::start(b, p, command, deadline).err());
    }
    clean(warnings, &p.secrets)
}

/// After the verdict: the Code Insights report, the final build status,
/// the notifications, within [`FINISH_BUDGET`] of their own (a watch or a
/// gate waiting for a lease legitimately runs past `--deadline`, and what
/// it found must still be told). Returns the warnings.
pub fn finish(p: &Publish, run: &RunResult) -> Vec<String> {
    let deadline = Deadline::after(FINISH_BUDGET);
    // Said the same way everywhere, rendered once.
    let line = crate::report::verdict_line(run);
    let mut warnings = Vec::new();
    if let Some(ci) = &p.code_insights {
        warnings.extend(code_insights::publish(ci, p, run, &line, deadline).err());
    }
    if let Some(b) = p
        .build_status
        .as_ref()
        .filter(|_| build_status::COMMANDS.contains(&run.command()))
    {
        warnings.extend(build_status::finish(b, p, run, &line, deadline).err());
    }
    warnings.extend(notify::send_all(p, run, &line, deadline));
    clean(warnings, &p.secrets)
}

fn clean(warnings: Vec<String>, secrets: &Secrets) -> Vec<String> {
    warnings.into_iter().map(|w| secrets.clean(&w)).collect()
}

/// `Production EU` → `production-eu`, for report ids and status keys.
pub fn slug(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// The first `max` characters of `s`, with `…` when cut.
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}
