//! Waiting for a fresh stack: try a check again until it passes, within a
//! time limit, with exponential backoff and jitter.
//!
//! ```yaml
//! retry: 2m                  # keep trying for up to 2 minutes
//! retry:
//!   within: 2m
//!   interval: 1s             # first pause (default 500ms), doubled each time
//!   max_interval: 10s        # longest pause (default 5s)
//! ```
//!
//! Pauses use "equal jitter" (half the pause fixed, half random) so checks
//! started together spread out, as described in
//! <https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/>.
//! `within` is a hard limit: no attempt runs past it (each attempt's timeout
//! is cut to what is left), nor past the run's deadline.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use serde::Deserialize;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use crate::duration;

use super::bounds::{Dur, DurText};
use super::scope;

pub const DEFAULT_INTERVAL: Duration = Duration::from_millis(500);
pub const DEFAULT_MAX_INTERVAL: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    pub within: Duration,
    pub interval: Duration,
    pub max_interval: Duration,
}

impl Retry {
    /// The shorthand `2m` (YAML `retry: 2m`, and `--retry 2m`): retry for
    /// that long, with the default pauses.
    pub fn parse(text: &str) -> Result<Retry, String> {
        Dur::try_from(DurText::Text(text.to_string())).map(|d| Retry::within(d.0))
    }

    /// Retry for `within`, with the default pauses.
    pub fn within(within: Duration) -> Retry {
        Retry {
            within,
            interval: DEFAULT_INTERVAL,
            max_interval: DEFAULT_MAX_INTERVAL,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RetryMap {
    within: Dur,
    interval: Option<Dur>,
    max_interval: Option<Dur>,
}

impl<'de> Deserialize<'de> for Retry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RetryVisitor)
    }
}

struct RetryVisitor;

impl<'de> Visitor<'de> for RetryVisitor {
    type Value = Retry;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a duration (2m) or { within: 2m, interval: 1s, max_interval: 10s }")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Retry, E> {
        Retry::parse(s).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Retry, E> {
        let within = Dur::try_from(DurText::Seconds(n)).map_err(E::custom)?;
        Ok(Retry::within(within.0))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Retry, A::Error> {
        let m = RetryMap::deserialize(MapAccessDeserializer::new(map))?;
        let interval = m.interval.map_or(DEFAULT_INTERVAL, |d| d.0);
        let max_interval = m
            .max_interval
            .map_or(DEFAULT_MAX_INTERVAL.max(interval), |d| d.0);
        if max_interval < interval {
            return Err(de::Error::custom(scope::message(format!(
                "max_interval ({}) is shorter than interval ({})",
                duration::format(max_interval),
                duration::format(interval)
            ))));
        }
        Ok(Retry {
            within: m.within.0,
            interval,
            max_interval,
        })
    }
}

/// The pauses between attempts: `interval`, doubled up to `max_interval`,
/// each with equal jitter.
#[derive(Debug)]
pub struct Backoff {
    next: Duration,
    max: Duration,
    rng: u64,
}

impl Backoff {
    pub fn new(retry: &Retry) -> Backoff {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(0x9E37_79B9_7F4A_7C15);
        // xorshift must not start at 0.
        Backoff {
            next: retry.interval,
            max: retry.max_interval,
            rng: h.finish() | 1,
        }
    }

    /// The next pause: between half and all of the current step.
    pub fn next_pause(&mut self) -> Duration {
        let step = self.next;
        self.next = self.next.saturating_mul(2).min(self.max);
        let half = step / 2;
        let spread = u64::try_from(half.as_micros()).unwrap_or(u64::MAX);
        let random = if spread == 0 {
            0
        } else {
            self.random() % (spread + 1)
        };
        half + Duration::from_micros(random)
    }

    fn random(&mut self) -> u64 {
        // xorshift64: plenty for jitter.
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng = x;
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn retry(yaml: &str) -> Result<Retry, String> {
        serde_saphyr::from_str::<Retry>(yaml).map_err(|e| e.to_string())
    }

    #[test]
    fn short_and_long_forms() {
        assert_eq!(
            retry("2m").unwrap(),
            Retry::within(Duration::from_secs(120))
        );
        assert_eq!(retry("30").unwrap().within, Duration::from_secs(30));
        let r = retry("{ within: 1m, interval: 1s, max_interval: 10s }").unwrap();
        assert_eq!(
            (r.interval, r.max_interval),
            (Duration::from_secs(1), Duration::from_secs(10))
        );
        let r = retry("{ within: 1m, interval: 8s }").unwrap();
        assert_eq!(r.max_interval, Duration::from_secs(8));
    }

    #[test]
    fn bad_forms_say_why() {
        assert!(
            retry("soon")
                .unwrap_err()
                .contains("invalid duration `soon`")
        );
        assert!(
            retry("{ within: 1m, interval: 2s, max_interval: 1s }")
                .unwrap_err()
                .contains("max_interval (1s) is shorter than interval (2s)")
        );
        assert!(
            retry("{ interval: 1s }")
                .unwrap_err()
                .contains("missing field `within`")
        );
        assert!(
            retry("{ within: 0s }")
                .unwrap_err()
                .contains("must be more than 0s")
        );
    }

    #[test]
    fn pauses_double_up_to_the_cap_with_jitter() {
        let r = Retry {
            within: Duration::from_secs(60),
            interval: Duration::from_millis(100),
            max_interval: Duration::from_millis(400),
        };
        let mut b = Backoff::new(&r);
        let steps = [100, 200, 400, 400, 400];
        for step in steps {
            let p = b.next_pause().as_millis() as u64;
            assert!(
                p >= step / 2 && p <= step,
                "{p} not in [{}, {step}]",
                step / 2
            );
        }
    }
}
