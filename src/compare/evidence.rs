//! From one side's fetched series to what the judge weighs, by what the
//! metric measures ([`Shape`]) and where its data comes from.
//!
//! | metric | samples (files) | time series (Prometheus) |
//! |---|---|---|
//! | `continuous` | the values, ranked (Mann–Whitney) | the mean: replicas as the unit, or one series' mean with its effective points ([`crate::judge::series`]) |
//! | `continuous` with a `bound` | the values against the bound | the points (combined) against the bound |
//! | `ratio` | summed counts | summed counts, or with `counters: true` each replica's reset-aware increase ([`super::counters`]), judged with its over-dispersion |
//! | `histogram` | — | each replica's quantile from its bucket increases ([`crate::judge::histogram`]), compared on the log scale |
//! | `trend` | — | each replica's least-squares slope, or one series' slope with autocorrelated residuals counted |
//!
//! Replicas are told apart by `compare.replica_label` (default `instance`).
//! With two or more on a side, each replica gives one value and the side's
//! standard error comes from their spread, with `R − 1` degrees of
//! freedom. Several series of one replica are summed at each timestamp
//! (`combine: sum`, the default) or pooled (`combine: pool`).
//!
//! Remarks worth a second look (a bucket too wide for the tolerance,
//! series too short to count) are added to the side's query warnings.

use std::collections::BTreeMap;

use super::combine::{self, Combine};
use super::counters;
use super::plan::{MetricPlan, Shape};
use super::result::QueryOutcome;
use crate::judge::histogram::{self, HistogramError};
use crate::judge::series::{self, Estimate};
use crate::judge::{Counts, Estimated, Tolerance, format};
use crate::metrics::{Request, Role, Series};

/// One side's data, ready for the judge.
#[derive(Debug, Clone, PartialEq)]
pub enum SideData {
    /// Samples compared by rank, or against a bound.
    Samples(Vec<f64>),
    /// Errors over requests, summed.
    Counts(Counts),
    /// Errors over requests per replica.
    UnitCounts(Vec<Counts>),
    /// One estimate with its standard error.
    Estimate(Estimated),
}

/// What a side's evidence depends on besides its queries.
pub struct Reading<'a> {
    pub plan: &'a MetricPlan,
    pub replica_label: &'a str,
    /// The source gives time series (points with times).
    pub time_series: bool,
}

/// The side's data; the first query error is the error. `start` is the
/// side's window start (Unix seconds), for counters born inside it.
pub fn side_data(
    r: &Reading<'_>,
    start: Option<f64>,
    queries: &mut [QueryOutcome],
) -> Result<SideData, String> {
    failed(queries)?;
    for q in queries.iter_mut() {
        if let Some(w) = mixed_labels(&q.fetched, r.replica_label) {
            q.warnings.push(w);
        }
    }
    let plan = r.plan;
    let cumulative = matches!(
        plan.canary,
        Request::Counts {
            cumulative: true,
            ..
        }
    );
    match (plan.shape, queries) {
        (Shape::Continuous, [q]) if !r.time_series || plan.bound.is_some() => Ok(
            SideData::Samples(combine::samples(&q.fetched, &plan.combine)),
        ),
        (Shape::Continuous, [q]) => Ok(SideData::Estimate(mean(r, q))),
        (Shape::Trend, [q]) => slope(r, q).map(SideData::Estimate),
        (Shape::Histogram { quantile }, [q]) => {
            quantile_of(r, start, q, quantile).map(SideData::Estimate)
        }
        (Shape::Ratio, [errors, total]) if cumulative => {
            let units = unit_counts(r, start, errors, total);
            if plan.bound.is_some() {
                Ok(SideData::Counts(pool(&units)))
            } else {
                Ok(SideData::UnitCounts(units))
            }
        }
        (Shape::Ratio, [errors, total]) => Ok(SideData::Counts(Counts {
            errors: count(errors, "errors")?,
            total: count(total, "requests")?,
        })),
        _ => Err("internal error: the queries do not match the metric".into()),
    }
}

