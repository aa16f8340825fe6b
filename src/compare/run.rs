//! One comparison, start to finish: fetch every query ([`super::fetch`]),
//! turn each side's series into evidence ([`super::evidence`]), judge
//! ([`crate::judge::judge_all`]), and gather the result as data.
//!
//! A ratio side's counts (without `counters: true`) are the sums over the
//! window of its `errors` and `total` values (per-step increases, e.g.
//! `sum(increase(x[{{step}}]))`), rounded to whole numbers; an `errors`
//! query with no series counts as zero errors (Prometheus returns nothing
//! for a counter that never rose), a `total` with none as no requests (No
//! data). Non-finite values in counts are left out and reported.

use std::time::Instant;

use super::evidence::{Reading, SideData, side_data};
use super::fetch::fetch_all;
use super::plan::{Baseline, CompareConfig, MetricPlan, Shape, Side};
use super::result::{
    BaselineInfo, BaselineKind, CompareResult, MetricQueries, SideInfo, SourceInfo,
};
use super::template::promql_duration;
use crate::failure::FailureKind;
use crate::http::Deadline;
use crate::judge::{Data, Judgeable, MetricInput, Scale, Statistic, judge_all};

/// A metric's baseline (`None` for a bound) and canary data, or why not.
type Sides = (Option<Result<SideData, String>>, Result<SideData, String>);

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
    for (f, plan) in queries.iter_mut().zip(&cfg.metrics) {
        let reading = Reading {
            plan,
            replica_label: &cfg.replica_label,
            time_series: cfg.window.is_some(),
        };
        let start = |side: Option<&Side>| {
            side.and_then(|s| s.range)
                .map(|r| r.start.timestamp_millis() as f64 / 1000.0)
        };
        let baseline_start = start(cfg.baseline.side());
        let baseline = f
            .baseline
            .as_mut()
            .map(|q| side_data(&reading, baseline_start, q));
        let canary = side_data(&reading, start(Some(&cfg.canary)), &mut f.canary);
        warnings.extend(side_warnings(f));
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
        watch: None,
        locked_after: None,
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
        (None, Some(Ok(SideData::UnitCounts(b))), SideData::UnitCounts(c)) => Data::UnitCounts {
            baseline: b,
            canary: c,
        },
        (None, Some(Ok(SideData::Estimate(b))), SideData::Estimate(c)) => {
            let (scale, statistic) = match plan.shape {
                Shape::Histogram { quantile } => (Scale::Log, Statistic::Quantile { q: quantile }),
                Shape::Trend => (Scale::Linear, Statistic::Slope),
                Shape::Continuous | Shape::Ratio => (Scale::Linear, Statistic::Mean),
            };
            Data::Estimates {
                baseline: *b,
                canary: *c,
                scale,
                statistic,
            }
        }
        _ => return unavailable("internal error: the sides' data do not match".into()),
    };
    Judgeable::Data(MetricInput { spec, data })
}

/// A metric's query warnings, each prefixed with the metric and side; one
/// said by both sides is said once.
fn side_warnings(f: &MetricQueries) -> Vec<String> {
    let baseline: Vec<&String> = f
        .baseline
        .iter()
        .flatten()
        .flat_map(|q| &q.warnings)
        .collect();
    let mut out = Vec::new();
    for w in &baseline {
        let both = f.canary.iter().any(|q| q.warnings.contains(w));
        out.push(if both {
            format!("{}: {w}", f.metric)
        } else {
            format!("{} (baseline): {w}", f.metric)
        });
    }
    for q in &f.canary {
        for w in q.warnings.iter().filter(|w| !baseline.contains(w)) {
            out.push(format!("{} (canary): {w}", f.metric));
        }
    }
    out.dedup();
    out
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
