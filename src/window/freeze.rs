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
        written: String,
    },
    Yearly {
        from: MonthDay,
        to: MonthDay,
    },
}

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
        let written = format!("{} to {}", from.trim(), to.trim());
        Ok(Freeze {
            name: None,
            reason,
            tz,
            period: Period::OneOff {
                from: start,
                to: end,
                written,
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

    pub fn named(mut self, name: Option<String>) -> Self {
        self.name = name;
        self
    }

    /// `name` if set, else the period with its zone:
    /// `2026-12-24 to 2026-12-26 (Europe/London)`, `yearly 12-24 to 01-02 (UTC)`.
    pub fn label(&self) -> String {
        self.name.clone().unwrap_or_else(|| match &self.period {
            Period::OneOff { written, .. } => format!("{written} ({})", self.tz),
            Period::Yearly { from, to } => format!(
                "yearly {:02}-{:02} to {:02}-{:02} ({})",
                from.month, from.day, to.month, to.day, self.tz
            ),
        })
    }

    /// When the freeze is active at `at`: the end of the period `at` is in.
    pub(crate) fn active_until(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match &self.period {
            Period::OneOff { from, to, .. } => (*from <= at && at < *to).then_some(*to),
            Period::Yearly { .. } => {
                let year = local::wall_clock(self.tz, at).year();
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
            Period::OneOff { from, to, .. } => out.extend([*from, *to].into_iter().filter(inside)),
            Period::Yearly { .. } => {
                let first = local::wall_clock(self.tz, lo).year() - 1;
                let last = local::wall_clock(self.tz, hi).year() + 1;
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
