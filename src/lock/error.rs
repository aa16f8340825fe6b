//! Errors of `lock` and `unlock` writing a source. Reading never fails: a
//! source that cannot be read is [`super::LockState::Unavailable`].

use super::LockInfo;
use crate::failure::FailureKind;
use crate::http::HttpError;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LockError {
    /// Someone else holds a live lock here: it is not replaced.
    #[error("{source_name}: {}; not replaced (--force replaces it)", held(.holder))]
    Held {
        source_name: String,
        holder: LockInfo,
    },
    /// What was there changed between reading it and writing.
    #[error("{source_name}: the lock changed while it was being written ({detail}); run again")]
    Changed { source_name: String, detail: String },
    #[error("{source_name}: cannot write {path}: {cause}")]
    Write {
        source_name: String,
        path: String,
        cause: String,
    },
    #[error("{source_name}: {error}")]
    Store {
        source_name: String,
        error: crate::store::StoreError,
    },
    #[error("{source_name}: lock API {}{error}", if matches!(.error, HttpError::Status { .. }) { "answered " } else { "could not be reached: " })]
    Api {
        source_name: String,
        error: HttpError,
    },
}

impl LockError {
    /// An API that did not do it is a dependency problem (3); a file that
    /// cannot be written is the user's to fix (2).
    /// Someone else's lock is a no-go (1).
    pub fn code(&self) -> u8 {
        match self {
            LockError::Held { .. } => 1,
            LockError::Api { .. } | LockError::Changed { .. } | LockError::Store { .. } => 3,
            LockError::Write { .. } => 2,
        }
    }

    /// The kind of failure, for machines; `None` when nothing failed (the
    /// lock is someone else's).
    pub fn kind(&self) -> Option<FailureKind> {
        match self {
            LockError::Api { error, .. } => Some(FailureKind::of(error)),
            LockError::Store { error, .. } => Some(error.failure().kind()),
            LockError::Write { .. } => Some(FailureKind::Unreadable),
            LockError::Changed { .. } => Some(FailureKind::BadAnswer),
            LockError::Held { .. } => None,
        }
    }
}

/// `locked by alice since 2026-03-04T10:00:00Z: incident INC-42`.
pub fn held(info: &LockInfo) -> String {
    let by = info
        .by
        .as_deref()
        .map(|b| format!(" by {b}"))
        .unwrap_or_default();
    let since = info
        .since
        .as_deref()
        .map(|s| format!(" since {s}"))
        .unwrap_or_default();
    format!("locked{by}{since}: {}", info.reason)
}
