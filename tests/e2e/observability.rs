//! The SaaS metric sources (Datadog, Sentry, Splunk Observability) against
//! local servers that replay the documented request and response shapes
//! (`tests/data/observability/README.md` names each documentation page):
//! the request each source sends (path, query, auth headers) is asserted,
//! a regressed canary is a no-go, vendor errors are shown in the vendor's
//! words, a 429 waits for the vendor's reset header, pagination is
//! followed, empty answers are no data, and keys never appear in output.

use crate::support::server::Request;
use crate::support::{Reply, Server, Test};

const DD_API: &str = "dd-api-key-0123456789abcdef";
const DD_APP: &str = "dd-app-key-fedcba9876543210";
const SENTRY: &str = "sntrys_token_abcdefghijkl";
const SFX: &str = "sfx-token-ZYXWVUT98765";

fn fixture(name: &str) -> String {
    crate::support::test::repo_file(&format!("tests/data/observability/{name}"))
}

/// `%3A` → `:`, `+` → ` `.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("00");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(b'?'));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Three hosts a side, 30 points each; the canary (`v42`) 30% slower.
fn datadog_answer(query: &str) -> String {
    let (version, factor) = if query.contains("version:v42") {
        ("v42", 1.3)
    } else {
        ("v41", 1.0)
    };
    let series: Vec<String> = (1..=3)
        .map(|h| {
            let points: Vec<String> = (0..30)
                .map(|i| format!("[{}.0, {}]", 1_767_225_600_000u64 + i * 20_000, (100.0 + ((i * 7 + h) % 11) as f64) * factor))
                .collect();
            format!(
                r#"{{"metric":"trace.http.request.duration","display_name":"trace.http.request.duration","expression":"x","scope":"service:checkout,host:web-{h},version:{version}","tag_set":["host:web-{h}","version:{version}"],"aggr":"avg","pointlist":[{},[1767226200000.0,null]],"interval":20,"length":31,"start":1767225600000,"end":1767226219000,"query_index":0,"attributes":{{}},"unit":null}}"#,
                points.join(",")
            )
        })
        .collect();
    format!(
        r#"{{"status":"ok","resp_version":1,"res_type":"time_series","query":"x","message":"","from_date":1767225600000,"to_date":1767226200000,"group_by":["host"],"times":[],"values":[],"series":[{}]}}"#,
        series.join(",")
    )
}

fn datadog_config(url: &str, extra: &str) -> String {
    format!(
        r#"compare:
  source: {{ type: datadog, url: "{url}", retries: 1{extra} }}
  replica_label: host
  baseline: {{ version: v41 }}
  canary: {{ version: v42 }}
  metrics:
    - name: latency
      query: "avg:trace.http.request.duration{{service:checkout,version:{{{{version}}}}}} by {{host}}"
      critical: true
"#
    )
}

fn datadog_authorized(r: &Request) -> bool {
    r.header("DD-API-KEY") == Some(DD_API) && r.header("DD-APPLICATION-KEY") == Some(DD_APP)
}

#[test]
fn datadog_queries_by_host_and_judges_the_canary() {
    let server = Server::start(|r| {
        if !datadog_authorized(r) {
            return Reply::json(403, r#"{"errors": ["Forbidden"]}"#);
        }
        Reply::json(200, &datadog_answer(&decode(&r.path)))
    });
    let run = Test::new()
        .config(&datadog_config(&server.url(""), ""))
        .env("DD_API_KEY", DD_API)
        .env("DD_APP_KEY", DD_APP)
        .env("DEBUG", "true")
        .args(["compare", "--debug"])
        .status(1);
    run.stdout_has("latency").nowhere(DD_API).nowhere(DD_APP);
    assert!(run.stdout.contains("NO-GO"), "{}", run.stdout);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        assert_eq!(r.method, "GET");
        assert!(r.path.starts_with("/api/v1/query?from="), "{}", r.path);
        let q = decode(&r.path);
        assert!(q.contains("&to="), "{q}");
        assert!(
            q.contains("&query=avg:trace.http.request.duration{service:checkout,version:v4"),
            "{q}"
        );
        assert_eq!(r.header("Accept"), Some("application/json"));
    }
}

