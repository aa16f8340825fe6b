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
    fn local(self, tz: Tz) -> NaiveDateTime {
        match self {
            When::Date(d) => d.and_hms_opt(0, 0, 0).unwrap_or_default(),
            When::Local(l, _) => l,
            When::Utc(u) => u.with_timezone(&tz).naive_local(),
        }
    }
    fn zone(self, default: Tz) -> Tz {
        match self {
            When::Local(_, tz) => tz,
            _ => default,
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

/// `P1D`, `PT2H30M`, `P1W`: whole days as days, anything else as a time.
fn duration(number: usize, text: &str) -> Result<Length, String> {
    let bad = || format!("line {number}: `{text}` is not an iCalendar duration");
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
                days += if c == 'W' { 7 * n } else { n };
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
                seconds += n * match c {
                    'H' => 3600,
                    'M' => 60,
                    _ => 1,
                };
                number_text.clear();
            }
            _ => return Err(bad()),
        }
    }
    match (days, seconds) {
        (0, 0) => Err(bad()),
        (d, 0) => Ok(Length::Days(u32::try_from(d).map_err(|_| bad())?)),
        (d, s) => Ok(Length::Fixed(chrono::Duration::seconds(d * 86_400 + s))),
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
    exdates: Vec<NaiveDateTime>,
    summary: Option<String>,
}

/// Every event of `text` as a freeze in `tz` (for times without a zone);
/// `reason` replaces the events' summaries when given.
pub fn freezes(text: &str, tz: Tz, reason: Option<&str>) -> Result<Vec<Freeze>, String> {
    let mut out = Vec::new();
    let mut event: Option<Event> = None;
    for (number, raw) in unfold(text) {
        let Some(line) = split(number, &raw) else {
            continue;
        };
        match (line.name.as_str(), line.value.trim()) {
            ("BEGIN", "VEVENT") => event = Some(Event::default()),
            ("END", "VEVENT") => {
                if let Some(e) = event.take() {
                    out.push(freeze(e, tz, reason, number)?);
                    if out.len() > MAX_EVENTS {
                        return Err(format!("more than {MAX_EVENTS} events"));
                    }
                }
            }
            (name, value) => {
                let Some(e) = event.as_mut() else { continue };
                match name {
                    "DTSTART" => e.start = Some((number, when(&line, value, tz)?)),
                    "DTEND" => e.end = Some(when(&line, value, tz)?),
                    "DURATION" => e.duration = Some(duration(number, value)?),
                    "RRULE" => e.rrule = Some(value.to_string()),
                    "EXDATE" => {
                        for v in value.split(',') {
                            e.exdates.push(when(&line, v, tz)?.local(tz));
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

fn freeze(e: Event, default: Tz, reason: Option<&str>, number: usize) -> Result<Freeze, String> {
    let (line, start) = e
        .start
        .ok_or_else(|| format!("line {number}: an event without DTSTART"))?;
    let tz = start.zone(default);
    let reason = reason
        .map(str::to_string)
        .or(e.summary)
        .unwrap_or_else(|| "calendar freeze".into());
    let length = match (e.duration, e.end, start) {
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
            let from = super::local::resolve(tz, start.local(tz))
                .ok_or_else(|| format!("line {line}: the start does not exist in {tz}"))?;
            let to = match end {
                When::Utc(u) => u,
                other => super::local::resolve(other.zone(tz), other.local(other.zone(tz)))
                    .ok_or_else(|| format!("line {line}: the end does not exist"))?,
            };
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
    let start_text = start.local(tz).format("%Y-%m-%dT%H:%M:%S").to_string();
    let rule = e.rrule.unwrap_or_else(|| "FREQ=DAILY;COUNT=1".into());
    Freeze::recurring(&rule, &start_text, length, &e.exdates, tz, reason)
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
        let f = freezes(CALENDAR, tz, None).unwrap();
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
            freezes(CALENDAR, tz, Some("holiday")).unwrap()[1].reason,
            "holiday"
        );
    }

    #[test]
    fn bad_events_name_their_line() {
        let tz: Tz = "UTC".parse().unwrap();
        let bad = "BEGIN:VEVENT\nDTSTART:2026-12-24\nEND:VEVENT\n";
        assert!(freezes(bad, tz, None).unwrap_err().starts_with("line 2:"));
        let no_end = "BEGIN:VEVENT\nDTSTART:20261224T100000\nEND:VEVENT\n";
        assert!(
            freezes(no_end, tz, None)
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
