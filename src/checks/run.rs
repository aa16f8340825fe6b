//! Running checks: a small pool of scoped threads (at most `concurrency`)
//! takes checks in order; each check retries until it passes or its retry
//! window closes; nothing runs past the run's deadline.
//!
//! Bounding time: every attempt's timeout is cut to what is left of the
//! check's retry window and of the run's deadline, so a hanging server holds
//! one worker at most until then, and a check still queued at the deadline
//! is reported as timed out without being sent. Total time is about
//! `ceil(checks / concurrency)` times the slowest check, and never more than
//! the deadline (plus the time to notice it).

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use crate::duration;

use super::check::Check;
use super::evaluate;
use super::options::RunOptions;
use super::redact;
use super::resolver::ConnectTo;
use super::result::{AssertKind, CheckOutcome, CheckResult, CheckRun};
use super::retry::Backoff;
use super::tls_probe::{self, CertInfo};
use super::transport::{self, Failure};

/// An attempt is not started with less time than this left (or the
/// check's timeout, if shorter): it would only time out.
const MIN_ATTEMPT: Duration = Duration::from_millis(500);

/// Runs every check and collects their results, in the checks' order.
pub fn run(checks: &[Check], opts: &RunOptions) -> CheckRun {
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<CheckResult>>> = Mutex::new(vec![None; checks.len()]);
    let workers = opts.concurrency.max(1).min(checks.len());
    thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::SeqCst);
                        let Some(check) = checks.get(i) else { break };
                        let result = run_one(check, opts);
                        slots.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
                    }
                })
            })
            .collect();
        for handle in handles {
            // A worker that panicked leaves its slot empty; reported below.
            let _ = handle.join();
        }
    });
    let slots = slots.into_inner().unwrap_or_else(|e| e.into_inner());
    let results = slots
        .into_iter()
        .zip(checks)
        .map(|(slot, check)| {
            slot.unwrap_or_else(|| {
                let mut r = blank(check, started);
                r.outcome = CheckOutcome::Error;
                r.error = Some("internal error: the check's worker stopped".into());
                r
            })
        })
        .collect();
    CheckRun::new(results, millis(started.elapsed()))
}

/// One check, with its retries.
fn run_one(check: &Check, opts: &RunOptions) -> CheckResult {
    let started = Instant::now();
    if opts.deadline.is_some_and(|d| started >= d) {
        let mut r = blank(check, started);
        r.outcome = CheckOutcome::TimedOut;
        r.error = Some("not started: the run's deadline passed while it waited its turn".into());
        return r;
    }
    // A window too long to add to an instant is no limit at all.
    let retry_until = check.retry.and_then(|r| started.checked_add(r.within));
    let stop = match (opts.deadline, retry_until) {
        (Some(d), Some(r)) => Some(d.min(r)),
        (d, r) => d.or(r),
    };
    let timeout = check.timeout.unwrap_or(opts.timeout);
    let mut backoff = check.retry.as_ref().map(Backoff::new);
    let mut attempts = 0;
    loop {
        attempts += 1;
        let budget = stop.map_or(timeout, |s| {
            timeout.min(s.saturating_duration_since(Instant::now()))
        });
        let mut result = attempt(check, opts, budget, started);
        if result.outcome == CheckOutcome::TimedOut && budget < timeout {
            let by = if opts.deadline.is_some_and(|d| Some(d) == stop) {
                "the run's deadline".to_string()
            } else {
                let within = check
                    .retry
                    .map(|r| duration::format(r.within))
                    .unwrap_or_default();
                format!("the end of its retry window ({within})")
            };
            result.error = Some(format!("no answer before {by}"));
        }
        log::debug!(
            "check `{}`: attempt {attempts}: {}",
            check.name,
            result.outcome.as_str()
        );
        let pause = match backoff.as_mut() {
            Some(b) if result.outcome != CheckOutcome::Passed && can_change(&result) => {
                b.next_pause()
            }
            Some(_) if result.outcome != CheckOutcome::Passed => {
                result
                    .warnings
                    .push("not retried: a certificate does not change while a deploy waits".into());
                return finish(check, result, attempts, started);
            }
            _ => return finish(check, result, attempts, started),
        };
        // The last attempt gets at least this long; a pause that would eat
        // into it is shortened, so the whole retry window is used.
        let last = MIN_ATTEMPT.min(timeout);
        let pause = match stop {
            None => pause,
            Some(s) => match s
                .saturating_duration_since(Instant::now())
                .checked_sub(last)
            {
                Some(room) => pause.min(room),
                None => return finish(check, result, attempts, started),
            },
        };
        thread::sleep(pause);
    }
}

