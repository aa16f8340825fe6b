//! Freezes from an iCalendar file (RFC 5545): every `VEVENT` is a freeze
//! from its `DTSTART` to its `DTEND` (or `DTSTART` + `DURATION`, or one day
//! for an all-day event without an end), repeating by its `RRULE` with its
//! `EXDATE`s left out. The reason is the freeze's `reason:`, else the
//! event's `SUMMARY`.
//!
//! Read: lines unfolded (a line starting with a space or tab continues the
//! one before); `DTSTART`/`DTEND`/`EXDATE` as a date (`VALUE=DATE`,
//! `20261224`), a local date-time in `TZID=` or the freeze's zone
//! (`20261224T180000`), or UTC (`20261224T180000Z`); text escapes (`\,`,
//! `\;`, `\n`) in `SUMMARY`. Everything else (alarms, attendees, other
//! components) is skipped. An event greenlight cannot read is an error that
//! names its line.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

use super::freeze::{Freeze, Length};

/// The most events read from one calendar.
const MAX_EVENTS: usize = 5000;

/// A `DTSTART`-like value.
#[derive(Debug, Clone, Copy, PartialEq)]
enum When {
    Date(NaiveDate),
    Local(NaiveDateTime, Tz),
    Utc(DateTime<Utc>),
}

impl When {
    /// This instant (or date) as a wall-clock time in `tz`: a date is its
    /// midnight, a local time in another zone is converted.
    fn local(self, tz: Tz) -> Option<NaiveDateTime> {
        match self {
            When::Date(d) => d.and_hms_opt(0, 0, 0),
            When::Local(l, own) if own == tz => Some(l),
            When::Local(l, own) => Some(
                super::local::resolve(own, l)?
                    .with_timezone(&tz)
                    .naive_local(),
            ),
            When::Utc(u) => Some(u.with_timezone(&tz).naive_local()),
        }
    }
    /// The zone an event starting at this instant recurs in: its own, UTC
    /// for a UTC start, else the default.
    fn zone(self, default: Tz) -> Tz {
        match self {
            When::Local(_, tz) => tz,
            When::Utc(_) => chrono_tz::UTC,
            When::Date(_) => default,
        }
    }
}

/// One `NAME;PARAM=V:value` line.
struct Line<'a> {
    number: usize,
    name: String,
    params: Vec<(String, String)>,
    value: &'a str,
}

fn unfold(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match (
            raw.strip_prefix(' ').or_else(|| raw.strip_prefix('\t')),
            out.last_mut(),
        ) {
            (Some(rest), Some((_, last))) => last.push_str(rest),
            _ => out.push((i + 1, raw.to_string())),
        }
    }
    out
}

fn split(number: usize, line: &str) -> Option<Line<'_>> {
    // The value starts after the first `:` outside a quoted parameter.
    let mut quoted = false;
    let colon = line.char_indices().find(|&(_, c)| {
        if c == '"' {
            quoted = !quoted;
        }
        c == ':' && !quoted
    })?;
    let (head, value) = (&line[..colon.0], &line[colon.0 + 1..]);
    let mut parts = head.split(';');
    let name = parts.next()?.trim().to_ascii_uppercase();
    let params = parts
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| {
            (
                k.trim().to_ascii_uppercase(),
                v.trim().trim_matches('"').to_string(),
            )
        })
        .collect();
    Some(Line {
        number,
        name,
        params,
        value,
    })
}

fn when(line: &Line<'_>, value: &str, default: Tz) -> Result<When, String> {
    let value = value.trim();
    let param = |k: &str| {
        line.params
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    };
    let bad = || {
        format!(
            "line {}: `{value}` is not an iCalendar date or date-time",
            line.number
        )
    };
    if param("VALUE") == Some("DATE") || value.len() == 8 {
        return NaiveDate::parse_from_str(value, "%Y%m%d")
            .map(When::Date)
            .map_err(|_| bad());
    }
    if let Some(utc) = value.strip_suffix('Z') {
        return NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S")
            .map(|n| When::Utc(n.and_utc()))
            .map_err(|_| bad());
    }
    let local = NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S").map_err(|_| bad())?;
    let tz = match param("TZID") {
        Some(id) => crate::window::parse_timezone(id)
            .map_err(|_| format!("line {}: unknown time zone `{id}`", line.number))?,
        None => default,
    };
    Ok(When::Local(local, tz))
}

