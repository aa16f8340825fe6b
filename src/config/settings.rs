//! Stage two: flags, environment and the parsed file become validated
//! settings. Every error names where the bad value came from: the flag
//! (`--window`), the variable (`GREENLIGHT_WINDOW`), or file:line:column.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::file::{SourceEntry, SourceKind, WindowEntry};
use super::{ConfigError, DEFAULT_DEADLINE, DEFAULT_FILE, Loaded, load_file};
use crate::cli::{ColorChoice, Format, GateArgs, Global, OPTIONS, SourceArgs};
use crate::context::Context;
use crate::http::Policy;
use crate::lock::{HttpSpec, OnError, Pointers, SourceSpec, default_name};
use crate::window::{Freeze, Schedule, Tz, WeeklyWindow, parse_timezone};

/// A value and where it came from (`--at`, `GREENLIGHT_AT`, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced {
    pub value: String,
    pub origin: String,
}

impl Sourced {
    pub(crate) fn invalid(&self, message: impl Into<String>) -> ConfigError {
        ConfigError::Value {
            origin: self.origin.clone(),
            message: message.into(),
        }
    }
}

/// The flag's value, else its environment variable's (`GREENLIGHT_X`, then
/// Bamboo's `bamboo_greenlight_x`).
pub fn pick(flag: &str, value: Option<&str>, ctx: &Context) -> Option<Sourced> {
    if let Some(v) = value {
        return Some(Sourced {
            value: v.to_string(),
            origin: format!("--{flag}"),
        });
    }
    let env = OPTIONS.iter().find(|o| o.flag == flag)?.env;
    let bamboo = format!("bamboo_{}", env.to_ascii_lowercase());
    [env, bamboo.as_str()].into_iter().find_map(|name| {
        Some(Sourced {
            value: ctx.var(name)?.to_string(),
            origin: ctx.origin_of(name).to_string(),
        })
    })
}

fn pick_bool(flag: &str, value: bool, ctx: &Context) -> bool {
    value
        || pick(flag, None, ctx).is_some_and(|s| {
            matches!(
                s.value.to_ascii_lowercase().as_str(),
                "true" | "1" | "yes" | "on"
            )
        })
}

/// Settings every command shares.
#[derive(Debug)]
pub struct Settings {
    pub at: DateTime<Utc>,
    pub deadline: Duration,
    pub format: Format,
    pub quiet: bool,
    pub color: bool,
    pub debug: bool,
    /// The deployment environment, and where its name came from.
    pub environment: Option<Sourced>,
    pub file: Option<Loaded>,
}

