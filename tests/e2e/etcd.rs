//! Locks and deploy leases in a real 3-member etcd cluster
//! ([`crate::support::etcd`]), through the real binary: compare-and-set
//! locks, gates racing for a lease (exactly `slots` win, every round),
//! fail-over when a member stops and a named, bounded failure without
//! quorum, a dead holder's lease expiring with waiters served in arrival
//! order, TLS and auth with the password never shown.

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use crate::support::etcd::{Cluster, Options, PASSWORD};
use crate::support::test::{Run, Test};

fn config(c: &Cluster, extra: &str) -> String {
    format!(
        "store:\n  type: etcd\n  endpoints: [{}]\n  timeout: 2s\nlocks:\n  sources:\n    - {{ type: etcd, key: shop/production }}\n{extra}",
        c.endpoints()
    )
}

fn run(yaml: &str, args: &[&str]) -> Run {
    Test::new().config(yaml).args(args.iter().copied()).output()
}

#[test]
fn locks_in_etcd_are_compare_and_set_and_shared() {
    let c = Cluster::start();
    let yaml = config(&c, "");
    assert_eq!(run(&yaml, &["gate"]).code, 0);
    let locked = run(&yaml, &["lock", "--reason", "INC-42", "--by", "alice"]);
    assert_eq!(locked.code, 0, "{}", locked.stdout);
    // Another pipeline (another workspace) sees it.
    let gate = run(&yaml, &["gate"]);
    assert_eq!(gate.code, 1);
    assert!(
        gate.stdout
            .contains("NO-GO: locked by alice (etcd:shop/production): INC-42"),
        "{}",
        gate.stdout
    );
    // A second holder is refused, with who holds it.
    let refused = run(&yaml, &["lock", "--reason", "mine", "--by", "bob"]);
    assert_eq!(refused.code, 1);
    assert!(
        refused.stdout.contains("locked by alice"),
        "{}",
        refused.stdout
    );
    let forced = run(
        &yaml,
        &["lock", "--reason", "mine", "--by", "bob", "--force"],
    );
    assert_eq!(forced.code, 0, "{}", forced.stdout);
    assert!(
        forced.stdout.contains("replaced the lock of alice"),
        "{}",
        forced.stdout
    );
    assert_eq!(run(&yaml, &["unlock"]).code, 0);
    assert_eq!(run(&yaml, &["gate"]).code, 0);
    let history = run(
        &yaml,
        &[
            "history",
            "--source",
            "etcd:shop/production",
            "--format",
            "json",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&history.stdout).unwrap();
    let events: Vec<&str> = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, vec!["locked", "forced", "unlocked"]);
    assert_eq!(doc["events"][1]["replaced"], "alice");
}

