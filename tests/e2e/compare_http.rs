//! `greenlight compare` against a local server speaking the Prometheus
//! API, for what a real Prometheus will not do on demand: check a token,
//! echo credentials back in an error, return warnings, hold series with
//! several label values.

use crate::support::server::Request;
use crate::support::{Reply, Server, Test};

const TOKEN: &str = "s3cr3t-token-42";

/// A `query_range` answer: one series per `(labels, base)`, 40 points.
fn matrix(series: &[(&str, f64)], warnings: &[&str]) -> String {
    let result: Vec<String> = series
        .iter()
        .map(|(labels, base)| {
            let values: Vec<String> = (0..40)
                .map(|i| {
                    format!(
                        "[{},\"{}\"]",
                        1_767_225_615 + 15 * i,
                        base + (i % 7) as f64 * 0.001
                    )
                })
                .collect();
            format!(r#"{{"metric":{labels},"values":[{}]}}"#, values.join(","))
        })
        .collect();
    let warnings: Vec<String> = warnings.iter().map(|w| format!("{w:?}")).collect();
    format!(
        r#"{{"status":"success","warnings":[{}],"data":{{"resultType":"matrix","result":[{}]}}}}"#,
        warnings.join(","),
        result.join(",")
    )
}

fn latency(url: &str, source_extra: &str) -> String {
    format!(
        r#"compare:
  source: {{ type: prometheus, url: "{url}", retries: 0{source_extra} }}
  baseline: {{ group: blue }}
  canary: {{ group: green }}
  metrics:
    - {{ name: latency_p95, query: 'latency_seconds{{group="{{{{group}}}}"}}' }}
"#
    )
}

fn authorized(r: &Request) -> bool {
    r.header("Authorization") == Some(&format!("Bearer {TOKEN}"))
}

#[test]
fn a_token_is_sent_but_never_printed() {
    let server = Server::start(|r| {
        if authorized(r) {
            Reply::json(200, &matrix(&[(r#"{"group":"x"}"#, 0.1)], &[]))
        } else {
            Reply::json(
                401,
                r#"{"status":"error","errorType":"unauthorized","error":"no token"}"#,
            )
        }
    });
    let yaml = latency(&server.url(""), ", token_env: PROM_TOKEN");
    for format in ["text", "json"] {
        Test::new()
            .config(&yaml)
            .args(["compare", "--debug", "--format", format])
            .env("PROM_TOKEN", TOKEN)
            .env("DEBUG", "true")
            .status(0)
            .nowhere(TOKEN);
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 4, "two sides, two runs");
    assert!(requests.iter().all(authorized));
    assert!(
        requests[0]
            .path
            .starts_with("/api/v1/query_range?query=latency_seconds%7Bgroup%3D%22")
    );
}

#[test]
fn a_token_echoed_back_by_the_server_is_masked() {
    let server = Server::start(|r| {
        let echo = r.header("Authorization").unwrap_or_default().to_string();
        Reply::json(
            400,
            &format!(r#"{{"status":"error","errorType":"bad_data","error":"refused {echo}"}}"#),
        )
    });
    Test::new()
        .config(&latency(&server.url(""), ", token_env: PROM_TOKEN"))
        .args(["compare", "--debug"])
        .env("PROM_TOKEN", TOKEN)
        .status(2) // bad_data is bad input (issue #9 item 16)
        .stdout_has("⚠ [error] latency_p95 could not be fetched: prometheus rejected the query: bad_data: refused Bearer ***")
        .nowhere(TOKEN);
}

#[test]
fn basic_auth_in_the_url_is_sent_and_never_printed() {
    let server = Server::start(|r| {
        let echo = r.header("Authorization").unwrap_or_default().to_string();
        Reply::text(502, &format!("proxy says no to {echo}"))
    });
    let url = server
        .url("")
        .replace("http://", "http://deployer:pa55-w0rd@");
    let run = Test::new()
        .config(&latency(&url, ""))
        .args(["compare", "--format", "json"])
        .status(3);
    run.nowhere("pa55-w0rd").nowhere("ZGVwbG95ZXI6cGE1NS13MHJk");
    let doc = run.json();
    assert!(!doc["source"]["url"].as_str().unwrap().contains("deployer"));
    assert!(
        doc["verdict"]["metrics"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("HTTP 502: proxy says no to Basic ***"),
        "{}",
        doc["verdict"]["metrics"][0]["reason"]
    );
    assert_eq!(
        server.requests()[0].header("Authorization"),
        Some("Basic ZGVwbG95ZXI6cGE1NS13MHJk")
    );
}

#[test]
fn secret_headers_are_sent_and_masked() {
    let server = Server::start(|r| {
        let key = r.header("X-Api-Key").unwrap_or_default().to_string();
        Reply::json(
            422,
            &format!(
                r#"{{"status":"error","errorType":"execution","error":"key {key} over quota"}}"#
            ),
        )
    });
    Test::new()
        .config(&latency(
            &server.url(""),
            r#", headers: { X-Api-Key: "${PROM_KEY}", X-Scope-OrgID: payments }"#,
        ))
        .args(["compare"])
        .env("PROM_KEY", "k3y-value-9")
        .status(3)
        .stdout_has("key *** over quota")
        .nowhere("k3y-value-9");
    assert_eq!(
        server.requests()[0].header("X-Scope-OrgID"),
        Some("payments")
    );
}

#[test]
fn prometheus_warnings_are_shown_with_the_metric_and_side() {
    let server = Server::start(|r| {
        let warnings: &[&str] = if r.path.contains("green") {
            &["partial response: store-2 unreachable"]
        } else {
            &[]
        };
        Reply::json(200, &matrix(&[(r#"{"group":"x"}"#, 0.1)], warnings))
    });
    let run = Test::new()
        .config(&latency(&server.url(""), ""))
        .args(["compare"])
        .status(0);
    run.stdout_has(
        "⚠ latency_p95 (canary): prometheus warned: partial response: store-2 unreachable",
    );
}

#[test]
fn series_are_summed_pooled_or_selected_by_label() {
    let prom = crate::support::canary::prometheus();
    let yaml = |combine: &str| {
        latency(&prom.url(), "").replace(
            "query: 'latency_seconds",
            &format!("combine: {combine}, query: 'latency_by_pod"),
        )
    };
    let values = |combine: &str| {
        let run = Test::new()
            .config(&yaml(combine))
            .args([
                "compare",
                "--format",
                "json",
                "--at",
                crate::support::canary::AT,
            ])
            .output();
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        (
            doc["queries"][0]["canary"][0]["values"].as_u64().unwrap(),
            doc["verdict"]["metrics"][0]["canary"]["level"].as_f64(),
            doc["warnings"].clone(),
        )
    };
    // `values` counts the points of the series kept; the level is the mean
    // of the combined series (pod a: 0.1 + (i % 7) ms, pod b: 0.2 + ...,
    // whose 40 points average 2.875 ms above the base).
    let (n, mean, _) = values("sum");
    assert_eq!(n, 80);
    assert!((mean.unwrap() - 0.305_75).abs() < 1e-9, "{mean:?}");
    let (n, mean, _) = values("pool");
    assert_eq!(n, 80);
    assert!((mean.unwrap() - 0.152_875).abs() < 1e-9, "{mean:?}");
    let (n, mean, _) = values("{ label: pod, value: b }");
    assert_eq!(n, 40);
    assert!((mean.unwrap() - 0.202_875).abs() < 1e-9, "{mean:?}");
    let (n, _, warnings) = values("{ label: pod, value: c }");
    assert_eq!(n, 0);
    assert_eq!(
        warnings[0],
        // Said by both sides: said once.
        r#"latency_p95: no series has pod="c" (pod values seen: a, b)"#
    );
}

/// Regression: the body of a 5xx was cut to a short excerpt before it was
/// parsed, so a Prometheus 503 with a long error JSON was reported as
/// "could not be reached" instead of what Prometheus said.
#[test]
fn a_long_error_json_in_a_503_is_read_whole() {
    let message = format!(
        "query processing would load too many samples into memory ({})",
        "x".repeat(150)
    );
    let body = format!(r#"{{"status":"error","errorType":"execution","error":"{message}"}}"#);
    let server = Server::fixed(Reply::json(503, &body));
    let run = Test::new()
        .config(&latency(&server.url(""), ""))
        .args(["compare"])
        .status(3);
    run.stdout_has("rejected the query: execution: query processing would load too many samples");
}
