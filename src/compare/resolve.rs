//! Stage two for the `compare:` section as a whole: the source (its kind
//! reads its own keys, [`crate::metrics::MetricKind::configure`]), the time
//! window of each side, the thresholds, and every metric
//! ([`super::metric`]). The result is a [`CompareConfig`] in which nothing
//! is left to check.
//!
//! Defaults: `window: 10m`, `step: 15s`, `confidence: 0.95`,
//! `min_samples: 20`, `thresholds: {pass: 95, marginal: 75}`.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::config::CompareEntry;
use super::metric::{self, Shared};
use super::plan::{Baseline, CompareConfig, MetricPlan, Side};
use super::sides::{self, BaselineVars, Overrides, Vars};
use super::template::promql_duration;
use crate::context::Context;
use crate::input::{ConfigError, ConfigText, Keys};
use crate::judge::Thresholds;
use crate::metrics::{self, MetricKind, MetricSource, Range};

pub const DEFAULT_WINDOW: Duration = Duration::from_secs(600);
pub const DEFAULT_STEP: Duration = Duration::from_secs(15);

/// What differs between the looks of a watch: each judges a shorter
/// window early on, at a confidence shared out between the looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Look {
    /// At most this long a window (the time since the watch began).
    pub window: Option<Duration>,
    /// The looks the confidence is shared between (Bonferroni).
    pub looks: u32,
}

impl Look {
    /// One judgement, no watch.
    pub const ONE: Look = Look {
        window: None,
        looks: 1,
    };
}

pub fn resolve(
    loaded: &ConfigText,
    entry: &CompareEntry,
    overrides: &Overrides,
    at: DateTime<Utc>,
    ctx: &Context,
) -> Result<CompareConfig, ConfigError> {
    resolve_look(loaded, entry, overrides, at, ctx, Look::ONE)
}

