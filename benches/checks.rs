//! Benchmark (not a test): many checks against one local server that delays
//! every response, to show that a run takes about as long as its slowest
//! check per wave, not the sum. Run it with `bench/checks.sh`.
//!
//! ```text
//! checks  concurrency  delay  wall      slowest check  sum of checks  speed-up  passed
//! 200     32           200ms  1.45s     217ms          41.2s          28.5x     200
//! 200     64           200ms  0.82s     212ms          41.1s          50.0x     200
//! 200     200          200ms  0.28s     235ms          42.9s          151.6x    200
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/e2e/support/server.rs"]
#[allow(dead_code)]
mod server;

use std::time::{Duration, Instant};

use greenlight::Context;
use greenlight::checks::{self, CheckSpec, RunOptions};
use server::{Reply, Server};

fn main() {
    let arg = |name: &str, default: u64| {
        std::env::args()
            .skip_while(|a| a != name)
            .nth(1)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let count = arg("--checks", 200) as usize;
    let delay = Duration::from_millis(arg("--delay-ms", 200));
    let server = Server::fixed(Reply::text(200, "OK").delay(delay));
    let ctx = Context::from_process();
    let specs: Vec<CheckSpec> = (0..count)
        .map(|i| {
            let mut spec =
                CheckSpec::quick(&server.url(&format!("/{i}")), Some("200"), &["OK".into()])
                    .unwrap();
            spec.name = Some(format!("check-{i}"));
            spec
        })
        .collect();
    let checks = checks::prepare(&specs, &ctx).unwrap();

    println!(
        "checks  concurrency  delay  wall      slowest check  sum of checks  speed-up  passed"
    );
    for concurrency in [checks::DEFAULT_CONCURRENCY, 64, count] {
        let opts = RunOptions {
            concurrency,
            ..RunOptions::default()
        };
        let started = Instant::now();
        let run = checks::run(&checks, &opts);
        let wall = started.elapsed();
        let slowest = run.results.iter().map(|r| r.duration_ms).max().unwrap_or(0);
        let sum: u64 = run.results.iter().map(|r| r.duration_ms).sum();
        println!(
            "{count:<7} {concurrency:<12} {:<6} {:<9} {:<14} {:<14} {:<9} {}",
            format!("{}ms", delay.as_millis()),
            format!("{:.2}s", wall.as_secs_f64()),
            format!("{slowest}ms"),
            format!("{:.1}s", sum as f64 / 1000.0),
            format!("{:.1}x", sum as f64 / 1000.0 / wall.as_secs_f64()),
            run.totals.passed,
        );
    }
}
