//! The judge on simulated production data in a real Prometheus (issue #10):
//! healthy A/A canaries at 0–10% replica variation and regressed canaries
//! (+20% latency, 3× errors, a 3 MiB/min leak), judged with the README's
//! recommended configuration ([`RECOMMENDED`]). The data is described in
//! [`crate::support::sim`].
//!
//! The suite runs a fixed-seed subset (`SIM_RUNS`, default 20 runs per
//! cell); `bench/simulate.sh` runs the full table (200 per cell) through
//! this same test. Either way the table is printed and the issue's targets
//! are checked on it:
//!
//! - A/A: no false no-go, and each metric's 95% interval contains "no
//!   change" in ≥ 90% of runs;
//! - regressions: each regressed metric is High in ≥ 90% of runs;
//! - watching (`--watch 15m --every 1m`): a 3× error canary is stopped
//!   within 5 minutes in ≥ 90% of runs, a healthy one never.

use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

use crate::support::prometheus::Prometheus;
use crate::support::sim::{CELLS, T0, generate, run_label};
use crate::support::tools::loud;

/// The README's recommended metrics for a service with raw counters and a
/// latency histogram.
const RECOMMENDED: &str = r#"compare:
  source: { type: prometheus, url: "URL", timeout: 20s }
  window: 10m
  baseline: { group: blue }
  canary: { group: green }
  metrics:
    - name: latency p95
      kind: histogram
      buckets: http_request_duration_seconds_bucket{run="{{run}}", group="{{group}}"}
      quantile: 0.95
      unit: s
      tolerance: 5%
      critical: true
    - name: 5xx ratio
      kind: ratio
      counters: true
      errors: http_requests_total{run="{{run}}", group="{{group}}", code="500"}
      total: http_requests_total{run="{{run}}", group="{{group}}"}
      tolerance: 50%
      critical: true
    - name: memory growth
      kind: trend
      query: process_resident_memory_bytes{run="{{run}}", group="{{group}}"}
      tolerance: 1MiB/min
      critical: true
"#;

/// Watching a canary: errors only, so that what stops it is the errors.
const WATCH: &str = r#"compare:
  source: { type: prometheus, url: "URL", timeout: 20s }
  window: 15m
  baseline: { group: blue }
  canary: { group: green }
  metrics:
    - name: 5xx ratio
      kind: ratio
      counters: true
      errors: http_requests_total{run="{{run}}", group="{{group}}", code="500"}
      total: http_requests_total{run="{{run}}", group="{{group}}"}
      tolerance: 50%
      critical: true
"#;

const METRICS: [&str; 3] = ["latency p95", "5xx ratio", "memory growth"];

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One judged run.
struct Judged {
    cell: usize,
    outcome: String,
    /// Per metric: (classification, interval contains no change).
    metrics: Vec<(String, bool)>,
    /// Watch runs: the minute of the look that stopped it with a no-go.
    stopped_at: Option<u64>,
}

fn greenlight(args: &[String]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_greenlight"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .output()
        .expect("run greenlight");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn judge_run(config: &str, cell: usize, run: &str, extra: &[&str]) -> Judged {
    let mut args: Vec<String> = [
        "compare",
        "--config",
        config,
        "--format",
        "json",
        "--baseline",
        &format!("run={run}"),
        "--canary",
        &format!("run={run}"),
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    args.extend(extra.iter().map(ToString::to_string));
    let (code, stdout, stderr) = greenlight(&args);
    let doc: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{run}: exit {code}: {e}\n{stdout}\n{stderr}"));
    let metrics = doc["verdict"]["metrics"]
        .as_array()
        .map(|ms| {
            ms.iter()
                .map(|m| {
                    let none = if m["interval"]["measure"] == "rate_ratio" {
                        1.0
                    } else {
                        0.0
                    };
                    let lo = m["interval"]["lower"].as_f64().unwrap_or(f64::NAN);
                    let hi = m["interval"]["upper"].as_f64().unwrap_or(f64::NAN);
                    let class = m["classification"].as_str().unwrap_or("?").to_string();
                    if std::env::var("SIM_VERBOSE").is_ok_and(|v| run.starts_with(&v)) {
                        loud(&format!("{run}: {}\n", m["reason"]));
                    }
                    (class, lo <= none && none <= hi)
                })
                .collect()
        })
        .unwrap_or_default();
    let stopped_at = doc["watch"]["looks"].as_array().and_then(|looks| {
        let last = looks.last()?;
        (last["outcome"] == "no_go").then(|| last["elapsed_s"].as_u64().unwrap_or(0) / 60)
    });
    Judged {
        cell,
        outcome: doc["outcome"].as_str().unwrap_or("?").to_string(),
        metrics,
        stopped_at,
    }
}

/// Runs `jobs` on two threads (the machine has two cores).
fn run_all(jobs: Vec<Box<dyn Fn() -> Judged + Send + Sync>>) -> Vec<Judged> {
    let next = AtomicUsize::new(0);
    let out = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(job) = jobs.get(i) else { break };
                    let j = job();
                    out.lock().unwrap().push(j);
                }
            });
        }
    });
    out.into_inner().unwrap()
}

