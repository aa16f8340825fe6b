//! greenlight: a deploy gate for CI/CD pipelines.
//!
//! A run flows one way: CLI args + environment + config file → validated
//! [`config`] → evaluation ([`window`], [`lock`], …) → results as data →
//! [`Outcome`] → [`report`] → exit code. See `README.md` for the user guide.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod app;
mod app_checks;
mod app_compare;
pub mod checks;
pub mod cli;
pub mod compare;
pub mod config;
pub mod context;
pub mod duration;
pub mod error;
pub mod gate;
pub mod http;
pub mod judge;
pub mod lock;
pub mod metrics;
pub mod outcome;
pub mod pipe;
pub mod report;
pub mod secret;
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
use config::Settings;

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
            Err(e) => fail(&Error::Usage(e), ctx),
        };
    }
    let settings = match Settings::resolve(&cli.global, ctx, std::io::stdout().is_terminal()) {
        Ok(s) => s,
        Err(e) => return fail(&e.into(), ctx),
    };
    init_logging(settings.debug, ctx);
    let result = match &cli.command {
        Command::Gate(a) => app::gate(a, &settings, ctx, false),
        Command::Status(a) => app::gate(a, &settings, ctx, true),
        Command::Lock(a) => app::lock(a, &settings, ctx),
        Command::Unlock(a) => app::unlock(a, &settings, ctx),
        Command::Checks(a) => app_checks::checks(a, &settings, ctx),
        Command::Compare(a) => app_compare::compare(a, &settings, ctx),
        Command::Verify(a) => app_compare::verify(a, &settings, ctx),
        Command::Pipe => Err(Error::Usage("`pipe` cannot run itself".into())),
    };
    result.unwrap_or_else(|e| fail(&e, ctx))
}

fn fail(e: &Error, ctx: &Context) -> u8 {
    let color = ctx.var("NO_COLOR").is_none()
        && (ctx.var("CI").is_some() || std::io::stderr().is_terminal());
    let painter = report::Painter { color };
    eprintln!(
        "{}",
        painter.line(report::Mark::Fail, &format!("error: {e}"))
    );
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
