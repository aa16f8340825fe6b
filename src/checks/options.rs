//! How a run of checks behaves as a whole: concurrency, the deadline,
//! defaults for checks that do not say, the body cap, and which
//! certificate authorities to trust.
//!
//! The CLI fills these from flags and environment variables, e.g.
//! `--concurrency 16 --deadline 5m --ca-file certs/ca.pem`.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

pub const DEFAULT_CONCURRENCY: usize = 32;
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
pub const DEFAULT_MAX_BODY: usize = 1024 * 1024;

#[derive(Debug, Clone)]
pub struct RunOptions {
    /// How many checks run at once (at least 1).
    pub concurrency: usize,
    /// No attempt runs past this instant; checks not finished by then are
    /// timed out (inconclusive). `None`: only each check's own limits.
    pub deadline: Option<Instant>,
    /// Per attempt, for checks without `timeout`.
    pub timeout: Duration,
    /// For checks without `connect_timeout`.
    pub connect_timeout: Duration,
    /// How much of a body is read; asserts on a longer body say so.
    pub max_body_bytes: usize,
    pub trust: Trust,
    pub user_agent: String,
    /// The run's one clock: certificates' days left count from here.
    pub at: DateTime<Utc>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            concurrency: DEFAULT_CONCURRENCY,
            deadline: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            max_body_bytes: DEFAULT_MAX_BODY,
            trust: Trust::default(),
            user_agent: concat!("greenlight/", env!("CARGO_PKG_VERSION")).to_string(),
            at: Utc::now(),
        }
    }
}

pub use crate::http::Trust;
