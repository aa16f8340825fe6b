//! What a lock source says, as data the gate decides on and reports show.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::failure::{Failure, FailureKind, as_text};

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
        #[serde(serialize_with = "as_text")]
        cause: Failure,
        cause_kind: FailureKind,
    },
}

impl LockState {
    pub fn unavailable(cause: Failure) -> LockState {
        LockState::Unavailable {
            cause_kind: cause.kind(),
            cause,
        }
    }

    /// A lock past its expiry no longer locks (expiry is judged at the
    /// run's one clock, `--at` or now).
    pub fn expire(self, at: DateTime<Utc>) -> LockState {
        match self {
            LockState::Locked(info) if info.expires.is_some_and(|e| e <= at) => {
                LockState::Expired(info)
            }
            other => other,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct LockInfo {
    pub reason: String,
    pub by: Option<String>,
    pub since: Option<String>,
    pub expires: Option<DateTime<Utc>>,
    /// Set by greenlight after a bad deploy (`on_no_go`), not by a person:
    /// a rollback, the usual fix, may go through it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub auto: bool,
}

impl LockInfo {
    /// The same lock with every secret masked in what a source said.
    pub fn scrub(self, secrets: &crate::secret::Secrets) -> LockInfo {
        let s = |t: String| secrets.clean(&t);
        LockInfo {
            reason: s(self.reason),
            by: self.by.map(s),
            since: self.since.map(s),
            expires: self.expires,
            auto: self.auto,
        }
    }
}

/// One source's answer, with the source's name and kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LockReading {
    pub source: String,
    pub kind: &'static str,
    #[serde(flatten)]
    pub state: LockState,
    pub attempts: u32,
    pub elapsed_ms: u64,
    /// That what was read is still there (sources in the shared store).
    #[serde(skip)]
    pub guard: Option<crate::store::Compare>,
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
            LockState::Locked(info.clone()).expire(now),
            LockState::Expired(_)
        ));
        let later = LockInfo {
            expires: Some(now + chrono::Duration::hours(1)),
            ..info
        };
        assert!(matches!(
            LockState::Locked(later).expire(now),
            LockState::Locked(_)
        ));
    }

    #[test]
    fn an_unavailable_source_says_why_and_what_kind_of_problem() {
        let s = LockState::unavailable(Failure::BadAnswer("not JSON".into()));
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"state":"unavailable","cause":"not JSON","cause_kind":"bad_answer"}"#
        );
    }
}
