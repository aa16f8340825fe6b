//! The registries: a lock source and a metric source that exist only for
//! the tests (feature `test-kinds`, which `scripts/test` turns on), each
//! added as one file and one registration line (issue #8), used end to
//! end through the real binary like any other kind.

use crate::support::Test;
use crate::support::tools::loud;

#[test]
fn the_test_kinds_are_compiled_in() {
    if cfg!(feature = "test-kinds") {
        return;
    }
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
    assert!(
        !ci,
        "CI is set but the e2e tests were built without `--features test-kinds` (./scripts/test turns it on)"
    );
    loud("\n!!!!!!!! SKIPPED the plugin tests: build with --features test-kinds !!!!!!!!\n");
}

#[cfg(feature = "test-kinds")]
mod with_test_kinds {
    use super::*;

    #[test]
    fn a_registered_lock_kind_locks_the_gate() {
        Test::new()
            .config(
                "locks:\n  sources:\n    - { type: always, name: db, reason: database maintenance }\n",
            )
            .args(["gate", "--format", "json"])
            .status(1)
            .stdout_has(r#""source": "db""#)
            .stdout_has(r#""kind": "always""#)
            .stdout_has("locked (db): database maintenance");
    }

    #[test]
    fn a_registered_lock_kind_refuses_keys_of_other_kinds_and_cannot_be_written() {
        Test::new()
            .config("locks:\n  sources:\n    - { type: always, reason: x, path: l.json }\n")
            .args(["gate"])
            .status(2)
            .stderr_has("locks.sources[0]: `path` does not apply to lock sources of type `always`");
        Test::new()
            .config("locks:\n  sources:\n    - { type: always, reason: x }\n")
            .args(["lock", "--reason", "y"])
            .status(2)
            .stderr_has("no lock source can be written");
    }

    #[test]
    fn a_registered_metric_kind_is_judged_like_any_other() {
        let base: Vec<String> = (0..40).map(|i| format!("{}", 100 + i % 7)).collect();
        let slow: Vec<String> = (0..40).map(|i| format!("{}", 130 + i % 7)).collect();
        let config = format!(
            "compare:\n  source: {{ type: fixed }}\n  metrics:\n    - {{ name: latency, critical: true, baseline_values: [{}], canary_values: [{}] }}\n",
            base.join(", "),
            slow.join(", ")
        );
        let run = Test::new().config(&config).args(["compare"]).status(1);
        run.stdout_has("✖ [high] latency rose").stdout_has("NO-GO");
        let json = Test::new()
            .config(&config)
            .args(["compare", "--format", "json"])
            .status(1)
            .json();
        assert_eq!(json["source"]["type"], "fixed");
        assert_eq!(
            json["queries"][0]["canary"][0]["query"],
            "canary_values (40 values)"
        );
    }
}
