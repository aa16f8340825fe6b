//! Issue #9, "trust under hostile conditions": each test is named after the
//! failure it pins, through the real binary.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::Test;
use crate::support::test::binary;

const HOLIDAYS: &str = "timezone: UTC
environments:
  production:
    freezes:
      - { name: holidays, reason: Holiday freeze, yearly: { from: \"12-24\", to: \"01-02\" } }
  pre-prod:
    windows: [Mon-Fri 09:00-17:00]
";

/// Item 1: `bamboo_deploy_environment=Production` said GO inside the
/// `production` block's holiday freeze: names are matched the way the
/// tools write them, and the header says which block applied.
#[test]
fn environment_display_names_select_their_block() {
    for (var, name) in [
        ("bamboo_deploy_environment", "Production"),
        ("BITBUCKET_DEPLOYMENT_ENVIRONMENT", "PRODUCTION"),
        ("GREENLIGHT_ENVIRONMENT", " production "),
    ] {
        Test::new()
            .config(HOLIDAYS)
            .env(var, name)
            .args(["gate", "--at", "2026-12-25T01:00:00Z"])
            .status(1)
            .stdout_has(&format!(
                "• Config greenlight.yml, environment {} (block `production`, named by {var})",
                name.trim()
            ))
            .stdout_has("freeze `holidays` (Holiday freeze)");
    }
    let json = Test::new()
        .config(HOLIDAYS)
        .env("BITBUCKET_DEPLOYMENT_ENVIRONMENT", "Pre Prod")
        .args(["gate", "--at", "2026-12-26T10:00:00Z", "--format", "json"])
        .status(1)
        .json();
    assert_eq!(json["run"]["config_file"], "greenlight.yml");
    assert_eq!(json["run"]["environment"]["block"], "pre-prod");
    assert_eq!(
        json["run"]["environment"]["from"],
        "BITBUCKET_DEPLOYMENT_ENVIRONMENT"
    );
}

#[test]
fn an_environment_without_a_block_is_a_visible_warning() {
    let run = Test::new()
        .config(HOLIDAYS)
        .env("bamboo_deploy_environment", "Staging")
        .args(["gate", "--at", "2026-12-25T01:00:00Z"])
        .status(0);
    run.stdout_has("⚠ no environment `Staging` in greenlight.yml (known: pre-prod, production); bamboo_deploy_environment named it, so the top-level settings apply");
    Test::new()
        .config(HOLIDAYS)
        .env("bamboo_deploy_environment", "Staging")
        .env("DEBUG", "true")
        .args(["gate", "--at", "2026-12-25T01:00:00Z"])
        .status(0)
        .stderr_has("environment `Staging` (from bamboo_deploy_environment): no block applies");
}

/// Item 2: bob's `lock --expires 1h` replaced alice's open-ended incident lock;
/// when it expired deploys resumed during the incident.
#[test]
fn another_holders_lock_is_never_silently_replaced() {
    let t = Test::new();
    let as_user = |user: &str, args: &[&str]| {
        let mut cmd = Command::new(binary());
        cmd.args(args)
            .args(["--lock-file", "lock.json", "--at", "2026-03-04T10:00:00Z"])
            .current_dir(t.path())
            .env_clear()
            .env("USER", user);
        crate::support::test::Run::from(cmd.output().unwrap())
    };
    as_user("alice", &["lock", "--reason", "incident INC-42"]).exits(0);
    as_user("bob", &["lock", "--reason", "release", "--expires", "1h"])
        .exits(1)
        .stdout_has("✖ file:lock.json: locked by alice since 2026-03-04T10:00:00Z: incident INC-42; not replaced (--force replaces it)");
    assert!(t.read("lock.json").contains("alice"));
    // The holder updates its own lock.
    as_user("alice", &["lock", "--reason", "incident INC-42, mitigated"]).exits(0);
    assert!(t.read("lock.json").contains("mitigated"));
    let json = as_user(
        "bob",
        &["lock", "--reason", "release", "--force", "--format", "json"],
    );
    json.exits(0);
    let doc = json.json();
    assert_eq!(doc["results"][0]["holder"]["by"], "alice");
    as_user("carol", &["unlock"])
        .exits(0)
        .stdout_has("✔ Unlocked file:lock.json: removed lock.json (lifted the lock of bob: release, since 2026-03-04T10:00:00Z)");
}

/// Item 3: 500 concurrent `lock` runs shared one temporary file: 134 exited 2
/// and readers saw an empty lock file. Here: rounds of 20 lockers with
/// different holders racing for a free lock file while gates read it.
#[test]
fn concurrent_locks_never_tear_never_fail_never_lose_a_lock() {
    let t = Test::new();
    for round in 0..8 {
        let mut lockers = Vec::new();
        let mut gates = Vec::new();
        for i in 0..20 {
            lockers.push(
                Command::new(binary())
                    .args(["lock", "--lock-file", "lock.json", "--reason", "race"])
                    .args(["--by", &format!("holder-{round}-{i}"), "--quiet"])
                    .current_dir(t.path())
                    .env_clear()
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap(),
            );
            gates.push(
                Command::new(binary())
                    .args(["gate", "--lock-file", "lock.json", "--quiet"])
                    .current_dir(t.path())
                    .env_clear()
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap(),
            );
        }
        let mut winners = Vec::new();
        for (i, child) in lockers.into_iter().enumerate() {
            let out = child.wait_with_output().unwrap();
            match out.status.code() {
                Some(0) => winners.push(format!("holder-{round}-{i}")),
                Some(1) => assert!(
                    String::from_utf8_lossy(&out.stdout).contains("not replaced"),
                    "a refused lock names the holder: {out:?}"
                ),
                other => panic!("lock exited {other:?}: {out:?}"),
            }
        }
        for child in gates {
            let out = child.wait_with_output().unwrap();
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "a gate saw a torn lock file: {out:?}"
            );
        }
        assert_eq!(winners.len(), 1, "round {round}: winners {winners:?}");
        assert!(
            t.read("lock.json").contains(&winners[0]),
            "the winner's lock is kept"
        );
        t.run_with(&["unlock", "--lock-file", "lock.json"]).exits(0);
    }
    // Locking, unlocking and gating at once: nothing fails, nothing tears.
    for _ in 0..5 {
        let children: Vec<_> = (0..20)
            .map(|i| {
                let args: &[&str] = match i % 3 {
                    0 => &["lock", "--reason", "deploy", "--by", "ci"],
                    1 => &["unlock"],
                    _ => &["gate"],
                };
                Command::new(binary())
                    .args(args)
                    .args(["--lock-file", "lock.json", "--quiet"])
                    .current_dir(t.path())
                    .env_clear()
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert!(matches!(out.status.code(), Some(0 | 1)), "{out:?}");
        }
    }
    let leftovers: Vec<_> = std::fs::read_dir(t.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

/// Item 4: A FIFO given as lock file or config blocked forever, past `--deadline`.
#[test]
fn a_fifo_is_refused_at_once() {
    let t = Test::new();
    for name in ["l", "c.yml"] {
        let made = Command::new("mkfifo").arg(t.path().join(name)).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    }
    let started = Instant::now();
    t.run_with(&[
        "gate",
        "-w",
        "Mon-Sun 00:00-24:00",
        "-t",
        "UTC",
        "--lock-file",
        "l",
        "--deadline",
        "3s",
    ])
    .exits(3)
    .stdout_has("cannot read l: it is not a regular file (it is a FIFO)");
    t.run_with(&["gate", "-c", "c.yml", "--deadline", "3s"])
        .exits(2)
        .stderr_has("cannot read config file c.yml: it is not a regular file (it is a FIFO)");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

/// Item 5: `--lock-file /dev/zero` or a 300 MB lock file grew without bound.
#[test]
fn huge_config_and_lock_files_are_refused_with_the_limit() {
    let t = Test::new()
        .file("big.json", &" ".repeat(2 << 20))
        .file("big.yml", &format!("# {}\n", "x".repeat(5 << 20)));
    t.run_with(&["gate", "--lock-file", "big.json"])
        .exits(3)
        .stdout_has("cannot read big.json: it is larger than 1 MiB, the most a lock file may be");
    t.run_with(&["gate", "--lock-file", "/dev/zero"])
        .exits(3)
        .stdout_has("it is not a regular file (it is a device)");
    t.run_with(&["gate", "-c", "big.yml"]).exits(2).stderr_has(
        "cannot read config file big.yml: it is larger than 4 MiB, the most a config file may be",
    );
    t.run_with(&["gate", "-c", "/dev/zero"])
        .exits(2)
        .stderr_has("it is not a regular file (it is a device)");
}

/// Item 7: Panics (exit 134) on huge durations and on a closed stderr.
#[test]
fn huge_durations_and_a_closed_stderr_never_panic() {
    let t = Test::new().file("d.yml", "deadline: 18446744073709551615\nwindows: []\n");
    for run in [
        t.run_with(&[
            "gate",
            "-w",
            "Mon 09:00-10:00",
            "-t",
            "UTC",
            "--deadline",
            "18446744073709551615",
        ]),
        t.run_with(&["gate", "-c", "d.yml"]),
        t.run_with(&[
            "lock",
            "--lock-file",
            "l.json",
            "--reason",
            "x",
            "--expires",
            "99999999d",
        ]),
    ] {
        run.exits(2).stderr_has("longer than 3650d");
    }
    let mut child = Command::new(binary())
        .args(["gate", "-c", "missing.yml"])
        .current_dir(t.path())
        .env_clear()
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take()); // `2>&1 | head -0`: nobody reads stderr
    assert_eq!(child.wait().unwrap().code(), Some(2));
}

/// Item 13: A `token_env` naming an unset variable sent no token, and the user
/// saw only `HTTP 401`.
#[test]
fn an_unset_token_variable_is_named() {
    Test::new()
        .args([
            "gate",
            "--lock-url",
            "http://127.0.0.1:9/",
            "--lock-token-env",
            "LOCK_TOKEN",
        ])
        .status(2)
        .stderr_has("invalid --lock-token-env: variable `LOCK_TOKEN` is not set");
    Test::new()
        .config("locks:\n  sources:\n    - { type: http, url: \"http://127.0.0.1:9/\", token_env: LOCK_TOKEN }\n")
        .args(["gate"])
        .status(2)
        .stderr_has("greenlight.yml:3:60: locks.sources[0].token_env: variable `LOCK_TOKEN` is not set");
}

/// Item 17: `locks.timeout: 0s` was accepted and failed as "deadline reached
/// (0 attempts)"; durations are now checked the same way everywhere.
#[test]
fn zero_durations_are_refused_everywhere() {
    let cases: [(&str, &[&str], &str); 4] = [
        (
            "locks:\n  timeout: 0s\n  sources: [{ type: env, variable: X }]\n",
            &["gate"],
            "greenlight.yml:2:12: timeout: invalid duration `0s`: must be more than 0s",
        ),
        (
            "windows: []\n",
            &["gate", "--deadline", "0s"],
            "invalid --deadline: invalid duration `0s`: must be more than 0s",
        ),
        (
            "windows: []\n",
            &[
                "lock",
                "--lock-file",
                "l",
                "--reason",
                "r",
                "--expires",
                "0",
            ],
            "invalid --expires: invalid duration `0`: must be more than 0s",
        ),
        (
            "checks:\n  - { name: c, url: \"http://x/\", timeout: 0s }\n",
            &["checks"],
            "must be more than 0s",
        ),
    ];
    for (config, args, message) in cases {
        Test::new()
            .config(config)
            .args(args.iter().copied())
            .status(2)
            .stderr_has(message);
    }
}

/// Item 18: `--color never` and `GREENLIGHT_COLOR=never` were ignored for error
/// lines when `CI` was set.
#[test]
fn color_never_is_honoured_for_error_lines() {
    for (flag, var) in [(Some("never"), None), (None, Some("never"))] {
        let mut t = Test::new()
            .env("CI", "true")
            .args(["gate", "-c", "missing.yml"]);
        if let Some(f) = flag {
            t = t.args(["--color", f]);
        }
        if let Some(v) = var {
            t = t.env("GREENLIGHT_COLOR", v);
        }
        let run = t.status(2);
        assert!(!run.stderr.contains('\x1b'), "coloured: {:?}", run.stderr);
    }
    let run = Test::new()
        .env("CI", "true")
        .args(["gate", "-c", "missing.yml"])
        .status(2);
    assert!(run.stderr.contains('\x1b'), "CI colours by default");
}

/// Item 14: an untrusted or expired certificate of a lock API or
/// Prometheus was "connection failed: invalid data" and retried.
#[test]
fn tls_problems_are_named_and_not_retried() {
    use crate::support::tls::TlsServer;
    let tls = TlsServer::expired("localhost", |_| crate::support::Reply::json(200, "{}"));
    let dir = tempfile::tempdir().unwrap();
    let ca = tls.write_ca(dir.path());
    let url = tls.ip_url("/").replace("127.0.0.1", "localhost");
    Test::new()
        .args([
            "gate",
            "--lock-url",
            &url,
            "--ca-file",
            ca.to_str().unwrap(),
        ])
        .status(3)
        .stdout_has(
            "unavailable: TLS: the server's certificate was refused: it has expired (1 attempt)",
        );
    let untrusted = TlsServer::start("localhost", 30, |_| crate::support::Reply::json(200, "{}"));
    let url = untrusted.ip_url("/").replace("127.0.0.1", "localhost");
    Test::new()
        .args(["gate", "--lock-url", &url])
        .status(3)
        .stdout_has("TLS: the server's certificate was refused: it is signed by an authority that is not trusted (trust its CA with --ca-file) (1 attempt)");
    let garbled = crate::support::Server::fixed(
        crate::support::Reply::status(200).body(b"\xff\xfe\xfd not utf-8"),
    );
    Test::new()
        .args(["gate", "--lock-url", &garbled.url("/")])
        .status(3)
        .stdout_has("unavailable: the answer is not UTF-8 text (1 attempt)");
}

/// Item 15: a Prometheus 3xx/4xx with a non-JSON body never said its
/// status, and a 429's `Retry-After` was ignored.
#[test]
fn prometheus_states_the_status_and_waits_as_asked() {
    use crate::support::{Reply, Server};
    let config = |url: String| {
        format!(
            "compare:\n  source: {{ type: prometheus, url: \"{url}\", retries: 1 }}\n  baseline: {{ g: a }}\n  canary: {{ g: b }}\n  metrics:\n    - {{ name: m, query: 'x{{g=\"{{{{g}}}}\"}}' }}\n"
        )
    };
    let login = Server::fixed(Reply::text(401, "<html>please log in</html>"));
    Test::new()
        .config(&config(login.url("")))
        .args(["compare"])
        .status(3)
        .stdout_has("prometheus could not be reached: HTTP 401: <html>please log in</html>");
    let busy = Server::fixed(Reply::text(429, "busy").header("Retry-After", "2"));
    let started = Instant::now();
    Test::new()
        .config(&config(busy.url("")))
        .args(["compare", "--deadline", "10s"])
        .status(3)
        .stdout_has("HTTP 429: busy (2 attempts)");
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "waited as asked"
    );
    let far = Server::fixed(Reply::text(429, "later").header("Retry-After", "3600"));
    let started = Instant::now();
    Test::new()
        .config(&config(far.url("")))
        .args(["compare", "--deadline", "3s"])
        .status(3)
        .stdout_has("HTTP 429: asked to retry after 1h, past the run's deadline");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "did not wait past the deadline"
    );
}

/// Item 19: a retry kept retrying a certificate that could not change, a
/// 6 s retry gave up after 4.8 s, the JUnit suite's time was the sum of the
/// last attempts, the message said "(1 attempts)", and nothing said which
/// address `--resolve` hit.
#[test]
fn checks_retry_honestly_and_say_where_they_went() {
    use crate::support::tls::TlsServer;
    use crate::support::{Reply, Server};
    let tls = TlsServer::start("shop.example.test", 9, |_| Reply::text(200, "OK"));
    let dir = tempfile::tempdir().unwrap();
    let ca = tls.write_ca(dir.path());
    let started = Instant::now();
    let run = Test::new()
        .config(&format!(
            "checks:\n  - name: cert\n    url: \"{}\"\n    resolve: 127.0.0.1\n    retry: 20s\n    expect: {{ tls_days_left: \"> 14\" }}\n",
            tls.name_url("shop.example.test", "/")
        ))
        .args(["checks", "--ca-file", ca.to_str().unwrap()])
        .status(1);
    run.stdout_has("→ 200 in")
        .stdout_has(&format!("via 127.0.0.1:{}", tls.port()))
        .stdout_has("not retried: a certificate does not change while a deploy waits");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );

    let down = Server::fixed(Reply::status(503));
    let t = Test::new();
    let started = Instant::now();
    t.run_with(&[
        "checks",
        "--url",
        &down.url("/"),
        "--retry",
        "6s",
        "--junit",
        "j.xml",
    ])
    .exits(1);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(5500) && took < Duration::from_millis(7000),
        "a 6s retry window is used whole: {took:?}"
    );
    let junit = t.read("j.xml");
    let suite_time: f64 = junit
        .split("<testsuite ")
        .nth(1)
        .and_then(|s| s.split("time=\"").nth(1))
        .and_then(|s| s.split('"').next())
        .and_then(|s| s.parse().ok())
        .unwrap();
    assert!(
        suite_time >= 5.5,
        "the suite's time is the run's: {suite_time}\n{junit}"
    );
    let refused = crate::support::server::refused_url();
    let t = Test::new();
    t.run_with(&["checks", "--url", &refused, "--junit", "j.xml"])
        .exits(3);
    assert!(
        t.read("j.xml").contains("(1 attempt)"),
        "{}",
        t.read("j.xml")
    );
}
