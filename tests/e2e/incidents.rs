//! Incident lock sources against local servers that replay the documented
//! response shapes (`tests/data/incidents/`, whose README names each
//! documentation page): Statuspage (public summary and manage API),
//! PagerDuty (offset pagination, auth header, filters, a 429 then an
//! answer, a 401), Opsgenie (`paging.next`, `GenieKey`), and a JSON
//! predicate source. Secrets never leave in any output.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::support::server::Request;
use crate::support::{Reply, Server, Test};

fn fixture(name: &str) -> String {
    crate::support::test::repo_file(&format!("tests/data/incidents/{name}"))
}

fn gate(sources: &str, env: &[(&str, &str)]) -> crate::support::test::Run {
    let mut t = Test::new().config(&format!("locks:\n  sources:\n{sources}"));
    for (k, v) in env {
        t = t.env(k, v);
    }
    t.args(["gate"]).output()
}

#[test]
fn statuspage_public_page_locks_on_its_indicator_and_components() {
    let major = Server::fixed(Reply::json(200, &fixture("statuspage_summary_major.json")));
    let ok = Server::fixed(Reply::json(200, &fixture("statuspage_summary_ok.json")));
    let r = gate(
        &format!(
            "    - {{ type: statuspage, url: \"{}\" }}\n",
            major.url("").trim_end_matches('/')
        ),
        &[],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("incident p31zjtct2jer Checkout errors [major] https://stspg.io/abc123"),
        "{}",
        r.stdout
    );
    assert_eq!(major.requests()[0].path, "/api/v2/summary.json");
    // At `critical` a major outage does not lock, but a component still does.
    let r = gate(
        &format!(
            "    - {{ type: statuspage, url: \"{}\", level: critical, components: [Checkout] }}\n",
            major.url("").trim_end_matches('/')
        ),
        &[],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("component Checkout major outage"),
        "{}",
        r.stdout
    );
    let r = gate(
        &format!(
            "    - {{ type: statuspage, url: \"{}\", components: [API, Checkout] }}\n",
            ok.url("").trim_end_matches('/')
        ),
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    // A component the page does not have is a mistake worth naming.
    let r = gate(
        &format!(
            "    - {{ type: statuspage, url: \"{}\", components: [Payments] }}\n",
            ok.url("").trim_end_matches('/')
        ),
        &[],
    );
    assert_eq!(r.code, 3);
    assert!(
        r.stdout
            .contains("the status page has no component `Payments`"),
        "{}",
        r.stdout
    );
}

#[test]
fn statuspage_manage_api_locks_on_unresolved_incidents_of_the_level() {
    let key = "sp-api-key-8812";
    let server = Server::start(move |req: &Request| {
        if req.header("authorization") == Some(&format!("OAuth {key}")) {
            Reply::json(200, &fixture("statuspage_unresolved.json"))
        } else {
            Reply::json(401, r#"{"error": "Could not authenticate"}"#)
        }
    });
    let source = |level: &str| {
        format!(
            "    - {{ type: statuspage, page_id: kctbh9vrtdwd, api_key_env: SP_KEY, api_url: \"{}\", level: {level} }}\n",
            server.url("").trim_end_matches('/')
        )
    };
    let r = gate(&source("critical"), &[("SP_KEY", key)]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("incident ld8whg2rfx1m Site down [critical]"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("Slow search"),
        "minor is below critical: {}",
        r.stdout
    );
    assert_eq!(
        server.requests()[0].path,
        "/v1/pages/kctbh9vrtdwd/incidents/unresolved"
    );
    let r = gate(&source("minor"), &[("SP_KEY", key)]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout.contains("Slow search"),
        "the oldest first: {}",
        r.stdout
    );
    let r = gate(&source("minor"), &[("SP_KEY", "wrong")]);
    assert_eq!(r.code, 3);
    assert!(r.stdout.contains("HTTP 401"), "{}", r.stdout);
}

#[test]
fn pagerduty_follows_pages_filters_and_survives_a_rate_limit() {
    let token = "pd-token-551903";
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&calls);
    let server = Server::start(move |req: &Request| {
        if req.header("authorization") != Some(&format!("Token token={token}")) {
            return Reply::json(401, &fixture("pagerduty_error_401.json"));
        }
        // The first call is rate limited (documented 429 with Retry-After).
        if seen.fetch_add(1, Ordering::SeqCst) == 0 {
            return Reply::json(
                429,
                r#"{"error": {"message": "Rate Limit Exceeded", "code": 2020}}"#,
            )
            .header("Retry-After", "1");
        }
        if req.path.contains("offset=0") {
            Reply::json(200, &fixture("pagerduty_incidents_1.json"))
        } else {
            Reply::json(200, &fixture("pagerduty_incidents_2.json"))
        }
    });
    let source = format!(
        "    - {{ type: pagerduty, token_env: PD_TOKEN, services: [PIJ90N7], urgency: high, api_url: \"{}\" }}\n",
        server.url("").trim_end_matches('/')
    );
    let r = gate(&source, &[("PD_TOKEN", token), ("DEBUG", "true")]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    for out in [&r.stdout, &r.stderr] {
        assert!(!out.contains(token), "the token that was sent: {out}");
    }
    // Both pages were read; the oldest incident (page 2) names the lock.
    assert!(
        r.stdout.contains("incident #1233 Database replica lag [high] https://acme.pagerduty.com/incidents/PB8ABCD; and 1 more"),
        "{}",
        r.stdout
    );
    let paths: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert_eq!(paths.len(), 3, "429, page 1, page 2: {paths:?}");
    let first = &paths[1];
    for part in [
        "/incidents?",
        "statuses[]=triggered",
        "statuses[]=acknowledged",
        "service_ids[]=PIJ90N7",
        "urgencies[]=high",
        "offset=0",
    ] {
        assert!(first.contains(part), "{part} in {first}");
    }
    assert!(paths[2].contains("offset=1"), "{paths:?}");
    let bad = "pd-bad-token-77c1";
    let r = gate(&source, &[("PD_TOKEN", bad)]);
    assert_eq!(r.code, 3);
    assert!(r.stdout.contains("HTTP 401"), "{}", r.stdout);
    for out in [&r.stdout, &r.stderr] {
        assert!(!out.contains(bad), "{out}");
    }
}

#[test]
fn opsgenie_follows_paging_next_on_its_own_host_only() {
    let key = "og-key-0c9f";
    let server = Server::start(move |req: &Request| {
        if req.header("authorization") != Some(&format!("GenieKey {key}")) {
            return Reply::json(401, r#"{"message": "Could not authenticate", "took": 0.0}"#);
        }
        if req.path.contains("offset=100") {
            Reply::json(200, &fixture("opsgenie_alerts_2.json"))
        } else {
            let host = req.header("host").unwrap_or_default().to_string();
            Reply::json(
                200,
                &fixture("opsgenie_alerts_1.json").replace(
                    "NEXT_URL",
                    &format!("http://{host}/v2/alerts?query=status%3Aopen&limit=100&offset=100"),
                ),
            )
        }
    });
    let source = format!(
        "    - {{ type: opsgenie, api_key_env: OG_KEY, query: \"status:open AND priority:(P1 OR P2)\", api_url: \"{}\" }}\n",
        server.url("").trim_end_matches('/')
    );
    let r = gate(&source, &[("OG_KEY", key)]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("incident #1792 Checkout latency [P2]; and 1 more"),
        "{}",
        r.stdout
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(
        requests[0]
            .path
            .contains("query=status%3Aopen%20AND%20priority%3A%28P1%20OR%20P2%29"),
        "{}",
        requests[0].path
    );
    // A `next` on another host is not followed (the key stays home): a
    // second server stands there and must hear nothing.
    let thief = Server::fixed(Reply::json(200, &fixture("opsgenie_alerts_2.json")));
    let next = thief.url("/v2/alerts?offset=100");
    let elsewhere = Server::start(move |_: &Request| {
        Reply::json(
            200,
            &fixture("opsgenie_alerts_1.json").replace("NEXT_URL", &next),
        )
    });
    let source = format!(
        "    - {{ type: opsgenie, api_key_env: OG_KEY, api_url: \"{}\" }}\n",
        elsewhere.url("").trim_end_matches('/')
    );
    let r = gate(&source, &[("OG_KEY", key)]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert_eq!(elsewhere.requests().len(), 1);
    assert!(thief.requests().is_empty(), "a key went to another host");
    // Rate limited on every try (the documented 429 body): unavailable,
    // after the retries, with the status named.
    let limited = Server::fixed(Reply::json(429, &fixture("opsgenie_rate_limited.json")));
    let source = format!(
        "    - {{ type: opsgenie, api_key_env: OG_KEY, api_url: \"{}\" }}\n",
        limited.url("").trim_end_matches('/')
    );
    let r = gate(&source, &[("OG_KEY", key)]);
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert!(r.stdout.contains("HTTP 429"), "{}", r.stdout);
    assert_eq!(limited.requests().len(), 3, "the first try and two retries");
}

#[test]
fn a_json_predicate_source_and_an_unreachable_incident_source() {
    let page = Server::fixed(Reply::json(200, &fixture("statuspage_summary_major.json")));
    let url = page.url("/api/v2/summary.json");
    let r = gate(
        &format!(
            "    - {{ type: json, url: \"{url}\", locked_when: {{ pointer: /status/indicator, \"!=\": none }}, reason: /status/description }}\n"
        ),
        &[],
    );
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("Partial System Outage"), "{}", r.stdout);
    let r = gate(
        &format!(
            "    - {{ type: json, url: \"{url}\", locked_when: {{ pointer: /status/indicator, \"==\": critical }} }}\n"
        ),
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    // Unreachable: on_error decides, like any lock source.
    let down = crate::support::server::refused_url();
    let source = format!(
        "    - {{ type: pagerduty, token_env: PD_TOKEN, api_url: \"{}\" }}\n",
        down.trim_end_matches('/')
    );
    let r = gate(&source, &[("PD_TOKEN", "t")]);
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert!(r.stdout.contains("unavailable"), "{}", r.stdout);
    let bad = gate(
        &format!(
            "    - {{ type: json, url: \"{url}\", locked_when: {{ pointer: /status/indicator, \"~=\": none }} }}\n"
        ),
        &[],
    );
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("`~=` is not an operator"),
        "{}",
        bad.stderr
    );
}
