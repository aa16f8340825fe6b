//! Why a dependency (a lock API, a metrics backend, a file) gave no usable
//! answer, kept typed from where it happened to the report that shows it:
//! the text report prints it, JSON adds its [`FailureKind`], JUnit makes it
//! an `<error type="...">` (a dependency problem) rather than a
//! `<failure>` (a verdict), and a command can tell "could not reach" from
//! "rejected what we asked" (bad input).
//!
//! Messages never hold a URL or a header value ([`HttpError`]); text a
//! server sent back is scrubbed of the run's secrets before it gets here
//! ([`Failure::scrub`]).

use serde::Serialize;

use crate::http::HttpError;
use crate::secret::Secrets;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Failure {
    /// No answer: refused, timed out, TLS, the run's deadline, or an HTTP
    /// status that is not an answer, after this many attempts.
    #[error("{error} ({attempts} attempt{})", if *.attempts == 1 { "" } else { "s" })]
    Http { error: HttpError, attempts: u32 },
    /// An answer that cannot be read: not JSON, the wrong shape, a value
    /// that is not a number.
    #[error("{0}")]
    BadAnswer(String),
    /// The dependency refused what it was asked because what was asked is
    /// wrong (a query it cannot parse): bad input, exit 2. `kind` is its own
    /// word for it (`bad_data`).
    #[error("{kind}: {message}")]
    Rejected { kind: String, message: String },
    /// The dependency declined what it was asked, for reasons of its own
    /// (a query too heavy, its own timeout): not the input's fault.
    #[error("{kind}: {message}")]
    Declined { kind: String, message: String },
    /// A local file or variable could not be read.
    #[error("{0}")]
    Unreadable(String),
    /// Not asked: the run's deadline had passed.
    #[error("{0}")]
    NotRun(String),
    /// greenlight itself failed (a worker thread stopped).
    #[error("internal error: {0}")]
    Internal(String),
}

/// The kind of a [`Failure`], for machines (JSON `*_kind`, JUnit `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// Connection refused, host not found, reset.
    Refused,
    Timeout,
    /// The run's deadline passed before an answer.
    Deadline,
    /// The server's certificate or the TLS handshake failed.
    Tls,
    /// An HTTP status that is not an answer (5xx, 429, an unexpected 4xx).
    HttpStatus,
    BadAnswer,
    Rejected,
    Declined,
    Unreadable,
    Internal,
}

impl FailureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Refused => "refused",
            FailureKind::Timeout => "timeout",
            FailureKind::Deadline => "deadline",
            FailureKind::Tls => "tls",
            FailureKind::HttpStatus => "http_status",
            FailureKind::BadAnswer => "bad_answer",
            FailureKind::Rejected => "rejected",
            FailureKind::Declined => "declined",
            FailureKind::Unreadable => "unreadable",
            FailureKind::Internal => "internal",
        }
    }
}

impl FailureKind {
    /// The kind of an HTTP failure.
    pub fn of(e: &HttpError) -> FailureKind {
        match e {
            HttpError::Timeout(_) => FailureKind::Timeout,
            HttpError::Deadline => FailureKind::Deadline,
            HttpError::Connect(_) | HttpError::InvalidUrl(_) | HttpError::Other(_) => {
                FailureKind::Refused
            }
            HttpError::Tls(_) => FailureKind::Tls,
            HttpError::Status { .. } | HttpError::RetryAfter { .. } => FailureKind::HttpStatus,
            HttpError::TooLarge(_) | HttpError::NotText => FailureKind::BadAnswer,
        }
    }
}

impl Failure {
    pub fn kind(&self) -> FailureKind {
        match self {
            Failure::Http { error, .. } => FailureKind::of(error),
            Failure::BadAnswer(_) => FailureKind::BadAnswer,
            Failure::Rejected { .. } => FailureKind::Rejected,
            Failure::Declined { .. } => FailureKind::Declined,
            Failure::Unreadable(_) => FailureKind::Unreadable,
            Failure::NotRun(_) => FailureKind::Deadline,
            Failure::Internal(_) => FailureKind::Internal,
        }
    }

    /// The same failure with every secret replaced in the text it carries.
    pub fn scrub(self, secrets: &Secrets) -> Failure {
        let s = |t: String| secrets.clean(&t);
        match self {
            Failure::Http { error, attempts } => Failure::Http {
                error: error.scrub(secrets),
                attempts,
            },
            Failure::BadAnswer(t) => Failure::BadAnswer(s(t)),
            Failure::Rejected { kind, message } => Failure::Rejected {
                kind: s(kind),
                message: s(message),
            },
            Failure::Declined { kind, message } => Failure::Declined {
                kind: s(kind),
                message: s(message),
            },
            Failure::Unreadable(t) => Failure::Unreadable(s(t)),
            other @ (Failure::NotRun(_) | Failure::Internal(_)) => other,
        }
    }
}

/// Serializes an optional value as its `Display` text, or `null`.
pub fn as_text_opt<T: std::fmt::Display, S: serde::Serializer>(
    v: &Option<T>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.collect_str(v),
        None => s.serialize_none(),
    }
}

/// Serializes a value as its `Display` text (the JSON keeps its strings).
pub fn as_text<T: std::fmt::Display, S: serde::Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn messages_say_how_many_attempts() {
        let f = Failure::Http {
            error: HttpError::Timeout(Duration::from_secs(5)),
            attempts: 3,
        };
        assert_eq!(f.to_string(), "timed out after 5s (3 attempts)");
        assert_eq!(f.kind(), FailureKind::Timeout);
        let one = Failure::Http {
            error: HttpError::Deadline,
            attempts: 1,
        };
        assert_eq!(one.to_string(), "run deadline reached (1 attempt)");
    }

    #[test]
    fn scrub_reaches_every_text() {
        let mut t = Secrets::new();
        t.add("tok-123456");
        let f = Failure::Http {
            error: HttpError::Status {
                status: 500,
                body: "echo tok-123456".into(),
            },
            attempts: 1,
        };
        assert_eq!(f.scrub(&t).to_string(), "HTTP 500: echo *** (1 attempt)");
    }
}
