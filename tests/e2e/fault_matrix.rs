//! Issue #9's fault matrix: each dependency (a lock API, Prometheus, a
//! check target) against each way a real server misbehaves, through the
//! real binary. Every case must end within the run's deadline (+0.5 s),
//! name the dependency and the cause, and exit as the policy says: a lock
//! API or Prometheus that gives no usable answer is inconclusive (3, the
//! default `on_error: closed`); a check target that answers wrongly is a
//! no-go (1), one that does not answer is inconclusive (3). The table is
//! printed on stderr.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::support::server::refused_url;
use crate::support::tls::TlsServer;
use crate::support::tools::loud;
use crate::support::{Reply, Server, Test};

const DEADLINE: Duration = Duration::from_secs(3);
const SLACK: Duration = Duration::from_millis(500);

/// A misbehaving server, as a URL (and a CA file to trust, for TLS).
struct Fault {
    name: &'static str,
    url: String,
    ca: Option<std::path::PathBuf>,
    /// Keeps its servers alive while the case runs.
    _servers: Vec<Arc<dyn Send + Sync>>,
}

fn plain(name: &'static str, reply: Reply) -> Fault {
    let server = Server::fixed(reply);
    Fault {
        name,
        url: server.url("/x"),
        ca: None,
        _servers: vec![Arc::new(server)],
    }
}

/// Every fault, for one dependency; `valid` is a well-formed answer of
/// that dependency that carries "NaN/Inf/empty" values (when it has any).
fn faults(dir: &Path, nan: Option<&'static str>) -> Vec<Fault> {
    let html = "<html><body>Bad gateway</body></html>";
    let mut out = vec![
        Fault {
            name: "refused",
            url: refused_url() + "x",
            ca: None,
            _servers: Vec::new(),
        },
        plain("accept, never reply", Reply::hang()),
        plain(
            "headers, then drip",
            Reply::drip(Duration::from_millis(300)),
        ),
        plain(
            "just over the timeout",
            Reply::json(200, "{}").delay(Duration::from_millis(1100)),
        ),
        plain("500 with HTML", Reply::text(500, html)),
        plain("502 with HTML", Reply::text(502, html)),
        plain("503 with HTML", Reply::text(503, html)),
        plain(
            "429, Retry-After",
            Reply::text(429, "slow down").header("Retry-After", "1"),
        ),
        plain(
            "garbage",
            Reply::raw(b"\x00\x01garbage\xff\xfe not http\r\n\r\n"),
        ),
        plain(
            "wrong-shape JSON",
            Reply::json(200, r#"[{"what": "ever"}]"#),
        ),
        plain("200 MB body", Reply::huge(200 << 20)),
        plain("redirect loop", Reply::status(302).header("Location", "/x")),
    ];
    let other = Server::fixed(Reply::json(200, "{}"));
    let to_other = Server::fixed(Reply::status(302).header("Location", &other.url("/x")));
    out.push(Fault {
        name: "redirect to another host",
        url: to_other.url("/x"),
        ca: None,
        _servers: vec![Arc::new(other), Arc::new(to_other)],
    });
    let untrusted = TlsServer::start("localhost", 30, |_| Reply::json(200, "{}"));
    out.push(Fault {
        name: "TLS untrusted",
        url: untrusted.ip_url("/x").replace("127.0.0.1", "localhost"),
        ca: None,
        _servers: vec![Arc::new(untrusted)],
    });
    let expired = TlsServer::expired("localhost", |_| Reply::json(200, "{}"));
    let ca = expired.write_ca(dir);
    out.push(Fault {
        name: "TLS expired",
        url: expired.ip_url("/x").replace("127.0.0.1", "localhost"),
        ca: Some(ca),
        _servers: vec![Arc::new(expired)],
    });
    if let Some(body) = nan {
        out.push(plain("NaN/Inf/empty results", Reply::json(200, body)));
    }
    out
}

/// One case: which dependency, which fault, what the run did.
struct Case {
    dependency: &'static str,
    fault: &'static str,
    code: i32,
    wanted: i32,
    seconds: f64,
    said: String,
    named: bool,
}

fn run(
    dependency: &'static str,
    fault: &Fault,
    wanted: i32,
    names: &[&str],
    test: impl FnOnce(&Fault) -> Test,
) -> Case {
    let t = test(fault);
    let t = match &fault.ca {
        Some(ca) => t.args(["--ca-file", ca.to_str().unwrap_or_default()]),
        None => t,
    };
    let started = Instant::now();
    let run = t
        .args(["--deadline", &format!("{}s", DEADLINE.as_secs())])
        .output();
    let seconds = started.elapsed().as_secs_f64();
    let all = format!("{}{}", run.stdout, run.stderr);
    let said = all
        .lines()
        .find(|l| names.iter().any(|n| l.contains(n)))
        .unwrap_or_else(|| all.lines().last().unwrap_or_default())
        .chars()
        .take(150)
        .collect();
    Case {
        dependency,
        fault: fault.name,
        code: run.code,
        wanted,
        seconds,
        said,
        named: names.iter().any(|n| all.contains(n)),
    }
}

const PROM_NAN: &str = r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1767225600,"NaN"],[1767225615,"+Inf"],[1767225630,"-Inf"]]}]}}"#;