#[test]
fn datadog_errors_rate_limits_and_missing_keys() {
    // A query Datadog cannot parse: bad input, in Datadog's words.
    let error = fixture("datadog_error.json");
    let server = Server::fixed(Reply::json(400, &error));
    Test::new()
        .config(&datadog_config(&server.url(""), ""))
        .env("DD_API_KEY", DD_API)
        .env("DD_APP_KEY", DD_APP)
        .args(["compare"])
        .status(2)
        .stdout_has("Error parsing query")
        .nowhere(DD_API);
    // A 429 with X-RateLimit-Reset: waits, then answers.
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = std::sync::Arc::clone(&calls);
    let server = Server::start(move |r| {
        if seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            return Reply::json(
                429,
                r#"{"errors": ["Rate limit of 1600 requests in 3600 seconds reached."]}"#,
            )
            .header("X-RateLimit-Limit", "1600")
            .header("X-RateLimit-Period", "3600")
            .header("X-RateLimit-Remaining", "0")
            .header("X-RateLimit-Reset", "1")
            .header("X-RateLimit-Name", "query_timeseries");
        }
        Reply::json(200, &datadog_answer(&decode(&r.path)))
    });
    let started = std::time::Instant::now();
    Test::new()
        .config(&datadog_config(&server.url(""), ""))
        .env("DD_API_KEY", DD_API)
        .env("DD_APP_KEY", DD_APP)
        .args(["compare"])
        .status(1);
    assert!(started.elapsed() >= std::time::Duration::from_millis(900));
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 3);
    // No key: bad input naming the variable.
    Test::new()
        .config(&datadog_config("http://127.0.0.1:9", ", site: EU1"))
        .env("DD_APP_KEY", DD_APP)
        .args(["compare"])
        .status(2)
        .stderr_has("variable `DD_API_KEY` is not set");
    Test::new()
        .config(&datadog_config("http://127.0.0.1:9", ", site: mars"))
        .env("DD_API_KEY", DD_API)
        .env("DD_APP_KEY", DD_APP)
        .args(["compare"])
        .status(2)
        .stderr_has("`mars` is not a Datadog site");
}

/// Sessions of one release: `crashed` of 10,000 (baseline 8, canary 60).
fn sentry_sessions(query: &str) -> String {
    let crashed = if query.contains("checkout@42") { 60 } else { 8 };
    format!(
        r#"{{"start":"2026-01-01T00:00:00Z","end":"2026-01-01T01:00:00Z","query":"x","intervals":["2026-01-01T00:00:00Z"],"groups":[
        {{"by":{{"session.status":"healthy"}},"totals":{{"sum(session)":{}}},"series":{{}}}},
        {{"by":{{"session.status":"errored"}},"totals":{{"sum(session)":40}},"series":{{}}}},
        {{"by":{{"session.status":"crashed"}},"totals":{{"sum(session)":{crashed}}},"series":{{}}}},
        {{"by":{{"session.status":"abnormal"}},"totals":{{"sum(session)":0}},"series":{{}}}}]}}"#,
        10_000 - 40 - crashed
    )
}

fn sentry_events() -> String {
    let buckets: Vec<String> = (0..10)
        .map(|i| {
            format!(
                "[{}, [{{\"count\": {}}}]]",
                1_767_225_600 + 60 * i,
                20 + i % 3
            )
        })
        .collect();
    format!(
        r#"{{"data":[{},[1767226200,[]]],"isMetricsData":false,"start":1767225600,"end":1767226260,"meta":{{}}}}"#,
        buckets.join(",")
    )
}

fn sentry_config(url: &str) -> String {
    format!(
        r#"compare:
  source: {{ type: sentry, url: "{url}", organization: acme, project: 4505, environment: production, retries: 0 }}
  baseline: {{ release: "checkout@41.0.0" }}
  canary: {{ release: "checkout@42.0.0" }}
  metrics:
    - {{ name: crashes, kind: ratio, sessions: crashed, release: "{{{{release}}}}", critical: true }}
    - {{ name: errors, query: "event.type:error release:{{{{release}}}}" }}
"#
    )
}

