//! The checks engine against real servers on 127.0.0.1: plain HTTP, HTTPS
//! with a CA made in the test, `resolve` to a production name, retries,
//! hangs, redirects, huge bodies, concurrency, deadlines and secrets.
//! These call the library (`greenlight::checks`), not the binary.

use std::time::{Duration, Instant};

use greenlight::checks::{self, AssertKind, CheckOutcome, CheckRun, CheckSpec, RunOptions, Trust};
use greenlight::{Context, Outcome};
use serde::Deserialize;

use crate::support::server::refused_url;
use crate::support::tls::TlsServer;
use crate::support::{Reply, Server};

const SHOP: &str = "shop.example.test";

#[derive(Deserialize)]
struct Doc {
    checks: Vec<CheckSpec>,
}

fn ctx(env: &[(&str, &str)]) -> Context {
    let mut ctx = Context::from_process();
    ctx.env = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    ctx
}

fn run_env(yaml: &str, opts: &RunOptions, env: &[(&str, &str)]) -> CheckRun {
    let doc: Doc = serde_saphyr::from_str(yaml).unwrap_or_else(|e| panic!("{e}"));
    let ctx = ctx(env);
    let checks = checks::prepare(&doc.checks, &ctx).unwrap();
    checks::run(&checks, opts)
}

fn run(yaml: &str, opts: &RunOptions) -> CheckRun {
    run_env(yaml, opts, &[])
}

fn trusting(tls: &TlsServer, dir: &tempfile::TempDir) -> RunOptions {
    RunOptions {
        trust: Trust::from_pem_file(&tls.write_ca(dir.path())).unwrap(),
        ..RunOptions::default()
    }
}

#[test]
fn a_passing_check_goes() {
    let server = Server::fixed(
        Reply::json(
            200,
            r#"{"status":"ok","items":[{"price":3}],"version":"2.4.1"}"#,
        )
        .header("Cache-Control", "max-age=60"),
    );
    let yaml = format!(
        "checks:\n- name: health\n  url: {}\n  expect:\n    status: 200\n    headers:\n      \
         Content-Type: contains json\n      Cache-Control: [exists, 'matches max-age=\\d+']\n    \
         body: {{ contains: ok, not_contains: Exception }}\n    json:\n      /status: == ok\n      \
         $.items[0].price: ['> 0', '< 1000', is integer]\n      $.version: matches ^2\\.\n      \
         $.errors: not exists\n    latency: < 2s\n",
        server.url("/health")
    );
    let run = run(&yaml, &RunOptions::default());
    let r = &run.results[0];
    assert_eq!(r.outcome, CheckOutcome::Passed, "{r:#?}");
    assert_eq!(run.outcome, Outcome::Go);
    assert_eq!(r.asserts.len(), 13);
    assert!(r.asserts.iter().all(|a| a.passed));
    assert_eq!((r.status, r.attempts), (Some(200), 1));
    assert_eq!(server.requests()[0].path, "/health");
}

