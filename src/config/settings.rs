//! Stage two of the settings every command shares: the config file (and
//! its `environments:` block), the run's one clock (`--at`), its deadline,
//! colour, quiet and debug.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{DEFAULT_DEADLINE, DEFAULT_FILE, Loaded, load_file};
use crate::cli::{ColorChoice, Global};
use crate::context::Context;
use crate::http::{Deadline, Trust};
use crate::input::{ConfigError, Sourced, pick, pick_bool};
use crate::result::{Environment, RunInfo};

/// Settings every command shares.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The one clock of the run: `--at`, else the moment it started. Every
    /// decision (windows, lock expiry, new locks, certificate days left,
    /// the comparison's window) is taken at this instant.
    pub at: DateTime<Utc>,
    /// When the whole run must be finished.
    pub deadline: Deadline,
    /// How long the deadline is (a watch gives each look this long).
    pub deadline_length: Duration,
    pub quiet: bool,
    /// Statistics behind each metric in text (`--verbose`).
    pub verbose: bool,
    pub color: bool,
    pub debug: bool,
    /// The deployment environment: its name, where the name came from,
    /// and the `environments:` block it selected.
    pub environment: Option<Environment>,
    /// The config file read, as the user wrote its path.
    pub config_file: Option<PathBuf>,
    /// What the user should see even when nothing fails (an environment
    /// that selects no block).
    pub warnings: Vec<String>,
    /// The roots certificates are checked against (`--ca-file`, else the
    /// built-in ones), for checks and every dependency.
    pub trust: Trust,
}

impl Settings {
    /// What reports show of the settings.
    pub fn info(&self) -> RunInfo {
        RunInfo {
            config_file: self.config_file.as_ref().map(|p| p.display().to_string()),
            environment: self.environment.clone(),
            warnings: self.warnings.clone(),
        }
    }
}

/// The settings, and the config file they read.
pub fn resolve(
    g: &Global,
    ctx: &Context,
    stdout_is_tty: bool,
) -> Result<(Settings, Option<Loaded>), ConfigError> {
    // The deadline before the file is read: the flag's or variable's, or
    // the default (the file's own `deadline:` applies after it is read).
    let early = match pick("deadline", g.deadline.as_deref(), ctx) {
        Some(s) => crate::duration::parse_positive(&s.value).map_err(|e| s.invalid(e))?,
        None => DEFAULT_DEADLINE,
    };
    let read_by = Deadline::from(ctx.started, early).0;
    let mut file = match pick("config", g.config.as_deref(), ctx) {
        Some(s) => {
            let shown = PathBuf::from(&s.value);
            Some(load_file(&ctx.cwd.join(&shown), &shown, read_by)?)
        }
        None => {
            let default = ctx.cwd.join(DEFAULT_FILE);
            if default.exists() {
                Some(load_file(&default, Path::new(DEFAULT_FILE), read_by)?)
            } else {
                None
            }
        }
    };
    let environment = pick("environment", g.environment.as_deref(), ctx).or_else(|| {
        [
            "BITBUCKET_DEPLOYMENT_ENVIRONMENT",
            "bamboo_deploy_environment",
        ]
        .into_iter()
        .find_map(|v| {
            Some(Sourced {
                value: ctx.var(v)?.to_string(),
                origin: v.to_string(),
            })
        })
    });
    let mut warnings = Vec::new();
    let environment = match environment {
        None => None,
        Some(mut env) => {
            env.value = env.value.trim().to_string();
            let explicit =
                env.origin == "--environment" || env.origin.ends_with("GREENLIGHT_ENVIRONMENT");
            let mut block = None;
            if let Some(f) = file.as_mut() {
                let known: Vec<String> = f.file.environments.keys().cloned().collect();
                block = f
                    .file
                    .select_environment(&env.value)
                    .map_err(|m| env.invalid(m))?;
                if block.is_none() && !known.is_empty() {
                    let message = format!(
                        "no environment `{}` in {} (known: {})",
                        env.value,
                        f.text.path.display(),
                        known.join(", ")
                    );
                    if explicit {
                        return Err(env.invalid(message));
                    }
                    warnings.push(format!(
                        "{message}; {} named it, so the top-level settings apply",
                        env.origin
                    ));
                }
            }
            log::debug!(
                "environment `{}` (from {}): {}",
                env.value,
                env.origin,
                block
                    .as_deref()
                    .map_or("no block applies".to_string(), |b| format!(
                        "block `{b}` applies"
                    ))
            );
            Some(Environment {
                name: env.value,
                from: env.origin,
                block,
            })
        }
    };
    let at = match pick("at", g.at.as_deref(), ctx) {
        Some(s) => DateTime::parse_from_rfc3339(s.value.trim())
            .map(|t| t.to_utc())
            .map_err(|e| {
                s.invalid(format!(
                    "`{}` is not an RFC 3339 instant ({e}); e.g. 2026-03-29T01:30:00Z",
                    s.value
                ))
            })?,
        None => ctx.now,
    };
    let deadline = match pick("deadline", g.deadline.as_deref(), ctx) {
        Some(s) => crate::duration::parse_positive(&s.value).map_err(|e| s.invalid(e))?,
        None => file
            .as_ref()
            .and_then(|f| f.file.deadline)
            .map_or(DEFAULT_DEADLINE, |d| d.get()),
    };
    let color = color(g.color, ctx, stdout_is_tty)?;
    let trust = match pick("ca-file", g.ca_file.as_deref(), ctx) {
        Some(ca) => Trust::from_pem_file(&ctx.cwd.join(&ca.value))
            .map_err(|m| ca.invalid(format!("CA file `{}`: {m}", ca.value)))?,
        None => Trust::default(),
    };
    let settings = Settings {
        trust,
        at,
        deadline: Deadline::from(ctx.started, deadline),
        deadline_length: deadline,
        quiet: pick_bool("quiet", g.quiet, ctx),
        verbose: pick_bool("verbose", g.verbose, ctx),
        color,
        debug: debug(g, ctx),
        environment,
        config_file: file.as_ref().map(|f| f.text.path.clone()),
        warnings,
    };
    log::debug!(
        "config file: {}",
        settings
            .config_file
            .as_ref()
            .map_or("none".to_string(), |p| p.display().to_string())
    );
    Ok((settings, file))
}

/// Debug logging: `--debug`, `GREENLIGHT_DEBUG`, or the pipe's `DEBUG`.
pub fn debug(g: &Global, ctx: &Context) -> bool {
    pick_bool("debug", g.debug, ctx) || ctx.flag("DEBUG")
}

/// Whether text is coloured: `--color`, else `GREENLIGHT_COLOR` (the pipe's
/// `COLOR`), else auto: on for a terminal or in CI (Bitbucket renders it in
/// logs), off with `NO_COLOR`.
pub fn color(flag: Option<ColorChoice>, ctx: &Context, is_tty: bool) -> Result<bool, ConfigError> {
    let choice = match flag {
        Some(c) => c,
        None => match pick("color", None, ctx) {
            Some(s) => match s.value.trim().to_ascii_lowercase().as_str() {
                "auto" => ColorChoice::Auto,
                "always" | "true" => ColorChoice::Always,
                "never" | "false" => ColorChoice::Never,
                _ => {
                    return Err(
                        s.invalid(format!("`{}` (expected auto, always or never)", s.value))
                    );
                }
            },
            None => ColorChoice::Auto,
        },
    };
    Ok(match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => ctx.var("NO_COLOR").is_none() && (is_tty || ctx.var("CI").is_some()),
    })
}
