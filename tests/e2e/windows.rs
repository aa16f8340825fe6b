//! Deploy windows and freezes through the real binary, at fixed instants.

use crate::support::Test;

fn gate_at(at: &str) -> Test {
    Test::new().args(["gate", "--at", at])
}

#[test]
fn open_inside_the_window_with_closing_time() {
    gate_at("2026-03-04T01:00:00Z") // Wed 12:00 AEDT
        .args(["--window", "Mon-Fri 09:00-15:30", "--timezone", "Australia/Sydney"])
        .status(0)
        .stdout_has("✔ Window open: inside Mon-Fri 09:00-15:30 (Australia/Sydney); closes 2026-03-04 15:30 AEDT (2026-03-04 04:30 UTC), in 3h 30m")
        .stdout_has("✔ GO: deploy window open, no lock sources configured");
}

#[test]
fn closed_outside_with_next_opening_in_local_time_and_utc() {
    // Fri 3 Apr 2026 10:00 AEDT is open; Sat 4 Apr 10:00 AEDT is closed, and
    // Sydney leaves daylight saving on Sun 5 Apr: Monday opens at AEST.
    gate_at("2026-04-03T23:00:00Z")
        .args(["--window", "Mon-Fri 09:00-15:30", "--timezone", "Australia/Sydney"])
        .status(1)
        .stdout_has("✖ Window closed: outside every window; opens 2026-04-06 09:00 AEST (2026-04-05 23:00 UTC), in 2d")
        .stdout_has("✖ NO-GO: deploy window closed");
}

#[test]
fn window_from_variables_like_a_pipeline() {
    gate_at("2026-03-04T01:00:00Z")
        .env(
            "GREENLIGHT_WINDOW",
            "Sat,Sun 10:00-12:00; Mon-Fri 09:00-10:00",
        )
        .env("GREENLIGHT_TIMEZONE", "Australia/Sydney")
        .status(1)
        .stdout_has("opens 2026-03-05 09:00 AEDT");
}

#[test]
fn overnight_window_from_config() {
    let t = Test::new().config("timezone: Europe/London\nwindows:\n  - Fri 22:00-02:00\n");
    // Sat 7 Mar 2026 01:30 GMT: still inside Friday's window.
    t.args(["gate", "--at", "2026-03-07T01:30:00Z"])
        .status(0)
        .stdout_has("closes 2026-03-07 02:00 GMT");
}

#[test]
fn freeze_wins_over_an_open_window() {
    Test::new()
        .config(
            "timezone: Australia/Sydney\nwindows: [Mon-Fri 09:00-15:30]\nfreezes:\n  - { name: holidays, reason: Holiday freeze, yearly: { from: \"12-24\", to: \"01-02\" } }\n",
        )
        .args(["gate", "--at", "2026-12-29T01:00:00Z"]) // Tue 12:00 AEDT
        .status(1)
        .stdout_has("✖ Window closed: freeze `holidays` (Holiday freeze) until 2027-01-03 00:00 AEDT")
        .stdout_has("opens 2027-01-04 09:00 AEDT")
        .stdout_has("✖ NO-GO: deploy window closed: freeze `holidays` (Holiday freeze)");
    // --quiet and JSON keep the freeze's name and reason.
    let quiet = Test::new()
        .config(
            "timezone: Australia/Sydney\nwindows: [Mon-Fri 09:00-15:30]\nfreezes:\n  - { name: holidays, reason: Holiday freeze, yearly: { from: \"12-24\", to: \"01-02\" } }\n",
        )
        .args(["gate", "--quiet", "--at", "2026-12-29T01:00:00Z"])
        .status(1);
    assert_eq!(
        quiet.stdout,
        "✖ NO-GO: deploy window closed: freeze `holidays` (Holiday freeze)\n"
    );
}

#[test]
fn malformed_window_in_config_is_located() {
    let run = Test::new()
        .config("timezone: UTC\nwindows:\n  - Mon-Fri 09:00-15:30\n  - Mon-Fri 25:00-09:00\n")
        .args(["gate"])
        .status(2);
    run.stderr_has("error: greenlight.yml:4:5: windows[1]: invalid window `Mon-Fri 25:00-09:00`")
        .stderr_has("4 |   - Mon-Fri 25:00-09:00");
}

#[test]
fn window_without_a_time_zone_is_refused() {
    Test::new()
        .args(["gate", "--window", "Mon-Fri 09:00-17:00"])
        .status(2)
        .stderr_has("error: invalid --window: window `Mon-Fri 09:00-17:00` has no time zone");
}

#[test]
fn bad_freeze_is_located() {
    Test::new()
        .config("timezone: UTC\nfreezes:\n  - { reason: x, from: 2026-12-10, to: 2026-12-01 }\n")
        .args(["gate"])
        .status(2)
        .stderr_has("greenlight.yml:3:5: freezes[0]: invalid freeze");
}

#[test]
fn status_json_has_next_transitions() {
    let run = Test::new()
        .args(["status", "--at", "2026-04-03T23:00:00Z", "--format", "json"])
        .args([
            "--window",
            "Mon-Fri 09:00-15:30",
            "--timezone",
            "Australia/Sydney",
        ])
        .status(0);
    let json = run.json();
    assert_eq!(json["window"]["open"], false);
    assert_eq!(json["window"]["rule"]["kind"], "outside_windows");
    assert_eq!(json["window"]["next_open"]["at"], "2026-04-05T23:00:00Z");
    assert_eq!(
        json["window"]["next_open"]["local"],
        "2026-04-06 09:00 AEST"
    );
    assert_eq!(json["window"]["next_open"]["timezone"], "Australia/Sydney");
    assert_eq!(json["outcome"], "no_go");
}

#[test]
fn bundled_example_config_is_valid() {
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/greenlight.yml"
    ))
    .unwrap();
    let run = Test::new()
        .config(&example)
        .args(["status", "--at", "2026-03-04T01:00:00Z"])
        .status(0);
    run.stdout_has("Window open: inside Mon-Fri 09:00-15:30 (Australia/Sydney)");
}
