//! The config file as written (stage one). Every struct denies unknown keys
//! and leaf values that can be checked alone (time zones, durations) are
//! checked while parsing, so the YAML parser reports their line and column.
//! Values that need context (a window needs its zone) keep their location
//! (`Spanned`) for stage two ([`super::gate`], [`super::locks`]...); the
//! keys of lock sources and metric sources are their kinds' own, kept raw
//! ([`crate::input::RawKeys`]).
//!
//! ```yaml
//! timezone: Australia/Sydney
//! windows:
//!   - Mon-Fri 09:00-15:30
//!   - { when: "Sat 10:00-12:00", timezone: Europe/London, name: weekend support }
//! freezes:
//!   - { name: holidays, reason: Holiday freeze, yearly: { from: "12-24", to: "01-02" } }
//!   - { reason: Black Friday, from: 2026-11-27, to: 2026-11-30 }
//! locks:
//!   on_error: closed
//!   timeout: 5s
//!   retries: 2
//!   sources:
//!     - { type: env, variable: DEPLOY_LOCK }
//!     - { type: file, path: .greenlight/lock.json }
//!     - { type: http, url: "https://locks.example.com/payments", token_env: LOCK_TOKEN }
//! deadline: 60s
//! ```

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;

use crate::duration::HumanDuration;
use crate::input::{Keyed, RawKeys, deserialize_keyed, key_list, read_kind, unset};
use crate::lock::{self, OnError};
use crate::window::{Tz, parse_timezone};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Zone for windows and freezes that name none.
    pub timezone: Option<TzName>,
    #[serde(default)]
    pub windows: Vec<Spanned<WindowEntry>>,
    #[serde(default)]
    pub freezes: Vec<Spanned<FreezeEntry>>,
    #[serde(default)]
    pub locks: LocksEntry,
    pub deadline: Option<HumanDuration>,
    /// Semantic HTTP checks (see [`crate::checks`]).
    #[serde(default)]
    pub checks: Vec<crate::checks::CheckSpec>,
    /// Baseline comparison (`greenlight compare`, `greenlight verify`).
    pub compare: Option<crate::compare::CompareEntry>,
    /// The shared store of locks and leases (etcd).
    pub store: Option<crate::store::StoreEntry>,
    /// The deploy lease `gate` takes when it says go.
    pub lease: Option<LeaseEntry>,
    /// What a no-go of `verify` or `compare` does besides exiting 1.
    pub on_no_go: Option<OnNoGoEntry>,
    /// Who may break glass (`gate --override`).
    pub overrides: Option<OverridesEntry>,
    /// Rollbacks go through freezes and closed windows.
    pub allow_rollbacks: Option<bool>,
    /// Incidents still stop a rollback (default false).
    pub incidents_block_rollbacks: Option<bool>,
    /// Slack or webhook notifications (see [`crate::publish::notify`]).
    #[serde(default)]
    pub notify: Vec<super::publish::NotifyEntry>,
    /// Per deployment environment, keys that replace the top-level ones.
    #[serde(default)]
    pub environments: BTreeMap<String, EnvironmentEntry>,
}

/// `overrides: {allowed: true, by: ["acme/shop#*"]}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverridesEntry {
    #[serde(default)]
    pub allowed: bool,
    /// Identity patterns (`*` any text) allowed to override; empty: anyone.
    #[serde(default)]
    pub by: Vec<String>,
}

/// `on_no_go: {lock: true, expires: 4h}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnNoGoEntry {
    /// Lock the writable lock sources.
    #[serde(default)]
    pub lock: bool,
    /// The lock expires after this long (default: never; a person unlocks).
    pub expires: Option<HumanDuration>,
}

/// `lease:`: one deploy at a time (or `slots`) under `name`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaseEntry {
    pub name: Option<String>,
    /// How long a lease lives without being released (default 30m).
    pub ttl: Option<HumanDuration>,
    /// Holders at once (default 1).
    pub slots: Option<u32>,
    /// How long `gate` waits in line for a slot (default: it does not).
    pub wait: Option<HumanDuration>,
}

/// What one deployment environment overrides (`environments: {production:
/// {windows: [...]}, staging: {windows: []}}`): each key given replaces the
/// top-level key of the same name, whole; keys not given are inherited.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentEntry {
    pub timezone: Option<TzName>,
    pub windows: Option<Vec<Spanned<WindowEntry>>>,
    pub freezes: Option<Vec<Spanned<FreezeEntry>>>,
    pub locks: Option<LocksEntry>,
    pub deadline: Option<HumanDuration>,
    pub checks: Option<Vec<crate::checks::CheckSpec>>,
    pub compare: Option<crate::compare::CompareEntry>,
    pub store: Option<crate::store::StoreEntry>,
    pub lease: Option<LeaseEntry>,
    pub on_no_go: Option<OnNoGoEntry>,
    pub overrides: Option<OverridesEntry>,
    pub allow_rollbacks: Option<bool>,
    pub incidents_block_rollbacks: Option<bool>,
}

