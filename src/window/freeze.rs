//! Freezes: periods when deploys are not allowed, whatever the windows say.
//!
//! A freeze is a span of real instants `[from, to)`, resolved once from what
//! was written, in the freeze's time zone:
//!
//! | written | `from` means | `to` means |
//! |---|---|---|
//! | `2026-12-24` | start of that local day | end of that local day (inclusive) |
//! | `2026-12-24T18:00`, `2026-12-24 18:00` (`:SS` optional) | that local time | that local time (exclusive) |
//! | `2026-12-24T18:00:00+11:00`, `…Z` (RFC 3339; seconds optional) | that instant | that instant (exclusive) |
//!
//! Local times resolve like window boundaries (`local.rs`): in a
//! spring-forward gap to the end of the gap, in a repeated hour to the first
//! occurrence. Unlike windows, a freeze is a span of instants, so it is not
//! re-entered when a fall-back hour repeats.
//!
//! Yearly freezes (`yearly("12-24", "01-02")`) run every year from the start
//! of `from` to the end of `to` (both inclusive, local days) and wrap the new
//! year when `to` comes before `from`. `02-29` names the last day of February:
//! Feb 29 in leap years, Feb 28 otherwise (so `to: 02-29` always means "to the
//! end of February").
//!
//! Limits: bounds are checked when the freeze is built; a one-off `to` must be
//! after `from`. The zone only affects how local bounds resolve and how the
//! freeze's end reads in reports.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

use super::{WindowError, local};

/// A period when deploys are not allowed, whatever the windows say.
#[derive(Debug, Clone, PartialEq)]
pub struct Freeze {
    pub name: Option<String>,
    pub reason: String,
    pub tz: Tz,
    period: Period,
}

#[derive(Debug, Clone, PartialEq)]
enum Period {
    OneOff {
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
    Yearly {
        from: MonthDay,
        to: MonthDay,
    },
    /// Occurrences of an RFC 5545 recurrence rule (starts in the freeze's
    /// zone), each lasting `length` on the local wall clock.
    Recurring(Box<Recurrence>),
}

/// A recurring freeze's rule, and its occurrences around the run's
/// instant, expanded once (every question about the freeze then reads a
/// sorted list: a search of 400 days asks hundreds).
#[derive(Debug, Clone, PartialEq)]
struct Recurrence {
    /// `[start, end)` of each occurrence that ends after `from` and starts
    /// before `to`, in order.
    spans: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

/// How long an occurrence lasts: whole local days (so a day of 23 or 25
/// hours at a DST change is still a day), or a fixed time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Length {
    Days(u32),
    Fixed(chrono::Duration),
}

/// Occurrences are expanded this far around the run's instant: enough for
/// the 400-day search ahead and `calendar --next 366d`.
const AROUND_DAYS: i64 = 800;

/// The most occurrences of one rule expanded (hourly over 1,600 days is
/// 38,400).
const MAX_OCCURRENCES: u16 = 40_000;

/// The longest an occurrence may last.
const MAX_LENGTH_DAYS: i64 = 3650;

/// A day of the year as `MM-DD`; `day` is valid for `month` in a leap year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct MonthDay {
    month: u32,
    day: u32,
}

/// One way a bound can be written.
enum Bound {
    Date(NaiveDate),
    Local(NaiveDateTime),
    Instant(DateTime<Utc>),
}

impl Freeze {
    /// A one-off freeze. `from`/`to` are dates (`2026-12-24`, whole days,
    /// `to` inclusive) or local date-times (`2026-12-24T18:00`, `to`
    /// exclusive) or RFC 3339 instants (`2026-12-24T18:00:00+11:00`).
    pub fn one_off(from: &str, to: &str, tz: Tz, reason: String) -> Result<Self, WindowError> {
        let start = resolve_bound("from", from, tz, false)?;
        let end = resolve_bound("to", to, tz, true)?;
        if end <= start {
            return Err(WindowError::Freeze(format!(
                "`to` {} is not after `from` {} (a date `to` includes its whole day, a \
                 date-time `to` is the first instant after the freeze)",
                to.trim(),
                from.trim()
            )));
        }
        Ok(Freeze {
            name: None,
            reason,
            tz,
            period: Period::OneOff {
                from: start,
                to: end,
            },
        })
    }

