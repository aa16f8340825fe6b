//! Leaf values of the `compare:` section, checked while the YAML is read so
//! that a mistake is reported at its line and column: quantities
//! (`10%`, `50ms`, `0.05`, `2MiB`), confidence (`0.95` or `95%`), weights,
//! sample counts, units, and template-variable values.
//!
//! A quantity keeps what it was written as; the metric's `unit` and kind
//! decide later what it means ([`Quantity::in_unit`]).

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// A number as written: a percentage, a duration, a size, or plain.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(try_from = "NumberOrText")]
pub enum Quantity {
    /// `10%` → 0.10.
    Percent(f64),
    /// `50ms` → 0.05 (seconds).
    Time(f64),
    /// `2MiB` → 2097152 (bytes).
    Size(f64),
    /// `0.05`: in the metric's own unit.
    Plain(f64),
    /// `1MiB/min`, `0.5/s`: a change per second, in the base unit of what
    /// changes (bytes for sizes, seconds for durations, else the metric's
    /// own), for trends.
    PerSecond(f64, Changing),
}

/// What a [`Quantity::PerSecond`] is a change of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changing {
    Time,
    Size,
    Plain,
}

/// What YAML may hold for a number: a number or text.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum NumberOrText {
    Number(f64),
    Text(String),
}

/// Suffixes, longest first so that `ms` is not read as `s`, with what
/// they multiply by and divide by (dividing keeps `95%` exactly 0.95).
const SUFFIXES: &[(&str, Kind, f64, f64)] = &[
    ("KiB", Kind::Size, 1024.0, 1.0),
    ("MiB", Kind::Size, 1_048_576.0, 1.0),
    ("GiB", Kind::Size, 1_073_741_824.0, 1.0),
    ("KB", Kind::Size, 1e3, 1.0),
    ("MB", Kind::Size, 1e6, 1.0),
    ("GB", Kind::Size, 1e9, 1.0),
    ("ns", Kind::Time, 1.0, 1e9),
    ("us", Kind::Time, 1.0, 1e6),
    ("µs", Kind::Time, 1.0, 1e6),
    ("ms", Kind::Time, 1.0, 1e3),
    ("B", Kind::Size, 1.0, 1.0),
    ("s", Kind::Time, 1.0, 1.0),
    ("m", Kind::Time, 60.0, 1.0),
    ("h", Kind::Time, 3600.0, 1.0),
    ("%", Kind::Percent, 1.0, 100.0),
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Time,
    Size,
    Percent,
}

impl TryFrom<NumberOrText> for Quantity {
    type Error = String;
    fn try_from(raw: NumberOrText) -> Result<Self, String> {
        match raw {
            NumberOrText::Number(v) if v.is_finite() => Ok(Quantity::Plain(v)),
            NumberOrText::Number(v) => Err(format!("`{v}` is not a finite number")),
            NumberOrText::Text(s) => s.parse(),
        }
    }
}

