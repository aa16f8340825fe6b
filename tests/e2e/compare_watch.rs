//! `--watch`: a look per `--every`, a line per look on stderr, the looks in
//! JSON, stops at the first clear no-go (or go with `--stop-on-go`), and
//! waits for real time when the looks lie ahead. The statistics of
//! watching are measured in `simulation.rs`.

use std::time::Instant;

use crate::support::canary::{AT_UNIX, config, prometheus};
use crate::support::test::Test;

/// The canary's window begins 10 minutes before `AT`.
const START: &str = "2026-01-01T00:00:00Z";
const _: () = assert!(AT_UNIX - 600 == 1_767_225_600);

/// Runs a watch; the shared Prometheus lives as long as the run.
fn watch(canary: &str, extra: &[&str], code: i32) -> crate::support::test::Run {
    let prom = prometheus();
    Test::new()
        .config(&config(&prom.url(), "{group: blue}", canary))
        .args(["compare", "--at", START, "--watch", "10m", "--every", "2m"])
        .args(extra.iter().copied())
        .status(code)
}

#[test]
fn a_watch_replays_the_past_and_stops_at_the_first_no_go() {
    let run = watch("{group: slow}", &[], 1);
    // Each look is judged at 95% shared out over the 5 looks: 99%.
    run.stdout_has("• Watched 10m every 2m from 2026-01-01 00:00:00 UTC:")
        .stdout_has("each at 99% confidence; stopped at look")
        .stdout_has(": a clear no-go; the last look decides")
        .stdout_has("✖ [high] latency_p95 rose")
        .stderr_has("look 1/5 (2m): ");
    let last = run.stderr.lines().last().unwrap_or_default().to_string();
    assert!(
        last.contains(": NO-GO: critical latency_p95 high"),
        "{last}"
    );
    assert!(!run.stderr.contains("look 5/5"), "{}", run.stderr);
}

#[test]
fn the_looks_are_in_the_json_and_a_healthy_canary_is_watched_to_the_end() {
    let run = watch("{group: green}", &["--format", "json"], 0);
    let doc = run.json();
    let w = &doc["watch"];
    assert_eq!(w["length"], "10m");
    assert_eq!(w["every"], "2m");
    assert_eq!(w["planned_looks"], 5);
    assert!((w["confidence"].as_f64().unwrap() - 0.99).abs() < 1e-12);
    assert!(w["stopped"].is_null());
    let looks = w["looks"].as_array().unwrap();
    assert_eq!(looks.len(), 5);
    assert_eq!(looks[4]["elapsed_s"], 600);
    assert_eq!(looks[4]["at"], "2026-01-01T00:10:00Z");
    assert_eq!(looks[4]["outcome"], "go");
    // The final verdict is the last look's, over the whole window.
    assert_eq!(doc["verdict"]["metrics"][0]["canary"]["n"], 40);
    assert!((doc["verdict"]["metrics"][0]["confidence"].as_f64().unwrap() - 0.99).abs() < 1e-12);
    // Early looks have fewer than min_samples points: inconclusive.
    assert_eq!(looks[0]["outcome"], "inconclusive");
}

#[test]
fn stop_on_go_stops_at_the_first_clear_go() {
    let run = watch("{group: green}", &["--stop-on-go", "--format", "json"], 0);
    let doc = run.json();
    let looks = doc["watch"]["looks"].as_array().unwrap();
    assert!(looks.len() < 5, "{looks:?}");
    assert!(
        doc["watch"]["stopped"]
            .as_str()
            .unwrap()
            .ends_with(": a clear go (stop_on_go)")
    );
}

#[test]
fn looks_ahead_wait_for_their_time() {
    // The one look lies 15 s ahead: the run waits for it.
    let at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let prom = prometheus();
    let started = Instant::now();
    let run = Test::new()
        .config(&config(&prom.url(), "{group: blue}", "{group: green}"))
        .args(["compare", "--at", &at, "--watch", "15s", "--every", "15s"])
        .status(3);
    let waited = started.elapsed().as_secs_f64();
    assert!(waited >= 13.5, "{waited}");
    run.stderr_has("look 1/1 (15s): INCONCLUSIVE");
}

