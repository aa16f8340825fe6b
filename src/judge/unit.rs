//! The unit a metric's values are in (`unit: ms` in the config, or implied
//! by a bound or tolerance written as a duration or a size), and values
//! written in it for people: durations scaled to ns/us/ms/s, sizes to
//! B/KiB/MiB/GiB/TiB, 4 significant digits (`98.7ms`, `64MiB`). A metric
//! without a unit prints plain numbers.

use serde::{Deserialize, Serialize};

use super::format::num;

/// The unit a metric's values are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum Unit {
    #[serde(rename = "s")]
    Seconds,
    #[serde(rename = "ms")]
    Milliseconds,
    #[serde(rename = "us")]
    Microseconds,
    #[serde(rename = "ns")]
    Nanoseconds,
    #[serde(rename = "bytes")]
    Bytes,
}

impl Unit {
    /// As written in the config.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Seconds => "s",
            Unit::Milliseconds => "ms",
            Unit::Microseconds => "us",
            Unit::Nanoseconds => "ns",
            Unit::Bytes => "bytes",
        }
    }

    /// Seconds in one of this unit; `None` for bytes.
    pub fn seconds(self) -> Option<f64> {
        match self {
            Unit::Seconds => Some(1.0),
            Unit::Milliseconds => Some(1e-3),
            Unit::Microseconds => Some(1e-6),
            Unit::Nanoseconds => Some(1e-9),
            Unit::Bytes => None,
        }
    }
}

/// A value in `unit`, scaled for reading: `98.7ms`, `1.25s`, `64MiB`,
/// `-3.2ms`; a plain number without a unit; `∞` stays `∞`.
pub fn value(x: f64, unit: Option<Unit>) -> String {
    let Some(unit) = unit else {
        return num(x);
    };
    if !x.is_finite() {
        return num(x);
    }
    match unit.seconds() {
        Some(per) => {
            let s = x * per;
            let a = s.abs();
            let (scale, suffix) = if a == 0.0 {
                (1.0, "s")
            } else if a < 1e-6 {
                (1e9, "ns")
            } else if a < 1e-3 {
                (1e6, "us")
            } else if a < 1.0 {
                (1e3, "ms")
            } else {
                (1.0, "s")
            };
            format!("{}{suffix}", num(s * scale))
        }
        None => {
            const STEPS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
            let mut v = x;
            let mut i = 0;
            while v.abs() >= 1024.0 && i + 1 < STEPS.len() {
                v /= 1024.0;
                i += 1;
            }
            format!("{}{}", num(v), STEPS[i])
        }
    }
}

/// A value with an explicit sign (`+12.5ms`).
pub fn signed_value(x: f64, unit: Option<Unit>) -> String {
    let s = value(x + 0.0, unit);
    if s.starts_with('-') {
        s
    } else {
        format!("+{s}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_sizes_scale_for_reading() {
        assert_eq!(value(0.0987, Some(Unit::Seconds)), "98.7ms");
        assert_eq!(value(131.0, Some(Unit::Milliseconds)), "131ms");
        assert_eq!(value(1250.0, Some(Unit::Milliseconds)), "1.25s");
        assert_eq!(value(0.3, Some(Unit::Seconds)), "300ms");
        assert_eq!(value(420.0, Some(Unit::Nanoseconds)), "420ns");
        assert_eq!(value(0.0, Some(Unit::Seconds)), "0s");
        assert_eq!(value(64.0 * 1024.0 * 1024.0, Some(Unit::Bytes)), "64MiB");
        assert_eq!(value(512.0, Some(Unit::Bytes)), "512B");
        assert_eq!(value(1536.0, Some(Unit::Bytes)), "1.5KiB");
        assert_eq!(value(-0.0032, Some(Unit::Seconds)), "-3.2ms");
        assert_eq!(signed_value(0.0125, Some(Unit::Seconds)), "+12.5ms");
        assert_eq!(value(41.5, None), "41.5");
        assert_eq!(value(f64::INFINITY, Some(Unit::Seconds)), "∞");
    }
}
