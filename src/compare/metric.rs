//! Stage two for one entry of `compare.metrics`: which keys apply (by
//! source and kind), the tolerance and bound in the metric's unit, the
//! judge's [`MetricSpec`], and each side's concrete queries with every
//! `{{variable}}` filled. Errors point at the key that is wrong.
//!
//! Defaults: `kind: continuous`, `direction: increase`, `tolerance: 10%`
//! (0 for a metric with a `bound`: the bound is the limit), `weight: 1`,
//! `combine: sum`, `min_samples` and `confidence` from the comparison.

use serde_saphyr::{Location, Spanned};

use super::config::{CombineEntry, DirectionEntry, FileFormatEntry, KindEntry, MetricEntry};
use super::plan::{MetricPlan, Query, Side, SideRequest};
use super::sides::{BUILT_IN, Vars};
use super::template::Template;
use super::values::Quantity;
use crate::config::{ConfigError, Loaded};
use crate::judge::{Direction, Kind, MetricSpec, Tolerance};
use crate::metrics::Combine;
use crate::metrics::file::{Format, Selector};

/// What every metric of a comparison shares.
pub struct Shared<'a> {
    pub loaded: &'a Loaded,
    pub file_source: bool,
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
    let err = |loc: &Location, key: &str, msg: String| {
        let field = if key.is_empty() {
            format!("compare.metrics[{i}]")
        } else {
            format!("compare.metrics[{i}].{key}")
        };
        sh.loaded.error_at(loc, field, msg)
    };
    let here = |msg: String| err(&entry.referenced, "", msg);
    let name = e.name.value.trim().to_string();
    if name.is_empty() {
        return Err(err(
            &e.name.referenced,
            "name",
            "a metric needs a name".into(),
        ));
    }
    let kind = match e.kind.unwrap_or(KindEntry::Continuous) {
        KindEntry::Continuous => Kind::Continuous,
        KindEntry::Ratio => Kind::Ratio,
    };
    check_keys(e, kind, sh.file_source).map_err(&here)?;

    let bound = match &e.bound {
        Some(b) => Some(bound_value(b.value, kind, e).map_err(|m| err(&b.referenced, "bound", m))?),
        None => None,
    };
    let tolerance = match &e.tolerance {
        Some(t) => tolerance(t.value, kind, e).map_err(|m| err(&t.referenced, "tolerance", m))?,
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
        .confidence(sh.confidence);
    spec.validate().map_err(|v| here(v.to_string()))?;

    let build = |side: &Side, which: &str| -> Result<SideRequest, ConfigError> {
        let fill = |t: &Spanned<String>, key: &str| {
            fill(sh, side, which, t).map_err(|m| err(&t.referenced, key, m))
        };
        if sh.file_source {
            file_request(e, kind, which, &fill, &here)
        } else {
            prometheus_request(e, kind, side, &fill, &here)
        }
    };
    let canary = build(sh.canary, "canary")?;
    let baseline = match (bound, sh.baseline) {
        (Some(_), _) => None,
        (None, Some(side)) => Some(build(side, "baseline")?),
        (None, None) => {
            return Err(here(format!(
                "`{name}` has nothing to compare with: add `compare.baseline` (variables like {{group: blue}}, or {{offset: 7d}}) or give the metric a `bound`"
            )));
        }
    };
    if baseline.as_ref() == Some(&canary) {
        let shown = canary
            .queries()
            .first()
            .map(|(_, q)| q.describe())
            .unwrap_or_default();
        return Err(here(format!(
            "`{name}` queries the same thing for the baseline and the canary (`{shown}`): give the sides different variables used in the query (baseline: {{group: blue}}, canary: {{group: green}}) or a historical `offset`"
        )));
    }
    Ok(MetricPlan {
        spec,
        bound,
        baseline,
        canary,
    })
}

/// Which keys a metric may have, by source and kind.
fn check_keys(e: &MetricEntry, kind: Kind, file_source: bool) -> Result<(), String> {
    let set = [
        ("query", e.query.is_some()),
        ("errors", e.errors.is_some()),
        ("total", e.total.is_some()),
        ("combine", e.combine.is_some()),
        ("file", e.file.is_some()),
        ("baseline_file", e.baseline_file.is_some()),
        ("canary_file", e.canary_file.is_some()),
        ("column", e.column.is_some()),
        ("pointer", e.pointer.is_some()),
        ("format", e.format.is_some()),
    ];
    let (source_name, foreign): (&str, &[&str]) = if file_source {
        ("a `file` source", &["query", "combine"])
    } else {
        (
            "a `prometheus` source",
            &[
                "file",
                "baseline_file",
                "canary_file",
                "column",
                "pointer",
                "format",
            ],
        )
    };
    if let Some((k, _)) = set.iter().find(|(k, s)| *s && foreign.contains(k)) {
        return Err(format!("`{k}` does not apply to metrics of {source_name}"));
    }
    let is = |k: &str| set.iter().any(|(n, s)| *n == k && *s);
    match kind {
        Kind::Continuous => {
            if let Some(k) = ["errors", "total"].into_iter().find(|k| is(k)) {
                return Err(format!(
                    "`{k}` belongs to `kind: ratio` metrics; a continuous metric takes `{}`",
                    if file_source { "column" } else { "query" }
                ));
            }
            if !file_source && !is("query") {
                return Err("a continuous metric needs `query` (PromQL; or `kind: ratio` with `errors` and `total`)".into());
            }
        }
        Kind::Ratio => {
            if is("query") || (file_source && is("column")) {
                let k = if is("query") { "query" } else { "column" };
                return Err(format!(
                    "a ratio metric takes `errors` and `total` instead of `{k}`"
                ));
            }
            if !(is("errors") && is("total")) {
                return Err(format!(
                    "a ratio metric needs both `errors` and `total` ({})",
                    if file_source {
                        "the columns holding error and request counts"
                    } else {
                        "PromQL counting errors and requests"
                    }
                ));
            }
        }
    }
    Ok(())
}

