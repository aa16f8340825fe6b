//! Bounds on numbers the server does not send in its body: how long the
//! response took, and how many days its TLS certificate has left.
//!
//! ```yaml
//! latency: < 500ms          # also <= 1s; a bare duration means <
//! tls_days_left: "> 14"     # also ">= 14"; a bare number N means >= N
//! ```
//! (`>` must be quoted in YAML; hence the bare-number form.)
//!
//! Also [`Dur`], a duration field (`timeout: 5s`) whose errors name the check.

use std::fmt;
use std::time::Duration;

use serde::Deserialize;

use crate::duration;

use super::scope;

/// A duration in a check (`500ms`, `5s`, `2m`, or a number of seconds),
/// like [`crate::duration::HumanDuration`] but with errors that say where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "DurText")]
pub struct Dur(pub Duration);

#[derive(Deserialize)]
#[serde(untagged)]
pub(super) enum DurText {
    Seconds(u64),
    Text(String),
}

impl TryFrom<DurText> for Dur {
    type Error = String;
    fn try_from(text: DurText) -> Result<Self, String> {
        let text = match text {
            DurText::Seconds(n) => n.to_string(),
            DurText::Text(t) => t,
        };
        duration::parse_positive(&text)
            .map(Dur)
            .map_err(scope::message)
    }
}

/// An upper bound on the response time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct LatencyBound {
    pub limit: Duration,
    pub inclusive: bool,
}

impl LatencyBound {
    pub fn parse(text: &str) -> Result<LatencyBound, String> {
        let t = text.trim();
        let (inclusive, rest) = if let Some(rest) = t.strip_prefix("<=") {
            (true, rest)
        } else if let Some(rest) = t.strip_prefix('<') {
            (false, rest)
        } else if t.starts_with(['>', '=', '!']) {
            return Err(format!(
                "`{t}`: latency takes an upper bound, `< 500ms` or `<= 1s`"
            ));
        } else {
            (false, t)
        };
        let limit = duration::parse(rest.trim())?;
        Ok(LatencyBound { limit, inclusive })
    }

    pub fn holds(&self, latency: Duration) -> bool {
        if self.inclusive {
            latency <= self.limit
        } else {
            latency < self.limit
        }
    }
}

impl fmt::Display for LatencyBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = if self.inclusive { "<=" } else { "<" };
        write!(f, "{op} {}", duration::format(self.limit))
    }
}

impl TryFrom<String> for LatencyBound {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        LatencyBound::parse(&text).map_err(|m| scope::message_at("expect.latency", m))
    }
}

/// A lower bound on the days before the certificate expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "DaysText")]
pub struct DaysBound {
    pub days: i64,
    pub inclusive: bool,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum DaysText {
    Number(i64),
    Text(String),
}

impl DaysBound {
    pub fn parse(text: &str) -> Result<DaysBound, String> {
        let t = text.trim();
        let (inclusive, rest) = if let Some(rest) = t.strip_prefix(">=") {
            (true, rest)
        } else if let Some(rest) = t.strip_prefix('>') {
            (false, rest)
        } else if t.starts_with(['<', '=', '!']) {
            return Err(format!(
                "`{t}`: days left takes a lower bound, `> 14` or `>= 14`"
            ));
        } else {
            (true, t)
        };
        let days = rest
            .trim()
            .parse::<i64>()
            .map_err(|_| format!("invalid number of days `{t}` (expected e.g. `> 14` or 14)"))?;
        Ok(DaysBound { days, inclusive })
    }

    pub fn holds(&self, days_left: i64) -> bool {
        if self.inclusive {
            days_left >= self.days
        } else {
            days_left > self.days
        }
    }
}

impl fmt::Display for DaysBound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = if self.inclusive { ">=" } else { ">" };
        write!(f, "{op} {}", self.days)
    }
}

impl TryFrom<DaysText> for DaysBound {
    type Error = String;
    fn try_from(text: DaysText) -> Result<Self, String> {
        match text {
            DaysText::Number(days) => Ok(DaysBound {
                days,
                inclusive: true,
            }),
            DaysText::Text(t) => {
                DaysBound::parse(&t).map_err(|m| scope::message_at("expect.tls_days_left", m))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_bounds() {
        let b = LatencyBound::parse("< 500ms").unwrap();
        assert!(b.holds(Duration::from_millis(499)) && !b.holds(Duration::from_millis(500)));
        let b = LatencyBound::parse("<= 1s").unwrap();
        assert!(b.holds(Duration::from_secs(1)));
        assert_eq!(LatencyBound::parse("2s").unwrap().to_string(), "< 2s");
        assert!(
            LatencyBound::parse("> 1s")
                .unwrap_err()
                .contains("upper bound")
        );
        assert!(
            LatencyBound::parse("< fast")
                .unwrap_err()
                .contains("invalid duration")
        );
    }

    #[test]
    fn days_bounds() {
        assert!(DaysBound::parse("> 14").unwrap().holds(15));
        assert!(!DaysBound::parse("> 14").unwrap().holds(14));
        assert!(DaysBound::parse("14").unwrap().holds(14));
        assert!(DaysBound::parse("< 3").unwrap_err().contains("lower bound"));
        assert!(
            DaysBound::parse("> soon")
                .unwrap_err()
                .contains("invalid number of days")
        );
        let from_yaml: DaysBound = serde_saphyr::from_str("30").unwrap();
        assert_eq!(from_yaml.to_string(), ">= 30");
    }
}
