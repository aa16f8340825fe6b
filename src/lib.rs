//! greenlight: a deploy gate for CI/CD pipelines.
//!
//! A run flows one way (see `README.md`, "Development"):
//!
//! ```text
//! args + environment + config file ─▶ config::Config (validated, built once)
//!   ─▶ commands::execute ─▶ result::RunResult (data) ─▶ report::REPORTS (text, JSON, JUnit…)
//!   ─▶ RunResult::exit_code (decided once)
//! ```

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

#[macro_use]
mod registry;

pub mod autolock;
pub mod calendar;
pub mod calendar_view;
pub mod checks;
pub mod cli;
pub mod commands;
pub mod compare;
pub mod config;
pub mod context;
pub mod duration;
pub mod encode;
pub mod error;
pub mod failure;
pub mod gate;
pub mod history;
pub mod http;
pub mod input;
pub mod judge;
pub mod lease;
pub mod lock;
pub mod metrics;
pub mod outcome;
pub mod pipe;
pub mod publish;
pub mod report;
pub mod result;
pub mod secret;
pub mod store;
pub mod verify;
pub mod window;

#[cfg(test)]
mod doc_example;

pub use context::Context;
pub use error::Error;
pub use outcome::Outcome;

use std::ffi::OsString;
use std::io::IsTerminal;

use clap::Parser;

use cli::{Cli, Command};
use config::Config;
use report::{Mark, Painter};

/// Runs greenlight with these arguments and returns the process exit code.
/// Errors are printed here, once, to stderr.
pub fn run(args: impl IntoIterator<Item = OsString>, ctx: &Context) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => 0,
                _ => 2,
            };
        }
    };
    if let Command::Pipe = cli.command {
        return match pipe::prepare(ctx) {
            Ok((args, pipe_ctx)) => run(args, &pipe_ctx),
            Err(e) => fail(&Error::Usage(e), None, ctx),
        };
    }
    // Before the config is built, so that building it can say what it
    // chose (which file, which environment).
    init_logging(config::settings::debug(&cli.global, ctx), ctx);
    let config = match Config::build(&cli, ctx, std::io::stdout().is_terminal()) {
        Ok(c) => c,
        Err(e) => return fail(&e, cli.global.color, ctx),
    };
    http::set_trust(config.settings.trust.clone());
    // A watch's looks are shown as they happen, on stderr (stdout holds
    // the report, which may be JSON).
    let style = &config.reports.style;
    let mut progress = |event: &commands::ProgressEvent<'_>| {
        if style.quiet {
            return;
        }
        let line = match event {
            commands::ProgressEvent::Look(look) => {
                report::text::compare::look(look, style.painter())
            }
            commands::ProgressEvent::Waiting(w) => report::text::gate::waiting(w, style.painter()),
        };
        report::emit_err(&line);
    };
    let deadline = config.settings.deadline;
    for w in publish::start(&config.publish, cli.command.name(), deadline) {
        report::emit_err(&style.painter().line(Mark::Warn, &w));
    }
    let result = commands::execute(&config.command, &config.settings, &mut progress);
    log::debug!(
        "{} evaluated in {:?}",
        result.command(),
        ctx.started.elapsed()
    );
    let reports = &config.reports;
    if let Some(text) = reports.stdout.render(&result, &reports.style) {
        report::emit(&text);
    }
    for f in &reports.files {
        report::write_file(f.report, &result, &reports.style, &f.path);
    }
    // After the reports, so the HTML file a Code Insights link names
    // exists; a failure here is a warning, never another verdict.
    for w in publish::finish(&config.publish, &result) {
        report::emit_err(&style.painter().line(Mark::Warn, &w));
    }
    result.exit_code()
}

/// Prints bad input on stderr, coloured as the user asked (an unreadable
/// colour setting falls back to auto), and returns its exit code.
fn fail(e: &Error, color: Option<cli::ColorChoice>, ctx: &Context) -> u8 {
    let tty = std::io::stderr().is_terminal();
    let auto = ctx.var("NO_COLOR").is_none() && (tty || ctx.var("CI").is_some());
    let color = config::settings::color(color, ctx, tty).unwrap_or(auto)
        && ctx
            .var("COLOR")
            .is_none_or(|c| !c.eq_ignore_ascii_case("never"));
    let painter = Painter { color };
    report::emit_err(&painter.line(Mark::Fail, &format!("error: {e}")));
    e.code()
}

/// Debug logs go to stderr. HTTP client internals stay at `warn` whatever
/// `RUST_LOG` says, so no request header (and no token) is ever logged.
fn init_logging(debug: bool, ctx: &Context) {
    let mut b = env_logger::Builder::new();
    b.filter_level(log::LevelFilter::Warn);
    if debug {
        b.filter_module("greenlight", log::LevelFilter::Debug);
    }
    if let Some(spec) = ctx.var("RUST_LOG") {
        b.parse_filters(spec);
    }
    for noisy in ["ureq", "ureq_proto", "rustls"] {
        b.filter_module(noisy, log::LevelFilter::Warn);
    }
    b.format_timestamp_millis();
    let _ = b.try_init();
}
