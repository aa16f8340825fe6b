//! Local wall-clock time ↔ real instants in one IANA time zone, with the
//! daylight-saving rules greenlight follows.
//!
//! A local time such as `2026-03-29 01:30` in `Europe/London` may name one
//! instant, none (it falls in the spring-forward gap) or two (it falls in the
//! repeated fall-back hour). A boundary (a window opening, a freeze starting)
//! resolves to **the first instant whose wall-clock reading reaches it**:
//!
//! - a normal local time: its one instant;
//! - in a gap: the instant the gap ends, i.e. the first valid local time after
//!   it (`01:30` on 2026-03-29 in London → `02:00 BST` = `01:00Z`);
//! - in a repeated hour: its first occurrence (`01:30` on 2026-10-25 in
//!   London → `01:30 BST` = `00:30Z`).
//!
//! Limits: offsets are assumed to lie within -15 h..+15 h (tzdb's extremes are
//! -12 h and +14 h) and two offset changes of one zone are assumed to be more
//! than [`SCAN_STEP_SECS`] (6 h) apart, as in every current tzdb rule.
//! Instants are compared at nanosecond precision, offset changes are found to
//! the second (tzdb only has whole-second transitions).

use chrono::{DateTime, Duration, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// Scan step when looking for offset changes: shorter than any gap between
/// two changes of one zone, longer than nothing else matters.
pub(crate) const SCAN_STEP_SECS: i64 = 6 * 3600;

/// Wider than any UTC offset, in seconds (tzdb's range is -12 h..+14 h).
const MAX_OFFSET_SECS: i64 = 15 * 3600;

/// The wall-clock reading of `at` in `tz`; `None` when it would fall outside
/// chrono's calendar (within a day of `DateTime::<Utc>::MIN_UTC`/`MAX_UTC`).
pub(crate) fn wall_clock(tz: Tz, at: DateTime<Utc>) -> Option<NaiveDateTime> {
    let offset = tz.offset_from_utc_datetime(&at.naive_utc()).fix();
    at.naive_utc().checked_add_offset(offset)
}

/// The UTC offset of `tz` at `at`, in seconds east of UTC.
fn offset_secs(tz: Tz, at: DateTime<Utc>) -> i32 {
    tz.offset_from_utc_datetime(&at.naive_utc())
        .fix()
        .local_minus_utc()
}

fn instant(secs: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(secs, 0)
}

/// The first instant whose wall-clock reading in `tz` reaches `local` (see
/// the module comment). `None` only outside chrono's representable range.
pub(crate) fn resolve(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    arrivals(tz, local)[0]
}

/// Every instant at which the wall-clock reading in `tz` arrives at `local`:
/// one normally, both occurrences in a repeated hour, and the end of the gap
/// when `local` is skipped. These are the instants where a window whose
/// boundary is `local` can change state (besides the offset changes).
pub(crate) fn arrivals(tz: Tz, local: NaiveDateTime) -> [Option<DateTime<Utc>>; 2] {
    use chrono::LocalResult;
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => [Some(t.with_timezone(&Utc)), None],
        LocalResult::Ambiguous(a, b) => [Some(a.with_timezone(&Utc)), Some(b.with_timezone(&Utc))],
        LocalResult::None => [gap_end(tz, local), None],
    }
}

