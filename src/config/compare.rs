//! Stage two of `compare` and `verify`: the `compare:` section with
//! `--baseline`/`--canary` laid over it ([`crate::compare::resolve`]), and
//! for `verify` the checks too.

use super::settings::Settings;
use super::{Loaded, VerifyConfig};
use crate::cli::{CompareArgs, VerifyArgs};
use crate::compare::{self, CompareConfig, Overrides};
use crate::context::Context;
use crate::error::Error;
use crate::input::split_list;

const NO_COMPARE: &str = "nothing to compare: add a `compare:` section (source, baseline, canary, metrics) to the config file; see examples/compare.yml";

pub fn compare(
    args: &CompareArgs,
    file: Option<&Loaded>,
    settings: &Settings,
    ctx: &Context,
) -> Result<CompareConfig, Error> {
    load(args, file, settings, ctx)?.ok_or_else(|| Error::Usage(no_config(file, NO_COMPARE)))
}

pub fn verify(
    v: &VerifyArgs,
    file: Option<&Loaded>,
    settings: &Settings,
    ctx: &Context,
) -> Result<VerifyConfig, Error> {
    let checks = super::checks::from_file(file, ctx)?;
    let compare = load(&v.compare, file, settings, ctx)?;
    if checks.is_empty() && compare.is_none() {
        return Err(Error::Usage(no_config(
            file,
            "nothing to verify: add `checks:` (semantic HTTP checks) and/or `compare:` (baseline comparison) to the config file; see examples/compare.yml",
        )));
    }
    Ok(VerifyConfig {
        checks,
        options: super::checks::options(&v.run, settings, ctx)?,
        compare,
    })
}

/// The file's comparison, or `None` when it has no `compare:` section.
fn load(
    args: &CompareArgs,
    file: Option<&Loaded>,
    settings: &Settings,
    ctx: &Context,
) -> Result<Option<CompareConfig>, Error> {
    let Some(loaded) = file else {
        return Ok(None);
    };
    let Some(entry) = loaded.file.compare.as_ref() else {
        return Ok(None);
    };
    let overrides = Overrides {
        baseline: split_list("baseline", &args.baseline, ctx),
        canary: split_list("canary", &args.canary, ctx),
    };
    Ok(Some(compare::resolve(
        &loaded.text,
        entry,
        &overrides,
        settings.at,
        ctx,
    )?))
}

fn no_config(file: Option<&Loaded>, message: &str) -> String {
    if file.is_none() {
        format!(
            "{message} (no config file: greenlight.yml was not found and --config was not given)"
        )
    } else {
        message.to_string()
    }
}
