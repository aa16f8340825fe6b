//! The top-level error: every module's error converts into it at the edge,
//! and [`Error::code`] gives the exit code. An error means nothing was
//! decided: bad input is 2; a `lock`/`unlock` that could not reach its API
//! is 3.

use crate::checks::CheckError;
use crate::config::ConfigError;
use crate::lock::LockError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Checks(#[from] CheckError),
    #[error("{0}")]
    Usage(String),
}

impl Error {
    pub fn code(&self) -> u8 {
        match self {
            Error::Config(_) | Error::Usage(_) => 2,
            Error::Checks(e) => e.code(),
            Error::Lock(e) => e.code(),
        }
    }
}
