//! Errors of `lock` and `unlock` writing a source. Reading never fails: a
//! source that cannot be read is [`super::LockState::Unavailable`].

use crate::failure::FailureKind;
use crate::http::HttpError;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LockError {
    #[error("{source_name}: cannot write {path}: {cause}")]
    Write {
        source_name: String,
        path: String,
        cause: String,
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
    pub fn code(&self) -> u8 {
        match self {
            LockError::Api { .. } => 3,
            LockError::Write { .. } => 2,
        }
    }

    pub fn kind(&self) -> FailureKind {
        match self {
            LockError::Api { error, .. } => FailureKind::of(error),
            LockError::Write { .. } => FailureKind::Unreadable,
        }
    }
}
