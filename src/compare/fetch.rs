//! Fetching every query of a comparison: both sides of every metric (and
//! both queries of a ratio), concurrently on a few threads, none past the
//! run's deadline. A query that fails is an outcome with its cause, never a
//! panic and never silently empty.
//!
//! Prometheus: the range query of the side's window, its series combined
//! as the metric says (`sum` by timestamp, `pool`, or one label value).
//! Files: the selected values. Every message is scrubbed of the source's
//! secrets.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use serde::Serialize;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::plan::{CompareConfig, Query, Role, Source};
use super::result::MetricQueries;
use crate::context::Context;
use crate::http::Deadline;
use crate::metrics::{self, Combine};
use crate::secret::{Secret, scrub};

/// At most this many queries run at once (Prometheus servers are shared).
const CONCURRENCY: usize = 8;

/// What one query gave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryOutcome {
    pub role: Role,
    /// PromQL as sent, or `path [column]`.
    pub query: String,
    /// Series returned (time-series sources).
    pub series: Option<usize>,
    /// Values after combining, non-finite ones included.
    pub values: usize,
    pub non_finite: usize,
    pub warnings: Vec<String>,
    pub error: Option<String>,
    pub duration_ms: u64,
    #[serde(skip)]
    pub data: Vec<f64>,
}

struct Task<'a> {
    metric: usize,
    baseline: bool,
    role: Role,
    query: &'a Query,
}

/// Runs every query of `cfg`; the result is in the metrics' order.
pub fn fetch_all(cfg: &CompareConfig, ctx: &Context, deadline: Deadline) -> Vec<MetricQueries> {
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
    let secrets = secrets(&cfg.source);
    // A file several queries read (a ratio's two columns, a shared
    // `results/{{group}}.csv`) is read once.
    let files: Files<'_> = tasks
        .iter()
        .filter_map(|t| match t.query {
            Query::File { path, .. } => Some((path.as_str(), OnceLock::new())),
            Query::Prometheus { .. } => None,
        })
        .collect();
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<QueryOutcome>>> = Mutex::new(vec![None; tasks.len()]);
    thread::scope(|scope| {
        for _ in 0..CONCURRENCY.min(tasks.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(task) = tasks.get(i) else { break };
                    let outcome = run(&cfg.source, task, ctx, deadline, &secrets, &files);
                    log::debug!(
                        "{} {} {}: {} value(s){}",
                        cfg.metrics[task.metric].spec.name,
                        if task.baseline { "baseline" } else { "canary" },
                        task.role.as_str(),
                        outcome.values,
                        outcome
                            .error
                            .as_deref()
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
        let outcome = slot.unwrap_or_else(|| QueryOutcome {
            error: Some("internal error: the query's worker stopped".into()),
            ..blank(task)
        });
        let f = &mut out[task.metric];
        match (task.baseline, f.baseline.as_mut()) {
            (true, Some(b)) => b.push(outcome),
            _ => f.canary.push(outcome),
        }
    }
    out
}

/// Everything that must not be printed, including basic auth as it
/// travels (`Basic dXNlcjpwYXNz`), in case a server echoes the header.
fn secrets(source: &Source) -> Vec<Secret> {
    match source {
        Source::Prometheus { source, secrets } => {
            let mut out: Vec<Secret> = source.bearer.iter().chain(secrets).cloned().collect();
            if let Some((user, password)) = &source.basic {
                out.push(password.clone());
                out.push(Secret::new(crate::http::base64(
                    format!("{user}:{}", password.expose()).as_bytes(),
                )));
            }
            out
        }
        Source::File => Vec::new(),
    }
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
        duration_ms: 0,
        data: Vec::new(),
    }
}

type Files<'a> = BTreeMap<&'a str, OnceLock<Result<String, metrics::file::FileError>>>;

fn run(
    source: &Source,
    task: &Task<'_>,
    ctx: &Context,
    deadline: Deadline,
    secrets: &[Secret],
    files: &Files<'_>,
) -> QueryOutcome {
    let started = Instant::now();
    let mut out = blank(task);
    if deadline.passed() {
        out.error = Some("not queried: the run's deadline had passed".into());
        return out;
    }
    let clean = |s: String| scrub(&s, &secrets.iter().collect::<Vec<_>>());
    let result = match (source, task.query) {
        (
            Source::Prometheus { source, .. },
            Query::Prometheus {
                promql,
                range,
                combine,
            },
        ) => source
            .query(promql, range, deadline)
            .map(|f| {
                out.series = Some(f.series.len());
                let data = metrics::samples(&f.series, combine);
                let mut warnings: Vec<String> = f
                    .warnings
                    .into_iter()
                    .map(|w| format!("{} warned: {w}", source.name))
                    .collect();
                if let Combine::Select { label, value } = combine {
                    if data.is_empty() && !f.series.is_empty() {
                        warnings.push(no_match(&f.series, label, value));
                    }
                }
                (data, warnings)
            })
            .map_err(|e| e.to_string()),
        (
            Source::File,
            Query::File {
                path,
                format,
                selector,
            },
        ) => files[path.as_str()]
            .get_or_init(|| metrics::file::load(&ctx.cwd.join(path), path))
            .clone()
            .and_then(|text| metrics::file::select(&text, path, *format, selector))
            .map(|v| (v.values, v.warnings))
            .map_err(|e| e.to_string()),
        _ => Err("internal error: the query does not match the source".into()),
    };
    match result {
        Ok((data, warnings)) => {
            out.values = data.len();
            out.non_finite = data.iter().filter(|v| !v.is_finite()).count();
            out.warnings = warnings.into_iter().map(clean).collect();
            out.data = data;
        }
        Err(e) => out.error = Some(clean(e)),
    }
    out.duration_ms = millis(started.elapsed());
    out
}

/// `no series has pod="x" (pod values seen: a, b)`.
fn no_match(series: &[metrics::Series], label: &str, value: &str) -> String {
    let mut seen: Vec<&str> = series
        .iter()
        .filter_map(|s| s.labels.get(label).map(String::as_str))
        .collect();
    seen.sort_unstable();
    seen.dedup();
    let seen = if seen.is_empty() {
        format!("no series has the label `{label}`")
    } else {
        format!("{label} values seen: {}", seen.join(", "))
    };
    format!("no series has {label}=\"{value}\" ({seen})")
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