    /// A freeze every year from `from` to `to` (`MM-DD`, inclusive; may wrap
    /// the new year, e.g. `12-24` to `01-02`).
    pub fn yearly(from: &str, to: &str, tz: Tz, reason: String) -> Result<Self, WindowError> {
        let from = parse_month_day("from", from)?;
        let to = parse_month_day("to", to)?;
        Ok(Freeze {
            name: None,
            reason,
            tz,
            period: Period::Yearly { from, to },
        })
    }

    /// A freeze at each occurrence of `rule` (RFC 5545 `RRULE`, e.g.
    /// `FREQ=YEARLY;BYMONTH=11;BYDAY=4TH`), starting from `start` (a date
    /// or local date-time in `tz`: the first occurrence's start and the
    /// local time of every start), each lasting `length`. `exdates` are
    /// starts left out (local date-times).
    pub fn recurring(
        rule: &str,
        start: &str,
        length: Length,
        exdates: &[NaiveDateTime],
        tz: Tz,
        reason: String,
        around: DateTime<Utc>,
    ) -> Result<Self, WindowError> {
        let bad = |m: String| WindowError::Freeze(m);
        let longest = match length {
            Length::Days(d) => i64::from(d),
            Length::Fixed(d) => d.num_days(),
        };
        if longest > MAX_LENGTH_DAYS {
            return Err(bad(format!(
                "an occurrence lasts at most {MAX_LENGTH_DAYS} days"
            )));
        }
        let start_local = match parse_bound(start) {
            Some(Bound::Date(d)) => d
                .and_hms_opt(0, 0, 0)
                .ok_or_else(|| bad(format!("`{start}` is not a start")))?,
            Some(Bound::Local(l)) => l,
            Some(Bound::Instant(_)) | None => {
                return Err(bad(format!(
                    "`start` `{start}` is not a date or a local date-time (e.g. 2026-11-26 or 2026-11-26T00:00): the rule's times are wall-clock times in the freeze's zone"
                )));
            }
        };
        let rtz = rrule::Tz::Tz(tz);
        let dt_start = local::resolve(tz, start_local)
            .map(|u| u.with_timezone(&rtz))
            .ok_or_else(|| bad(format!("`{start}` does not exist in {tz}")))?;
        let text = rule.trim().trim_start_matches("RRULE:").to_string();
        let upper = text.to_ascii_uppercase();
        if upper.contains("FREQ=SECONDLY") || upper.contains("FREQ=MINUTELY") {
            return Err(bad(format!(
                "`{text}`: a freeze recurs at most hourly (FREQ=HOURLY, DAILY, WEEKLY, MONTHLY or YEARLY)"
            )));
        }
        let parsed: rrule::RRule<rrule::Unvalidated> = until_as_instant(&text)
            .parse()
            .map_err(|e| bad(format!("`{text}` is not a recurrence rule: {e}")))?;
        let mut set = parsed
            .build(dt_start)
            .map_err(|e| bad(format!("`{text}`: {e}")))?;
        for x in exdates {
            if let Some(u) = local::resolve(tz, *x) {
                set = set.exdate(u.with_timezone(&rtz));
            }
        }
        if match length {
            Length::Days(d) => d == 0,
            Length::Fixed(d) => d <= chrono::Duration::zero(),
        } {
            return Err(bad("a recurring freeze lasts more than 0".into()));
        }
        let span = chrono::Duration::days(AROUND_DAYS);
        let (from, to) = (
            around
                .checked_sub_signed(span)
                .unwrap_or(DateTime::<Utc>::MIN_UTC),
            around
                .checked_add_signed(span)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        );
        let reach = chrono::Duration::hours(25 * longest.max(1));
        let starts = set
            .after(
                from.checked_sub_signed(reach)
                    .unwrap_or(from)
                    .with_timezone(&rtz),
            )
            .before(to.with_timezone(&rtz))
            .all(MAX_OCCURRENCES);
        if starts.limited {
            return Err(bad(format!(
                "`{text}` recurs more than {MAX_OCCURRENCES} times within {AROUND_DAYS} days of now: too often for a freeze"
            )));
        }
        let spans = starts
            .dates
            .into_iter()
            .filter_map(|s| {
                let start = s.with_timezone(&Utc);
                let end = match length {
                    Length::Fixed(d) => start.checked_add_signed(d)?,
                    Length::Days(n) => {
                        let later = s
                            .naive_local()
                            .checked_add_days(chrono::Days::new(u64::from(n)))?;
                        local::resolve(tz, later)?
                    }
                };
                Some((start, end))
            })
            .filter(|(start, end)| *end > from && *start < to)
            .collect();
        Ok(Freeze {
            name: None,
            reason,
            tz,
            period: Period::Recurring(Box::new(Recurrence { spans })),
        })
    }