impl Settings {
    pub fn resolve(
        g: &Global,
        ctx: &Context,
        stdout_is_tty: bool,
    ) -> Result<Settings, ConfigError> {
        let file = match pick("config", g.config.as_deref(), ctx) {
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
        let mut file = file;
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
                    f.path.display(),
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
        let format = match g.format {
            Some(f) => f,
            None => match pick("format", None, ctx) {
                Some(s) => match s.value.to_ascii_lowercase().as_str() {
                    "text" => Format::Text,
                    "json" => Format::Json,
                    _ => {
                        return Err(s.invalid(format!("`{}` (expected `text` or `json`)", s.value)));
                    }
                },
                None => Format::Text,
            },
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
        Ok(Settings {
            at,
            deadline,
            format,
            quiet: pick_bool("quiet", g.quiet, ctx),
            color,
            debug: pick_bool("debug", g.debug, ctx) || ctx.flag("DEBUG"),
            environment,
            file,
        })
    }
}

impl Settings {
    /// How text output looks.
    pub fn painter(&self) -> crate::report::Painter {
        crate::report::Painter { color: self.color }
    }

    /// The run's deadline, counted from process start.
    pub fn deadline(&self, ctx: &Context) -> crate::http::Deadline {
        crate::http::Deadline(ctx.started + self.deadline.max(Duration::from_millis(1)))
    }
}

/// What `gate` and `status` evaluate.
#[derive(Debug, Clone, PartialEq)]
pub struct GateConfig {
    pub schedule: Schedule,
    pub sources: Vec<SourceSpec>,
    pub on_error: OnError,
    pub policy: Policy,
}

impl GateConfig {
    pub fn resolve(
        args: &GateArgs,
        settings: &Settings,
        ctx: &Context,
    ) -> Result<GateConfig, ConfigError> {
        let file = settings.file.as_ref();
        let default_tz = match pick("timezone", args.timezone.as_deref(), ctx) {
            Some(s) => Some(parse_timezone(&s.value).map_err(|e| s.invalid(e.to_string()))?),
            None => file.and_then(|f| f.file.timezone).map(|t| t.0),
        };

        let mut schedule = Schedule::default();
        let cli_windows = window_flags(args, ctx);
        if let Some(first) = cli_windows.first() {
            let tz = default_tz.ok_or_else(|| {
                first.invalid(format!(
                    "window `{}` has no time zone: add --timezone (or GREENLIGHT_TIMEZONE), e.g. Europe/London or UTC",
                    first.value
                ))
            })?;
            for w in &cli_windows {
                schedule
                    .windows
                    .push(WeeklyWindow::parse(&w.value, tz).map_err(|e| w.invalid(e.to_string()))?);
            }
        } else if let Some(f) = file {
            for (i, entry) in f.file.windows.iter().enumerate() {
                schedule
                    .windows
                    .push(window_from_file(f, i, entry, default_tz)?);
            }
        }
        if let Some(f) = file {
            for (i, entry) in f.file.freezes.iter().enumerate() {
                let e = &entry.value;
                let at = |msg: String| f.error_at(&entry.referenced, format!("freezes[{i}]"), msg);
                let tz = e.timezone.map(|t| t.0).or(default_tz).ok_or_else(|| {
                    at(
                        "no time zone: add `timezone:` to the freeze or at the top of the file"
                            .into(),
                    )
                })?;
                let freeze = match (&e.yearly, &e.from, &e.to) {
                    (Some(y), None, None) => Freeze::yearly(&y.from, &y.to, tz, e.reason.clone()),
                    (None, Some(from), Some(to)) => Freeze::one_off(from, to, tz, e.reason.clone()),
                    (Some(_), _, _) => return Err(at("use either `yearly` or `from`/`to`, not both".into())),
                    _ => return Err(at("needs `from` and `to` (dates or date-times) or `yearly: {from: MM-DD, to: MM-DD}`".into())),
                }
                .map_err(|err| at(err.to_string()))?;
                schedule.freezes.push(freeze.named(e.name.clone()));
            }
        }

        let mut sources = Vec::new();
        if let Some(f) = file {
            for (i, entry) in f.file.locks.sources.iter().enumerate() {
                let spec = source_from_file(&entry.value).map_err(|msg| {
                    f.error_at(&entry.referenced, format!("locks.sources[{i}]"), msg)
                })?;
                sources.push(spec);
            }
        }
        sources.extend(sources_from_flags(&args.sources, ctx)?);
        check_unique_names(&sources)?;

        let locks = file.map(|f| &f.file.locks);
        let on_error = match pick("on-error", args.on_error.as_deref(), ctx) {
            Some(s) => s.value.parse().map_err(|e: String| s.invalid(e))?,
            None => locks.and_then(|l| l.on_error).unwrap_or_default(),
        };
        let mut policy = Policy::default();
        if let Some(t) = locks.and_then(|l| l.timeout) {
            policy.timeout = t.get();
        }
        if let Some(r) = locks.and_then(|l| l.retries) {
            policy.retries = r.min(10);
        }
        Ok(GateConfig {
            schedule,
            sources,
            on_error,
            policy,
        })
    }
}

/// `--window` flags, else `GREENLIGHT_WINDOW` split on `;`.
fn window_flags(args: &GateArgs, ctx: &Context) -> Vec<Sourced> {
    if !args.window.is_empty() {
        return args
            .window
            .iter()
            .map(|w| Sourced {
                value: w.clone(),
                origin: "--window".into(),
            })
            .collect();
    }
    pick("window", None, ctx)
        .map(|s| {
            s.value
                .split(';')
                .map(str::trim)
                .filter(|w| !w.is_empty())
                .map(|w| Sourced {
                    value: w.to_string(),
                    origin: s.origin.clone(),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn window_from_file(
    f: &Loaded,
    i: usize,
    entry: &serde_saphyr::Spanned<WindowEntry>,
    default_tz: Option<Tz>,
) -> Result<WeeklyWindow, ConfigError> {
    let e = &entry.value;
    let at = |msg: String| f.error_at(&entry.referenced, format!("windows[{i}]"), msg);
    let tz = e.timezone.map(|t| t.0).or(default_tz).ok_or_else(|| {
        at(format!(
            "window `{}` has no time zone: add `timezone:` at the top of the file or to the window (e.g. Europe/London, or UTC)",
            e.when
        ))
    })?;
    WeeklyWindow::parse(&e.when, tz)
        .map(|w| w.named(e.name.clone()))
        .map_err(|err| at(err.to_string()))
}

fn source_from_file(e: &SourceEntry) -> Result<SourceSpec, String> {
    let only = |allowed: &[&str]| -> Result<(), String> {
        let present = [
            ("variable", e.variable.is_some()),
            ("path", e.path.is_some()),
            ("url", e.url.is_some()),
            ("token_env", e.token_env.is_some()),
            ("headers", e.headers.is_some()),
            ("pointers", e.pointers.is_some()),
        ];
        match present.iter().find(|(k, set)| *set && !allowed.contains(k)) {
            Some((k, _)) => Err(format!(
                "`{k}` does not apply to lock sources of type `{}`",
                format!("{:?}", e.kind).to_lowercase()
            )),
            None => Ok(()),
        }
    };
    match e.kind {
        SourceKind::Env => {
            only(&["variable"])?;
            let variable = e
                .variable
                .clone()
                .ok_or("an `env` source needs `variable` (e.g. DEPLOY_LOCK)")?;
            Ok(SourceSpec::Env {
                name: e
                    .name
                    .clone()
                    .unwrap_or_else(|| default_name("env", &variable)),
                variable,
            })
        }
        SourceKind::File => {
            only(&["path"])?;
            let path = e
                .path
                .clone()
                .ok_or("a `file` source needs `path` (e.g. .greenlight/lock.json)")?;
            Ok(SourceSpec::File {
                name: e
                    .name
                    .clone()
                    .unwrap_or_else(|| default_name("file", &path)),
                path: path.into(),
            })
        }
        SourceKind::Http => {
            only(&["url", "token_env", "headers", "pointers"])?;
            let url = e.url.clone().ok_or("an `http` source needs `url`")?;
            check_url(&url)?;
            let mut pointers = Pointers::default();
            if let Some(p) = &e.pointers {
                for (slot, value, key) in [
                    (&mut pointers.locked, &p.locked, "locked"),
                    (&mut pointers.reason, &p.reason, "reason"),
                    (&mut pointers.by, &p.by, "by"),
                    (&mut pointers.since, &p.since, "since"),
                    (&mut pointers.expires, &p.expires, "expires"),
                ] {
                    if let Some(v) = value {
                        if !(v.is_empty() || v.starts_with('/')) {
                            return Err(format!(
                                "pointers.{key}: `{v}` is not a JSON Pointer (it starts with `/`, e.g. /data/locked)"
                            ));
                        }
                        *slot = v.clone();
                    }
                }
            }
            Ok(SourceSpec::Http(HttpSpec {
                name: e
                    .name
                    .clone()
                    .unwrap_or_else(|| default_name("http", &host_of(&url))),
                url,
                token_env: e.token_env.clone(),
                headers: e.headers.clone().unwrap_or_default().into_iter().collect(),
                pointers,
            }))
        }
    }
}

fn sources_from_flags(args: &SourceArgs, ctx: &Context) -> Result<Vec<SourceSpec>, ConfigError> {
    let mut out = Vec::new();
    if let Some(s) = pick("lock-env", args.lock_env.as_deref(), ctx) {
        out.push(SourceSpec::Env {
            name: default_name("env", &s.value),
            variable: s.value,
        });
    }
    if let Some(s) = pick("lock-file", args.lock_file.as_deref(), ctx) {
        out.push(SourceSpec::File {
            name: default_name("file", &s.value),
            path: s.value.into(),
        });
    }
    if let Some(s) = pick("lock-url", args.lock_url.as_deref(), ctx) {
        check_url(&s.value).map_err(|m| s.invalid(m))?;
        out.push(SourceSpec::Http(HttpSpec {
            name: default_name("http", &host_of(&s.value)),
            url: s.value,
            token_env: pick("lock-token-env", args.lock_token_env.as_deref(), ctx).map(|t| t.value),
            headers: Vec::new(),
            pointers: Pointers::default(),
        }));
    }
    Ok(out)
}

fn check_unique_names(sources: &[SourceSpec]) -> Result<(), ConfigError> {
    for (i, s) in sources.iter().enumerate() {
        if sources[..i].iter().any(|o| o.name() == s.name()) {
            return Err(ConfigError::Usage(format!(
                "two lock sources are named `{}`: give one a `name`",
                s.name()
            )));
        }
    }
    Ok(())
}

fn check_url(url: &str) -> Result<(), String> {
    let ok = (url.starts_with("http://") || url.starts_with("https://"))
        && url.parse::<ureq::http::Uri>().is_ok();
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not an http(s) URL",
            crate::secret::redact_url(url)
        ))
    }
}

/// `https://user:pw@locks.example.com:8443/x` → `locks.example.com:8443`.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, h)| h)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(env: &[(&str, &str)]) -> Context {
        Context::with_env(env)
    }

    #[test]
    fn flag_beats_variable_beats_bamboo() {
        let c = ctx(&[("GREENLIGHT_AT", "env"), ("bamboo_greenlight_at", "bamboo")]);
        assert_eq!(pick("at", Some("flag"), &c).unwrap().origin, "--at");
        assert_eq!(pick("at", None, &c).unwrap().value, "env");
        let c = ctx(&[("bamboo_greenlight_at", "bamboo")]);
        assert_eq!(pick("at", None, &c).unwrap().origin, "bamboo_greenlight_at");
        assert_eq!(pick("at", None, &ctx(&[])), None);
    }

    #[test]
    fn host_of_strips_credentials_and_path() {
        assert_eq!(
            host_of("https://u:p@locks.example.com:8443/x?y"),
            "locks.example.com:8443"
        );
        assert_eq!(host_of("http://127.0.0.1:9/"), "127.0.0.1:9");
    }

    #[test]
    fn sources_reject_keys_of_other_types() {
        let e = SourceEntry {
            kind: SourceKind::Env,
            name: None,
            variable: Some("X".into()),
            path: Some("p".into()),
            url: None,
            token_env: None,
            headers: None,
            pointers: None,
        };
        assert_eq!(
            source_from_file(&e).unwrap_err(),
            "`path` does not apply to lock sources of type `env`"
        );
    }
}
