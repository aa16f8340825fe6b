//! `greenlight lock` and `greenlight unlock` against a lock file and a real
//! local lock API.

use crate::support::{Reply, Server, Test};

#[test]
fn lock_then_gate_then_unlock_with_a_file() {
    let t = Test::new().env("USER", "alice");
    let lock = t.args(["lock", "--reason", "incident INC-42", "--expires", "2h"]);
    let lock = lock.args([
        "--lock-file",
        "state/lock.json",
        "--at",
        "2026-03-04T01:00:00Z",
    ]);
    lock.status(0)
        .stdout_has("✔ Locked file:state/lock.json: wrote")
        .stdout_has("incident INC-42, by alice, expires 2026-03-04 03:00 UTC");
    let json: serde_json::Value = serde_json::from_str(&lock.read("state/lock.json")).unwrap();
    assert_eq!(json["reason"], "incident INC-42");
    assert_eq!(json["by"], "alice");
    assert_eq!(json["since"], "2026-03-04T01:00:00Z");
    assert_eq!(json["expires"], "2026-03-04T03:00:00Z");
}

#[test]
fn gate_sees_a_lock_written_by_lock_and_not_after_unlock() {
    let t = Test::new();
    let run = |args: &[&str]| t.run_with(&[args, &["--lock-file", "lock.json"]].concat());
    run(&["lock", "--reason", "demo", "--by", "bob"]).exits(0);
    run(&["gate"]).exits(1).stdout_has("locked by bob since");
    run(&["unlock"]).exits(0);
    run(&["gate"]).exits(0);
    run(&["unlock"]).stdout_has("was not locked");
}

#[test]
fn lock_needs_a_reason() {
    Test::new()
        .args(["lock", "--lock-file", "l.json"])
        .status(2)
        .stderr_has("error: `lock` needs --reason (or GREENLIGHT_LOCK_REASON)");
}

#[test]
fn env_sources_cannot_be_written() {
    Test::new()
        .args(["lock", "--reason", "x", "--lock-env", "DEPLOY_LOCK"])
        .status(2)
        .stderr_has("no lock source can be written");
}

#[test]
fn lock_and_unlock_call_the_api() {
    let server = Server::start(|req| match req.method.as_str() {
        "PUT" => Reply::status(204),
        "DELETE" => Reply::status(200),
        // Issue #9: writes read the lock first (here: there is none).
        _ => Reply::status(404),
    });
    let url = server.url("/locks/payments");
    Test::new()
        .args([
            "lock",
            "--lock-url",
            &url,
            "--reason",
            "INC-1",
            "--by",
            "carol",
            "--at",
            "2026-03-04T01:00:00Z",
        ])
        .status(0)
        .stdout_has("✔ Locked http:");
    Test::new()
        .args(["unlock", "--lock-url", &url])
        .status(0)
        .stdout_has("✔ Unlocked http:");
    let reqs: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .collect();
    assert_eq!(
        (reqs[0].method.as_str(), reqs[0].path.as_str()),
        ("PUT", "/locks/payments")
    );
    let body: serde_json::Value = serde_json::from_str(&reqs[0].body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"locked": true, "reason": "INC-1", "by": "carol", "since": "2026-03-04T01:00:00Z"})
    );
    assert_eq!(reqs[1].method, "DELETE");
}

#[test]
fn api_refusing_the_lock_is_reported() {
    let server = Server::fixed(Reply::text(403, "forbidden"));
    Test::new()
        .args(["lock", "--lock-url", &server.url("/"), "--reason", "x"])
        .status(3)
        .stdout_has("✖ http:127.0.0.1:")
        .stdout_has("lock API answered HTTP 403: forbidden");
}