fn tolerance(q: Quantity, kind: Kind, e: &MetricEntry) -> Result<Tolerance, String> {
    let t = match (q, kind) {
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

type Fill<'a> = dyn Fn(&Spanned<String>, &str) -> Result<String, ConfigError> + 'a;
type Here<'a> = dyn Fn(String) -> ConfigError + 'a;

fn prometheus_request(
    e: &MetricEntry,
    kind: Kind,
    side: &Side,
    fill: &Fill<'_>,
    here: &Here<'_>,
) -> Result<SideRequest, ConfigError> {
    let range = side
        .range
        .ok_or_else(|| here("internal: a time-series side without a range".into()))?;
    let combine = match &e.combine {
        None => Combine::Sum,
        Some(c) => match &c.value {
            CombineEntry::Sum => Combine::Sum,
            CombineEntry::Pool => Combine::Pool,
            CombineEntry::Select { label, value } => {
                let spanned = Spanned::new(value.clone(), c.referenced, c.defined);
                let value = fill(&spanned, "combine.value")?;
                Combine::Select {
                    label: label.clone(),
                    value,
                }
            }
        },
    };
    let query = |t: &Option<Spanned<String>>, key: &str| -> Result<Query, ConfigError> {
        let t = t.as_ref().ok_or_else(|| here(format!("needs `{key}`")))?;
        if t.value.trim().is_empty() {
            return Err(here(format!("`{key}` is empty")));
        }
        Ok(Query::Prometheus {
            promql: fill(t, key)?,
            range,
            combine: combine.clone(),
        })
    };
    Ok(match kind {
        Kind::Continuous => SideRequest::Samples(query(&e.query, "query")?),
        Kind::Ratio => SideRequest::Counts {
            errors: query(&e.errors, "errors")?,
            total: query(&e.total, "total")?,
        },
    })
}

fn file_request(
    e: &MetricEntry,
    kind: Kind,
    which: &str,
    fill: &Fill<'_>,
    here: &Here<'_>,
) -> Result<SideRequest, ConfigError> {
    let (path_t, key) = match (&e.file, &e.baseline_file, &e.canary_file, which) {
        (Some(f), None, None, _) => (f, "file"),
        (None, Some(b), _, "baseline") => (b, "baseline_file"),
        (None, _, Some(c), "canary") => (c, "canary_file"),
        (Some(_), _, _, _) => {
            return Err(here("give either `file` (a template like results/{{group}}.csv) or `baseline_file` and `canary_file`, not both".into()));
        }
        _ => {
            return Err(here(format!(
                "needs `file` (a template like results/{{{{group}}}}.csv) or `{which}_file`"
            )));
        }
    };
    let path = fill(path_t, key)?;
    let format = match e.format {
        Some(FileFormatEntry::Csv) => Format::Csv { delimiter: b',' },
        Some(FileFormatEntry::Tsv) => Format::Csv { delimiter: b'\t' },
        Some(FileFormatEntry::Json) => Format::Json,
        None => Format::from_path(&path).ok_or_else(|| {
            here(format!(
                "cannot tell the format of `{path}` from its extension: add `format: csv`, `tsv` or `json`"
            ))
        })?,
    };
    let pointer = e.pointer.as_ref().map(|p| p.value.clone());
    if let Some(p) = &pointer {
        if matches!(format, Format::Csv { .. }) {
            return Err(here(
                "`pointer` applies to JSON files; a CSV file takes `column`".into(),
            ));
        }
        if !(p.is_empty() || p.starts_with('/')) {
            return Err(here(format!(
                "pointer `{p}` is not a JSON Pointer (it starts with `/`, e.g. /results/latency)"
            )));
        }
    }
    let selector = |column: Option<String>| -> Result<Query, ConfigError> {
        if matches!(format, Format::Csv { .. }) && column.is_none() {
            return Err(here(
                "a CSV file needs `column` (a header of the file)".into(),
            ));
        }
        Ok(Query::File {
            path: path.clone(),
            format,
            selector: Selector {
                pointer: pointer.clone(),
                column,
            },
        })
    };
    let text = |s: &Option<Spanned<String>>| s.as_ref().map(|s| s.value.clone());
    Ok(match kind {
        Kind::Continuous => SideRequest::Samples(selector(text(&e.column))?),
        Kind::Ratio => SideRequest::Counts {
            errors: selector(text(&e.errors))?,
            total: selector(text(&e.total))?,
        },
    })
}
