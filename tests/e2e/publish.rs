//! Code Insights, the commit build status, notifications and the pipe's
//! shared storage, against local servers that check the request shapes of
//! `tests/data/bitbucket/` (each fixture names its documentation page):
//! the Pipelines proxy gets absolute-form requests to
//! `http://api.bitbucket.org/2.0/...`; a report is deleted, put, then its
//! annotations posted in batches of at most 100.

use serde_json::Value;

use crate::support::{Reply, Server, Test};

const REPORT: &str =
    "http://api.bitbucket.org/2.0/repositories/acme/shop/commit/0f3c9d2/reports/greenlight-checks";

fn in_pipeline(t: Test) -> Test {
    t.env("BITBUCKET_REPO_FULL_NAME", "acme/shop")
        .env("BITBUCKET_COMMIT", "0f3c9d2")
        .env("BITBUCKET_BUILD_NUMBER", "42")
        .env("BITBUCKET_BRANCH", "feature/pay")
        .env(
            "BITBUCKET_GIT_HTTP_ORIGIN",
            "http://bitbucket.org/acme/shop",
        )
        .env(
            "BITBUCKET_STEP_UUID",
            "{8f1d7d5e-1b0a-4c42-9d6e-2d6b3a5c9f10}",
        )
}

/// The Pipelines proxy: reports as Bitbucket answers them (the first
/// DELETE finds nothing).
fn proxy() -> Server {
    let fixture =
        |name: &str| crate::support::test::repo_file(&format!("tests/data/bitbucket/{name}"));
    let report = fixture("code_insights_report_response.json");
    let annotations = fixture("code_insights_annotations_response.json");
    let seen = std::sync::atomic::AtomicBool::new(false);
    Server::start(move |r| match r.method.as_str() {
        "DELETE" if !seen.swap(true, std::sync::atomic::Ordering::SeqCst) => Reply::json(
            404,
            r#"{"type":"error","error":{"message":"Resource not found"}}"#,
        ),
        "DELETE" => Reply::status(204),
        "PUT" => Reply::json(200, &report),
        "POST" => Reply::json(200, &annotations),
        _ => Reply::status(405),
    })
}

fn failing_checks(app: &Server, n: usize) -> String {
    let mut yaml = String::from("checks:\n");
    for i in 0..n {
        yaml.push_str(&format!(
            "  - {{ name: page{i}, url: \"{}\", expect: {{ status: 200 }} }}\n",
            app.url(&format!("/page/{i}"))
        ));
    }
    yaml
}

#[test]
fn code_insights_replace_the_report_and_batch_the_annotations() {
    let app = Server::fixed(Reply::status(503));
    let proxy = proxy();
    let t = in_pipeline(Test::new())
        .config(&failing_checks(&app, 130))
        .env("GREENLIGHT_CODE_INSIGHTS", "true")
        .env("GREENLIGHT_BITBUCKET_PROXY", &proxy.url(""))
        .args(["checks", "--report", "html=report/greenlight.html"]);
    t.status(1);
    t.status(1);
    let reqs = proxy.requests();
    let shape: Vec<(String, String)> = reqs
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    let annotations = format!("{REPORT}/annotations");
    let one_run = [
        ("DELETE", REPORT),
        ("PUT", REPORT),
        ("POST", annotations.as_str()),
        ("POST", annotations.as_str()),
    ];
    let expected: Vec<(String, String)> = one_run
        .iter()
        .chain(one_run.iter())
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(shape, expected, "a rerun deletes and puts the report again");
    for r in &reqs {
        assert_eq!(r.header("Host"), Some("api.bitbucket.org"));
        assert!(
            r.header("Authorization").is_none(),
            "the proxy authenticates"
        );
    }
    let put: Value = serde_json::from_str(&reqs[1].body).unwrap();
    assert_eq!(put["result"], "FAILED");
    assert_eq!(put["report_type"], "TEST");
    assert_eq!(put["reporter"], "greenlight");
    assert!(
        put["details"]
            .as_str()
            .unwrap()
            .starts_with("NO-GO: 130 of 130 checks failed")
    );
    let link = "http://bitbucket.org/acme/shop/pipelines/results/42/steps/%7B8f1d7d5e-1b0a-4c42-9d6e-2d6b3a5c9f10%7D";
    assert_eq!(put["link"], link);
    let data = put["data"].as_array().unwrap();
    assert!(data.len() <= 10);
    assert!(
        data.iter()
            .any(|d| d["title"] == "Outcome" && d["type"] == "TEXT" && d["value"] == "NO-GO")
    );
    assert!(data.iter().any(|d| d["type"] == "LINK"
        && d["value"]["href"] == link
        && d["value"]["text"] == "greenlight.html (step artifacts)"));
    let first: Value = serde_json::from_str(&reqs[2].body).unwrap();
    let second: Value = serde_json::from_str(&reqs[3].body).unwrap();
    let (first, second) = (first.as_array().unwrap(), second.as_array().unwrap());
    assert_eq!((first.len(), second.len()), (100, 30));
    let a = &first[0];
    assert_eq!(a["annotation_type"], "BUG");
    assert_eq!(a["result"], "FAILED");
    assert_eq!(a["severity"], "HIGH");
    assert!(
        a["summary"]
            .as_str()
            .unwrap()
            .starts_with("check page0 failed: status is 200: expected 200, got 503"),
        "{a}"
    );
    let mut ids: Vec<&str> = first
        .iter()
        .chain(second)
        .map(|a| a["external_id"].as_str().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 130, "external ids are unique");
}

