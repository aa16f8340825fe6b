//! `greenlight verify`: the semantic checks against a local server, then,
//! only when they pass, the comparison against a real Prometheus. One
//! verdict, one exit code.

use crate::support::canary::{AT, config, prometheus};
use crate::support::server::refused_url;
use crate::support::{Reply, Server, Test};

fn checks(url: &str) -> String {
    format!(
        r#"checks:
  - name: health
    url: {url}
    expect:
      status: 200
      json:
        /status: == ok
"#
    )
}

fn verify(yaml: &str) -> Test {
    Test::new().config(yaml).args(["verify", "--at", AT])
}

fn healthy_stack() -> Server {
    Server::fixed(Reply::json(200, r#"{"status":"ok"}"#))
}

#[test]
fn failing_checks_stop_before_any_metric_is_queried() {
    let stack = Server::fixed(Reply::json(503, r#"{"status":"starting"}"#));
    let metrics = Server::fixed(Reply::json(500, "{}"));
    let yaml = checks(&stack.url("/health"))
        + &config(&metrics.url(""), "{group: blue}", "{group: green}");
    let t = verify(&yaml);
    let clone = t.path().join("clone");
    std::fs::create_dir_all(&clone).unwrap();
    let t = t.env("BITBUCKET_CLONE_DIR", clone.to_str().unwrap());
    let run = t.status(1);
    run.stdout_has(&format!("✖ health: GET {} → 503 in ", stack.url("/health")))
        .stdout_has("    ✖ status is 200: expected 200, got 503")
        .stdout_has("✖ NO-GO: check failed: health (status is 200: expected 200, got 503); comparison not run");
    assert!(!run.stdout.contains("Comparing"), "{}", run.stdout);
    assert_eq!(metrics.requests().len(), 0, "no metric may be queried");
    let xml = t.read("clone/test-results/greenlight-verify.xml");
    assert!(
        xml.contains(r#"<testsuite name="greenlight checks" tests="2" failures="2""#),
        "{xml}"
    );
    assert!(!xml.contains("greenlight compare"), "{xml}");
}

#[test]
fn an_unreachable_stack_is_inconclusive_without_comparing() {
    let metrics = Server::fixed(Reply::json(500, "{}"));
    let yaml = checks(&format!("{}health", refused_url()))
        + &config(&metrics.url(""), "{group: blue}", "{group: green}");
    verify(&yaml)
        .status(3)
        .stdout_has("health: GET ")
        .stdout_has(": could not be evaluated: ")
        .stdout_has("⚠ INCONCLUSIVE: check could not be evaluated: health (")
        .stdout_has("; comparison not run");
    assert_eq!(metrics.requests().len(), 0);
}

#[test]
fn passing_checks_and_a_healthy_canary_go() {
    let stack = healthy_stack();
    let prom = prometheus();
    let yaml =
        checks(&stack.url("/health")) + &config(&prom.url(), "{group: blue}", "{group: green}");
    verify(&yaml)
        .status(0)
        .stdout_has(&format!("✔ health: GET {} → 200 in ", stack.url("/health")))
        .stdout_has("• Comparing canary {group=green} with baseline {group=blue}")
        .stdout_has("✔ [pass] latency_p95")
        .stdout_has(
            "✔ GO: the check passed; comparison go: score 100 (go ≥ 95, inconclusive ≥ 75); 2 pass",
        );
}

#[test]
fn passing_checks_and_a_regressed_canary_no_go() {
    let stack = healthy_stack();
    let prom = prometheus();
    let yaml =
        checks(&stack.url("/health")) + &config(&prom.url(), "{group: blue}", "{group: slow}");
    let t = verify(&yaml).args(["--format", "json", "--junit", "verify.xml"]);
    let doc = t.status(1).json();
    assert_eq!(doc["command"], "verify");
    assert_eq!(doc["outcome"], "no_go");
    assert_eq!(doc["checks"]["outcome"], "go");
    assert_eq!(doc["checks"]["results"][0]["name"], "health");
    assert_eq!(
        doc["compare"]["verdict"]["metrics"][0]["classification"],
        "high"
    );
    assert!(
        doc["reason"]
            .as_str()
            .unwrap()
            .starts_with("the check passed; comparison no-go: critical latency_p95 high")
    );
    let xml = t.read("verify.xml");
    assert!(
        xml.contains(r#"<testsuite name="greenlight checks" tests="2" failures="0""#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testsuite name="greenlight compare" tests="2" failures="1""#),
        "{xml}"
    );
}

#[test]
fn checks_alone_are_enough_to_verify() {
    let stack = healthy_stack();
    verify(&checks(&stack.url("/health")))
        .status(0)
        .stdout_has("✔ GO: the check passed; no comparison configured");
}

#[test]
fn nothing_to_verify_is_bad_input() {
    verify("timezone: UTC\n")
        .status(2)
        .stderr_has("error: nothing to verify: add `checks:` (semantic HTTP checks) and/or `compare:` (baseline comparison) to the config file");
}

#[test]
fn verify_trusts_a_private_ca_like_checks_does() {
    use crate::support::tls::TlsServer;
    let stack = TlsServer::start("shop.example.test", 90, |_| {
        Reply::json(200, r#"{"status":"ok"}"#)
    });
    let port = stack.port();
    let yaml = format!(
        "checks:\n  - name: health\n    url: https://shop.example.test:{port}/health\n    resolve: 127.0.0.1\n    expect:\n      json:\n        /status: == ok\n"
    );
    let t = verify(&yaml);
    let ca = stack.write_ca(t.path());
    // Without the CA the certificate is not trusted: the check fails.
    let untrusted = t.status(1);
    untrusted.stdout_has("✖ health");
    let t = t.args(["--ca-file", ca.to_str().unwrap()]);
    t.status(0)
        .stdout_has("✔ health: GET https://shop.example.test");
}