/// At most 1% of `n` false alarms, rounded up (1 of a 20-run subset).
fn allowed(n: usize) -> usize {
    n.div_ceil(100)
}

fn pct(k: usize, n: usize) -> f64 {
    if n == 0 {
        0.0
    } else {
        100.0 * k as f64 / n as f64
    }
}

#[test]
fn the_judge_on_simulated_services() {
    let runs = env_usize("SIM_RUNS", 20);
    let watch_runs = env_usize("SIM_WATCH_RUNS", runs);
    let seed = env_usize("SIM_SEED", 1) as u64;
    let started = std::time::Instant::now();
    let data = generate(&CELLS, runs, seed);
    let generated = started.elapsed();
    let prom = Prometheus::start_for(&data, 3600);
    drop(data);
    let loaded = started.elapsed();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, yaml: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, yaml.replace("URL", &prom.url())).unwrap();
        path.display().to_string()
    };
    let recommended = write("recommended.yml", RECOMMENDED);
    let watch = write("watch.yml", WATCH);
    let at = chrono_at(T0 + 600);
    let watch_from = chrono_at(T0);

    // SIM_SHOW=reg-3-0,aa-3-1: print those runs as a person sees them (the
    // README's examples come from here).
    for run in std::env::var("SIM_SHOW")
        .unwrap_or_default()
        .split(',')
        .filter(|r| !r.is_empty())
    {
        for (config, extra) in [
            (&recommended, vec!["--at".to_string(), at.clone()]),
            (
                &watch,
                vec![
                    "--at".to_string(),
                    watch_from.clone(),
                    "--watch".into(),
                    "15m".into(),
                    "--every".into(),
                    "1m".into(),
                ],
            ),
        ] {
            let mut args: Vec<String> = vec![
                "compare".into(),
                "--config".into(),
                config.clone(),
                "--color".into(),
                "never".into(),
            ];
            args.extend([
                "--baseline".to_string(),
                format!("run={run}"),
                "--canary".into(),
                format!("run={run}"),
            ]);
            args.extend(extra);
            let (code, stdout, stderr) = greenlight(&args);
            loud(&format!(
                "\n$ greenlight {} (exit {code})\n{stderr}{stdout}",
                args.join(" ")
            ));
        }
    }

    let mut jobs: Vec<Box<dyn Fn() -> Judged + Send + Sync>> = Vec::new();
    for (c, cell) in CELLS.iter().enumerate() {
        for k in 0..runs {
            let (config, run, at) = (recommended.clone(), run_label(cell, k), at.clone());
            jobs.push(Box::new(move || {
                judge_run(&config, c, &run, &["--at", &at])
            }));
        }
    }
    // Watching: healthy and regressed canaries at 3% variation.
    let watched: Vec<usize> = CELLS
        .iter()
        .enumerate()
        .filter(|(_, c)| c.variation == 0.03 && c.canary_replicas == 3)
        .map(|(i, _)| i)
        .collect();
    for &c in &watched {
        for k in 0..watch_runs.min(runs) {
            let (config, run, from) = (watch.clone(), run_label(&CELLS[c], k), watch_from.clone());
            jobs.push(Box::new(move || {
                let mut j = judge_run(
                    &config,
                    c,
                    &run,
                    &["--at", &from, "--watch", "15m", "--every", "1m"],
                );
                j.cell += 100;
                j
            }));
        }
    }
    let results = run_all(jobs);
    let judged = started.elapsed();

    let mut table = format!(
        "\nSimulated services ({runs} runs per cell, seed {seed}; data {:.1}s, Prometheus loaded {:.1}s, judged {:.1}s)\n\n| cell | replica variation | replicas | canary | runs | no-go | go |",
        generated.as_secs_f64(),
        (loaded - generated).as_secs_f64(),
        (judged - loaded).as_secs_f64()
    );
    for m in METRICS {
        table.push_str(&format!(" {m}: high | {m}: CI has 0 |"));
    }
    table.push_str("\n|---|---|---|---|---|---|---|");
    table.push_str(&"---|---|".repeat(METRICS.len()));
    table.push('\n');
    let mut failures = Vec::new();
    let mut aa_cover = vec![(0, 0); METRICS.len()];
    for (c, cell) in CELLS.iter().enumerate() {
        let rs: Vec<&Judged> = results.iter().filter(|j| j.cell == c).collect();
        let n = rs.len();
        let nogo = rs.iter().filter(|j| j.outcome == "no_go").count();
        let go = rs.iter().filter(|j| j.outcome == "go").count();
        table.push_str(&format!(
            "| {} | {:.0}% | 3 vs {} | {} | {n} | {:.1}% | {:.1}% |",
            cell.name,
            cell.variation * 100.0,
            cell.canary_replicas,
            if cell.regression {
                "+20% latency, 3× errors, 3 MiB/min leak"
            } else {
                "healthy"
            },
            pct(nogo, n),
            pct(go, n)
        ));
        for (i, m) in METRICS.iter().enumerate() {
            let high = rs
                .iter()
                .filter(|j| j.metrics.get(i).is_some_and(|x| x.0 == "high"))
                .count();
            let cover = rs
                .iter()
                .filter(|j| j.metrics.get(i).is_some_and(|x| x.1))
                .count();
            table.push_str(&format!(" {:.1}% | {:.1}% |", pct(high, n), pct(cover, n)));
            // The targets are for 3 vs 3 replicas; one pod against three
            // is shown for what it is (honestly wider).
            if cell.regression
                && cell.canary_replicas == 3
                && cell.variation <= 0.03
                && pct(high, n) < 90.0
            {
                failures.push(format!(
                    "{}: {m} high in {:.1}% (< 90%)",
                    cell.name,
                    pct(high, n)
                ));
            }
            if !cell.regression {
                aa_cover[i].0 += cover;
                aa_cover[i].1 += n;
            }
        }
        table.push('\n');
        // Healthy: at most 1% false no-go.
        if !cell.regression && nogo > allowed(n) {
            failures.push(format!(
                "{}: {nogo} of {n} healthy canaries were no-go",
                cell.name
            ));
        }
    }
    for (i, m) in METRICS.iter().enumerate() {
        let (k, n) = aa_cover[i];
        table.push_str(&format!(
            "\nA/A: the 95% interval of {m} contains no change in {:.1}% of {n} runs",
            pct(k, n)
        ));
        if pct(k, n) < 90.0 {
            failures.push(format!("A/A coverage of {m}: {:.1}% (< 90%)", pct(k, n)));
        }
    }
    table.push('\n');
    for &c in &watched {
        let rs: Vec<&Judged> = results.iter().filter(|j| j.cell == c + 100).collect();
        let n = rs.len();
        let cell = &CELLS[c];
        let stopped = rs.iter().filter(|j| j.stopped_at.is_some()).count();
        let early = rs
            .iter()
            .filter(|j| j.stopped_at.is_some_and(|m| m <= 5))
            .count();
        let mut minutes: Vec<u64> = rs.iter().filter_map(|j| j.stopped_at).collect();
        minutes.sort_unstable();
        let median = minutes.get(minutes.len() / 2).copied();
        table.push_str(&format!(
            "\nwatch 15m every 1m, {} ({}% variation): {n} runs, no-go in {:.1}%, within 5 minutes in {:.1}%, median stop minute {}",
            if cell.regression { "3× errors" } else { "healthy" },
            cell.variation * 100.0,
            pct(stopped, n),
            pct(early, n),
            median.map_or("-".into(), |m| m.to_string())
        ));
        if cell.regression && pct(early, n) < 90.0 {
            failures.push(format!(
                "watch: 3× errors stopped within 5 minutes in {:.1}% (< 90%)",
                pct(early, n)
            ));
        }
        if !cell.regression && stopped > allowed(n) {
            failures.push(format!(
                "watch: {stopped} of {n} healthy canaries were stopped"
            ));
        }
    }
    table.push('\n');
    loud(&table);
    assert!(
        failures.is_empty(),
        "targets missed:\n{}",
        failures.join("\n")
    );
}

fn chrono_at(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}
