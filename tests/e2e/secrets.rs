//! Issue #9's secret-leak test: distinctive secrets in every place a secret
//! can go (tokens from variables, basic-auth passwords, secret header
//! values, `?token=` query values, URL passwords), servers that echo every
//! request back (in lock reasons, error pages, check bodies), every command
//! with `DEBUG=true`, text, `--format json` and a JUnit file; every output
//! and every file scanned for each secret as it is, percent-encoded and in
//! base64. None may appear.

use std::path::Path;

use crate::support::server::Request;
use crate::support::test::Run;
use crate::support::{Reply, Server, Test};

const LOCK_TOKEN: &str = "lockTOKEN-7c1e5a9b";
const LOCK_KEY: &str = "lockKEY/8d2f+Q==";
const LOCK_QUERY: &str = "lockQUERY-3b6e1d4c";
const PROM_PASSWORD: &str = "promPASS:w0rd-91ae";
const PROM_KEY: &str = "promKEY-5f0c22d1";
const CHECK_TOKEN: &str = "checkTOKEN-e4b7a013";
const CHECK_KEY: &str = "checkKEY-0a9d6c52";
const CHECK_QUERY: &str = "checkQUERY-77f1b2e3";
const URL_PASSWORD: &str = "urlPASS-c0ffee42";
const SECRET_HEADER: &str = "tenantSECRET-1d5e7f9a";

const ALL: &[&str] = &[
    LOCK_TOKEN,
    LOCK_KEY,
    LOCK_QUERY,
    PROM_PASSWORD,
    PROM_KEY,
    CHECK_TOKEN,
    CHECK_KEY,
    CHECK_QUERY,
    URL_PASSWORD,
    SECRET_HEADER,
];

/// The forms a secret travels in and may be echoed in.
fn forms(secret: &str) -> Vec<String> {
    vec![
        secret.to_string(),
        greenlight::encode::encode_query_value(secret),
        greenlight::encode::base64(secret.as_bytes()),
    ]
}

