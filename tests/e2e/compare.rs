//! `greenlight compare` through the real binary against a real Prometheus
//! loaded with generated fixture data (see `support/canary.rs`): healthy
//! and regressed canaries, no data, historical and absolute baselines, a
//! Prometheus that is down or hangs, bad PromQL, JSON and JUnit output.

use std::time::{Duration, Instant};

use crate::support::Test;
use crate::support::canary::{AT, config, prometheus};
use crate::support::server::refused_url;

fn compare(yaml: &str) -> Test {
    Test::new().config(yaml).args(["compare", "--at", AT])
}

#[test]
fn a_healthy_canary_passes() {
    let prom = prometheus();
    let run = compare(&config(&prom.url(), "{group: blue}", "{group: green}")).status(0);
    run.stdout_has(&format!(
        "• Comparing canary {{group=green}} with baseline {{group=blue}}: prometheus ({}), 10m to 2026-01-01 00:10:00 UTC, step 15s",
        prom.url()
    ))
    .stdout_has("✔ [pass] latency_p95 changed")
    // A time series is judged by its mean, its points counted by how
    // independent they are (these fixture points are independent).
    .stdout_has("mean 100.8ms → 99.7ms, n=40/40 (≈40/≈40 independent) (critical)")
    .stdout_has("✔ [pass] errors 0% → 0%")
    .stdout_has("errors 0/20000 → 0/20000")
    .stdout_has("✔ GO: score 100 (go ≥ 95, inconclusive ≥ 75); 2 pass");
}