#[test]
fn code_insights_pass_without_annotations_and_need_a_pipeline() {
    let app = Server::fixed(Reply::status(200));
    let proxy = proxy();
    let yaml = format!("checks:\n  - {{ name: home, url: \"{}\" }}\n", app.url("/"));
    in_pipeline(Test::new())
        .config(&yaml)
        .env("GREENLIGHT_CODE_INSIGHTS", "true")
        .env("GREENLIGHT_BITBUCKET_PROXY", &proxy.url(""))
        .args(["checks"])
        .status(0);
    let reqs = proxy.requests();
    let methods: Vec<&str> = reqs.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["DELETE", "PUT"]);
    let put: Value = serde_json::from_str(&reqs[1].body).unwrap();
    assert_eq!(put["result"], "PASSED");
    // Outside a pipeline it is bad input, before anything runs.
    Test::new()
        .config(&yaml)
        .env("GREENLIGHT_CODE_INSIGHTS", "true")
        .args(["checks"])
        .status(2)
        .stderr_has(
            "Code Insights (CODE_INSIGHTS) needs BITBUCKET_REPO_FULL_NAME and BITBUCKET_COMMIT",
        );
    assert_eq!(app.requests().len(), 1, "nothing ran the second time");
}

#[test]
fn a_proxy_that_fails_is_a_warning_and_the_verdict_stands() {
    let proxy = Server::fixed(Reply::text(500, "nginx says no"));
    let run = in_pipeline(Test::new())
        .env("GREENLIGHT_CODE_INSIGHTS", "true")
        .env("GREENLIGHT_BITBUCKET_PROXY", &proxy.url(""))
        .args([
            "gate",
            "--window",
            "Mon-Sun 00:00-24:00",
            "--timezone",
            "UTC",
        ])
        .status(0);
    run.stdout_has("✔ GO").stderr_has(
        "⚠ Code Insights report not published: Code Insights DELETE: HTTP 500: nginx says no",
    );
}

#[test]
fn build_status_in_progress_then_failed_with_a_token_never_shown() {
    let api = Server::fixed(Reply::json(
        201,
        &crate::support::test::repo_file("tests/data/bitbucket/build_status_response.json"),
    ));
    let token = "ATCTT3xFfGN0-build-status-token";
    let run = in_pipeline(Test::new())
        .env("GREENLIGHT_BUILD_STATUS", "true")
        .env("BITBUCKET_ACCESS_TOKEN", token)
        .env("GREENLIGHT_BITBUCKET_API", &api.url("/2.0"))
        .env("DEBUG", "true")
        .args([
            "gate",
            "--window",
            "Sat 09:00-10:00",
            "--timezone",
            "UTC",
            "--at",
            "2026-12-01T12:00:00Z",
        ])
        .status(1);
    run.nowhere(token);
    let reqs = api.requests();
    assert_eq!(reqs.len(), 2);
    for r in &reqs {
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.path,
            "/2.0/repositories/acme/shop/commit/0f3c9d2/statuses/build"
        );
        assert_eq!(
            r.header("Authorization"),
            Some(format!("Bearer {token}").as_str())
        );
        assert_eq!(r.header("Content-Type"), Some("application/json"));
    }
    let states: Vec<Value> = reqs
        .iter()
        .map(|r| serde_json::from_str(&r.body).unwrap())
        .collect();
    assert_eq!(states[0]["state"], "INPROGRESS");
    assert_eq!(states[1]["state"], "FAILED");
    for s in &states {
        assert_eq!(s["key"], "greenlight-gate");
        assert_eq!(s["name"], "greenlight gate");
        assert_eq!(s["refname"], "feature/pay");
        assert!(
            s["url"]
                .as_str()
                .unwrap()
                .starts_with("http://bitbucket.org/acme/shop/pipelines/results/42")
        );
    }
    assert_eq!(states[1]["description"], "NO-GO: deploy window closed");
}