impl std::str::FromStr for Quantity {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let s = text.trim();
        if let Some((amount, per)) = s.rsplit_once('/') {
            let seconds = match per.trim() {
                "s" | "sec" | "second" => 1.0,
                "m" | "min" | "minute" => 60.0,
                "h" | "hour" => 3600.0,
                "d" | "day" => 86_400.0,
                other => {
                    return Err(format!(
                        "`{text}`: `/{other}` is not a time unit (a change per time is written like 1MiB/min, 0.5/s or 100/h)"
                    ));
                }
            };
            return match amount.parse::<Quantity>()? {
                Quantity::Plain(v) => Ok(Quantity::PerSecond(v / seconds, Changing::Plain)),
                Quantity::Size(v) => Ok(Quantity::PerSecond(v / seconds, Changing::Size)),
                Quantity::Time(v) => Ok(Quantity::PerSecond(v / seconds, Changing::Time)),
                _ => Err(format!("`{text}` is not a change per time (e.g. 1MiB/min)")),
            };
        }
        let bad = || {
            format!(
                "`{text}` is not a number, a percentage (10%), a duration (50ms, 1.5s) or a size (512KiB)"
            )
        };
        let (number, kind, times, per) = SUFFIXES
            .iter()
            .find_map(|(suffix, kind, times, per)| {
                s.strip_suffix(suffix)
                    .map(|n| (n.trim(), Some(*kind), *times, *per))
            })
            .unwrap_or((s, None, 1.0, 1.0));
        // `inf`/`nan` parse as f64 but are no quantity; `1e3` is fine.
        if number.is_empty()
            || number
                .chars()
                .any(|c| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
        {
            return Err(bad());
        }
        let v: f64 = number.parse().map_err(|_| bad())?;
        let v = v * times / per;
        if !v.is_finite() {
            return Err(bad());
        }
        Ok(match kind {
            None => Quantity::Plain(v),
            Some(Kind::Time) => Quantity::Time(v),
            Some(Kind::Size) => Quantity::Size(v),
            Some(Kind::Percent) => Quantity::Percent(v),
        })
    }
}

pub use crate::judge::Unit;

impl Quantity {
    /// The value in the metric's unit; `None` for a percentage (relative).
    /// Without a `unit`, durations are in seconds and sizes in bytes (the
    /// base units Prometheus metrics use).
    pub fn in_unit(self, unit: Option<Unit>) -> Result<Option<f64>, String> {
        match (self, unit) {
            (Quantity::Percent(_), _) => Ok(None),
            (Quantity::Plain(v), _) => Ok(Some(v)),
            (Quantity::PerSecond(v, of), unit) => match of {
                Changing::Time => Quantity::Time(v).in_unit(unit),
                Changing::Size => Quantity::Size(v).in_unit(unit),
                Changing::Plain => Ok(Some(v)),
            },
            (Quantity::Time(v), None) => Ok(Some(v)),
            (Quantity::Size(v), None | Some(Unit::Bytes)) => Ok(Some(v)),
            (Quantity::Time(v), Some(u)) => match u.seconds() {
                Some(per) => Ok(Some(v / per)),
                None => Err(format!(
                    "a duration does not fit the metric's unit `{}`",
                    u.name()
                )),
            },
            (Quantity::Size(_), Some(u)) => Err(format!(
                "a size does not fit the metric's unit `{}`",
                u.name()
            )),
        }
    }
}

/// A confidence level: `0.95` or `95%`, strictly between 0 and 1.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(try_from = "NumberOrText")]
pub struct Confidence(pub f64);

impl TryFrom<NumberOrText> for Confidence {
    type Error = String;
    fn try_from(raw: NumberOrText) -> Result<Self, String> {
        let shown = match &raw {
            NumberOrText::Number(v) => v.to_string(),
            NumberOrText::Text(s) => s.clone(),
        };
        let v = match Quantity::try_from(raw) {
            Ok(Quantity::Plain(v) | Quantity::Percent(v)) => v,
            _ => f64::NAN,
        };
        if v > 0.0 && v < 1.0 {
            Ok(Confidence(v))
        } else {
            Err(format!(
                "`{shown}` is not a confidence level: write a fraction or a percentage strictly between 0 and 1, e.g. 0.95 or 95%"
            ))
        }
    }
}

/// A metric's share of the score: a finite number ≥ 0.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(try_from = "f64")]
pub struct Weight(pub f64);

impl TryFrom<f64> for Weight {
    type Error = String;
    fn try_from(v: f64) -> Result<Self, String> {
        if v.is_finite() && v >= 0.0 {
            Ok(Weight(v))
        } else {
            Err(format!("weight must be a finite number ≥ 0, got {v}"))
        }
    }
}

/// A score threshold, 0 to 100.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(try_from = "f64")]
pub struct Score(pub f64);

impl TryFrom<f64> for Score {
    type Error = String;
    fn try_from(v: f64) -> Result<Self, String> {
        if (0.0..=100.0).contains(&v) {
            Ok(Score(v))
        } else {
            Err(format!("a score threshold lies between 0 and 100, got {v}"))
        }
    }
}

