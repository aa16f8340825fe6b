//! One comparison, start to finish: fetch every query ([`super::fetch`]),
//! turn each side's values into samples or counts, judge
//! ([`crate::judge::judge_all`]), and gather the result as data.
//!
//! A ratio side's counts are the sums over the window of its `errors` and
//! `total` values (write them as per-step increases, e.g.
//! `sum(increase(x[{{step}}]))`), rounded to whole numbers; an `errors`
//! query with no series counts as zero errors (Prometheus returns nothing
//! for a counter that never rose), a `total` with none as no requests (No
//! data). Non-finite values in counts are left out and reported.

use std::time::Instant;

use super::fetch::fetch_all;
use super::plan::{Baseline, CompareConfig, MetricPlan, Side};
use super::result::{
    BaselineInfo, BaselineKind, CompareResult, QueryOutcome, SideInfo, SourceInfo,
};
use super::template::promql_duration;
use crate::failure::FailureKind;
use crate::http::Deadline;
use crate::judge::{Counts, Data, Judgeable, MetricInput, judge_all};
use crate::metrics::Role;

/// A metric's baseline (`None` for a bound) and canary data, or why not.
type Sides = (Option<Result<SideData, String>>, Result<SideData, String>);

/// One side's data, ready for the judge.
enum SideData {
    Samples(Vec<f64>),
    Counts(Counts),
}

pub fn run(cfg: &CompareConfig, deadline: Deadline) -> CompareResult {
    let started = Instant::now();
    let mut queries = fetch_all(cfg, deadline);
    let mut warnings = Vec::new();
    if let Baseline::Historical { offset, .. } = &cfg.baseline {
        warnings.push(format!(
            "the baseline is the same queries {} earlier (historical): weaker evidence than a baseline running beside the canary, since traffic, time of day, dependencies and other deploys differ between the two windows",
            crate::duration::format(*offset)
        ));
    }
    let mut sides: Vec<Sides> = Vec::new();
    for f in &mut queries {
        let baseline = f.baseline.as_mut().map(|q| side_data(q));
        let canary = side_data(&mut f.canary);
        for (side, q) in f.sides() {
            for w in &q.warnings {
                warnings.push(format!("{} ({side}): {w}", f.metric));
            }
        }
        sides.push((baseline, canary));
    }
    let items: Vec<Judgeable<'_>> = cfg
        .metrics
        .iter()
        .zip(&sides)
        .map(|(plan, (b, c))| judgeable(plan, b.as_ref(), c))
        .collect();
    let verdict = judge_all(&items, cfg.thresholds);
    let bad_queries = queries
        .iter()
        .flat_map(|m| m.sides().map(move |(side, q)| (m, side, q)))
        .filter_map(|(m, side, q)| match &q.error {
            Some(e) if e.kind() == FailureKind::Rejected => {
                Some(format!("{} ({side}): {e}", m.metric))
            }
            _ => None,
        })
        .collect();
    CompareResult {
        outcome: verdict.outcome,
        at: cfg.at,
        source: source_info(cfg),
        baseline: baseline_info(&cfg.baseline),
        canary: side_info(&cfg.canary),
        warnings,
        verdict,
        queries,
        bad_queries,
        duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    }
}

fn judgeable<'a>(
    plan: &'a MetricPlan,
    baseline: Option<&'a Result<SideData, String>>,
    canary: &'a Result<SideData, String>,
) -> Judgeable<'a> {
    let spec = &plan.spec;
    let unavailable = |cause: String| Judgeable::Unavailable {
        spec,
        threshold: plan.bound.is_some(),
        cause,
    };
    let canary = match (baseline, canary) {
        (Some(Err(b)), Err(c)) if b == c => return unavailable(c.clone()),
        (Some(Err(b)), Err(c)) => return unavailable(format!("baseline: {b}; canary: {c}")),
        (Some(Err(b)), Ok(_)) => return unavailable(format!("baseline: {b}")),
        (_, Err(c)) if plan.bound.is_some() => return unavailable(c.clone()),
        (_, Err(c)) => return unavailable(format!("canary: {c}")),
        (_, Ok(c)) => c,
    };
    let data = match (plan.bound, baseline, canary) {
        (Some(bound), _, SideData::Samples(c)) => Data::Threshold { canary: c, bound },
        (Some(bound), _, SideData::Counts(c)) => Data::RatioThreshold { canary: *c, bound },
        (None, Some(Ok(SideData::Samples(b))), SideData::Samples(c)) => Data::Continuous {
            baseline: b,
            canary: c,
        },
        (None, Some(Ok(SideData::Counts(b))), SideData::Counts(c)) => Data::Ratio {
            baseline: *b,
            canary: *c,
        },
        _ => return unavailable("internal error: the sides' data do not match".into()),
    };
    Judgeable::Data(MetricInput { spec, data })
}

