//! Lock sources: anything that can say "do not deploy now". Every configured
//! source is consulted and reported by name; one that cannot be read is
//! `Unavailable` and the `on_error` policy decides what that means.
//!
//! Sources live one per file behind [`Source`]: `env` (a pipeline
//! variable), `file` (a JSON lock file), `http` (a lock API). Adding one is a
//! new file and a line in [`SourceSpec::build`].

mod env;
mod file;
mod http;
mod record;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use record::LockRecord;

use crate::context::Context;
use crate::http::{Deadline, Policy};
use crate::secret::Secret;

/// What a source says.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum LockState {
    Unlocked,
    Locked(LockInfo),
    /// A lock whose expiry has passed: ignored, but reported.
    Expired(LockInfo),
    /// The source could not be read; `on_error` decides.
    Unavailable {
        cause: String,
    },
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct LockInfo {
    pub reason: String,
    pub by: Option<String>,
    pub since: Option<String>,
    pub expires: Option<DateTime<Utc>>,
}

/// One source's answer, with the source's name and kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceReport {
    pub source: String,
    pub kind: &'static str,
    #[serde(flatten)]
    pub state: LockState,
    pub attempts: u32,
    pub elapsed_ms: u64,
}

/// What to decide when a source cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OnError {
    /// Treat it as "we cannot know": inconclusive, exit 3.
    #[default]
    Closed,
    /// Let the gate pass with a warning.
    Open,
}

impl std::str::FromStr for OnError {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "closed" => Ok(OnError::Closed),
            "open" => Ok(OnError::Open),
            _ => Err(format!(
                "invalid on_error `{s}` (expected `closed` or `open`)"
            )),
        }
    }
}

/// A configured source, validated.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceSpec {
    Env {
        name: String,
        variable: String,
    },
    File {
        name: String,
        path: std::path::PathBuf,
    },
    Http(http::HttpSpec),
}

pub use http::{HttpSpec, Pointers};

/// Errors of `lock`/`unlock` commands (reading is never an error: it is
/// an `Unavailable` state).
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("{source_name}: cannot write {path}: {cause}")]
    Write {
        source_name: String,
        path: String,
        cause: String,
    },
    #[error("{source_name}: lock API answered {cause}")]
    Api { source_name: String, cause: String },
    #[error("{source_name}: lock API could not be reached: {cause}")]
    Unreachable { source_name: String, cause: String },
    #[error(
        "no lock source can be written: configure a `file` or `http` lock source (--lock-file, --lock-url or locks.sources in the config)"
    )]
    NothingWritable,
    #[error("no lock source named `{0}` (known: {1})")]
    UnknownSource(String, String),
}

impl LockError {
    /// An unreachable API is a dependency problem (3); the rest is input (2).
    pub fn code(&self) -> u8 {
        match self {
            LockError::Unreachable { .. } | LockError::Api { .. } => 3,
            _ => 2,
        }
    }
}

/// What every source can do.
pub trait Source {
    fn name(&self) -> &str;
    fn kind(&self) -> &'static str;
    /// Reads the state. Never fails: problems are `Unavailable`.
    fn check(&self, ctx: &Context, deadline: Deadline) -> (LockState, u32);
    /// Sets a lock. `None` means the source cannot be written (e.g. env).
    fn lock(&self, record: &LockRecord, deadline: Deadline) -> Option<Result<String, LockError>>;
    /// Removes a lock. `None` means the source cannot be written.
    fn unlock(&self, deadline: Deadline) -> Option<Result<String, LockError>>;
}

impl SourceSpec {
    pub fn name(&self) -> &str {
        match self {
            SourceSpec::Env { name, .. } | SourceSpec::File { name, .. } => name,
            SourceSpec::Http(h) => &h.name,
        }
    }

    /// Builds the runnable source; the token is read from the context here.
    pub fn build(&self, ctx: &Context, policy: Policy) -> Box<dyn Source> {
        match self {
            SourceSpec::Env { name, variable } => Box::new(env::EnvSource {
                name: name.clone(),
                variable: variable.clone(),
            }),
            SourceSpec::File { name, path } => Box::new(file::FileSource {
                name: name.clone(),
                path: ctx.cwd.join(path),
                shown: path.display().to_string(),
            }),
            SourceSpec::Http(spec) => {
                let token = spec
                    .token_env
                    .as_deref()
                    .and_then(|v| ctx.var(v))
                    .map(Secret::new);
                Box::new(http::HttpSource {
                    spec: spec.clone(),
                    token,
                    policy,
                })
            }
        }
    }
}

/// Consults every source, in parallel, each bounded by the deadline.
pub fn check_all(
    specs: &[SourceSpec],
    ctx: &Context,
    policy: Policy,
    deadline: Deadline,
) -> Vec<SourceReport> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = specs
            .iter()
            .map(|spec| {
                scope.spawn(move || {
                    let started = std::time::Instant::now();
                    let source = spec.build(ctx, policy);
                    let (state, attempts) = source.check(ctx, deadline);
                    let state = expire(state, ctx.now);
                    SourceReport {
                        source: source.name().to_string(),
                        kind: source.kind(),
                        state,
                        attempts,
                        elapsed_ms: started.elapsed().as_millis() as u64,
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .zip(specs)
            .map(|(h, spec)| {
                h.join().unwrap_or_else(|_| SourceReport {
                    source: spec.name().to_string(),
                    kind: "unknown",
                    state: LockState::Unavailable {
                        cause: "internal error".into(),
                    },
                    attempts: 0,
                    elapsed_ms: 0,
                })
            })
            .collect()
    })
}

/// A lock past its expiry no longer locks.
fn expire(state: LockState, now: DateTime<Utc>) -> LockState {
    match state {
        LockState::Locked(info) if info.expires.is_some_and(|e| e <= now) => {
            LockState::Expired(info)
        }
        other => other,
    }
}

/// Default names: `env:DEPLOY_LOCK`, `file:.greenlight/lock.json`, `http:host`.
pub fn default_name(kind: &str, detail: &str) -> String {
    format!("{kind}:{detail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expired_lock_is_reported_as_expired() {
        let now = Utc::now();
        let info = LockInfo {
            reason: "r".into(),
            expires: Some(now),
            ..Default::default()
        };
        assert!(matches!(
            expire(LockState::Locked(info.clone()), now),
            LockState::Expired(_)
        ));
        let later = LockInfo {
            expires: Some(now + chrono::Duration::hours(1)),
            ..info
        };
        assert!(matches!(
            expire(LockState::Locked(later), now),
            LockState::Locked(_)
        ));
    }

    #[test]
    fn on_error_parses() {
        assert_eq!("Closed".parse::<OnError>(), Ok(OnError::Closed));
        assert_eq!("open".parse::<OnError>(), Ok(OnError::Open));
        assert!(
            "maybe"
                .parse::<OnError>()
                .unwrap_err()
                .contains("expected `closed` or `open`")
        );
    }
}
