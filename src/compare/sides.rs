//! Stage two for `compare.baseline` and `compare.canary`: each side's
//! template variables, with `${VAR}`s filled from the environment and
//! `--baseline`/`--canary KEY=VALUE` flags (or `GREENLIGHT_BASELINE`/
//! `GREENLIGHT_CANARY`, `;`-separated) laid over the file's.
//!
//! Three kinds of baseline:
//! - variables (`{group: blue}`): the old stack over the same window;
//! - `offset` (`{offset: 7d}`): the same queries that long before, with the
//!   canary's variables unless the baseline overrides some;
//! - none: every metric has a fixed `bound`.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_saphyr::Spanned;

use super::config::SideEntry;
use crate::context::Context;
use crate::input::{ConfigError, ConfigText, EnvTemplate as Template, Sourced, valid_name};

/// Names a side may not define: the built-in template variables.
pub const BUILT_IN: &[&str] = &["step", "window"];

pub type Vars = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq)]
pub enum BaselineVars {
    Concurrent(Vars),
    Historical { vars: Vars, offset: Duration },
    None,
}

/// `KEY=VALUE` settings from flags or variables.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub baseline: Vec<Sourced>,
    pub canary: Vec<Sourced>,
}

pub fn resolve(
    loaded: &ConfigText,
    baseline: Option<&Spanned<SideEntry>>,
    canary: Option<&Spanned<SideEntry>>,
    overrides: &Overrides,
    ctx: &Context,
) -> Result<(Vars, BaselineVars), ConfigError> {
    let (mut canary_vars, _) = from_file(loaded, "canary", canary, ctx)?;
    let (mut base_vars, mut offset) = from_file(loaded, "baseline", baseline, ctx)?;
    for o in &overrides.canary {
        let (k, v) = split(o)?;
        if k == "offset" {
            return Err(o.invalid("`offset` belongs to the baseline (--baseline offset=7d)"));
        }
        canary_vars.insert(k, v);
    }
    for o in &overrides.baseline {
        let (k, v) = split(o)?;
        if k == "offset" {
            offset = Some(parse_offset(&v).map_err(|m| o.invalid(&m))?);
        } else {
            base_vars.insert(k, v);
        }
    }
    let has_baseline = baseline.is_some() || !overrides.baseline.is_empty();
    let baseline = match offset {
        Some(offset) => {
            let mut vars = canary_vars.clone();
            vars.extend(base_vars);
            BaselineVars::Historical { vars, offset }
        }
        None if has_baseline => BaselineVars::Concurrent(base_vars),
        None => BaselineVars::None,
    };
    Ok((canary_vars, baseline))
}

fn from_file(
    loaded: &ConfigText,
    side: &str,
    entry: Option<&Spanned<SideEntry>>,
    ctx: &Context,
) -> Result<(Vars, Option<Duration>), ConfigError> {
    let mut vars = Vars::new();
    let mut offset = None;
    let Some(entry) = entry else {
        return Ok((vars, offset));
    };
    for (key, value) in &entry.value.0 {
        let at =
            |msg: String| loaded.error_at(&value.referenced, format!("compare.{side}.{key}"), msg);
        if key == "offset" {
            if side == "canary" {
                return Err(at(
                    "`offset` belongs to the baseline (the canary is always the window ending now)"
                        .into(),
                ));
            }
            offset = Some(parse_offset(&value.value.0).map_err(at)?);
            continue;
        }
        check_name(key).map_err(at)?;
        let filled = Template::parse(&value.value.0)
            .and_then(|t| t.expand(ctx))
            .map_err(at)?;
        vars.insert(key.clone(), filled.text);
    }
    Ok((vars, offset))
}

fn check_name(key: &str) -> Result<(), String> {
    if BUILT_IN.contains(&key) {
        return Err(format!(
            "`{key}` is a built-in template variable ({{{{{key}}}}} is the comparison's {key}); pick another name"
        ));
    }
    if !valid_name(key) {
        return Err(format!(
            "`{key}` is not a template variable name (letters, digits and _, e.g. group)"
        ));
    }
    Ok(())
}

fn parse_offset(text: &str) -> Result<Duration, String> {
    let d = crate::duration::parse(text)?;
    if d.is_zero() {
        return Err("offset must be more than 0 (e.g. 1d or 7d)".into());
    }
    Ok(d)
}

fn split(o: &Sourced) -> Result<(String, String), ConfigError> {
    let (k, v) = o
        .value
        .split_once('=')
        .ok_or_else(|| o.invalid(format!("`{}` is not KEY=VALUE, e.g. group=green", o.value)))?;
    let k = k.trim();
    if k != "offset" {
        check_name(k).map_err(|m| o.invalid(&m))?;
    }
    Ok((k.to_string(), v.trim().to_string()))
}

/// `{group=green, region=eu}` for messages.
pub fn show(vars: &Vars) -> String {
    let inner: Vec<String> = vars.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{{{}}}", inner.join(", "))
}
