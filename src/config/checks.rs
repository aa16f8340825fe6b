//! Stage two of `checks` (and the checks of `verify`): the checks from
//! `--url` and friends or the config's `checks:`, with `${VAR}`s filled,
//! and how they run (`--concurrency`, the trusted roots, the deadline, the run's
//! clock).

use super::settings::Settings;
use super::{ChecksConfig, Inputs, Loaded};
use crate::checks::{self, Check, CheckSpec, RunOptions};
use crate::cli::{CheckRunArgs, ChecksArgs};
use crate::context::Context;
use crate::error::Error;
use crate::input::pick;

pub fn resolve(args: &ChecksArgs, i: &Inputs<'_>) -> Result<ChecksConfig, Error> {
    let specs = specs(args, i.file, i.ctx)?;
    Ok(ChecksConfig {
        checks: checks::prepare(&specs, i.ctx)?,
        options: options(&args.run, i.settings, i.ctx)?,
    })
}

/// The config's checks, ready to send (none when there are none).
pub fn from_file(file: Option<&Loaded>, ctx: &Context) -> Result<Vec<Check>, Error> {
    let specs = file.map_or(&[][..], |f| &f.file.checks[..]);
    Ok(checks::prepare(specs, ctx)?)
}

/// Run options from `--concurrency`, the trusted roots, the run's deadline and
/// its clock.
pub fn options(a: &CheckRunArgs, s: &Settings, ctx: &Context) -> Result<RunOptions, Error> {
    let mut opts = RunOptions {
        deadline: Some(s.deadline.0),
        at: s.at,
        ..RunOptions::default()
    };
    if let Some(n) = pick("concurrency", a.concurrency.as_deref(), ctx) {
        opts.concurrency = n
            .value
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=1024).contains(n))
            .ok_or_else(|| n.invalid("expected a whole number from 1 to 1024"))?;
    }
    opts.trust = s.trust.clone();
    Ok(opts)
}

/// `--url` and friends make one check; otherwise the config's `checks:`.
fn specs(args: &ChecksArgs, file: Option<&Loaded>, ctx: &Context) -> Result<Vec<CheckSpec>, Error> {
    let Some(url) = pick("url", args.url.as_deref(), ctx) else {
        let specs = file.map(|f| f.file.checks.clone()).unwrap_or_default();
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
        spec.resolve = Some(checks::parse_resolve(&r.value).map_err(|m| r.invalid(m))?);
    }
    if let Some(r) = pick("retry", args.retry.as_deref(), ctx) {
        spec.retry = Some(checks::Retry::parse(&r.value).map_err(|m| r.invalid(m))?);
    }
    Ok(vec![spec])
}
