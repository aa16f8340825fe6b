//! Bad input: nothing was evaluated, the exit code is 2.

use super::Located;
use super::read::ReadError;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {cause}")]
    Read { path: String, cause: ReadError },
    #[error("{0}")]
    At(Box<Located>),
    /// A bad value from a flag or variable; `origin` names it.
    #[error("invalid {origin}: {message}")]
    Value { origin: String, message: String },
    #[error("{0}")]
    Usage(String),
}
