//! Watching a canary: `--watch 15m --every 1m` (or `watch:`/`every:` in
//! `compare:`) judges again as data arrives, a look per `every`, and stops
//! at the first clear no-go (and at the first clear go with
//! `stop_on_go`). Look `k` judges the window from the watch's start (or
//! `window` before the look, whichever is shorter) to `start + k·every`
//! (the last look at the watch's end); in real time it waits for that
//! instant, replaying the past when `--at` is earlier than now. A no-go
//! that comes only from missing data (a metric that must have data, still
//! under `min_samples` early on) does not stop the watch. A watch lasts
//! at most 24 hours, looks at most every 10 s and never more often than
//! the step, and cannot begin in the future.
//!
//! # Looking often without crying wolf
//!
//! Judging 15 times at 95% would give a healthy canary up to 15 chances of
//! a false alarm. Each look is instead judged at confidence `1 − α/K`
//! (K the planned looks; α = 1 − `confidence`): by the union bound the
//! chance that *any* look wrongly says no-go is at most α, however early
//! the watch stops, so every look's interval is valid at the moment it is
//! read — a confidence sequence over the planned looks. A mixture
//! sequential probability ratio test would spend α more efficiently over
//! long watches, but it needs a likelihood for each statistic; this bound
//! holds unchanged for every test the judge runs (exact Poisson, t on
//! replicas, quasi-Poisson), and it is one sentence to explain. Simulation
//! (`tests/e2e/simulation.rs`) measures what it costs in speed.
//!
//! Exit codes are those of `compare`: the last look's verdict decides.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::config::CompareEntry;
use super::plan::{CompareConfig, Comparison, Watch};
use super::resolve::{Look, resolve_look};
use super::result::{CompareResult, LookResult, WatchResult};
use super::sides::Overrides;
use super::template::promql_duration;
use crate::context::Context;
use crate::http::Deadline;
use crate::input::{ConfigError, ConfigText, Sourced};
use crate::outcome::Outcome;

/// The most looks a watch may plan, and its longest length.
const MAX_LOOKS: u128 = 1440;
const MAX_LENGTH: Duration = Duration::from_secs(24 * 3600);
/// The shortest time between looks.
const MIN_EVERY: Duration = Duration::from_secs(10);
const DEFAULT_EVERY: Duration = Duration::from_secs(60);

/// `--watch`, `--every` and `--stop-on-go` as given (flag or variable).
#[derive(Debug, Default)]
pub struct WatchArgs {
    pub watch: Option<Sourced>,
    pub every: Option<Sourced>,
    pub stop_on_go: bool,
}

/// The comparison, watched when asked: one look per `every` over `watch`.
pub fn plan(
    loaded: &ConfigText,
    entry: &CompareEntry,
    overrides: &Overrides,
    at: DateTime<Utc>,
    ctx: &Context,
    args: &WatchArgs,
) -> Result<Comparison, ConfigError> {
    let duration =
        |s: &Sourced| crate::duration::parse_positive(&s.value).map_err(|e| s.invalid(e));
    let length = match &args.watch {
        Some(s) => Some(duration(s)?),
        None => entry.watch.as_ref().map(|w| w.value.get()),
    };
    let Some(length) = length else {
        let stray = if args.every.is_some() || entry.every.is_some() {
            Some("`every`")
        } else if args.stop_on_go || entry.stop_on_go.is_some() {
            Some("`stop_on_go`")
        } else {
            None
        };
        if let Some(what) = stray {
            return Err(ConfigError::Usage(format!(
                "{what} applies to a watch: give `--watch 15m` (or `watch:` in `compare:`)"
            )));
        }
        return Ok(Comparison {
            first: resolve_look(loaded, entry, overrides, at, ctx, Look::ONE)?,
            later: Vec::new(),
            watch: None,
        });
    };
    let every = match &args.every {
        Some(s) => duration(s)?,
        None => entry
            .every
            .as_ref()
            .map_or(DEFAULT_EVERY, |e| e.value.get()),
    };
    if every < MIN_EVERY {
        return Err(ConfigError::Usage(format!(
            "every {}: look at most every {} (Prometheus scrapes every 15–60 s; sooner sees no new data)",
            promql_duration(every),
            promql_duration(MIN_EVERY)
        )));
    }
    if length > MAX_LENGTH {
        return Err(ConfigError::Usage(format!(
            "a watch of {} is longer than {}: watch a deploy, not a day",
            promql_duration(length),
            promql_duration(MAX_LENGTH)
        )));
    }
    let now = ctx.now;
    if at > now + chrono::Duration::seconds(60) {
        return Err(ConfigError::Usage(format!(
            "the watch would begin at {at}, later than now: give --at in the past (to replay) or leave it out"
        )));
    }
    if every > length {
        return Err(ConfigError::Usage(format!(
            "every {} is longer than the watch {}",
            promql_duration(every),
            promql_duration(length)
        )));
    }
    // A last, shorter interval still gets its look, at the watch's end.
    let looks = length.as_millis().div_ceil(every.as_millis());
    if looks > MAX_LOOKS {
        return Err(ConfigError::Usage(format!(
            "a watch of {} every {} is {looks} looks; at most {MAX_LOOKS}: look less often",
            promql_duration(length),
            promql_duration(every)
        )));
    }
    // Checked just above: at most 1440.
    let looks = u32::try_from(looks).unwrap_or(1);
    let mut planned = Vec::with_capacity(looks as usize);
    for k in 1..=looks {
        let since = (every * k).min(length);
        let end = chrono::Duration::from_std(since)
            .ok()
            .and_then(|d| at.checked_add_signed(d))
            .ok_or_else(|| {
                ConfigError::Usage("the watch ends past what a clock can count".into())
            })?;
        let look = Look {
            window: Some(since),
            looks,
        };
        let cfg = resolve_look(loaded, entry, overrides, end, ctx, look)?;
        let Some(step) = cfg.step.filter(|_| cfg.window.is_some()) else {
            return Err(ConfigError::Usage(format!(
                "`watch` needs a time-series source: a `{}` source's samples do not arrive over time",
                cfg.source_kind
            )));
        };
        if every < step {
            return Err(ConfigError::Usage(format!(
                "every {} is shorter than the step {}: the first look would reach back before the watch began",
                promql_duration(every),
                promql_duration(step)
            )));
        }
        planned.push(cfg);
    }
    let confidence = planned
        .first()
        .and_then(|c| c.metrics.first())
        .map_or(0.95, |m| m.spec.confidence);
    let mut planned = planned.into_iter();
    let first = planned
        .next()
        .ok_or_else(|| ConfigError::Usage("a watch needs at least one look".into()))?;
    Ok(Comparison {
        first,
        later: planned.collect(),
        watch: Some(Watch {
            start: at,
            length,
            every,
            stop_on_go: args.stop_on_go || entry.stop_on_go.unwrap_or(false),
            confidence,
            clock: (ctx.now, ctx.started),
        }),
    })
}