#[test]
fn every_fault_ends_in_time_named_with_the_policys_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let mut cases = Vec::new();
    std::thread::scope(|scope| {
        let mut handles = Vec::new();
        // A lock API: every fault leaves the gate unable to know (3).
        for f in faults(dir.path(), None) {
            handles.push(scope.spawn(move || {
                let case = run(
                    "lock API",
                    &f,
                    3,
                    &["http:localhost", "http:127.0.0.1"],
                    |f| {
                        Test::new().config("locks:\n  timeout: 1s\n").args([
                            "gate",
                            "--lock-url",
                            &f.url,
                        ])
                    },
                );
                drop(f);
                case
            }));
        }
        // Prometheus: a metric that cannot be fetched (or has only NaN/Inf)
        // makes the comparison inconclusive (3).
        for f in faults(dir.path(), Some(PROM_NAN)) {
            handles.push(scope.spawn(move || {
                let base = f.url.trim_end_matches("/x").to_string();
                let case = run("Prometheus", &f, 3, &["[error] m", "[no data] m"], |_| {
                    Test::new()
                        .config(&format!(
                            "compare:\n  source: {{ type: prometheus, url: \"{base}\", timeout: 1s }}\n  baseline: {{ g: a }}\n  canary: {{ g: b }}\n  metrics:\n    - {{ name: m, query: 'x{{g=\"{{{{g}}}}\"}}' }}\n"
                        ))
                        .args(["compare"])
                });
                drop(f);
                case
            }));
        }
        // A check target: a wrong answer fails the check (1); no answer
        // in time, or no HTTP at all, is inconclusive (3).
        for f in faults(dir.path(), None) {
            let wanted = match f.name {
                "refused"
                | "accept, never reply"
                | "headers, then drip"
                | "just over the timeout"
                | "garbage" => 3,
                _ => 1,
            };
            handles.push(scope.spawn(move || {
                let case = run("check target", &f, wanted, &["✖", "⚠", "✔"], |f| {
                    Test::new()
                        .config(&format!(
                            "checks:\n  - name: target\n    url: \"{}\"\n    timeout: 1s\n    expect: {{ status: 200, json: {{ /status: exists }} }}\n",
                            f.url
                        ))
                        .args(["checks"])
                });
                drop(f);
                case
            }));
        }
        for h in handles {
            cases.push(h.join().unwrap());
        }
    });
    let mut table = String::from(
        "\n| dependency | fault | exit | wanted | seconds | what it said |\n|---|---|---|---|---|---|\n",
    );
    for c in &cases {
        table.push_str(&format!(
            "| {} | {} | {} | {} | {:.2} | {} |\n",
            c.dependency,
            c.fault,
            c.code,
            c.wanted,
            c.seconds,
            c.said.replace('|', "/")
        ));
    }
    loud(&table);
    let wrong: Vec<String> = cases
        .iter()
        .filter(|c| c.code != c.wanted || c.seconds > (DEADLINE + SLACK).as_secs_f64() || !c.named)
        .map(|c| {
            format!(
                "{} / {}: exit {} in {:.2}s: {}",
                c.dependency, c.fault, c.code, c.seconds, c.said
            )
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "cases that broke the rules:\n{}",
        wrong.join("\n")
    );
    assert_eq!(cases.len(), 15 + 16 + 15);
}
