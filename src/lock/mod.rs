//! Lock sources: anything that can say "do not deploy now". Every configured
//! source is consulted and reported by name; one that cannot be read is
//! `Unavailable` and the `on_error` policy decides what that means.
//!
//! Each kind is one file behind [`LockKind`] (its `type:`, its keys, how it
//! is built) and [`LockSource`] (read, and optionally write or lease; see
//! [`source`]), listed once in [`KINDS`]:
//!
//! | kind | reads | writes (`lock`/`unlock`) |
//! |---|---|---|
//! | `env` | a pipeline variable | no |
//! | `file` | a JSON lock file | yes |
//! | `http` | a lock API | yes (PUT/DELETE) |
//! | `etcd` | a key in the shared store (`store:`) | yes (compare-and-set), and deploy leases |
//! | `statuspage` | a status page's indicator, components, unresolved incidents | no |
//! | `pagerduty` | triggered or acknowledged PagerDuty incidents | no |
//! | `opsgenie` | open Opsgenie alerts matching a query | no |
//! | `json` | a predicate over any JSON API's answer | no |
//!
//! Adding a kind: a file here implementing [`LockKind`] and [`LockSource`],
//! and its line in the `registry!` of [`KINDS`] (see `src/registry.rs`).

mod api;
mod check;
mod error;
mod record;
pub mod source;
mod state;
mod write;

pub use check::check_all;
pub use env::EnvSource;
pub use error::LockError;
pub use file::FileSource;
pub use http::{HttpSource, HttpSpec, Pointers, token_from};
pub use record::LockRecord;
pub use source::{Done, LockKind, LockSource, LockWriter, Reading, Setup};
pub use state::{LockInfo, LockReading, LockState};
pub use write::{LockRun, Write, Written, write_all};

use serde::{Deserialize, Serialize};

registry! {
    /// Every kind of lock source, by `type:`.
    pub static KINDS: [dyn LockKind] = {
        env::Env,
        file::File,
        http::Http,
        etcd::EtcdLock,
        statuspage::Statuspage,
        pagerduty::PagerDuty,
        opsgenie::Opsgenie,
        json::Json,
        #[cfg(feature = "test-kinds")] always::Always,
    }
}

/// The keys any kind takes (the config file refuses others while parsing).
pub fn all_keys() -> Vec<&'static str> {
    crate::input::union(KINDS.iter().map(|k| k.keys()))
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

/// Whether the kind named `kind` locks because of an incident (see
/// [`LockKind::incident`]).
pub fn is_incident(kind: &str) -> bool {
    by_name(kind).is_some_and(|k| k.incident())
}

/// Default names: `env:DEPLOY_LOCK`, `file:.greenlight/lock.json`, `http:host`.
pub fn default_name(kind: &str, detail: &str) -> String {
    format!("{kind}:{detail}")
}

#[cfg(test)]
mod tests {
    use super::*;

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
