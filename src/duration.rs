//! Human durations: `500ms`, `30s`, `5m`, `2h`, `1h30m`, `7d`, `2w`.
//! Used for timeouts, deadlines, lock expiry and metric windows, in config
//! files, flags and environment variables alike.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A duration written the way people write them. Deserializes from a string
/// (or a bare number of seconds) and rejects anything else with a message
/// that shows the accepted forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(try_from = "DurationText", into = "String")]
pub struct HumanDuration(pub Duration);

impl HumanDuration {
    pub fn get(self) -> Duration {
        self.0
    }
}

impl std::str::FromStr for HumanDuration {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        parse_positive(s).map(HumanDuration)
    }
}

impl From<HumanDuration> for String {
    fn from(d: HumanDuration) -> String {
        format(d.0)
    }
}

/// What YAML may hold for a duration: text, or a number of seconds.
#[derive(Deserialize)]
#[serde(untagged)]
enum DurationText {
    Text(String),
    Seconds(u64),
}

impl TryFrom<DurationText> for HumanDuration {
    type Error = String;
    fn try_from(t: DurationText) -> Result<Self, String> {
        match t {
            DurationText::Text(s) => s.parse(),
            DurationText::Seconds(n) => parse_positive(&n.to_string()).map(HumanDuration),
        }
    }
}

const UNITS: &[(&str, u64)] = &[
    ("ms", 1),
    ("s", 1_000),
    ("m", 60_000),
    ("h", 3_600_000),
    ("d", 86_400_000),
    ("w", 604_800_000),
];

/// The longest duration accepted anywhere: ten years. Longer ones are
/// mistakes, and would overflow the clocks they are added to.
pub const MAX: Duration = Duration::from_secs(3650 * 86_400);

/// A duration that must be more than zero: every timeout, deadline,
/// window, step, retry budget and expiry (one rule everywhere).
pub fn parse_positive(text: &str) -> Result<Duration, String> {
    let d = parse(text)?;
    if d.is_zero() {
        return Err(format!(
            "invalid duration `{}`: must be more than 0s",
            text.trim()
        ));
    }
    Ok(d)
}

/// Parses `1h30m`-style text. A bare number means seconds. At most
/// [`MAX`].
pub fn parse(text: &str) -> Result<Duration, String> {
    let s = text.trim();
    let bad = || format!("invalid duration `{text}` (expected e.g. 500ms, 30s, 5m, 2h, 1h30m, 7d)");
    if s.is_empty() {
        return Err(bad());
    }
    if let Ok(secs) = s.parse::<u64>() {
        return match secs.checked_mul(1000) {
            Some(ms) if Duration::from_millis(ms) <= MAX => Ok(Duration::from_secs(secs)),
            _ => Err(format!(
                "invalid duration `{text}`: longer than {}",
                format(MAX)
            )),
        };
    }
    let mut total: u64 = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(bad());
        }
        let n: u64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        let (_, millis) = UNITS
            .iter()
            .find(|(name, _)| *name == unit)
            .ok_or_else(bad)?;
        total = n
            .checked_mul(*millis)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
        rest = &rest[unit_len..];
    }
    let d = Duration::from_millis(total);
    if d > MAX {
        return Err(format!(
            "invalid duration `{text}`: longer than {}",
            format(MAX)
        ));
    }
    Ok(d)
}

/// Formats a duration compactly for people: `2h 15m`, `45s`, `3d 4h`.
/// Keeps the two largest units; sub-second durations show milliseconds.
pub fn format(d: Duration) -> String {
    let ms = d.as_millis() as u64;
    if ms < 1_000 {
        return format!("{ms}ms");
    }
    let secs = ms / 1000;
    let parts = [
        (secs / 86_400, "d"),
        (secs / 3_600 % 24, "h"),
        (secs / 60 % 60, "m"),
        (secs % 60, "s"),
    ];
    let first = parts.iter().position(|(n, _)| *n > 0).unwrap_or(3);
    parts[first..]
        .iter()
        .take(2)
        .filter(|(n, _)| *n > 0)
        .map(|(n, u)| format!("{n}{u}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        assert_eq!(parse("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse("7d"), Ok(Duration::from_secs(604_800)));
        assert_eq!(parse("45"), Ok(Duration::from_secs(45)));
    }

    #[test]
    fn rejects_garbage_with_the_accepted_forms() {
        for bad in ["", "h", "2x", "-1s", "1.5h", "1h 30m"] {
            let err = parse(bad).unwrap_err();
            assert!(err.contains("expected e.g. 500ms"), "{bad}: {err}");
        }
    }

    #[test]
    fn durations_past_ten_years_and_zero_are_refused_without_overflow() {
        for long in [
            "99999999999999999999d",
            "18446744073709551615",
            "99999999d",
            "3651d",
        ] {
            let err = parse(long).unwrap_err();
            assert!(
                err.contains("longer than 3650d") || err.contains("expected e.g."),
                "{long}: {err}"
            );
        }
        assert_eq!(parse("3650d"), Ok(MAX));
        assert_eq!(parse("0s"), Ok(Duration::ZERO));
        assert_eq!(
            parse_positive("0s").unwrap_err(),
            "invalid duration `0s`: must be more than 0s"
        );
        assert!("0".parse::<HumanDuration>().is_err());
    }

    #[test]
    fn formats_two_largest_units() {
        assert_eq!(format(Duration::from_secs(8100)), "2h 15m");
        assert_eq!(format(Duration::from_secs(45)), "45s");
        assert_eq!(
            format(Duration::from_secs(3 * 86_400 + 4 * 3600 + 5)),
            "3d 4h"
        );
        assert_eq!(format(Duration::from_secs(3600)), "1h");
        assert_eq!(format(Duration::from_millis(250)), "250ms");
    }
}
