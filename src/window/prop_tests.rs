//! Property tests for the window logic (issue 2, "Engineering"):
//!
//! 1. for random windows, zones and freezes, at every minute of a random week
//!    (often one holding an offset change), the decision equals a brute-force
//!    reference that reads each window's local clock directly and finds each
//!    freeze's bounds by scanning minutes;
//! 2. `next_open` (when given) is open, the instant just before it is closed
//!    and so is every minute from the instant evaluated up to it; likewise for
//!    `next_close`;
//! 3. the parsers never panic, whatever the input.
//!
//! Case counts are tuned to keep the module's tests within a few seconds in a
//! debug build.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, SubsecRound, Timelike, Utc};
use chrono_tz::{America, Asia, Australia, Europe, Pacific, Tz};
use proptest::prelude::*;

use super::{Freeze, Schedule, WeeklyWindow, local, parse_timezone};

const ZONES: [Tz; 10] = [
    Europe::London,
    America::New_York,
    Australia::Sydney,
    Asia::Kolkata,
    Pacific::Chatham,
    Australia::Lord_Howe, // a 30-minute DST shift
    America::Santiago,    // changes at midnight
    America::Havana,      // changes at midnight
    Asia::Tehran,
    Tz::UTC,
];

const DAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// A window as generated: the reference reads these numbers, the code under
/// test reads the spec written from them.
#[derive(Debug, Clone)]
struct RawWindow {
    days: u8,
    start: u32,
    end: u32,
    tz: Tz,
}

impl RawWindow {
    fn spec(&self) -> String {
        let days: Vec<&str> = DAY_NAMES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.days & (1 << i) != 0)
            .map(|(_, name)| *name)
            .collect();
        let clock = |m: u32| format!("{:02}:{:02}", m / 60, m % 60);
        format!(
            "{} {}-{}",
            days.join(","),
            clock(self.start),
            clock(self.end)
        )
    }

    fn reference_open(&self, t: DateTime<Utc>) -> bool {
        let local = t.with_timezone(&self.tz).naive_local();
        let day = local.weekday().num_days_from_monday();
        let on = |d: u32| self.days & (1 << d) != 0;
        let minute = local.hour() * 60 + local.minute();
        if self.start < self.end {
            on(day) && self.start <= minute && minute < self.end
        } else {
            (on(day) && minute >= self.start) || (on((day + 6) % 7) && minute < self.end)
        }
    }
}

/// A freeze as generated, relative to the week under test.
#[derive(Debug, Clone)]
enum RawFreeze {
    /// Local date-times, minutes after the week's start (local) and a length.
    Local { tz: Tz, from: i64, minutes: i64 },
    /// Whole local days: days after the week's start and a count.
    Dates { tz: Tz, from: i64, days: i64 },
    /// RFC 3339 instants: minutes after the week's start and a length.
    Instants { from: i64, minutes: i64 },
    /// Every year, `MM-DD` to `MM-DD` (days up to 28).
    Yearly {
        tz: Tz,
        from: (u32, u32),
        to: (u32, u32),
    },
}

/// The first minute whose wall clock in `tz` reaches `local`, by scanning.
fn reference_resolve(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut t = (local - Duration::hours(15)).and_utc();
    while t.with_timezone(&tz).naive_local() < local {
        t += Duration::minutes(1);
    }
    t
}

fn midnight(date: NaiveDate) -> NaiveDateTime {
    date.and_hms_opt(0, 0, 0).unwrap()
}