    pub fn named(mut self, name: Option<String>) -> Self {
        self.name = name;
        self
    }

    /// When the freeze is active at `at`: the end of the period `at` is in.
    pub(crate) fn active_until(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match &self.period {
            Period::OneOff { from, to } => (*from <= at && at < *to).then_some(*to),
            Period::Recurring(r) => r
                .spans
                .iter()
                .filter(|(from, to)| *from <= at && at < *to)
                .map(|(_, to)| *to)
                .max(),
            Period::Yearly { .. } => {
                let year = local::wall_clock(self.tz, at)?.year();
                (year - 1..=year + 1)
                    .filter_map(|y| self.yearly_span(y))
                    .filter(|(from, to)| *from <= at && at < *to)
                    .map(|(_, to)| to)
                    .max()
            }
        }
    }

    /// The instants in `[lo, hi)` where the freeze starts or ends.
    pub(crate) fn boundaries(
        &self,
        lo: DateTime<Utc>,
        hi: DateTime<Utc>,
        out: &mut Vec<DateTime<Utc>>,
    ) {
        let inside = |t: &DateTime<Utc>| lo <= *t && *t < hi;
        match &self.period {
            Period::OneOff { from, to } => out.extend([*from, *to].into_iter().filter(inside)),
            Period::Recurring(r) => {
                for &(from, to) in &r.spans {
                    out.extend([from, to].into_iter().filter(inside));
                }
            }
            Period::Yearly { .. } => {
                let (Some(lo_local), Some(hi_local)) = (
                    local::wall_clock(self.tz, lo),
                    local::wall_clock(self.tz, hi),
                ) else {
                    return;
                };
                let (first, last) = (lo_local.year() - 1, hi_local.year() + 1);
                for year in first..=last {
                    if let Some((from, to)) = self.yearly_span(year) {
                        out.extend([from, to].into_iter().filter(inside));
                    }
                }
            }
        }
    }

    /// The span of a yearly freeze that starts in `year`.
    fn yearly_span(&self, year: i32) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let Period::Yearly { from, to } = &self.period else {
            return None;
        };
        let to_year = if to < from {
            year.checked_add(1)?
        } else {
            year
        };
        let start = from.in_year(year)?.and_hms_opt(0, 0, 0)?;
        let end = to.in_year(to_year)?.succ_opt()?.and_hms_opt(0, 0, 0)?;
        Some((
            local::resolve(self.tz, start)?,
            local::resolve(self.tz, end)?,
        ))
    }
}

