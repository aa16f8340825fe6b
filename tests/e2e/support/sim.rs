//! Simulated services the way production looks, for judging the judge on
//! real Prometheus data (issue #10).
//!
//! Each run is one deploy: a baseline group (`blue`) and a canary group
//! (`green`) of 3 replicas each, labelled `run`, `group` and `instance`,
//! from 2 minutes before the deploy (`T0`) to 15 minutes after it. Per run:
//!
//! - **Scrapes** every 15 s, each replica at its own offset (uniform in
//!   0–15 s), never aligned with a query's step grid.
//! - **Load** 50–200 requests/s per replica (drawn per run), wandering
//!   slowly and shared by every replica (log-load AR(1), φ = 0.97 per
//!   scrape, stationary sd ≈ 0.12), with 5% load-balancer imbalance per
//!   replica; arrivals are Poisson.
//! - **Latency** log-normal (median 50–300 ms, σ 0.4–0.7 per run), rising
//!   with load (`median × load^0.2`), in a classic histogram with
//!   Prometheus's default buckets (`http_request_duration_seconds_bucket`).
//! - **Errors** 0.5–2% of requests (drawn per run, rising with load) as
//!   `http_requests_total{code="500"}` beside `code="200"`.
//! - **Replica variation** `v` (0, 3, 6 or 10%): each replica's latency
//!   median and error rate are multiplied by `exp(N(0, v))`, baseline and
//!   canary alike.
//! - **Memory** `process_resident_memory_bytes`: 200 MiB ± 20%, a healthy
//!   drift of N(0, 0.25 MiB/min) per replica, a garbage-collector sawtooth
//!   (8 MiB, period 60–180 s) and 0.5 MiB of noise.
//! - **One canary pod** (`canary_replicas: 1`): the usual canary, one new
//!   pod beside the old replicas.
//! - **Regressions** (`regression: true`): the canary's latency ×1.2, its
//!   error rate ×3, and a 3 MiB/min leak, all at once (each metric is
//!   judged on its own).
//!
//! Everything comes from one ChaCha8 seed, so a run is the same data on
//! every machine.

use std::fmt::Write as _;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution, Normal, Poisson};

/// The deploy: the canary's data is judged from here.
pub const T0: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z
const BEFORE: f64 = 120.0;
const AFTER: f64 = 900.0;
const SCRAPE: f64 = 15.0;
const REPLICAS: usize = 3;
const MIB: f64 = 1_048_576.0;
/// Prometheus's default histogram buckets.
const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// A set of runs with the same conditions.
#[derive(Debug, Clone, Copy)]
pub struct Cell {
    pub name: &'static str,
    /// Replica-to-replica variation (0.03 = 3%).
    pub variation: f64,
    pub regression: bool,
    /// Replicas of the canary (the baseline has 3).
    pub canary_replicas: usize,
}

/// The cells of the issue's table.
/// The last two: a single canary pod against 3 baseline replicas.
pub const CELLS: [Cell; 8] = [
    Cell {
        name: "aa-0",
        variation: 0.0,
        regression: false,
        canary_replicas: 3,
    },
    Cell {
        name: "aa-3",
        variation: 0.03,
        regression: false,
        canary_replicas: 3,
    },
    Cell {
        name: "aa-6",
        variation: 0.06,
        regression: false,
        canary_replicas: 3,
    },
    Cell {
        name: "aa-10",
        variation: 0.10,
        regression: false,
        canary_replicas: 3,
    },
    Cell {
        name: "reg-0",
        variation: 0.0,
        regression: true,
        canary_replicas: 3,
    },
    Cell {
        name: "reg-3",
        variation: 0.03,
        regression: true,
        canary_replicas: 3,
    },
    Cell {
        name: "pod-aa-6",
        variation: 0.06,
        regression: false,
        canary_replicas: 1,
    },
    Cell {
        name: "pod-reg-3",
        variation: 0.03,
        regression: true,
        canary_replicas: 1,
    },
];

/// `run` label of run `k` of `cell`.
pub fn run_label(cell: &Cell, k: usize) -> String {
    format!("{}-{k}", cell.name)
}

fn normal_cdf(x: f64) -> f64 {
    1.0 - greenlight::judge::normal::sf(x)
}

/// Series by family: `(family, labels, points)`.
type Family = Vec<(String, Vec<(f64, f64)>)>;

struct Families {
    requests: Family,
    buckets: Family,
    memory: Family,
}

/// The OpenMetrics text of every run of every cell (for promtool).
pub fn generate(cells: &[Cell], runs: usize, seed: u64) -> String {
    let mut f = Families {
        requests: Vec::new(),
        buckets: Vec::new(),
        memory: Vec::new(),
    };
    for (c, cell) in cells.iter().enumerate() {
        for k in 0..runs {
            let mut rng = ChaCha8Rng::seed_from_u64(seed ^ ((c as u64) << 32) ^ k as u64);
            one_run(&mut rng, cell, &run_label(cell, k), &mut f);
        }
    }
    let mut out = String::with_capacity(64 << 20);
    for (name, family) in [
        ("http_requests_total", &f.requests),
        ("http_request_duration_seconds_bucket", &f.buckets),
        ("process_resident_memory_bytes", &f.memory),
    ] {
        let _ = writeln!(out, "# TYPE {name} gauge");
        for (labels, points) in family {
            for (t, v) in points {
                let _ = writeln!(out, "{name}{{{labels}}} {v} {t:.3}");
            }
        }
    }
    out.push_str("# EOF\n");
    out
}

