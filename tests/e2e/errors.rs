//! Bad input: exit 2, a message that names the field (and file, line and
//! column where there is one), no panic, nothing evaluated.

use crate::support::Test;

fn rejects(t: Test, message: &str) {
    let run = t.status(2);
    run.stderr_has(message);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(
        run.stdout.is_empty(),
        "nothing evaluated, nothing printed:\n{}",
        run.stdout
    );
}

#[test]
fn unknown_time_zone_flag() {
    rejects(
        Test::new().args([
            "gate",
            "--window",
            "Mon-Fri 09:00-17:00",
            "--timezone",
            "Mars/Olympus",
        ]),
        "error: invalid --timezone: unknown time zone `Mars/Olympus` (use an IANA name such as Europe/London or Australia/Sydney)",
    );
}

#[test]
fn unknown_time_zone_variable() {
    rejects(
        Test::new()
            .args(["gate"])
            .env("GREENLIGHT_WINDOW", "Mon-Fri 09:00-17:00")
            .env("GREENLIGHT_TIMEZONE", "Nowhere"),
        "error: invalid GREENLIGHT_TIMEZONE: unknown time zone `Nowhere`",
    );
}

#[test]
fn unknown_config_key() {
    rejects(
        Test::new()
            .config("timezone: UTC\nwindowz: [Mon-Fri 09:00-17:00]\n")
            .args(["gate"]),
        "error: greenlight.yml:2:1: unknown field `windowz`",
    );
}

#[test]
fn unknown_time_zone_in_config_points_at_the_value() {
    rejects(
        Test::new()
            .config("timezone: Mars/Olympus\n")
            .args(["gate"]),
        "greenlight.yml:1:11: timezone: unknown time zone `Mars/Olympus`",
    );
}

#[test]
fn invalid_yaml() {
    rejects(
        Test::new().config("windows: [\n").args(["gate"]),
        "error: greenlight.yml:",
    );
}

#[test]
fn missing_config_file() {
    rejects(
        Test::new().args(["gate", "--config", "nope.yml"]),
        "error: cannot read config file nope.yml:",
    );
}

#[test]
fn bad_lock_source_in_config() {
    rejects(
        Test::new()
            .config("locks:\n  sources:\n    - { type: env, path: x }\n")
            .args(["gate"]),
        "greenlight.yml:3:7: locks.sources[0]: `path` does not apply to lock sources of type `env`",
    );
}

#[test]
fn bad_instant() {
    rejects(
        Test::new().args(["gate", "--lock-env", "X", "--at", "tomorrow"]),
        "error: invalid --at: `tomorrow` is not an RFC 3339 instant",
    );
}

#[test]
fn bad_deadline_variable() {
    rejects(
        Test::new()
            .args(["gate", "--lock-env", "X"])
            .env("GREENLIGHT_DEADLINE", "soon"),
        "error: invalid GREENLIGHT_DEADLINE: invalid duration `soon`",
    );
}

#[test]
fn nothing_to_evaluate() {
    rejects(Test::new().args(["gate"]), "error: nothing to evaluate");
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let run = Test::new().args(["gate", "--windw", "x"]).status(2);
    run.stderr_has("unexpected argument '--windw'");
}

#[test]
fn unreadable_lock_url() {
    rejects(
        Test::new().args(["gate", "--lock-url", "ftp://x"]),
        "error: invalid --lock-url: `ftp://x` is not an http(s) URL",
    );
}