#[cfg(test)]
impl Freeze {
    /// The starts of a recurring freeze's occurrences in `[from, to]`
    /// (empty for other freezes).
    pub(crate) fn starts(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        match &self.period {
            Period::Recurring(r) => r
                .spans
                .iter()
                .map(|s| s.0)
                .filter(|s| *s >= from && *s <= to)
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// A date-only `UNTIL` (what calendar apps write for all-day events) as
/// the end of that day in UTC, which the rule's zoned start requires.
fn until_as_instant(rule: &str) -> String {
    rule.split(';')
        .map(|part| match part.split_once('=') {
            Some((k, v))
                if k.eq_ignore_ascii_case("UNTIL")
                    && v.len() == 8
                    && v.bytes().all(|b| b.is_ascii_digit()) =>
            {
                format!("{k}={v}T235959Z")
            }
            _ => part.to_string(),
        })
        .collect::<Vec<_>>()
        .join(";")
}

impl MonthDay {
    /// This day in `year`; `02-29` is Feb 28 in a common year.
    fn in_year(self, year: i32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(year, self.month, self.day)
            .or_else(|| NaiveDate::from_ymd_opt(year, self.month, self.day.checked_sub(1)?))
    }
}

fn parse_month_day(which: &str, text: &str) -> Result<MonthDay, WindowError> {
    let text = text.trim();
    let bad = |why: String| WindowError::Freeze(format!("yearly `{which}` `{text}`: {why}"));
    let two_digits = |s: &str| s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    let (month, day) = match text.split_once('-') {
        Some((m, d)) if two_digits(m) && two_digits(d) => (m, d),
        _ => return Err(bad("expected MM-DD, as in 12-24".into())),
    };
    let month: u32 = month
        .parse()
        .map_err(|_| bad("expected MM-DD, as in 12-24".into()))?;
    let day: u32 = day
        .parse()
        .map_err(|_| bad("expected MM-DD, as in 12-24".into()))?;
    if !(1..=12).contains(&month) {
        return Err(bad(format!("month {month:02} is out of range (01-12)")));
    }
    // 2000 is a leap year, so this admits 02-29.
    let last = (28..=31)
        .rev()
        .find(|&d| NaiveDate::from_ymd_opt(2000, month, d).is_some())
        .unwrap_or(28);
    if !(1..=last).contains(&day) {
        return Err(bad(format!(
            "day {day:02} is out of range for month {month:02} (01-{last})"
        )));
    }
    Ok(MonthDay { month, day })
}

fn parse_bound(text: &str) -> Option<Bound> {
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Some(Bound::Date(date));
    }
    for format in [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(local) = NaiveDateTime::parse_from_str(text, format) {
            return Some(Bound::Local(local));
        }
    }
    if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
        return Some(Bound::Instant(instant.to_utc()));
    }
    // RFC 3339 without seconds, which people write as often as with them.
    let zoned = match text.strip_suffix(['Z', 'z']) {
        Some(head) => format!("{head}+00:00"),
        None => text.to_string(),
    };
    for format in ["%Y-%m-%dT%H:%M%:z", "%Y-%m-%d %H:%M%:z"] {
        if let Ok(instant) = DateTime::parse_from_str(&zoned, format) {
            return Some(Bound::Instant(instant.to_utc()));
        }
    }
    None
}

/// A bound as an instant; a date `to` (`inclusive_end`) is the end of its day.
fn resolve_bound(
    which: &str,
    text: &str,
    tz: Tz,
    inclusive_end: bool,
) -> Result<DateTime<Utc>, WindowError> {
    let text = text.trim();
    let unreadable = || {
        WindowError::Freeze(format!(
            "`{which}` `{text}` is not a date (2026-12-24), a local date-time \
             (2026-12-24T18:00) or an RFC 3339 instant (2026-12-24T18:00:00+11:00)"
        ))
    };
    let out_of_range = || WindowError::Freeze(format!("`{which}` `{text}` is out of range"));
    let local = match parse_bound(text).ok_or_else(unreadable)? {
        Bound::Instant(instant) => return Ok(instant),
        Bound::Local(local) => local,
        Bound::Date(date) => {
            let day = if inclusive_end {
                date.succ_opt()
            } else {
                Some(date)
            };
            day.and_then(|d| d.and_hms_opt(0, 0, 0))
                .ok_or_else(out_of_range)?
        }
    };
    local::resolve(tz, local).ok_or_else(out_of_range)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{America, Europe};

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn one_off(from: &str, to: &str, tz: Tz) -> Freeze {
        Freeze::one_off(from, to, tz, "holidays".into()).unwrap()
    }

    fn error(result: Result<Freeze, WindowError>) -> String {
        result.unwrap_err().to_string()
    }

    #[test]
    fn dates_are_whole_local_days_with_to_inclusive() {
        let f = one_off("2026-12-24", "2026-12-26", Europe::London);
        assert_eq!(f.active_until(utc("2026-12-23T23:59:59Z")), None);
        assert_eq!(
            f.active_until(utc("2026-12-24T00:00:00Z")),
            Some(utc("2026-12-27T00:00:00Z"))
        );
        assert_eq!(
            f.active_until(utc("2026-12-26T23:59:59Z")),
            Some(utc("2026-12-27T00:00:00Z"))
        );
        assert_eq!(f.active_until(utc("2026-12-27T00:00:00Z")), None);
        let one_day = one_off("2026-12-25", "2026-12-25", Europe::London);
        assert!(one_day.active_until(utc("2026-12-25T12:00:00Z")).is_some());
    }

    #[test]
    fn local_date_times_have_to_exclusive() {
        for (from, to) in [
            ("2026-12-24T18:00", "2026-12-24T20:00"),
            ("2026-12-24 18:00", "2026-12-24 20:00"),
            ("2026-12-24T18:00:00", "2026-12-24 20:00:00"),
        ] {
            let f = one_off(from, to, America::New_York);
            assert_eq!(f.active_until(utc("2026-12-24T22:59:59Z")), None, "{from}");
            assert_eq!(
                f.active_until(utc("2026-12-24T23:00:00Z")),
                Some(utc("2026-12-25T01:00:00Z"))
            );
            assert_eq!(f.active_until(utc("2026-12-25T01:00:00Z")), None, "{to}");
        }
    }

    #[test]
    fn rfc3339_bounds_are_exact_instants_whatever_the_zone() {
        for (from, to) in [
            ("2026-12-24T18:00:00+11:00", "2026-12-27T09:00:00Z"),
            ("2026-12-24T18:00+11:00", "2026-12-27T09:00Z"),
            ("2026-12-24 07:00:00z", "2026-12-27 10:00:00+01:00"),
        ] {
            let f = one_off(from, to, Europe::London);
            assert_eq!(f.active_until(utc("2026-12-24T06:59:59Z")), None, "{from}");
            assert_eq!(
                f.active_until(utc("2026-12-24T07:00:00Z")),
                Some(utc("2026-12-27T09:00:00Z"))
            );
        }
    }

    #[test]
    fn a_date_and_a_date_time_mix() {
        let f = one_off("2026-12-24T18:00", "2026-12-24", Europe::London);
        assert_eq!(
            f.active_until(utc("2026-12-24T18:00:00Z")),
            Some(utc("2026-12-25T00:00:00Z"))
        );
    }

    #[test]
    fn a_day_whose_midnight_is_skipped_starts_when_the_clock_resumes() {
        // Chile springs forward at 24:00 on Saturday 2026-09-05: Sunday starts at 01:00.
        let f = one_off("2026-09-06", "2026-09-06", America::Santiago);
        assert_eq!(f.active_until(utc("2026-09-06T03:59:59Z")), None);
        assert_eq!(
            f.active_until(utc("2026-09-06T04:00:00Z")),
            Some(utc("2026-09-07T03:00:00Z"))
        );
    }

    #[test]
    fn a_bound_in_the_repeated_hour_takes_its_first_occurrence_and_does_not_repeat() {
        // London falls back at 02:00 BST on 2026-10-25: 01:00-02:00 happens twice.
        let f = one_off("2026-10-25T01:15", "2026-10-25T01:45", Europe::London);
        assert_eq!(
            f.active_until(utc("2026-10-25T00:15:00Z")),
            Some(utc("2026-10-25T00:45:00Z"))
        );
        assert_eq!(f.active_until(utc("2026-10-25T01:15:00Z")), None);
    }

    #[test]
    fn bad_one_off_bounds_say_what_is_expected() {
        assert_eq!(
            error(Freeze::one_off(
                "2026-12-26",
                "2026-12-24",
                Tz::UTC,
                String::new()
            )),
            "invalid freeze: `to` 2026-12-24 is not after `from` 2026-12-26 (a date `to` \
             includes its whole day, a date-time `to` is the first instant after the freeze)"
        );
        assert!(
            error(Freeze::one_off(
                "2026-12-24T18:00",
                "2026-12-24T18:00",
                Tz::UTC,
                String::new()
            ))
            .contains("is not after `from`")
        );
        assert_eq!(
            error(Freeze::one_off(
                "24/12/2026",
                "2026-12-26",
                Tz::UTC,
                String::new()
            )),
            "invalid freeze: `from` `24/12/2026` is not a date (2026-12-24), a local date-time \
             (2026-12-24T18:00) or an RFC 3339 instant (2026-12-24T18:00:00+11:00)"
        );
        assert!(
            error(Freeze::one_off(
                "2026-12-24",
                "2026-02-30",
                Tz::UTC,
                String::new()
            ))
            .starts_with("invalid freeze: `to` `2026-02-30` is not a date")
        );
        assert!(error(Freeze::one_off("", "", Tz::UTC, String::new())).contains("`from` ``"));
    }

    #[test]
    fn a_yearly_freeze_wraps_the_new_year() {
        let f = Freeze::yearly("12-24", "01-02", Europe::London, "holidays".into()).unwrap();
        let end_2026 = Some(utc("2027-01-03T00:00:00Z"));
        assert_eq!(f.active_until(utc("2026-12-23T23:59:59Z")), None);
        assert_eq!(f.active_until(utc("2026-12-24T00:00:00Z")), end_2026);
        assert_eq!(f.active_until(utc("2027-01-02T23:59:59Z")), end_2026);
        assert_eq!(f.active_until(utc("2027-01-03T00:00:00Z")), None);
        assert_eq!(
            f.active_until(utc("2026-01-01T12:00:00Z")),
            Some(utc("2026-01-03T00:00:00Z"))
        );
        assert_eq!(f.active_until(utc("2026-07-01T12:00:00Z")), None);
    }

    #[test]
    fn a_yearly_freeze_within_a_year() {
        let f = Freeze::yearly("08-01", "08-15", Tz::UTC, "summer".into()).unwrap();
        assert_eq!(
            f.active_until(utc("2031-08-15T23:00:00Z")),
            Some(utc("2031-08-16T00:00:00Z"))
        );
        assert_eq!(f.active_until(utc("2031-07-31T23:59:59Z")), None);
        let one_day = Freeze::yearly("05-01", "05-01", Tz::UTC, "may day".into()).unwrap();
        assert!(one_day.active_until(utc("2030-05-01T08:00:00Z")).is_some());
        assert!(one_day.active_until(utc("2030-05-02T08:00:00Z")).is_none());
    }

    #[test]
    fn february_29_is_the_last_day_of_february() {
        let f = Freeze::yearly("02-29", "02-29", Tz::UTC, "leap".into()).unwrap();
        assert!(
            f.active_until(utc("2027-02-28T12:00:00Z")).is_some(),
            "common year: Feb 28"
        );
        assert!(f.active_until(utc("2027-03-01T00:00:00Z")).is_none());
        assert!(
            f.active_until(utc("2028-02-28T12:00:00Z")).is_none(),
            "leap year: Feb 29 only"
        );
        assert_eq!(
            f.active_until(utc("2028-02-29T12:00:00Z")),
            Some(utc("2028-03-01T00:00:00Z"))
        );
        let to_end = Freeze::yearly("02-20", "02-29", Tz::UTC, "to the end".into()).unwrap();
        assert_eq!(
            to_end.active_until(utc("2027-02-28T12:00:00Z")),
            Some(utc("2027-03-01T00:00:00Z"))
        );
    }

    #[test]
    fn bad_yearly_bounds_say_what_is_expected() {
        let yearly = |from: &str, to: &str| error(Freeze::yearly(from, to, Tz::UTC, String::new()));
        assert_eq!(
            yearly("13-01", "01-02"),
            "invalid freeze: yearly `from` `13-01`: month 13 is out of range (01-12)"
        );
        assert_eq!(
            yearly("12-24", "04-31"),
            "invalid freeze: yearly `to` `04-31`: day 31 is out of range for month 04 (01-30)"
        );
        assert_eq!(
            yearly("02-30", "03-01"),
            "invalid freeze: yearly `from` `02-30`: day 30 is out of range for month 02 (01-29)"
        );
        assert_eq!(
            yearly("12/24", "01-02"),
            "invalid freeze: yearly `from` `12/24`: expected MM-DD, as in 12-24"
        );
        assert_eq!(
            yearly("12-24", "1-2"),
            "invalid freeze: yearly `to` `1-2`: expected MM-DD, as in 12-24"
        );
        assert_eq!(
            yearly("00-10", "01-02"),
            "invalid freeze: yearly `from` `00-10`: month 00 is out of range (01-12)"
        );
        assert_eq!(
            yearly("2026-12-24", "01-02"),
            "invalid freeze: yearly `from` `2026-12-24`: expected MM-DD, as in 12-24"
        );
    }

    #[test]
    fn boundaries_of_a_yearly_freeze_in_a_range() {
        let f = Freeze::yearly("12-24", "01-02", Tz::UTC, String::new()).unwrap();
        let mut out = Vec::new();
        f.boundaries(
            utc("2026-01-01T00:00:00Z"),
            utc("2027-01-01T00:00:00Z"),
            &mut out,
        );
        out.sort();
        assert_eq!(
            out,
            vec![utc("2026-01-03T00:00:00Z"), utc("2026-12-24T00:00:00Z")]
        );
    }
}

#[cfg(test)]
mod recurring_tests {
    use super::*;

