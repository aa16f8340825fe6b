//! A lock file: a [`LockRecord`] as JSON. No file: not locked. A file that
//! cannot be read or parsed is `Unavailable` (never silently unlocked).
//!
//! Concurrent pipelines on one workspace are safe:
//! - a write goes to a temporary file with a name of its own (process id
//!   and a counter) in the same folder, is flushed to disk, and is renamed
//!   over the lock file: a reader sees the old lock or the new one, never
//!   half of one;
//! - `lock` and `unlock` decide under an exclusive `flock` of the folder,
//!   taken within the run's deadline: two holders racing for a free lock
//!   cannot both win, and a lock is never lost to a write that read the
//!   file before it.
//!
//! ```yaml
//! - { type: file, path: .greenlight/lock.json }
//! ```

use std::fs::{self, TryLockError};
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::source::{Done, LockKind, LockSource, LockWriter, Reading, Setup};
use super::{LockError, LockInfo, LockRecord, LockState};
use crate::context::Context;
use crate::failure::Failure;
use crate::http::Deadline;
use crate::input::ConfigError;
use crate::input::read::{ReadError, read_text};

/// The largest lock file read: a lock is a few lines of JSON.
pub const MAX_LOCK_BYTES: u64 = 1 << 20;

/// `type: file`.
pub struct File;

impl LockKind for File {
    fn name(&self) -> &'static str {
        "file"
    }
    fn writable(&self) -> bool {
        true
    }
    fn keys(&self) -> &'static [&'static str] {
        &["path"]
    }
    fn configure(&self, s: &mut Setup<'_>) -> Result<Box<dyn LockSource>, ConfigError> {
        let path = s.keys.require("path", "a `file` source needs `path` (e.g. .greenlight/lock.json)")?.value;
        Ok(Box::new(FileSource::new(
            s.name_or("file", &path),
            &path,
            s.ctx,
        )))
    }
}

pub struct FileSource {
    name: String,
    /// Where the file is read and written.
    path: PathBuf,
    /// The path as configured, for messages.
    shown: String,
}

impl FileSource {
    /// `path` is relative to the working directory.
    pub fn new(name: String, path: &str, ctx: &Context) -> Self {
        FileSource {
            name,
            path: ctx.cwd.join(path),
            shown: path.to_string(),
        }
    }

    /// The lock file's folder (created when missing).
    fn folder(&self) -> Result<PathBuf, LockError> {
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir).map_err(|e| self.write_error(e.to_string()))?;
        Ok(dir)
    }

    /// Runs `f` holding the folder's exclusive lock, waiting for it at most
    /// until the deadline.
    fn exclusively<T>(
        &self,
        deadline: Deadline,
        f: impl FnOnce() -> Result<T, LockError>,
    ) -> Result<T, LockError> {
        let dir = self.folder()?;
        let handle = fs::File::open(&dir).map_err(|e| self.write_error(e.to_string()))?;
        loop {
            match handle.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if !deadline.passed() => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(self.write_error(
                        "another greenlight held the folder's lock until the run's deadline"
                            .into(),
                    ));
                }
                Err(TryLockError::Error(e)) => {
                    return Err(self.write_error(format!("cannot lock the folder: {e}")));
                }
            }
        }
        // Dropping `handle` releases the lock.
        f()
    }

    /// The lock there now: `Ok(None)` when there is none.
    fn current(&self, deadline: Deadline) -> Result<Option<LockInfo>, String> {
        match self.read(deadline).state {
            LockState::Locked(info) => Ok(Some(info)),
            LockState::Unavailable { cause, .. } => Err(cause.to_string()),
            LockState::Unlocked | LockState::Expired(_) => Ok(None),
        }
    }

    /// Replaces the file atomically with `record`.
    fn write(&self, record: &LockRecord) -> Result<(), LockError> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let fail = |e: std::io::Error| self.write_error(e.to_string());
        let json = serde_json::to_string_pretty(record)
            .map_err(|e| self.write_error(e.to_string()))?;
        let name = self
            .path
            .file_name()
            .map_or_else(|| "lock".into(), |n| n.to_string_lossy().into_owned());
        let tmp = self.path.with_file_name(format!(
            ".{name}.{}.{}.tmp",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let written = (|| {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(json.as_bytes())?;
            f.write_all(b"\n")?;
            f.sync_all()?;
            std::fs::rename(&tmp, &self.path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written.map_err(fail)
    }

    fn write_error(&self, cause: String) -> LockError {
        LockError::Write {
            source_name: self.name.clone(),
            path: self.shown.to_string(),
            cause,
        }
    }
}

impl LockSource for FileSource {
    fn name(&self) -> &str {
        &self.name
    }
    fn kind(&self) -> &'static str {
        "file"
    }
    fn read(&self, deadline: Deadline) -> Reading {
        let state = match read_text(&self.path, MAX_LOCK_BYTES, "lock file", deadline.0) {
            Err(ReadError::NotFound) => LockState::Unlocked,
            Err(e) => LockState::unavailable(Failure::Unreadable(format!(
                "cannot read {}: {e}",
                self.shown
            ))),
            Ok(text) => match LockRecord::parse(&text) {
                Ok(record) => record.state(),
                Err(cause) => {
                    LockState::unavailable(Failure::BadAnswer(format!("{}: {cause}", self.shown)))
                }
            },
        };
        Reading::once(state)
    }
    fn writer(&self) -> Option<&dyn LockWriter> {
        Some(self)
    }
}

impl LockWriter for FileSource {
    fn lock(
        &self,
        record: &LockRecord,
        force: bool,
        at: DateTime<Utc>,
        deadline: Deadline,
    ) -> Result<Done, LockError> {
        self.exclusively(deadline, || {
            // A file that cannot be read may hold someone's lock: only
            // --force replaces it.
            let current = match self.current(deadline) {
                Ok(c) => c,
                Err(_) if force => None,
                Err(cause) => {
                    return Err(self.write_error(format!(
                        "the lock there cannot be read ({cause}); --force replaces it"
                    )));
                }
            };
            let replaced = record.may_replace(current, force, at).map_err(|holder| {
                LockError::Held {
                    source_name: self.name.clone(),
                    holder,
                }
            })?;
            self.write(record)?;
            Ok(Done {
                message: format!("wrote {}", self.shown),
                replaced,
            })
        })
    }

    fn unlock(&self, _: Option<&str>, _: DateTime<Utc>, deadline: Deadline) -> Result<Done, LockError> {
        self.exclusively(deadline, || {
            let lifted = self.current(deadline).ok().flatten();
            match std::fs::remove_file(&self.path) {
                Ok(()) => Ok(Done {
                    message: format!("removed {}", self.shown),
                    replaced: lifted,
                }),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Done {
                    message: format!("{} was not locked", self.shown),
                    replaced: None,
                }),
                Err(e) => Err(self.write_error(e.to_string())),
            }
        })
    }
}