#[test]
fn a_watch_is_checked_before_anything_runs() {
    let prom = prometheus();
    let cases: [(&[&str], &str); 8] = [
        (
            &["--every", "1m"],
            "`every` applies to a watch: give `--watch 15m`",
        ),
        (&["--stop-on-go"], "`stop_on_go` applies to a watch"),
        (
            &["--watch", "5m", "--every", "5s"],
            "every 5s: look at most every 10s",
        ),
        (
            &["--watch", "1m", "--every", "2m"],
            "every 2m is longer than the watch 1m",
        ),
        (
            &["--watch", "5m", "--every", "10s"],
            "every 10s is shorter than the step 15s",
        ),
        (&["--watch", "2d"], "a watch of 2d is longer than 1d"),
        (
            &["--watch", "24h", "--every", "30s"],
            "looks; at most 1440: look less often",
        ),
        (
            &["--watch", "10m", "--at", "2099-01-01T00:00:00Z"],
            "later than now: give --at in the past (to replay) or leave it out",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["compare"];
        if !args.contains(&"--at") {
            all.extend(["--at", START]);
        }
        all.extend(args.iter().copied());
        Test::new()
            .config(&config(&prom.url(), "{group: blue}", "{group: green}"))
            .args(all)
            .status(2)
            .stderr_has(message);
    }
    let files = "compare:\n  source: { type: file }\n  watch: 10m\n  metrics:\n    - { name: latency, baseline_file: b.csv, canary_file: c.csv, column: ms }\n";
    Test::new()
        .config(files)
        .file("b.csv", "ms\n1\n2\n")
        .file("c.csv", "ms\n1\n2\n")
        .args(["compare"])
        .status(2)
        .stderr_has("`watch` needs a time-series source");
}

#[test]
fn the_config_file_can_ask_for_a_watch() {
    let prom = prometheus();
    let yaml = config(&prom.url(), "{group: blue}", "{group: slow}").replace(
        "  window: 10m\n",
        "  window: 10m\n  watch: 10m\n  every: 5m\n",
    );
    let run = Test::new()
        .config(&yaml)
        .args(["compare", "--at", START, "--quiet"])
        .status(1);
    // --quiet: no lines per look, only the verdict.
    assert_eq!(run.stderr, "");
    run.stdout_has("✖ NO-GO: critical latency_p95 high");
}

#[test]
fn verify_checks_once_then_watches() {
    let stack =
        crate::support::Server::fixed(crate::support::Reply::json(200, r#"{"status":"ok"}"#));
    let prom = prometheus();
    let yaml = format!(
        "checks:\n  - name: health\n    url: {}\n",
        stack.url("/health")
    ) + &config(&prom.url(), "{group: blue}", "{group: slow}");
    let run = Test::new()
        .config(&yaml)
        .args(["verify", "--at", START, "--watch", "10m", "--every", "5m"])
        .status(1);
    assert_eq!(stack.requests().len(), 1, "the checks run once");
    run.stderr_has("look 1/2 (5m): ")
        .stdout_has("✖ NO-GO: the check passed; comparison no-go: critical latency_p95 high");
}

#[test]
fn a_watch_not_a_multiple_of_every_still_looks_at_its_end() {
    let prom = prometheus();
    let run = Test::new()
        .config(&config(&prom.url(), "{group: blue}", "{group: green}"))
        .args([
            "compare", "--at", START, "--watch", "10m", "--every", "4m", "--format", "json",
        ])
        .status(0);
    let looks: Vec<u64> = run.json()["watch"]["looks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["elapsed_s"].as_u64().unwrap())
        .collect();
    assert_eq!(looks, vec![240, 480, 600]);
}
