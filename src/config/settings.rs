//! Stage two of the settings every command shares: the config file (and
//! its `environments:` block), the run's one clock (`--at`), its deadline,
//! colour, quiet and debug.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{DEFAULT_DEADLINE, DEFAULT_FILE, Loaded, load_file};
use crate::cli::{ColorChoice, Global};
use crate::context::Context;
use crate::http::Deadline;
use crate::input::{ConfigError, Sourced, pick, pick_bool};

/// Settings every command shares.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The one clock of the run: `--at`, else the moment it started. Every
    /// decision (windows, lock expiry, new locks, certificate days left,
    /// the comparison's window) is taken at this instant.
    pub at: DateTime<Utc>,
    /// When the whole run must be finished.
    pub deadline: Deadline,
    pub quiet: bool,
    pub color: bool,
    pub debug: bool,
    /// The deployment environment, and where its name came from.
    pub environment: Option<Sourced>,
    /// The config file read, as the user wrote its path.
    pub config_file: Option<PathBuf>,
}

/// The settings, and the config file they read.
pub fn resolve(
    g: &Global,
    ctx: &Context,
    stdout_is_tty: bool,
) -> Result<(Settings, Option<Loaded>), ConfigError> {
    let mut file = match pick("config", g.config.as_deref(), ctx) {
        Some(s) => {
            let shown = PathBuf::from(&s.value);
            Some(load_file(&ctx.cwd.join(&shown), &shown)?)
        }
        None => {
            let default = ctx.cwd.join(DEFAULT_FILE);
            if default.exists() {
                Some(load_file(&default, Path::new(DEFAULT_FILE))?)
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
    if let (Some(env), Some(f)) = (&environment, file.as_mut()) {
        let explicit =
            env.origin == "--environment" || env.origin.ends_with("GREENLIGHT_ENVIRONMENT");
        if f.file.select_environment(&env.value) {
            log::debug!("environment `{}` (from {}) applies", env.value, env.origin);
        } else if explicit && !f.file.environments.is_empty() {
            let known: Vec<&str> = f.file.environments.keys().map(String::as_str).collect();
            return Err(env.invalid(format!(
                "no environment `{}` in {} (known: {})",
                env.value,
                f.text.path.display(),
                known.join(", ")
            )));
        }
    }
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
        Some(s) => crate::duration::parse(&s.value).map_err(|e| s.invalid(e))?,
        None => file
            .as_ref()
            .and_then(|f| f.file.deadline)
            .map_or(DEFAULT_DEADLINE, |d| d.get()),
    };
    let color_choice = match g.color {
        Some(c) => c,
        None => match pick("color", None, ctx) {
            Some(s) => match s.value.to_ascii_lowercase().as_str() {
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
    // Bitbucket pipes print colour without a TTY: CI logs render it.
    let color = match color_choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            ctx.var("NO_COLOR").is_none() && (stdout_is_tty || ctx.var("CI").is_some())
        }
    };
    let settings = Settings {
        at,
        deadline: Deadline(ctx.started + deadline.max(Duration::from_millis(1))),
        quiet: pick_bool("quiet", g.quiet, ctx),
        color,
        debug: pick_bool("debug", g.debug, ctx) || ctx.flag("DEBUG"),
        environment,
        config_file: file.as_ref().map(|f| f.text.path.clone()),
    };
    Ok((settings, file))
}
