//! The weekly window syntax: days, then a 24-hour time range.
//!
//! ```text
//! Mon-Fri 09:00-15:30      weekdays, half past three closes
//! Fri 22:00-02:00          crosses midnight: opens Fri 22:00, closes Sat 02:00
//! Sat,Sun 00:00-24:00      the whole weekend
//! daily 06:00-07:00
//! ```
//!
//! The day list names the day a window **opens**. An end earlier than the
//! start crosses midnight; `24:00` is allowed only as an end; start == end is
//! an error (write `00:00-24:00` for a whole day). Hours may be written with
//! one digit (`9:00`), minutes always with two. Spaces around `-` and `,` are
//! fine. The canonical form (see [`WindowSpec`]'s `Display`) is what reports
//! show: `monday-friday 9:00 - 15:30` displays as `Mon-Fri 09:00-15:30`.
//!
//! Limits: minute precision; no seconds, no `am`/`pm`, no time zone in the
//! spec (each window's zone is configured beside it).

use std::fmt;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike};

use super::days::Days;

const MINUTES_PER_DAY: u32 = 24 * 60;

/// A parsed window: days plus `[start, end)` in minutes after local midnight.
/// `end` lies in `1..=1440` unless the window crosses midnight, in which case
/// `end < start` and `end` is on the next day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WindowSpec {
    pub(crate) days: Days,
    pub(crate) start: u32,
    pub(crate) end: u32,
}

impl WindowSpec {
    /// Parses `days HH:MM-HH:MM`; the error is the `why` of
    /// [`super::WindowError::Window`].
    pub(crate) fn parse(spec: &str) -> Result<WindowSpec, String> {
        let spec = spec.trim();
        if spec.is_empty() {
            return Err(
                "the window is empty: expected days and a time range, as in Mon-Fri 09:00-15:30"
                    .into(),
            );
        }
        // The days end where the first digit starts; `find` gives a char
        // boundary (or the length), so `split_at` cannot panic.
        let split = spec
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(spec.len());
        let (days, times) = spec.split_at(split);
        if !days.is_empty() && !times.is_empty() && !days.ends_with(char::is_whitespace) {
            return Err(format!(
                "put a space between the days `{}` and the time range",
                days.trim()
            ));
        }
        let days = Days::parse(days)?;
        let (start, end) = parse_range(times.trim())?;
        if start == end {
            return Err(format!(
                "start and end are both {}: a window needs a length (00:00-24:00 is a whole day)",
                clock(start)
            ));
        }
        // 24:00 → next midnight, already `end < start` when written as 00:00.
        Ok(WindowSpec { days, start, end })
    }

    fn crosses_midnight(&self) -> bool {
        self.end < self.start
    }

    /// Whether the local wall-clock time `local` is inside the window.
    pub(crate) fn contains(&self, local: NaiveDateTime) -> bool {
        let day = local.weekday();
        let secs = local.num_seconds_from_midnight();
        let (start, end) = (self.start * 60, self.end * 60);
        if self.crosses_midnight() {
            (self.days.contains(day) && secs >= start)
                || (self.days.contains(day.pred()) && secs < end)
        } else {
            self.days.contains(day) && start <= secs && secs < end
        }
    }

    /// The local opening and closing times of the window that opens on
    /// `date`, if it opens that day.
    pub(crate) fn occurrence(&self, date: NaiveDate) -> Option<(NaiveDateTime, NaiveDateTime)> {
        if !self.days.contains(date.weekday()) {
            return None;
        }
        let midnight = date.and_hms_opt(0, 0, 0)?;
        let end_minutes = if self.crosses_midnight() {
            self.end + MINUTES_PER_DAY
        } else {
            self.end
        };
        let open = midnight.checked_add_signed(Duration::minutes(i64::from(self.start)))?;
        let close = midnight.checked_add_signed(Duration::minutes(i64::from(end_minutes)))?;
        Some((open, close))
    }
}

