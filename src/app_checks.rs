//! `greenlight checks`: the semantic HTTP checks from the config (or one
//! from `--url`), run concurrently within the deadline, reported as text or
//! JSON, and as JUnit XML for Bitbucket's Tests tab and Bamboo.

use crate::checks::{self, CheckSpec, RunOptions, Trust};
use crate::cli::{CheckRunArgs, ChecksArgs, Format};
use crate::config::settings::{Sourced, pick};
use crate::config::{ConfigError, Settings};
use crate::context::Context;
use crate::error::Error;
use crate::report::{self};

pub fn checks(args: &ChecksArgs, s: &Settings, ctx: &Context) -> Result<u8, Error> {
    let specs = specs(args, s, ctx)?;
    let prepared = checks::prepare(&specs, ctx)?;
    let opts = run_options(&args.run, s, ctx)?;
    let run = checks::run(&prepared, &opts, ctx);
    let code = run.outcome.code();
    if let Some(path) = report::junit::path_for(args.junit.as_deref(), "checks", ctx) {
        report::write_junit(&path, &report::checks::junit(&run), s.painter());
    }
    match s.format {
        Format::Json => report::emit(&report::json::render("checks", code, &run)),
        Format::Text => report::emit(&report::checks::text(&run, s.painter(), s.quiet)),
    }
    Ok(code)
}

/// Run options from `--concurrency`, `--ca-file` and the run's deadline.
pub(crate) fn run_options(
    a: &CheckRunArgs,
    s: &Settings,
    ctx: &Context,
) -> Result<RunOptions, Error> {
    let mut opts = RunOptions {
        deadline: Some(s.deadline(ctx).0),
        ..RunOptions::default()
    };
    if let Some(n) = pick("concurrency", a.concurrency.as_deref(), ctx) {
        opts.concurrency = n
            .value
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=1024).contains(n))
            .ok_or_else(|| invalid(&n, "expected a whole number from 1 to 1024"))?;
    }
    if let Some(ca) = pick("ca-file", a.ca_file.as_deref(), ctx) {
        opts.trust = Trust::from_pem_file(&ctx.cwd.join(&ca.value))?;
    }
    Ok(opts)
}

/// `--url` and friends make one check; otherwise the config's `checks:`.
fn specs(args: &ChecksArgs, s: &Settings, ctx: &Context) -> Result<Vec<CheckSpec>, Error> {
    let Some(url) = pick("url", args.url.as_deref(), ctx) else {
        let specs = s
            .file
            .as_ref()
            .map(|f| f.file.checks.clone())
            .unwrap_or_default();
        if specs.is_empty() {
            return Err(Error::Usage(
                "no checks to run: give --url (or GREENLIGHT_CHECK_URL) or a `checks:` list in the config file".into(),
            ));
        }
        return Ok(specs);
    };
    let status = pick("expect-status", args.expect_status.as_deref(), ctx);
    let contains = if args.expect_body_contains.is_empty() {
        pick("expect-body-contains", None, ctx)
            .map(|c| vec![c.value])
            .unwrap_or_default()
    } else {
        args.expect_body_contains.clone()
    };
    let mut spec = CheckSpec::quick(
        &url.value,
        status.as_ref().map(|s| s.value.as_str()),
        &contains,
    )?;
    // The same parsers as the YAML keys `resolve:` and `retry:`.
    if let Some(r) = pick("resolve", args.resolve.as_deref(), ctx) {
        spec.resolve = Some(checks::parse_resolve(&r.value).map_err(|m| invalid(&r, m))?);
    }
    if let Some(r) = pick("retry", args.retry.as_deref(), ctx) {
        spec.retry = Some(checks::Retry::parse(&r.value).map_err(|m| invalid(&r, m))?);
    }
    Ok(vec![spec])
}

fn invalid(s: &Sourced, message: impl Into<String>) -> Error {
    ConfigError::Value {
        origin: s.origin.clone(),
        message: message.into(),
    }
    .into()
}