fn one_run(rng: &mut ChaCha8Rng, cell: &Cell, run: &str, f: &mut Families) {
    let rps = rng.random_range(50.0..200.0);
    let error_rate = rng.random_range(0.005..0.02);
    let median = rng.random_range(0.05..0.3);
    let sigma = rng.random_range(0.4..0.7);
    let intervals = ((BEFORE + AFTER) / SCRAPE) as usize + 2;
    // Shared log-load, one value per scrape interval.
    let step = Normal::new(0.0, 0.03).unwrap();
    let mut load = Vec::with_capacity(intervals);
    let mut x: f64 = Normal::new(0.0, 0.12).unwrap().sample(rng);
    for _ in 0..intervals {
        x = 0.97 * x + step.sample(rng);
        load.push(x);
    }
    let spread: Normal<f64> = Normal::new(0.0, cell.variation.max(1e-12)).unwrap();
    let unit: Normal<f64> = Normal::new(0.0, 1.0).unwrap();
    for group in ["blue", "green"] {
        let canary_bad = cell.regression && group == "green";
        let replicas = if group == "green" {
            cell.canary_replicas
        } else {
            REPLICAS
        };
        for r in 0..replicas {
            let instance = format!("{group}-{r}");
            let labels = format!(r#"run="{run}",group="{group}",instance="{instance}""#);
            let offset = rng.random_range(0.0..SCRAPE);
            let share = (0.05 * unit.sample(rng)).exp();
            let lat_factor = if cell.variation > 0.0 {
                spread.sample(rng).exp()
            } else {
                1.0
            };
            let err_factor = if cell.variation > 0.0 {
                spread.sample(rng).exp()
            } else {
                1.0
            };
            let (lat_bad, err_bad) = if canary_bad { (1.2, 3.0) } else { (1.0, 1.0) };
            let mem_base = 200.0 * MIB * rng.random_range(0.8..1.2);
            let drift = 0.25 * MIB / 60.0 * unit.sample(rng);
            let leak = if canary_bad { 3.0 * MIB / 60.0 } else { 0.0 };
            let period = rng.random_range(60.0..180.0);
            let phase = rng.random_range(0.0..period);
            let mut ok: f64 = rng.random_range(0.0..1e6f64).round();
            let mut failed: f64 = rng.random_range(0.0..1e4f64).round();
            // Observations so far in each bucket (not yet cumulative in `le`).
            let mut cumulative = [0.0f64; BUCKETS.len() + 1];
            let (mut ok_pts, mut err_pts, mut mem_pts) = (Vec::new(), Vec::new(), Vec::new());
            let mut bucket_pts: Vec<Vec<(f64, f64)>> = vec![Vec::new(); BUCKETS.len() + 1];
            for (i, &l) in load.iter().enumerate().skip(1) {
                let t = T0 as f64 - BEFORE + offset + SCRAPE * i as f64;
                if t > T0 as f64 + AFTER {
                    break;
                }
                let mean = rps * share * l.exp() * SCRAPE;
                let n = Poisson::new(mean).unwrap().sample(rng);
                let p = (error_rate * err_factor * err_bad * (0.5 * l).exp()).min(0.5);
                let e = Binomial::new(n as u64, p).unwrap().sample(rng) as f64;
                ok += n - e;
                failed += e;
                ok_pts.push((t, ok));
                err_pts.push((t, failed));
                // Latencies of the interval's requests, bucketed.
                let mu = (median * lat_factor * lat_bad * (0.2 * l).exp()).ln();
                let mut left = n as u64;
                let mut below = 0.0;
                for (j, bound) in BUCKETS.iter().enumerate() {
                    let cdf = normal_cdf((bound.ln() - mu) / sigma);
                    let p_here = ((cdf - below) / (1.0 - below)).clamp(0.0, 1.0);
                    let here = if left == 0 || p_here <= 0.0 {
                        0
                    } else {
                        Binomial::new(left, p_here).unwrap().sample(rng)
                    };
                    left -= here;
                    below = cdf;
                    cumulative[j] += here as f64;
                }
                cumulative[BUCKETS.len()] += left as f64;
                // Cumulative over `le`: each bucket holds everything below it.
                let mut running = 0.0;
                for (j, pts) in bucket_pts.iter_mut().enumerate() {
                    running += cumulative[j];
                    pts.push((t, running));
                }
                let saw = 8.0 * MIB * (((t + phase) / period).fract());
                let noise = 0.5 * MIB * unit.sample(rng);
                let since = t - (T0 as f64 - BEFORE);
                mem_pts.push((t, mem_base + (drift + leak) * since + saw + noise));
            }
            f.requests.push((format!(r#"{labels},code="200""#), ok_pts));
            f.requests
                .push((format!(r#"{labels},code="500""#), err_pts));
            for (j, pts) in bucket_pts.into_iter().enumerate() {
                let le = BUCKETS.get(j).map_or("+Inf".to_string(), |b| b.to_string());
                f.buckets.push((format!(r#"{labels},le="{le}""#), pts));
            }
            f.memory.push((labels, mem_pts));
        }
    }
}