#[test]
fn raised_latency_fails_and_names_the_metric_with_its_numbers() {
    let prom = prometheus();
    let run = compare(&config(&prom.url(), "{group: blue}", "{group: slow}")).status(1);
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("✖ [high] latency_p95 rose "))
        .unwrap_or_else(|| panic!("no latency line:\n{}", run.stdout));
    for part in [
        "beyond tolerance 10% (at most 11",
        "ms)",
        "95% CI",
        "mean 10",
        "ms → 1",
        "n=40/40",
    ] {
        assert!(line.contains(part), "{part:?} missing from {line}");
    }
    // The HTML report draws both sides over the window's minutes.
    let t = compare(&config(&prom.url(), "{group: blue}", "{group: slow}"))
        .args(["--report", "html=report.html"]);
    t.status(1);
    let html = t.read("report.html");
    assert!(
        html.contains(r#"<polyline class="baseline""#)
            && html.contains(r#"<polyline class="canary""#)
    );
    assert!(
        html.contains("Over time (minutes from each side&apos;s window start)"),
        "timed series"
    );
    assert!(
        html.contains(">10m</text>")
            || html.contains(">9.8m</text>")
            || html.contains(">9.7m</text>"),
        "a 10-minute axis"
    );
    // The statistics behind it only with --verbose.
    assert!(!line.contains("p=") && !line.contains("Holm"), "{line}");
    let verbose = compare(&config(&prom.url(), "{group: blue}", "{group: slow}"))
        .args(["--verbose"])
        .status(1);
    verbose
        .stdout_has("(critical); p=")
        .stdout_has("Holm-adjusted");
    run.stdout_has("✖ NO-GO: critical latency_p95 high; score 50");
}

#[test]
fn errors_against_a_baseline_without_any_fail() {
    let prom = prometheus();
    let run = compare(&config(&prom.url(), "{group: blue}", "{group: errs}")).status(1);
    run.stdout_has("✖ [high] errors 0% → 0.5")
        .stdout_has("ratio ∞")
        .stdout_has("errors 0/20000 → 102/20102")
        .stdout_has("✔ [pass] latency_p95")
        .stdout_has("✖ NO-GO: score 50 (go ≥ 95, inconclusive ≥ 75); 1 pass, 1 high (errors)");
}

#[test]
fn a_critical_metric_failing_is_no_go_even_when_the_score_would_pass() {
    let prom = prometheus();
    let yaml = format!(
        r#"compare:
  source: {{ type: prometheus, url: "{}" }}
  baseline: {{ group: blue }}
  canary: {{ group: slow }}
  metrics:
    - {{ name: latency_p95, query: 'latency_seconds{{group="{{{{group}}}}"}}', critical: true, weight: 0.01 }}
    - {{ name: errors, kind: ratio, errors: 'sum(http_requests{{group="{{{{group}}}}",code="500"}})', total: 'sum(http_requests{{group="{{{{group}}}}"}})' }}
    - {{ name: requests, query: 'sum(http_requests{{group="{{{{group}}}}"}})', direction: decrease }}
"#,
        prom.url()
    );
    compare(&yaml)
        .status(1)
        .stdout_has("✔ [pass] errors")
        .stdout_has("✔ [pass] requests")
        .stdout_has("✖ NO-GO: critical latency_p95 high; score 99.5");
}

#[test]
fn a_canary_without_data_is_inconclusive() {
    let prom = prometheus();
    compare(&config(&prom.url(), "{group: blue}", "{group: absent}"))
        .status(3)
        .stdout_has("⚠ [no data] latency_p95 has no data: canary has 0 usable points, fewer than min_samples 20; left out of the score")
        .stdout_has("⚠ [no data] errors has no data: canary has 0 requests")
        .stdout_has("⚠ INCONCLUSIVE: no metric was scored; 2 no data (latency_p95, errors)");
}

#[test]
fn a_canary_without_data_fails_when_it_must_have_data() {
    let prom = prometheus();
    let yaml = config(&prom.url(), "{group: blue}", "{group: absent}").replace(
        "critical: true",
        "critical: true\n      must_have_data: true",
    );
    compare(&yaml)
        .status(1)
        .stdout_has("✖ [no data] latency_p95 has no data: canary has 0 usable points, fewer than min_samples 20; it must have data, so it counts as a failure")
        .stdout_has("✖ NO-GO: critical latency_p95 no data");
}

#[test]
fn nan_points_are_counted_and_left_out() {
    let prom = prometheus();
    let run = compare(&config(&prom.url(), "{group: blue}", "{group: gappy}"))
        .args(["--format", "json"])
        .status(0);
    let doc = run.json();
    let canary = &doc["verdict"]["metrics"][0]["canary"];
    assert_eq!(
        (canary["n"].as_u64(), canary["removed"].as_u64()),
        (Some(37), Some(3)),
        "{canary}"
    );
    assert_eq!(doc["queries"][0]["canary"][0]["non_finite"], 3);
}

#[test]
fn a_historical_baseline_compares_with_last_week_and_says_it_is_weaker() {
    let prom = prometheus();
    let latency_only = |canary: &str| {
        format!(
            r#"compare:
  source: {{ type: prometheus, url: "{}" }}
  baseline: {{ offset: 7d }}
  canary: {{ group: {canary} }}
  metrics:
    - {{ name: latency_p95, query: 'latency_seconds{{group="{{{{group}}}}"}}' }}
"#,
            prom.url()
        )
    };
    let weaker = "⚠ the baseline is the same queries 7d earlier (historical): weaker evidence than a baseline running beside the canary";
    compare(&latency_only("green"))
        .status(0)
        .stdout_has("• Comparing canary {group=green} with itself 7d earlier (historical baseline)")
        .stdout_has("✔ [pass] latency_p95")
        .stdout_has(weaker);
    let run = compare(&latency_only("slow"))
        .args(["--format", "json"])
        .status(1);
    let doc = run.json();
    assert_eq!(doc["baseline"]["kind"], "historical");
    assert_eq!(doc["baseline"]["offset"], "7d");
    assert_eq!(doc["baseline"]["end"], "2025-12-25T00:10:00Z");
    assert!(
        doc["warnings"][0]
            .as_str()
            .unwrap()
            .contains("weaker evidence")
    );
}

#[test]
fn an_absolute_slo_bound_queries_only_the_canary() {
    let prom = prometheus();
    let bounds = |canary: &str, latency: &str, errors: &str| {
        format!(
            r#"compare:
  source: {{ type: prometheus, url: "{}" }}
  canary: {{ group: {canary} }}
  metrics:
    - {{ name: p95 under bound, query: 'latency_seconds{{group="{{{{group}}}}"}}', bound: {latency} }}
    - {{ name: error rate under bound, kind: ratio, errors: 'sum(http_requests{{group="{{{{group}}}}",code="500"}})', total: 'sum(http_requests{{group="{{{{group}}}}"}})', bound: {errors} }}
"#,
            prom.url()
        )
    };
    compare(&bounds("slow", "150ms", "1%"))
        .status(0)
        .stdout_has("• Comparing canary {group=slow} with fixed bounds")
        // `bound: 150ms` says the values are seconds: shown in ms.
        .stdout_has("✔ [pass] p95 under bound median 1")
        .stdout_has("ms vs bound 150ms")
        .stdout_has("(at most 150ms)");
    let run = compare(&bounds("slow", "110ms", "1%"))
        .args(["--format", "json"])
        .status(1);
    let doc = run.json();
    let m = &doc["verdict"]["metrics"][0];
    assert_eq!(m["classification"], "high");
    assert_eq!(m["comparison"], "threshold");
    assert_eq!(m["bound"], 0.11);
    assert!(m["baseline"].is_null());
    assert!(doc["queries"][0]["baseline"].is_null());
    compare(&bounds("errs", "1s", "0.1%"))
        .status(1)
        .stdout_has("✖ [high] error rate under bound");
}

#[test]
fn prometheus_down_is_inconclusive_with_the_cause() {
    let started = Instant::now();
    let url = refused_url();
    compare(&config(url.trim_end_matches('/'), "{group: blue}", "{group: green}"))
        .status(3)
        .stdout_has("⚠ [error] latency_p95 could not be fetched: prometheus could not be reached: connection failed: connection refused (2 attempts) (critical)")
        .stdout_has("⚠ [error] errors could not be fetched: prometheus could not be reached")
        .stdout_has("⚠ INCONCLUSIVE: no metric was scored; 2 error (latency_p95, errors)");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_hanging_prometheus_is_cut_off_by_the_deadline() {
    let hang = crate::support::Server::fixed(crate::support::Reply::hang());
    let started = Instant::now();
    compare(&config(&hang.url(""), "{group: blue}", "{group: green}"))
        .args(["--deadline", "2s"])
        .status(3)
        .stdout_has("could not be fetched: prometheus could not be reached: timed out after")
        .stdout_has("⚠ INCONCLUSIVE");
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(5),
        "took {took:?} with a 2s deadline"
    );
}

/// Issue #9 item 16: a PromQL syntax error (`bad_data`) was inconclusive
/// (exit 3); it is bad input (exit 2), with Prometheus's message and the
/// metric's name.
#[test]
fn bad_promql_is_bad_input_with_prometheus_message() {
    let prom = prometheus();
    let yaml = config(&prom.url(), "{group: blue}", "{group: green}").replace(
        r#"query: latency_seconds{group="{{group}}"}"#,
        r#"query: 'sum(rate(latency_seconds{group="{{group}}"}[1m]'"#,
    );
    compare(&yaml)
        .status(2)
        .stdout_has("⚠ [error] latency_p95 could not be fetched: baseline: prometheus rejected the query: bad_data: ")
        .stdout_has("parse error: unclosed left parenthesis")
        .stdout_has("✔ [pass] errors")
        .stdout_has("✖ BAD INPUT: latency_p95 (baseline): prometheus rejected the query: bad_data: 1:43: parse error: unclosed left parenthesis");
}

#[test]
fn json_output_has_the_per_metric_fields() {
    let prom = prometheus();
    let run = compare(&config(&prom.url(), "{group: blue}", "{group: slow}"))
        .args(["--format", "json"])
        .status(1);
    let doc = run.json();
    assert_eq!(doc["command"], "compare");
    assert_eq!(doc["exit_code"], 1);
    assert_eq!(doc["outcome"], "no_go");
    assert_eq!(doc["at"], AT);
    assert_eq!(doc["source"]["type"], "prometheus");
    assert_eq!(doc["source"]["step"], "15s");
    assert_eq!(doc["baseline"]["variables"]["group"], "blue");
    assert_eq!(doc["canary"]["start"], "2026-01-01T00:00:00Z");
    let v = &doc["verdict"];
    assert_eq!(v["outcome"], "no_go");
    assert_eq!(v["score"], 50.0);
    assert_eq!(v["correction"], "holm");
    assert_eq!(v["tally"]["high"], 1);
    let m = &v["metrics"][0];
    assert_eq!(m["name"], "latency_p95");
    assert_eq!(m["classification"], "high");
    assert_eq!(m["tolerance"]["relative"], 0.1);
    for side in ["baseline", "canary"] {
        assert_eq!(m[side]["n"], 40, "{side}");
        assert!(m[side]["level"].as_f64().unwrap() > 0.05, "{side}");
    }
    assert_eq!(m["estimate"]["measure"], "shift");
    assert!(m["interval"]["lower"].as_f64().unwrap() > 0.0);
    assert!(m["test"]["p_value"].as_f64().unwrap() < 1e-6);
    assert!(m["test"]["adjusted_p_value"].is_number());
    assert!(
        m["reason"]
            .as_str()
            .unwrap()
            .starts_with("latency_p95 rose ")
    );
    let errors = &v["metrics"][1];
    assert_eq!(errors["canary"]["errors"], 0);
    assert_eq!(errors["canary"]["n"], 20000);
    let q = &doc["queries"][0];
    assert_eq!(q["metric"], "latency_p95");
    assert_eq!(q["canary"][0]["query"], r#"latency_seconds{group="slow"}"#);
    assert_eq!(q["canary"][0]["role"], "values");
    assert_eq!(q["canary"][0]["series"], 1);
    assert_eq!(q["canary"][0]["values"], 40);
    assert!(q["canary"][0]["error"].is_null());
    let roles: Vec<&str> = doc["queries"][1]["baseline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["errors", "total"]);
    assert_eq!(doc["warnings"], serde_json::json!([]));
}

#[test]
fn junit_has_a_case_per_metric() {
    let prom = prometheus();
    let t = compare(&config(&prom.url(), "{group: blue}", "{group: slow}"))
        .args(["--junit", "reports/compare.xml"]);
    t.status(1);
    let xml = t.read("reports/compare.xml");
    assert!(
        xml.contains(
            r#"<testsuite name="greenlight compare" tests="2" failures="1" errors="0" skipped="0""#
        ),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testcase classname="compare" name="latency_p95""#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<failure message="latency_p95: high">latency_p95 rose "#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"canary: latency_seconds{group=&quot;slow&quot;}</failure>"#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testcase classname="compare" name="errors" time="#),
        "{xml}"
    );
}

#[test]
fn junit_goes_to_bitbucket_test_results_by_default() {
    let prom = prometheus();
    let t = compare(&config(&prom.url(), "{group: blue}", "{group: absent}"));
    let clone = t.path().join("clone");
    std::fs::create_dir_all(&clone).unwrap();
    let t = t.env("BITBUCKET_CLONE_DIR", clone.to_str().unwrap());
    t.status(3);
    let xml = t.read("clone/test-results/greenlight-compare.xml");
    assert!(
        xml.contains(r#"<skipped message="latency_p95 has no data"#),
        "{xml}"
    );
}

#[test]
fn flags_and_variables_set_the_sides() {
    let prom = prometheus();
    let yaml = config(&prom.url(), "{group: blue}", "{group: green}");
    compare(&yaml)
        .args(["--canary", "group=slow"])
        .status(1)
        .stdout_has("canary {group=slow}");
    compare(&yaml)
        .env("GREENLIGHT_CANARY", "group=errs")
        .status(1)
        .stdout_has("canary {group=errs}");
    compare(&config(
        &prom.url(),
        "{group: blue}",
        r#"{group: "${NEW_GROUP}"}"#,
    ))
    .env("NEW_GROUP", "green")
    .status(0)
    .stdout_has("canary {group=green}");
}

#[test]
fn quiet_prints_only_the_verdict() {
    let prom = prometheus();
    let run = compare(&config(&prom.url(), "{group: blue}", "{group: green}"))
        .args(["--quiet"])
        .status(0);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    run.stdout_has("✔ GO: score 100");
}

#[test]
fn a_range_longer_than_the_step_is_named() {
    let prom = prometheus();
    let yaml = config(&prom.url(), "{group: blue}", "{group: green}").replace(
        r#"query: latency_seconds{group="{{group}}"}"#,
        r#"query: avg_over_time(latency_seconds{group="{{group}}"}[2m])"#,
    );
    compare(&yaml).status(0).stdout_has(
        "⚠ latency_p95: its range [2m] is longer than the step 15s: neighbouring points share most of their data, so they are counted as fewer independent points (or use raw counters and histograms)",
    );
}
