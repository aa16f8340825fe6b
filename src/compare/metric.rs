//! Stage two for one entry of `compare.metrics`: which keys apply (by
//! source and kind), the tolerance and bound in the metric's unit, the
//! judge's [`MetricSpec`], and each side's concrete queries with every
//! `{{variable}}` filled. Errors point at the key that is wrong.
//!
//! Defaults: `kind: continuous`, `direction: increase`, `tolerance: 10%`
//! (0 for a metric with a `bound`: the bound is the limit), `weight: 1`,
//! `combine: sum`, `min_samples` and `confidence` from the comparison.

use serde_saphyr::{Location, Spanned};

use super::combine::Combine;
use super::config::{CombineEntry, DirectionEntry, KindEntry, MetricEntry};
use super::plan::{MetricPlan, Shape, Side};
use super::sides::{BUILT_IN, Vars};
use super::template::Template;
use super::values::{Changing, Quantity, Unit};
use crate::input::{ConfigError, ConfigText, Keys};
use crate::judge::{Direction, Kind, MetricSpec, Tolerance};
use crate::metrics::{Asked, MetricKind, MetricSource, PlanSide, Request};

/// What every metric of a comparison shares.
pub struct Shared<'a> {
    pub loaded: &'a ConfigText,
    pub kind: &'static dyn MetricKind,
    pub source: &'a dyn MetricSource,
    pub canary: &'a Side,
    pub baseline: Option<&'a Side>,
    /// `{{step}}`, `{{window}}`.
    pub built_in: &'a Vars,
    pub confidence: f64,
    pub min_samples: usize,
}

