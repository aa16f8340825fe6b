//! The outside world, read once at start: the wall clock, the environment
//! and the working directory. Only configuration ([`crate::config`],
//! [`crate::input`]) reads it; it turns it into the run's settings (its one
//! clock is `Settings::at`: `--at`, else [`Context::now`]), so every
//! evaluation is deterministic in tests.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use chrono::{DateTime, Utc};

#[derive(Debug, Clone)]
pub struct Context {
    /// The wall clock when the process started; the run's clock is
    /// `--at` when given, else this.
    pub now: DateTime<Utc>,
    /// When the process started, for the global deadline.
    pub started: Instant,
    /// A snapshot of the environment variables.
    pub env: BTreeMap<String, String>,
    /// The working directory, against which relative paths resolve.
    pub cwd: PathBuf,
    /// Variables set on the user's behalf, with the name the user wrote
    /// (a pipe's `TIMEZONE` becomes `GREENLIGHT_TIMEZONE`): messages name
    /// what the user wrote.
    pub origins: BTreeMap<String, String>,
}

impl Context {
    pub fn from_process() -> Self {
        Context {
            now: Utc::now(),
            started: Instant::now(),
            env: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            origins: BTreeMap::new(),
        }
    }

    /// A variable's value, treating an empty value as unset (Bitbucket and
    /// Bamboo both pass unset variables as empty strings).
    pub fn var(&self, name: &str) -> Option<&str> {
        self.env
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// The secret held by variable `name`; unset is bad input, the message
    /// saying it should hold `what` ("etcd's password").
    pub fn secret(&self, name: &str, what: &str) -> Result<crate::secret::Secret, String> {
        self.var(name)
            .map(crate::secret::Secret::new)
            .ok_or_else(|| format!("variable `{name}` is not set (it should hold {what})"))
    }

    /// The name the user wrote for a variable (see `origins`).
    pub fn origin_of<'a>(&'a self, name: &'a str) -> &'a str {
        self.origins.get(name).map_or(name, String::as_str)
    }

    /// True when the variable is set to a true-ish value (`true`, `1`, `yes`).
    pub fn flag(&self, name: &str) -> bool {
        self.var(name)
            .is_some_and(|v| matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "yes" | "on"))
    }
}

#[cfg(test)]
impl Context {
    /// The process's context with exactly these environment variables.
    pub fn with_env(vars: &[(&str, &str)]) -> Context {
        let mut c = Context::from_process();
        c.env = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        c
    }
}
