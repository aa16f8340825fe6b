//! Reading every configured source at once, each bounded by the run's
//! deadline, with expiry judged at the run's one clock (`--at` or now).

use std::time::Instant;

use chrono::{DateTime, Utc};

use super::source::LockSource;
use super::{LockReading, LockState};
use crate::failure::Failure;
use crate::http::Deadline;

/// Reads every source in parallel; the readings are in the sources' order.
pub fn check_all(
    sources: &[Box<dyn LockSource>],
    at: DateTime<Utc>,
    deadline: Deadline,
) -> Vec<LockReading> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = sources
            .iter()
            .map(|source| {
                scope.spawn(move || {
                    let started = Instant::now();
                    let reading = source.read(deadline);
                    LockReading {
                        source: source.name().to_string(),
                        kind: source.kind(),
                        state: reading.state.expire(at),
                        attempts: reading.attempts,
                        elapsed_ms: u64::try_from(started.elapsed().as_millis())
                            .unwrap_or(u64::MAX),
                        guard: reading.guard,
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .zip(sources)
            .map(|(h, source)| {
                // A reader that panicked is a source we could not read.
                h.join().unwrap_or_else(|_| LockReading {
                    source: source.name().to_string(),
                    kind: source.kind(),
                    state: LockState::unavailable(Failure::Internal(
                        "the source's reader stopped".into(),
                    )),
                    attempts: 0,
                    elapsed_ms: 0,
                    guard: None,
                })
            })
            .collect()
    })
}
