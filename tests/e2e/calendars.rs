//! Freezes that follow real calendars: recurrence rules in the config, an
//! iCalendar file, an iCalendar URL (cached with its ETag, `on_error` when
//! unreachable), and `greenlight calendar` in text, JSON and iCalendar.

use crate::support::server::Request;
use crate::support::{Reply, Server, Test};

const HOLIDAYS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//acme//holidays//EN\r\n\
BEGIN:VEVENT\r\nUID:xmas@acme\r\nDTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261227\r\n\
RRULE:FREQ=YEARLY\r\nSUMMARY:Christmas\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

#[test]
fn thanksgiving_by_rule_in_the_freezes_own_zone() {
    let yaml = "timezone: America/New_York\nfreezes:\n  - { name: thanksgiving, reason: Thanksgiving freeze, rrule: \"FREQ=YEARLY;BYMONTH=11;BYDAY=4TH\", duration: 2d }\n";
    let gate = |at: &str| Test::new().config(yaml).args(["gate", "--at", at]).output();
    // 2027-11-25 is the fourth Thursday: frozen from 00:00 EST (05:00 UTC)
    // for two local days.
    assert_eq!(gate("2027-11-25T04:59:59Z").code, 0);
    let r = gate("2027-11-25T05:00:00Z");
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .contains("freeze `thanksgiving` (Thanksgiving freeze) until 2027-11-27 00:00 EST"),
        "{}",
        r.stdout
    );
    assert_eq!(gate("2027-11-27T05:00:00Z").code, 0);
    let bad = Test::new()
        .config("timezone: UTC\nfreezes:\n  - { reason: x, rrule: \"FREQ=FORTNIGHTLY\" }\n")
        .args(["gate"])
        .output();
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("freezes[0]") && bad.stderr.contains("is not a recurrence rule"),
        "{}",
        bad.stderr
    );
}

#[test]
fn a_calendar_file_and_a_calendar_url_with_its_etag() {
    let t = Test::new()
        .file("holidays.ics", HOLIDAYS)
        .config("timezone: Europe/London\nfreezes:\n  - { ics: holidays.ics }\n");
    let r = t.args(["gate", "--at", "2027-12-25T12:00:00Z"]).output();
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r.stdout.contains("freeze (Christmas)"), "{}", r.stdout);

    let server = Server::start(move |req: &Request| {
        if req.header("if-none-match") == Some("\"v1\"") {
            Reply::status(304).header("ETag", "\"v1\"")
        } else {
            Reply::text(200, HOLIDAYS)
                .header("Content-Type", "text/calendar")
                .header("ETag", "\"v1\"")
        }
    });
    let yaml = format!(
        "timezone: Europe/London\nfreezes:\n  - {{ ics: \"{}\", reason: Company holiday }}\n",
        server.url("/holidays.ics")
    );
    let t = Test::new()
        .config(&yaml)
        .args(["gate", "--at", "2027-12-24T09:00:00Z"]);
    let first = t.output();
    assert_eq!(first.code, 1, "{}", first.stdout);
    assert!(
        first.stdout.contains("freeze (Company holiday)"),
        "{}",
        first.stdout
    );
    // Again in the same workspace: the cached copy, after a 304.
    let second = t.output();
    assert_eq!(second.code, 1, "{}", second.stdout);
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "one fetch a run");
    assert_eq!(requests[1].header("if-none-match"), Some("\"v1\""));
    assert!(t.exists(".greenlight/cache"));
}

#[test]
fn an_unreachable_calendar_follows_on_error() {
    let down = crate::support::server::refused_url();
    let yaml = format!("timezone: UTC\nfreezes:\n  - {{ ics: \"{down}cal.ics\" }}\n");
    let r = Test::new()
        .config(&yaml)
        .args(["gate", "--deadline", "5s"])
        .output();
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert!(
        r.stdout.contains("calendar http://127.0.0.1:"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("unavailable"), "{}", r.stdout);
    let r = Test::new()
        .config(&format!("{yaml}locks: {{ on_error: open }}\n"))
        .args(["gate", "--deadline", "5s"])
        .output();
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(
        r.stdout.contains("ignored because on_error: open"),
        "{}",
        r.stdout
    );
}

#[test]
fn the_calendar_command_lists_open_and_closed_periods() {
    let yaml = "timezone: America/New_York\nwindows: [\"Mon-Fri 09:00-17:00\"]\nfreezes:\n  - { name: thanksgiving, reason: Thanksgiving, rrule: \"FREQ=YEARLY;BYMONTH=11;BYDAY=4TH\", duration: 2d }\n";
    let run = |extra: &[&str]| {
        Test::new()
            .config(yaml)
            .args(["calendar", "--at", "2026-11-25T12:00:00Z", "--next", "3d"])
            .args(extra.iter().copied())
            .output()
    };
    let text = run(&[]);
    assert_eq!(text.code, 0);
    for line in [
        "• Deploys from 2026-11-25 07:00 EST to 2026-11-28 07:00 EST (America/New_York)",
        "✔ open    2026-11-25 09:00 EST → 2026-11-25 17:00 EST (2026-11-25 14:00 → 2026-11-25 22:00 UTC): inside Mon-Fri 09:00-17:00 (America/New_York)",
        "✖ closed  2026-11-26 00:00 EST → 2026-11-28 00:00 EST (2026-11-26 05:00 → 2026-11-28 05:00 UTC): freeze `thanksgiving` (Thanksgiving)",
    ] {
        assert!(text.stdout.contains(line), "{line}\n{}", text.stdout);
    }
    let json = run(&["--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let periods = doc["periods"].as_array().unwrap();
    assert_eq!(periods.first().unwrap()["open"], false);
    assert!(periods.iter().any(|p| p["rule"]["kind"] == "freeze"));
    let ics = run(&["--format", "ics"]);
    assert!(
        ics.stdout.starts_with("BEGIN:VCALENDAR\r\n"),
        "{}",
        ics.stdout
    );
    assert!(ics.stdout.contains("DTSTART:20261126T050000Z\r\nDTEND:20261128T050000Z\r\nSUMMARY:Deploys closed: freeze `thanksgiving` (Thanksgiving)"), "{}", ics.stdout);
    assert_eq!(
        ics.stdout.matches("BEGIN:VEVENT").count(),
        periods.iter().filter(|p| p["open"] == false).count()
    );
    // What greenlight writes, it reads.
    let f = Test::new()
        .file("closed.ics", &ics.stdout)
        .config("timezone: UTC\nfreezes:\n  - { ics: closed.ics }\n")
        .args(["gate", "--at", "2026-11-27T00:00:00Z"])
        .output();
    assert_eq!(f.code, 1, "{}", f.stdout);
}

#[test]
fn a_private_calendar_url_is_never_shown() {
    let server = Server::fixed(Reply::text(
        403,
        "forbidden: /private-abcdef0123456789/basic.ics",
    ));
    let url = server.url("/private-abcdef0123456789/basic.ics");
    let yaml = format!("timezone: UTC\nfreezes:\n  - {{ ics: \"{url}\" }}\n");
    let r = Test::new()
        .config(&yaml)
        .args(["gate", "--format", "json"])
        .output();
    assert_eq!(r.code, 3, "{}", r.stdout);
    for out in [&r.stdout, &r.stderr] {
        assert!(!out.contains("abcdef0123456789"), "{out}");
    }
    assert!(
        r.stdout.contains("calendar http://127.0.0.1:"),
        "{}",
        r.stdout
    );
}