pub fn resolve(
    sh: &Shared<'_>,
    i: usize,
    entry: &Spanned<MetricEntry>,
) -> Result<MetricPlan, ConfigError> {
    let e = &entry.value;
    let field = format!("compare.metrics[{i}]");
    let err = |loc: &Location, key: &str, msg: String| {
        sh.loaded.error_at(loc, format!("{field}.{key}"), msg)
    };
    let here = |msg: String| sh.loaded.error_at(&entry.referenced, field.clone(), msg);
    let name = e.name.value.trim().to_string();
    if name.is_empty() {
        return Err(err(
            &e.name.referenced,
            "name",
            "a metric needs a name".into(),
        ));
    }
    let written = e.kind.unwrap_or(KindEntry::Continuous);
    let (kind, asked) = match written {
        KindEntry::Continuous | KindEntry::Trend => (Kind::Continuous, Asked::Values),
        KindEntry::Histogram => (Kind::Continuous, Asked::Buckets),
        KindEntry::Ratio => (Kind::Ratio, Asked::Counts),
    };
    let source_name = sh.kind.name();
    let shape = shape(written, e).map_err(|(key, loc, m)| err(&loc, key, m))?;
    if matches!(shape, Shape::Histogram { .. } | Shape::Trend) {
        if sh.kind.time_series().is_none() {
            return Err(here(format!(
                "a `{}` metric needs a time-series source; a `{source_name}` source gives samples without times",
                written.name()
            )));
        }
        if let Some(b) = &e.bound {
            return Err(err(
                &b.referenced,
                "bound",
                format!(
                    "a `{}` metric is compared with its baseline; for an absolute limit use a `continuous` metric with a `bound`",
                    written.name()
                ),
            ));
        }
    }
    let mut keys = Keys::new(sh.loaded, field.clone(), entry.referenced, &e.keys);
    keys.only(sh.kind.metric_keys(), |k| {
        format!("`{k}` does not apply to metrics of a `{source_name}` source")
    })?;
    if e.combine.is_some() && sh.kind.time_series().is_none() {
        return Err(here(format!(
            "`combine` does not apply to metrics of a `{source_name}` source"
        )));
    }

    let bound = match &e.bound {
        Some(b) => Some(bound_value(b.value, kind, e).map_err(|m| err(&b.referenced, "bound", m))?),
        None => None,
    };
    let tolerance = match &e.tolerance {
        Some(t) => {
            tolerance(t.value, kind, shape, e).map_err(|m| err(&t.referenced, "tolerance", m))?
        }
        None if shape == Shape::Trend => {
            return Err(here(
                "a `trend` metric needs a `tolerance` as a change per time, e.g. `tolerance: 1MiB/min` (how much faster than the baseline the canary may grow)".into(),
            ));
        }
        None if bound.is_some() => Tolerance::Relative(0.0),
        None => Tolerance::Relative(0.10),
    };
    let direction = match e.direction.unwrap_or(DirectionEntry::Increase) {
        DirectionEntry::Increase => Direction::Increase,
        DirectionEntry::Decrease => Direction::Decrease,
        DirectionEntry::Either => Direction::Either,
    };
    let spec = MetricSpec::new(name.clone(), kind)
        .direction(direction)
        .tolerance(tolerance)
        .critical(e.critical)
        .must_have_data(e.must_have_data)
        .weight(e.weight.map_or(1.0, |w| w.0))
        .min_samples(e.min_samples.map_or(sh.min_samples, |m| m.0))
        .confidence(sh.confidence)
        .unit(e.unit.or_else(|| implied_unit(e)));
    spec.validate().map_err(|v| here(v.to_string()))?;

    let mut build = |side: &Side, which: &str| -> Result<(Request, Combine), ConfigError> {
        let fill = |t: &Spanned<String>, key: &str| {
            fill(sh, side, which, t).map_err(|m| err(&t.referenced, key, m))
        };
        let combine = match &e.combine {
            None => Combine::Sum,
            Some(c) => match &c.value {
                CombineEntry::Sum => Combine::Sum,
                CombineEntry::Pool => Combine::Pool,
                CombineEntry::Select { label, value } => {
                    let spanned = Spanned::new(value.clone(), c.referenced, c.defined);
                    Combine::Select {
                        label: label.clone(),
                        value: fill(&spanned, "combine.value")?,
                    }
                }
            },
        };
        let plan_side = PlanSide {
            metric: &name,
            asked,
            side: which,
            range: side.range,
            fill: &fill,
        };
        Ok((sh.source.plan(&mut keys, &plan_side)?, combine))
    };
    let (canary, combine) = build(sh.canary, "canary")?;
    let baseline = match (bound, sh.baseline) {
        (Some(_), _) => None,
        (None, Some(side)) => {
            let (request, baseline_combine) = build(side, "baseline")?;
            let same = describe(&request) == describe(&canary)
                && side.range == sh.canary.range
                && baseline_combine == combine;
            if same {
                return Err(here(format!(
                    "`{name}` queries the same thing for the baseline and the canary (`{}`): give the sides different variables used in the query (baseline: {{group: blue}}, canary: {{group: green}}) or a historical `offset`",
                    describe(&canary).first().cloned().unwrap_or_default()
                )));
            }
            Some(request)
        }
        (None, None) => {
            return Err(here(format!(
                "`{name}` has nothing to compare with: add `compare.baseline` (variables like {{group: blue}}, or {{offset: 7d}}) or give the metric a `bound`"
            )));
        }
    };
    // Every key given must have been read: a key the source declares but
    // this metric does not use is a mistake worth naming.
    if let Some(k) = keys.rest().next() {
        let why = if bound.is_some() {
            format!("`{name}` has a `bound`, so only the canary is queried")
        } else {
            format!(
                "a `{}` metric of a `{source_name}` source does not read it",
                written.name()
            )
        };
        return Err(here(format!("`{k}` is not used: {why}")));
    }
    Ok(MetricPlan {
        spec,
        shape,
        bound,
        combine,
        baseline,
        canary,
    })
}

fn describe(r: &Request) -> Vec<String> {
    r.queries().iter().map(|(_, q)| q.describe()).collect()
}

/// What the metric measures, with its own keys checked: `quantile` only
/// for histograms, in (0, 1).
fn shape(written: KindEntry, e: &MetricEntry) -> Result<Shape, (&'static str, Location, String)> {
    if let Some(q) = e
        .quantile
        .as_ref()
        .filter(|_| written != KindEntry::Histogram)
    {
        return Err((
            "quantile",
            q.referenced,
            "`quantile` belongs to `kind: histogram` metrics".into(),
        ));
    }
    Ok(match written {
        KindEntry::Continuous => Shape::Continuous,
        KindEntry::Ratio => Shape::Ratio,
        KindEntry::Trend => Shape::Trend,
        KindEntry::Histogram => {
            let quantile = match &e.quantile {
                None => 0.95,
                Some(q) => match q.value {
                    Quantity::Plain(v) | Quantity::Percent(v) if v > 0.0 && v < 1.0 => v,
                    _ => {
                        return Err((
                            "quantile",
                            q.referenced,
                            "`quantile` is a fraction strictly between 0 and 1, e.g. 0.95 or 95%"
                                .into(),
                        ));
                    }
                },
            };
            Shape::Histogram { quantile }
        }
    })
}

