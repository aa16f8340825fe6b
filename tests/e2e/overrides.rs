//! Break-glass overrides and rollbacks, end to end: only where the config
//! allows them (and for whom), loudly, in text, JSON and JUnit, and
//! recorded in the store's history.

use crate::support::etcd::Cluster;
use crate::support::test::Run;
use crate::support::{Reply, Server, Test};

/// Monday 2026-03-02 12:00 UTC: outside the Sunday window below.
const AT: &str = "2026-03-02T12:00:00Z";

fn pipeline(t: Test) -> Test {
    t.env("BITBUCKET_REPO_FULL_NAME", "acme/shop")
        .env("BITBUCKET_PIPELINE_UUID", "{p-9}")
        .env("BITBUCKET_STEP_UUID", "{s-1}")
}

fn run(yaml: &str, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut t = pipeline(Test::new().config(yaml));
    for (k, v) in env {
        t = t.env(k, v);
    }
    let mut all = vec!["gate", "--at", AT];
    all.extend_from_slice(args);
    t.args(all).output()
}

const CLOSED: &str = "timezone: UTC\nwindows: [\"Sun 10:00-11:00\"]\nlocks:\n  sources:\n    - { type: env, variable: DEPLOY_LOCK }\n";

#[test]
fn an_override_needs_the_config_and_a_named_identity() {
    let r = run(CLOSED, &[], &["--override", "P1 hotfix INC-9"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("overrides are not allowed here"),
        "{}",
        r.stderr
    );
    let strangers = format!("{CLOSED}overrides: {{ allowed: true, by: [\"acme/payments#*\"] }}\n");
    let r = run(&strangers, &[], &["--override", "P1 hotfix INC-9"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("`acme/shop#{p-9}/{s-1}` may not override"),
        "{}",
        r.stderr
    );
    let allowed = format!("{CLOSED}overrides: {{ allowed: true, by: [\"acme/shop#*\"] }}\n");
    let r = run(&allowed, &[], &["--override", "  "]);
    assert_eq!(r.code, 2, "never without a reason");
}

#[test]
fn an_override_goes_through_loudly_in_every_report() {
    let yaml = format!("{CLOSED}overrides: {{ allowed: true, by: [\"acme/shop#*\"] }}\n");
    let locked = [("DEPLOY_LOCK", "INC-1 checkout down")];
    assert_eq!(run(&yaml, &locked, &[]).code, 1, "without it: no-go");
    let r = run(
        &yaml,
        &locked,
        &[
            "--override",
            "P1 hotfix INC-9",
            "--report",
            "junit=gate.xml",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    let loud = "OVERRIDE by acme/shop#{p-9}/{s-1}: went through deploy window closed; locked (env:DEPLOY_LOCK): INC-1 checkout down (P1 hotfix INC-9)";
    assert!(r.stdout.contains(&format!("⚠ {loud}")), "{}", r.stdout);
    assert!(r.stdout.contains("✔ GO: OVERRIDE by acme/shop#{p-9}/{s-1} (P1 hotfix INC-9), went through deploy window closed"), "{}", r.stdout);
    let json = run(
        &yaml,
        &locked,
        &["--override", "P1 hotfix INC-9", "--format", "json"],
    );
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["override"]["kind"], "override");
    assert_eq!(doc["override"]["reason"], "P1 hotfix INC-9");
    assert_eq!(doc["override"]["bypassed"].as_array().unwrap().len(), 2);
    assert_eq!(doc["outcome"], "go");
    // JUnit: what it went through is skipped, saying who and why.
    let t = pipeline(Test::new().config(&yaml)).env("DEPLOY_LOCK", "INC-1 checkout down");
    let t = t.args([
        "gate",
        "--at",
        AT,
        "--override",
        "P1 hotfix INC-9",
        "--report",
        "junit=gate.xml",
    ]);
    assert_eq!(t.output().code, 0);
    let xml = t.read("gate.xml");
    assert!(
        xml.contains(r#"<testsuite name="greenlight gate""#),
        "{xml}"
    );
    assert!(xml.contains("<skipped message=\"OVERRIDE by acme/shop#{p-9}/{s-1} (P1 hotfix INC-9): went through deploy window closed\""), "{xml}");
    assert!(
        xml.contains("went through locked (env:DEPLOY_LOCK)"),
        "{xml}"
    );
}

#[test]
fn rollbacks_pass_freezes_windows_and_incidents_but_not_a_persons_lock() {
    let status = Server::fixed(Reply::json(
        200,
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/incidents/statuspage_summary_major.json"
        ))
        .unwrap(),
    ));
    let yaml = |extra: &str| {
        format!(
            "timezone: UTC\nwindows: [\"Sun 10:00-11:00\"]\nfreezes:\n  - {{ reason: quarter end, from: 2026-03-01, to: 2026-03-03 }}\nlocks:\n  sources:\n    - {{ type: env, variable: DEPLOY_LOCK }}\n    - {{ type: statuspage, url: \"{}\" }}\n{extra}",
            status.url("").trim_end_matches('/')
        )
    };
    let allowed = yaml("allow_rollbacks: true\n");
    assert_eq!(
        run(&allowed, &[], &[]).code,
        1,
        "a normal deploy is stopped"
    );
    let r = run(&allowed, &[], &["--rollback"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("ROLLBACK by acme/shop#{p-9}/{s-1}: went through deploy window closed: freeze (quarter end); locked (statuspage:"), "{}", r.stdout);
    // Bamboo says so by its variable.
    assert_eq!(
        run(&allowed, &[("bamboo_deploy_rollback", "true")], &[]).code,
        0
    );
    // A person's lock still stops a rollback.
    let r = run(&allowed, &[("DEPLOY_LOCK", "hands off")], &["--rollback"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("hands off"), "{}", r.stdout);
    // Incidents stop it when the config says so.
    let strict = yaml("allow_rollbacks: true\nincidents_block_rollbacks: true\n");
    let r = run(&strict, &[], &["--rollback"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("Checkout errors"), "{}", r.stdout);
    // Not allowed: judged as any deploy.
    assert_eq!(run(&yaml(""), &[], &["--rollback"]).code, 1);
}

#[test]
fn overrides_and_rollbacks_are_recorded_in_the_store() {
    let c = Cluster::start();
    let yaml = format!(
        "{CLOSED}store: {{ type: etcd, endpoints: [{}] }}\noverrides: {{ allowed: true }}\nallow_rollbacks: true\nlease: {{ name: shop/production }}\n",
        c.endpoints()
    );
    let r = run(
        &yaml,
        &[("DEPLOY_LOCK", "INC-1")],
        &["--override", "P1 hotfix INC-9"],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    let r = run(&yaml, &[], &["--rollback", "--holder", "rollback-1"]);
    assert_eq!(
        r.code, 1,
        "the lease is still held by the override's deploy: {}",
        r.stdout
    );
    let history = pipeline(Test::new().config(&yaml))
        .args(["history", "--overrides", "--format", "json"])
        .output();
    let doc: serde_json::Value = serde_json::from_str(&history.stdout).unwrap();
    let events = doc["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["event"], "override");
    assert_eq!(events[0]["by"], "acme/shop#{p-9}/{s-1}");
    let reason = events[0]["reason"].as_str().unwrap();
    assert!(
        reason.starts_with(
            "P1 hotfix INC-9; went through deploy window closed; locked (env:DEPLOY_LOCK): INC-1"
        ),
        "{reason}"
    );
    // The lease's own history has it too, beside its `taken`.
    let lease = pipeline(Test::new().config(&yaml))
        .args([
            "history",
            "--lease",
            "shop/production",
            "--format",
            "json",
            "--at",
            AT,
        ])
        .output();
    let doc: serde_json::Value = serde_json::from_str(&lease.stdout).unwrap();
    let kinds: Vec<&str> = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["taken", "override"]);
    // A rollback that went through something is recorded as well.
    let released = pipeline(Test::new().config(&yaml))
        .args(["release"])
        .output();
    assert_eq!(released.code, 0, "{}", released.stdout);
    assert_eq!(
        run(&yaml, &[], &["--rollback", "--holder", "rollback-1"]).code,
        0
    );
    let history = pipeline(Test::new().config(&yaml))
        .args(["history", "--overrides", "--format", "json"])
        .output();
    let doc: serde_json::Value = serde_json::from_str(&history.stdout).unwrap();
    let kinds: Vec<&str> = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["override", "rollback"]);
}

#[test]
fn a_rollback_goes_through_the_lock_a_bad_deploy_wrote() {
    let auto = r#"{"locked": true, "reason": "bad deploy: critical latency high", "by": "acme/shop#{p-8}", "auto": true}"#;
    let manual = r#"{"locked": true, "reason": "hands off", "by": "alice"}"#;
    let yaml = "timezone: UTC\nlocks:\n  sources:\n    - { type: file, path: lock.json }\nallow_rollbacks: true\n";
    let gate = |lock: &str, args: &[&str]| {
        let mut all = vec!["gate", "--at", AT];
        all.extend_from_slice(args);
        pipeline(Test::new().config(yaml).file("lock.json", lock))
            .args(all)
            .output()
    };
    assert_eq!(gate(auto, &[]).code, 1, "a deploy is stopped by it");
    let r = gate(auto, &["--rollback"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("went through locked (file:lock.json): bad deploy"),
        "{}",
        r.stdout
    );
    assert_eq!(
        gate(manual, &["--rollback"]).code,
        1,
        "a person's lock is not"
    );
    let both = gate(auto, &["--rollback", "--override", "x"]);
    assert_eq!(both.code, 2);
}