/// `n` gates at once (released together by a barrier); their runs.
fn race(yaml: &str, n: usize, name: &str) -> Vec<Run> {
    let barrier = Arc::new(Barrier::new(n));
    let handles: Vec<_> = (0..n)
        .map(|k| {
            let (yaml, barrier, name) = (yaml.to_string(), Arc::clone(&barrier), name.to_string());
            std::thread::spawn(move || {
                let t = Test::new().config(&yaml).args([
                    "gate",
                    "--lease",
                    &name,
                    "--holder",
                    &format!("pipeline-{k}"),
                ]);
                barrier.wait();
                t.output()
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

#[test]
fn fifty_gates_racing_for_a_lease_never_double_grant() {
    let c = Cluster::start();
    let yaml = config(&c, "");
    let rounds = 4;
    for round in 0..rounds {
        for slots in [1usize, 2] {
            let name = format!("race/{round}/{slots}");
            let yaml = format!("{yaml}lease: {{ slots: {slots}, ttl: 5m }}\n");
            let runs = race(&yaml, 50, &name);
            let winners: Vec<&Run> = runs.iter().filter(|r| r.code == 0).collect();
            let losers: Vec<&Run> = runs.iter().filter(|r| r.code == 1).collect();
            assert_eq!(
                winners.len(),
                slots,
                "round {round}, {slots} slot(s): {} won; codes {:?}",
                winners.len(),
                runs.iter().map(|r| r.code).collect::<Vec<_>>()
            );
            assert_eq!(losers.len(), 50 - slots, "every other gate is a no-go");
            for l in losers {
                assert!(
                    l.stdout
                        .contains(&format!("deploy in progress: {name} held by pipeline-")),
                    "{}",
                    l.stdout
                );
            }
        }
    }
}

#[test]
fn one_member_down_is_survived_and_no_quorum_fails_closed_in_time() {
    let mut c = Cluster::start();
    let yaml = config(&c, "lease: { name: shop/production, ttl: 5m }\n");
    c.stop(0);
    let r = run(&yaml, &["gate", "--holder", "p1"]);
    assert_eq!(r.code, 0, "one member down: {}{}", r.stdout, r.stderr);
    c.stop(1);
    let started = Instant::now();
    let r = run(&yaml, &["gate", "--holder", "p2", "--deadline", "8s"]);
    let took = started.elapsed();
    assert_eq!(r.code, 3, "no quorum is inconclusive: {}", r.stdout);
    assert!(
        took < Duration::from_secs(9),
        "ended within the deadline: {took:?}"
    );
    // The cause names the endpoints and what happened at each.
    assert!(
        r.stdout.contains("etcd could not be reached"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains(&c.endpoint(0)), "{}", r.stdout);
    c.restart(0);
    c.restart(1);
    let r = run(&yaml, &["gate", "--holder", "p1"]);
    assert_eq!(r.code, 0, "back: {}", r.stdout);
    let r = run(&yaml, &["release", "--holder", "p1"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn a_dead_holders_lease_expires_and_waiters_are_served_in_order() {
    let c = Cluster::start();
    let yaml = config(&c, "lease: { name: shop/production }\n");
    // A pipeline takes the lease for 4 s and dies (never releases).
    let dead = run(&yaml, &["gate", "--holder", "dead", "--ttl", "4s"]);
    assert_eq!(dead.code, 0, "{}", dead.stdout);
    let started = Instant::now();
    let waiter = |holder: &'static str, after: Duration| {
        let yaml = yaml.clone();
        std::thread::spawn(move || {
            std::thread::sleep(after);
            let r = run(
                &yaml,
                &["gate", "--holder", holder, "--wait", "40s", "--ttl", "3s"],
            );
            (holder, r, started.elapsed())
        })
    };
    let first = waiter("first", Duration::ZERO);
    let second = waiter("second", Duration::from_millis(700));
    let (_, r1, t1) = first.join().unwrap();
    let (_, r2, t2) = second.join().unwrap();
    assert_eq!(r1.code, 0, "{}{}", r1.stdout, r1.stderr);
    assert_eq!(r2.code, 0, "{}{}", r2.stdout, r2.stderr);
    // `first` got it when the dead holder's lease ran out; `second`, which
    // arrived later, only when `first`'s own 3 s lease ran out after that.
    assert!(t1 >= Duration::from_secs(3), "{t1:?}");
    assert!(t2 >= t1 + Duration::from_secs(2), "{t1:?} {t2:?}");
    assert!(
        r1.stderr.contains("waiting"),
        "a progress line: {}",
        r1.stderr
    );
    let history = run(&yaml, &["history", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&history.stdout).unwrap();
    let seen: Vec<(String, String)> = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["event"].as_str().unwrap().to_string(),
                e["by"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let taken: Vec<&str> = seen
        .iter()
        .filter(|(e, _)| e == "taken")
        .map(|(_, by)| by.as_str())
        .collect();
    assert_eq!(taken, vec!["dead", "first", "second"]);
    assert!(
        seen.contains(&("expired".to_string(), "dead".to_string())),
        "{seen:?}"
    );
}

#[test]
fn a_waiting_gate_gives_up_when_its_wait_ends() {
    let c = Cluster::start();
    let yaml = config(&c, "lease: { name: shop/production }\n");
    assert_eq!(run(&yaml, &["gate", "--holder", "holder"]).code, 0);
    let started = Instant::now();
    let r = run(&yaml, &["gate", "--holder", "late", "--wait", "2s"]);
    assert_eq!(r.code, 1);
    assert!(started.elapsed() < Duration::from_secs(6));
    assert!(
        r.stdout.contains("NO-GO: waited 2s for the lease: deploy in progress: shop/production held by holder since"),
        "{}",
        r.stdout
    );
    // The holder frees it; then `late` gets it at once.
    assert_eq!(run(&yaml, &["release", "--holder", "late"]).code, 1);
    assert_eq!(run(&yaml, &["release", "--holder", "holder"]).code, 0);
    assert_eq!(run(&yaml, &["gate", "--holder", "late"]).code, 0);
    // A lock set meanwhile stops a waiting gate too.
    assert_eq!(
        run(&yaml, &["lock", "--reason", "INC-7", "--by", "ops"]).code,
        0
    );
    let r = run(&yaml, &["gate", "--holder", "third", "--wait", "5s"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("locked by ops"), "{}", r.stdout);
}

#[test]
fn verify_release_frees_the_lease_whatever_the_verdict() {
    let c = Cluster::start();
    let stack = crate::support::Server::fixed(crate::support::Reply::json(503, "{}"));
    let yaml = config(&c, "lease: { name: shop/production }\n")
        + &format!(
            "checks:\n  - name: health\n    url: {}\n",
            stack.url("/health")
        );
    assert_eq!(run(&yaml, &["gate", "--holder", "p1"]).code, 0);
    let r = run(&yaml, &["verify", "--release", "--holder", "p1"]);
    assert_eq!(r.code, 1, "the check failed: {}", r.stdout);
    assert!(
        r.stdout.contains("Released shop/production"),
        "{}",
        r.stdout
    );
    assert_eq!(run(&yaml, &["gate", "--holder", "p2"]).code, 0);
}

#[test]
fn tls_and_auth_with_the_password_never_shown() {
    let c = Cluster::with(Options {
        tls: true,
        auth: true,
    });
    let yaml = format!(
        "store:\n  type: etcd\n  endpoints: [{}]\n  ca_file: {}\n  user: deployer\n  password_env: ETCD_PASSWORD\nlocks:\n  sources:\n    - {{ type: etcd, key: shop/production }}\nlease: {{ name: shop/production }}\n",
        c.endpoints(),
        c.ca_file().display()
    );
    let with = |password: &str, args: &[&str]| {
        Test::new()
            .config(&yaml)
            .env("ETCD_PASSWORD", password)
            .env("DEBUG", "true")
            .args(args.iter().copied())
            .output()
    };
    let ok = with(PASSWORD, &["gate", "--holder", "p1"]);
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);
    let lock = with(PASSWORD, &["lock", "--reason", "INC-1", "--by", "alice"]);
    assert_eq!(lock.code, 0, "{}{}", lock.stdout, lock.stderr);
    let wrong = with("not-the-password", &["gate", "--holder", "p2"]);
    assert_eq!(wrong.code, 3, "{}", wrong.stdout);
    assert!(
        wrong.stdout.contains("authentication failed"),
        "{}",
        wrong.stdout
    );
    // Not trusting the CA: a named TLS failure.
    let untrusted = Test::new()
        .config(&yaml.replace(&format!("  ca_file: {}\n", c.ca_file().display()), ""))
        .env("ETCD_PASSWORD", PASSWORD)
        .args(["gate"])
        .output();
    assert_eq!(untrusted.code, 3);
    assert!(untrusted.stdout.contains("TLS"), "{}", untrusted.stdout);
    for r in [&ok, &lock, &wrong, &untrusted] {
        for text in [&r.stdout, &r.stderr] {
            assert!(!text.contains(PASSWORD), "the password leaked:\n{text}");
            assert!(
                !text.contains(&greenlight::encode::base64(PASSWORD.as_bytes())),
                "the password leaked (base64):\n{text}"
            );
        }
    }
}

#[test]
fn a_hanging_endpoint_is_failed_over_and_a_silent_store_ends_in_time() {
    let c = Cluster::start();
    let hung = crate::support::Server::fixed(crate::support::Reply::hang());
    let hung_url = hung.url("").trim_end_matches('/').to_string();
    let yaml = format!(
        "store:\n  type: etcd\n  endpoints: [{hung_url}, {}]\n  timeout: 1s\nlease: {{ name: shop/production }}\n",
        c.endpoints()
    );
    let r = run(&yaml, &["gate", "--holder", "p1"]);
    assert_eq!(r.code, 0, "the next endpoint answered: {}", r.stdout);
    let only_hung = format!(
        "store:\n  type: etcd\n  endpoints: [{hung_url}]\n  timeout: 1s\n  retries: 10\nlease: {{ name: shop/production }}\n"
    );
    let started = Instant::now();
    let r = run(&only_hung, &["gate", "--holder", "p2", "--deadline", "3s"]);
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert!(
        started.elapsed() < Duration::from_millis(3600),
        "{:?}",
        started.elapsed()
    );
    assert!(r.stdout.contains("timed out"), "{}", r.stdout);
    // With on_error: open the gate goes ahead without the lease, and says so.
    let r = run(
        &only_hung,
        &[
            "gate",
            "--holder",
            "p2",
            "--deadline",
            "3s",
            "--on-error",
            "open",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("deploying without it because on_error: open"),
        "{}",
        r.stdout
    );
}

#[test]
fn leases_keep_to_their_slots_their_names_and_their_holders() {
    let c = Cluster::start();
    let yaml = config(&c, "");
    let gate = |args: &[&str]| {
        let mut all = vec!["gate"];
        all.extend_from_slice(args);
        run(&yaml, &all)
    };
    assert_eq!(
        gate(&["--lease", "shop", "--holder", "a", "--ttl", "10m"]).code,
        0
    );
    // Another count of slots for the same lease is refused, not obeyed.
    let r = gate(&["--lease", "shop", "--holder", "b", "--slots", "2"]);
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert!(
        r.stdout
            .contains("has 1 slot(s) in the store and this gate asks for 2"),
        "{}",
        r.stdout
    );
    // `shop` and `shop/production` are different leases with their own
    // histories.
    assert_eq!(
        gate(&["--lease", "shop/production", "--holder", "b"]).code,
        0
    );
    let history = |name: &str| {
        let r = run(&yaml, &["history", "--lease", name, "--format", "json"]);
        let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        doc["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["by"].as_str().unwrap_or("").to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(history("shop"), vec!["a"]);
    assert_eq!(history("shop/production"), vec!["b"]);
    // The same holder again gets its lease back, renewed.
    let again = run(
        &yaml,
        &[
            "gate", "--lease", "shop", "--holder", "a", "--ttl", "10m", "--format", "json",
        ],
    );
    assert_eq!(again.code, 0);
    let doc: serde_json::Value = serde_json::from_str(&again.stdout).unwrap();
    assert_eq!(doc["lease"]["state"], "taken");
    assert_eq!(doc["lease"]["lease"]["holder"], "a");
}

/// A regressed canary locks deploys by itself (`on_no_go`): in etcd and in
/// a lock file, with a reason that names the failure and links the run;
/// the next gate is a no-go until a person unlocks.
#[test]
fn a_bad_deploy_locks_deploys_until_someone_unlocks() {
    let c = Cluster::start();
    let prom = crate::support::canary::prometheus();
    let shared = tempfile::tempdir().unwrap();
    let lock_file = shared.path().join("lock.json");
    let yaml = format!(
        "store:\n  type: etcd\n  endpoints: [{}]\nlocks:\n  sources:\n    - {{ type: etcd, key: shop/production }}\n    - {{ type: file, path: \"{}\" }}\non_no_go: {{ lock: true, expires: 4h }}\n",
        c.endpoints(),
        lock_file.display()
    ) + &crate::support::canary::config(&prom.url(), "{group: blue}", "{group: slow}");
    let ci = |t: Test| {
        t.env(
            "BITBUCKET_GIT_HTTP_ORIGIN",
            "http://bitbucket.org/acme/shop",
        )
        .env("BITBUCKET_BUILD_NUMBER", "412")
        .env("BITBUCKET_REPO_FULL_NAME", "acme/shop")
        .env("BITBUCKET_PIPELINE_UUID", "{p-412}")
    };
    let verify = ci(Test::new().config(&yaml))
        .args(["verify", "--at", crate::support::canary::AT])
        .output();
    assert_eq!(verify.code, 1, "{}", verify.stdout);
    assert!(
        verify.stdout.contains("Locked etcd:shop/production"),
        "{}",
        verify.stdout
    );
    assert!(
        verify
            .stdout
            .contains(&format!("Locked file:{}", lock_file.display())),
        "{}",
        verify.stdout
    );
    let written = std::fs::read_to_string(&lock_file).unwrap();
    assert!(
        written.contains(
            "bad deploy: no checks configured; comparison no-go: critical latency_p95 high"
        ),
        "{written}"
    );
    assert!(
        written.contains("https://bitbucket.org/acme/shop/pipelines/results/412"),
        "{written}"
    );
    assert!(written.contains("\"expires\""), "{written}");
    // The next pipeline's gate (at the same replayed instant): no-go, by both.
    let gate = run(&yaml, &["gate", "--at", crate::support::canary::AT]);
    assert_eq!(gate.code, 1, "{}", gate.stdout);
    assert!(
        gate.stdout
            .contains("locked by acme/shop#{p-412} (etcd:shop/production): bad deploy"),
        "{}",
        gate.stdout
    );
    assert!(
        gate.stdout
            .contains(&format!("(file:{}): bad deploy", lock_file.display())),
        "{}",
        gate.stdout
    );
    // A person unlocks; deploys go again.
    let unlock = run(&yaml, &["unlock"]);
    assert_eq!(unlock.code, 0, "{}", unlock.stdout);
    assert_eq!(
        run(&yaml, &["gate", "--at", crate::support::canary::AT]).code,
        0
    );
    let history = run(
        &yaml,
        &[
            "history",
            "--source",
            "etcd:shop/production",
            "--format",
            "json",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&history.stdout).unwrap();
    let events: Vec<&str> = doc["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, vec!["locked", "unlocked"]);
}
