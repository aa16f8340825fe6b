//! Bad `compare:` input: exit 2 before anything is queried, with
//! file:line:column and the field named. The texts are pinned: they are
//! the user interface of a config mistake.

use crate::support::Test;

const HEAD: &str = r#"compare:
  source: { type: prometheus, url: "http://127.0.0.1:9" }
  baseline: { group: blue }
  canary: { group: green }
  metrics:
"#;

/// Runs `compare` on `HEAD` + `metrics` and returns stderr's first line.
fn first_line(config: &str, args: &[&str]) -> String {
    let run = Test::new()
        .config(config)
        .args(["compare"])
        .args(args.iter().copied())
        .status(2);
    assert!(run.stdout.is_empty(), "nothing evaluated:\n{}", run.stdout);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run.stderr.lines().next().unwrap_or_default().to_string()
}

fn metric_error(metrics: &str) -> String {
    first_line(&format!("{HEAD}{metrics}"), &[])
}

#[test]
fn unknown_key_in_a_metric() {
    // The comparison's own keys, then each registered source's (the
    // test-only kinds, when built in, come last).
    let e = metric_error("    - name: latency\n      qurey: x\n");
    assert!(
        e.starts_with("✖ error: greenlight.yml:7:7: unknown field `qurey`, expected one of name, kind, direction, tolerance, bound, unit, critical, must_have_data, weight, min_samples, combine, quantile, query, errors, total, counters, buckets, file, baseline_file, canary_file, column, pointer, format"),
        "{e}"
    );
}

#[test]
fn bad_tolerance() {
    assert_eq!(
        metric_error("    - name: latency\n      query: x\n      tolerance: ten%\n"),
        "✖ error: greenlight.yml:8:18: tolerance: `ten%` is not a number, a percentage (10%), a duration (50ms, 1.5s) or a size (512KiB)"
    );
}

#[test]
fn a_size_tolerance_on_a_latency_in_seconds() {
    assert_eq!(
        metric_error(
            "    - { name: latency, query: 'x{g=\"{{group}}\"}', unit: s, tolerance: 5MB }\n"
        ),
        "✖ error: greenlight.yml:6:71: compare.metrics[0].tolerance: a size does not fit the metric's unit `s`"
    );
}

#[test]
fn a_ratio_metric_without_total() {
    assert_eq!(
        metric_error(
            "    - name: errors\n      kind: ratio\n      errors: x{group=\"{{group}}\"}\n"
        ),
        "✖ error: greenlight.yml:6:7: compare.metrics[0]: a ratio metric needs both `errors` and `total` (PromQL counting errors and requests, or counters with `counters: true`)"
    );
}

#[test]
fn an_absolute_tolerance_on_a_ratio() {
    assert_eq!(
        metric_error(
            "    - name: errors\n      kind: ratio\n      errors: a{g=\"{{group}}\"}\n      total: b{g=\"{{group}}\"}\n      tolerance: 0.05\n"
        ),
        "✖ error: greenlight.yml:10:18: compare.metrics[0].tolerance: a ratio metric takes a relative tolerance on the ratio of error rates, e.g. 50% (the canary's rate may be up to 1.5× the baseline's)"
    );
}

#[test]
fn an_unknown_template_variable() {
    assert_eq!(
        metric_error(
            "    - name: latency\n      query: x{group=\"{{group}}\",region=\"{{region}}\"}\n"
        ),
        "✖ error: greenlight.yml:7:14: compare.metrics[0].query: unknown template variable `region` for the canary (the canary defines group; built in: step, window)"
    );
}

#[test]
fn the_same_query_on_both_sides() {
    let config = HEAD.replace("{ group: green }", "{ group: blue }")
        + "    - { name: latency, query: 'x{group=\"{{group}}\"}' }\n";
    assert_eq!(
        first_line(&config, &[]),
        "✖ error: greenlight.yml:6:7: compare.metrics[0]: `latency` queries the same thing for the baseline and the canary (`x{group=\"blue\"}`): give the sides different variables used in the query (baseline: {group: blue}, canary: {group: green}) or a historical `offset`"
    );
}

#[test]
fn a_metric_with_nothing_to_compare_with() {
    let config = HEAD.replace("  baseline: { group: blue }\n", "")
        + "    - { name: latency, query: 'x{group=\"{{group}}\"}' }\n";
    assert_eq!(
        first_line(&config, &[]),
        "✖ error: greenlight.yml:5:7: compare.metrics[0]: `latency` has nothing to compare with: add `compare.baseline` (variables like {group: blue}, or {offset: 7d}) or give the metric a `bound`"
    );
}

