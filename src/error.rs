//! The top-level error: bad input, so nothing was evaluated (exit 2).
//! Every module's input error converts into it at the edge; results that
//! could not be reached are not errors but results (exit 3 or the policy).

use crate::checks::CheckError;
use crate::input::ConfigError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Checks(#[from] CheckError),
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// Always 2: nothing was evaluated.
    pub fn code(&self) -> u8 {
        match self {
            Error::Config(_) | Error::Usage(_) => 2,
            Error::Checks(e) => e.code(),
        }
    }
}