#[test]
fn build_status_with_an_app_password_and_without_credentials() {
    let api = Server::fixed(Reply::json(201, "{}"));
    in_pipeline(Test::new())
        .env("GREENLIGHT_BUILD_STATUS", "true")
        .env("BITBUCKET_USERNAME", "release-bot")
        .env("BITBUCKET_APP_PASSWORD", "app-pw-9f8e7d")
        .env("GREENLIGHT_BITBUCKET_API", &api.url("/2.0"))
        .args([
            "gate",
            "--window",
            "Mon-Sun 00:00-24:00",
            "--timezone",
            "UTC",
        ])
        .status(0)
        .nowhere("app-pw-9f8e7d");
    let reqs = api.requests();
    // base64("release-bot:app-pw-9f8e7d")
    assert_eq!(
        reqs[1].header("Authorization"),
        Some("Basic cmVsZWFzZS1ib3Q6YXBwLXB3LTlmOGU3ZA==")
    );
    let last: Value = serde_json::from_str(&reqs[1].body).unwrap();
    assert_eq!(last["state"], "SUCCESSFUL");
    in_pipeline(Test::new())
        .env("GREENLIGHT_BUILD_STATUS", "true")
        .args([
            "gate",
            "--window",
            "Mon-Sun 00:00-24:00",
            "--timezone",
            "UTC",
        ])
        .status(2)
        .stderr_has("the build status (BUILD_STATUS) needs credentials: BITBUCKET_ACCESS_TOKEN");
}

#[test]
fn notifications_on_no_go_lock_and_unlock_with_the_url_masked() {
    let slack = Server::fixed(Reply::text(200, "ok"));
    let hook = Server::fixed(Reply::status(204));
    let slack_url = slack.url("/services/T0001/B0002/XXXXslacksecretXXXX");
    let config = "notify:\n  - { type: slack, url_env: SLACK_WEBHOOK_URL }\n  - { type: webhook, url_env: EVENTS_URL, on: [no_go] }\ntimezone: UTC\nfreezes:\n  - { name: year-end, reason: Year-end change freeze, from: 2026-12-20, to: 2027-01-02 }\n";
    let t = in_pipeline(Test::new())
        .config(config)
        .env("SLACK_WEBHOOK_URL", &slack_url)
        .env("EVENTS_URL", &hook.url("/events"))
        .env("DEBUG", "true");
    let run = t.run_with(&["gate", "--at", "2026-12-24T10:00:00Z"]);
    run.exits(1).nowhere("XXXXslacksecretXXXX");
    let s = slack.requests();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].path, "/services/T0001/B0002/XXXXslacksecretXXXX");
    let msg: Value = serde_json::from_str(&s[0].body).unwrap();
    let text = msg["text"].as_str().unwrap();
    assert!(text.contains(":red_circle: greenlight gate (acme/shop): NO-GO: deploy window closed: freeze `year-end` (Year-end change freeze)"), "{text}");
    assert!(
        text.contains("<http://bitbucket.org/acme/shop/pipelines/results/42/steps/"),
        "{text}"
    );
    let h = hook.requests();
    assert_eq!(h.len(), 1);
    let event: Value = serde_json::from_str(&h[0].body).unwrap();
    assert_eq!(event["event"], "no_go");
    assert_eq!(event["command"], "gate");
    assert_eq!(event["exit_code"], 1);
    assert_eq!(event["commit"], "0f3c9d2");
    assert_eq!(event["at"], "2026-12-24T10:00:00Z");
    // Lock and unlock go to Slack only (the webhook wants no-go).
    let lock = t.run_with(&[
        "lock",
        "--lock-file",
        "lock.json",
        "--reason",
        "INC-7 checkout errors",
    ]);
    lock.exits(0);
    t.run_with(&["unlock", "--lock-file", "lock.json"]).exits(0);
    let s = slack.requests();
    assert_eq!(s.len(), 3);
    assert!(
        s[1].body.contains(":lock: greenlight lock"),
        "{}",
        s[1].body
    );
    assert!(
        s[2].body.contains(":unlock: greenlight unlock"),
        "{}",
        s[2].body
    );
    assert_eq!(hook.requests().len(), 1);
}