/// A freeze built for the code under test, and its reference spans.
struct Built {
    freeze: Option<Freeze>,
    spans: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

fn build(raw: &RawFreeze, week: DateTime<Utc>) -> Built {
    let reason = || "frozen".to_string();
    match *raw {
        RawFreeze::Local { tz, from, minutes } => {
            let from =
                week.with_timezone(&tz).naive_local().trunc_subsecs(0) + Duration::minutes(from);
            let to = from + Duration::minutes(minutes);
            let text = |t: NaiveDateTime| t.format("%Y-%m-%dT%H:%M").to_string();
            let span = (reference_resolve(tz, from), reference_resolve(tz, to));
            Built {
                freeze: Freeze::one_off(&text(from), &text(to), tz, reason()).ok(),
                spans: vec![span],
            }
        }
        RawFreeze::Dates { tz, from, days } => {
            let from = week.with_timezone(&tz).date_naive() + Duration::days(from);
            let to = from + Duration::days(days);
            let text = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
            let span = (
                reference_resolve(tz, midnight(from)),
                reference_resolve(tz, midnight(to + Duration::days(1))),
            );
            Built {
                freeze: Freeze::one_off(&text(from), &text(to), tz, reason()).ok(),
                spans: vec![span],
            }
        }
        RawFreeze::Instants { from, minutes } => {
            let from = week + Duration::minutes(from);
            let to = from + Duration::minutes(minutes);
            Built {
                freeze: Freeze::one_off(&from.to_rfc3339(), &to.to_rfc3339(), Tz::UTC, reason())
                    .ok(),
                spans: vec![(from, to)],
            }
        }
        RawFreeze::Yearly { tz, from, to } => {
            let text = |(m, d): (u32, u32)| format!("{m:02}-{d:02}");
            let freeze = Freeze::yearly(&text(from), &text(to), tz, reason()).ok();
            // Every year the tested instants (the week and 8 days after) touch.
            let year = week.with_timezone(&tz).year();
            let spans = (year - 1..=year + 1)
                .map(|y| {
                    let to_year = if to < from { y + 1 } else { y };
                    let start = NaiveDate::from_ymd_opt(y, from.0, from.1).unwrap();
                    let end = NaiveDate::from_ymd_opt(to_year, to.0, to.1).unwrap();
                    (
                        reference_resolve(tz, midnight(start)),
                        reference_resolve(tz, midnight(end + Duration::days(1))),
                    )
                })
                .collect();
            Built { freeze, spans }
        }
    }
}

/// The schedule under test and the brute-force reference for it.
struct Case {
    schedule: Schedule,
    windows: Vec<RawWindow>,
    freezes: Vec<Built>,
    week: DateTime<Utc>,
}

impl std::fmt::Debug for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let labels: Vec<String> = self.schedule.windows.iter().map(|w| w.label()).collect();
        f.debug_struct("Case")
            .field("week", &self.week)
            .field("windows", &labels)
            .field("freezes", &self.schedule.freezes)
            .finish()
    }
}

impl Case {
    fn new(windows: Vec<RawWindow>, freezes: &[RawFreeze], week: DateTime<Utc>) -> Case {
        let built: Vec<Built> = freezes.iter().map(|f| build(f, week)).collect();
        let schedule = Schedule {
            windows: windows
                .iter()
                .map(|w| WeeklyWindow::parse(&w.spec(), w.tz).unwrap())
                .collect(),
            freezes: built.iter().filter_map(|b| b.freeze.clone()).collect(),
        };
        Case {
            schedule,
            windows,
            freezes: built,
            week,
        }
    }

    fn reference_open(&self, t: DateTime<Utc>) -> bool {
        let frozen = self
            .freezes
            .iter()
            .any(|b| b.freeze.is_some() && b.spans.iter().any(|&(from, to)| from <= t && t < to));
        !frozen && (self.windows.is_empty() || self.windows.iter().any(|w| w.reference_open(t)))
    }
}

fn minute_of_day() -> impl Strategy<Value = u32> {
    prop_oneof![
        (0u32..24, prop::sample::select(vec![0u32, 15, 30, 45])).prop_map(|(h, m)| h * 60 + m),
        0u32..1440,
        // Where the clocks change in most zones.
        (0u32..4, prop::sample::select(vec![0u32, 15, 30, 45])).prop_map(|(h, m)| h * 60 + m),
    ]
}

fn zone() -> impl Strategy<Value = Tz> {
    prop::sample::select(ZONES.to_vec())
}

fn raw_window() -> impl Strategy<Value = RawWindow> {
    (
        1u8..128,
        minute_of_day(),
        minute_of_day(),
        any::<bool>(),
        zone(),
    )
        .prop_map(|(days, start, end, until_midnight, tz)| {
            let end = if until_midnight || end == start {
                1440
            } else {
                end
            };
            let start = if start == 0 && end == 1440 && !until_midnight {
                60
            } else {
                start
            };
            RawWindow {
                days,
                start,
                end,
                tz,
            }
        })
}

fn raw_freeze() -> impl Strategy<Value = RawFreeze> {
    let month_day = (1u32..=12, 1u32..=28);
    prop_oneof![
        (zone(), 0i64..10_080, 1i64..4_000).prop_map(|(tz, from, minutes)| RawFreeze::Local {
            tz,
            from,
            minutes
        }),
        (zone(), 0i64..7, 0i64..3).prop_map(|(tz, from, days)| RawFreeze::Dates { tz, from, days }),
        (0i64..10_080, 1i64..4_000)
            .prop_map(|(from, minutes)| RawFreeze::Instants { from, minutes }),
        (zone(), month_day.clone(), month_day).prop_map(|(tz, from, to)| RawFreeze::Yearly {
            tz,
            from,
            to
        }),
    ]
}