/// The request as text: its line and every header, as an echo server
/// sends it back.
fn echo(r: &Request) -> String {
    let mut s = format!("{} {}", r.method, r.path);
    for (k, v) in &r.headers {
        s.push_str(&format!(" | {k}: {v}"));
    }
    s
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn scan(what: &str, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for secret in ALL {
        for form in forms(secret) {
            if text.contains(&form) {
                found.push(format!("{what}: {form} (from {secret})"));
            }
        }
    }
    found
}

fn scan_run(what: &str, run: &Run, dir: &Path) -> Vec<String> {
    let mut found = scan(&format!("{what} stdout"), &run.stdout);
    found.extend(scan(&format!("{what} stderr"), &run.stderr));
    for entry in walk(dir) {
        if let Ok(text) = std::fs::read_to_string(&entry) {
            if entry.file_name().is_some_and(|n| n == "greenlight.yml") {
                continue; // the config holds the literal secrets by design
            }
            found.extend(scan(&format!("{what} {}", entry.display()), &text));
        }
    }
    found
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn no_secret_ever_reaches_an_output_or_a_file() {
    // A lock API that says "locked" with the request as its reason, and
    // answers writes with the request in an error page.
    let lock_api = Server::start(|r| match r.method.as_str() {
        "GET" => Reply::json(
            200,
            &format!(
                r#"{{"locked": true, "reason": {}, "by": "echo"}}"#,
                json_string(&echo(r))
            ),
        ),
        _ => Reply::text(403, &format!("refused: {}", echo(r))),
    });
    // A Prometheus that refuses with the request in its error.
    let prometheus = Server::start(|r| {
        Reply::json(
            503,
            &format!(
                r#"{{"status":"error","errorType":"unavailable","error":{}}}"#,
                json_string(&echo(r))
            ),
        )
    });
    // A check target that echoes the request in a body that fails its assert.
    let target = Server::start(|r| Reply::text(500, &format!("you sent: {}", echo(r))));

    let lock_url = lock_api.url(&format!("/lock?token={LOCK_QUERY}"));
    // A second source of the same API with its user and password in the URL.
    let basic_url = lock_api
        .url("/basic")
        .replace("http://", &format!("http://deployer:{URL_PASSWORD}@"));
    let prom_url = prometheus.url(&format!("/?api_key={PROM_KEY}"));
    let check_url = target.url(&format!("/health?token={CHECK_QUERY}"));
    let config = format!(
        r#"locks:
  retries: 0
  sources:
    - type: http
      url: "{lock_url}"
      token_env: LOCK_TOKEN
      headers: {{ X-Api-Key: "{LOCK_KEY}" }}
    - type: http
      name: basic
      url: "{basic_url}"
checks:
  - name: health
    url: "{check_url}"
    headers:
      Authorization: "Bearer ${{CHECK_TOKEN}}"
      X-Api-Key: "{CHECK_KEY}"
      X-Tenant: {{ value: "{SECRET_HEADER}", secret: true }}
    expect: {{ body: {{ contains: OK }} }}
compare:
  source: {{ type: prometheus, url: "{prom_url}", user: reader, password_env: PROM_PASSWORD, retries: 0 }}
  baseline: {{ group: blue }}
  canary: {{ group: green }}
  metrics:
    - {{ name: latency, query: 'x{{group="{{{{group}}}}"}}' }}
"#
    );
    let t = Test::new()
        .config(&config)
        .env("LOCK_TOKEN", LOCK_TOKEN)
        .env("CHECK_TOKEN", CHECK_TOKEN)
        .env("PROM_PASSWORD", PROM_PASSWORD)
        .env("DEBUG", "true")
        .env("USER", "alice");
    let commands: &[&[&str]] = &[
        &["gate"],
        &["status"],
        &["lock", "--reason", "x"],
        &["unlock"],
        &["checks"],
        &["compare"],
        &["verify"],
    ];
    let mut found = Vec::new();
    let mut ran = 0;
    for command in commands {
        for format in ["text", "json"] {
            let name = format!("{} {format}", command.join(" "));
            let args: Vec<&str> = command
                .iter()
                .copied()
                .chain(["--format", format, "--report", "junit=out/junit.xml"])
                .chain(["--report", "json=out/report.json", "--deadline", "10s"])
                .collect();
            let run = t.run_with(&args);
            assert!(
                matches!(run.code, 0..=3),
                "{name}: exit {}\n{}{}",
                run.code,
                run.stdout,
                run.stderr
            );
            found.extend(scan_run(&name, &run, t.path()));
            ran += 1;
        }
    }
    // The servers did receive the secrets: they were sent, not dropped.
    let seen = |s: &Server| s.requests().iter().map(echo).collect::<Vec<_>>().join("\n");
    // Every secret reached a server, in some form it travels in (the lock
    // URL's `user:password@` as basic auth).
    let all_seen = [&lock_api, &target, &prometheus].map(seen).join("\n");
    for secret in ALL {
        let mut travels = forms(secret);
        for user in ["reader", "deployer"] {
            travels.push(greenlight::encode::base64(
                format!("{user}:{secret}").as_bytes(),
            ));
        }
        assert!(
            travels.iter().any(|f| all_seen.contains(f.as_str())),
            "{secret} never reached a server"
        );
    }
    assert_eq!(ran, 14);
    assert!(found.is_empty(), "secrets leaked:\n{}", found.join("\n"));
}

/// Item 12: a config error on a line holding secret values printed the
/// line verbatim.
#[test]
fn a_config_error_never_shows_the_secret_on_its_line() {
    let run = Test::new()
        .config(&format!(
            "checks:\n  - {{ name: c, url: \"https://u:{URL_PASSWORD}@x/?token={CHECK_QUERY}\", headers: {{ X-Api-Key: {CHECK_KEY} }}, timeout: soon }}\n"
        ))
        .args(["checks"])
        .status(2);
    run.stderr_has("timeout").stderr_has("X-Api-Key: ***");
    let leaks = scan("config error", &format!("{}{}", run.stdout, run.stderr));
    assert!(leaks.is_empty(), "{leaks:?}\n{}", run.stderr);
}

/// Item 10: with `follow_redirects`, a check sent its secret headers
/// (`X-Api-Key`) to another host.
#[test]
fn a_redirect_to_another_origin_gets_no_secret_headers() {
    let other = Server::fixed(Reply::text(200, "OK"));
    let first = Server::fixed(Reply::status(302).header("Location", &other.url("/landing")));
    let same = Server::start(|r| {
        if r.path == "/start" {
            Reply::status(307).header("Location", "/next")
        } else {
            Reply::text(200, "OK")
        }
    });
    let config = |url: String| {
        format!(
            "checks:\n  - name: c\n    url: \"{url}\"\n    follow_redirects: 3\n    headers: {{ X-Api-Key: {CHECK_KEY}, Authorization: \"Bearer {CHECK_TOKEN}\", X-Trace: keep-me }}\n"
        )
    };
    Test::new()
        .config(&config(first.url("/start")))
        .args(["checks"])
        .status(0);
    let landed = &other.requests()[0];
    assert_eq!(landed.path, "/landing");
    assert_eq!(landed.header("X-Api-Key"), None);
    assert_eq!(landed.header("Authorization"), None);
    assert_eq!(landed.header("X-Trace"), Some("keep-me"));
    // The same origin keeps them.
    Test::new()
        .config(&config(same.url("/start")))
        .args(["checks"])
        .status(0);
    let next = same
        .requests()
        .into_iter()
        .find(|r| r.path == "/next")
        .unwrap();
    assert_eq!(next.header("X-Api-Key"), Some(CHECK_KEY));
}
