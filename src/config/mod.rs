//! Configuration: arguments, environment and the config file become one
//! validated [`Config`], built once at the start of a run: the settings
//! every command shares, the reports to write, and what the command
//! evaluates, in real types (`Tz`, `Schedule`, `Duration`, built lock and
//! metric sources), never strings.
//!
//! - Stage one: [`file`] parses the YAML; leaves that can be checked alone
//!   are checked there, so the parser reports their line and column.
//! - Stage two: one file per concern ([`settings`], [`gate`], [`locks`],
//!   [`checks`], [`compare`], [`reports`]) turns flags, variables and the
//!   parsed file into the command's config. Every error names where the
//!   bad value came from: the flag (`--window`), the variable
//!   (`GREENLIGHT_WINDOW`), or file:line:column.
//!
//! Precedence, highest first: flag, `GREENLIGHT_*` variable, Bamboo
//! `bamboo_greenlight_*` variable, config file, default.

pub mod autolock;
pub mod checks;
pub mod compare;
pub mod file;
pub mod gate;
pub mod lease;
pub mod locks;
pub mod publish;
pub mod reports;
pub mod settings;
pub mod store;

use std::path::Path;
use std::time::{Duration, Instant};

pub use file::FileConfig;
pub use reports::{FileReport, Reports};
pub use settings::Settings;

use crate::checks::{Check, RunOptions};
use crate::cli::{Cli, Command};
use crate::compare::Comparison;
use crate::context::Context;
use crate::error::Error;
use crate::gate::GateConfig;
use crate::input::read::read_text;
use crate::input::{ConfigError, ConfigText, Located};
use crate::lock::{LockSource, Write};

/// The config file name looked for when none is given.
pub const DEFAULT_FILE: &str = "greenlight.yml";
/// The whole run's deadline when none is given.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);

/// Everything a run needs, validated.
pub struct Config {
    pub settings: Settings,
    pub reports: Reports,
    pub command: CommandConfig,
    /// Code Insights, build status, notifications.
    pub publish: crate::publish::Publish,
}

/// What the command evaluates.
pub enum CommandConfig {
    Gate(GateConfig),
    Status(GateConfig),
    Lock(LockConfig),
    Unlock(LockConfig),
    Checks(ChecksConfig),
    Compare(Box<CompareCommand>),
    Verify(Box<VerifyConfig>),
    Release(crate::lease::ReleasePlan),
    Calendar(crate::calendar_view::CalendarConfig),
    History(crate::history::HistoryConfig),
}

/// `compare`: the comparison, and what a no-go locks.
pub struct CompareCommand {
    pub comparison: Comparison,
    pub auto_lock: Option<crate::autolock::AutoLock>,
}

/// `lock` and `unlock`: what to write, and the writable sources.
pub struct LockConfig {
    pub write: Write,
    pub sources: Vec<Box<dyn LockSource>>,
}

/// `checks`: the checks, ready to send, and how they run.
pub struct ChecksConfig {
    pub checks: Vec<Check>,
    pub options: RunOptions,
}

/// `verify`: checks, then (when they pass) the comparison.
pub struct VerifyConfig {
    pub checks: Vec<Check>,
    pub options: RunOptions,
    pub compare: Option<Comparison>,
    /// `--release`: the lease to free when verification ends.
    pub release: Option<crate::lease::ReleasePlan>,
    /// `on_no_go: {lock: true}`: what a no-go locks.
    pub auto_lock: Option<crate::autolock::AutoLock>,
}

/// What stage two reads besides a command's own arguments.
pub struct Inputs<'a> {
    pub file: Option<&'a Loaded>,
    pub settings: &'a Settings,
    pub ctx: &'a Context,
    /// The shared store, for the commands that use it.
    pub store: Option<std::sync::Arc<crate::store::Etcd>>,
}

/// A config file as read, kept with its text for error snippets.
#[derive(Debug)]
pub struct Loaded {
    pub text: ConfigText,
    pub file: FileConfig,
}