/// For a `local` time skipped by a spring-forward gap: the instant the gap
/// ends. Bisects on whole seconds over a bracket wider than any offset.
fn gap_end(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    let reaches = |secs: i64| {
        instant(secs)
            .and_then(|t| wall_clock(tz, t))
            .map(|l| l >= local)
    };
    let naive_secs = local.and_utc().timestamp();
    let (mut lo, mut hi) = (naive_secs - MAX_OFFSET_SECS, naive_secs + MAX_OFFSET_SECS);
    // With every offset inside ±15 h, `lo` reads before `local` and `hi` after.
    if reaches(lo)? || !reaches(hi)? {
        return None;
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if reaches(mid)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    instant(hi)
}

/// The instants in `[from, to)` at which the UTC offset of `tz` changes (the
/// first instant of the new offset), in order.
pub(crate) fn offset_changes(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let mut changes = Vec::new();
    let end = to.timestamp().saturating_add(1);
    let mut a = from.timestamp().saturating_sub(1);
    let Some(start) = instant(a) else {
        return changes;
    };
    let mut off_a = offset_secs(tz, start);
    while a < end {
        let b = a.saturating_add(SCAN_STEP_SECS).min(end);
        let Some(at_b) = instant(b) else {
            break;
        };
        let off_b = offset_secs(tz, at_b);
        if off_b != off_a
            && let Some(change) = bisect_change(tz, a, b, off_a)
            && change >= from
            && change < to
        {
            changes.push(change);
        }
        (a, off_a) = (b, off_b);
    }
    changes
}

/// The first second in `(lo, hi]` whose offset differs from `off_lo`, the
/// offset at `lo`.
fn bisect_change(tz: Tz, mut lo: i64, mut hi: i64, off_lo: i32) -> Option<DateTime<Utc>> {
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if offset_secs(tz, instant(mid)?) == off_lo {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    instant(hi)
}

/// `at` as it reads in `tz`, e.g. `2026-03-30 09:00 AEDT`.
pub(crate) fn describe(tz: Tz, at: DateTime<Utc>) -> String {
    if wall_clock(tz, at).is_none() {
        return at.format("%Y-%m-%d %H:%M UTC").to_string();
    }
    at.with_timezone(&tz)
        .format("%Y-%m-%d %H:%M %Z")
        .to_string()
}

/// The instant just before `at` (one nanosecond earlier), where the state
/// "before a change at `at`" is read.
pub(crate) fn just_before(at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    at.checked_sub_signed(Duration::nanoseconds(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_normal_local_time_is_its_one_instant() {
        let t = resolve(chrono_tz::Europe::London, local("2026-07-01 09:00"));
        assert_eq!(t, Some(utc("2026-07-01T08:00:00Z")));
    }

    #[test]
    fn a_local_time_in_the_spring_forward_gap_moves_to_the_end_of_the_gap() {
        let tz = chrono_tz::Europe::London;
        assert_eq!(
            resolve(tz, local("2026-03-29 01:30")),
            Some(utc("2026-03-29T01:00:00Z"))
        );
        assert_eq!(
            resolve(tz, local("2026-03-29 01:00")),
            Some(utc("2026-03-29T01:00:00Z"))
        );
        assert_eq!(
            describe(tz, utc("2026-03-29T01:00:00Z")),
            "2026-03-29 02:00 BST"
        );
    }

    #[test]
    fn a_local_time_in_the_repeated_hour_takes_its_first_occurrence() {
        let tz = chrono_tz::Europe::London;
        assert_eq!(
            resolve(tz, local("2026-10-25 01:30")),
            Some(utc("2026-10-25T00:30:00Z"))
        );
        assert_eq!(
            arrivals(tz, local("2026-10-25 01:30")),
            [
                Some(utc("2026-10-25T00:30:00Z")),
                Some(utc("2026-10-25T01:30:00Z"))
            ]
        );
    }

    #[test]
    fn offset_changes_of_london_in_2026() {
        let from = utc("2026-01-01T00:00:00Z");
        let to = utc("2027-01-01T00:00:00Z");
        assert_eq!(
            offset_changes(chrono_tz::Europe::London, from, to),
            vec![utc("2026-03-29T01:00:00Z"), utc("2026-10-25T01:00:00Z")]
        );
        assert!(offset_changes(chrono_tz::Asia::Kolkata, from, to).is_empty());
    }

    #[test]
    fn offset_changes_include_the_start_and_exclude_the_end_of_the_range() {
        let tz = chrono_tz::Europe::London;
        let change = utc("2026-03-29T01:00:00Z");
        assert_eq!(
            offset_changes(tz, change, change + Duration::hours(1)),
            vec![change]
        );
        assert!(offset_changes(tz, change - Duration::hours(1), change).is_empty());
    }

    #[test]
    fn resolve_handles_the_ends_of_the_calendar() {
        let tz = chrono_tz::Pacific::Chatham;
        let max = NaiveDate::MAX.and_hms_opt(23, 59, 0).unwrap();
        let min = NaiveDate::MIN.and_hms_opt(0, 0, 0).unwrap();
        // Out of range either way: must not panic.
        let _ = resolve(tz, max);
        let _ = resolve(tz, min);
        let _ = offset_changes(
            tz,
            DateTime::<Utc>::MAX_UTC - Duration::days(1),
            DateTime::<Utc>::MAX_UTC,
        );
    }
}