#[test]
fn sentry_release_health_and_events_per_release() {
    let server = Server::start(|r| {
        if r.header("Authorization") != Some(&format!("Bearer {SENTRY}")) {
            return Reply::json(
                401,
                r#"{"detail": "Authentication credentials were not provided."}"#,
            );
        }
        let path = decode(&r.path);
        if path.starts_with("/api/0/organizations/acme/sessions/") {
            Reply::json(200, &sentry_sessions(&path))
        } else if path.starts_with("/api/0/organizations/acme/events-stats/") {
            Reply::json(200, &sentry_events())
        } else {
            Reply::json(404, r#"{"detail": "Not found"}"#)
        }
    });
    let run = Test::new()
        .config(&sentry_config(&server.url("")))
        .env("SENTRY_AUTH_TOKEN", SENTRY)
        .env("DEBUG", "true")
        .args(["compare", "--debug"])
        .status(1);
    run.stdout_has("crashes").nowhere(SENTRY);
    assert!(run.stdout.contains("NO-GO"), "{}", run.stdout);
    let paths: Vec<String> = server.requests().iter().map(|r| decode(&r.path)).collect();
    let sessions: Vec<&String> = paths.iter().filter(|p| p.contains("/sessions/")).collect();
    assert_eq!(sessions.len(), 4, "errors and total, two sides: {paths:?}");
    for p in &sessions {
        assert!(
            p.contains("field=sum(session)&groupBy=session.status&query=release:\"checkout@4"),
            "{p}"
        );
        assert!(
            p.contains("&start=") && p.contains("&end=") && p.contains("&interval=1h"),
            "{p}"
        );
        assert!(p.ends_with("&project=4505&environment=production"), "{p}");
    }
    let events: Vec<&String> = paths
        .iter()
        .filter(|p| p.contains("/events-stats/"))
        .collect();
    assert_eq!(events.len(), 2);
    assert!(
        events[0].contains("yAxis=count()&query=event.type:error release:checkout@4"),
        "{}",
        events[0]
    );
}

#[test]
fn sentry_errors_are_shown_in_sentrys_words() {
    let detail = fixture("sentry_error.json");
    let server = Server::fixed(Reply::json(400, &detail));
    Test::new()
        .config(&sentry_config(&server.url("")))
        .env("SENTRY_AUTH_TOKEN", SENTRY)
        .args(["compare"])
        .status(2)
        .stdout_has("Invalid field")
        .nowhere(SENTRY);
    // Rate limited: X-Sentry-Rate-Limit-Reset is a unix time, past the
    // deadline here, so the run ends at once with the cause named.
    let server = Server::fixed(
        Reply::json(429, &fixture("sentry_error_rate_limited.json"))
            .header("X-Sentry-Rate-Limit-Limit", "40")
            .header("X-Sentry-Rate-Limit-Remaining", "0")
            .header("X-Sentry-Rate-Limit-Reset", "4102444800"),
    );
    let started = std::time::Instant::now();
    Test::new()
        .config(&sentry_config(&server.url("")))
        .env("SENTRY_AUTH_TOKEN", SENTRY)
        .args(["compare", "--deadline", "5s"])
        .status(3)
        .stdout_has("429");
    assert!(started.elapsed() < std::time::Duration::from_secs(4));
}

/// `/v1/timeserieswindow`: two hosts of the asked version.
fn sfx_window(query: &str) -> String {
    let (v, factor) = if query.contains("version:v42") {
        ("v42", 1.0)
    } else {
        ("v41", 1.0)
    };
    let series: Vec<String> = (1..=2)
        .map(|h| {
            let points: Vec<String> = (0..20)
                .map(|i| {
                    format!(
                        "[{}, {}]",
                        1_767_225_600_000u64 + i * 60_000,
                        (200.0 + ((i * 5 + h) % 9) as f64) * factor
                    )
                })
                .collect();
            format!(r#""ts-{v}-{h}": [{}]"#, points.join(","))
        })
        .collect();
    format!(r#"{{"data": {{{}}}, "errors": []}}"#, series.join(","))
}

/// `/v2/metrictimeseries`, 1,000 a page: filler first, then the hosts.
fn sfx_metadata(path: &str) -> String {
    let offset: usize = path
        .split("offset=")
        .nth(1)
        .and_then(|s| s.split('&').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let v = if path.contains("version:v42") {
        "v42"
    } else {
        "v41"
    };
    let mut all: Vec<String> = (0..999)
        .map(|i| format!(r#"{{"id":"other-{i}","metric":"http.server.duration.p95","dimensions":{{"host":"old-{i}"}},"type":"GAUGE"}}"#))
        .collect();
    for h in 1..=2 {
        all.push(format!(
            r#"{{"id":"ts-{v}-{h}","metric":"http.server.duration.p95","dimensions":{{"host":"web-{h}","version":"{v}","service":"checkout"}},"type":"GAUGE","customProperties":{{}},"tags":[]}}"#
        ));
    }
    let page: Vec<String> = all.iter().skip(offset).take(1000).cloned().collect();
    format!(
        r#"{{"count": {}, "results": [{}]}}"#,
        all.len(),
        page.join(",")
    )
}

#[test]
fn signalfx_series_with_their_dimensions_over_pages() {
    let server = Server::start(|r| {
        if r.header("X-SF-Token") != Some(SFX) {
            return Reply::json(401, r#"{"message": "Unauthorized"}"#);
        }
        let path = decode(&r.path);
        if path.starts_with("/v1/timeserieswindow?") {
            Reply::json(200, &sfx_window(&path))
        } else if path.starts_with("/v2/metrictimeseries?") {
            Reply::json(200, &sfx_metadata(&path))
        } else {
            Reply::json(404, r#"{"message": "not found"}"#)
        }
    });
    let yaml = format!(
        r#"compare:
  source: {{ type: signalfx, url: "{}", retries: 0 }}
  replica_label: host
  baseline: {{ version: v41 }}
  canary: {{ version: v42 }}
  metrics:
    - name: latency
      query: 'sf_metric:"http.server.duration.p95" AND version:{{{{version}}}}'
"#,
        server.url("")
    );
    let run = Test::new()
        .config(&yaml)
        .env("SF_TOKEN", SFX)
        .args(["compare", "--format", "json"])
        .status(0);
    run.nowhere(SFX);
    assert!(run.stdout.contains("\"latency\""), "{}", run.stdout);
    let paths: Vec<String> = server.requests().iter().map(|r| decode(&r.path)).collect();
    let windows: Vec<&String> = paths.iter().filter(|p| p.starts_with("/v1/")).collect();
    assert_eq!(windows.len(), 2, "{paths:?}");
    assert!(
        windows[0].contains("query=sf_metric:\"http.server.duration.p95\" AND version:v4"),
        "{}",
        windows[0]
    );
    assert!(
        windows[0].contains("&startMs=")
            && windows[0].contains("&endMs=")
            && windows[0].contains("&resolution=60000"),
        "{}",
        windows[0]
    );
    // Two pages of dimensions a side: offset 0, then 1000.
    let pages: Vec<&String> = paths.iter().filter(|p| p.starts_with("/v2/")).collect();
    assert_eq!(pages.len(), 4, "{paths:?}");
    assert!(pages.iter().any(|p| p.contains("offset=1000&limit=1000")));
    // The hosts' dimensions reached the judge: two replicas a side.
    let metric = &run.json()["verdict"]["metrics"][0];
    for side in ["baseline", "canary"] {
        assert_eq!(metric[side]["replicas"], 2, "{side}: {metric}");
    }

    // An empty answer: no data, never a pass.
    let empty = Server::start(|r| {
        if r.path.starts_with("/v1/") {
            Reply::json(200, r#"{"data": {}, "errors": []}"#)
        } else {
            Reply::json(200, r#"{"count": 0, "results": []}"#)
        }
    });
    let yaml = yaml.replace(&server.url(""), &empty.url(""));
    let yaml = yaml.replace(
        "AND version:{{version}}'",
        "AND version:{{version}}'\n      must_have_data: true",
    );
    let run = Test::new()
        .config(&yaml)
        .env("SF_TOKEN", SFX)
        .args(["compare"])
        .output();
    assert_ne!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.to_lowercase().contains("no data"),
        "{}",
        run.stdout
    );
}
