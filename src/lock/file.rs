//! A lock file: a [`LockRecord`] as JSON. No file: not locked. A file that
//! cannot be read or parsed is `Unavailable` (never silently unlocked).
//! Writes go to a temp file in the same folder and are renamed into place,
//! so a reader never sees half a lock.
//!
//! ```yaml
//! - { type: file, path: .greenlight/lock.json }
//! ```

use std::path::PathBuf;

use super::source::{LockKind, LockSource, LockWriter, Reading, Setup};
use super::{LockError, LockRecord, LockState};
use crate::context::Context;
use crate::failure::Failure;
use crate::http::Deadline;
use crate::input::ConfigError;

/// `type: file`.
pub struct File;

impl LockKind for File {
    fn name(&self) -> &'static str {
        "file"
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

    fn write(&self, record: &LockRecord) -> Result<(), LockError> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| self.write_error(e.to_string()))?;
        }
        let json =
            serde_json::to_string_pretty(record).map_err(|e| self.write_error(e.to_string()))?;
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, json + "\n").map_err(|e| self.write_error(e.to_string()))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| self.write_error(e.to_string()))
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
    fn read(&self, _: Deadline) -> Reading {
        let state = match std::fs::read_to_string(&self.path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => LockState::Unlocked,
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
    fn lock(&self, record: &LockRecord, _: Deadline) -> Result<String, LockError> {
        self.write(record).map(|()| format!("wrote {}", self.shown))
    }

    fn unlock(&self, _: Deadline) -> Result<String, LockError> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(format!("removed {}", self.shown)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Ok(format!("{} was not locked", self.shown))
            }
            Err(e) => Err(self.write_error(e.to_string())),
        }
    }
}