#[test]
fn an_unset_token_variable() {
    let config = HEAD.replace(
        "url: \"http://127.0.0.1:9\"",
        "url: \"http://127.0.0.1:9\", token_env: PROM_TOKEN",
    ) + "    - { name: latency, query: 'x{group=\"{{group}}\"}' }\n";
    assert_eq!(
        first_line(&config, &[]),
        "✖ error: greenlight.yml:2:69: compare.source.token_env: variable `PROM_TOKEN` is not set"
    );
}

#[test]
fn too_many_points_per_series() {
    let config = HEAD.replace("  metrics:\n", "  window: 7d\n  step: 1s\n  metrics:\n")
        + "    - { name: latency, query: 'x{group=\"{{group}}\"}' }\n";
    assert_eq!(
        first_line(&config, &[]),
        "✖ error: greenlight.yml:6:9: compare.step: 1s over 7d is more than Prometheus's 11000 points per series: use a longer step"
    );
}

#[test]
fn a_prometheus_key_on_a_file_metric() {
    let config = "compare:\n  source: { type: file }\n  metrics:\n    - { name: latency, file: r.csv, column: ms, query: x }\n";
    assert_eq!(
        first_line(config, &[]),
        "✖ error: greenlight.yml:4:7: compare.metrics[0]: `query` does not apply to metrics of a `file` source"
    );
}

#[test]
fn a_bad_side_flag() {
    let config =
        format!("{HEAD}    - {{ name: latency, query: 'x{{group=\"{{{{group}}}}\"}}' }}\n");
    assert_eq!(
        first_line(&config, &["--canary", "green"]),
        "✖ error: invalid --canary: `green` is not KEY=VALUE, e.g. group=green"
    );
}

#[test]
fn no_compare_section() {
    assert_eq!(
        first_line("timezone: UTC\n", &[]),
        "✖ error: nothing to compare: add a `compare:` section (source, baseline, canary, metrics) to the config file; see examples/compare.yml"
    );
}

/// The bundled example is valid as it stands: with its Prometheus refused
/// (loopback only), the comparison is inconclusive, never bad input.
#[test]
fn the_bundled_compare_example_is_valid() {
    let example =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/compare.yml"))
            .unwrap();
    let refused = crate::support::server::refused_url();
    let yaml = example.replace(
        "https://prometheus.example.com",
        refused.trim_end_matches('/'),
    );
    let run = Test::new()
        .config(&yaml)
        .env("PROMETHEUS_TOKEN", "t0ken")
        .env("OLD_GROUP", "asg-1")
        .env("NEW_GROUP", "asg-2")
        .args([
            "compare",
            "--at",
            "2026-01-01T00:10:00Z",
            "--deadline",
            "5s",
        ])
        .status(3);
    for metric in [
        "latency p95",
        "5xx ratio",
        "memory growth",
        "cpu",
        "p99 under the SLO",
    ] {
        run.stdout_has(&format!("[error] {metric} could not be fetched"));
    }
}

#[test]
fn histogram_and_trend_keys_are_checked() {
    let cases = [
        (
            "    - { name: p, kind: histogram, query: x }\n",
            "a histogram metric takes `buckets`, not `query`",
        ),
        (
            "    - { name: p, kind: histogram, buckets: x, quantile: 1.5 }\n",
            "`quantile` is a fraction strictly between 0 and 1",
        ),
        (
            "    - { name: p, query: x, quantile: 0.9 }\n",
            "`quantile` belongs to `kind: histogram` metrics",
        ),
        (
            "    - { name: m, kind: trend, query: x }\n",
            "a `trend` metric needs a `tolerance` as a change per time",
        ),
        (
            "    - { name: m, kind: trend, query: x, tolerance: 10% }\n",
            "a trend's tolerance is a change per time, e.g. 1MiB/min",
        ),
        (
            "    - { name: m, query: x, tolerance: 1MiB/min }\n",
            "a change per time is a `trend` metric's tolerance",
        ),
        (
            "    - { name: m, kind: ratio, counters: true, errors: 'sum(rate(x[1m]))', total: y }\n",
            "is not a series selector",
        ),
        (
            "    - { name: m, counters: true, query: x }\n",
            "`counters` belongs to `kind: ratio` metrics",
        ),
        (
            "    - { name: p, kind: histogram, buckets: x, bound: 1s }\n",
            "a `histogram` metric is compared with its baseline",
        ),
    ];
    for (metric, message) in cases {
        let e = metric_error(metric);
        assert!(e.contains(message), "{metric}: {e}");
    }
}