/// `HH:MM-HH:MM`, as minutes after midnight.
fn parse_range(times: &str) -> Result<(u32, u32), String> {
    if times.is_empty() {
        return Err(
            "missing time range: expected days then HH:MM-HH:MM, as in Mon-Fri 09:00-15:30".into(),
        );
    }
    let mut parts = times.split('-');
    let (start, end) = match (parts.next(), parts.next(), parts.next()) {
        (Some(start), Some(end), None) => (start.trim(), end.trim()),
        (Some(start), None, _) => {
            return Err(format!(
                "missing end time after `{}`: expected a range such as 09:00-17:00",
                start.trim()
            ));
        }
        _ => {
            return Err(format!(
                "`{times}` is not one time range: expected HH:MM-HH:MM, as in 09:00-17:00"
            ));
        }
    };
    if start.is_empty() {
        return Err(format!(
            "missing start time before `-{end}`: expected HH:MM-HH:MM"
        ));
    }
    if end.is_empty() {
        return Err(format!(
            "missing end time after `{start}-`: expected HH:MM-HH:MM"
        ));
    }
    let mut words = end.split_whitespace();
    let end = words.next().unwrap_or(end);
    let rest: Vec<&str> = words.collect();
    if !rest.is_empty() {
        return Err(format!(
            "unexpected `{}` after the time range (the time zone is set separately)",
            rest.join(" ")
        ));
    }
    Ok((parse_time(start, false)?, parse_time(end, true)?))
}

/// `HH:MM` (or `H:MM`) as minutes after midnight; `24:00` only as an end.
fn parse_time(text: &str, is_end: bool) -> Result<u32, String> {
    let shape = || format!("time `{text}` must be HH:MM, 24-hour, as in 09:00 or 17:30");
    let (hours, minutes) = text.split_once(':').ok_or_else(shape)?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(hours) || hours.len() > 2 || !digits(minutes) || minutes.len() != 2 {
        return Err(shape());
    }
    let hour: u32 = hours.parse().map_err(|_| shape())?;
    let minute: u32 = minutes.parse().map_err(|_| shape())?;
    if hour > 24 {
        return Err(format!("hour {hour} is out of range (00-24)"));
    }
    if minute > 59 {
        return Err(format!("minute {minute} is out of range (00-59)"));
    }
    if hour == 24 && minute != 0 {
        return Err(format!(
            "24:{minute:02} is past the end of the day (24:00 is the latest end)"
        ));
    }
    if hour == 24 && !is_end {
        return Err(
            "24:00 can only end a window (a window opening at midnight starts at 00:00)".into(),
        );
    }
    Ok(hour * 60 + minute)
}