/// The queries' errors as one cause (said once when they agree).
fn failed(queries: &[QueryOutcome]) -> Result<(), String> {
    let failed: Vec<String> = queries
        .iter()
        .filter_map(|q| {
            q.error.as_ref().map(|e| match q.role {
                Role::Values => e.to_string(),
                Role::Errors => format!("errors query: {e}"),
                Role::Total => format!("total query: {e}"),
                Role::Buckets => format!("buckets query: {e}"),
            })
        })
        .collect();
    if failed.is_empty() {
        return Ok(());
    }
    // One cause (Prometheus down) is said once, not once per query.
    let mut errors = queries.iter().filter_map(|q| q.error.as_ref());
    let first = errors.next();
    if first.is_some() && failed.len() == queries.len() && errors.all(|e| Some(e) == first) {
        return Err(first.map(ToString::to_string).unwrap_or_default());
    }
    Err(failed.join("; "))
}

/// Said when some series carry the replica label and others do not: the
/// unlabelled ones are then counted as one more replica.
fn mixed_labels(series: &[Series], label: &str) -> Option<String> {
    let with = series
        .iter()
        .filter(|s| s.labels.contains_key(label))
        .count();
    (with > 0 && with < series.len()).then(|| {
        format!(
            "{} of {} series have no `{label}` label: they are counted together as one more replica",
            series.len() - with,
            series.len()
        )
    })
}

/// The series grouped by replica, each group as one series of (times,
/// values) as `combine` says.
fn replicas(r: &Reading<'_>, series: &[Series]) -> Vec<(Vec<f64>, Vec<f64>)> {
    let mut groups: BTreeMap<&str, Vec<&Series>> = BTreeMap::new();
    for s in series {
        groups
            .entry(counters::replica(s, r.replica_label))
            .or_default()
            .push(s);
    }
    groups
        .into_values()
        .map(|g| match r.plan.combine {
            Combine::Sum => combine::summed(g),
            Combine::Pool | Combine::Select { .. } => combine::pooled(g),
        })
        .map(|(t, v)| {
            // Non-finite points are counted (as removed) and left out.
            t.into_iter().zip(v).filter(|(_, v)| v.is_finite()).unzip()
        })
        .filter(|(t, _): &(Vec<f64>, Vec<f64>)| !t.is_empty())
        .collect()
}

fn estimated(
    e: Option<Estimate>,
    level: f64,
    n: usize,
    q: &QueryOutcome,
    units: usize,
) -> Estimated {
    let (value, se, df, effective) = match e {
        Some(e) => (e.value, e.se, e.df, e.effective),
        None => (f64::NAN, f64::NAN, 1.0, None),
    };
    Estimated {
        value,
        se,
        df,
        level,
        n: n as u64,
        removed: q.non_finite as u64,
        replicas: (units >= 2).then(|| u32::try_from(units).unwrap_or(u32::MAX)),
        effective: if units >= 2 { None } else { effective },
    }
}

/// The mean: of replica means when there are two or more, else of the one
/// series with its effective points.
fn mean(r: &Reading<'_>, q: &QueryOutcome) -> Estimated {
    let groups = replicas(r, &q.fetched);
    let n = groups.iter().map(|g| g.1.len()).sum();
    let e = match groups.as_slice() {
        [] => None,
        [(_, only)] => series::series_mean(only),
        many => {
            let means: Vec<f64> = many
                .iter()
                .map(|(_, v)| v.iter().sum::<f64>() / v.len() as f64)
                .collect();
            series::across_units(&means)
        }
    };
    let level = e.map_or(f64::NAN, |e| e.value);
    estimated(e, level, n, q, groups.len())
}