/// Whether another attempt could see something else: not when every
/// failure is the certificate's (untrusted, expiring), which no fresh stack
/// fixes within a retry window.
fn can_change(r: &CheckResult) -> bool {
    let mut failures = r.failures().peekable();
    failures.peek().is_none() || failures.any(|a| a.kind != AssertKind::Tls)
}

/// One request and its judgement.
fn attempt(check: &Check, opts: &RunOptions, budget: Duration, started: Instant) -> CheckResult {
    let mut r = blank(check, started);
    if check.insecure && check.is_https() {
        r.warnings.push(
            "TLS certificate verification is off (insecure: true): this check cannot tell the \
             real server from an impostor"
                .into(),
        );
    }
    let attempt_started = Instant::now();
    let x = match transport::send(check, opts, budget) {
        Ok(x) => x,
        Err(Failure::TimedOut) => {
            r.outcome = CheckOutcome::TimedOut;
            r.error = Some(format!("no answer within {}", duration::format(budget)));
            return r;
        }
        Err(Failure::Unreachable(why)) => {
            r.outcome = CheckOutcome::Error;
            r.error = Some(format!("could not connect to {}: {why}", target(check)));
            return r;
        }
        Err(Failure::Broken(why)) => {
            r.outcome = CheckOutcome::Error;
            r.error = Some(why);
            return r;
        }
        Err(Failure::Certificate(why)) => {
            r.outcome = CheckOutcome::Failed;
            r.asserts.push(evaluate::certificate_rejected(check, &why));
            return r;
        }
    };
    let cert = check.expect.tls_days_left.map(|_| {
        match budget.saturating_sub(attempt_started.elapsed()) {
            left if left.is_zero() => Err("no time left to read the certificate".to_string()),
            left => probe(check, left),
        }
    });
    r.asserts = evaluate::asserts(check, &x, cert.as_ref(), opts.at, opts.max_body_bytes);
    r.status = Some(x.status);
    r.latency_ms = Some(millis(x.latency));
    r.final_url = x.final_url.as_deref().map(redact::url);
    r.connected_to = x.connected.clone();
    r.body_bytes = Some(x.body.len());
    r.body_truncated = x.truncated;
    r.tls_days_left = cert
        .as_ref()
        .and_then(|c| c.as_ref().ok())
        .map(|c| c.days_left(opts.at));
    if x.truncated {
        r.warnings.push(format!(
            "the body is larger than the {} bytes read: asserts ran on that part",
            opts.max_body_bytes
        ));
    }
    if check.follow_redirects > 0
        && (300..400).contains(&x.status)
        && x.header("location").is_some()
    {
        r.warnings.push(format!(
            "stopped after following {} redirects (follow_redirects: {})",
            check.follow_redirects, check.follow_redirects
        ));
    }
    let any_failed = r.failures().next().is_some();
    r.outcome = match (&cert, any_failed) {
        (Some(Err(why)), _) => {
            r.error = Some(format!("could not read the TLS certificate: {why}"));
            CheckOutcome::Error
        }
        (_, true) => CheckOutcome::Failed,
        (_, false) => CheckOutcome::Passed,
    };
    r
}

fn probe(check: &Check, budget: Duration) -> Result<CertInfo, String> {
    let (host, port) = check.host_port();
    let (connect_host, connect_port) = match &check.connect_to {
        Some(to) => (to.host.as_str(), to.port.unwrap_or(port)),
        None => (host, port),
    };
    tls_probe::probe((connect_host, connect_port), host, budget)
}

/// Where the connection went, for messages: `host:port`, or the pin.
fn target(check: &Check) -> String {
    let (host, port) = check.host_port();
    match &check.connect_to {
        Some(to) => {
            let pinned = ConnectTo {
                port: Some(to.port.unwrap_or(port)),
                ..to.clone()
            };
            format!("{pinned} (resolve for {host}:{port})")
        }
        None => format!("{host}:{port}"),
    }
}

fn blank(check: &Check, started: Instant) -> CheckResult {
    CheckResult {
        duration_ms: millis(started.elapsed()),
        ..CheckResult::blank(
            check.name.clone(),
            check.method.to_string(),
            check.shown_url.clone(),
            CheckOutcome::Error,
        )
    }
}

/// The last attempt's result, with the whole check's counts, and the
/// check's secrets masked in every text.
fn finish(check: &Check, mut r: CheckResult, attempts: u32, started: Instant) -> CheckResult {
    r.attempts = attempts;
    r.duration_ms = millis(started.elapsed());
    let clean = |s: &mut String| *s = check.redact(s);
    r.final_url.iter_mut().for_each(clean);
    r.error.iter_mut().for_each(clean);
    r.warnings.iter_mut().for_each(clean);
    for a in &mut r.asserts {
        clean(&mut a.description);
        clean(&mut a.expected);
        clean(&mut a.actual);
        a.note.iter_mut().for_each(clean);
    }
    r
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