/// The start of the week under test: either a random minute of 2026 or up
/// to a week before an offset change of the first window's zone.
fn week_start(windows: &[RawWindow], near_change: bool, day: u32, minutes: i64) -> DateTime<Utc> {
    let year = DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z")
        .unwrap()
        .to_utc();
    let changes = windows
        .first()
        .map(|w| local::offset_changes(w.tz, year, year + Duration::days(365)))
        .unwrap_or_default();
    match changes.get(day as usize % changes.len().max(1)) {
        Some(&change) if near_change => change - Duration::minutes(minutes),
        _ => year + Duration::days(i64::from(day % 365)) + Duration::minutes(minutes),
    }
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(raw_window(), 0..4),
        prop::collection::vec(raw_freeze(), 0..3),
        any::<bool>(),
        0u32..365,
        0i64..10_080,
    )
        .prop_map(|(windows, freezes, near_change, day, minutes)| {
            let week = week_start(&windows, near_change, day, minutes);
            Case::new(windows, &freezes, week)
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_decision_matches_the_local_clock_at_every_minute_of_a_week(case in case()) {
        for minute in 0..7 * 24 * 60 {
            let t = case.week + Duration::minutes(minute);
            let expected = case.reference_open(t);
            prop_assert_eq!(case.schedule.is_open_at(t), expected, "at {}", t);
            if minute % 97 == 0 {
                prop_assert_eq!(case.schedule.evaluate(t).open, expected, "evaluate at {}", t);
            }
        }
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn next_open_and_next_close_are_the_first_changes(
        case in case(),
        offsets in prop::collection::vec((0i64..10_080, 0i64..60), 12),
    ) {
        let s = &case.schedule;
        // Random instants of the week, and some just before and after each
        // offset change of the windows' zones in it.
        let week_end = case.week + Duration::days(7);
        let near_changes = case.windows.iter().flat_map(|w| {
            local::offset_changes(w.tz, case.week, week_end).into_iter().flat_map(|c| {
                [-150, -90, -45, -20, 1, 30].map(|m| c + Duration::minutes(m))
            })
        });
        let random = offsets
            .into_iter()
            .map(|(m, sec)| case.week + Duration::minutes(m) + Duration::seconds(sec));
        for at in random.chain(near_changes) {
            let status = s.evaluate(at);
            prop_assert_eq!(status.open, s.is_open_at(at));
            let next = if status.open { &status.next_close } else { &status.next_open };
            let other = if status.open { &status.next_open } else { &status.next_close };
            prop_assert!(other.is_none(), "only the change away from the current decision");
            // Up to the change (at most 9 days of it; 3 when there is no
            // change), the decision stays as it is at `at`, minute by minute.
            let until = next
                .as_ref()
                .map_or(at + Duration::days(3), |n| n.at.min(at + Duration::days(9)));
            let mut t = at + Duration::minutes(1);
            while t < until {
                prop_assert_eq!(s.is_open_at(t), status.open, "at {} before {:?}", t, next);
                t += Duration::minutes(1);
            }
            if let Some(next) = next {
                prop_assert!(next.at > at);
                prop_assert_eq!(s.is_open_at(next.at), !status.open, "at the change {:?}", next);
                let before = next.at - Duration::nanoseconds(1);
                prop_assert_eq!(s.is_open_at(before), status.open, "just before {:?}", next);
                let tz = parse_timezone(&next.timezone).unwrap();
                prop_assert_eq!(&next.local, &local::describe(tz, next.at));
            }
        }
    }
}

fn tz_from(n: usize) -> Tz {
    ZONES.get(n % ZONES.len()).copied().unwrap_or(Tz::UTC)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn parsers_never_panic(text in ".{0,40}", other in ".{0,40}", n in 0usize..10) {
        let _ = WeeklyWindow::parse(&text, tz_from(n));
        let _ = Freeze::one_off(&text, &other, tz_from(n), String::new());
        let _ = Freeze::yearly(&text, &other, tz_from(n), String::new());
        let _ = parse_timezone(&text);
    }

    #[test]
    fn parsers_never_panic_on_near_misses(
        days in "[A-Za-z]{0,9}([-,][A-Za-z]{0,9}){0,3}",
        times in "[0-9]{0,3}:?[0-9]{0,3}( ?- ?[0-9]{0,3}:?[0-9]{0,3})?",
        date in "[+-]?[0-9]{0,6}-[0-9]{0,3}-[0-9]{0,3}([T ][0-9]{0,2}:[0-9]{0,2}(:[0-9]{0,2})?)?(Z|[+-][0-9]{2}:?[0-9]{0,2})?",
        month_day in "[0-9]{0,3}-[0-9]{0,3}",
        n in 0usize..10,
    ) {
        let tz = tz_from(n);
        if let Ok(w) = WeeklyWindow::parse(&format!("{days} {times}"), tz) {
            // A canonical spec parses back to itself.
            prop_assert_eq!(WeeklyWindow::parse(&w.spec, tz).map(|p| p.spec), Ok(w.spec.clone()));
            let _ = Schedule { windows: vec![w], freezes: vec![] }.evaluate(Utc::now());
        }
        if let Ok(f) = Freeze::one_off(&date, &date, tz, String::new()) {
            let _ = Schedule { windows: vec![], freezes: vec![f] }.evaluate(Utc::now());
        }
        let _ = Freeze::one_off(&date, "2026-12-24", tz, String::new());
        let _ = Freeze::yearly(&month_day, &month_day, tz, String::new());
    }
}
