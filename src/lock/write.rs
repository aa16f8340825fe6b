//! `lock` and `unlock` as data: what each writable source did.

use serde::Serialize;

use chrono::{DateTime, Utc};

use super::source::{Done, LockSource};
use super::{LockError, LockInfo, LockRecord};
use crate::failure::FailureKind;
use crate::http::Deadline;

/// What is written.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// Set this lock; `force` replaces another holder's.
    Lock { record: LockRecord, force: bool },
    /// Lift the lock; `by` is who does (recorded where a history is kept).
    Unlock { by: Option<String> },
}

/// One source's answer to a write.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    pub source: String,
    /// What was done, or why not.
    pub result: Result<Done, LockError>,
}

impl Serialize for Written {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Row<'a> {
            source: &'a str,
            ok: bool,
            message: String,
            /// The lock this replaced or lifted, or the one that is held.
            #[serde(skip_serializing_if = "Option::is_none")]
            holder: Option<&'a LockInfo>,
            #[serde(skip_serializing_if = "Option::is_none")]
            error_kind: Option<FailureKind>,
        }
        let (ok, message, holder, error_kind) = match &self.result {
            Ok(d) => (true, d.message.clone(), d.replaced.as_ref(), None),
            Err(e @ LockError::Held { holder, .. }) => (false, e.to_string(), Some(holder), None),
            Err(e) => (false, e.to_string(), None, e.kind()),
        };
        Row {
            source: &self.source,
            ok,
            message,
            holder,
            error_kind,
        }
        .serialize(s)
    }
}

/// The result of `lock` or `unlock`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LockRun {
    #[serde(skip)]
    pub write: Write,
    pub results: Vec<Written>,
}

impl LockRun {
    /// The worst of the sources: 0 when every write was done.
    pub fn code(&self) -> u8 {
        self.results
            .iter()
            .map(|w| w.result.as_ref().map_or_else(LockError::code, |_| 0))
            .max()
            .unwrap_or(0)
    }
}

/// Writes to every source, one after the other (each bounded by the
/// deadline), deciding at the run's clock `at`. Sources without the write
/// capability are skipped.
pub fn write_all(
    sources: &[Box<dyn LockSource>],
    write: Write,
    at: DateTime<Utc>,
    deadline: Deadline,
) -> LockRun {
    let results = sources
        .iter()
        .filter_map(|s| {
            let w = s.writer()?;
            let result = match &write {
                Write::Lock { record, force } => w.lock(record, *force, at, deadline),
                Write::Unlock { by } => w.unlock(by.as_deref(), at, deadline),
            };
            Some(Written {
                source: s.name().to_string(),
                result,
            })
        })
        .collect();
    LockRun { write, results }
}