/// `min_samples`: at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(try_from = "u64")]
pub struct MinSamples(pub usize);

impl TryFrom<u64> for MinSamples {
    type Error = String;
    fn try_from(v: u64) -> Result<Self, String> {
        match usize::try_from(v) {
            Ok(n) if n >= 1 => Ok(MinSamples(n)),
            _ => Err(format!("min_samples must be at least 1, got {v}")),
        }
    }
}

/// A template variable's value: any YAML scalar, kept as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a text, number or boolean value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Result<Quantity, String> {
        s.parse()
    }

    #[test]
    fn quantities_as_written() {
        assert_eq!(q("10%"), Ok(Quantity::Percent(0.10)));
        assert_eq!(q("2.5 %"), Ok(Quantity::Percent(0.025)));
        assert_eq!(q("50ms"), Ok(Quantity::Time(0.05)));
        assert_eq!(q("1.5s"), Ok(Quantity::Time(1.5)));
        assert_eq!(q("2m"), Ok(Quantity::Time(120.0)));
        assert_eq!(q("512KiB"), Ok(Quantity::Size(524_288.0)));
        assert_eq!(q("0.05"), Ok(Quantity::Plain(0.05)));
        assert_eq!(q("1e3"), Ok(Quantity::Plain(1000.0)));
        assert_eq!(q("-3"), Ok(Quantity::Plain(-3.0)));
        for bad in ["", "%", "ten%", "inf", "NaN", "5 parsecs", "1e999", "ms"] {
            assert!(q(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_and_sizes_in_the_metrics_unit() {
        assert_eq!(Quantity::Time(0.05).in_unit(None), Ok(Some(0.05)));
        let ms = Quantity::Time(0.05)
            .in_unit(Some(Unit::Milliseconds))
            .unwrap();
        assert!((ms.unwrap() - 50.0).abs() < 1e-9);
        assert_eq!(Quantity::Percent(0.1).in_unit(Some(Unit::Bytes)), Ok(None));
        assert_eq!(
            Quantity::Size(1.0)
                .in_unit(Some(Unit::Seconds))
                .unwrap_err(),
            "a size does not fit the metric's unit `s`"
        );
        assert!(Quantity::Time(1.0).in_unit(Some(Unit::Bytes)).is_err());
    }

    #[test]
    fn changes_per_time_for_trends() {
        let per = |s: &str| match q(s) {
            Ok(Quantity::PerSecond(v, of)) => (v, of),
            other => panic!("{s}: {other:?}"),
        };
        let (v, of) = per("3MiB/min");
        assert!((v - 3.0 * 1_048_576.0 / 60.0).abs() < 1e-9);
        assert_eq!(of, Changing::Size);
        assert_eq!(per("0.5/s"), (0.5, Changing::Plain));
        assert_eq!(per("100 / h").0, 100.0 / 3600.0);
        let (v, of) = per("6ms/min");
        assert_eq!(of, Changing::Time);
        let in_ms = Quantity::PerSecond(v, of)
            .in_unit(Some(Unit::Milliseconds))
            .unwrap()
            .unwrap();
        assert!((in_ms - 0.1).abs() < 1e-12, "{in_ms}");
        for bad in ["1MiB/fortnight", "10%/min", "/min", "1/"] {
            assert!(q(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn confidence_as_fraction_or_percent() {
        assert_eq!(
            Confidence::try_from(NumberOrText::Number(0.99)),
            Ok(Confidence(0.99))
        );
        assert_eq!(
            Confidence::try_from(NumberOrText::Text("95%".into())),
            Ok(Confidence(0.95))
        );
        for bad in [
            NumberOrText::Number(95.0),
            NumberOrText::Number(1.0),
            NumberOrText::Text("high".into()),
        ] {
            assert!(Confidence::try_from(bad).is_err());
        }
    }
}