/// Samples, or the counts of a ratio; the first query error is the error.
fn side_data(queries: &mut [QueryOutcome]) -> Result<SideData, String> {
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
    if !failed.is_empty() {
        // One cause (Prometheus down) is said once, not once per query.
        let mut errors = queries.iter().filter_map(|q| q.error.as_ref());
        let first = errors.next();
        if first.is_some() && failed.len() == queries.len() && errors.all(|e| Some(e) == first) {
            return Err(first.map(ToString::to_string).unwrap_or_default());
        }
        return Err(failed.join("; "));
    }
    match queries {
        [q] if q.role == Role::Values => Ok(SideData::Samples(std::mem::take(&mut q.data))),
        [errors, total] => Ok(SideData::Counts(Counts {
            errors: count(errors, "errors")?,
            total: count(total, "requests")?,
        })),
        _ => Err("internal error: unexpected queries".into()),
    }
}

/// The sum of a count query's finite values, as a whole number.
fn count(q: &mut QueryOutcome, what: &str) -> Result<u64, String> {
    let sum: f64 = q.data.iter().filter(|v| v.is_finite()).sum();
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

fn source_info(cfg: &CompareConfig) -> SourceInfo {
    SourceInfo {
        kind: cfg.source_kind,
        name: cfg.source.name().to_string(),
        url: cfg.source.url(),
        window: cfg.window.map(promql_duration),
        step: cfg.step.map(promql_duration),
    }
}

fn side_info(side: &Side) -> SideInfo {
    SideInfo {
        variables: side.variables.clone(),
        start: side.range.map(|r| r.start),
        end: side.range.map(|r| r.end),
    }
}

fn baseline_info(b: &Baseline) -> BaselineInfo {
    let (kind, offset) = match b {
        Baseline::Concurrent(_) => (BaselineKind::Concurrent, None),
        Baseline::Historical { offset, .. } => {
            (BaselineKind::Historical, Some(promql_duration(*offset)))
        }
        Baseline::None => (BaselineKind::None, None),
    };
    let side = b.side().map(side_info);
    BaselineInfo {
        kind,
        offset,
        variables: side
            .as_ref()
            .map(|s| s.variables.clone())
            .unwrap_or_default(),
        start: side.as_ref().and_then(|s| s.start),
        end: side.as_ref().and_then(|s| s.end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(role: Role, data: Vec<f64>) -> QueryOutcome {
        QueryOutcome {
            role,
            query: "q".into(),
            series: Some(1),
            values: data.len(),
            non_finite: data.iter().filter(|v| !v.is_finite()).count(),
            warnings: vec![],
            error: None,
            error_kind: None,
            duration_ms: 0,
            data,
        }
    }

    #[test]
    fn counts_are_rounded_sums_of_finite_values() {
        let mut q = [
            outcome(Role::Errors, vec![0.4, 1.2, f64::NAN]),
            outcome(Role::Total, vec![100.3, 99.9]),
        ];
        match side_data(&mut q) {
            Ok(SideData::Counts(c)) => assert_eq!((c.errors, c.total), (2, 200)),
            _ => panic!("counts"),
        }
        assert_eq!(
            q[0].warnings,
            vec!["1 non-finite value left out of the errors count"]
        );
    }

    #[test]
    fn no_errors_series_is_zero_errors_and_negative_counts_are_refused() {
        let mut q = [
            outcome(Role::Errors, vec![]),
            outcome(Role::Total, vec![50.0]),
        ];
        assert!(matches!(
            side_data(&mut q),
            Ok(SideData::Counts(Counts {
                errors: 0,
                total: 50
            }))
        ));
        let mut q = [
            outcome(Role::Errors, vec![-3.0]),
            outcome(Role::Total, vec![50.0]),
        ];
        assert_eq!(
            side_data(&mut q).err().unwrap(),
            "the errors add up to -3: counts cannot be negative"
        );
    }

    #[test]
    fn query_errors_name_the_query_of_a_ratio() {
        let mut failed = outcome(Role::Total, vec![]);
        failed.fail(crate::metrics::MetricsError {
            source_name: "prometheus".into(),
            failure: crate::failure::Failure::Http {
                error: crate::http::HttpError::Connect("refused".into()),
                attempts: 1,
            },
        });
        let mut q = [outcome(Role::Errors, vec![]), failed];
        assert_eq!(
            side_data(&mut q).err().unwrap(),
            "total query: prometheus could not be reached: connection failed: refused (1 attempt)"
        );
    }
}
