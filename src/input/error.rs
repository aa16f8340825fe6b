//! Bad input: nothing was evaluated, the exit code is 2.

use super::Located;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    /// The file is not something a config can be read from (a FIFO, a
    /// device, too large).
    #[error("cannot read config file {path}: {message}")]
    Unreadable { path: String, message: String },
    #[error("{0}")]
    At(Box<Located>),
    /// A bad value from a flag or variable; `origin` names it.
    #[error("invalid {origin}: {message}")]
    Value { origin: String, message: String },
    #[error("{0}")]
    Usage(String),
}