#[test]
fn an_override_is_announced() {
    let slack = Server::fixed(Reply::text(200, "ok"));
    let config = "notify:\n  - { type: slack, url_env: SLACK_WEBHOOK_URL }\noverrides: { allowed: true, by: [\"acme/shop#*\"] }\ntimezone: UTC\nwindows: [Sat 09:00-10:00]\n";
    in_pipeline(Test::new())
        .config(config)
        .env("BITBUCKET_PIPELINE_UUID", "{p-9}")
        .env("SLACK_WEBHOOK_URL", &slack.url("/services/T1/B2/override"))
        .args([
            "gate",
            "--override",
            "P1 hotfix INC-9",
            "--at",
            "2026-12-01T12:00:00Z",
        ])
        .status(0);
    let s = slack.requests();
    assert_eq!(s.len(), 1, "an override is news even when it says go");
    let msg: Value = serde_json::from_str(&s[0].body).unwrap();
    let text = msg["text"].as_str().unwrap();
    assert!(
        text.starts_with(":warning: greenlight gate (acme/shop): GO: OVERRIDE by acme/shop#{p-9}/"),
        "{text}"
    );
    assert!(
        text.contains("P1 hotfix INC-9") && text.contains("went through deploy window closed"),
        "{text}"
    );
}

#[test]
fn a_failed_notification_warns_and_the_exit_code_stands() {
    let hook = Server::fixed(Reply::text(500, "boom"));
    let url = hook.url("/hook/sEcReT-path-123");
    let run = Test::new()
        .config("notify:\n  - { type: webhook, url_env: HOOK }\n  - { type: slack, url_env: UNSET_HOOK }\n")
        .env("HOOK", &url)
        .args(["gate", "--window", "Sat 09:00-10:00", "--timezone", "UTC", "--at", "2026-12-01T12:00:00Z"])
        .status(1);
    run.stdout_has("✖ NO-GO: deploy window closed")
        .stderr_has("⚠ notification notify[0] (no_go) not sent: HTTP 500: boom")
        .stderr_has("⚠ notification notify[1] (no_go) not sent: variable `UNSET_HOOK` is not set")
        .nowhere("sEcReT-path-123");
    assert_eq!(hook.requests().len(), 2, "one retry, then a warning");
}

#[test]
fn a_pipe_writes_its_json_result_to_the_shared_storage() {
    let t = Test::new();
    let (dir, shared) = (t.path().to_path_buf(), t.path().join("shared"));
    let t = t
        .env("COMMAND", "gate")
        .env("WINDOW", "Mon-Sun 00:00-24:00")
        .env("TIMEZONE", "UTC")
        .env(
            "BITBUCKET_PIPE_SHARED_STORAGE_DIR",
            shared.to_str().unwrap(),
        )
        .env("BITBUCKET_CLONE_DIR", dir.to_str().unwrap())
        .args(["pipe"]);
    let run = t.status(0);
    run.stdout_has("✔ GO");
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(shared.join("greenlight/gate.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(doc["command"], "gate");
    assert_eq!(doc["exit_code"], 0);
}

#[test]
fn a_run_that_used_its_whole_deadline_still_reports() {
    // The check hangs until --deadline; what it found is published after.
    let app = Server::fixed(Reply::hang());
    let proxy = proxy();
    let yaml = format!("checks:\n  - {{ name: home, url: \"{}\" }}\n", app.url("/"));
    let run = in_pipeline(Test::new())
        .config(&yaml)
        .env("GREENLIGHT_CODE_INSIGHTS", "true")
        .env("GREENLIGHT_BITBUCKET_PROXY", &proxy.url(""))
        .args(["checks", "--deadline", "1s"])
        .status(3);
    assert!(!run.stderr.contains("Code Insights"), "{}", run.stderr);
    let methods: Vec<String> = proxy.requests().iter().map(|r| r.method.clone()).collect();
    assert_eq!(methods, ["DELETE", "PUT", "POST"]);
}
