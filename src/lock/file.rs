//! A lock file: a [`LockRecord`] as JSON. No file: not locked. A file that
//! cannot be read or parsed is `Unavailable` (never silently unlocked).
//! Writes go to a temp file in the same folder and are renamed into place,
//! so a reader never sees half a lock.

use std::path::PathBuf;

use super::{LockError, LockRecord, LockState, Source};
use crate::context::Context;
use crate::http::Deadline;

pub struct FileSource {
    pub name: String,
    /// Where the file is read and written.
    pub path: PathBuf,
    /// The path as configured, for messages.
    pub shown: String,
}

impl Source for FileSource {
    fn name(&self) -> &str {
        &self.name
    }
    fn kind(&self) -> &'static str {
        "file"
    }
    fn check(&self, _: &Context, _: Deadline) -> (LockState, u32) {
        let state = match std::fs::read_to_string(&self.path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => LockState::Unlocked,
            Err(e) => LockState::Unavailable {
                cause: format!("cannot read {}: {e}", self.shown),
            },
            Ok(text) => match LockRecord::parse(&text) {
                Ok(record) => record.state(),
                Err(cause) => LockState::Unavailable {
                    cause: format!("{}: {cause}", self.shown),
                },
            },
        };
        (state, 1)
    }

    fn lock(&self, record: &LockRecord, _: Deadline) -> Option<Result<String, LockError>> {
        Some(self.write(record).map(|()| format!("wrote {}", self.shown)))
    }

    fn unlock(&self, _: Deadline) -> Option<Result<String, LockError>> {
        Some(match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(format!("removed {}", self.shown)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Ok(format!("{} was not locked", self.shown))
            }
            Err(e) => Err(self.write_error(e.to_string())),
        })
    }
}

impl FileSource {
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