/// The slope per second: of each replica when there are two or more, else
/// of the one series. A replica with fewer than 3 points spread in time
/// (restarted, or a short look) is left out, and said.
fn slope(r: &Reading<'_>, q: &mut QueryOutcome) -> Result<Estimated, String> {
    let groups = replicas(r, &q.fetched);
    let n = groups.iter().map(|g| g.1.len()).sum();
    if groups.is_empty() {
        return Ok(estimated(None, f64::NAN, 0, q, 0));
    }
    // Each replica's fit, once: (its times, its values, its slope).
    let usable: Vec<(&[f64], &[f64], f64)> = groups
        .iter()
        .filter_map(|(t, v)| series::ols(t, v).map(|fit| (t.as_slice(), v.as_slice(), fit.0)))
        .collect();
    if usable.len() < groups.len() {
        q.warnings.push(format!(
            "{} of {} replicas have fewer than 3 points spread in time: left out of the slope",
            groups.len() - usable.len(),
            groups.len()
        ));
    }
    let e = match usable.as_slice() {
        [] => None,
        [(t, v, _)] => series::series_slope(t, v),
        many => {
            let slopes: Vec<f64> = many.iter().map(|(_, _, slope)| *slope).collect();
            series::across_units(&slopes)
        }
    };
    let e = e.ok_or_else(no_slope)?;
    Ok(estimated(Some(e), e.value, n, q, usable.len()))
}

fn no_slope() -> String {
    "no replica has 3 points spread in time in the window: too short for a slope".into()
}

/// The quantile on the log scale: the mean of the replicas' log quantiles
/// (its level the geometric mean), or one histogram's with its sampling
/// error. A replica whose quantile lies above the largest bucket makes the
/// side unreadable (it may be the slowest one); a replica without
/// observations is left out, and said.
fn quantile_of(
    r: &Reading<'_>,
    start: Option<f64>,
    q: &mut QueryOutcome,
    p: f64,
) -> Result<Estimated, String> {
    let name = format!("p{}", format::num(p * 100.0));
    let (by, short) = counters::buckets_by_replica(&q.fetched, r.replica_label, start)?;
    if short > 0 {
        q.warnings.push(short_series(short));
    }
    let mut pooled: BTreeMap<u64, (f64, f64)> = BTreeMap::new();
    for b in by.values().flatten() {
        pooled.entry(b.0.to_bits()).or_insert((b.0, 0.0)).1 += b.1;
    }
    let mut pooled: Vec<(f64, f64)> = pooled.into_values().collect();
    pooled.sort_by(|a, b| a.0.total_cmp(&b.0));
    let whole = match histogram::quantile(&pooled, p) {
        Ok(w) => w,
        Err(HistogramError::Empty) => {
            return Ok(estimated(None, f64::NAN, 0, q, by.len()));
        }
        Err(e) => return Err(format!("{name}: {e}")),
    };
    if whole.value <= 0.0 {
        return Err(format!(
            "the {name} is 0 (it lies in a bucket with bound 0): nothing to compare on a log scale"
        ));
    }
    if let Some(w) = bucket_remark(&whole, p, r.plan.spec.tolerance) {
        q.warnings.push(w);
    }
    // Rounded observation count: increases of integer counters.
    let n = whole.count.round().max(0.0) as usize;
    let mut readings = Vec::new();
    for (replica, buckets) in &by {
        match histogram::quantile(buckets, p) {
            Ok(reading) if reading.value > 0.0 => readings.push(reading.value.ln()),
            Ok(_) => {
                return Err(format!(
                    "the {name} of replica {replica} is 0: nothing to compare on a log scale"
                ));
            }
            Err(HistogramError::Empty) => {}
            Err(e) => return Err(format!("{name} of replica {replica}: {e}")),
        }
    }
    if readings.len() < by.len() {
        q.warnings.push(format!(
            "{} of {} replicas had no observations in the window: left out",
            by.len() - readings.len(),
            by.len()
        ));
    }
    let e = if readings.len() >= 2 {
        series::across_units(&readings)
    } else {
        Some(Estimate {
            value: whole.value.ln(),
            se: whole.log_se,
            df: f64::INFINITY,
            effective: None,
        })
    };
    let level = e.map_or(f64::NAN, |e| e.value.exp());
    Ok(estimated(e, level, n, q, readings.len()))
}