/// Minutes after midnight as `HH:MM` (`1440` as `24:00`).
fn clock(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

impl fmt::Display for WindowSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}-{}", self.days, clock(self.start), clock(self.end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(spec: &str) -> String {
        WindowSpec::parse(spec).unwrap().to_string()
    }

    fn why(spec: &str) -> String {
        WindowSpec::parse(spec).unwrap_err()
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn valid_windows_display_canonically() {
        assert_eq!(canonical("Mon-Fri 09:00-15:30"), "Mon-Fri 09:00-15:30");
        assert_eq!(
            canonical("  monday-friday 9:00 - 15:30 "),
            "Mon-Fri 09:00-15:30"
        );
        assert_eq!(canonical("Fri 22:00-02:00"), "Fri 22:00-02:00");
        assert_eq!(canonical("sat,sun 00:00-24:00"), "Sat,Sun 00:00-24:00");
        assert_eq!(canonical("Daily 06:00-07:00"), "daily 06:00-07:00");
        assert_eq!(
            canonical("Mon-Wed,Fri 10:00-11:00"),
            "Mon-Wed,Fri 10:00-11:00"
        );
        assert_eq!(canonical("Fri 22:00-00:00"), "Fri 22:00-00:00");
    }

    #[test]
    fn malformed_windows_say_exactly_what_is_wrong() {
        assert_eq!(
            why("Mon-Fri 25:00-09:00"),
            "hour 25 is out of range (00-24)"
        );
        assert_eq!(
            why("Mon-Fri 09:60-10:00"),
            "minute 60 is out of range (00-59)"
        );
        assert_eq!(
            why("Mon-Fri 09:00"),
            "missing end time after `09:00`: expected a range such as 09:00-17:00"
        );
        assert_eq!(
            why("Funday 09:00-10:00"),
            "unknown day `Funday` (expected Mon, Tue, Wed, Thu, Fri, Sat, Sun, a full name such \
             as Monday, or daily)"
        );
        assert_eq!(
            why("Mon-Fri 9-17"),
            "time `9` must be HH:MM, 24-hour, as in 09:00 or 17:30"
        );
        assert_eq!(
            why("Mon 09:00-09:00"),
            "start and end are both 09:00: a window needs a length (00:00-24:00 is a whole day)"
        );
        assert_eq!(
            why("Mon 24:00-02:00"),
            "24:00 can only end a window (a window opening at midnight starts at 00:00)"
        );
        assert_eq!(
            why("Mon 22:00-24:30"),
            "24:30 is past the end of the day (24:00 is the latest end)"
        );
        assert_eq!(
            why("09:00-17:00"),
            "missing days: start with days such as Mon-Fri, Sat,Sun or daily"
        );
        assert_eq!(
            why("Mon-Fri"),
            "missing time range: expected days then HH:MM-HH:MM, as in Mon-Fri 09:00-15:30"
        );
        assert_eq!(
            why("Mon-Fri 09:00-17:00 UTC"),
            "unexpected `UTC` after the time range (the time zone is set separately)"
        );
        assert_eq!(
            why("Mon-Fri09:00-17:00"),
            "put a space between the days `Mon-Fri` and the time range"
        );
        assert_eq!(
            why("Mon 09:00-10:00-11:00"),
            "`09:00-10:00-11:00` is not one time range: expected HH:MM-HH:MM, as in 09:00-17:00"
        );
        assert_eq!(
            why("Mon 09:00-"),
            "missing end time after `09:00-`: expected HH:MM-HH:MM"
        );
        assert_eq!(
            why("Mon 0900-1000"),
            "time `0900` must be HH:MM, 24-hour, as in 09:00 or 17:30"
        );
        assert_eq!(
            why("Mon 009:00-10:00"),
            "time `009:00` must be HH:MM, 24-hour, as in 09:00 or 17:30"
        );
        assert_eq!(
            why("Mon 09:0-10:00"),
            "time `09:0` must be HH:MM, 24-hour, as in 09:00 or 17:30"
        );
        assert!(why("").starts_with("the window is empty"));
        assert!(why("   ").starts_with("the window is empty"));
    }

    #[test]
    fn a_day_window_is_half_open() {
        let w = WindowSpec::parse("Mon-Fri 09:00-15:30").unwrap();
        // 2026-03-30 is a Monday.
        assert!(!w.contains(at("2026-03-30 08:59")));
        assert!(w.contains(at("2026-03-30 09:00")));
        assert!(w.contains(at("2026-03-30 15:29")));
        assert!(!w.contains(at("2026-03-30 15:30")));
        assert!(!w.contains(at("2026-03-28 10:00")), "Saturday");
    }

    #[test]
    fn an_overnight_window_belongs_to_the_day_it_opens() {
        let w = WindowSpec::parse("Fri 22:00-02:00").unwrap();
        // 2026-04-03 is a Friday.
        assert!(!w.contains(at("2026-04-03 21:59")));
        assert!(w.contains(at("2026-04-03 22:00")));
        assert!(w.contains(at("2026-04-04 01:59")));
        assert!(!w.contains(at("2026-04-04 02:00")));
        assert!(
            !w.contains(at("2026-04-03 01:00")),
            "Friday early morning is Thursday's"
        );
        assert!(!w.contains(at("2026-04-04 22:30")), "Saturday night");
        let sunday = WindowSpec::parse("Sun 22:00-02:00").unwrap();
        assert!(
            sunday.contains(at("2026-04-06 01:00")),
            "Monday early morning is Sunday's"
        );
    }

    #[test]
    fn a_whole_day_and_an_end_at_midnight() {
        let w = WindowSpec::parse("Sat 00:00-24:00").unwrap();
        assert!(w.contains(at("2026-04-04 00:00")));
        assert!(w.contains(at("2026-04-04 23:59")));
        assert!(!w.contains(at("2026-04-05 00:00")));
        let late = WindowSpec::parse("Fri 22:00-00:00").unwrap();
        assert!(late.contains(at("2026-04-03 23:59")));
        assert!(!late.contains(at("2026-04-04 00:00")));
    }

    #[test]
    fn occurrences_give_local_open_and_close() {
        let w = WindowSpec::parse("Fri 22:00-02:00").unwrap();
        let friday = NaiveDate::from_ymd_opt(2026, 4, 3).unwrap();
        assert_eq!(
            w.occurrence(friday),
            Some((at("2026-04-03 22:00"), at("2026-04-04 02:00")))
        );
        assert_eq!(w.occurrence(friday.succ_opt().unwrap()), None);
        let whole = WindowSpec::parse("Fri 00:00-24:00").unwrap();
        assert_eq!(
            whole.occurrence(friday),
            Some((at("2026-04-03 00:00"), at("2026-04-04 00:00")))
        );
    }
}