/// Issue #8's clock bug: `--at` set the window's clock, but lock expiry used
/// the wall clock, so a what-if gate before a lock's expiry said it had
/// expired, and `lock --at <past> --expires 4h` wrote a lock that was dead
/// on arrival. One clock (`--at`, else now) decides everything.
#[test]
fn clock_bug_expiry_is_judged_at_the_runs_instant() {
    let t = Test::new().env("USER", "alice");
    let run = |args: &[&str]| t.run_with(&[args, &["--lock-file", "lock.json"]].concat());
    run(&[
        "lock",
        "--reason",
        "migration",
        "--expires",
        "4h",
        "--at",
        "2026-11-30T21:00:00Z",
    ])
    .exits(0)
    .stdout_has("expires 2026-12-01 01:00 UTC");
    // Before the expiry, at the run's instant: locked (the wall clock,
    // years later, would have called it expired).
    run(&["gate", "--at", "2026-11-30T23:00:00Z"])
        .exits(1)
        .stdout_has("✖ Lock file:lock.json: locked by alice since 2026-11-30T21:00:00Z: migration");
    // After it: expired and ignored.
    run(&["gate", "--at", "2026-12-01T01:00:00Z"])
        .exits(0)
        .stdout_has("expired lock ignored: migration");
}

/// Issue #9 item 2, for lock APIs: writes are conditional, so another
/// holder's lock is refused, `--force` replaces exactly the version read,
/// and the loser of a race (`412`) is told who holds the lock.
#[test]
fn a_lock_api_is_written_with_conditional_requests() {
    use std::sync::{Arc, Mutex};
    // version, body: a lock API that honours If-Match / If-None-Match.
    let state = Arc::new(Mutex::new((
        1u32,
        Some(r#"{"locked":true,"reason":"INC-42","by":"alice"}"#.to_string()),
    )));
    let s = state.clone();
    let server = Server::start(move |req| {
        let mut st = s.lock().unwrap();
        let etag = format!("\"v{}\"", st.0);
        let matches = match (req.header("If-Match"), req.header("If-None-Match")) {
            (Some(m), _) => m == etag,
            (None, Some("*")) => st.1.is_none(),
            (None, _) => true,
        };
        match req.method.as_str() {
            "GET" => match &st.1 {
                Some(body) => Reply::json(200, body).header("ETag", &etag),
                None => Reply::json(200, r#"{"locked":false}"#).header("ETag", &etag),
            },
            _ if !matches => Reply::status(412),
            "PUT" => {
                *st = (st.0 + 1, Some(req.body.clone()));
                Reply::status(204)
            }
            _ => {
                *st = (st.0 + 1, None);
                Reply::status(204)
            }
        }
    });
    let url = server.url("/lock");
    let lock = |by: &str, extra: &[&str]| {
        Test::new()
            .args([
                "lock",
                "--lock-url",
                &url,
                "--reason",
                "release",
                "--by",
                by,
            ])
            .args(extra.iter().copied())
            .output()
    };
    lock("bob", &[])
        .exits(1)
        .stdout_has("locked by alice: INC-42; not replaced (--force replaces it)");
    assert!(
        server.requests().iter().all(|r| r.method == "GET"),
        "nothing written"
    );
    lock("bob", &["--force"])
        .exits(0)
        .stdout_has("replaced the lock of alice (INC-42)");
    let put = server
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .unwrap();
    assert_eq!(put.header("If-Match"), Some("\"v1\""));
    // A writer that loses a race gets 412, and is told who holds it now.
    let gets = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let g = gets.clone();
    let racer = Server::start(move |req| match req.method.as_str() {
        "GET" if g.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 => {
            Reply::json(200, r#"{"locked":false}"#).header("ETag", "\"v7\"")
        }
        "GET" => Reply::json(
            200,
            r#"{"locked":true,"reason":"won the race","by":"carol"}"#,
        ),
        _ => Reply::status(412),
    });
    Test::new()
        .args([
            "lock",
            "--lock-url",
            &racer.url("/lock"),
            "--reason",
            "mine",
            "--by",
            "dave",
        ])
        .status(1)
        .stdout_has("locked by carol: won the race; not replaced");
    let put = racer
        .requests()
        .into_iter()
        .find(|r| r.method == "PUT")
        .unwrap();
    assert_eq!(put.header("If-Match"), Some("\"v7\""));
}
