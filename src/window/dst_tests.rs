//! Daylight-saving tests (issue 2): around every offset change of 2026 in
//! Europe/London, America/New_York, Australia/Sydney, Asia/Kolkata (none,
//! +05:30) and Pacific/Chatham (+12:45/+13:45), found here by scanning the
//! year rather than with `local.rs`, plus a few pinned named cases.
//!
//! For each change the tests build windows whose boundaries fall in the gap
//! or in the repeated hour and check "open now" on either side and the next
//! transitions. Windows are wall-clock rules, so one that starts inside a
//! repeated hour closes when the clock goes back and opens again at the
//! second occurrence; these tests pin that, too.

use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{America, Asia, Australia, Europe, Pacific, Tz};

use super::{Rule, Schedule, Transition, WeeklyWindow};

const ZONES: [Tz; 5] = [
    Europe::London,
    America::New_York,
    Australia::Sydney,
    Asia::Kolkata,
    Pacific::Chatham,
];

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

fn offset(tz: Tz, t: DateTime<Utc>) -> Duration {
    Duration::seconds(i64::from(
        tz.offset_from_utc_datetime(&t.naive_utc())
            .fix()
            .local_minus_utc(),
    ))
}

/// An offset change: the first instant of the new offset, and the offsets
/// before and after it.
struct Change {
    at: DateTime<Utc>,
    before: Duration,
    after: Duration,
}

/// Every offset change of 2026 in `tz`, scanning every 15 minutes and then
/// minute by minute inside the step that changed.
fn changes_2026(tz: Tz) -> Vec<Change> {
    let mut changes = Vec::new();
    let end = utc("2027-01-01T00:00:00Z");
    let mut t = utc("2026-01-01T00:00:00Z");
    while t < end {
        let next = t + Duration::minutes(15);
        if offset(tz, t) != offset(tz, next) {
            let mut at = t + Duration::minutes(1);
            while offset(tz, at) == offset(tz, t) {
                at += Duration::minutes(1);
            }
            changes.push(Change {
                at,
                before: offset(tz, t),
                after: offset(tz, at),
            });
        }
        t = next;
    }
    changes
}

fn schedule(spec: &str, tz: Tz) -> Schedule {
    Schedule {
        windows: vec![WeeklyWindow::parse(spec, tz).unwrap()],
        freezes: vec![],
    }
}

/// A window spec opening on the day of `start` (local) for `minutes`.
fn spec(start: NaiveDateTime, minutes: i64) -> String {
    let end = start + Duration::minutes(minutes);
    format!(
        "{} {}-{}",
        start.weekday(),
        start.format("%H:%M"),
        end.format("%H:%M")
    )
}

fn next_open(s: &Schedule, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    s.evaluate(at).next_open.map(|t| t.at)
}

fn next_close(s: &Schedule, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    s.evaluate(at).next_close.map(|t| t.at)
}

fn second() -> Duration {
    Duration::seconds(1)
}

#[test]
fn the_zones_change_offset_as_expected_in_2026() {
    let counts: Vec<usize> = ZONES.iter().map(|&tz| changes_2026(tz).len()).collect();
    assert_eq!(counts, [2, 2, 2, 0, 2]);
    for tz in ZONES {
        let found: Vec<_> = changes_2026(tz).iter().map(|c| c.at).collect();
        let from = utc("2026-01-01T00:00:00Z");
        assert_eq!(
            super::local::offset_changes(tz, from, utc("2027-01-01T00:00:00Z")),
            found
        );
    }
}

#[test]
fn a_window_starting_in_the_spring_forward_gap_opens_when_the_gap_ends() {
    for tz in ZONES {
        for change in changes_2026(tz).into_iter().filter(|c| c.after > c.before) {
            let gap_start = change.at.naive_utc() + change.before;
            let gap = change.after - change.before;
            let s = schedule(&spec(gap_start + gap / 2, 180), tz);
            let at = change.at;
            let label = format!("{tz} {at} {:?}", s.windows[0].spec);
            assert_eq!(next_open(&s, at - Duration::hours(2)), Some(at), "{label}");
            assert!(!s.is_open_at(at - second()), "{label}");
            assert!(s.is_open_at(at), "{label}");
            let status = s.evaluate(at - Duration::hours(2));
            assert_eq!(status.next_open, Some(Transition::new(at, tz)), "{label}");
            assert_eq!(
                next_close(&s, at),
                Some(at + Duration::minutes(180) - gap / 2),
                "closes 3 h of wall clock after the missing start: {label}"
            );
        }
    }
}

#[test]
fn a_window_ending_in_the_gap_closes_when_the_gap_ends() {
    for tz in ZONES {
        for change in changes_2026(tz).into_iter().filter(|c| c.after > c.before) {
            let gap_start = change.at.naive_utc() + change.before;
            let s = schedule(&spec(gap_start - Duration::hours(1), 90), tz);
            let label = format!("{tz} {} {}", change.at, s.windows[0].spec);
            assert!(s.is_open_at(change.at - second()), "{label}");
            assert_eq!(
                next_close(&s, change.at - Duration::minutes(30)),
                Some(change.at),
                "{label}"
            );
        }
    }
}

