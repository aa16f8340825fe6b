//! Fixture data for comparisons: one deterministic data set (fixed seed)
//! with a stack per `group` label, loaded into a real Prometheus that the
//! tests running at the same time share (it stops when the last one drops
//! it).
//!
//! The window is the 10 minutes ending at [`AT`]; each group has 40
//! points at 15 s steps:
//!
//! | group | latency_seconds (p95 per scrape) | http_requests (per step) |
//! |---|---|---|
//! | blue (baseline) | log-normal around 100 ms | 500, no 5xx series at all |
//! | green (healthy canary) | same distribution | 500, no 5xx |
//! | slow | +30% | 500, no 5xx |
//! | errs | same as blue | 500, of which ~0.5% are 5xx |
//! | gappy | like blue, 3 points NaN | 500, no 5xx |
//! | (absent) | nothing | nothing |
//!
//! `green` and `slow` also have 40 normal points 7 days earlier, for
//! historical baselines.

use std::sync::{Arc, Mutex, Weak};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Poisson};

use super::prometheus::{Prometheus, openmetrics};

/// The end of the compared window.
pub const AT: &str = "2026-01-01T00:10:00Z";
pub const AT_UNIX: i64 = 1_767_226_200;
const WEEK: i64 = 7 * 86_400;

/// `(timestamp, value)` for the 40 points of the window ending `end`.
fn times(end: i64) -> impl Iterator<Item = i64> {
    (0..40).map(move |i| end - 585 + 15 * i)
}

pub fn fixture() -> String {
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let latency = LogNormal::new(0.1_f64.ln(), 0.08).unwrap();
    let errors: Poisson<f64> = Poisson::new(2.5).unwrap();
    let mut series: Vec<(String, Vec<(i64, f64)>)> = Vec::new();
    let lat = |rng: &mut ChaCha8Rng, group: &str, end: i64, factor: f64| {
        let points = times(end)
            .map(|t| (t, (latency.sample(rng) * factor * 1e5).round() / 1e5))
            .collect();
        (format!(r#"latency_seconds{{group="{group}"}}"#), points)
    };
    for (group, factor) in [
        ("blue", 1.0),
        ("green", 1.0),
        ("slow", 1.3),
        ("errs", 1.0),
        ("gappy", 1.0),
    ] {
        series.push(lat(&mut rng, group, AT_UNIX, factor));
    }
    for group in ["green", "slow"] {
        series.push(lat(&mut rng, group, AT_UNIX - WEEK, 1.0));
    }
    if let Some((_, points)) = series.iter_mut().find(|(s, _)| s.contains("gappy")) {
        for i in [3, 17, 30] {
            points[i].1 = f64::NAN;
        }
    }
    for group in ["blue", "green", "slow", "errs", "gappy"] {
        let ok: Vec<(i64, f64)> = times(AT_UNIX).map(|t| (t, 500.0)).collect();
        series.push((
            format!(r#"http_requests{{group="{group}",code="200"}}"#),
            ok,
        ));
    }
    let failed: Vec<(i64, f64)> = times(AT_UNIX)
        .map(|t| (t, errors.sample(&mut rng).min(500.0)))
        .collect();
    series.push((r#"http_requests{group="errs",code="500"}"#.into(), failed));
    // Two pods per side for `combine`: 0.1 and 0.2, plus (i % 7) ms.
    for group in ["blue", "green"] {
        for (pod, base) in [("a", 0.1), ("b", 0.2)] {
            let points = times(AT_UNIX)
                .enumerate()
                .map(|(i, t)| (t, base + (i % 7) as f64 * 0.001))
                .collect();
            series.push((
                format!(r#"latency_by_pod{{group="{group}",pod="{pod}"}}"#),
                points,
            ));
        }
    }
    let refs: Vec<(&str, Vec<(i64, f64)>)> = series
        .iter()
        .map(|(s, p)| (s.as_str(), p.clone()))
        .collect();
    openmetrics(&refs)
}

/// The shared Prometheus over [`fixture`].
pub fn prometheus() -> Arc<Prometheus> {
    static SHARED: Mutex<Weak<Prometheus>> = Mutex::new(Weak::new());
    let mut slot = SHARED.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(p) = slot.upgrade() {
        return p;
    }
    let p = Arc::new(Prometheus::start(&fixture()));
    *slot = Arc::downgrade(&p);
    p
}

/// The usual comparison: latency (critical) and 5xx ratio of `group`s.
pub fn config(url: &str, baseline: &str, canary: &str) -> String {
    format!(
        r#"compare:
  source: {{ type: prometheus, url: "{url}", timeout: 5s, retries: 1 }}
  window: 10m
  step: 15s
  baseline: {baseline}
  canary: {canary}
  metrics:
    - name: latency_p95
      query: latency_seconds{{group="{{{{group}}}}"}}
      unit: s
      tolerance: 10%
      critical: true
    - name: errors
      kind: ratio
      errors: sum(http_requests{{group="{{{{group}}}}",code=~"5.."}})
      total: sum(http_requests{{group="{{{{group}}}}"}})
      tolerance: 50%
"#
    )
}