/// `P1D`, `PT2H30M`, `P1W`: whole days as days, anything else as a time;
/// at most ten years.
fn duration(number: usize, text: &str) -> Result<Length, String> {
    let bad =
        || format!("line {number}: `{text}` is not an iCalendar duration of at most 3650 days");
    let body = text.trim().strip_prefix('P').ok_or_else(bad)?;
    let (date, time) = body.split_once('T').unwrap_or((body, ""));
    let mut days = 0i64;
    let mut seconds = 0i64;
    let mut number_text = String::new();
    for c in date.chars() {
        match c {
            '0'..='9' => number_text.push(c),
            'W' | 'D' => {
                let n: i64 = number_text.parse().map_err(|_| bad())?;
                let n = if c == 'W' { n.checked_mul(7) } else { Some(n) };
                days = n.and_then(|n| days.checked_add(n)).ok_or_else(bad)?;
                number_text.clear();
            }
            _ => return Err(bad()),
        }
    }
    for c in time.chars() {
        match c {
            '0'..='9' => number_text.push(c),
            'H' | 'M' | 'S' => {
                let n: i64 = number_text.parse().map_err(|_| bad())?;
                let unit = match c {
                    'H' => 3600,
                    'M' => 60,
                    _ => 1,
                };
                seconds = n
                    .checked_mul(unit)
                    .and_then(|n| seconds.checked_add(n))
                    .ok_or_else(bad)?;
                number_text.clear();
            }
            _ => return Err(bad()),
        }
    }
    let total = days
        .checked_mul(86_400)
        .and_then(|d| d.checked_add(seconds))
        .filter(|t| *t > 0 && *t <= 3650 * 86_400)
        .ok_or_else(bad)?;
    match seconds {
        0 => Ok(Length::Days(u32::try_from(days).map_err(|_| bad())?)),
        _ => Ok(Length::Fixed(chrono::Duration::seconds(total))),
    }
}

fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push(' '),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[derive(Default)]
struct Event {
    start: Option<(usize, When)>,
    end: Option<When>,
    duration: Option<Length>,
    rrule: Option<String>,
    /// Read in their own zones; turned into the start's zone at the end.
    exdates: Vec<When>,
    summary: Option<String>,
}

/// Every event of `text` as a freeze in `tz` (for times without a zone),
/// its occurrences expanded around `around` (the run's instant); `reason`
/// replaces the events' summaries when given.
pub fn freezes(
    text: &str,
    tz: Tz,
    reason: Option<&str>,
    around: DateTime<Utc>,
) -> Result<Vec<Freeze>, String> {
    let mut out = Vec::new();
    let mut event: Option<Event> = None;
    // Components inside an event (alarms) have properties of their own.
    let mut nested = 0usize;
    for (number, raw) in unfold(text) {
        let Some(line) = split(number, &raw) else {
            continue;
        };
        match (line.name.as_str(), line.value.trim()) {
            ("BEGIN", "VEVENT") => {
                event = Some(Event::default());
                nested = 0;
            }
            ("BEGIN", _) if event.is_some() => nested += 1,
            ("END", "VEVENT") => {
                if let Some(e) = event.take() {
                    out.push(freeze(e, tz, reason, number, around)?);
                    if out.len() > MAX_EVENTS {
                        return Err(format!("more than {MAX_EVENTS} events"));
                    }
                }
            }
            ("END", _) if event.is_some() && nested > 0 => nested -= 1,
            (name, value) => {
                let Some(e) = event.as_mut().filter(|_| nested == 0) else {
                    continue;
                };
                match name {
                    "DTSTART" => e.start = Some((number, when(&line, value, tz)?)),
                    "DTEND" => e.end = Some(when(&line, value, tz)?),
                    "DURATION" => e.duration = Some(duration(number, value)?),
                    "RRULE" => e.rrule = Some(value.to_string()),
                    "EXDATE" => {
                        for v in value.split(',') {
                            e.exdates.push(when(&line, v, tz)?);
                        }
                    }
                    "SUMMARY" => e.summary = Some(unescape(value)),
                    _ => {}
                }
            }
        }
    }
    Ok(out)
}

