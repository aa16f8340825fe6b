//! Stage two of `compare` and `verify`: the `compare:` section with
//! `--baseline`/`--canary` laid over it ([`crate::compare::resolve`]), and
//! for `verify` the checks too.

use super::{Inputs, Loaded, VerifyConfig};
use crate::cli::{CompareArgs, VerifyArgs};
use crate::compare::watch::{self, WatchArgs};
use crate::compare::{Comparison, Overrides};
use crate::error::Error;
use crate::input::{pick, pick_bool, split_list};

const NO_COMPARE: &str = "nothing to compare: add a `compare:` section (source, baseline, canary, metrics) to the config file; see examples/compare.yml";

pub fn compare(args: &CompareArgs, i: &Inputs<'_>) -> Result<Comparison, Error> {
    load(args, i)?.ok_or_else(|| Error::Usage(no_config(i.file, NO_COMPARE)))
}

pub fn verify(v: &VerifyArgs, i: &Inputs<'_>) -> Result<VerifyConfig, Error> {
    let checks = super::checks::from_file(i.file, i.ctx)?;
    let compare = load(&v.compare, i)?;
    if checks.is_empty() && compare.is_none() {
        return Err(Error::Usage(no_config(
            i.file,
            "nothing to verify: add `checks:` (semantic HTTP checks) and/or `compare:` (baseline comparison) to the config file; see examples/compare.yml",
        )));
    }
    let release = if crate::input::pick_bool("release", v.release, i.ctx) {
        Some(super::lease::release(&v.target, None, i)?)
    } else {
        None
    };
    Ok(VerifyConfig {
        checks,
        options: super::checks::options(&v.run, i.settings, i.ctx)?,
        compare,
        release,
        auto_lock: super::autolock::resolve(i)?,
    })
}

/// The file's comparison, or `None` when it has no `compare:` section.
fn load(args: &CompareArgs, i: &Inputs<'_>) -> Result<Option<Comparison>, Error> {
    let Some(loaded) = i.file else {
        return Ok(None);
    };
    let Some(entry) = loaded.file.compare.as_ref() else {
        return Ok(None);
    };
    let overrides = Overrides {
        baseline: split_list("baseline", &args.baseline, i.ctx),
        canary: split_list("canary", &args.canary, i.ctx),
    };
    let watching = WatchArgs {
        watch: pick("watch", args.watch.as_deref(), i.ctx),
        every: pick("every", args.every.as_deref(), i.ctx),
        stop_on_go: pick_bool("stop-on-go", args.stop_on_go, i.ctx),
    };
    Ok(Some(watch::plan(
        &loaded.text,
        entry,
        &overrides,
        i.settings.at,
        i.ctx,
        &watching,
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
