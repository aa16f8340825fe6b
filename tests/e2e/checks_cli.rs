//! `greenlight checks` through the real binary against real local servers:
//! exit codes, the summary, JSON, JUnit files, and bad definitions.

use std::time::{Duration, Instant};

use crate::support::{Reply, Server, Test};

fn ok_server() -> Server {
    Server::start(|req| match req.path.as_str() {
        "/health" => Reply::json(200, r#"{"status":"ok","version":"2.1.0"}"#),
        "/down" => Reply::json(503, r#"{"status":"degraded"}"#),
        "/slow" => Reply::hang(),
        _ => Reply::text(404, "not found"),
    })
}

#[test]
fn quick_check_passes_without_a_config() {
    let server = ok_server();
    Test::new()
        .args([
            "checks",
            "--url",
            &server.url("/health"),
            "--expect-status",
            "200",
            "--expect-body-contains",
            "ok",
        ])
        .status(0)
        .stdout_has(&format!("✔ GET {} → 200 in", server.url("/health")))
        .stdout_has("✔ GO: all 1 checks passed");
}

#[test]
fn quick_check_from_pipeline_variables() {
    let server = ok_server();
    Test::new()
        .args(["checks"])
        .env("GREENLIGHT_CHECK_URL", &server.url("/down"))
        .env("GREENLIGHT_CHECK_STATUS", "200")
        .status(1)
        .stdout_has("✖ status is 200: expected 200, got 503")
        .stdout_has("✖ NO-GO: 1 of 1 checks failed");
}

#[test]
fn failures_say_expected_and_actual_per_assert() {
    let server = ok_server();
    let config = format!(
        "checks:\n  - name: health\n    url: {}\n    expect:\n      json:\n        /status: == ok\n        /version: matches ^3\\.\n  - name: down\n    url: {}\n    expect:\n      status: 200\n      json: {{ /status: == ok }}\n",
        server.url("/health"),
        server.url("/down")
    );
    let run = Test::new().config(&config).args(["checks"]).status(1);
    run.stdout_has("✖ health: GET")
        .stdout_has("    ✖ /version matches ^3\\.: expected matches ^3\\., got \"2.1.0\"")
        .stdout_has("✖ down: GET")
        .stdout_has("    ✖ status is 200: expected 200, got 503")
        .stdout_has("    ✖ /status == ok: expected == ok, got \"degraded\"")
        .stdout_has("✖ NO-GO: 2 of 2 checks failed (health, down)");
}

#[test]
fn a_hanging_stack_is_inconclusive_within_the_deadline() {
    let server = ok_server();
    let config = format!(
        "checks:\n  - name: slow\n    url: {}\n",
        server.url("/slow")
    );
    let started = Instant::now();
    Test::new()
        .config(&config)
        .args(["checks", "--deadline", "2s"])
        .status(3)
        .stdout_has("⚠ slow: GET")
        .stdout_has("⚠ INCONCLUSIVE: 1 did not answer (slow)");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn json_report_has_every_assert() {
    let server = ok_server();
    let run = Test::new()
        .args([
            "checks",
            "--url",
            &server.url("/health"),
            "--format",
            "json",
        ])
        .status(0);
    let json = run.json();
    assert_eq!(json["command"], "checks");
    assert_eq!(json["outcome"], "go");
    assert_eq!(json["totals"]["passed"], 1);
    assert_eq!(json["results"][0]["status"], 200);
    assert_eq!(
        json["results"][0]["asserts"][0]["description"],
        "status is 2xx (default)"
    );
    assert_eq!(json["results"][0]["asserts"][0]["passed"], true);
}

#[test]
fn junit_file_on_request_and_in_bitbucket_by_default() {
    let server = ok_server();
    let t = Test::new().args([
        "checks",
        "--url",
        &server.url("/down"),
        "--junit",
        "reports/checks.xml",
    ]);
    t.status(1);
    let xml = t.read("reports/checks.xml");
    assert!(
        xml.contains(r#"<testsuite name="greenlight checks" tests="1" failures="1" errors="0""#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<failure message="expected 2xx, got 503">"#),
        "{xml}"
    );

    let t = Test::new();
    let clone = t.path().join("clone");
    std::fs::create_dir_all(&clone).unwrap();
    let t = t
        .args(["checks", "--url", &server.url("/health")])
        .env("BITBUCKET_CLONE_DIR", clone.to_str().unwrap());
    t.status(0);
    let xml = t.read("clone/test-results/greenlight-checks.xml");
    assert!(
        xml.contains(r#"tests="1" failures="0" errors="0""#),
        "{xml}"
    );
}

#[test]
fn unreachable_check_is_an_error_case_in_junit() {
    let t = Test::new().args([
        "checks",
        "--url",
        &crate::support::server::refused_url(),
        "--junit",
        "j.xml",
    ]);
    t.status(3);
    assert!(t.read("j.xml").contains(r#"<testcase classname="checks."#));
    assert!(t.read("j.xml").contains("name=\"reachable\""));
    assert!(t.read("j.xml").contains("<error message="));
}

#[test]
fn resolve_sends_the_production_host_to_the_given_address() {
    let server = Server::start(|req| Reply::text(200, req.header("Host").unwrap_or("")));
    let port = server.addr().port();
    Test::new()
        .args([
            "checks",
            "--url",
            &format!("http://shop.example.test:{port}/"),
            "--resolve",
            "127.0.0.1",
        ])
        .args([
            "--expect-body-contains",
            &format!("shop.example.test:{port}"),
        ])
        .status(0);
}

#[test]
fn bad_check_definition_is_located_and_named() {
    let run = Test::new()
        .config("checks:\n  - name: home\n    url: http://localhost/\n    expect:\n      body: { matches: \"(\" }\n")
        .args(["checks"])
        .status(2);
    run.stderr_has("error: greenlight.yml:5:")
        .stderr_has("check `home`");
}

#[test]
fn no_checks_is_bad_input() {
    Test::new()
        .args(["checks"])
        .status(2)
        .stderr_has("error: no checks to run");
}

#[test]
fn bad_concurrency_names_the_flag() {
    Test::new()
        .args(["checks", "--url", "http://localhost/", "--concurrency", "0"])
        .status(2)
        .stderr_has("error: invalid --concurrency: expected a whole number from 1 to 1024");
}

#[test]
fn junit_lands_in_bamboos_working_directory_by_default() {
    let server = ok_server();
    let t = Test::new();
    let work = t.path().join("bamboo-work");
    std::fs::create_dir_all(&work).unwrap();
    let t = t
        .args(["checks", "--url", &server.url("/health")])
        .env("bamboo_build_working_directory", work.to_str().unwrap());
    t.status(0);
    assert!(
        t.read("bamboo-work/test-results/greenlight-checks.xml")
            .contains(r#"failures="0""#)
    );
}

/// Regression: the flags were parsed by other code than the YAML keys, so
/// `--resolve '${IP}'` was refused and `--retry 0s` accepted.
#[test]
fn resolve_and_retry_flags_parse_as_their_yaml_keys_do() {
    let server = Server::start(|req| Reply::text(200, req.header("Host").unwrap_or("")));
    let port = server.addr().port();
    Test::new()
        .args([
            "checks",
            "--url",
            &format!("http://shop.example.test:{port}/"),
            "--resolve",
            "${NEW_STACK_IP}",
        ])
        .env("NEW_STACK_IP", "127.0.0.1")
        .status(0);
    Test::new()
        .args(["checks", "--url", &server.url("/"), "--retry", "0s"])
        .status(2)
        .stderr_has("error: invalid --retry:");
}
