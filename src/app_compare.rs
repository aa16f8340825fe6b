//! The `compare` and `verify` commands: resolve the config, evaluate,
//! report (text or JSON on stdout, JUnit to a file), return the exit code.
//!
//! JUnit goes to `--junit PATH` (`GREENLIGHT_JUNIT`), or, in Bitbucket
//! Pipelines (`BITBUCKET_CLONE_DIR` set), to
//! `$BITBUCKET_CLONE_DIR/test-results/greenlight-<command>.xml`, where the
//! Tests tab finds it. A report that cannot be written is a warning on
//! stderr; the verdict's exit code stands.

use crate::checks;
use crate::cli::{CompareArgs, Format, VerifyArgs};
use crate::compare::{self, Overrides};
use crate::config::Settings;
use crate::config::settings::{Sourced, pick};
use crate::context::Context;
use crate::error::Error;
use crate::report::{self, compare_junit};
use crate::verify;

const NO_COMPARE: &str = "nothing to compare: add a `compare:` section (source, baseline, canary, metrics) to the config file; see examples/compare.yml";

pub fn compare(args: &CompareArgs, s: &Settings, ctx: &Context) -> Result<u8, Error> {
    let cfg = compare::load(s, &overrides(args, ctx), ctx)?
        .ok_or_else(|| Error::Usage(no_config(s, NO_COMPARE)))?;
    let junit_path = report::junit::path_for(args.junit.as_deref(), "compare", ctx);
    let result = compare::run(&cfg, ctx, s.deadline(ctx));
    log::debug!("compared in {:?}", ctx.started.elapsed());
    let code = result.outcome.code();
    match s.format {
        Format::Json => report::emit(&report::json::render("compare", code, &result)),
        Format::Text => report::emit(&report::compare_text::compare(
            &result,
            s.painter(),
            s.quiet,
        )),
    }
    if let Some(path) = junit_path {
        report::write_junit(&path, &[compare_junit::compare_suite(&result)], s.painter());
    }
    Ok(code)
}

pub fn verify(v: &VerifyArgs, s: &Settings, ctx: &Context) -> Result<u8, Error> {
    let args = &v.compare;
    let specs = s.file.as_ref().map_or(&[][..], |f| &f.file.checks[..]);
    let checks = checks::prepare(specs, ctx)?;
    let cfg = compare::load(s, &overrides(args, ctx), ctx)?;
    if checks.is_empty() && cfg.is_none() {
        return Err(Error::Usage(no_config(
            s,
            "nothing to verify: add `checks:` (semantic HTTP checks) and/or `compare:` (baseline comparison) to the config file; see examples/compare.yml",
        )));
    }
    let junit_path = report::junit::path_for(args.junit.as_deref(), "verify", ctx);
    let deadline = s.deadline(ctx);
    let opts = crate::app_checks::run_options(&v.run, s, ctx)?;
    let result = verify::run(&checks, cfg.as_ref(), &opts, ctx, deadline);
    log::debug!("verified in {:?}", ctx.started.elapsed());
    let code = result.outcome.code();
    match s.format {
        Format::Json => report::emit(&report::json::render("verify", code, &result)),
        Format::Text => report::emit(&report::verify_text::verify(&result, s.painter(), s.quiet)),
    }
    if let Some(path) = junit_path {
        let mut suites = vec![report::checks::suite(&result.checks)];
        suites.extend(result.compare.as_ref().map(compare_junit::compare_suite));
        report::write_junit(&path, &suites, s.painter());
    }
    Ok(code)
}

fn no_config(s: &Settings, message: &str) -> String {
    if s.file.is_none() {
        format!(
            "{message} (no config file: greenlight.yml was not found and --config was not given)"
        )
    } else {
        message.to_string()
    }
}

/// `--baseline`/`--canary` flags, else their `;`-separated variables.
fn overrides(args: &CompareArgs, ctx: &Context) -> Overrides {
    let side = |flag: &str, values: &[String]| -> Vec<Sourced> {
        if !values.is_empty() {
            return values
                .iter()
                .map(|v| Sourced {
                    value: v.clone(),
                    origin: format!("--{flag}"),
                })
                .collect();
        }
        pick(flag, None, ctx)
            .map(|s| {
                s.value
                    .split(';')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(|v| Sourced {
                        value: v.to_string(),
                        origin: s.origin.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    Overrides {
        baseline: side("baseline", &args.baseline),
        canary: side("canary", &args.canary),
    }
}