    /// Every occurrence start of every reference case agrees with
    /// python-dateutil's rrule in real time zones (ranges crossing DST
    /// changes both ways), and each freeze is active from its start and
    /// not the second before (when no other occurrence covers it).
    #[test]
    fn occurrences_match_dateutil() {
        let text = include_str!("../../tests/data/window/rrule_reference.json");
        let doc: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut checked = 0;
        for case in doc["cases"].as_array().unwrap() {
            let s = |k: &str| case[k].as_str().unwrap().to_string();
            let tz: Tz = s("tz").parse().unwrap();
            // A freeze expands ±800 days around the run's instant: slide
            // it over ranges longer than that.
            let (from, to) = (utc(&s("from")), utc(&s("to")));
            let mut got: Vec<String> = Vec::new();
            let mut around = from + chrono::Duration::days(AROUND_DAYS - 10);
            loop {
                let f = Freeze::recurring(
                    &s("rule"),
                    &s("start"),
                    Length::Fixed(chrono::Duration::minutes(1)),
                    &[],
                    tz,
                    "x".into(),
                    around,
                )
                .unwrap_or_else(|e| panic!("{}: {e}", s("rule")));
                got.extend(
                    f.starts(from, to)
                        .iter()
                        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string()),
                );
                if around + chrono::Duration::days(AROUND_DAYS) >= to {
                    break;
                }
                around += chrono::Duration::days(AROUND_DAYS);
            }
            got.sort();
            got.dedup();
            let f = Freeze::recurring(
                &s("rule"),
                &s("start"),
                Length::Fixed(chrono::Duration::minutes(1)),
                &[],
                tz,
                "x".into(),
                from,
            )
            .unwrap_or_else(|e| panic!("{}: {e}", s("rule")));
            let want: Vec<String> = case["starts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect();
            assert_eq!(
                got,
                want,
                "{} from {} in {}",
                s("rule"),
                s("start"),
                s("tz")
            );
            for w in want
                .iter()
                .filter(|w| utc(w) < from + chrono::Duration::days(AROUND_DAYS))
            {
                let at = utc(w);
                assert!(f.active_until(at).is_some(), "{w}");
                assert!(
                    f.active_until(at - chrono::Duration::seconds(1)).is_none(),
                    "{w}"
                );
                checked += 1;
            }
        }
        println!("rrule: {checked} occurrences agree with dateutil");
        assert!(checked > 100);
    }

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn thanksgiving_is_the_fourth_thursday_of_november_in_new_york() {
        let tz: Tz = "America/New_York".parse().unwrap();
        let f = Freeze::recurring(
            "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH",
            "2020-01-01",
            Length::Days(1),
            &[],
            tz,
            "Thanksgiving".into(),
            utc("2026-06-01T00:00:00Z"),
        )
        .unwrap();
        // 2026-11-26 is the fourth Thursday; EST is UTC-5.
        assert_eq!(
            f.active_until(utc("2026-11-26T05:00:00Z")),
            Some(utc("2026-11-27T05:00:00Z"))
        );
        assert_eq!(f.active_until(utc("2026-11-26T04:59:59Z")), None);
        assert_eq!(f.active_until(utc("2026-11-27T05:00:00Z")), None);
        let mut b = Vec::new();
        f.boundaries(
            utc("2027-01-01T00:00:00Z"),
            utc("2028-01-01T00:00:00Z"),
            &mut b,
        );
        assert_eq!(
            b,
            vec![utc("2027-11-25T05:00:00Z"), utc("2027-11-26T05:00:00Z")]
        );
    }