#[test]
fn a_failing_check_says_expected_and_actual() {
    let server = Server::fixed(Reply::json(503, r#"{"status":"degraded","db":"down"}"#));
    let yaml = format!(
        "checks:\n- name: health\n  url: {}\n  expect:\n    status: 200\n    json:\n      \
         /status: == ok\n",
        server.url("/health")
    );
    let run = run(&yaml, &RunOptions::default());
    let r = &run.results[0];
    assert_eq!(r.outcome, CheckOutcome::Failed);
    assert_eq!(run.outcome, Outcome::NoGo);
    let status = &r.asserts[0];
    assert_eq!((status.kind, status.passed), (AssertKind::Status, false));
    assert_eq!(
        (
            status.description.as_str(),
            status.expected.as_str(),
            status.actual.as_str()
        ),
        ("status is 200", "200", "503")
    );
    let json = &r.asserts[1];
    assert_eq!(
        (
            json.description.as_str(),
            json.expected.as_str(),
            json.actual.as_str()
        ),
        ("/status == ok", "== ok", "\"degraded\"")
    );
    let mut shown = serde_json::to_value(r).unwrap();
    shown["duration_ms"] = 12.into();
    shown["latency_ms"] = 11.into();
    shown["url"] = "http://127.0.0.1:8080/health".into();
    // The example in the module docs of `greenlight::checks`.
    assert_eq!(
        shown,
        serde_json::json!({
            "name": "health",
            "method": "GET",
            "url": "http://127.0.0.1:8080/health",
            "outcome": "failed",
            "attempts": 1,
            "duration_ms": 12,
            "status": 503,
            "latency_ms": 11,
            "final_url": null,
            "body_bytes": 33,
            "body_truncated": false,
            "tls_days_left": null,
            "error": null,
            "asserts": [
                { "kind": "status", "description": "status is 200", "expected": "200", "actual": "503", "passed": false },
                { "kind": "json", "description": "/status == ok", "expected": "== ok", "actual": "\"degraded\"", "passed": false }
            ],
            "warnings": []
        })
    );
}

#[test]
fn https_with_the_ca_file_passes() {
    let dir = tempfile::tempdir().unwrap();
    let tls = TlsServer::start("127.0.0.1", 30, |_| Reply::text(200, "OK"));
    let yaml = format!(
        "checks:\n- name: tls\n  url: {}\n  expect: {{ body: {{ contains: OK }} }}\n",
        tls.ip_url("/")
    );
    let run = run(&yaml, &trusting(&tls, &dir));
    assert_eq!(
        run.results[0].outcome,
        CheckOutcome::Passed,
        "{:#?}",
        run.results[0]
    );
    // The built-in roots do not know the test CA: the stack answered, wrongly.
    let untrusted = run_env(&yaml, &RunOptions::default(), &[]);
    let r = &untrusted.results[0];
    assert_eq!(r.outcome, CheckOutcome::Failed, "{r:#?}");
    assert_eq!(
        r.asserts[0].description,
        "TLS certificate is valid for 127.0.0.1"
    );
    assert!(
        r.asserts[0].actual.contains("UnknownIssuer"),
        "{}",
        r.asserts[0].actual
    );
}

#[test]
fn resolve_sends_the_production_name_in_host_and_sni() {
    let dir = tempfile::tempdir().unwrap();
    let tls = TlsServer::start(SHOP, 30, |_| Reply::text(200, "shop"));
    let opts = trusting(&tls, &dir);
    let yaml = format!(
        "checks:\n- name: shop\n  url: {}\n  resolve: ${{NEW_STACK_IP}}\n",
        tls.name_url(SHOP, "/health")
    );
    let run = run_env(&yaml, &opts, &[("NEW_STACK_IP", "127.0.0.1")]);
    assert_eq!(
        run.results[0].outcome,
        CheckOutcome::Passed,
        "{:#?}",
        run.results[0]
    );
    let seen = tls.seen();
    assert_eq!(seen[0].sni.as_deref(), Some(SHOP));
    assert_eq!(
        seen[0].request.header("Host"),
        Some(format!("{SHOP}:{}", tls.port()).as_str())
    );
    assert_eq!(seen[0].request.path, "/health");

    // Same server, same CA, reached by address: the certificate does not
    // name 127.0.0.1, so verification used the name above.
    let by_ip = run_env(
        &format!("checks:\n- name: ip\n  url: {}\n", tls.ip_url("/")),
        &opts,
        &[],
    );
    let r = &by_ip.results[0];
    assert_eq!(r.outcome, CheckOutcome::Failed);
    assert!(
        r.asserts[0].actual.contains("not valid for name"),
        "{}",
        r.asserts[0].actual
    );
    // And another production name is not accepted either.
    let other = format!(
        "checks:\n- name: other\n  url: {}\n  resolve: 127.0.0.1\n",
        tls.name_url("other.example.test", "/")
    );
    assert_eq!(
        run_env(&other, &opts, &[]).results[0].outcome,
        CheckOutcome::Failed
    );
}

#[test]
fn resolve_over_plain_http_sends_the_host_header() {
    let server = Server::fixed(Reply::text(200, "hi"));
    let yaml = format!(
        "checks:\n- name: shop\n  url: http://{SHOP}:{}/x\n  resolve: 127.0.0.1\n",
        server.addr().port()
    );
    assert_eq!(
        run(&yaml, &RunOptions::default()).results[0].outcome,
        CheckOutcome::Passed
    );
    assert_eq!(
        server.requests()[0].header("Host"),
        Some(format!("{SHOP}:{}", server.addr().port()).as_str())
    );
    // resolve to another port, like curl's --connect-to.
    let yaml = format!(
        "checks:\n- name: shop\n  url: http://{SHOP}/x\n  resolve: 127.0.0.1:{}\n",
        server.addr().port()
    );
    assert_eq!(
        run(&yaml, &RunOptions::default()).results[0].outcome,
        CheckOutcome::Passed
    );
    assert_eq!(server.requests()[1].header("Host"), Some(SHOP));
}

#[test]
fn a_stack_that_becomes_healthy_is_waited_for() {
    let born = Instant::now();
    let server = Server::start(move |_| {
        if born.elapsed() < Duration::from_secs(2) {
            Reply::text(503, "starting")
        } else {
            Reply::text(200, "ready")
        }
    });
    let yaml = format!(
        "checks:\n- name: fresh\n  url: {}\n  retry: {{ within: 15s, interval: 200ms, max_interval: 1s }}\n  \
         expect: {{ body: {{ contains: ready }} }}\n",
        server.url("/")
    );
    let started = Instant::now();
    let run = run(&yaml, &RunOptions::default());
    let r = &run.results[0];
    assert_eq!(r.outcome, CheckOutcome::Passed, "{r:#?}");
    assert!(r.attempts >= 3, "{}", r.attempts);
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_retry_window_that_closes_on_a_sick_stack_fails() {
    let server = Server::fixed(Reply::text(503, "sick"));
    let yaml = format!(
        "checks:\n- name: sick\n  url: {}\n  retry: {{ within: 1500ms, interval: 100ms }}\n",
        server.url("/")
    );
    let started = Instant::now();
    let r = run(&yaml, &RunOptions::default()).results.remove(0);
    assert_eq!(r.outcome, CheckOutcome::Failed);
    assert!(r.attempts >= 3, "{}", r.attempts);
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_hanging_server_times_out_within_bounds() {
    let server = Server::fixed(Reply::hang());
    let yaml = format!(
        "checks:\n- name: hang\n  url: {}\n  timeout: 1s\n",
        server.url("/")
    );
    let started = Instant::now();
    let run = run(&yaml, &RunOptions::default());
    let r = &run.results[0];
    assert_eq!(r.outcome, CheckOutcome::TimedOut);
    assert_eq!(r.error.as_deref(), Some("no answer within 1s"));
    assert_eq!(run.outcome, Outcome::Inconclusive);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn the_run_deadline_stops_retries_and_queued_checks() {
    let server = Server::fixed(Reply::hang());
    let url = server.url("/");
    let yaml = format!(
        "checks:\n- {{ name: a, url: '{url}', retry: 1m }}\n- {{ name: b, url: '{url}' }}\n- {{ name: c, url: '{url}' }}\n"
    );
    let opts = RunOptions {
        concurrency: 1,
        deadline: Some(Instant::now() + Duration::from_millis(1500)),
        ..RunOptions::default()
    };
    let started = Instant::now();
    let run = run(&yaml, &opts);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(run.outcome, Outcome::Inconclusive);
    assert_eq!(
        run.results[0].error.as_deref(),
        Some("no answer before the run's deadline")
    );
    for r in &run.results[1..] {
        assert_eq!((r.outcome, r.attempts), (CheckOutcome::TimedOut, 0));
        assert!(
            r.error.as_deref().unwrap().starts_with("not started"),
            "{r:#?}"
        );
    }
}

#[test]
fn an_unreachable_stack_is_inconclusive() {
    let url = refused_url();
    let run = run(
        &format!("checks:\n- name: down\n  url: {url}\n"),
        &RunOptions::default(),
    );
    let r = &run.results[0];
    assert_eq!(r.outcome, CheckOutcome::Error);
    assert_eq!(run.outcome, Outcome::Inconclusive);
    let port = url.trim_end_matches('/').rsplit(':').next().unwrap();
    assert_eq!(
        r.error.as_deref(),
        Some(format!("could not connect to 127.0.0.1:{port}: connection refused").as_str())
    );
}

#[test]
fn redirects_are_followed_only_when_asked_and_bounded() {
    let server = Server::start(|req| match req.path.as_str() {
        "/old" => Reply::status(302).header("Location", "/new"),
        "/loop" => Reply::status(302).header("Location", "/loop"),
        _ => Reply::text(200, "arrived"),
    });
    let plain = run(
        &format!("checks:\n- name: r\n  url: {}\n", server.url("/old")),
        &RunOptions::default(),
    );
    let r = &plain.results[0];
    assert_eq!(r.outcome, CheckOutcome::Failed);
    assert_eq!(r.asserts[0].actual, "302 (redirect to /new)");
    assert_eq!(server.requests().len(), 1);

    let followed = run(
        &format!(
            "checks:\n- name: r\n  url: {}\n  follow_redirects: true\n  expect: {{ body: {{ contains: arrived }} }}\n",
            server.url("/old")
        ),
        &RunOptions::default(),
    );
    let r = &followed.results[0];
    assert_eq!(r.outcome, CheckOutcome::Passed, "{r:#?}");
    assert_eq!(r.final_url.as_deref(), Some(server.url("/new").as_str()));

    let before = server.requests().len();
    let looped = run(
        &format!(
            "checks:\n- name: r\n  url: {}\n  follow_redirects: 2\n",
            server.url("/loop")
        ),
        &RunOptions::default(),
    );
    let r = &looped.results[0];
    assert_eq!(r.outcome, CheckOutcome::Failed);
    assert_eq!(server.requests().len() - before, 3);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("stopped after following 2 redirects")),
        "{r:#?}"
    );
}

#[test]
fn a_huge_body_is_capped_and_truncation_reported() {
    let mut body = "a".repeat(8 * 1024 * 1024);
    body.push_str("NEEDLE");
    let server = Server::fixed(Reply::text(200, &body));
    let yaml = format!(
        "checks:\n- name: big\n  url: {}\n  expect: {{ body: {{ contains: NEEDLE }} }}\n",
        server.url("/")
    );
    let opts = RunOptions {
        max_body_bytes: 1024 * 1024,
        ..RunOptions::default()
    };
    let r = run(&yaml, &opts).results.remove(0);
    assert_eq!(r.outcome, CheckOutcome::Failed);
    assert_eq!((r.body_bytes, r.body_truncated), (Some(1024 * 1024), true));
    let a = &r.asserts[1];
    assert_eq!(
        a.note.as_deref(),
        Some("the body is larger than 1 MiB: asserted on its first part")
    );
    assert!(a.actual.len() < 300, "{}", a.actual);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.contains("larger than the 1048576 bytes read"))
    );
}

#[test]
fn insecure_mode_passes_with_a_warning() {
    let tls = TlsServer::start(SHOP, 30, |_| Reply::text(200, "OK"));
    let yaml = format!(
        "checks:\n- name: lax\n  url: {}\n  insecure: true\n",
        tls.ip_url("/")
    );
    let r = run(&yaml, &RunOptions::default()).results.remove(0);
    assert_eq!(r.outcome, CheckOutcome::Passed, "{r:#?}");
    assert_eq!(r.warnings.len(), 1);
    assert!(r.warnings[0].starts_with("TLS certificate verification is off (insecure: true)"));
}

#[test]
fn tls_days_left_is_asserted() {
    let dir = tempfile::tempdir().unwrap();
    let tls = TlsServer::start(SHOP, 30, |_| Reply::text(200, "OK"));
    let yaml = format!(
        "checks:\n- name: soon\n  url: {url}\n  resolve: 127.0.0.1\n  expect: {{ tls_days_left: '> 14' }}\n\
         - name: later\n  url: {url}\n  resolve: 127.0.0.1\n  expect: {{ tls_days_left: 60 }}\n",
        url = tls.name_url(SHOP, "/")
    );
    let run = run(&yaml, &trusting(&tls, &dir));
    let (ok, short) = (&run.results[0], &run.results[1]);
    assert_eq!(ok.outcome, CheckOutcome::Passed, "{ok:#?}");
    assert!(
        matches!(ok.tls_days_left, Some(29 | 30)),
        "{:?}",
        ok.tls_days_left
    );
    assert_eq!(short.outcome, CheckOutcome::Failed);
    let a = short.asserts.last().unwrap();
    assert_eq!(
        (a.kind, a.description.as_str()),
        (AssertKind::Tls, "TLS certificate days left >= 60")
    );
    assert!(
        a.actual.starts_with("29 (expires ") || a.actual.starts_with("30 (expires "),
        "{}",
        a.actual
    );
    assert!(tls.seen().iter().all(|s| s.sni.as_deref() == Some(SHOP)));
}

#[test]
fn ten_slow_checks_run_concurrently() {
    let server = Server::fixed(Reply::text(200, "slow").delay(Duration::from_millis(500)));
    let mut yaml = String::from("checks:\n");
    for i in 0..10 {
        yaml.push_str(&format!(
            "- {{ name: c{i}, url: '{}' }}\n",
            server.url(&format!("/{i}"))
        ));
    }
    let started = Instant::now();
    let run = run(&yaml, &RunOptions::default());
    let took = started.elapsed();
    assert_eq!(run.totals.passed, 10);
    assert!(run.results.iter().all(|r| r.latency_ms.unwrap() >= 500));
    assert!(took < Duration::from_millis(2500), "{took:?}");
}

#[test]
fn secrets_never_appear_in_results() {
    let server = Server::start(|req| {
        let echo: Vec<String> = req
            .headers
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect();
        Reply::text(200, &format!("{} {}", req.path, echo.join("; ")))
            .header("Set-Cookie", "session=abcdef123")
    });
    let yaml = format!(
        "checks:\n- name: api\n  url: http://bob:pw-123@{}/x?api_key=${{API_KEY}}\n  headers:\n    \
         Authorization: Bearer ${{API_TOKEN}}\n    X-Tenant: {{ value: acme-secret-7, secret: true }}\n  \
         expect:\n    body: {{ contains: nothing-like-this, not_contains: Bearer }}\n    \
         headers: {{ Set-Cookie: == x }}\n",
        server.addr()
    );
    let env = [("API_TOKEN", "tok-SECRET-42"), ("API_KEY", "key-SECRET-43")];
    let run = run_env(&yaml, &RunOptions::default(), &env);
    assert_eq!(run.results[0].outcome, CheckOutcome::Failed);
    // The server did receive the secrets...
    let sent = &server.requests()[0];
    assert_eq!(sent.header("Authorization"), Some("Bearer tok-SECRET-42"));
    // ...and echoed them, but no result text shows them.
    let json = serde_json::to_string(&run).unwrap();
    for secret in [
        "tok-SECRET-42",
        "key-SECRET-43",
        "pw-123",
        "acme-secret-7",
        "abcdef123",
    ] {
        assert!(!json.contains(secret), "{secret} leaked: {json}");
    }
    assert!(json.contains("http://bob:***@"), "{json}");
}

#[test]
fn the_quick_check_from_flags_works() {
    let server = Server::fixed(Reply::text(200, "all OK"));
    let spec = CheckSpec::quick(&server.url("/health"), Some("200"), &["OK".to_string()]).unwrap();
    let ctx = ctx(&[]);
    let checks = checks::prepare(&[spec], &ctx).unwrap();
    let run = checks::run(&checks, &RunOptions::default());
    assert_eq!(run.outcome, Outcome::Go);
    assert_eq!(run.results[0].name, server.url("/health"));
    assert_eq!(run.results[0].asserts.len(), 2);
}

#[test]
fn a_post_sends_its_json_body_and_headers() {
    let server = Server::start(|req| Reply::json(200, &format!("{{\"got\": {}}}", req.body)));
    let yaml = format!(
        "checks:\n- name: search\n  method: post\n  url: {}\n  headers: {{ X-Probe: '1' }}\n  \
         body: {{ query: shoes, limit: 3 }}\n  expect:\n    json:\n      $.got.limit: == 3\n",
        server.url("/search")
    );
    assert_eq!(run(&yaml, &RunOptions::default()).outcome, Outcome::Go);
    let req = &server.requests()[0];
    assert_eq!(req.method, "POST");
    assert_eq!(req.header("Content-Type"), Some("application/json"));
    assert_eq!(req.header("X-Probe"), Some("1"));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_server_answering_garbage_is_an_error_not_a_failure() {
    let server = Server::fixed(Reply::raw(b"SSH-2.0-OpenSSH_9.6\r\n"));
    let run = run(
        &format!("checks:\n- name: junk\n  url: {}\n", server.url("/")),
        &RunOptions::default(),
    );
    let r = &run.results[0];
    assert_eq!(r.outcome, CheckOutcome::Error, "{r:#?}");
    assert_eq!(run.outcome, Outcome::Inconclusive);
    assert!(
        r.error
            .as_deref()
            .unwrap()
            .starts_with("not a valid HTTP response"),
        "{r:#?}"
    );
}
