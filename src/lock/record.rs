//! The JSON shape of a lock, shared by the lock file, the body greenlight
//! PUTs to a lock API, and an environment variable holding JSON:
//!
//! ```json
//! {"locked": true, "reason": "incident INC-42", "by": "alice",
//!  "since": "2026-03-02T10:00:00Z", "expires": "2026-03-02T12:00:00Z"}
//! ```
//!
//! `reason` is required; `by`, `since` and `expires` are optional; `locked`
//! defaults to true (a lock file that exists is a lock unless it says false).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{LockInfo, LockState};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LockRecord {
    #[serde(default = "yes")]
    pub locked: bool,
    #[serde(default)]
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<DateTime<Utc>>,
    /// Written by greenlight after a bad deploy (`on_no_go`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub auto: bool,
}

fn yes() -> bool {
    true
}

impl LockRecord {
    pub fn state(&self) -> LockState {
        if !self.locked {
            return LockState::Unlocked;
        }
        LockState::Locked(LockInfo {
            reason: if self.reason.trim().is_empty() {
                "no reason given".into()
            } else {
                self.reason.clone()
            },
            by: self.by.clone(),
            since: self
                .since
                .map(|s| s.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            expires: self.expires,
            auto: self.auto,
        })
    }

    /// Whether this record may replace `current` (a source's lock now):
    /// nothing there, a lock lifted or expired at `at`, or the same holder
    /// updating its own lock is `Ok(None)`; another holder's live lock is
    /// `Ok(Some(it))` with `force` (it is replaced, and the caller says
    /// so) and `Err(it)` without.
    pub fn may_replace(
        &self,
        current: Option<LockInfo>,
        force: bool,
        at: DateTime<Utc>,
    ) -> Result<Option<LockInfo>, LockInfo> {
        let Some(current) = current else {
            return Ok(None);
        };
        let expired = current.expires.is_some_and(|e| e <= at);
        let same_holder = current.by.is_some() && current.by == self.by;
        match () {
            () if expired || same_holder => Ok(None),
            () if force => Ok(Some(current)),
            () => Err(current),
        }
    }

    /// Parses a lock document, with a message that says what is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("invalid lock JSON: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_record_is_a_lock() {
        let r = LockRecord::parse(r#"{"reason":"INC-42"}"#).unwrap();
        assert!(matches!(r.state(), LockState::Locked(i) if i.reason == "INC-42"));
    }

    #[test]
    fn locked_false_is_unlocked() {
        let r = LockRecord::parse(r#"{"locked":false}"#).unwrap();
        assert_eq!(r.state(), LockState::Unlocked);
    }

    #[test]
    fn only_the_holder_or_force_replaces_a_live_lock() {
        let at: DateTime<Utc> = "2026-03-04T10:00:00Z".parse().unwrap();
        let alice = LockInfo {
            reason: "INC-1".into(),
            by: Some("alice".into()),
            ..Default::default()
        };
        let bob = LockRecord::parse(r#"{"reason":"release","by":"bob"}"#).unwrap();
        assert_eq!(bob.may_replace(None, false, at), Ok(None));
        assert_eq!(
            bob.may_replace(Some(alice.clone()), false, at),
            Err(alice.clone())
        );
        assert_eq!(
            bob.may_replace(Some(alice.clone()), true, at),
            Ok(Some(alice.clone()))
        );
        let alice_again = LockRecord::parse(r#"{"reason":"still INC-1","by":"alice"}"#).unwrap();
        assert_eq!(
            alice_again.may_replace(Some(alice.clone()), false, at),
            Ok(None)
        );
        let expired = LockInfo {
            expires: Some(at),
            ..alice
        };
        assert_eq!(bob.may_replace(Some(expired), false, at), Ok(None));
    }

    #[test]
    fn bad_dates_are_named() {
        let e = LockRecord::parse(r#"{"reason":"x","since":"yesterday"}"#).unwrap_err();
        assert!(e.starts_with("invalid lock JSON"), "{e}");
    }
}
