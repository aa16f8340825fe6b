//! `greenlight compare` with the file source: load-test output as CSV,
//! JSON and NDJSON, unusable cells reported, missing files an error.

use crate::support::Test;

/// 40 latencies in ms around 100, a different spread per seed.
fn latencies(seed: usize, factor: f64) -> Vec<f64> {
    (0..40)
        .map(|i| (100.0 + ((i * (31 + seed)) % 23) as f64) * factor)
        .collect()
}

fn csv(values: &[f64], failed: u32) -> String {
    let cells: Vec<String> = values.iter().map(f64::to_string).collect();
    csv_cells(&cells, failed)
}

/// A load test's output: one row per minute, 250 requests each, `failed`
/// of them in the first row.
fn csv_cells(latencies: &[String], failed: u32) -> String {
    let mut out = String::from("timestamp,latency_ms,requests,failed\n");
    for (i, v) in latencies.iter().enumerate() {
        let f = if i == 0 { failed } else { 0 };
        out.push_str(&format!("2026-01-01T00:{i:02}:00Z,{v},250,{f}\n"));
    }
    out
}

const CSV_CONFIG: &str = r#"compare:
  source: { type: file }
  baseline: { group: blue }
  canary: { group: green }
  metrics:
    - name: latency
      file: results/{{group}}.csv
      column: latency_ms
      unit: ms
      tolerance: 5ms
    - name: errors
      kind: ratio
      file: results/{{group}}.csv
      errors: failed
      total: requests
"#;

#[test]
fn csv_files_per_side_with_garbage_cells_reported() {
    let mut cells: Vec<String> = latencies(2, 1.0).iter().map(f64::to_string).collect();
    // Rows 7, 8 and 9 of the file (header is line 1).
    cells[6] = "oops".into();
    cells[7] = String::new();
    cells[8] = "NaN".into();
    let green = csv_cells(&cells, 0);
    let t = Test::new()
        .config(CSV_CONFIG)
        .file("results/blue.csv", &csv(&latencies(1, 1.0), 0))
        .file("results/green.csv", &green)
        .args(["compare"]);
    let run = t.status(0);
    run.stdout_has("• Comparing canary {group=green} with baseline {group=blue}: files")
        .stdout_has("✔ [pass] latency changed")
        .stdout_has("n=40/37")
        .stdout_has("⚠ latency (canary): results/green.csv: 1 value in column `latency_ms` is not a number (first at line 8: `oops`)")
        .stdout_has("⚠ latency (canary): results/green.csv: 1 empty value in column `latency_ms` (first at line 9)")
        .stdout_has("✔ [pass] errors 0% → 0%")
        .stdout_has("errors 0/10000 → 0/10000");
    let doc = Test::new()
        .config(CSV_CONFIG)
        .file("results/blue.csv", &csv(&latencies(1, 1.0), 0))
        .file("results/green.csv", &green)
        .args(["compare", "--format", "json"])
        .status(0)
        .json();
    let canary = &doc["verdict"]["metrics"][0]["canary"];
    assert_eq!(
        (canary["n"].as_u64(), canary["removed"].as_u64()),
        (Some(37), Some(3))
    );
    assert_eq!(doc["source"]["type"], "file");
    assert_eq!(
        doc["queries"][0]["canary"][0]["query"],
        "results/green.csv [latency_ms]"
    );
    assert_eq!(doc["verdict"]["metrics"][0]["tolerance"]["absolute"], 5.0);
}

#[test]
fn csv_regressions_fail() {
    let t = Test::new()
        .config(CSV_CONFIG)
        .file("results/blue.csv", &csv(&latencies(1, 1.0), 0))
        .file("results/green.csv", &csv(&latencies(2, 1.3), 60))
        .args(["compare"]);
    t.status(1)
        .stdout_has("✖ [high] latency rose")
        .stdout_has("✖ [high] errors 0% → 0.6%")
        .stdout_has("✖ NO-GO: score 0");
}

#[test]
fn json_and_ndjson_files_with_pointer_and_column() {
    let blue: Vec<String> = latencies(1, 1.0)
        .iter()
        .map(|v| format!(r#"{{"latency_ms": {v}, "status": 200}}"#))
        .collect();
    let blue = format!(r#"{{"run": "k6", "results": [{}]}}"#, blue.join(","));
    let slow: String = latencies(2, 1.3)
        .iter()
        .map(|v| format!("{{\"metric\":\"http_req_duration\",\"data\":{{\"value\":{v}}}}}\n"))
        .collect();
    let yaml = r#"compare:
  source: { type: file }
  metrics:
    - name: latency
      baseline_file: load/blue.json
      canary_file: load/slow.ndjson
      pointer: /results
      column: latency_ms
"#;
    // A pointer selects within one document; NDJSON lines are the
    // elements: the canary file says so, and the metric cannot be judged.
    Test::new()
        .config(yaml)
        .file("load/blue.json", &blue)
        .file("load/slow.ndjson", &slow)
        .args(["compare"])
        .status(3)
        .stdout_has("⚠ [error] latency could not be fetched: canary: load/slow.ndjson: `pointer` selects within one JSON document; in NDJSON each line is an element: use `column`");
    let yaml = r#"compare:
  source: { type: file }
  metrics:
    - name: latency
      baseline_file: load/blue.json
      canary_file: load/slow.ndjson
      column: /data/value
"#;
    let blue_array = format!(
        "[{}]",
        latencies(1, 1.0)
            .iter()
            .map(|v| format!(r#"{{"data": {{"value": {v}}}}}"#))
            .collect::<Vec<_>>()
            .join(",")
    );
    Test::new()
        .config(yaml)
        .file("load/blue.json", &blue_array)
        .file("load/slow.ndjson", &slow)
        .args(["compare"])
        .status(1)
        .stdout_has("• Comparing the canary with the baseline: files")
        .stdout_has("✖ [high] latency rose");
}

#[test]
fn a_missing_file_is_an_error_not_a_pass() {
    Test::new()
        .config(CSV_CONFIG)
        .file("results/blue.csv", &csv(&latencies(1, 1.0), 0))
        .args(["compare"])
        .status(3)
        .stdout_has(
            "⚠ [error] latency could not be fetched: canary: results/green.csv: no such file",
        )
        .stdout_has("⚠ INCONCLUSIVE: no metric was scored; 2 error (latency, errors)");
}

#[test]
fn a_bound_needs_only_the_canary_file() {
    let yaml = r#"compare:
  source: { type: file }
  canary: { group: green }
  metrics:
    - { name: p50 under 150ms, file: "results/{{group}}.csv", column: latency_ms, unit: ms, bound: 150ms }
    - { name: p50 under 100ms, file: "results/{{group}}.csv", column: latency_ms, unit: ms, bound: 0.1s }
"#;
    Test::new()
        .config(yaml)
        .file("results/green.csv", &csv(&latencies(2, 1.0), 0))
        .args(["compare"])
        .status(1)
        .stdout_has("✔ [pass] p50 under 150ms median 1")
        .stdout_has("vs bound 150")
        .stdout_has("✖ [high] p50 under 100ms");
}