fn freeze(
    e: Event,
    default: Tz,
    reason: Option<&str>,
    number: usize,
    around: DateTime<Utc>,
) -> Result<Freeze, String> {
    let (line, start) = e
        .start
        .ok_or_else(|| format!("line {number}: an event without DTSTART"))?;
    let tz = start.zone(default);
    let no_time = || format!("line {line}: a time that does not exist in {tz}");
    let start_local = start.local(tz).ok_or_else(no_time)?;
    // An end written without a zone is in the start's.
    let end = e.end.map(|end| match end {
        When::Local(l, z) if z == default => When::Local(l, tz),
        other => other,
    });
    let reason = reason
        .map(str::to_string)
        .or(e.summary)
        .unwrap_or_else(|| "calendar freeze".into());
    let length = match (e.duration, end, start) {
        (Some(d), _, _) => d,
        (None, Some(When::Date(end)), When::Date(s)) => {
            let days = (end - s).num_days();
            Length::Days(
                u32::try_from(days)
                    .ok()
                    .filter(|d| *d > 0)
                    .ok_or_else(|| format!("line {line}: the event ends before it starts"))?,
            )
        }
        (None, Some(end), _) => {
            let from = super::local::resolve(tz, start_local).ok_or_else(no_time)?;
            let to = super::local::resolve(tz, end.local(tz).ok_or_else(no_time)?)
                .ok_or_else(no_time)?;
            if to <= from {
                return Err(format!("line {line}: the event ends before it starts"));
            }
            Length::Fixed(to - from)
        }
        (None, None, When::Date(_)) => Length::Days(1),
        (None, None, _) => {
            return Err(format!(
                "line {line}: an event with a start time needs DTEND or DURATION"
            ));
        }
    };
    let start_text = start_local.format("%Y-%m-%dT%H:%M:%S").to_string();
    let rule = e.rrule.unwrap_or_else(|| "FREQ=DAILY;COUNT=1".into());
    let exdates: Vec<NaiveDateTime> = e.exdates.iter().filter_map(|x| x.local(tz)).collect();
    Freeze::recurring(&rule, &start_text, length, &exdates, tz, reason, around)
        .map_err(|err| format!("line {line}: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CALENDAR: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//acme//holidays//EN\r\n\
BEGIN:VEVENT\r\nUID:1@acme\r\nDTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:20261227\r\n\
SUMMARY:Christmas\\, Boxing Day\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:2@acme\r\nDTSTART;TZID=America/New_York:20260101T090000\r\nDURATION:PT2H\r\n\
RRULE:FREQ=MONTHLY;BYDAY=1MO\r\nEXDATE;TZID=America/New_York:20260302T090000\r\nSUMMARY:Monthly\r\n  review\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn events_become_freezes() {
        let tz: Tz = "Europe/London".parse().unwrap();
        let f = freezes(CALENDAR, tz, None, utc("2026-06-01T00:00:00Z")).unwrap();
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].reason, "Christmas, Boxing Day");
        assert_eq!(
            f[0].active_until(utc("2026-12-26T12:00:00Z")),
            Some(utc("2026-12-27T00:00:00Z"))
        );
        assert_eq!(f[0].active_until(utc("2026-12-27T00:00:00Z")), None);
        // First Monday, 09:00-11:00 New York; March excepted.
        assert_eq!(f[1].reason, "Monthly review");
        assert_eq!(
            f[1].active_until(utc("2026-04-06T13:30:00Z")),
            Some(utc("2026-04-06T15:00:00Z"))
        );
        assert_eq!(f[1].active_until(utc("2026-03-02T14:30:00Z")), None);
        assert_eq!(
            freezes(CALENDAR, tz, Some("holiday"), utc("2026-06-01T00:00:00Z")).unwrap()[1].reason,
            "holiday"
        );
    }

    #[test]
    fn alarms_zones_and_exceptions_are_read_as_the_rfc_says() {
        let tz: Tz = "UTC".parse().unwrap();
        let around = utc("2026-06-01T00:00:00Z");
        // An alarm's DURATION and SUMMARY are the alarm's, not the event's.
        let alarm = "BEGIN:VEVENT\nDTSTART;VALUE=DATE:20261224\nDTEND;VALUE=DATE:20261226\nSUMMARY:Holiday\nBEGIN:VALARM\nACTION:DISPLAY\nSUMMARY:ring\nDURATION:PT15M\nTRIGGER:-PT1H\nEND:VALARM\nEND:VEVENT\n";
        let f = freezes(alarm, tz, None, around).unwrap();
        assert_eq!(f[0].reason, "Holiday");
        assert_eq!(
            f[0].active_until(utc("2026-12-25T12:00:00Z")),
            Some(utc("2026-12-26T00:00:00Z"))
        );
        // A New York start with an end written without a zone: New York's.
        let ny = "BEGIN:VEVENT\nDTSTART;TZID=America/New_York:20261201T090000\nDTEND:20261201T110000\nEND:VEVENT\n";
        let f = freezes(ny, tz, None, around).unwrap();
        assert_eq!(
            f[0].active_until(utc("2026-12-01T15:30:00Z")),
            Some(utc("2026-12-01T16:00:00Z"))
        );
        // An exception written in UTC still removes the New York occurrence.
        let ex = "BEGIN:VEVENT\nDTSTART;TZID=America/New_York:20261201T090000\nDURATION:PT1H\nRRULE:FREQ=DAILY;COUNT=3\nEXDATE:20261202T140000Z\nEND:VEVENT\n";
        let f = freezes(ex, tz, None, around).unwrap();
        assert!(f[0].active_until(utc("2026-12-02T14:30:00Z")).is_none());
        assert!(f[0].active_until(utc("2026-12-03T14:30:00Z")).is_some());
        // A UTC start recurs in UTC.
        let z = "BEGIN:VEVENT\nDTSTART:20260301T090000Z\nDURATION:PT1H\nRRULE:FREQ=WEEKLY;COUNT=10\nEND:VEVENT\n";
        let f = freezes(z, "Europe/London".parse().unwrap(), None, around).unwrap();
        assert!(f[0].active_until(utc("2026-04-05T09:30:00Z")).is_some());
        // Enormous durations are refused, not a panic.
        for huge in ["P4000000000D", "PT9300000000000000S", "P99999999999999999W"] {
            let text =
                format!("BEGIN:VEVENT\nDTSTART:20260301T090000Z\nDURATION:{huge}\nEND:VEVENT\n");
            assert!(freezes(&text, tz, None, around).is_err(), "{huge}");
        }
    }

    #[test]
    fn bad_events_name_their_line() {
        let tz: Tz = "UTC".parse().unwrap();
        let bad = "BEGIN:VEVENT\nDTSTART:2026-12-24\nEND:VEVENT\n";
        assert!(
            freezes(bad, tz, None, Utc::now())
                .unwrap_err()
                .starts_with("line 2:")
        );
        let no_end = "BEGIN:VEVENT\nDTSTART:20261224T100000\nEND:VEVENT\n";
        assert!(
            freezes(no_end, tz, None, Utc::now())
                .unwrap_err()
                .contains("needs DTEND or DURATION")
        );
        assert_eq!(duration(1, "P1W").unwrap(), Length::Days(7));
        assert_eq!(
            duration(1, "PT90M").unwrap(),
            Length::Fixed(chrono::Duration::minutes(90))
        );
        assert!(duration(1, "1D").is_err());
    }
}