impl FileConfig {
    /// Applies environment `name`'s overrides. Returns false when the file
    /// has no such environment (the top-level settings then apply as they are).
    ///
    /// Names match the way Bitbucket and Bamboo write them: without regard
    /// to case, and with spaces, `-` and `_` alike (`Production` selects
    /// `production`, `Pre Prod` selects `pre-prod`). Returns the block's
    /// key, or an error when two blocks match the same name.
    pub fn select_environment(&mut self, name: &str) -> Result<Option<String>, String> {
        let wanted = environment_key(name);
        let matching: Vec<String> = self
            .environments
            .keys()
            .filter(|k| environment_key(k) == wanted)
            .cloned()
            .collect();
        let key = match matching.as_slice() {
            [] => return Ok(None),
            [one] => one.clone(),
            many => {
                return Err(format!(
                    "environment `{name}` matches several blocks ({}): names are compared without case, and spaces, `-` and `_` are alike",
                    many.join(", ")
                ));
            }
        };
        let Some(env) = self.environments.remove(&key) else {
            return Ok(None);
        };
        macro_rules! take {
            ($($field:ident),*) => { $( if let Some(v) = env.$field { self.$field = v.into(); } )* };
        }
        take!(
            timezone,
            windows,
            freezes,
            locks,
            deadline,
            checks,
            compare,
            store,
            lease,
            on_no_go,
            overrides,
            allow_rollbacks,
            incidents_block_rollbacks
        );
        Ok(Some(key))
    }
}

/// `Pre Prod`, `pre-prod`, `PRE_PROD` → `pre-prod`.
pub fn environment_key(name: &str) -> String {
    name.split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

/// An IANA time zone name, checked while parsing.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(try_from = "String")]
pub struct TzName(pub Tz);

impl TryFrom<String> for TzName {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        parse_timezone(&s).map(TzName).map_err(|e| e.to_string())
    }
}

/// `- Mon-Fri 09:00-15:30` or `- { when: ..., timezone: ..., name: ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowEntry {
    pub when: String,
    pub timezone: Option<TzName>,
    pub name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WindowMap {
    when: String,
    timezone: Option<TzName>,
    name: Option<String>,
}

impl<'de> Deserialize<'de> for WindowEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = WindowEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a window like \"Mon-Fri 09:00-15:30\" or a map with `when`, `timezone`, `name`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<WindowEntry, E> {
                Ok(WindowEntry {
                    when: v.to_string(),
                    timezone: None,
                    name: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<WindowEntry, A::Error> {
                let w = WindowMap::deserialize(de::value::MapAccessDeserializer::new(m))?;
                Ok(WindowEntry {
                    when: w.when,
                    timezone: w.timezone,
                    name: w.name,
                })
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FreezeEntry {
    pub name: Option<String>,
    /// Required, except for an `ics:` calendar (its events' summaries).
    #[serde(default)]
    pub reason: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub yearly: Option<YearlyEntry>,
    /// An RFC 5545 recurrence rule (`FREQ=YEARLY;BYMONTH=11;BYDAY=4TH`).
    pub rrule: Option<String>,
    /// The rule's first start (a date or local date-time; default 2000-01-01).
    pub start: Option<String>,
    /// How long each occurrence lasts (default 1d; whole days are local days).
    pub duration: Option<HumanDuration>,
    /// Starts left out (local dates or date-times).
    #[serde(default)]
    pub except: Vec<String>,
    /// An iCalendar file (path) or URL whose events are freezes.
    pub ics: Option<String>,
    pub timezone: Option<TzName>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearlyEntry {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocksEntry {
    pub on_error: Option<OnError>,
    /// Per attempt, per source.
    pub timeout: Option<HumanDuration>,
    pub retries: Option<u32>,
    #[serde(default)]
    pub sources: Vec<Spanned<LockSourceEntry>>,
}

/// One lock source: `type` names a kind ([`crate::lock::KINDS`]); the
/// other keys but `name` are that kind's own, read in stage two.
#[derive(Debug, Clone)]
pub struct LockSourceEntry {
    pub kind: Spanned<String>,
    pub name: Option<String>,
    pub keys: RawKeys,
}

impl Default for LockSourceEntry {
    fn default() -> Self {
        LockSourceEntry {
            kind: unset(),
            name: None,
            keys: RawKeys::default(),
        }
    }
}

impl Keyed for LockSourceEntry {
    const EXPECTING: &'static str = "a lock source: a map with `type`";
    fn expected() -> &'static [&'static str] {
        static KEYS: OnceLock<Vec<&'static str>> = OnceLock::new();
        key_list(&KEYS, &["type", "name"], lock::all_keys)
    }
    fn plugin_keys() -> Vec<&'static str> {
        lock::all_keys()
    }
    fn common<'de, A: MapAccess<'de>>(&mut self, key: &str, m: &mut A) -> Result<bool, A::Error> {
        match key {
            "type" => self.kind = read_kind(m, lock::name_list())?,
            "name" => self.name = Some(m.next_value()?),
            _ => return Ok(false),
        }
        Ok(true)
    }
    fn required(&self) -> (&'static str, &Spanned<String>) {
        ("type", &self.kind)
    }
    fn plugin_map(&mut self) -> &mut RawKeys {
        &mut self.keys
    }
}

impl<'de> Deserialize<'de> for LockSourceEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_keyed(d)
    }
}