#[test]
fn a_window_wholly_inside_the_gap_does_not_open_that_day() {
    for tz in ZONES {
        for change in changes_2026(tz).into_iter().filter(|c| c.after > c.before) {
            let gap_start = change.at.naive_utc() + change.before;
            let s = schedule(&spec(gap_start + Duration::minutes(10), 10), tz);
            let label = format!("{tz} {} {}", change.at, s.windows[0].spec);
            let opens = next_open(&s, change.at - Duration::hours(2)).unwrap();
            assert!(
                opens > change.at + Duration::days(6),
                "{label}: opens {opens}"
            );
            assert!(!s.is_open_at(change.at), "{label}");
        }
    }
}

#[test]
fn a_window_starting_in_the_repeated_hour_opens_at_its_first_occurrence() {
    for tz in ZONES {
        for change in changes_2026(tz).into_iter().filter(|c| c.after < c.before) {
            let repeat_start = change.at.naive_utc() + change.after;
            let start = repeat_start + (change.before - change.after) / 2;
            let first = (start - change.before).and_utc();
            let second_time = (start - change.after).and_utc();
            let s = schedule(&spec(start, 180), tz);
            let label = format!("{tz} {} {}", change.at, s.windows[0].spec);
            assert_eq!(
                next_open(&s, first - Duration::hours(1)),
                Some(first),
                "{label}"
            );
            assert!(!s.is_open_at(first - second()), "{label}");
            assert!(s.is_open_at(first), "{label}");
            assert!(s.is_open_at(change.at - second()), "{label}");
            // The clock goes back before the start: closed again, by the wall clock.
            assert_eq!(next_close(&s, first), Some(change.at), "{label}");
            assert!(!s.is_open_at(change.at), "{label}");
            assert_eq!(next_open(&s, change.at), Some(second_time), "{label}");
            assert!(s.is_open_at(second_time), "{label}");
            assert!(s.is_open_at(second_time + Duration::hours(1)), "{label}");
        }
    }
}

#[test]
fn a_window_wholly_inside_the_repeated_hour_opens_twice() {
    for tz in ZONES {
        for change in changes_2026(tz).into_iter().filter(|c| c.after < c.before) {
            let start = change.at.naive_utc() + change.after + Duration::minutes(10);
            let s = schedule(&spec(start, 10), tz);
            let label = format!("{tz} {} {}", change.at, s.windows[0].spec);
            let first = (start - change.before).and_utc();
            let second_time = (start - change.after).and_utc();
            let ten = Duration::minutes(10);
            assert_eq!(
                next_open(&s, first - Duration::hours(1)),
                Some(first),
                "{label}"
            );
            assert_eq!(next_close(&s, first), Some(first + ten), "{label}");
            assert_eq!(next_open(&s, first + ten), Some(second_time), "{label}");
            assert_eq!(
                next_close(&s, second_time),
                Some(second_time + ten),
                "{label}"
            );
            let after = next_open(&s, second_time + ten).unwrap();
            assert!(
                after > change.at + Duration::days(6),
                "{label}: then opens {after}"
            );
        }
    }
}

#[test]
fn a_window_ending_in_the_repeated_hour_closes_at_the_first_occurrence_and_reopens() {
    for tz in ZONES {
        for change in changes_2026(tz).into_iter().filter(|c| c.after < c.before) {
            let repeat_start = change.at.naive_utc() + change.after;
            let end = repeat_start + Duration::minutes(30);
            let s = schedule(&spec(end - Duration::hours(2), 120), tz);
            let label = format!("{tz} {} {}", change.at, s.windows[0].spec);
            let first_end = (end - change.before).and_utc();
            let second_end = (end - change.after).and_utc();
            assert_eq!(
                next_close(&s, first_end - Duration::hours(1)),
                Some(first_end),
                "{label}"
            );
            assert_eq!(next_open(&s, first_end), Some(change.at), "{label}");
            assert_eq!(next_close(&s, change.at), Some(second_end), "{label}");
        }
    }
}

#[test]
fn open_now_agrees_with_the_local_clock_around_every_change() {
    let s_for = |tz| Schedule {
        windows: vec![
            WeeklyWindow::parse("daily 00:30-01:30", tz).unwrap(),
            WeeklyWindow::parse("daily 02:15-03:15", tz).unwrap(),
        ],
        freezes: vec![],
    };
    for tz in ZONES {
        let s = s_for(tz);
        for change in changes_2026(tz) {
            for minutes in -240..=240 {
                let t = change.at + Duration::minutes(minutes);
                let local = t.with_timezone(&tz).naive_local();
                let m = local.hour_minute();
                let expected = (30..90).contains(&m) || (135..195).contains(&m);
                assert_eq!(s.is_open_at(t), expected, "{tz} {t} ({local})");
                assert_eq!(s.evaluate(t).open, expected, "{tz} {t}");
            }
        }
    }
}

trait HourMinute {
    fn hour_minute(&self) -> u32;
}

