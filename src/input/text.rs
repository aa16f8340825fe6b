//! A config file's text, kept so that an error found after parsing (in
//! stage two) still points at file:line:column with the offending line.

use std::path::PathBuf;

use serde_saphyr::Location;

use super::{ConfigError, Located};

#[derive(Debug, Clone)]
pub struct ConfigText {
    /// The path as the user wrote it (for messages).
    pub path: PathBuf,
    pub text: String,
}

impl ConfigText {
    /// An error at a location of this file, naming the field.
    pub fn error_at(&self, loc: &Location, field: String, message: String) -> ConfigError {
        ConfigError::At(Box::new(Located::new(
            &self.path,
            &self.text,
            loc.line() as usize,
            loc.column() as usize,
            Some(field),
            message,
        )))
    }
}
