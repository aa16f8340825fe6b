//! How a run of checks behaves as a whole: concurrency, the deadline,
//! defaults for checks that do not say, the body cap, and which
//! certificate authorities to trust.
//!
//! The CLI fills these from flags and environment variables, e.g.
//! `--concurrency 16 --deadline 5m --ca-file certs/ca.pem`.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use ureq::tls::RootCerts;

use super::error::CheckError;

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

/// Which certificate authorities verify servers' certificates.
#[derive(Debug, Clone, Default)]
pub enum Trust {
    /// Mozilla's roots, built in (webpki-roots), so a `FROM scratch` image
    /// needs no CA bundle.
    #[default]
    WebPki,
    /// Only these, from a PEM file: like curl's `--cacert`, they replace
    /// the built-in roots. Converted once; cloning shares them.
    Roots(RootCerts),
}

impl Trust {
    /// Reads every certificate of a PEM file.
    pub fn from_pem_file(path: &Path) -> Result<Trust, CheckError> {
        let fail = |message: String| CheckError::CaFile {
            path: path.to_path_buf(),
            message,
        };
        // A CA bundle is far below 4 MiB; a minute is plenty to read it.
        let until = std::time::Instant::now() + Duration::from_secs(60);
        let pem = crate::input::read::read_bytes(path, 4 << 20, "CA file", until)
            .map_err(|e| fail(e.to_string()))?;
        Trust::from_pem(&pem).map_err(fail)
    }

    pub fn from_pem(pem: &[u8]) -> Result<Trust, String> {
        let mut ders = Vec::new();
        for item in ureq::tls::parse_pem(pem) {
            match item {
                Ok(ureq::tls::PemItem::Certificate(cert)) => ders.push(cert),
                Ok(_) => {}
                Err(e) => return Err(format!("not valid PEM: {e}")),
            }
        }
        if ders.is_empty() {
            return Err("no certificate in it (expected PEM `BEGIN CERTIFICATE` blocks)".into());
        }
        Ok(Trust::Roots(RootCerts::new_with_certs(&ders)))
    }
}