/// Said when the quantile's bucket is too coarse to trust interpolation
/// for a change as small as the tolerance.
fn bucket_remark(w: &histogram::Reading, p: f64, tolerance: Tolerance) -> Option<String> {
    let name = format!("p{}", format::num(p * 100.0));
    let tolerance = match tolerance {
        Tolerance::Relative(t) => format::share(t),
        Tolerance::Absolute(a) => format::num(a),
    };
    let bucket = format!("{}..{}", format::num(w.lower), format::num(w.upper));
    if w.lower <= 0.0 {
        return Some(format!(
            "the {name} lies in the first bucket ({bucket}): it is read linearly from 0, so a change of {tolerance} is not resolved; add smaller buckets"
        ));
    }
    let ratio = w.upper / w.lower;
    (ratio > 4.0).then(|| {
        format!(
            "the {name} lies in a bucket {}× wide ({bucket}): a change of {tolerance} is resolved only by interpolating inside it (assuming a log-normal shape); add buckets between {} and {}",
            format::num(ratio),
            format::num(w.lower),
            format::num(w.upper)
        )
    })
}

fn short_series(n: usize) -> String {
    format!(
        "{n} series had fewer than two samples in the window, so no increase was counted for them: make the window span several scrape intervals"
    )
}

/// Each replica's errors and requests, from raw counters. A replica seen
/// only in the errors is left out (it has no requests to be a share of).
fn unit_counts(
    r: &Reading<'_>,
    start: Option<f64>,
    errors: &mut QueryOutcome,
    total: &mut QueryOutcome,
) -> Vec<Counts> {
    let (e, short_e) = counters::by_replica(&errors.fetched, r.replica_label, start);
    let (t, short_t) = counters::by_replica(&total.fetched, r.replica_label, start);
    if short_e > 0 {
        errors.warnings.push(short_series(short_e));
    }
    if short_t > 0 {
        total.warnings.push(short_series(short_t));
    }
    let orphans: Vec<&str> = e
        .keys()
        .filter(|k| !t.contains_key(*k))
        .map(String::as_str)
        .collect();
    if !orphans.is_empty() {
        errors.warnings.push(format!(
            "errors of replica(s) {} have no requests in the total query: left out",
            orphans.join(", ")
        ));
    }
    t.iter()
        .map(|(replica, &requests)| {
            let total = whole(requests);
            let errs = whole(e.get(replica).copied().unwrap_or(0.0)).min(total);
            Counts::new(errs, total)
        })
        .collect()
}

/// A counted increase as a whole number (integer counters; ≥ 0 always).
fn whole(v: f64) -> u64 {
    if v.is_finite() && v > 0.0 {
        // Below 2^64 in practice; `as` saturates beyond.
        v.round() as u64
    } else {
        0
    }
}

fn pool(units: &[Counts]) -> Counts {
    units.iter().fold(Counts::new(0, 0), |a, c| {
        Counts::new(
            a.errors.saturating_add(c.errors),
            a.total.saturating_add(c.total),
        )
    })
}

