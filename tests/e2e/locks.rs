//! Lock sources through the real binary: environment variables, lock
//! files and a real local lock API that answers, locks, hangs, fails and
//! returns garbage.

use std::time::{Duration, Instant};

use crate::support::server::refused_url;
use crate::support::{Reply, Server, Test};

const AT: &str = "2026-03-04T01:00:00Z";

fn gate() -> Test {
    Test::new().args(["gate", "--at", AT])
}

#[test]
fn env_lock_value_is_the_reason() {
    gate()
        .args(["--lock-env", "DEPLOY_LOCK"])
        .env("DEPLOY_LOCK", "incident INC-42")
        .status(1)
        .stdout_has("✖ Lock env:DEPLOY_LOCK: locked: incident INC-42")
        .stdout_has("✖ NO-GO: locked (env:DEPLOY_LOCK): incident INC-42");
}

#[test]
fn empty_or_false_env_lock_does_not_lock() {
    for value in ["", "false"] {
        gate()
            .args(["--lock-env", "DEPLOY_LOCK"])
            .env("DEPLOY_LOCK", value)
            .status(0)
            .stdout_has("✔ Lock env:DEPLOY_LOCK: unlocked");
    }
}

#[test]
fn bamboo_plan_variables_configure_and_lock() {
    // Bamboo passes plan variable `greenlight.lock_env` as `bamboo_greenlight_lock_env`
    // and `deploy.lock` as `bamboo_deploy_lock`.
    gate()
        .env("bamboo_greenlight_lock_env", "deploy.lock")
        .env("bamboo_deploy_lock", "demo for a customer")
        .status(1)
        .stdout_has("locked: demo for a customer");
}

#[test]
fn lock_file_says_who_and_since() {
    gate()
        .file(
            ".greenlight/lock.json",
            r#"{"reason":"incident INC-42","by":"alice","since":"2026-03-04T00:30:00Z"}"#,
        )
        .args(["--lock-file", ".greenlight/lock.json"])
        .status(1)
        .stdout_has("locked by alice since 2026-03-04T00:30:00Z: incident INC-42");
}

#[test]
fn expired_lock_file_is_ignored_and_reported() {
    gate()
        .file(
            "lock.json",
            r#"{"reason":"old","expires":"2026-03-04T00:59:00Z"}"#,
        )
        .args(["--lock-file", "lock.json"])
        .status(0)
        .stdout_has("⚠ Lock file:lock.json: expired lock ignored: old");
}

#[test]
fn corrupt_lock_file_fails_closed_by_default_and_open_on_request() {
    let t = gate()
        .file("lock.json", "{not json")
        .args(["--lock-file", "lock.json"]);
    t.status(3)
        .stdout_has("⚠ Lock file:lock.json: unavailable: lock.json: invalid lock JSON");
    let t = t.args(["--on-error", "open"]);
    t.status(0).stdout_has("ignored because on_error: open");
}

fn api(yaml_extra: &str, server: &Server) -> Test {
    gate().config(&format!(
        "locks:\n  timeout: 1s\n  retries: 1\n  sources:\n    - {{ type: http, name: lock-api, url: \"{}\"{yaml_extra} }}\n",
        server.url("/lock")
    ))
}

