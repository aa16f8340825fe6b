//! Configuration: the config file, flags and environment variables become
//! one validated [`Settings`] plus a config per command (e.g. [`GateConfig`]),
//! whose fields are real types (`Tz`, `Schedule`, `Duration`), not strings.
//!
//! Precedence, highest first: flag, `GREENLIGHT_*` variable, Bamboo
//! `bamboo_greenlight_*` variable, config file, default.

mod diagnostic;
pub mod file;
pub mod settings;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use diagnostic::Located;
pub use file::FileConfig;
pub use settings::{GateConfig, Settings};

/// The config file name looked for when none is given.
pub const DEFAULT_FILE: &str = "greenlight.yml";
/// The whole run's deadline when none is given.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {cause}")]
    Read { path: String, cause: String },
    #[error("{0}")]
    At(Box<Located>),
    /// A bad value from a flag or variable; `origin` names it.
    #[error("invalid {origin}: {message}")]
    Value { origin: String, message: String },
    #[error("{0}")]
    Usage(String),
}

/// A config file as read, kept with its text for error snippets.
#[derive(Debug)]
pub struct Loaded {
    pub path: PathBuf,
    pub text: String,
    pub file: FileConfig,
}

impl Loaded {
    /// An error at a location of this file.
    pub fn error_at(
        &self,
        loc: &serde_saphyr::Location,
        field: String,
        message: String,
    ) -> ConfigError {
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

/// Reads and parses a config file (stage one).
pub fn load_file(path: &Path, shown_as: &Path) -> Result<Loaded, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Read {
        path: shown_as.display().to_string(),
        cause: e.to_string(),
    })?;
    parse(&text, shown_as).map(|file| Loaded {
        path: shown_as.to_path_buf(),
        text,
        file,
    })
}

/// Parses config text; `path` is only for messages.
pub fn parse(text: &str, path: &Path) -> Result<FileConfig, ConfigError> {
    if text.trim().is_empty() {
        return Ok(FileConfig::default());
    }
    serde_saphyr::from_str(text)
        .map_err(|e| ConfigError::At(Box::new(Located::from_yaml(path, text, &e))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(text, Path::new("greenlight.yml"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let e = err("timezone: UTC\nwindowz: []\n");
        assert!(
            e.starts_with("greenlight.yml:2:1: unknown field `windowz`"),
            "{e}"
        );
    }

    #[test]
    fn unknown_time_zone_names_the_field() {
        let e = err("timezone: Mars/Olympus\n");
        assert!(
            e.starts_with("greenlight.yml:1:11: timezone: unknown time zone `Mars/Olympus`"),
            "{e}"
        );
    }

    #[test]
    fn bad_duration_in_nested_section() {
        let e = err("locks:\n  timeout: soon\n");
        assert!(
            e.starts_with("greenlight.yml:2:12: timeout: invalid duration `soon`"),
            "{e}"
        );
    }

    #[test]
    fn invalid_yaml_is_located() {
        let e = err("windows: [\n");
        assert!(e.starts_with("greenlight.yml:"), "{e}");
    }

    #[test]
    fn unknown_lock_source_type() {
        let e = err("locks:\n  sources:\n    - { type: carrier-pigeon }\n");
        assert!(e.contains("3:") && e.contains("carrier-pigeon"), "{e}");
    }

    #[test]
    fn empty_file_is_an_empty_config() {
        assert!(parse("# nothing\n", Path::new("g.yml")).is_ok());
        assert!(parse("", Path::new("g.yml")).is_ok());
    }
}

/// No input panics the config parser or stage two: arbitrary text, and
/// YAML assembled from real keys with hostile values.
#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::*;
    use crate::cli::GateArgs;
    use crate::context::Context;

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("UTC".to_string()),
            Just("Mon-Fri 09:00-15:30".to_string()),
            Just("[]".to_string()),
            Just("{}".to_string()),
            Just("~".to_string()),
            Just("\"12-24\"".to_string()),
            Just("2026-02-30".to_string()),
            Just("-1".to_string()),
            Just("99999999999999999999".to_string()),
            Just("{ type: http, url: \"http://[::1\" }".to_string()),
            Just("[{ when: \"Fri 22:00-02:00\", timezone: Pacific/Chatham }]".to_string()),
            Just("[{ reason: x, yearly: { from: \"02-29\", to: \"02-28\" } }]".to_string()),
            "[ -~]{0,24}".prop_map(|s| format!("{s:?}")),
        ]
    }

    fn key() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "timezone", "windows", "freezes", "locks", "deadline", "on_error", "sources",
            "timeout", "retries", "when", "from", "to", "yearly", "reason", "type", "url", "path",
            "variable", "pointers",
        ])
    }

    fn yaml() -> impl Strategy<Value = String> {
        prop::collection::vec((0usize..3, key(), value()), 0..8).prop_map(|lines| {
            lines
                .into_iter()
                .map(|(indent, k, v)| format!("{}{k}: {v}\n", "  ".repeat(indent)))
                .collect()
        })
    }

    fn resolve(text: &str) {
        let path = std::path::Path::new("greenlight.yml");
        if let Ok(file) = parse(text, path) {
            let settings = Settings {
                at: chrono::Utc::now(),
                deadline: DEFAULT_DEADLINE,
                format: crate::cli::Format::Text,
                quiet: false,
                color: false,
                debug: false,
                environment: None,
                file: Some(Loaded {
                    path: path.into(),
                    text: text.into(),
                    file,
                }),
            };
            let _ = GateConfig::resolve(&GateArgs::default(), &settings, &Context::from_process());
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
            resolve(&text);
        }

        #[test]
        fn hostile_yaml_never_panics(text in yaml()) {
            resolve(&text);
        }
    }
}