/// Without `unit:`, a bound or tolerance written as a duration says the
/// values are seconds, one written as a size that they are bytes (the
/// base units the values are read in then).
fn implied_unit(e: &MetricEntry) -> Option<Unit> {
    [&e.bound, &e.tolerance]
        .into_iter()
        .flatten()
        .find_map(|q| match q.value {
            Quantity::Time(_) | Quantity::PerSecond(_, Changing::Time) => Some(Unit::Seconds),
            Quantity::Size(_) | Quantity::PerSecond(_, Changing::Size) => Some(Unit::Bytes),
            _ => None,
        })
}

fn tolerance(q: Quantity, kind: Kind, shape: Shape, e: &MetricEntry) -> Result<Tolerance, String> {
    if shape == Shape::Trend {
        return match q {
            Quantity::PerSecond(..) => Ok(Tolerance::Absolute(
                q.in_unit(e.unit)?.unwrap_or_default().max(0.0),
            )),
            _ => Err("a trend's tolerance is a change per time, e.g. 1MiB/min or 0.5/s: how much faster than the baseline the canary may grow".into()),
        };
    }
    let t = match (q, kind) {
        (Quantity::PerSecond(..), _) => {
            return Err("a change per time is a `trend` metric's tolerance".into());
        }
        (Quantity::Percent(v), _) => Tolerance::Relative(v),
        (_, Kind::Ratio) => {
            return Err("a ratio metric takes a relative tolerance on the ratio of error rates, e.g. 50% (the canary's rate may be up to 1.5× the baseline's)".into());
        }
        (q, Kind::Continuous) => match q.in_unit(e.unit)? {
            Some(v) => Tolerance::Absolute(v),
            None => Tolerance::Relative(0.0),
        },
    };
    if t.value() < 0.0 {
        return Err(
            "a tolerance cannot be negative (the direction says which change is bad)".into(),
        );
    }
    Ok(t)
}

fn bound_value(q: Quantity, kind: Kind, e: &MetricEntry) -> Result<f64, String> {
    match (kind, q) {
        (_, Quantity::PerSecond(..)) => Err("a change per time is a `trend` metric's tolerance, not a bound".into()),
        (Kind::Ratio, Quantity::Percent(v) | Quantity::Plain(v)) if (0.0..=1.0).contains(&v) => Ok(v),
        (Kind::Ratio, Quantity::Percent(_) | Quantity::Plain(_)) => {
            Err("a ratio bound is an error rate between 0 and 1 (or 0% and 100%), e.g. 1%".into())
        }
        (Kind::Ratio, _) => Err("a ratio bound is an error rate, e.g. 1% or 0.01".into()),
        (Kind::Continuous, Quantity::Percent(_)) => Err(
            "a percentage is ambiguous as a bound of a continuous metric: write it in the metric's unit (e.g. 0.8 or 80)".into(),
        ),
        (Kind::Continuous, q) => q.in_unit(e.unit)?.ok_or_else(|| "not a bound".to_string()),
    }
}

/// Fills a template for one side, naming an unknown variable.
fn fill(
    sh: &Shared<'_>,
    side: &Side,
    which: &str,
    raw: &Spanned<String>,
) -> Result<String, String> {
    let t = Template::parse(&raw.value)?;
    let mut vars = sh.built_in.clone();
    vars.extend(side.variables.clone());
    t.fill(&vars).map_err(|missing| {
        let defined: Vec<&str> = side.variables.keys().map(String::as_str).collect();
        let defined = if defined.is_empty() {
            "defines none".to_string()
        } else {
            format!("defines {}", defined.join(", "))
        };
        format!(
            "unknown template variable `{missing}` for the {which} (the {which} {defined}; built in: {})",
            BUILT_IN.join(", ")
        )
    })
}