impl HourMinute for NaiveDateTime {
    fn hour_minute(&self) -> u32 {
        use chrono::Timelike;
        self.hour() * 60 + self.minute()
    }
}

/// `evaluate(at)` with a pinned next opening or closing.
fn pinned(spec: &str, tz: Tz, at: &str) -> super::WindowStatus {
    schedule(spec, tz).evaluate(utc(at))
}

fn transition(at: &str, local: &str, timezone: &str) -> Option<Transition> {
    Some(Transition {
        at: utc(at),
        local: local.into(),
        timezone: timezone.into(),
    })
}

#[test]
fn sydney_office_hours_over_the_weekend_dst_ends() {
    let status = pinned(
        "Mon-Fri 09:00-15:30",
        Australia::Sydney,
        "2026-04-03T23:00:00Z",
    );
    assert!(!status.open);
    assert_eq!(status.rule, Rule::OutsideWindows);
    assert_eq!(
        status.next_open,
        transition(
            "2026-04-05T23:00:00Z",
            "2026-04-06 09:00 AEST",
            "Australia/Sydney"
        )
    );
    let friday = pinned(
        "Mon-Fri 09:00-15:30",
        Australia::Sydney,
        "2026-04-03T04:00:00Z",
    );
    assert!(friday.open);
    assert_eq!(
        friday.next_close,
        transition(
            "2026-04-03T04:30:00Z",
            "2026-04-03 15:30 AEDT",
            "Australia/Sydney"
        )
    );
}

#[test]
fn london_gate_at_the_spring_forward_instant() {
    let status = pinned(
        "Mon-Fri 09:00-15:30",
        Europe::London,
        "2026-03-29T01:30:00Z",
    );
    assert!(!status.open);
    assert_eq!(
        status.next_open,
        transition(
            "2026-03-30T08:00:00Z",
            "2026-03-30 09:00 BST",
            "Europe/London"
        )
    );
    let gap = pinned("Sun 01:30-03:00", Europe::London, "2026-03-29T00:00:00Z");
    assert_eq!(
        gap.next_open,
        transition(
            "2026-03-29T01:00:00Z",
            "2026-03-29 02:00 BST",
            "Europe/London"
        )
    );
}

#[test]
fn new_york_sunday_windows_on_both_change_days() {
    let spring = pinned("Sun 02:30-04:00", America::New_York, "2026-03-08T06:00:00Z");
    assert_eq!(
        spring.next_open,
        transition(
            "2026-03-08T07:00:00Z",
            "2026-03-08 03:00 EDT",
            "America/New_York"
        )
    );
    let w = "Sun 01:30-03:00";
    let tz = America::New_York;
    assert_eq!(
        pinned(w, tz, "2026-11-01T05:00:00Z").next_open,
        transition(
            "2026-11-01T05:30:00Z",
            "2026-11-01 01:30 EDT",
            "America/New_York"
        )
    );
    assert_eq!(
        pinned(w, tz, "2026-11-01T05:30:00Z").next_close,
        transition(
            "2026-11-01T06:00:00Z",
            "2026-11-01 01:00 EST",
            "America/New_York"
        )
    );
    assert_eq!(
        pinned(w, tz, "2026-11-01T06:00:00Z").next_open,
        transition(
            "2026-11-01T06:30:00Z",
            "2026-11-01 01:30 EST",
            "America/New_York"
        )
    );
    assert_eq!(
        pinned(w, tz, "2026-11-01T06:30:00Z").next_close,
        transition(
            "2026-11-01T08:00:00Z",
            "2026-11-01 03:00 EST",
            "America/New_York"
        )
    );
}

#[test]
fn chatham_quarter_hour_offsets() {
    let spring = pinned("Sun 03:00-04:00", Pacific::Chatham, "2026-09-26T13:00:00Z");
    assert_eq!(
        spring.next_open,
        transition(
            "2026-09-26T14:00:00Z",
            "2026-09-27 03:45 +1345",
            "Pacific/Chatham"
        )
    );
    let autumn = pinned("Sun 03:00-04:00", Pacific::Chatham, "2026-04-04T12:00:00Z");
    assert_eq!(
        autumn.next_open,
        transition(
            "2026-04-04T13:15:00Z",
            "2026-04-05 03:00 +1345",
            "Pacific/Chatham"
        )
    );
}

#[test]
fn kolkata_has_no_changes_and_a_half_hour_offset() {
    let status = pinned("Mon-Fri 09:00-15:30", Asia::Kolkata, "2026-03-29T01:30:00Z");
    assert!(!status.open);
    assert_eq!(
        status.next_open,
        transition(
            "2026-03-30T03:30:00Z",
            "2026-03-30 09:00 IST",
            "Asia/Kolkata"
        )
    );
    let open = pinned("Mon-Fri 09:00-15:30", Asia::Kolkata, "2026-03-30T03:30:00Z");
    assert_eq!(
        open.next_close,
        transition(
            "2026-03-30T10:00:00Z",
            "2026-03-30 15:30 IST",
            "Asia/Kolkata"
        )
    );
}