    #[test]
    fn a_day_long_occurrence_over_a_dst_change_is_a_local_day() {
        // Every Sunday in London; 2026-03-29 is the spring-forward Sunday
        // (23 hours), 2026-10-25 the fall-back one (25 hours).
        let tz: Tz = "Europe/London".parse().unwrap();
        let f = Freeze::recurring(
            "FREQ=WEEKLY;BYDAY=SU",
            "2026-01-04",
            Length::Days(1),
            &[],
            tz,
            "Sundays".into(),
            utc("2026-06-01T00:00:00Z"),
        )
        .unwrap();
        assert_eq!(
            f.active_until(utc("2026-03-29T12:00:00Z")),
            Some(utc("2026-03-29T23:00:00Z"))
        );
        assert_eq!(
            f.active_until(utc("2026-10-25T12:00:00Z")),
            Some(utc("2026-10-26T00:00:00Z"))
        );
        assert_eq!(
            f.active_until(utc("2026-10-24T23:30:00Z")),
            Some(utc("2026-10-26T00:00:00Z"))
        );
    }

    #[test]
    fn last_friday_of_each_month_with_an_exception_and_bad_rules() {
        let tz: Tz = "UTC".parse().unwrap();
        let ex = NaiveDate::from_ymd_opt(2026, 3, 27)
            .unwrap()
            .and_hms_opt(18, 0, 0)
            .unwrap();
        let f = Freeze::recurring(
            "RRULE:FREQ=MONTHLY;BYDAY=-1FR",
            "2026-01-01T18:00",
            Length::Fixed(chrono::Duration::hours(62)),
            &[ex],
            tz,
            "weekend after the last Friday".into(),
            utc("2026-06-01T00:00:00Z"),
        )
        .unwrap();
        assert_eq!(
            f.active_until(utc("2026-02-28T12:00:00Z")),
            Some(utc("2026-03-02T08:00:00Z"))
        );
        assert_eq!(
            f.active_until(utc("2026-03-28T12:00:00Z")),
            None,
            "excepted"
        );
        // A date-only UNTIL (what calendar apps write) is the end of that day.
        let until = Freeze::recurring(
            "FREQ=DAILY;UNTIL=20260103",
            "2026-01-01",
            Length::Days(1),
            &[],
            tz,
            "x".into(),
            utc("2026-01-01T00:00:00Z"),
        )
        .unwrap();
        assert!(until.active_until(utc("2026-01-03T12:00:00Z")).is_some());
        assert!(until.active_until(utc("2026-01-04T12:00:00Z")).is_none());
        assert!(
            Freeze::recurring(
                "FREQ=YEARLY",
                "2026-01-01",
                Length::Days(4000),
                &[],
                tz,
                "x".into(),
                Utc::now()
            )
            .is_err()
        );
        for (rule, start) in [
            ("FREQ=SOMETIMES", "2026-01-01"),
            ("FREQ=DAILY", "next tuesday"),
            ("FREQ=DAILY", "2026-01-01T00:00:00Z"),
            ("FREQ=MINUTELY", "2026-01-01"),
            ("FREQ=SECONDLY;INTERVAL=3600", "2026-01-01"),
        ] {
            assert!(
                Freeze::recurring(
                    rule,
                    start,
                    Length::Days(1),
                    &[],
                    tz,
                    "x".into(),
                    Utc::now()
                )
                .is_err(),
                "{rule} {start}"
            );
        }
    }
}
