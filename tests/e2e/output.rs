//! How output looks in a pipeline: colour without a TTY when CI is set,
//! NO_COLOR, --quiet, debug logging, and which setting wins.

use crate::support::Test;

fn closed_gate() -> Test {
    Test::new().args([
        "gate",
        "--at",
        "2026-04-04T10:00:00Z",
        "--window",
        "Mon 09:00-10:00",
        "--timezone",
        "UTC",
    ])
}

#[test]
fn colour_in_ci_logs_without_a_tty() {
    let run = closed_gate().env("CI", "true").status(1);
    run.stdout_has("\x1b[31m✖ NO-GO: deploy window closed\x1b[0m");
}

#[test]
fn no_color_turns_it_off() {
    let run = closed_gate()
        .env("CI", "true")
        .env("NO_COLOR", "1")
        .status(1);
    assert!(!run.stdout.contains('\x1b'), "{:?}", run.stdout);
    run.stdout_has("✖ NO-GO: deploy window closed");
}

#[test]
fn no_colour_for_a_plain_pipe_outside_ci() {
    let run = closed_gate().status(1);
    assert!(!run.stdout.contains('\x1b'), "{:?}", run.stdout);
}

#[test]
fn quiet_prints_only_the_verdict() {
    let run = closed_gate().args(["--quiet"]).status(1);
    assert_eq!(run.stdout, "✖ NO-GO: deploy window closed\n");
}

#[test]
fn debug_true_logs_to_stderr_only() {
    let run = closed_gate().env("DEBUG", "true").status(1);
    run.stderr_has("DEBUG greenlight")
        .stderr_has("gate evaluated in");
    assert!(!run.stdout.contains("DEBUG"));
}

#[test]
fn flag_beats_variable_beats_config_file() {
    // The lock source is unreachable; on_error decides between 0 and 3.
    let t = Test::new()
        .config("locks:\n  on_error: open\n  timeout: 200ms\n  retries: 0\n")
        .args(["gate", "--lock-url", &crate::support::server::refused_url()]);
    let file_only = t.status(0);
    file_only.stdout_has("ignored because on_error: open");
    let t = t.env("GREENLIGHT_ON_ERROR", "closed");
    t.status(3);
    let t = t.args(["--on-error", "open"]);
    t.status(0);
}
