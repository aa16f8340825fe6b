//! Fetching every query of a comparison: both sides of every metric (and
//! both queries of a ratio), concurrently on a few threads, none past the
//! run's deadline. A query that fails is an outcome with its typed cause,
//! never a panic and never silently empty.
//!
//! Each query's series are kept as fetched (a `combine` selection applied,
//! [`super::combine`]) for [`super::evidence`]; every message is scrubbed of
//! the source's secrets.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use super::combine;
use super::plan::CompareConfig;
use super::result::{MetricQueries, QueryOutcome};
use crate::failure::Failure;
use crate::http::Deadline;
use crate::metrics::{MetricsError, Query, Role};
use crate::secret::Secrets;

/// At most this many queries run at once (Prometheus servers are shared).
const CONCURRENCY: usize = 8;

struct Task<'a> {
    metric: usize,
    baseline: bool,
    role: Role,
    query: &'a dyn Query,
}

/// Runs every query of `cfg`; the result is in the metrics' order.
pub fn fetch_all(cfg: &CompareConfig, deadline: Deadline) -> Vec<MetricQueries> {
    let mut tasks = Vec::new();
    for (i, m) in cfg.metrics.iter().enumerate() {
        for (side, baseline) in [(m.baseline.as_ref(), true), (Some(&m.canary), false)] {
            for (role, query) in side.map(|s| s.queries()).unwrap_or_default() {
                tasks.push(Task {
                    metric: i,
                    baseline,
                    role,
                    query,
                });
            }
        }
    }
    let secrets = cfg.source.secrets();
    let labelled = cfg.window.is_some();
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<QueryOutcome>>> = Mutex::new(vec![None; tasks.len()]);
    thread::scope(|scope| {
        for _ in 0..CONCURRENCY.min(tasks.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(task) = tasks.get(i) else { break };
                    let plan = &cfg.metrics[task.metric];
                    let outcome = run(task, &plan.combine, deadline, &secrets, labelled);
                    log::debug!(
                        "{} {} {}: {} value(s){}",
                        plan.spec.name,
                        if task.baseline { "baseline" } else { "canary" },
                        task.role.as_str(),
                        outcome.values,
                        outcome
                            .error
                            .as_ref()
                            .map(|e| format!(", {e}"))
                            .unwrap_or_default()
                    );
                    slots.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(outcome);
                }
            });
        }
    });
    let slots = slots.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut out: Vec<MetricQueries> = cfg
        .metrics
        .iter()
        .map(|m| MetricQueries {
            metric: m.spec.name.clone(),
            baseline: m.baseline.as_ref().map(|_| Vec::new()),
            canary: Vec::new(),
        })
        .collect();
    for (task, slot) in tasks.iter().zip(slots) {
        // A worker that panicked leaves its slot empty: say so, never pass.
        let outcome = slot.unwrap_or_else(|| {
            let mut o = blank(task);
            o.fail(MetricsError {
                source_name: cfg.source.name().to_string(),
                failure: Failure::Internal("the query's worker stopped".into()),
            });
            o
        });
        let f = &mut out[task.metric];
        match (task.baseline, f.baseline.as_mut()) {
            (true, Some(b)) => b.push(outcome),
            _ => f.canary.push(outcome),
        }
    }
    out
}

fn blank(task: &Task<'_>) -> QueryOutcome {
    QueryOutcome {
        role: task.role,
        query: task.query.describe(),
        series: None,
        values: 0,
        non_finite: 0,
        warnings: Vec::new(),
        error: None,
        error_kind: None,
        duration_ms: 0,
        fetched: Vec::new(),
    }
}

fn run(
    task: &Task<'_>,
    combine: &combine::Combine,
    deadline: Deadline,
    secrets: &Secrets,
    labelled: bool,
) -> QueryOutcome {
    let started = Instant::now();
    let mut out = blank(task);
    if deadline.passed() {
        out.fail(MetricsError {
            source_name: String::new(),
            failure: Failure::NotRun("not queried: the run's deadline had passed".into()),
        });
        return out;
    }
    match task.query.fetch(deadline) {
        Ok(f) => {
            if labelled {
                out.series = Some(f.series.len());
            }
            let (kept, no_match) = combine::select(f.series, combine);
            let mut warnings: Vec<String> = f.warnings;
            warnings.extend(no_match);
            warnings.extend(task.query.notes());
            out.values = kept.iter().map(|s| s.values.len()).sum();
            out.non_finite = kept
                .iter()
                .flat_map(|s| &s.values)
                .filter(|v| !v.is_finite())
                .count();
            out.warnings = warnings.iter().map(|w| secrets.clean(w)).collect();
            out.fetched = kept;
        }
        Err(e) => out.fail(e.scrub(secrets)),
    }
    out.duration_ms = millis(started.elapsed());
    out
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