/// Runs the comparison; a watch waits for each look's instant, reports
/// each look to `progress` as it is judged, and stops as the rules say.
/// Each look has `deadline_length` to finish; without a watch the run's
/// `deadline` applies.
pub fn run(
    c: &Comparison,
    deadline: Deadline,
    deadline_length: Duration,
    progress: &mut dyn FnMut(&LookResult),
) -> CompareResult {
    let Some(watch) = &c.watch else {
        return super::run(&c.first, deadline);
    };
    let of = u32::try_from(c.later.len() + 1).unwrap_or(u32::MAX);
    let mut looks = Vec::new();
    let mut stopped = None;
    let mut number = 0;
    let mut judge = |cfg: &CompareConfig| -> CompareResult {
        number += 1;
        wait_until(watch, cfg.at);
        let result = super::run(cfg, Deadline::after(deadline_length));
        let look = LookResult {
            look: number,
            of,
            at: cfg.at,
            elapsed_s: u64::try_from((cfg.at - watch.start).num_seconds()).unwrap_or(0),
            outcome: result.outcome,
            summary: result.verdict.summary.clone(),
        };
        progress(&look);
        looks.push(look);
        result
    };
    let mut result = judge(&c.first);
    for cfg in &c.later {
        // A no-go only for missing data (an early look's short window under
        // `min_samples` of a metric that must have data) is not evidence:
        // keep watching.
        let regressed = result
            .verdict
            .metrics
            .iter()
            .any(|m| m.classification.is_regression());
        let why = match result.outcome {
            _ if !result.bad_queries.is_empty() => Some("a query was refused"),
            Outcome::NoGo if regressed => Some("a clear no-go"),
            Outcome::Go if watch.stop_on_go => Some("a clear go (stop_on_go)"),
            _ => None,
        };
        if let Some(why) = why {
            stopped = Some(why);
            break;
        }
        result = judge(cfg);
    }
    let stopped = stopped.map(|why| format!("stopped at look {} of {of}: {why}", looks.len()));
    result.watch = Some(WatchResult {
        start: watch.start,
        length: promql_duration(watch.length),
        every: promql_duration(watch.every),
        planned_looks: of,
        confidence: watch.confidence,
        stop_on_go: watch.stop_on_go,
        looks,
        stopped,
    });
    result
}

/// Sleeps until the wall clock reaches `at` (at once for the past).
fn wait_until(watch: &Watch, at: DateTime<Utc>) {
    let (wall, instant) = watch.clock;
    let now = wall + chrono::Duration::from_std(instant.elapsed()).unwrap_or_default();
    if let Ok(ahead) = (at - now).to_std() {
        log::debug!("watch: waiting {ahead:?} for the look at {at}");
        std::thread::sleep(ahead);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn the_past_is_not_waited_for() {
        let watch = Watch {
            start: Utc::now(),
            length: Duration::from_secs(60),
            every: Duration::from_secs(60),
            stop_on_go: false,
            confidence: 0.95,
            clock: (Utc::now(), Instant::now()),
        };
        let started = Instant::now();
        wait_until(&watch, Utc::now() - chrono::Duration::hours(1));
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}