#[test]
fn api_unlocked_and_locked_answers() {
    let open = Server::fixed(Reply::json(200, r#"{"locked":false}"#));
    api("", &open)
        .status(0)
        .stdout_has("✔ Lock lock-api: unlocked");

    let locked = Server::fixed(Reply::json(
        200,
        r#"{"locked":true,"reason":"INC-7","by":"bob","since":"2026-03-04T00:00:00Z"}"#,
    ));
    api("", &locked)
        .status(1)
        .stdout_has("✖ Lock lock-api: locked by bob since 2026-03-04T00:00:00Z: INC-7");
}

#[test]
fn api_423_means_locked() {
    let server = Server::fixed(Reply::status(423));
    api("", &server)
        .status(1)
        .stdout_has("locked: HTTP 423 Locked");
}

#[test]
fn api_custom_pointers() {
    let server = Server::fixed(Reply::json(
        200,
        r#"{"data":{"frozen":"locked","why":"release train"}}"#,
    ));
    api(
        ", pointers: { locked: /data/frozen, reason: /data/why }",
        &server,
    )
    .status(1)
    .stdout_has("locked: release train");
}

#[test]
fn api_5xx_is_retried_then_unavailable() {
    let server = Server::fixed(Reply::text(503, "maintenance"));
    api("", &server)
        .status(3)
        .stdout_has("unavailable: HTTP 503: maintenance (2 attempts)");
    assert_eq!(server.requests().len(), 2, "one try and one retry");
}

#[test]
fn api_garbage_and_wrong_shape_are_unavailable() {
    let garbage = Server::fixed(Reply::raw(b"\x00\x01 not http at all\r\n\r\n"));
    api("", &garbage)
        .status(3)
        .stdout_has("⚠ Lock lock-api: unavailable:");
    let html = Server::fixed(Reply::text(200, "<html>oops</html>"));
    api("", &html)
        .status(3)
        .stdout_has("HTTP 200 with a body that is not JSON: <html>oops</html>");
    let shape = Server::fixed(Reply::json(200, r#"{"status":"ok"}"#));
    api("", &shape)
        .status(3)
        .stdout_has("unexpected JSON shape: no value at `/locked`");
}

#[test]
fn refused_connection_is_named() {
    let t = gate().args(["--lock-url", &refused_url()]);
    t.status(3).stdout_has("unavailable: connection failed");
}

#[test]
fn hanging_api_never_hangs_the_gate() {
    let server = Server::fixed(Reply::hang());
    let started = Instant::now();
    api("", &server)
        .status(3)
        .stdout_has("unavailable: timed out after 1s (2 attempts)");
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn global_deadline_bounds_the_run() {
    let server = Server::fixed(Reply::hang());
    let started = Instant::now();
    gate()
        .config(&format!(
            "locks:\n  timeout: 30s\n  sources:\n    - {{ type: http, url: \"{}\" }}\n",
            server.url("/")
        ))
        .args(["--deadline", "1s"])
        .status(3)
        .stdout_has("unavailable: timed out");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn on_error_open_passes_with_a_warning() {
    let server = Server::fixed(Reply::status(500));
    api("", &server)
        .args(["--on-error", "open"])
        .status(0)
        .stdout_has("⚠ lock source lock-api unavailable (HTTP 500 (2 attempts)); ignored because on_error: open");
}

#[test]
fn token_is_sent_but_never_printed() {
    let token = "tok-3f9a8b7c6d5e";
    // The server echoes the Authorization header back in an error body.
    let server = Server::start(|req| {
        Reply::text(
            502,
            &format!(
                "bad gateway for {}",
                req.header("Authorization").unwrap_or("")
            ),
        )
    });
    let run = api(", token_env: LOCK_TOKEN", &server)
        .env("LOCK_TOKEN", token)
        .env("DEBUG", "true")
        .status(3);
    run.nowhere(token).stderr_has("DEBUG");
    assert_eq!(
        server.requests()[0].header("Authorization"),
        Some(format!("Bearer {token}").as_str())
    );
}

#[test]
fn password_in_lock_url_is_never_printed() {
    let server = Server::fixed(Reply::status(500));
    let url = server
        .url("/lock")
        .replace("http://", "http://ops:hunter2pass@");
    gate()
        .args(["--lock-url", &url])
        .env("DEBUG", "true")
        .status(3)
        .nowhere("hunter2pass");
}

#[test]
fn status_reports_without_failing() {
    let run = Test::new()
        .args([
            "status",
            "--at",
            AT,
            "--lock-env",
            "DEPLOY_LOCK",
            "--format",
            "json",
        ])
        .env("DEPLOY_LOCK", "INC-9")
        .status(0);
    let json = run.json();
    assert_eq!(json["command"], "status");
    assert_eq!(json["exit_code"], 0);
    assert_eq!(json["outcome"], "no_go");
    assert_eq!(json["locks"]["sources"][0]["source"], "env:DEPLOY_LOCK");
    assert_eq!(json["locks"]["sources"][0]["state"], "locked");
    assert_eq!(json["locks"]["sources"][0]["reason"], "INC-9");
    assert_eq!(json["reasons"][0], "locked (env:DEPLOY_LOCK): INC-9");
}

#[test]
fn a_lock_url_with_a_user_and_password_sends_basic_auth() {
    let api = Server::fixed(Reply::json(200, r#"{"locked": false}"#));
    let url = api
        .url("/lock")
        .replace("http://", "http://deployer:pa%40ss-9c1@");
    gate()
        .env("DEBUG", "true")
        .args(["--lock-url", &url])
        .status(0)
        .nowhere("pa@ss-9c1")
        .nowhere("pa%40ss-9c1");
    let r = &api.requests()[0];
    assert_eq!(r.path, "/lock");
    // base64("deployer:pa@ss-9c1")
    assert_eq!(
        r.header("Authorization"),
        Some("Basic ZGVwbG95ZXI6cGFAc3MtOWMx")
    );
    // Not with a bearer token as well.
    gate()
        .env("LOCK_TOKEN", "tok-1")
        .args(["--lock-url", &url, "--lock-token-env", "LOCK_TOKEN"])
        .status(2)
        .stderr_has("carries a user and password and a bearer token is given too");
}