/// [`resolve`] for one look of a watch.
pub fn resolve_look(
    loaded: &ConfigText,
    entry: &CompareEntry,
    overrides: &Overrides,
    at: DateTime<Utc>,
    ctx: &Context,
    look: Look,
) -> Result<CompareConfig, ConfigError> {
    let (kind, source) = source(loaded, entry, ctx)?;
    let time_series = kind.time_series();
    // A source without time series gives samples (files): no window.
    let samples_source = time_series.is_none();
    let source_name = kind.name();

    let (window, step) = if samples_source {
        if let Some(w) = &entry.window {
            return Err(loaded.error_at(
                &w.referenced,
                "compare.window".into(),
                format!("`window` does not apply to a `{source_name}` source: every value it gives is a sample"),
            ));
        }
        if let Some(s) = &entry.step {
            return Err(loaded.error_at(
                &s.referenced,
                "compare.step".into(),
                format!("`step` does not apply to a `{source_name}` source"),
            ));
        }
        (None, None)
    } else {
        let window = entry
            .window
            .as_ref()
            .map_or(DEFAULT_WINDOW, |w| w.value.get());
        let step = entry.step.as_ref().map_or(DEFAULT_STEP, |s| s.value.get());
        // A look of a watch judges the time since the watch began (at
        // least one step), up to the window.
        let window = look.window.map_or(window, |w| w.min(window).max(step));
        let step_err = |msg: String| match &entry.step {
            Some(s) => loaded.error_at(&s.referenced, "compare.step".into(), msg),
            None => ConfigError::Usage(format!("compare.step: {msg}")),
        };
        if step < Duration::from_secs(1) {
            return Err(step_err("step must be at least 1s".into()));
        }
        if window < step {
            return Err(step_err(format!(
                "step {} is longer than the window {}",
                promql_duration(step),
                promql_duration(window)
            )));
        }
        if let Some((max, whose)) = time_series.and_then(|t| t.max_points)
            && window.as_millis() / step.as_millis() > max
        {
            return Err(step_err(format!(
                "{} over {} is more than {whose}'s {max} points per series: use a longer step",
                promql_duration(step),
                promql_duration(window)
            )));
        }
        (Some(window), Some(step))
    };

    let (canary_vars, baseline_vars) = sides::resolve(
        loaded,
        entry.baseline.as_ref(),
        entry.canary.as_ref(),
        overrides,
        ctx,
    )?;
    let range = |shift: Duration| -> Result<Option<Range>, ConfigError> {
        let (Some(window), Some(step)) = (window, step) else {
            return Ok(None);
        };
        let too_far =
            || ConfigError::Usage("compare: the window or offset reaches before year 0".into());
        let end = at
            .checked_sub_signed(chrono::Duration::from_std(shift).map_err(|_| too_far())?)
            .ok_or_else(too_far)?;
        let start = end
            .checked_sub_signed(chrono::Duration::from_std(window).map_err(|_| too_far())?)
            .ok_or_else(too_far)?;
        Ok(Some(Range { start, end, step }))
    };
    let canary = Side {
        variables: canary_vars,
        range: range(Duration::ZERO)?,
    };
    let baseline = match baseline_vars {
        BaselineVars::Concurrent(vars) => Baseline::Concurrent(Side {
            variables: vars,
            range: range(Duration::ZERO)?,
        }),
        BaselineVars::Historical { vars, offset } => {
            if samples_source {
                let loc = entry.baseline.as_ref().map(|b| b.referenced);
                let msg = format!(
                    "`offset` needs a time-series source, and `{source_name}` is not one: give each side its own data instead (for files: `file: results/{{{{group}}}}.csv`, or `baseline_file`)"
                );
                return Err(match loc {
                    Some(loc) => loaded.error_at(&loc, "compare.baseline.offset".into(), msg),
                    None => ConfigError::Usage(msg),
                });
            }
            Baseline::Historical {
                side: Side {
                    variables: vars,
                    range: range(offset)?,
                },
                offset,
            }
        }
        // Files name each side's file (`baseline_file`): no variables needed.
        BaselineVars::None if samples_source => Baseline::Concurrent(Side {
            variables: Vars::new(),
            range: None,
        }),
        BaselineVars::None => Baseline::None,
    };

    let thresholds = match &entry.thresholds {
        None => Thresholds::default(),
        Some(t) => {
            let d = Thresholds::default();
            let pass = t.value.pass.map_or(d.pass(), |s| s.0);
            let marginal = t.value.marginal.map_or(d.marginal().min(pass), |s| s.0);
            Thresholds::new(pass, marginal).map_err(|e| {
                loaded.error_at(&t.referenced, "compare.thresholds".into(), e.to_string())
            })?
        }
    };

    let replica_label = match &entry.replica_label {
        None => "instance".to_string(),
        Some(l) if crate::input::valid_name(l.value.trim()) => l.value.trim().to_string(),
        Some(l) => {
            return Err(loaded.error_at(
                &l.referenced,
                "compare.replica_label".into(),
                format!(
                    "`{}` is not a label name (letters, digits and `_`, e.g. instance or pod)",
                    l.value
                ),
            ));
        }
    };
    let mut built_in = Vars::new();
    if let (Some(w), Some(s)) = (window, step) {
        built_in.insert("window".into(), promql_duration(w));
        built_in.insert("step".into(), promql_duration(s));
    }
    let shared = Shared {
        loaded,
        kind,
        source: source.as_ref(),
        canary: &canary,
        baseline: baseline.side(),
        built_in: &built_in,
        confidence: 1.0
            - (1.0 - entry.confidence.map_or(0.95, |c| c.0)) / f64::from(look.looks.max(1)),
        min_samples: entry.min_samples.map_or(20, |m| m.0),
    };
    if entry.metrics.value.is_empty() {
        return Err(loaded.error_at(
            &entry.metrics.referenced,
            "compare.metrics".into(),
            "no metrics to compare: add at least one (name and query)".into(),
        ));
    }
    let mut metrics = Vec::with_capacity(entry.metrics.value.len());
    for (i, m) in entry.metrics.value.iter().enumerate() {
        let plan = metric::resolve(&shared, i, m)?;
        if metrics
            .iter()
            .any(|p: &MetricPlan| p.spec.name == plan.spec.name)
        {
            return Err(loaded.error_at(
                &m.value.name.referenced,
                format!("compare.metrics[{i}].name"),
                format!("two metrics are named `{}`", plan.spec.name),
            ));
        }
        metrics.push(plan);
    }
    Ok(CompareConfig {
        source,
        source_kind: kind.name(),
        at,
        window,
        step,
        replica_label,
        canary,
        baseline,
        thresholds,
        metrics,
    })
}

/// `compare.source`: its kind, which reads its own keys.
fn source(
    loaded: &ConfigText,
    entry: &CompareEntry,
    ctx: &Context,
) -> Result<(&'static dyn MetricKind, Box<dyn MetricSource>), ConfigError> {
    let e = &entry.source.value;
    let kind = metrics::by_name(&e.kind.value).ok_or_else(|| {
        loaded.error_at(
            &e.kind.referenced,
            "compare.source.type".into(),
            format!(
                "unknown source type `{}` (known: {})",
                e.kind.value,
                metrics::names()
            ),
        )
    })?;
    let mut keys = Keys::new(
        loaded,
        "compare.source".into(),
        entry.source.referenced,
        &e.keys,
    );
    keys.only(kind.source_keys(), |key| {
        format!("`{key}` does not apply to a `{}` source", kind.name())
    })?;
    let source = kind.configure(&mut keys, ctx)?;
    Ok((kind, source))
}