/// The sum of a count query's finite values, as a whole number.
fn count(q: &mut QueryOutcome, what: &str) -> Result<u64, String> {
    let sum: f64 = q
        .fetched
        .iter()
        .flat_map(|s| &s.values)
        .filter(|v| v.is_finite())
        .sum();
    if q.non_finite > 0 {
        q.warnings.push(format!(
            "{} non-finite value{} left out of the {what} count",
            q.non_finite,
            if q.non_finite == 1 { "" } else { "s" }
        ));
    }
    let rounded = sum.round();
    if rounded < 0.0 {
        return Err(format!(
            "the {what} add up to {sum}: counts cannot be negative"
        ));
    }
    if rounded >= u64::MAX as f64 {
        return Err(format!(
            "the {what} add up to {sum}, more than can be counted"
        ));
    }
    // In range: checked just above.
    Ok(rounded as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::judge::{Kind, MetricSpec};
    use crate::metrics::{Fetched, MetricsError, Query};

    #[derive(Debug)]
    struct Nothing;
    impl Query for Nothing {
        fn describe(&self) -> String {
            "q".into()
        }
        fn fetch(&self, _: crate::http::Deadline) -> Result<Fetched, MetricsError> {
            Ok(Fetched::default())
        }
    }

    fn plan(shape: Shape, cumulative: bool) -> MetricPlan {
        let kind = if shape == Shape::Ratio {
            Kind::Ratio
        } else {
            Kind::Continuous
        };
        let canary = match shape {
            Shape::Ratio => Request::Counts {
                errors: Box::new(Nothing),
                total: Box::new(Nothing),
                cumulative,
            },
            _ => Request::Values(Box::new(Nothing)),
        };
        MetricPlan {
            spec: MetricSpec::new("m", kind),
            shape,
            bound: None,
            combine: Combine::Sum,
            baseline: None,
            canary,
        }
    }

    fn series(replica: &str, extra: &[(&str, &str)], values: &[f64]) -> Series {
        let mut labels: BTreeMap<String, String> =
            [("instance".to_string(), replica.to_string())].into();
        for (k, v) in extra {
            labels.insert((*k).into(), (*v).into());
        }
        Series {
            labels,
            times: (0..values.len())
                .map(|i| 1000.0 + i as f64 * 15.0)
                .collect(),
            values: values.to_vec(),
        }
    }

    fn outcome(role: Role, fetched: Vec<Series>) -> QueryOutcome {
        let values = fetched.iter().map(|s| s.values.len()).sum();
        let non_finite = fetched
            .iter()
            .flat_map(|s| &s.values)
            .filter(|v| !v.is_finite())
            .count();
        QueryOutcome {
            role,
            query: "q".into(),
            series: Some(fetched.len()),
            values,
            non_finite,
            warnings: vec![],
            error: None,
            error_kind: None,
            duration_ms: 0,
            fetched,
        }
    }

    fn read(p: &MetricPlan, q: &mut [QueryOutcome]) -> Result<SideData, String> {
        let r = Reading {
            plan: p,
            replica_label: "instance",
            time_series: true,
        };
        side_data(&r, Some(1000.0), q)
    }

    #[test]
    fn counts_are_rounded_sums_of_finite_values() {
        let p = plan(Shape::Ratio, false);
        let mut q = [
            outcome(Role::Errors, vec![series("a", &[], &[0.4, 1.2, f64::NAN])]),
            outcome(Role::Total, vec![series("a", &[], &[100.3, 99.9])]),
        ];
        assert_eq!(read(&p, &mut q), Ok(SideData::Counts(Counts::new(2, 200))));
        assert_eq!(
            q[0].warnings,
            vec!["1 non-finite value left out of the errors count"]
        );
    }

    #[test]
    fn no_errors_series_is_zero_errors_and_negative_counts_are_refused() {
        let p = plan(Shape::Ratio, false);
        let mut q = [
            outcome(Role::Errors, vec![]),
            outcome(Role::Total, vec![series("a", &[], &[50.0])]),
        ];
        assert_eq!(read(&p, &mut q), Ok(SideData::Counts(Counts::new(0, 50))));
        let mut q = [
            outcome(Role::Errors, vec![series("a", &[], &[-3.0])]),
            outcome(Role::Total, vec![series("a", &[], &[50.0])]),
        ];
        assert_eq!(
            read(&p, &mut q).unwrap_err(),
            "the errors add up to -3: counts cannot be negative"
        );
    }

    #[test]
    fn query_errors_name_the_query_of_a_ratio() {
        let p = plan(Shape::Ratio, false);
        let mut failed = outcome(Role::Total, vec![]);
        failed.fail(MetricsError {
            source_name: "prometheus".into(),
            failure: crate::failure::Failure::Http {
                error: crate::http::HttpError::Connect("refused".into()),
                attempts: 1,
            },
        });
        let mut q = [outcome(Role::Errors, vec![]), failed];
        assert_eq!(
            read(&p, &mut q).unwrap_err(),
            "total query: prometheus could not be reached: connection failed: refused (1 attempt)"
        );
    }

    #[test]
    fn raw_counters_count_each_replicas_increase() {
        let p = plan(Shape::Ratio, true);
        let mut q = [
            outcome(
                Role::Errors,
                vec![
                    series("a", &[("code", "500")], &[10.0, 12.0, 15.0]),
                    series("c", &[("code", "500")], &[1.0, 2.0]),
                ],
            ),
            outcome(
                Role::Total,
                vec![
                    series("a", &[("code", "200")], &[100.0, 200.0, 5.0]),
                    series("a", &[("code", "500")], &[10.0, 12.0, 15.0]),
                    series("b", &[("code", "200")], &[0.0, 50.0]),
                ],
            ),
        ];
        // a: 100 + 5 (reset) + 5 = 110 requests, 5 errors; b: 50, 0.
        assert_eq!(
            read(&p, &mut q),
            Ok(SideData::UnitCounts(vec![
                Counts::new(5, 110),
                Counts::new(0, 50)
            ]))
        );
        assert_eq!(
            q[0].warnings,
            vec!["errors of replica(s) c have no requests in the total query: left out"]
        );
    }

    #[test]
    fn means_take_replicas_as_the_unit_or_count_effective_points() {
        let p = plan(Shape::Continuous, false);
        let mut q = [outcome(
            Role::Values,
            vec![
                series("a", &[], &[1.0, 1.0, 1.0]),
                series("b", &[], &[2.0, 2.0, f64::NAN]),
                series("c", &[], &[3.0, 3.0, 3.0]),
            ],
        )];
        let Ok(SideData::Estimate(e)) = read(&p, &mut q) else {
            panic!("estimate");
        };
        assert_eq!(
            (e.value, e.df, e.replicas, e.n, e.removed),
            (2.0, 2.0, Some(3), 8, 1)
        );
        assert!((e.se - 1.0 / 3f64.sqrt()).abs() < 1e-15);
        let mut q = [outcome(
            Role::Values,
            vec![series("", &[], &[1.0, 2.0, 3.0, 4.0])],
        )];
        let Ok(SideData::Estimate(e)) = read(&p, &mut q) else {
            panic!("estimate");
        };
        assert_eq!((e.value, e.replicas), (2.5, None));
        assert!(e.effective.is_some_and(|n| n < 4.0));
    }

    #[test]
    fn histogram_quantiles_per_replica_on_the_log_scale() {
        let p = plan(Shape::Histogram { quantile: 0.5 }, false);
        let bucket = |r: &str, le: &str, a: f64, b: f64| series(r, &[("le", le)], &[a, b]);
        let mut q = [outcome(
            Role::Buckets,
            vec![
                bucket("a", "0.1", 0.0, 40.0),
                bucket("a", "0.2", 0.0, 80.0),
                bucket("a", "+Inf", 0.0, 100.0),
                bucket("b", "0.1", 0.0, 60.0),
                bucket("b", "0.2", 0.0, 90.0),
                bucket("b", "+Inf", 0.0, 100.0),
            ],
        )];
        let Ok(SideData::Estimate(e)) = read(&p, &mut q) else {
            panic!("estimate");
        };
        assert_eq!((e.n, e.replicas, e.df), (200, Some(2), 1.0));
        // a's median is inside (0.1, 0.2], b's inside (0, 0.1].
        assert!(e.level > 0.08 && e.level < 0.15, "{e:?}");
        let mut above = [outcome(
            Role::Buckets,
            vec![
                bucket("a", "0.1", 0.0, 1.0),
                bucket("a", "+Inf", 0.0, 100.0),
            ],
        )];
        assert!(
            read(&p, &mut above)
                .unwrap_err()
                .contains("above the largest")
        );
    }

    #[test]
    fn trend_slopes_per_replica() {
        let p = plan(Shape::Trend, false);
        let line = |r: &str, per_step: f64| {
            series(
                r,
                &[],
                &(0..10)
                    .map(|i| 100.0 + per_step * f64::from(i))
                    .collect::<Vec<_>>(),
            )
        };
        let mut q = [outcome(
            Role::Values,
            vec![line("a", 15.0), line("b", 30.0)],
        )];
        let Ok(SideData::Estimate(e)) = read(&p, &mut q) else {
            panic!("estimate");
        };
        // 15 and 30 per 15 s: 1 and 2 per second.
        assert!((e.value - 1.5).abs() < 1e-9, "{e:?}");
        assert_eq!(e.replicas, Some(2));
    }
}
