//! Calendars on the web as freezes (`freezes: [{ics: https://...}]`): many
//! repositories share one holiday calendar. Fetched each run within the
//! deadline; an unreachable calendar is decided by `on_error` like a lock
//! source (closed: inconclusive). The last copy is kept with its `ETag` in
//! `.greenlight/cache/`, so an unchanged calendar is one `304 Not
//! Modified`.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::OnceLock;

use chrono_tz::Tz;

use crate::failure::Failure;
use crate::http::{self, Deadline, HttpError, Policy, Request};
use crate::window::{Freeze, Schedule, ics};

/// The largest calendar read (file or URL).
pub const MAX_BYTES: u64 = 4 << 20;

#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    pub url: String,
    /// For times without a zone.
    pub tz: Tz,
    /// Replaces the events' summaries when given.
    pub reason: Option<String>,
    pub name: Option<String>,
    /// Where the last copy and its ETag are kept.
    pub cache: PathBuf,
    /// What the first fetch of the run gave: a gate waiting in line for a
    /// lease evaluates again every 250 ms, and a calendar does not change
    /// that fast (its occurrences are expanded ±800 days around `at`).
    fetched: OnceLock<Result<Vec<Freeze>, Failure>>,
}

/// `schedule` with the feeds' freezes added, and the feeds that could not
/// be read (shown URL, cause).
pub fn with_feeds<'a>(
    schedule: &'a Schedule,
    feeds: &[Feed],
    at: chrono::DateTime<chrono::Utc>,
    deadline: Deadline,
) -> (Cow<'a, Schedule>, Vec<(String, Failure)>) {
    if feeds.is_empty() {
        return (Cow::Borrowed(schedule), Vec::new());
    }
    let mut schedule = schedule.clone();
    let mut unreadable = Vec::new();
    for feed in feeds {
        match feed.fetch(at, deadline) {
            Ok(freezes) => schedule.freezes.extend(freezes),
            Err(cause) => unreadable.push((feed.shown(), cause)),
        }
    }
    (Cow::Owned(schedule), unreadable)
}

/// FNV-1a, for a cache file name that never holds the URL itself (it may
/// carry a token).
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

impl Feed {
    pub fn new(
        url: String,
        tz: Tz,
        reason: Option<String>,
        name: Option<String>,
        cache: PathBuf,
    ) -> Feed {
        Feed {
            url,
            tz,
            reason,
            name,
            cache,
            fetched: OnceLock::new(),
        }
    }

    /// The calendar as shown: its scheme and host only (a calendar URL
    /// often carries a private token in its path).
    pub fn shown(&self) -> String {
        let authority = crate::http::authority(&self.url);
        let scheme = self.url.split("://").next().unwrap_or("https");
        format!("{scheme}://{authority}/…")
    }

    /// The URL, whole and piece by piece, as secrets.
    fn secrets(&self) -> crate::secret::Secrets {
        let mut s = crate::secret::Secrets::new();
        s.add_url(&self.url);
        s.add(&self.url);
        let path = self
            .url
            .split("://")
            .nth(1)
            .and_then(|r| r.split_once('/'))
            .map(|(_, p)| p);
        for part in path.unwrap_or_default().split(['/', '?', '&', '=']) {
            if part.len() >= 8 {
                s.add(part);
            }
        }
        s
    }

    fn paths(&self) -> (PathBuf, PathBuf) {
        let stem = format!("calendar-{:016x}", fnv(&self.url));
        (
            self.cache.join(format!("{stem}.ics")),
            self.cache.join(format!("{stem}.etag")),
        )
    }

    /// The calendar's events as freezes, expanded around `at`.
    pub fn fetch(
        &self,
        at: chrono::DateTime<chrono::Utc>,
        deadline: Deadline,
    ) -> Result<Vec<Freeze>, Failure> {
        self.fetched
            .get_or_init(|| {
                let secrets = self.secrets();
                self.read(at, deadline).map_err(|f| f.scrub(&secrets))
            })
            .clone()
    }

    fn read(
        &self,
        at: chrono::DateTime<chrono::Utc>,
        deadline: Deadline,
    ) -> Result<Vec<Freeze>, Failure> {
        let (copy, tag) = self.paths();
        let etag = std::fs::read_to_string(&tag)
            .ok()
            .filter(|_| copy.is_file());
        let mut req = Request::new("GET", &self.url);
        req.headers.push(("Accept".into(), "text/calendar".into()));
        if let Some(e) = &etag {
            req.headers
                .push(("If-None-Match".into(), e.trim().to_string()));
        }
        let resp = http::send(&req, Policy::default(), deadline)
            .map_err(|(error, attempts)| Failure::Http { error, attempts })?;
        let text = match resp.status {
            304 if etag.is_some() => {
                let until = std::time::Instant::now() + deadline.remaining();
                crate::input::read::read_text(&copy, MAX_BYTES, "calendar", until)
                    .map_err(|e| Failure::Unreadable(format!("the cached copy: {e}")))?
            }
            200..=299 if resp.body.len() as u64 > MAX_BYTES => {
                return Err(Failure::BadAnswer(format!(
                    "the calendar is larger than {} MiB",
                    MAX_BYTES >> 20
                )));
            }
            200..=299 => {
                if let Some(e) = &resp.etag {
                    // Best effort (without a cache the calendar is fetched
                    // whole), each file renamed into place whole.
                    let put = |path: &std::path::Path, text: &str| {
                        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
                        std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, path))
                    };
                    let _ = std::fs::remove_file(&tag);
                    let _ = std::fs::create_dir_all(&self.cache)
                        .and_then(|()| put(&copy, &resp.body))
                        .and_then(|()| put(&tag, e));
                }
                resp.body
            }
            status => {
                return Err(Failure::Http {
                    error: HttpError::Status {
                        status,
                        body: resp.body,
                    },
                    attempts: resp.attempts,
                });
            }
        };
        let freezes = ics::freezes(&text, self.tz, self.reason.as_deref(), at)
            .map_err(|e| Failure::BadAnswer(format!("not a calendar greenlight can read: {e}")))?;
        Ok(freezes
            .into_iter()
            .map(|f| f.named(self.name.clone()))
            .collect())
    }
}