impl Config {
    /// Builds the whole configuration of a run (every command but `pipe`,
    /// which [`crate::pipe`] turns into another command first).
    pub fn build(cli: &Cli, ctx: &Context, stdout_is_tty: bool) -> Result<Config, Error> {
        let (settings, loaded) = settings::resolve(&cli.global, ctx, stdout_is_tty)?;
        let uses_store = match &cli.command {
            Command::Gate(_)
            | Command::Status(_)
            | Command::Lock(_)
            | Command::Unlock(_)
            | Command::Release(_)
            | Command::History(_) => true,
            Command::Verify(v) => {
                crate::input::pick_bool("release", v.release, ctx)
                    || autolock::wanted(loaded.as_ref())
            }
            Command::Compare(_) => autolock::wanted(loaded.as_ref()),
            _ => false,
        };
        let store = if uses_store {
            store::resolve(&cli.global.store, loaded.as_ref(), &settings.trust, ctx)?
        } else {
            None
        };
        let i = Inputs {
            file: loaded.as_ref(),
            settings: &settings,
            ctx,
            store,
        };
        let junit = |flag: Option<&str>| Some(reports::junit_flag(flag, ctx));
        let (command, junit) = match &cli.command {
            Command::Gate(a) => (CommandConfig::Gate(gate::resolve(a, &i)?), None),
            Command::Status(a) => (CommandConfig::Status(gate::resolve(a, &i)?), None),
            Command::Lock(a) => (CommandConfig::Lock(locks::lock(a, &i)?), None),
            Command::Unlock(a) => (CommandConfig::Unlock(locks::unlock(a, &i)?), None),
            Command::Checks(a) => (
                CommandConfig::Checks(checks::resolve(a, &i)?),
                junit(a.junit.as_deref()),
            ),
            Command::Compare(a) => (
                CommandConfig::Compare(Box::new(CompareCommand {
                    comparison: compare::compare(a, &i)?,
                    auto_lock: autolock::resolve(&i)?,
                })),
                junit(a.junit.as_deref()),
            ),
            Command::Verify(a) => (
                CommandConfig::Verify(Box::new(compare::verify(a, &i)?)),
                junit(a.compare.junit.as_deref()),
            ),
            Command::Release(a) => (
                CommandConfig::Release(lease::release(
                    &a.target,
                    Some((
                        crate::input::pick_bool("force", a.force, ctx),
                        a.reason.as_deref(),
                    )),
                    &i,
                )?),
                None,
            ),
            Command::History(a) => (CommandConfig::History(lease::history(a, &i)?), None),
            Command::Calendar(a) => (CommandConfig::Calendar(gate::calendar(a, &i)?), None),
            Command::Pipe => return Err(Error::Usage("`pipe` cannot run itself".into())),
        };
        let command_name = cli.command.name();
        let reports = reports::resolve(&cli.global, junit, command_name, &settings, ctx)?;
        let html_report = reports
            .files
            .iter()
            .find(|f| f.report.name() == "html")
            .map(|f| f.path.display().to_string());
        let notify = loaded.as_ref().map_or(&[][..], |l| &l.file.notify[..]);
        let publish = publish::resolve(
            &cli.global,
            notify,
            settings.environment.as_ref().map(|e| e.name.clone()),
            html_report,
            settings.at,
            ctx,
        )?;
        Ok(Config {
            settings,
            reports,
            command,
            publish,
        })
    }
}

/// The largest config file read: a config is a page or two of YAML.
pub const MAX_CONFIG_BYTES: u64 = 4 << 20;

/// Reads and parses a config file (stage one), within `deadline`.
pub fn load_file(path: &Path, shown_as: &Path, deadline: Instant) -> Result<Loaded, ConfigError> {
    let text = read_text(path, MAX_CONFIG_BYTES, "config file", deadline).map_err(|cause| {
        ConfigError::Read {
            path: shown_as.display().to_string(),
            cause,
        }
    })?;
    parse(&text, shown_as).map(|file| Loaded {
        text: ConfigText {
            path: shown_as.to_path_buf(),
            text,
        },
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
            let loaded = Loaded {
                text: ConfigText {
                    path: path.into(),
                    text: text.into(),
                },
                file,
            };
            let ctx = Context::from_process();
            let settings = Settings {
                at: ctx.now,
                deadline: crate::http::Deadline::after(DEFAULT_DEADLINE),
                deadline_length: DEFAULT_DEADLINE,
                quiet: false,
                verbose: false,
                color: false,
                debug: false,
                environment: None,
                config_file: None,
                warnings: Vec::new(),
                trust: crate::http::Trust::default(),
            };
            let i = Inputs {
                file: Some(&loaded),
                settings: &settings,
                ctx: &ctx,
                store: None,
            };
            let _ = gate::resolve(&GateArgs::default(), &i);
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
