//! The one error type of the checks module: everything that makes a check
//! definition unusable before anything is sent. All of them are bad input
//! (exit 2). Failed or unreachable checks are *results*, never errors.
//!
//! Errors found while deserializing YAML do not come through here: they are
//! serde errors (so serde-saphyr shows file, line, column and a caret), with
//! the same `check `NAME`: FIELD: what is wrong` wording (see `scope.rs`).
//!
//! ```text
//! check `home`: url: variable `TARGET_HOST` is not set
//! ```

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// A field of a check is unusable once variables are expanded.
    #[error("check `{check}`: {field}: {message}")]
    Invalid {
        check: String,
        field: String,
        message: String,
    },
    /// A command-line value for a check made without a config file.
    #[error("{flag}: {message}")]
    Flag { flag: String, message: String },
}

impl CheckError {
    pub(crate) fn invalid(check: &str, field: &str, message: impl Into<String>) -> Self {
        CheckError::Invalid {
            check: check.into(),
            field: field.into(),
            message: message.into(),
        }
    }

    /// The process exit code: every check error is bad input.
    pub fn code(&self) -> u8 {
        2
    }
}
